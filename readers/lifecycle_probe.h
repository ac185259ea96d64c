/* lifecycle_probe.h - what the lifecycle checks read besides tasks: executor
 * work queues and the phase marker a target may set. */
#ifndef PYCONC_READERS_LIFECYCLE_PROBE_H
#define PYCONC_READERS_LIFECYCLE_PROBE_H

#include <stddef.h>
#include <stdint.h>

#include "layout.h"
#include "remote.h"

#define PROBE_EXECUTORS_MAX 16
#define PROBE_NAME_MAX 64

struct executor_queue {
    char name[PROBE_NAME_MAX]; /* "ThreadPoolExecutor-0" (its threads' name prefix) */
    uint64_t queued;           /* work items not yet taken by a worker (thread pools),
                                  or not yet done (process pools) */
    int process_pool;
};

/* Addresses found once: the dicts behind the module globals read below. */
struct probe_cache {
    uint64_t thread_queues;   /* concurrent.futures.thread._threads_queues.data */
    uint64_t process_wakeups; /* concurrent.futures.process._threads_wakeups.data */
    uint64_t main_dict;       /* __main__.__dict__ */
};

/* Looks up what the cache lacks (modules imported since).  A few hundred
 * reads while something is missing: the caller rate-limits it. */
void probe_refresh(struct remote *mem, const struct layout *layout, uint64_t interp,
                   struct probe_cache *cache);

/* The executors of concurrent.futures that have started a worker, up to max.
 * Count (0 when the module is not imported), or -1 on a bad read. */
int probe_executors(struct remote *mem, const struct layout *layout,
                    const struct probe_cache *cache, struct executor_queue *out, int max);

/* The str __main__.PYCONC_PHASE into out (cap bytes): 1, 0 when there is
 * none (or it is not a str), -1 on a bad read. */
int probe_phase(struct remote *mem, const struct layout *layout, const struct probe_cache *cache,
                char *out, size_t cap);

#endif
