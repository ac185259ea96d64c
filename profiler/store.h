/* store.h - the samples of one recording, aggregated by thread and stack. */
#ifndef PYCONC_PROFILER_STORE_H
#define PYCONC_PROFILER_STORE_H

#include <stdint.h>

#include "../output/profile.h"
#include "intern.h"

struct store {
    struct intern_table strings;
    struct intern_table frames;  /* key: struct store_frame_key */
    struct intern_table threads; /* key: struct store_thread_key */
    struct intern_table stacks;  /* key: uint32 thread id, then frame ids outermost first */
    uint64_t *counts;            /* per stack id */
    size_t counts_capacity;
    uint64_t samples;
};

void store_init(struct store *store);
void store_free(struct store *store);

uint32_t store_string(struct store *store, const char *text);
uint32_t store_frame(struct store *store, uint32_t name, uint32_t file, int line);
uint32_t store_thread(struct store *store, uint64_t tid, uint32_t name);

/* Counts one sample of `thread` with frames (ids, outermost first).  0 or -1. */
int store_add(struct store *store, uint32_t thread, const uint32_t *frames, uint32_t depth);

/* A read-only view for the writers; valid while the store lives and is not
 * added to.  Free with store_view_free. */
int store_view(const struct store *store, struct profile *profile);
void store_view_free(struct profile *profile);

#endif
