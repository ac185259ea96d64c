/* lock_watch.h - who holds the lock a thread waits for, per tick.
 *
 * During a tick the sampler hands every thread's innermost frames here and
 * holds back its lock-wait samples; at the end of the tick one scan of the
 * frames' value stacks (readers/lock_refs.h) names the holder of each waited
 * lock, and the held-back samples are stored with it.  At most one scan
 * every LOCK_WATCH_PERIOD_NS (longer with many threads): on the ticks between
 * lock-wait samples are stored at once, holder unknown. */
#ifndef PYCONC_PROFILER_LOCK_WATCH_H
#define PYCONC_PROFILER_LOCK_WATCH_H

#include <stddef.h>
#include <stdint.h>

#include "../readers/frames.h"
#include "../readers/lock_refs.h"
#include "store.h"

#define LOCK_WATCH_PERIOD_NS 5000000ull
/* ... times 1 + threads / this: a scan's cost grows with the threads */
#define LOCK_WATCH_THREADS_PER_PERIOD 32

struct lock_watch_sample {
    size_t scan_index; /* the waiting thread in threads[] */
    uint32_t thread;   /* its store thread id */
    struct store_sample_info info;
    size_t ids_at;     /* its frame ids: ids[ids_at ..] */
    uint32_t depth;
};

struct lock_watch {
    int active;       /* this tick is scanned */
    uint64_t next_ns; /* the next tick scanned */
    struct lock_types types;
    struct lock_scan_thread *threads;
    uint32_t *store_ids; /* per scanned thread: its store thread id + 1 */
    size_t count, capacity;
    size_t last_count; /* threads of the last tick scanned */
    size_t waiting;
    struct lock_watch_sample *samples;
    size_t sample_count, sample_capacity;
    uint32_t *ids;
    size_t ids_count, ids_capacity;
};

/* Starts a tick at tick_ns: decides whether it is scanned (never when not
 * enabled). */
void lock_watch_begin(struct lock_watch *w, uint64_t tick_ns, int enabled);

/* Notes a sampled thread's frames (innermost first, from walk) and, for a
 * lock-wait sample (futex: the word it sleeps on, 0 unknown), holds the sample back: returns 1 when it did (the caller
 * stores nothing), 0 when the caller stores it, -1 when out of memory. */
int lock_watch_thread(struct lock_watch *w, uint64_t ident, uint64_t futex, const struct frame_walk *walk,
                      uint32_t store_thread, const struct store_sample_info *info,
                      const uint32_t *ids, uint32_t depth);

/* Ends the tick: scans (when some thread waited) and stores the samples held
 * back, each with its lock's holder when found.  0 or -1 (store failed). */
int lock_watch_finish(struct lock_watch *w, struct remote *mem, const struct layout *layout,
                      struct store *store);

void lock_watch_free(struct lock_watch *w);

#endif
