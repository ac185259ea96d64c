/* target.h - one attached Python process and everything cached about it. */
#ifndef PYCONC_PROFILER_TARGET_H
#define PYCONC_PROFILER_TARGET_H

#include <stdint.h>

#include "../readers/code_cache.h"
#include "../readers/frames.h"
#include "../readers/tasks.h"
#include "../readers/runtime.h"
#include "../readers/thread_names.h"
#include "../readers/threads.h"
#include "lock_watch.h"
#include "pid_namespace.h"
struct native_state;
#include "proc_tasks.h"

#define TARGET_MAX_THREADS 8192
#define TARGET_MAX_NAMES 8192

/* The code objects a thread ran last tick: their headers are read in the
 * same call as its frames, on the guess that the stack is mostly unchanged. */
#define TARGET_GUESS_CODES 64

/* <=3.10: the frame objects (innermost first) a thread had last tick, read
 * ahead in the thread list's call; frames past these are read one a call. */
#define TARGET_LEGACY_FRAMES 64
struct legacy_frames {
    size_t count;
    uint64_t addr[TARGET_LEGACY_FRAMES];
    unsigned char buf[TARGET_LEGACY_FRAMES][REMOTE_WINDOW_EXTRA_SIZE];
};

struct code_guess {
    uint64_t tstate;
    /* Frames read outside the chunk last tick (3.11+: entry frames on the C
     * stack, generator frames), read ahead in the same batch. */
    size_t frame_count;
    uint64_t frame_addr[REMOTE_WINDOW_EXTRAS];
    size_t frame_len[REMOTE_WINDOW_EXTRAS];
    size_t count;
    uint64_t addr[TARGET_GUESS_CODES];
    /* TARGET_GUESS_CODES headers; allocated once, only where the version
     * needs headers (3.11-3.13: no code object generation). */
    unsigned char (*header)[CODE_HEADER_MAX];
    struct remote_request request[TARGET_GUESS_CODES];
    /* 3.11+: the used part of the frame chunk last tick, and this tick's read
     * of it (plus some room to grow), of the code headers and of the frames
     * outside the chunk, made ahead in the thread list's call: when the chunk
     * is the same and the stack still fits, the thread costs no call of its
     * own (target_read_threads, target_walk_frames). */
    uint64_t chunk;
    size_t chunk_used;
    int chunk_steady;     /* chunk_used was the same the tick before */
    int ahead;            /* the reads below were made this tick */
    size_t ahead_at;      /* index of the chunk's request in target->ahead */
    size_t ahead_codes;   /* code headers read ahead ... */
    uint32_t ahead_code_at[TARGET_GUESS_CODES]; /* ... each at this index (maybe another slot's) */
    size_t ahead_frames;  /* frames read ahead ... */
    size_t ahead_frames_at; /* ... from this index on */
    unsigned char *ahead_buf;
    size_t ahead_capacity;
    unsigned char ahead_frame[REMOTE_WINDOW_EXTRAS][REMOTE_WINDOW_EXTRA_SIZE];
    struct legacy_frames *legacy; /* <=3.10, allocated on first use */
    /* <=3.10: the kernel tid in the thread's struct pthread, read ahead when
     * its pthread_t is the one of last tick (else read on its own). */
    uint64_t pthread;
    int32_t tid;
    int tid_ahead;  /* read ahead this tick, as target->ahead[tid_at] */
    size_t tid_at;
};

/* Room read past last tick's stack, so a stack that grew a little still
 * fits; less for a stack that kept its depth (a parked thread: a thousand of
 * them copied 1 KiB each a tick for nothing). */
#define TARGET_AHEAD_SLACK 1024
#define TARGET_AHEAD_SLACK_STEADY 256
#define TARGET_AHEAD_PER_SLOT (2 + TARGET_GUESS_CODES + TARGET_LEGACY_FRAMES)

