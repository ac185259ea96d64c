/* contention_trends.h - thread leaks and stuck (deadlocked-looking) threads over time. */
#ifndef PYCONC_OUTPUT_CONTENTION_TRENDS_H
#define PYCONC_OUTPUT_CONTENTION_TRENDS_H

#include <stddef.h>
#include <stdint.h>

#include "profile.h"

struct thread_trend {
    uint64_t ticks;
    double first, last;        /* threads at the start and the end (mean of the first/last tenth) */
    double peak;
    double per_minute;         /* least-squares slope over the second half of the recording */
    int growing;               /* the verdict */
};

struct stuck_thread {
    uint32_t thread;
    uint32_t frame;            /* where it waits (innermost Python frame) */
    int has_frame;
    uint64_t since_ns, for_ns;
    uint32_t held_by;          /* the holder of the lock it waits for: thread index + 1, 0 unknown */
};

struct trends {
    struct thread_trend threads;
    struct thread_trend tasks;  /* pending asyncio tasks (task counts of --group task); ticks 0: none */
    uint64_t tasks_created;     /* tasks first seen during the recording */
    /* asyncio tasks awaiting each other in a cycle (--group task snapshots), one
     * entry per distinct cycle, in order of first sighting */
    struct task_cycle_seen {
        const char *tasks; /* "a -> b -> a" */
        uint64_t first_ns, last_ns;
    } *task_cycles;
    size_t task_cycle_count;
    struct stuck_thread *stuck; /* threads in lock-wait on one unchanged stack while no thread ran */
    size_t stuck_count;
};

/* Stuck threads that wait, in a cycle, for locks held by each other: writes
 * "a -> b -> a" (thread names) into out and returns 1; 0 when there is none. */
int trends_lock_cycle(const struct profile *profile, const struct trends *trends, char *out,
                      size_t cap);

/* Needs the timeline (wall mode).  0, or -1 (errno set). */
int contention_trends(const struct profile *profile, uint64_t stuck_ns, struct trends *out);
void contention_trends_free(struct trends *trends);

#endif
