/* task_layout.h - where asyncio's C Task and Future keep their fields. */
#ifndef PYCONC_READERS_TASK_LAYOUT_H
#define PYCONC_READERS_TASK_LAYOUT_H

#include <stdint.h>

#include "maps.h"
#include "remote.h"
#include "runtime.h"

/* Byte offsets in _asyncio's TaskObj / FutureObj (Modules/_asynciomodule.c,
 * not an installed header).  LAYOUT_NONE: the version has no such field. */
struct task_layout {
    uint64_t task_basicsize; /* tp_basicsize of _asyncio.Task: checked on the target */
    uint64_t fut_loop;
    uint64_t fut_callback0;  /* first done callback */
    uint64_t fut_callbacks;  /* list of (callback, context) tuples for the others */
    uint64_t fut_state;      /* fut_state enum: 0 pending, 1 cancelled, 2 finished */
    uint64_t fut_awaited_by; /* 3.14+: one awaiting task, or a set of them */
    uint64_t fut_awaited_by_is_set; /* 3.14+: char */
    uint64_t task_fut_waiter; /* the future this task is blocked on */
    uint64_t task_coro;
    uint64_t task_name;      /* str, or (3.12+) an int n meaning "Task-n" */
    uint64_t task_node;      /* 3.14+: struct llist_node in the per-thread task list */
    uint64_t futureiter_future; /* _asyncio.FutureIter: the future it iterates */
    int from_target;         /* 3.14+: fields read from the target's .AsyncioDebug */
};

/* The compiled-in table for 3.minor, or NULL when unknown. */
const struct task_layout *task_layout_for_version(int minor);

/* 3.14+: overlays `layout` (and the asyncio fields of `runtime->layout`) with
 * _asyncio's own debug offsets (section .AsyncioDebug of the file that holds
 * the module, in `maps`).  1 when found and consistent, 0 when the module is
 * not loaded (yet), -1 when the section is there but makes no sense. */
int task_layout_from_target(int pid, struct remote *mem, const struct maps *maps,
                            struct python_runtime *runtime, struct task_layout *layout);

#endif
