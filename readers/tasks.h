/* tasks.h - asyncio tasks of a process: who they are, where they wait, who awaits them. */
#ifndef PYCONC_READERS_TASKS_H
#define PYCONC_READERS_TASKS_H

#include <stddef.h>
#include <stdint.h>

#include "frames.h"
#include "runtime.h"
#include "task_layout.h"
#include "threads.h"

#define TASKS_DEFAULT_MAX 10000 /* tasks read per snapshot unless the caller says */
#define TASK_NAME_MAX 128
#define TASK_CHAIN_MAX 64       /* coroutines followed through cr_await per task */
#define TASK_PARENTS_MAX 4      /* awaiters kept per task */
#define TASK_LOOPS_MAX 16       /* event loops whose thread we remember */
#define TASK_TYPES_MAX 32

enum task_state {
    TASK_PENDING = 0,   /* suspended, waiting */
    TASK_RUNNING = 1,   /* the current task of its loop */
    TASK_DONE = 2,
    TASK_CANCELLED = 3,
};
const char *task_state_name(int state);

/* What an object turned out to be (by its type, cached per type address). */
enum task_object_kind {
    OBJ_OTHER = 0,
    OBJ_C_TASK,        /* _asyncio.Task or a subclass with the same layout */
    OBJ_PY_TASK,       /* asyncio.tasks._PyTask (or a Python Task class) */
    OBJ_C_FUTURE,      /* _asyncio.Future (and _GatheringFuture, a Python subclass) */
    OBJ_PY_FUTURE,
    OBJ_COROUTINE,     /* coroutine, generator: something with a frame */
    OBJ_FUTURE_ITER,   /* _asyncio.FutureIter: what `await fut` leaves on the stack */
    OBJ_METHOD,        /* a bound method (done callbacks) */
    OBJ_TASK_GROUP,    /* asyncio.TaskGroup */
    OBJ_STR,
    OBJ_INT,
    OBJ_PARTIAL,       /* functools.partial (wait_for's _release_waiter, 3.8-3.11) */
    OBJ_FUNCTION,      /* a Python function (closures: shield's _inner_done_callback) */
};

struct task_info {
    uint64_t addr;
    uint64_t coro;
    uint64_t loop;
    uint64_t waiter;     /* the future it is blocked on (_fut_waiter), 0: none */
    uint64_t awaits;     /* innermost awaited future/task found through cr_await, 0: none */
    uint64_t thread_id;  /* pthread id of its loop's thread when known, else 0 */
    uint64_t parents[TASK_PARENTS_MAX]; /* tasks that await this one */
    uint32_t parent_count;
    uint64_t awaited_by_set; /* 3.14+: the set of awaiting tasks, walked by task_links.c */
    uint64_t callback0, callbacks; /* C tasks: first done callback, list of the others */
    int waiter_checked;  /* waiter_kind and waiter_gathering are known */
    int waiter_kind, waiter_gathering;
    int state;           /* enum task_state */
    int kind;            /* OBJ_C_TASK or OBJ_PY_TASK */
    uint32_t frame_first, frame_count; /* its coroutine chain in task_set.frames, innermost first */
    char name[TASK_NAME_MAX];
};

struct task_set {
    struct task_info *tasks;
    size_t count, capacity;    /* capacity: the per-snapshot cap */
    struct raw_frame *frames;  /* coroutine frames of every task */
    size_t frame_count, frame_capacity;
    uint64_t dropped;          /* tasks seen but not read (torn, or over the cap) */
    int capped;                /* the cap was hit */
};

/* Per process: cached addresses and learnt types. */
struct asyncio_reader {
    const struct layout *layout; /* the runtime's layout (asyncio fields overlaid) */
    struct task_layout tl;
    int have_layout;             /* 0: this version has no known C Task layout */
    int overlay_tried;           /* 3.14+: .AsyncioDebug looked for (once) */
    uint64_t tasks_dict;         /* asyncio.tasks.__dict__, 0 until asyncio is imported */
    int collections_final;       /* asyncio.tasks finished importing: the three below stay */
    uint64_t weak_tasks;         /* _all_tasks (<=3.11) / _scheduled_tasks (3.12+) WeakSet */
    uint64_t eager_tasks;        /* 3.12+ _eager_tasks set */
    uint64_t current_tasks;      /* _current_tasks dict {loop: task} */
    struct {
        uint64_t addr;
        int kind;
        int gathering; /* _GatheringFuture */
    } types[TASK_TYPES_MAX];
    int type_count;
    struct {
        uint64_t loop, thread_id;
    } loops[TASK_LOOPS_MAX];
    int loop_count;
    /* 3.11-3.12: co_nlocalsplus per code object (where a frame's value stack
     * starts), direct-mapped; a stale entry can only make a chain stop early
     * or follow an object whose type is then checked. */
    uint64_t nlocals_code[256];
    int32_t nlocals_value[256];
};

/* Prepares a reader for one process with the compiled-in C task layout;
 * asyncio_reader_refresh finds the module (and 3.14+ debug offsets) later. */
void asyncio_reader_init(struct asyncio_reader *r, struct python_runtime *runtime);

