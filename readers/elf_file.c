/* elf_file.c - find the CPython runtime's link-time addresses in an ELF file.
 *
 * We look at section headers (which survive `strip`), so a stripped static
 * 3.13+ build is still found through its .PyRuntime section; older versions
 * need the _PyRuntime symbol, which is exported in .dynsym by every build
 * that supports extension modules. */
#include "elf_file.h"

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *const elf_symbol_names[ELF_SYM_COUNT] = {
    [ELF_SYM_PYRUNTIME] = "_PyRuntime",
    [ELF_SYM_PY_VERSION] = "Py_Version",
};

/* Symbol tables larger than this are treated as corrupt. */
#define ELF_MAX_SYMBOLS 10000000

static void elf_scan_symbols(Elf *elf, Elf_Scn *section, const GElf_Shdr *header,
                             struct elf_info *info)
{
    Elf_Data *data = elf_getdata(section, NULL);
    if (!data || header->sh_entsize == 0)
        return;
    size_t count = header->sh_size / header->sh_entsize;
    if (count > ELF_MAX_SYMBOLS)
        return;
    for (size_t i = 0; i < count; i++) {
        GElf_Sym symbol;
        if (!gelf_getsym(data, (int)i, &symbol) || symbol.st_value == 0)
            continue;
        const char *name = elf_strptr(elf, header->sh_link, symbol.st_name);
        if (!name || name[0] == '\0')
            continue;
        for (int id = 0; id < ELF_SYM_COUNT; id++) {
            if (info->symbols[id] == 0 && strcmp(name, elf_symbol_names[id]) == 0)
                info->symbols[id] = symbol.st_value;
        }
    }
}

static void elf_scan_sections(Elf *elf, struct elf_info *info)
{
    size_t names_index;
    if (elf_getshdrstrndx(elf, &names_index) != 0)
        return;
    Elf_Scn *section = NULL;
    while ((section = elf_nextscn(elf, section)) != NULL) {
        GElf_Shdr header;
        if (!gelf_getshdr(section, &header))
            continue;
        if (header.sh_type == SHT_DYNSYM || header.sh_type == SHT_SYMTAB) {
            elf_scan_symbols(elf, section, &header, info);
            continue;
        }
        const char *name = elf_strptr(elf, names_index, header.sh_name);
        if (name && strcmp(name, ".PyRuntime") == 0) {
            info->pyruntime_section = header.sh_addr;
            info->pyruntime_section_size = header.sh_size;
        } else if (name && strcmp(name, ".AsyncioDebug") == 0) {
            info->asyncio_debug_section = header.sh_addr;
            info->asyncio_debug_section_size = header.sh_size;
        }
    }
}

static void elf_scan_segments(Elf *elf, struct elf_info *info)
{
    size_t count;
    if (elf_getphdrnum(elf, &count) != 0)
        return;
    for (size_t i = 0; i < count; i++) {
        GElf_Phdr segment;
        if (gelf_getphdr(elf, (int)i, &segment) && segment.p_type == PT_LOAD) {
            info->first_load_vaddr = segment.p_vaddr - segment.p_offset;
            info->first_load_vaddr &= ~(uint64_t)0xfff;
            return;
        }
    }
}

int elf_inspect(const char *path, struct elf_info *info)
{
    memset(info, 0, sizeof *info);
    if (elf_version(EV_CURRENT) == EV_NONE)
        return -1;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int result = -1;
    Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
    GElf_Ehdr header;
    if (elf && elf_kind(elf) == ELF_K_ELF && gelf_getehdr(elf, &header)) {
        info->is_shared_object = header.e_type == ET_DYN;
        elf_scan_segments(elf, info);
        elf_scan_sections(elf, info);
        result = 0;
    }
    if (elf)
        elf_end(elf);
    close(fd);
    return result;
}

uint64_t elf_load_bias(const struct elf_info *info, uint64_t map_start, uint64_t map_offset)
{
    if (!info->is_shared_object)
        return 0;
    /* The mapping at file offset O holds link-time address first_load_vaddr + O. */
    return map_start - map_offset - info->first_load_vaddr;
}

int elf_inspect_mapped(int pid, const struct maps *maps, const char *path, struct elf_info *info,
                       uint64_t *bias)
{
    const struct map_entry *first = maps_first_of(maps, path);
    if (!first)
        return -1;
    char on_disk[PATH_MAX + 32];
    snprintf(on_disk, sizeof on_disk, "/proc/%d/root%s", pid, path);
    if (elf_inspect(on_disk, info) != 0 && elf_inspect(path, info) != 0)
        return -1;
    *bias = elf_load_bias(info, first->start, first->offset);
    return 0;
}
