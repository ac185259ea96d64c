/* profile.h - what every writer receives: a profile as plain data.
 *
 * The profiler owns the sample store and hands writers this read-only view:
 * interned frames (name, file, line), threads, unique stacks with their
 * sample counts and, when a writer needs time order (Chrome trace,
 * speedscope), every sample in time order.  Writers never see a target
 * address and never read the target; a new output format is one new file
 * next to this one. */
#ifndef PYCONC_OUTPUT_PROFILE_H
#define PYCONC_OUTPUT_PROFILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* What a thread was doing in a sample (the contention report's states). */
enum sample_state {
    STATE_UNKNOWN = 0, /* not classified (e.g. the kernel's view was not read) */
    STATE_RUNNING,     /* on CPU, holding the GIL (or free-threaded) */
    STATE_GIL_WAIT,    /* waiting to take the GIL */
    STATE_LOCK_WAIT,   /* waiting on a lock, condition, queue, semaphore */
    STATE_IO_WAIT,     /* blocked in I/O: sockets, pipes, files, select/poll on them */
    STATE_SLEEPING,    /* time.sleep */
    STATE_IDLE,        /* an event loop waiting in its selector with nothing to run */
    STATE_AWAITING,    /* an asyncio task suspended on an await (task samples) */
    STATE_COUNT
};

/* "running", "gil-wait", ... ; "unknown" for anything out of range. */
const char *sample_state_name(int state);
/* The state named `name`, or -1. */
int sample_state_from_name(const char *name);

struct profile_frame {
    const char *name; /* qualified name, e.g. "Worker.run"; "task:NAME" frames are task roots */
    const char *file; /* file name as the code object has it; "" for markers and task roots */
    int line;         /* current line; negative when unknown */
};

struct profile_thread {
    uint64_t tid;     /* native thread id (what `ps -L` shows) */
    const char *name; /* Python thread name, UTF-8 */
};

struct profile_stack {
    uint32_t thread;        /* index into profile.threads */
    uint32_t depth;         /* number of frames */
    const uint32_t *frames; /* indexes into profile.frames, outermost first */
    uint64_t count;         /* samples with exactly this thread, stack, state and task */
    int state;              /* enum sample_state */
    int holds_gil;
    const char *task;       /* innermost asyncio task running, NULL when none */
};

/* One sample in time order (only when the view was built with them). */
struct profile_sample {
    uint64_t time_ns; /* since the start of the recording */
    uint32_t stack;   /* index into profile.stacks (it carries thread, state, task) */
};

/* asyncio task counts at one moment (four times a second under --group task). */
struct profile_task_count {
    uint64_t time_ns;  /* since the start of the recording */
    uint32_t pending;  /* not finished: waiting or running */
    uint32_t done;     /* finished or cancelled, not yet freed */
    uint32_t created;  /* addresses not in the previous snapshot: a lower bound of tasks
                          created (short lives between snapshots and reused addresses hide) */
};

/* A cycle of asyncio tasks awaiting each other, seen in one snapshot. */
struct profile_task_cycle {
    uint64_t time_ns;
    const char *tasks; /* "a -> b -> a" */
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

    /* Every sample in time order; NULL/0 unless the writer asked for them. */
    const struct profile_sample *timeline;
    size_t timeline_count;
    double interval_ns; /* the sampling period, for weights (1e9 / rate_hz) */

    /* asyncio task counts over time (--group task); NULL/0 when not recorded. */
    const struct profile_task_count *task_counts;
    size_t task_count_count;
    const struct profile_task_cycle *task_cycles; /* in time order */
    size_t task_cycle_count;

    void *storage; /* private to whoever built the view; writers ignore it */
};

/* Writers: each returns 0 on success, -1 on a write error (errno set). */
int collapsed_write(FILE *out, const struct profile *profile);
int svg_write(FILE *out, const struct profile *profile);
int speedscope_write(FILE *out, const struct profile *profile);   /* uses timeline */
int pprof_write(FILE *out, const struct profile *profile);        /* gzip'd profile.proto */
int chrome_trace_write(FILE *out, const struct profile *profile); /* needs timeline */

#endif
