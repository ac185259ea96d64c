/* intern.c - interning of strings, frames and stacks.
 *
 * The sample store keeps every distinct string, frame and stack once and
 * counts samples by id, so memory grows with the number of unique stacks,
 * not with the duration of the recording.  Keys are stored back to back in
 * one arena (no allocation per key); ids are dense and never change. */
#include "intern.h"

#include <stdlib.h>
#include <string.h>

static uint64_t intern_hash(const void *key, size_t len)
{
    /* Eight bytes a step (a stack key is a hundred bytes and is hashed on
     * every sample; byte-wise FNV-1a cost 7% of a 100 kHz recording), then
     * a final mix so that the low bits that pick a slot depend on every
     * byte.  Keys are ours, not an attack surface. */
    const unsigned char *p = key;
    uint64_t h = UINT64_C(0x9e3779b97f4a7c15) ^ (uint64_t)len;
    for (; len >= 8; p += 8, len -= 8) {
        uint64_t word;
        memcpy(&word, p, 8);
        h = (h ^ word) * UINT64_C(0xbf58476d1ce4e5b9);
        h ^= h >> 31;
    }
    if (len > 0) {
        uint64_t word = 0;
        memcpy(&word, p, len);
        h = (h ^ word) * UINT64_C(0xbf58476d1ce4e5b9);
        h ^= h >> 31;
    }
    h ^= h >> 33;
    h *= UINT64_C(0xff51afd7ed558ccd);
    h ^= h >> 33;
    return h;
}

void intern_init(struct intern_table *table)
{
    memset(table, 0, sizeof *table);
}

void intern_free(struct intern_table *table)
{
    free(table->slots);
    free(table->key_offsets);
    free(table->key_lengths);
    free(table->key_hashes);
    free(table->arena);
    memset(table, 0, sizeof *table);
}

static int intern_grow_slots(struct intern_table *table)
{
    size_t size = table->slot_count ? table->slot_count * 2 : 1024;
    uint32_t *slots = calloc(size, sizeof *slots);
    if (!slots)
        return -1;
    for (size_t id = 0; id < table->count; id++) {
        size_t at = (size_t)table->key_hashes[id] & (size - 1);
        while (slots[at] != 0)
            at = (at + 1) & (size - 1);
        slots[at] = (uint32_t)id + 1;
    }
    free(table->slots);
    table->slots = slots;
    table->slot_count = size;
    return 0;
}

static int intern_grow_ids(struct intern_table *table)
{
    size_t size = table->capacity ? table->capacity * 2 : 256;
    uint64_t *offsets = realloc(table->key_offsets, size * sizeof *offsets);
    if (!offsets)
        return -1;
    table->key_offsets = offsets;
    uint32_t *lengths = realloc(table->key_lengths, size * sizeof *lengths);
    if (!lengths)
        return -1;
    table->key_lengths = lengths;
    uint64_t *hashes = realloc(table->key_hashes, size * sizeof *hashes);
    if (!hashes)
        return -1;
    table->key_hashes = hashes;
    table->capacity = size;
    return 0;
}

static int intern_reserve_arena(struct intern_table *table, size_t len)
{
    if (table->arena_capacity - table->arena_used >= len)
        return 0;
    size_t size = table->arena_capacity ? table->arena_capacity : 4096;
    while (size - table->arena_used < len)
        size *= 2;
    unsigned char *arena = realloc(table->arena, size);
    if (!arena)
        return -1;
    table->arena = arena;
    table->arena_capacity = size;
    return 0;
}

uint32_t intern_put(struct intern_table *table, const void *key, size_t len)
{
    if (len > UINT32_MAX || table->count >= UINT32_MAX - 1)
        return INTERN_FAILED;
    if ((table->count + 1) * 2 > table->slot_count && intern_grow_slots(table) != 0)
        return INTERN_FAILED;
    uint64_t hash = intern_hash(key, len);
    size_t mask = table->slot_count - 1;
    size_t at = (size_t)hash & mask;
    while (table->slots[at] != 0) {
        uint32_t id = table->slots[at] - 1;
        if (table->key_hashes[id] == hash && table->key_lengths[id] == len &&
            memcmp(table->arena + table->key_offsets[id], key, len) == 0)
            return id;
        at = (at + 1) & mask;
    }
    if (table->count == table->capacity && intern_grow_ids(table) != 0)
        return INTERN_FAILED;
    if (intern_reserve_arena(table, len + 1) != 0)
        return INTERN_FAILED;
    uint32_t id = (uint32_t)table->count++;
    if (len)
        memcpy(table->arena + table->arena_used, key, len);
    table->arena[table->arena_used + len] = 0; /* string keys read as C strings */
    table->key_offsets[id] = table->arena_used;
    table->key_lengths[id] = (uint32_t)len;
    table->key_hashes[id] = hash;
    table->arena_used += len + 1;
    table->slots[at] = id + 1;
    return id;
}

const void *intern_key(const struct intern_table *table, uint32_t id, size_t *len)
{
    if (len)
        *len = table->key_lengths[id];
    return table->arena + table->key_offsets[id];
}
