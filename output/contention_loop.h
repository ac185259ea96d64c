/* contention_loop.h - find stretches where an asyncio event loop was blocked. */
#ifndef PYCONC_OUTPUT_CONTENTION_LOOP_H
#define PYCONC_OUTPUT_CONTENTION_LOOP_H

#include <stddef.h>
#include <stdint.h>

#include "profile.h"

struct loop_stretch {
    uint32_t thread;      /* index into profile.threads */
    uint64_t start_ns;    /* since the start of the recording */
    uint64_t duration_ns;
    uint32_t frame;       /* the innermost Python frame seen most in the stretch */
    int has_frame;
    const char *task;     /* the asyncio task seen most in it (--group task), else NULL */
};

struct loop_thread {
    uint32_t thread;
    uint64_t loop_ns;    /* time the thread spent inside the loop (_run_once on its stack) */
    uint64_t blocked_ns; /* of which in stretches at least the threshold long */
};

struct loop_report {
    struct loop_stretch *stretches; /* in time order */
    size_t stretch_count;
    struct loop_thread *threads;    /* threads that ran an event loop */
    size_t thread_count;
};

/* Needs the timeline.  A loop thread is one whose stack holds
 * BaseEventLoop._run_once; it is blocked while it is in the loop but not
 * idle in its selector.  0, or -1 (errno set). */
int contention_loops(const struct profile *profile, uint64_t block_ns, struct loop_report *out);
void contention_loops_free(struct loop_report *report);

#endif
