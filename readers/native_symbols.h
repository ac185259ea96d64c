/* native_symbols.h - names for native instruction addresses of a process. */
#ifndef PYCONC_READERS_NATIVE_SYMBOLS_H
#define PYCONC_READERS_NATIVE_SYMBOLS_H

#include <stddef.h>
#include <stdint.h>

#include "maps.h"

/* Mapped files whose symbols are kept at most (the rest show as file+0xOFFSET). */
#define NATIVE_SYMBOL_FILES 256
/* Symbols read from one file at most. */
#define NATIVE_SYMBOLS_PER_FILE (1u << 21)
/* A .gnu_debugdata section larger than this (decompressed) is not read. */
#define NATIVE_DEBUGDATA_MAX (64u << 20)

struct native_symbol {
    uint64_t addr; /* link-time address */
    uint64_t size; /* 0: unknown (assembly) */
    uint32_t name; /* offset into the file's name pool */
};

struct native_symbol_file {
    char *path;      /* as mapped */
    char *base;      /* its file name, for "libz.so.1+0x1f00" */
    uint64_t bias;   /* load bias in the process: link-time address = ip - bias */
    struct native_symbol *symbols; /* sorted by addr */
    size_t count;
    char *names;
    size_t names_len;
};

struct native_symbols {
    int pid;
    struct maps maps;
    uint64_t maps_read_ns; /* monotonic time of the last read of /proc/PID/maps */
    struct native_symbol_file files[NATIVE_SYMBOL_FILES];
    size_t file_count;
    uint64_t reloads; /* maps read again for an address in no mapping (a library loaded) */
};

int native_symbols_open(struct native_symbols *s, int pid);
void native_symbols_close(struct native_symbols *s);

/* Names the code at ip: *name is the symbol (e.g. "deflate") or, when none
 * covers ip, "FILE+0xOFFSET"; *file the mapped file's name ("libz.so.1"), or
 * "" when ip is in no file mapping ("[anon]+0x..." names: JIT code, a
 * trampoline).  Strings stay valid until the next call.  Maps are read again
 * when ip lies in no mapping (a library loaded since), at most every now_ns +
 * 100 ms.  Returns 1 when a symbol was found, else 0. */
int native_symbols_name(struct native_symbols *s, uint64_t ip, uint64_t now_ns,
                        const char **name, const char **file);

/* Symbols of one ELF file (.symtab, .dynsym and the xz-compressed symbol
 * table in .gnu_debugdata, "MiniDebugInfo"), sorted.  0, or -1 when the file
 * is not readable ELF. */
int native_symbol_file_load(struct native_symbol_file *f, const char *path);
void native_symbol_file_free(struct native_symbol_file *f);
/* The symbol covering link-time address addr, or NULL. */
const struct native_symbol *native_symbol_find(const struct native_symbol_file *f, uint64_t addr);

#endif
