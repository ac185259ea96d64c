/* native_symbols.c - symbolise native addresses: /proc/PID/maps + ELF symbols.
 *
 * An address is looked up in the mapping that holds it; the mapped file's
 * function symbols come from .symtab (unstripped builds), .dynsym (what a
 * stripped library or a -export-dynamic executable such as Debian's python3
 * still exports) and .gnu_debugdata: "MiniDebugInfo", an xz-compressed ELF
 * holding the .symtab a distribution stripped (Fedora ships it), decoded with
 * liblzma.  Every file is read once, on its first address, and kept sorted.
 * A symbol only names addresses inside its size: a static function a
 * stripped build does not export (CPython's take_gil) shows as
 * file+0xOFFSET rather than under the exported symbol before it. */
#include "native_symbols.h"

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <limits.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elf_file.h"

/* An assembly symbol without a size names at most this much code after it. */
#define NATIVE_UNSIZED_SPAN 256
#define NATIVE_MAPS_REREAD_NS 100000000ull

struct symbol_sink {
    struct native_symbol *symbols;
    size_t count, capacity;
    char *names;
    size_t names_len, names_capacity;
};

static int sink_add(struct symbol_sink *sink, uint64_t addr, uint64_t size, const char *name)
{
    size_t len = strnlen(name, 1024);
    if (sink->count >= NATIVE_SYMBOLS_PER_FILE || len == 0)
        return 0;
    if (sink->count == sink->capacity) {
        size_t size_now = sink->capacity ? sink->capacity * 2 : 1024;
        struct native_symbol *bigger = realloc(sink->symbols, size_now * sizeof *bigger);
        if (!bigger)
            return -1;
        sink->symbols = bigger;
        sink->capacity = size_now;
    }
    if (sink->names_len + len + 1 > sink->names_capacity) {
        size_t size_now = sink->names_capacity ? sink->names_capacity * 2 : 16384;
        while (size_now < sink->names_len + len + 1)
            size_now *= 2;
        char *bigger = realloc(sink->names, size_now);
        if (!bigger)
            return -1;
        sink->names = bigger;
        sink->names_capacity = size_now;
    }
    memcpy(sink->names + sink->names_len, name, len);
    sink->names[sink->names_len + len] = '\0';
    sink->symbols[sink->count++] = (struct native_symbol){addr, size, (uint32_t)sink->names_len};
    sink->names_len += len + 1;
    return 0;
}

/* Every function symbol of every symbol table of elf. */
static int symbols_of(Elf *elf, struct symbol_sink *sink)
{
    Elf_Scn *section = NULL;
    while ((section = elf_nextscn(elf, section)) != NULL) {
        GElf_Shdr header;
        if (!gelf_getshdr(section, &header) ||
            (header.sh_type != SHT_SYMTAB && header.sh_type != SHT_DYNSYM) ||
            header.sh_entsize == 0)
            continue;
        Elf_Data *data = elf_getdata(section, NULL);
        if (!data)
            continue;
        size_t n = header.sh_size / header.sh_entsize;
        for (size_t i = 0; i < n; i++) {
            GElf_Sym sym;
            if (!gelf_getsym(data, (int)i, &sym))
                break;
            int type = GELF_ST_TYPE(sym.st_info);
            if ((type != STT_FUNC && type != STT_GNU_IFUNC) || sym.st_value == 0 ||
                sym.st_shndx == SHN_UNDEF)
                continue;
            const char *name = elf_strptr(elf, header.sh_link, sym.st_name);
            if (name && sink_add(sink, sym.st_value, sym.st_size, name) != 0)
                return -1;
        }
    }
    return 0;
}

/* The xz-compressed ELF in .gnu_debugdata, decompressed (malloc'd), or NULL. */
static unsigned char *debugdata_of(Elf *elf, size_t *len)
{
    size_t names_index;
    if (elf_getshdrstrndx(elf, &names_index) != 0)
        return NULL;
    Elf_Scn *section = NULL;
    while ((section = elf_nextscn(elf, section)) != NULL) {
        GElf_Shdr header;
        if (!gelf_getshdr(section, &header))
            continue;
        const char *name = elf_strptr(elf, names_index, header.sh_name);
        if (!name || strcmp(name, ".gnu_debugdata") != 0)
            continue;
        Elf_Data *data = elf_getdata(section, NULL);
        if (!data || !data->d_buf || data->d_size == 0)
            return NULL;
        size_t capacity = data->d_size * 8 < NATIVE_DEBUGDATA_MAX ? data->d_size * 8 : NATIVE_DEBUGDATA_MAX;
        for (;;) {
            unsigned char *out = malloc(capacity);
            if (!out)
                return NULL;
            uint64_t memlimit = UINT64_MAX;
            size_t in_pos = 0, out_pos = 0;
            lzma_ret rc = lzma_stream_buffer_decode(&memlimit, 0, NULL, data->d_buf, &in_pos,
                                                    data->d_size, out, &out_pos, capacity);
            if (rc == LZMA_OK) {
                *len = out_pos;
                return out;
            }
            free(out);
            if (rc != LZMA_BUF_ERROR || capacity >= NATIVE_DEBUGDATA_MAX)
                return NULL;
            capacity = capacity * 2 < NATIVE_DEBUGDATA_MAX ? capacity * 2 : NATIVE_DEBUGDATA_MAX;
        }
    }
    return NULL;
}

static int symbol_order(const void *a, const void *b)
{
    const struct native_symbol *x = a, *y = b;
    if (x->addr != y->addr)
        return x->addr < y->addr ? -1 : 1;
    /* at one address, the sized symbol first (it is kept) */
    return (x->size == 0) - (y->size == 0);
}

