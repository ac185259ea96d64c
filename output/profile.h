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

/* A process of the recording: the target, and under record --subprocesses
 * every Python descendant sampled. */
struct profile_process {
    int pid;
    int ppid;         /* its parent when first found (0: unknown) */
    const char *name; /* the multiprocessing name ("ForkPoolWorker-2") when it has one,
                         else the script or -m module, else the command's first word */
};

struct profile_thread {
    uint64_t tid;     /* native thread id (what `ps -L` shows) */
    const char *name; /* Python thread name, UTF-8 */
    uint32_t process; /* index into profile.processes (0 when process_count is 0) */
};

struct profile_stack {
    uint32_t thread;        /* index into profile.threads */
    uint32_t depth;         /* number of frames */
    const uint32_t *frames; /* indexes into profile.frames, outermost first */
    uint64_t count;         /* samples with exactly this thread, stack, state and task */
    int state;              /* enum sample_state */
    int holds_gil;
    const char *task;       /* innermost asyncio task running, NULL when none */
    /* lock-wait: the thread holding the lock waited for, as its index into
     * profile.threads + 1; 0 when unknown (readers/lock_refs.h says when it
     * is known) */
    uint32_t holder;
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

/* Lifecycle evidence (record --check-lifecycle), gathered by the sampler from
 * task snapshots and thread lists; output/lifecycle.c turns it into findings.
 * Times are ns since the start of the recording. */
enum lifecycle_kind {
    /* subject: a task still pending after its owner (the task that awaited it,
     * or held it in a local variable) ended; other: the owner; start_ns: when
     * the owner ended; duration_ns: how long the subject outlived it (>= 1 s);
     * value: how the owner ended (enum lifecycle_end); where: the subject's
     * await chain, innermost first. */
    LIFECYCLE_ORPHAN = 1,
    /* subject: a task suspended at one await point (same frame, same awaited
     * object) whose chain, with the tasks awaiting it, holds no deadline;
     * start_ns/duration_ns: the stretch (>= 1 s); other: the tasks awaiting it
     * ("a, b") or NULL; where: the await chain, innermost first.  Only leaf
     * waits (not a task awaiting another task) and never asyncio.sleep. */
    LIFECYCLE_STUCK_AWAIT = 2,
    /* The main thread finished (its stack entered threading._shutdown) at
     * start_ns; duration_ns: until the process exited (or the recording
     * ended: value 0; value 1 when the process exited). */
    LIFECYCLE_SHUTDOWN = 3,
    /* subject: a thread (other than the main thread) alive while the main
     * thread waited in threading._shutdown; value: its native tid;
     * start_ns: first seen in the wait; duration_ns: until it was last seen;
     * other: "ended" when it ended before the process did (it held exit up:
     * a non-daemon thread), "alive" when it was still there at exit (daemon);
     * where: its last stack, innermost first. */
    LIFECYCLE_EXIT_THREAD = 4,
    /* subject: a task left pending by its event loop: the loop was seen not
     * running in two snapshots in a row while the task, suspended in an await,
     * was awaited by no task and had no done callback (what asyncio.run leaves
     * behind, or loop.stop() with work in flight); start_ns: when; where: its
     * await chain. */
    LIFECYCLE_EXIT_TASK = 5,
    /* subject: the coroutine function of tasks first seen in a snapshot,
     * "work (app.py:12)"; value: how many; start_ns: the snapshot; other: the
     * task that owned them when known, else NULL. */
    LIFECYCLE_SPAWN = 6,
};

enum lifecycle_end {
    LIFECYCLE_END_GONE = 0,      /* vanished from the task set (finished and freed) */
    LIFECYCLE_END_DONE = 1,      /* finished with a result or an exception */
    LIFECYCLE_END_CANCELLED = 2, /* cancelled */
};

struct profile_lifecycle_event {
    int kind; /* enum lifecycle_kind */
    uint64_t start_ns, duration_ns;
    const char *subject, *other, *where; /* NULL when absent */
    uint64_t value;
};

/* A number read from the target over time (four times a second):
 * "threads" (Python threads), "executor:NAME queue" (work items waiting in a
 * ThreadPoolExecutor's queue, NAME its thread name prefix), "executor:NAME
 * pending" (ProcessPoolExecutor work items not yet done). */
struct profile_gauge {
    uint64_t time_ns;
    const char *name;
    uint64_t value;
};

/* The target entered phase `name` (its __main__.PYCONC_PHASE string changed;
 * name "" when the variable was removed). */
struct profile_phase {
    uint64_t time_ns;
    const char *name;
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

    /* Processes: at least the target's when recorded by this version (older
     * .pcp files: none).  process_roots is 1 for record --subprocesses: every
     * stack then reads process:PID:NAME;thread:NAME:TID;... */
    const struct profile_process *processes;
    size_t process_count;
    int process_roots;

    /* Every sample in time order; NULL/0 unless the writer asked for them. */
    const struct profile_sample *timeline;
    size_t timeline_count;
    double interval_ns; /* the sampling period, for weights (1e9 / rate_hz) */

    /* asyncio task counts over time (--group task); NULL/0 when not recorded. */
    const struct profile_task_count *task_counts;
    size_t task_count_count;
    const struct profile_task_cycle *task_cycles; /* in time order */
    size_t task_cycle_count;

    /* record --check-lifecycle: 1 when the evidence below was gathered. */
    int lifecycle;
    int target_exited; /* the recording ended because the target exited */
    const struct profile_lifecycle_event *lifecycle_events; /* in the order recorded */
    size_t lifecycle_event_count;
    const struct profile_gauge *gauges; /* in time order */
    size_t gauge_count;
    const struct profile_phase *phases; /* in time order */
    size_t phase_count;

    void *storage; /* private to whoever built the view; writers ignore it */
};

/* Writers: each returns 0 on success, -1 on a write error (errno set). */
int collapsed_write(FILE *out, const struct profile *profile);
int svg_write(FILE *out, const struct profile *profile);
int speedscope_write(FILE *out, const struct profile *profile);   /* uses timeline */
int pprof_write(FILE *out, const struct profile *profile);        /* gzip'd profile.proto */
int chrome_trace_write(FILE *out, const struct profile *profile); /* needs timeline */

#endif