/* Looks for asyncio.tasks (imported after attach, possibly) and, the first time
 * it is found on 3.14+, reads _asyncio's debug offsets.  Cheap once found;
 * until then it costs a sys.modules lookup: the caller rate-limits it. */
void asyncio_reader_refresh(struct asyncio_reader *r, int pid, struct remote *mem,
                            struct python_runtime *runtime, uint64_t interp);

int task_set_init(struct task_set *set, size_t max_tasks);
void task_set_free(struct task_set *set);

/* A snapshot of every task (up to the set's cap), with coroutine chains and
 * awaiters.  An interpreter without asyncio gives an empty set.  0, or -1 when
 * the task collections themselves could not be read (a torn read: retry). */
int tasks_read(struct asyncio_reader *r, struct remote *mem, uint64_t interp,
               const struct thread_state_info *threads, size_t thread_count,
               struct task_set *set);

/* The tasks currently running (one per running loop), with the pthread id
 * of the thread running each when known.  Count, or -1. */
struct running_task {
    uint64_t task;
    uint64_t thread_id;
};
int tasks_running(struct asyncio_reader *r, struct remote *mem,
                  const struct thread_state_info *threads, size_t thread_count,
                  struct running_task *out, size_t max);

/* Reads one task's identity (name, coro, state, waiter, loop), no chain.  0 or -1. */
int task_read_one(struct asyncio_reader *r, struct remote *mem, uint64_t addr,
                  struct task_info *out);

/* The address of coroutine `coro`'s frame as it appears in a thread's frame
 * walk (3.11+: the inline frame; <=3.10: gi_frame), 0 if finished/unknown. */
uint64_t task_coro_frame(struct asyncio_reader *r, struct remote *mem, uint64_t coro);

/* The object kind of obj (its type looked up once per type).  OBJ_OTHER on failure. */
int task_object_kind(struct asyncio_reader *r, struct remote *mem, uint64_t obj,
                     int *gathering);
/* The same from the type's address (an object's ob_type already read). */
int task_type_kind(struct asyncio_reader *r, struct remote *mem, uint64_t type, int *gathering);

/* The task at addr in a snapshot (tasks_read leaves it sorted), or NULL. */
struct task_info *task_set_find(const struct task_set *set, uint64_t addr);

/* A task holding another in a local variable of one of its suspended frames. */
struct task_holding {
    uint64_t holder, held;
};
/* The holdings of the pending tasks of set (sorted by address, as tasks_read
 * leaves it), searching at most max_frames frames.  Count written to out. */
size_t task_holders_scan(struct asyncio_reader *r, struct remote *mem, const struct task_set *set,
                         size_t max_frames, struct task_holding *out, size_t max_out);

/* 1 when a frame of task t's chain holds an asyncio.timeout()/timeout_at()
 * deadline (3.11+: a Timeout, or its bound __aexit__, in its locals or value
 * stack).  A few dozen reads: for tasks already found waiting long. */
int task_frames_hold_timeout(struct asyncio_reader *r, struct remote *mem,
                             const struct task_set *set, const struct task_info *t);

/* 1 when code object `code` uses `name` as a global or attribute name (its
 * co_names): how the function that creates a task names the coroutine. */
int code_uses_name(struct remote *mem, const struct layout *layout, uint64_t code,
                   const char *name);

/* Internal pieces shared by tasks.c, task_batch.c, task_chain.c, task_links.c. */
/* A C task's fields from the bytes of its TaskObj; *name gets its name object.  0, or -1
 * when the object does not look like a live task. */
int task_from_object(const struct asyncio_reader *r, const unsigned char *buf,
                     struct task_info *out, uint64_t *name);
int task_chain_read(struct asyncio_reader *r, struct remote *mem, struct task_set *set,
                    struct task_info *task);
/* A coroutine's frame from its object's bytes (buf, read at coro), and the
 * address of the stack slot holding what it awaits (0: awaits nothing).  0 or -1. */
int task_chain_frame(struct asyncio_reader *r, struct remote *mem, uint64_t coro,
                     const unsigned char *buf, struct raw_frame *frame, uint64_t *top_slot);
/* <=3.10: bytes of a PyFrameObject task_chain_frame_object needs, and the frame
 * (code + offset) and awaited slot from those bytes, read at addr.  0 or -1. */
uint64_t task_frame_object_size(const struct layout *layout);
int task_chain_frame_object(struct asyncio_reader *r, uint64_t addr, const unsigned char *fbuf,
                            struct raw_frame *frame, uint64_t *top_slot);
/* Reads the tasks at addrs (sorted) into set, a batch per step.  0 or -1 (memory). */
int task_batch_read(struct asyncio_reader *r, struct remote *mem, const uint64_t *addrs,
                    size_t count, struct task_set *set);
/* Every pending/running task's await chain, one batch per level.  0 or -1. */
int task_batch_chains(struct asyncio_reader *r, struct remote *mem, struct task_set *set);
uint64_t task_loop_thread(struct asyncio_reader *r, struct remote *mem, uint64_t loop);
void task_links_build(struct asyncio_reader *r, struct remote *mem, struct task_set *set);

#endif
