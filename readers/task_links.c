/* task_links.c - who awaits whom.
 *
 * 3.14+ records it on the awaited task itself (awaited_by: one task, or a set
 * when awaited_by_is_set), maintained by asyncio for plain awaits, gather,
 * TaskGroup and shield.  Before 3.14 it is derived from the awaiting side:
 *   - a task T blocked on future W (_fut_waiter, or the future at the end
 *     of its await chain): when W is a task, T awaits W;
 *   - when W is a _GatheringFuture, T awaits each of W._children;
 *   - a task C created by a TaskGroup has the group's _on_task_done bound
 *     method among its done callbacks: the group's _parent_task awaits C
 *     (it waits in TaskGroup.__aexit__ on an internal future);
 *   - a task C whose done callback holds a future W (a functools.partial
 *     with W among its arguments: wait_for's _release_waiter on 3.8-3.11;
 *     a closure with W in a cell: shield's _inner_done_callback) is awaited
 *     by every task blocked on W: they wait for C through W.
 * Links to tasks outside the snapshot are dropped. */
#include "tasks.h"

#include <stdlib.h>
#include <string.h>

#include "containers.h"
#include "objects.h"

#define LINKS_CALLBACKS_MAX 8
#define LINKS_CHILDREN_MAX 4096
#define LINKS_HELD_MAX 8 /* futures looked for in one callback's arguments or cells */

/* (future, task) pairs: the task is blocked on the future (its waiter). */
struct links_waiter {
    uint64_t future, task;
};

static void links_add(struct task_set *set, uint64_t child, uint64_t parent)
{
    struct task_info *c = task_set_find(set, child);
    if (!c || !task_set_find(set, parent) || child == parent)
        return;
    for (uint32_t i = 0; i < c->parent_count; i++)
        if (c->parents[i] == parent)
            return;
    if (c->parent_count < TASK_PARENTS_MAX)
        c->parents[c->parent_count++] = parent;
}

struct links_walk {
    struct asyncio_reader *r;
    struct remote *mem;
    struct task_set *set;
    uint64_t task; /* the awaiter (children walk) or the awaited (callbacks walk) */
    const struct links_waiter *waiters; /* sorted by future */
    size_t waiter_count;
};

/* Every task blocked on `future` awaits w->task. */
static void links_through_future(struct links_walk *w, uint64_t future)
{
    size_t lo = 0, hi = w->waiter_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (w->waiters[mid].future < future)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < w->waiter_count && w->waiters[lo].future == future; lo++)
        links_add(w->set, w->task, w->waiters[lo].task);
}

/* The futures among a tuple's first items (partial's args, a closure's cells). */
static void links_tuple_futures(struct links_walk *w, uint64_t tuple, int cells)
{
    const struct layout *l = w->r->layout;
    uint64_t size = 0, items[LINKS_HELD_MAX];
    if (tuple == 0 || remote_read_ptr(w->mem, tuple + l->varobject_size, &size) != 0 ||
        size > 4096)
        return;
    if (size > LINKS_HELD_MAX)
        size = LINKS_HELD_MAX;
    if (size == 0 || remote_read(w->mem, tuple + l->tuple_items, items, size * 8) != 0)
        return;
    for (uint64_t i = 0; i < size; i++) {
        uint64_t item = items[i];
        if (cells && remote_read_ptr(w->mem, item + l->cell_ref, &item) != 0)
            continue;
        int kind = task_object_kind(w->r, w->mem, item, NULL);
        if (kind == OBJ_C_FUTURE || kind == OBJ_PY_FUTURE)
            links_through_future(w, item);
    }
}

static int links_child_visit(void *ctx, uint64_t child)
{
    struct links_walk *w = ctx;
    links_add(w->set, child, w->task);
    return 0;
}

static int links_awaited_by_visit(void *ctx, uint64_t parent)
{
    struct links_walk *w = ctx;
    links_add(w->set, w->task, parent);
    return 0;
}

/* A done callback: TaskGroup._on_task_done bound to a group names the parent. */
/* functools.partial: PyObject_HEAD, fn, args (Modules/_functoolsmodule.c,
 * the same in 3.8-3.15). */
#define PARTIAL_ARGS_OFFSET 24

