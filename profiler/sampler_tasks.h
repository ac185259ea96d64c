/* sampler_tasks.h - asyncio tasks in the sampling loop (--group task, --tasks all). */
#ifndef PYCONC_PROFILER_SAMPLER_TASKS_H
#define PYCONC_PROFILER_SAMPLER_TASKS_H

#include <stdint.h>

#include "options.h"
#include "sampler.h"
#include "store.h"
#include "target.h"

#define SAMPLER_RUNNING_MAX 64
#define SAMPLER_TASK_CHAIN_MAX 32

/* Where a thread's stack meets the task running on it. */
struct task_split {
    uint32_t roots[SAMPLER_TASK_CHAIN_MAX]; /* "task:NAME" frame ids, outermost first */
    uint32_t root_count;
    uint32_t innermost_name; /* string id of the running task's name */
    uint32_t cut; /* frames of the walk at index >= cut (outer: loop machinery) are dropped */
};

/* Per tick, after the thread list is read: finds the running tasks and, every
 * quarter second (every tick with --tasks all), takes a snapshot of all
 * tasks; task counts go to the store with each (at most four a second). */
void sampler_tasks_begin(struct target *target, const struct options *options,
                         struct store *store, struct sampler_stats *stats);

/* 1 when target->walk (thread `thread`) runs a task this tick: *split says
 * which and where; 0 when it does not. */
int sampler_tasks_split(struct target *target, struct store *store,
                        const struct thread_state_info *thread, struct task_split *split);

/* --tasks all: one "awaiting" sample per suspended task of the snapshot.  0 or -1. */
int sampler_tasks_awaiting(struct target *target, struct store *store,
                           struct sampler_stats *stats);

/* The code objects of the snapshot's await chains, their headers read in one
 * batch; then the code of frame f of target->task_set (NULL when unreadable).
 * Valid until the next snapshot.  0 or -1. */
int sampler_tasks_read_codes(struct target *target);
struct code_info *sampler_tasks_frame_code(struct target *target, size_t f);

#endif
