/* store.h - the samples of one recording, aggregated by thread and stack. */
#ifndef PYCONC_PROFILER_STORE_H
#define PYCONC_PROFILER_STORE_H

#include <stdint.h>

#include "../output/profile.h"
#include "intern.h"

struct store {
    struct intern_table strings;
    struct intern_table frames;  /* key: struct store_frame_key */
    struct intern_table threads; /* key: struct store_thread_key (process id, native tid) */
    uint32_t *thread_names;      /* per thread: the latest name seen */
    unsigned char *thread_named; /* per thread: 1 once a Python name was seen */
    size_t threads_capacity;
    struct intern_table stacks;  /* key: uint32 thread id, then frame ids outermost first */
    uint64_t *counts;            /* per stack id */
    size_t counts_capacity;
    /* Processes (profile_process); key: the caller's unique key of a process
     * image (record --subprocesses: a new one after an exec). */
    struct intern_table processes;
    struct store_process {
        int pid, ppid;
        uint32_t name; /* string id, the latest given */
    } *process_info;
    size_t process_capacity;
    int process_roots; /* record --subprocesses: roots start with the process */
    uint64_t samples;
    /* record --state: bit per enum sample_state to keep; 0 keeps every sample. */
    unsigned keep_states;
    /* Every sample in time order, kept only when keep_timeline is set (the
     * Chrome trace and speedscope writers need it). */
    int keep_timeline;
    struct profile_sample *timeline;
    size_t timeline_count, timeline_capacity;
    /* asyncio task counts over time, in time order */
    struct profile_task_count *task_counts;
    size_t task_count_count, task_count_capacity;
    /* await cycles seen: time and the string id of "a -> b -> a" */
    struct store_task_cycle {
        uint64_t time_ns;
        uint32_t tasks;
    } *task_cycles;
    size_t task_cycle_count, task_cycle_capacity;
    /* record --check-lifecycle evidence (see enum lifecycle_kind); string ids,
     * STORE_NO_TASK for none */
    int lifecycle;
    int target_exited;
    struct store_lifecycle_event {
        int kind;
        uint64_t start_ns, duration_ns;
        uint32_t subject, other, where;
        uint64_t value;
    } *events;
    size_t event_count, event_capacity;
    struct store_gauge {
        uint64_t time_ns;
        uint32_t name;
        uint64_t value;
    } *gauges;
    size_t gauge_count, gauge_capacity;
    struct store_phase {
        uint64_t time_ns;
        uint32_t name;
    } *phases;
    size_t phase_count, phase_capacity;
};

/* What a sample is besides its thread and frames. */
struct store_sample_info {
    uint64_t time_ns; /* since the start of the recording */
    int state;        /* enum sample_state */
    int holds_gil;
    uint32_t task;    /* string id of the innermost task's name, or STORE_NO_TASK */
    /* lock-wait: the thread holding the lock it waits for, as its thread id
     * + 1; 0 when unknown (readers/lock_refs.h) */
    uint32_t holder;
};
#define STORE_NO_TASK UINT32_MAX

void store_init(struct store *store);
void store_free(struct store *store);

uint32_t store_string(struct store *store, const char *text);
uint32_t store_frame(struct store *store, uint32_t name, uint32_t file, int line);
/* The process with the given key (pid, ppid and name updated to the latest). */
uint32_t store_process(struct store *store, uint64_t key, int pid, int ppid, uint32_t name);

/* The thread with kernel id tid in `process`.  A thread keeps one root for the whole
 * recording, under the latest Python name it had (from_python); a kernel name
 * is used only until a Python name is seen. */
uint32_t store_thread(struct store *store, uint32_t process, uint64_t tid, uint32_t name,
                      int from_python);

/* The native tid and process id of thread `id`. */
void store_thread_parts(const struct store *store, uint32_t id, uint64_t *tid, uint32_t *process);

/* Counts one sample of `thread` with frames (ids, outermost first).  0 or -1. */
int store_add(struct store *store, uint32_t thread, const struct store_sample_info *info,
              const uint32_t *frames, uint32_t depth);

/* The parts of stack `id` (frames point into the store; valid until it grows). */
struct store_stack_parts {
    uint32_t thread;
    int state;
    int holds_gil;
    uint32_t task; /* string id or STORE_NO_TASK */
    uint32_t holder; /* thread id + 1 of the lock's holder, 0 unknown */
    uint32_t depth;
    const uint32_t *frames;
};
void store_stack_parts(const struct store *store, uint32_t id, struct store_stack_parts *parts);

/* Interns a stack without counting a sample (a reader rebuilding a store). */
uint32_t store_stack(struct store *store, uint32_t thread, const struct store_sample_info *info,
                     const uint32_t *frames, uint32_t depth);
/* Counts one sample of an interned stack at time_ns.  0 or -1. */
int store_count(struct store *store, uint32_t stack, uint64_t time_ns);

/* Records asyncio task counts at time_ns.  0 or -1. */
int store_task_count(struct store *store, const struct profile_task_count *count);

/* Records an await cycle (text "a -> b -> a", a string id) seen at time_ns.  0 or -1. */
int store_task_cycle(struct store *store, uint64_t time_ns, uint32_t tasks);

/* The name, file and line of frame `id` (pointers into the store). */
void store_frame_parts(const struct store *store, uint32_t id, const char **name, const char **file,
                       int *line);

/* Lifecycle evidence.  0 or -1. */
int store_lifecycle_event(struct store *store, const struct store_lifecycle_event *event);
int store_gauge(struct store *store, uint64_t time_ns, uint32_t name, uint64_t value);
int store_phase(struct store *store, uint64_t time_ns, uint32_t name);

/* A read-only view for the writers; valid while the store lives and is not
 * added to.  Free with store_view_free. */
int store_view(const struct store *store, struct profile *profile);
void store_view_free(struct profile *profile);

#endif