static void links_callback(struct links_walk *w, uint64_t callback)
{
    uint64_t self = 0, held = 0;
    int kind = callback ? task_object_kind(w->r, w->mem, callback, NULL) : OBJ_OTHER;
    if (kind == OBJ_PARTIAL) {
        if (remote_read_ptr(w->mem, callback + PARTIAL_ARGS_OFFSET, &held) == 0)
            links_tuple_futures(w, held, 0);
        return;
    }
    if (kind == OBJ_FUNCTION) {
        if (remote_read_ptr(w->mem, callback + w->r->layout->function_closure, &held) == 0)
            links_tuple_futures(w, held, 1);
        return;
    }
    if (kind != OBJ_METHOD ||
        remote_read_ptr(w->mem, callback + w->r->layout->method_self, &self) != 0 ||
        task_object_kind(w->r, w->mem, self, NULL) != OBJ_TASK_GROUP)
        return;
    uint64_t parent = instance_attr(w->mem, w->r->layout, self, "_parent_task");
    if (parent)
        links_add(w->set, w->task, parent);
}

/* The callbacks list holds (callback, context) tuples. */
static int links_callback_tuple_visit(void *ctx, uint64_t tuple)
{
    struct links_walk *w = ctx;
    uint64_t callback = 0;
    if (remote_read_ptr(w->mem, tuple + w->r->layout->tuple_items, &callback) == 0)
        links_callback(w, callback);
    return 0;
}

static void links_from_callbacks(struct links_walk *w, const struct task_info *task)
{
    const struct layout *l = w->r->layout;
    uint64_t list = 0;
    if (task->kind == OBJ_C_TASK && task->waiter_checked) {
        links_callback(w, task->callback0); /* both read with the task (task_batch.c) */
        list = task->callbacks;
    } else if (task->kind == OBJ_C_TASK) {
        uint64_t first = 0;
        if (remote_read_ptr(w->mem, task->addr + w->r->tl.fut_callback0, &first) == 0)
            links_callback(w, first);
        remote_read_ptr(w->mem, task->addr + w->r->tl.fut_callbacks, &list);
    } else {
        list = instance_attr(w->mem, l, task->addr, "_callbacks");
    }
    if (list != 0)
        list_each(w->mem, l, list, LINKS_CALLBACKS_MAX, links_callback_tuple_visit, w);
}

static void links_from_waiter(struct links_walk *w, uint64_t waiter, int kind, int gathering)
{
    if (kind < 0)
        kind = task_object_kind(w->r, w->mem, waiter, &gathering);
    if (kind == OBJ_C_TASK || kind == OBJ_PY_TASK) {
        links_add(w->set, waiter, w->task);
    } else if (gathering) {
        uint64_t children = instance_attr(w->mem, w->r->layout, waiter, "_children");
        if (children != 0)
            list_each(w->mem, w->r->layout, children, LINKS_CHILDREN_MAX, links_child_visit, w);
    }
}

/* 3.14+: awaited_by is one task (already in parents, see task_batch.c) or a set. */
static void links_native(struct links_walk *w, struct task_info *task)
{
    /* Parents copied from the object were not checked against the snapshot. */
    uint32_t kept = 0;
    for (uint32_t i = 0; i < task->parent_count; i++)
        if (task_set_find(w->set, task->parents[i]) && task->parents[i] != task->addr)
            task->parents[kept++] = task->parents[i];
    task->parent_count = kept;
    if (task->awaited_by_set)
        set_each(w->mem, w->r->layout, task->awaited_by_set, links_awaited_by_visit, w);
}

static int links_waiter_compare(const void *a, const void *b)
{
    const struct links_waiter *x = a, *y = b;
    return x->future < y->future ? -1 : x->future > y->future;
}

void task_links_build(struct asyncio_reader *r, struct remote *mem, struct task_set *set)
{
    struct links_waiter *waiters = malloc((set->count + 1) * sizeof *waiters);
    size_t waiter_count = 0;
    for (size_t i = 0; waiters && i < set->count; i++)
        if (set->tasks[i].waiter && set->tasks[i].state == TASK_PENDING)
            waiters[waiter_count++] = (struct links_waiter){set->tasks[i].waiter,
                                                            set->tasks[i].addr};
    if (waiters)
        qsort(waiters, waiter_count, sizeof *waiters, links_waiter_compare);
    for (size_t i = 0; i < set->count; i++) {
        struct task_info *task = &set->tasks[i];
        if (task->state == TASK_DONE || task->state == TASK_CANCELLED)
            continue;
        struct links_walk w = {r, mem, set, task->addr, waiters, waiter_count};
        if (task->kind == OBJ_C_TASK && r->tl.fut_awaited_by != LAYOUT_NONE) {
            links_native(&w, task);
            continue;
        }
        if (task->waiter)
            links_from_waiter(&w, task->waiter, task->waiter_checked ? task->waiter_kind : -1,
                              task->waiter_gathering);
        if (task->awaits && task->awaits != task->waiter)
            links_from_waiter(&w, task->awaits, -1, 0);
        links_from_callbacks(&w, task);
    }
    free(waiters);
}
