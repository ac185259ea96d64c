/* lock_watch.c - the lock holder of lock-wait samples (see lock_watch.h). */
#include "lock_watch.h"

#include <stdlib.h>
#include <string.h>

static int grow(void **items, size_t *capacity, size_t need, size_t size)
{
    if (need <= *capacity)
        return 0;
    size_t bigger = *capacity ? *capacity * 2 : 64;
    while (bigger < need)
        bigger *= 2;
    void *more = realloc(*items, bigger * size);
    if (!more)
        return -1;
    *items = more;
    *capacity = bigger;
    return 0;
}

void lock_watch_begin(struct lock_watch *w, uint64_t tick_ns, int enabled)
{
    /* a scan costs about one read per frame searched: with many threads,
     * fewer scans (a thousand threads: about six a second) */
    uint64_t period = LOCK_WATCH_PERIOD_NS * (1 + w->last_count / LOCK_WATCH_THREADS_PER_PERIOD);
    w->count = w->waiting = w->sample_count = w->ids_count = 0;
    w->active = enabled && tick_ns >= w->next_ns;
    /* a quarter period early: ticks on a grid of exactly the period, each
     * a little late or early, are all scanned */
    if (w->active)
        w->next_ns = tick_ns + period - period / 4;
}

int lock_watch_thread(struct lock_watch *w, uint64_t ident, uint64_t futex, const struct frame_walk *walk,
                      uint32_t store_thread, const struct store_sample_info *info,
                      const uint32_t *ids, uint32_t depth)
{
    if (!w->active)
        return 0;
    size_t cap = w->capacity;
    if (grow((void **)&w->threads, &cap, w->count + 1, sizeof *w->threads) != 0)
        return -1;
    cap = w->capacity;
    if (grow((void **)&w->store_ids, &cap, w->count + 1, sizeof *w->store_ids) != 0)
        return -1;
    w->capacity = cap;
    struct lock_scan_thread *t = &w->threads[w->count];
    memset(t, 0, sizeof *t);
    t->ident = ident;
    t->waiting = info->state == STATE_LOCK_WAIT;
    t->futex = futex;
    for (uint32_t k = 0; k < walk->depth && t->frame_count < LOCK_SCAN_FRAMES; k++) {
        t->frame_addr[t->frame_count] = walk->frames[k].addr;
        t->frame_code[t->frame_count++] = walk->frames[k].code;
    }
    w->store_ids[w->count++] = store_thread + 1;
    if (!t->waiting)
        return 0;
    if (grow((void **)&w->samples, &w->sample_capacity, w->sample_count + 1, sizeof *w->samples) != 0 ||
        grow((void **)&w->ids, &w->ids_capacity, w->ids_count + depth, sizeof *w->ids) != 0)
        return -1;
    w->samples[w->sample_count++] = (struct lock_watch_sample){w->count - 1, store_thread, *info,
                                                               w->ids_count, depth};
    memcpy(w->ids + w->ids_count, ids, depth * sizeof *ids);
    w->ids_count += depth;
    w->waiting++;
    return 1;
}

int lock_watch_finish(struct lock_watch *w, struct remote *mem, const struct layout *layout,
                      struct store *store)
{
    if (!w->active)
        return 0;
    w->last_count = w->count;
    if (w->sample_count == 0)
        return 0;
    lock_scan(mem, layout, &w->types, w->threads, w->count);
    int result = 0;
    for (size_t i = 0; i < w->sample_count; i++) {
        struct lock_watch_sample *s = &w->samples[i];
        int holder = w->threads[s->scan_index].holder;
        if (holder >= 0 && (size_t)holder < w->count)
            s->info.holder = w->store_ids[holder];
        if (store_add(store, s->thread, &s->info, w->ids + s->ids_at, s->depth) != 0)
            result = -1;
    }
    w->sample_count = w->ids_count = 0;
    return result;
}

void lock_watch_free(struct lock_watch *w)
{
    free(w->threads);
    free(w->store_ids);
    free(w->samples);
    free(w->ids);
    memset(w, 0, sizeof *w);
}