struct target {
    int pid;
    uint32_t store_process; /* its process id in the sample store (the caller sets it) */
    /* --subprocesses with a target that is not Python (a shell, a launcher):
     * it is not sampled; its Python descendants are (process_tree root_member) */
    int not_python;
    struct native_state *native; /* --native (the caller sets it up), else NULL */
    char command[1024]; /* its command line, read at attach (it is gone once it exits) */
    struct remote_live live;
    struct python_runtime runtime;
    struct code_cache codes;
    struct proc_tasks tasks;
    int tid_offset; /* <=3.10: offset of the tid in struct pthread; -1 unknown */
    struct pid_namespace pidns; /* thread ids as the target sees them -> ours */
    struct thread_name *names;
    struct thread_name *names_before; /* the read before (names are reused from it) */
    size_t name_count;
    size_t names_cursor;  /* which known names the next refresh reads again */
    size_t name_hint;     /* where the last name looked up was found */
    uint64_t names_refreshed_ns; /* monotonic time of the last read, 0 never */
    uint64_t names_retry_ns;     /* wait before looking again for a missing name */
    uint64_t names_active;       /* cached address of threading._active */
    uint64_t interp;      /* main interpreter, cached; 0 until found */
    uint64_t gil;         /* its GIL struct, cached with it */
    uint64_t interp_age;  /* reads since interp was looked up */
    struct remote_window window; /* a thread's frame chunk, read in one call */
    unsigned char *code_headers; /* FRAMES_MAX_DEPTH headers, read in one batch */
    struct remote_request *code_requests;
    struct threads_guess *thread_guess; /* last tick's thread list */
    struct code_guess *code_guess;      /* last tick's code objects, per thread slot */
    size_t code_guess_used;             /* slots that may hold allocations */
    struct remote_request *ahead;       /* the reads made ahead for every slot */
    size_t ahead_capacity;
    /* A code header many threads share (a thousand pool threads run the same
     * few functions) is queued once a tick: ahead_seen is a hash set of the
     * addresses queued, ahead_seen_at where each is. */
    uint64_t *ahead_seen;
    uint32_t *ahead_seen_at;
    size_t ahead_seen_size;
    struct thread_state_info threads[TARGET_MAX_THREADS];
    size_t thread_count;
    uint64_t gil_holder;
    struct lock_watch locks; /* holders of the locks threads wait for */
    struct frame_walk walk;
    /* asyncio (target_tasks.c): set up by target_tasks_open, else unused */
    struct asyncio_reader asyncio;
    struct task_set task_set;
    int tasks_open;
    uint64_t asyncio_looked_ns; /* last look for the asyncio module, 0 never */
};

/* Attaches (no stop): finds the runtime.  Returns a runtime_status; err says why. */
int target_open(struct target *target, int pid, char *err, size_t err_len);
void target_close(struct target *target);

/* Reads the thread list (fills threads, thread_count, gil_holder).
 * 0, or -1 on a torn read (or no interpreter yet). */
int target_read_threads(struct target *target);

/* Walks the frames of target->threads[index], reading its frame chunk (and
 * last tick's code headers) in one call first where the version keeps frames
 * in chunks.  0 or -1 (torn). */
int target_walk_frames(struct target *target, size_t index);

/* Reads the code object headers of every frame of target->walk (of thread
 * `index`) in one batch, or none when last tick's guess covered them all;
 * then target_code(target, i) resolves frame i. */
void target_prefetch_codes(struct target *target, size_t index);
struct code_info *target_code(struct target *target, uint32_t index);

/* Native tid of a thread read by target_read_threads (0 when unknown). */
uint64_t target_native_tid(struct target *target, const struct thread_state_info *thread);

/* Name of a thread: its Python name (*from_python = 1) or, for a thread the
 * threading module does not know (yet), the kernel's name.  The name table is
 * read again every second (renames) and, at most every 5 ms, when a thread
 * is not in it. */
/* 1 when the thread is a daemon thread (threading's flag, as of the last
 * name refresh), 0 when not, -1 when unknown. */
int target_thread_daemon(const struct target *target, const struct thread_state_info *thread);

/* Reads the name table now if it was never read: sampling starts with it
 * (a thousand threads' names cost tens of thousands of reads, too long for
 * the first tick). */
void target_read_names(struct target *target);

const char *target_thread_name(struct target *target, const struct thread_state_info *thread,
                               uint64_t native_tid, int *from_python);

/* 1 when the interpreter is initialised enough to sample (wrap mode waits for this). */
int target_ready(struct target *target);

uint64_t monotonic_ns(void);

#endif
