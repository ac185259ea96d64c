/* code_cache.h - code objects resolved once, keyed by their target address. */
#ifndef PYCONC_READERS_CODE_CACHE_H
#define PYCONC_READERS_CODE_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "layout.h"
#include "linetable.h"
#include "remote.h"

/* Upper bound of code_cache_header_size for every supported version. */
#define CODE_HEADER_MAX 512

struct code_info {
    uint64_t addr;        /* 0: empty slot */
    uint64_t identity[3]; /* co_filename, co_name and line table pointers when resolved */
    int firstlineno;
    int firsttraceable; /* 3.11+: _co_firsttraceable, 0 before */
    char *name; /* UTF-8 qualified name (co_qualname 3.11+, co_name before) */
    char *file; /* UTF-8 co_filename */
    struct line_ranges lines;
    /* Free for the caller (e.g. interned ids); zeroed whenever the entry is
     * (re)resolved, so a caller can cache per-code-object data here. */
    uint32_t user[5];
    int user_set;
    uint64_t generation; /* cache generation when last checked against its header */
};

struct code_cache {
    struct code_info *slots; /* direct-mapped: a collision replaces the older entry */
    size_t capacity;         /* power of two */
    /* The target's code object generation (3.14+: bumped by every code object
     * dealloc), 0 when unknown.  While it stays the same, an entry checked at
     * this generation is still the object at its address: no header read. */
    uint64_t generation;
    /* Address of PyCode_Type, learnt from the first code object (its type is
     * named "code"); an object of any other type at a frame's code pointer is
     * a torn read, never resolved. */
    uint64_t code_type;
    uint64_t hits, misses;
};

int code_cache_init(struct code_cache *cache, size_t capacity);
void code_cache_free(struct code_cache *cache);

/* Drops the entry for addr (it was resolved from a torn read). */
void code_cache_forget(struct code_cache *cache, uint64_t addr);

/* The entry for addr if it can be trusted without reading its header
 * (checked at the current, non-zero generation), else NULL. */
struct code_info *code_cache_trusted(struct code_cache *cache, uint64_t addr);

/* Bytes of a code object's header that code_cache_get_with_header needs. */
uint64_t code_cache_header_size(const struct layout *layout);

/* Like code_cache_get, with the header already read (e.g. in a batch). */
struct code_info *code_cache_get_with_header(struct code_cache *cache, struct remote *mem,
                                             const struct layout *layout, uint64_t addr,
                                             const unsigned char *header);

/* The code object at addr, resolved; NULL if it cannot be read.  The header
 * is re-read on every call and compared with the cached identity, so a code
 * object freed and replaced at the same address is resolved afresh.  The
 * pointer is valid until the next call. */
struct code_info *code_cache_get(struct code_cache *cache, struct remote *mem,
                                       const struct layout *layout, uint64_t addr);

#endif