int native_symbol_file_load(struct native_symbol_file *f, const char *path)
{
    if (elf_version(EV_CURRENT) == EV_NONE)
        return -1;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
    struct symbol_sink sink = {0};
    int rc = -1;
    if (elf && elf_kind(elf) == ELF_K_ELF && symbols_of(elf, &sink) == 0) {
        rc = 0;
        size_t len = 0;
        unsigned char *mini = debugdata_of(elf, &len);
        Elf *inner = mini ? elf_memory((char *)mini, len) : NULL;
        if (inner && elf_kind(inner) == ELF_K_ELF)
            rc = symbols_of(inner, &sink);
        if (inner)
            elf_end(inner);
        free(mini);
    }
    if (elf)
        elf_end(elf);
    close(fd);
    if (rc != 0) {
        free(sink.symbols);
        free(sink.names);
        return -1;
    }
    if (sink.count > 1)
        qsort(sink.symbols, sink.count, sizeof *sink.symbols, symbol_order);
    /* one symbol per address (.symtab and .dynsym repeat the exported ones) */
    size_t kept = 0;
    for (size_t i = 0; i < sink.count; i++)
        if (kept == 0 || sink.symbols[kept - 1].addr != sink.symbols[i].addr)
            sink.symbols[kept++] = sink.symbols[i];
    f->symbols = sink.symbols;
    f->count = kept;
    f->names = sink.names;
    f->names_len = sink.names_len;
    return 0;
}

void native_symbol_file_free(struct native_symbol_file *f)
{
    free(f->symbols);
    free(f->names);
    free(f->path);
    memset(f, 0, sizeof *f);
}

const struct native_symbol *native_symbol_find(const struct native_symbol_file *f, uint64_t addr)
{
    size_t lo = 0, hi = f->count;
    while (lo < hi) { /* the last symbol at or below addr */
        size_t mid = lo + (hi - lo) / 2;
        if (f->symbols[mid].addr <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return NULL;
    const struct native_symbol *sym = &f->symbols[lo - 1];
    uint64_t span = sym->size ? sym->size : NATIVE_UNSIZED_SPAN;
    return addr - sym->addr < span ? sym : NULL;
}

int native_symbols_open(struct native_symbols *s, int pid)
{
    memset(s, 0, sizeof *s);
    s->pid = pid;
    return maps_read(pid, &s->maps);
}

void native_symbols_close(struct native_symbols *s)
{
    maps_free(&s->maps);
    for (size_t i = 0; i < s->file_count; i++)
        native_symbol_file_free(&s->files[i]);
    s->file_count = 0;
}

/* The symbols of the file mapped at entry (loaded on first use), or NULL. */
static struct native_symbol_file *native_file_of(struct native_symbols *s,
                                                 const struct map_entry *entry)
{
    for (size_t i = 0; i < s->file_count; i++)
        if (strcmp(s->files[i].path, entry->path) == 0)
            return &s->files[i];
    if (s->file_count >= NATIVE_SYMBOL_FILES)
        return NULL;
    struct native_symbol_file *f = &s->files[s->file_count];
    memset(f, 0, sizeof *f);
    f->path = strdup(entry->path);
    if (!f->path)
        return NULL;
    const char *slash = strrchr(f->path, '/');
    f->base = slash ? (char *)slash + 1 : f->path;
    s->file_count++;
    /* through /proc/PID/root: a target in a container sees its own files */
    char on_disk[PATH_MAX + 32];
    snprintf(on_disk, sizeof on_disk, "/proc/%d/root%s", s->pid, entry->path);
    if (native_symbol_file_load(f, on_disk) != 0)
        native_symbol_file_load(f, entry->path); /* a file that fails keeps no symbols */
    struct elf_info info;
    uint64_t bias = 0;
    if (elf_inspect_mapped(s->pid, &s->maps, entry->path, &info, &bias) == 0)
        f->bias = bias;
    else
        f->bias = entry->start - entry->offset; /* a guess: the usual layout */
    return f;
}

int native_symbols_name(struct native_symbols *s, uint64_t ip, uint64_t now_ns,
                        const char **name, const char **file)
{
    static char text[PATH_MAX + 64];
    const struct map_entry *entry = maps_find(&s->maps, ip);
    if (!entry && now_ns - s->maps_read_ns >= NATIVE_MAPS_REREAD_NS) {
        struct maps fresh;
        s->maps_read_ns = now_ns;
        if (maps_read(s->pid, &fresh) == 0) {
            maps_free(&s->maps);
            s->maps = fresh;
            s->reloads++;
            entry = maps_find(&s->maps, ip);
        }
    }
    *file = "";
    if (!entry || !entry->path || entry->path[0] != '/') {
        /* anonymous (JIT code, trampolines) or a special mapping ([vdso]) */
        snprintf(text, sizeof text, "%s", entry && entry->path ? entry->path : "[anonymous]");
        *name = text;
        return 0;
    }
    struct native_symbol_file *f = native_file_of(s, entry);
    const char *slash = strrchr(entry->path, '/');
    *file = f ? f->base : slash + 1;
    const struct native_symbol *sym = f ? native_symbol_find(f, ip - f->bias) : NULL;
    if (sym) {
        *name = f->names + sym->name;
        return 1;
    }
    snprintf(text, sizeof text, "%s+0x%llx", *file,
             (unsigned long long)(ip - entry->start + entry->offset));
    *name = text;
    return 0;
}
