/* intern.h - give each distinct byte sequence a small stable id. */
#ifndef PYCONC_PROFILER_INTERN_H
#define PYCONC_PROFILER_INTERN_H

#include <stddef.h>
#include <stdint.h>

#define INTERN_FAILED UINT32_MAX

struct intern_table {
    /* Open-addressing hash of ids; keys live in one growing arena. */
    uint32_t *slots; /* id + 1, 0 = empty */
    size_t slot_count;
    uint64_t *key_offsets; /* per id: start of its key in the arena */
    uint32_t *key_lengths;
    uint64_t *key_hashes;
    size_t count, capacity;
    unsigned char *arena;
    size_t arena_used, arena_capacity;
};

void intern_init(struct intern_table *table);
void intern_free(struct intern_table *table);

/* The id of key (copied on first sight), or INTERN_FAILED when out of memory. */
uint32_t intern_put(struct intern_table *table, const void *key, size_t len);

/* The key of id and its length. */
const void *intern_key(const struct intern_table *table, uint32_t id, size_t *len);

#endif
