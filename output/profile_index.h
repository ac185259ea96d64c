/* profile_index.h - checks and groupings the time-aware writers share.
 *
 * speedscope, pprof and the Chrome trace all walk a profile thread by
 * thread and index its arrays without checks.  This is the one place that
 * checks those indexes first (stacks' threads and frames, the timeline's
 * stacks) and groups a profile's stacks or samples by thread in one linear
 * pass, so no writer loops over every thread times every sample. */
#ifndef PYCONC_OUTPUT_PROFILE_INDEX_H
#define PYCONC_OUTPUT_PROFILE_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "profile.h"

/* 0 when every stack's thread and frame index and every timeline sample's
 * stack index is in range; -1 with errno EINVAL otherwise. */
int profile_index_check(const struct profile *profile);

/* The sampling period in whole nanoseconds, at least 1: interval_ns when it
 * is usable, else 1e9 / rate_hz, else 10 ms (the default 100 Hz). */
uint64_t profile_index_interval_ns(const struct profile *profile);

/* Items (stack indexes, or timeline indexes) grouped by thread: thread t's
 * items are items[start[t]] .. items[start[t + 1] - 1], in their original
 * order - time order for the timeline. */
struct profile_index {
    size_t *start; /* thread_count + 1 entries */
    size_t *items;
    size_t thread_count;
};

/* Groups stacks with a non-zero count (by_timeline = 0) or every timeline
 * sample (by_timeline = 1).  Call after profile_index_check.  0, or -1 with
 * errno ENOMEM (nothing to free then). */
int profile_index_build(struct profile_index *index, const struct profile *profile,
                        int by_timeline);
void profile_index_free(struct profile_index *index);

/* The process whose root stands above thread t's stacks (record
 * --subprocesses), or NULL: always NULL without process_roots, for a thread
 * index out of range, when the profile has no processes (older .pcp files)
 * and when the thread's process index is out of range (no process, rather
 * than failing the whole output). */
const struct profile_process *profile_thread_process(const struct profile *profile, size_t thread);

/* The innermost frame of a stack that is Python code (markers and task roots
 * have no file): 1 and *frame set, or 0 when there is none. */
int profile_innermost_code_frame(const struct profile *profile, const struct profile_stack *stack,
                                 uint32_t *frame);

#endif
