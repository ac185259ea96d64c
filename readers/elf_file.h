/* elf_file.h - what we need to know about a mapped ELF file (libelf). */
#ifndef PYCONC_READERS_ELF_FILE_H
#define PYCONC_READERS_ELF_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "maps.h"

/* Names looked up in .dynsym and .symtab.  Link-time addresses; 0 = absent. */
enum elf_symbol_id {
    ELF_SYM_PYRUNTIME, /* _PyRuntime: the runtime state (3.8+) */
    ELF_SYM_PY_VERSION, /* Py_Version: PY_VERSION_HEX as a const (3.11+) */
    ELF_SYM_COUNT
};

struct elf_info {
    int is_shared_object;       /* ET_DYN (PIE or library): mapped with a load bias */
    uint64_t first_load_vaddr;  /* p_vaddr of the PT_LOAD at file offset 0, page aligned */
    uint64_t pyruntime_section; /* .PyRuntime sh_addr (3.13+ builds), 0 if none */
    uint64_t pyruntime_section_size;
    uint64_t asyncio_debug_section; /* .AsyncioDebug sh_addr (3.14+ _asyncio), 0 if none */
    uint64_t asyncio_debug_section_size;
    uint64_t symbols[ELF_SYM_COUNT];
};

/* Inspects the ELF file at path; 0 on success, -1 if it cannot be read as ELF. */
int elf_inspect(const char *path, struct elf_info *info);

/* Inspects a file mapped in process pid (as the target sees it, through
 * /proc/PID/root, else by its path) and gives its load bias there.  0, or -1
 * when it is not mapped or not readable ELF. */
int elf_inspect_mapped(int pid, const struct maps *maps, const char *path, struct elf_info *info,
                       uint64_t *bias);

/* Load bias of a file whose lowest mapping starts at map_start with file offset map_offset. */
uint64_t elf_load_bias(const struct elf_info *info, uint64_t map_start, uint64_t map_offset);

#endif
