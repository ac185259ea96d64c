/* profile.h - what every writer receives: an aggregated profile as plain data.
 *
 * The profiler owns the sample store and hands writers this read-only view:
 * interned frames (name, file, line), threads, and unique stacks with their
 * sample counts.  Writers never see a target address and never read the
 * target; a new output format is one new file next to this one. */
#ifndef PYCONC_OUTPUT_PROFILE_H
#define PYCONC_OUTPUT_PROFILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct profile_frame {
    const char *name; /* qualified name, e.g. "Worker.run" */
    const char *file; /* file name as the code object has it */
    int line;         /* current line, 0 when unknown */
};

struct profile_thread {
    uint64_t tid;     /* native thread id (what `ps -L` shows) */
    const char *name; /* Python thread name, UTF-8 */
};

struct profile_stack {
    uint32_t thread;        /* index into profile.threads */
    uint32_t depth;         /* number of frames */
    const uint32_t *frames; /* indexes into profile.frames, outermost first */
    uint64_t count;         /* samples with exactly this thread and stack */
};

struct profile {
    /* Metadata shown in titles and headers. */
    const char *command;        /* the target's command line, may be NULL */
    const char *python_version; /* e.g. "3.12.1" */
    int pid;
    double duration_s;
    double rate_hz;
    const char *mode; /* "wall" or "cpu" */
    uint64_t samples; /* total stack samples (sum of counts) */

    const struct profile_frame *frames;
    size_t frame_count;
    const struct profile_thread *threads;
    size_t thread_count;
    const struct profile_stack *stacks;
    size_t stack_count;

    void *storage; /* private to whoever built the view; writers ignore it */
};

/* Writers: each returns 0 on success, -1 on a write error (errno set). */
int collapsed_write(FILE *out, const struct profile *profile);
int svg_write(FILE *out, const struct profile *profile);

#endif
