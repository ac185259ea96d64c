/* sampler_native.h - record --native: C frames merged with Python frames. */
#ifndef PYCONC_PROFILER_SAMPLER_NATIVE_H
#define PYCONC_PROFILER_SAMPLER_NATIVE_H

#include <stdint.h>

#include "../readers/frames.h"
#include "../readers/native_symbols.h"
#include "native_unwind.h"
#include "store.h"

/* ip -> frame cache slots (a power of two). */
#define NATIVE_CACHE_SLOTS 16384

/* What the innermost native frames say a thread waits for (a second source
 * for the thread state, next to /proc). */
enum native_wait {
    NATIVE_WAIT_NONE = 0,
    NATIVE_WAIT_GIL,   /* take_gil */
    NATIVE_WAIT_LOCK,  /* PyThread_acquire_lock_timed, sem_*wait, pthread_cond_*wait */
    NATIVE_WAIT_IO,    /* recv, read, poll, select, epoll_wait, accept, ... */
    NATIVE_WAIT_SLEEP, /* clock_nanosleep, nanosleep */
};

struct native_state {
    struct native_unwinder unwinder;
    struct native_symbols symbols;
    uint64_t reloads_seen; /* symbols.reloads when the cache was last valid */
    struct native_cached {
        uint64_t ip;      /* 0: empty */
        uint32_t frame;   /* store frame id */
        uint8_t eval;     /* the evaluation loop (_PyEval_EvalFrameDefault) */
        uint8_t wait;     /* enum native_wait */
    } cache[NATIVE_CACHE_SLOTS];
    uint64_t ips[NATIVE_MAX_FRAMES];
    uint64_t sps[NATIVE_MAX_FRAMES];
};

/* 0, or -1 (message printed). */
int sampler_native_open(struct native_state *n, int pid);
void sampler_native_close(struct native_state *n);

/* Merges one thread's stacks.  py: Python frame ids, outermost first, with
 * py_entry[i] set where a run of the evaluation loop starts and py_shim[i]
 * its entry shim's address (3.12+, else 0; frames.h); the native stack:
 * n->ips/sps[0..ip_count), innermost first.  The native frame that ran a run
 * is replaced by the run's Python frames: found by the shim's address on the
 * C stack where every run has one, else by name (_PyEval_EvalFrameDefault)
 * from the innermost outwards (a native stack cut short keeps its outer
 * Python frames first).  Writes at most cap ids, outermost first, to out;
 * returns the count.  *wait: what the innermost native frames wait for. */
uint32_t sampler_native_merge(struct native_state *n, struct store *store, uint64_t now_ns,
                              const uint32_t *py, const unsigned char *py_entry,
                              const uint64_t *py_shim, uint32_t py_count, int ip_count,
                              uint32_t *out, uint32_t cap, int *wait);

#endif
