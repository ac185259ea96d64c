/* sampler.h - the sampling loop. */
#ifndef PYCONC_PROFILER_SAMPLER_H
#define PYCONC_PROFILER_SAMPLER_H

#include <signal.h>
#include <stdint.h>

#include "options.h"
#include "store.h"
#include "target.h"

struct sampler_stats {
    uint64_t ticks;        /* ticks sampled */
    uint64_t ticks_missed; /* deadlines passed while a sample overran */
    uint64_t torn;         /* thread stacks dropped as torn reads */
    uint64_t truncated;    /* stacks cut at the depth cap */
    uint64_t start_ns;     /* monotonic time of the first tick */
    uint64_t tick_ns;      /* monotonic time of the current tick */
    uint64_t busy_ns;      /* time spent inside ticks (the cost of sampling) */
    uint64_t tasks_torn;     /* asyncio task snapshots or running-task reads dropped */
    uint64_t tasks_dropped;  /* tasks seen but not read (torn, or over --max-tasks) */
    uint64_t tasks_capped;   /* snapshots cut at --max-tasks */
    double elapsed_s;
    int target_exited;
    int target_replaced;   /* SAMPLER_EXECED or SAMPLER_PID_REUSED: stopped there */
    int output_failed;
    /* --blocking/--native: the target's pause per tick, in ns (the first ticks) */
    uint32_t *pauses;
    size_t pause_count;
};
#define SAMPLER_PAUSES 65536

enum {
    SAMPLER_EXECED = 1,     /* the target exec'd a new program */
    SAMPLER_PID_REUSED = 2, /* the target exited and its pid went to another process */
};

/* Set by signal handlers: stop at the next tick. */
extern volatile sig_atomic_t sampler_stop_requested;

/* Called after every tick (e.g. to stream the new samples to a .pcp file);
 * a non-zero return stops the recording. */
struct sampler_hook {
    int (*after_tick)(void *ctx, struct store *store, uint64_t now_ns);
    void *ctx;
};

struct process_tree;

/* Samples target into store until the duration passes, a stop is requested
 * or the target exits.  hook may be NULL; tree (record --subprocesses: the
 * target's descendants, sampled each tick with child_options) may be NULL. */
int sampler_run(struct target *target, const struct options *options, struct store *store,
                struct sampler_stats *stats, const struct sampler_hook *hook,
                struct process_tree *tree, const struct options *child_options);

/* Every thread's stack of one process into store, at stats->tick_ns (no
 * --blocking pause, no tick counted).  0, or -1 if the whole read was torn. */
int sampler_sample(struct target *target, const struct options *options, struct store *store,
                   struct sampler_stats *stats);

/* The store's frame id of code at instruction `offset` (its name and file
 * interned once per code object, its last line's frame remembered);
 * *event_loop set when the code is asyncio's _run_once.  INTERN_FAILED when
 * the store is full. */
uint32_t sampler_code_frame(struct store *store, struct code_info *code, int64_t offset,
                            int *event_loop);

/* One tick: every thread's stack into store. 0, or -1 if the whole tick was torn. */
int sampler_tick(struct target *target, const struct options *options, struct store *store,
                 struct sampler_stats *stats);

#endif
