/* tasks.c - find asyncio's tasks and read each one.
 *
 * Where the tasks are:
 *   3.8-3.11  asyncio.tasks._all_tasks, a WeakSet (its `data` attribute is a
 *             set of weakrefs to the tasks); _current_tasks {loop: task}.
 *   3.12-3.13 _scheduled_tasks (WeakSet) + _eager_tasks (a plain set of the
 *             tasks running their first step eagerly) + _current_tasks.
 *   3.14+     native tasks sit in per-thread linked lists
 *             (_PyThreadStateImpl.asyncio_tasks_head, moved to the
 *             interpreter's list when their thread exits) and the running one
 *             in tstate->asyncio_running_task; _scheduled_tasks/_eager_tasks
 *             only hold tasks of other classes (pure-Python ones).
 * Each module-level collection is found through sys.modules and kept once
 * asyncio.tasks has finished importing: the module's body first binds the
 * pure-Python collections, then, at its end, replaces them with _asyncio's, so
 * a look during that import would keep a set no task ever enters.  A task is
 * either a C TaskObj (task_layout.h) or a Python object whose attributes we
 * read by name. */
#include "tasks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "containers.h"
#include "fields.h"
#include "maps.h"
#include "objects.h"
#include "strings.h"

/* A per-thread task list longer than this is treated as corrupt (cut). */
#define TASKS_LIST_MAX 1000000

const char *task_state_name(int state)
{
    switch (state) {
    case TASK_RUNNING:
        return "running";
    case TASK_DONE:
        return "done";
    case TASK_CANCELLED:
        return "cancelled";
    default:
        return "pending";
    }
}

void asyncio_reader_init(struct asyncio_reader *r, struct python_runtime *runtime)
{
    memset(r, 0, sizeof *r);
    r->layout = &runtime->layout;
    const struct task_layout *tl = task_layout_for_version(runtime->minor);
    if (tl) {
        r->tl = *tl;
        r->have_layout = 1;
    }
}

/* 1 when the module whose __dict__ is `dict` has finished importing:
 * importlib sets module.__spec__._initializing to True before it runs the
 * module's body and back to False after (Lib/importlib/_bootstrap.py,
 * _load_unlocked, 3.8-3.15).  Unreadable or not a bool False: 0. */
static int module_import_finished(struct remote *mem, const struct layout *l, uint64_t dict)
{
    uint64_t spec = dict_get_str(mem, l, dict, "__spec__");
    uint64_t flag = spec ? instance_attr(mem, l, spec, "_initializing") : 0;
    uint64_t type = 0, value = 1;
    char name[8];
    if (flag == 0 || remote_read_ptr(mem, flag + l->object_type, &type) != 0 ||
        type_name_read(mem, l, type, name, sizeof name) != 0 || strcmp(name, "bool") != 0 ||
        long_read(mem, l, flag, &value) != 0)
        return 0;
    return value == 0;
}

void asyncio_reader_refresh(struct asyncio_reader *r, int pid, struct remote *mem,
                            struct python_runtime *runtime, uint64_t interp)
{
    const struct layout *l = r->layout;
    if (r->collections_final)
        return;
    /* Looked up again until final: an import that fails drops the module. */
    uint64_t modules = 0;
    if (interp == 0 || remote_read_ptr(mem, interp + l->interp_modules, &modules) != 0 ||
        modules == 0)
        return;
    uint64_t module = dict_get_str(mem, l, modules, "asyncio.tasks");
    uint64_t dict = module ? module_dict(mem, l, module) : 0;
    r->tasks_dict = dict;
    if (dict == 0) {
        r->weak_tasks = r->eager_tasks = r->current_tasks = 0;
        return;
    }
    /* Read before the names: a finished import read first cannot be followed by
     * names still rebound. */
    int finished = module_import_finished(mem, l, dict);
    uint64_t weak = dict_get_str(mem, l, dict, l->minor >= 12 ? "_scheduled_tasks" : "_all_tasks");
    r->weak_tasks = weak ? instance_attr(mem, l, weak, "data") : 0;
    r->eager_tasks = l->minor >= 12 ? dict_get_str(mem, l, dict, "_eager_tasks") : 0;
    r->current_tasks = dict_get_str(mem, l, dict, "_current_tasks");
    if (!finished)
        return; /* looked again on the next refresh */
    r->collections_final = 1;
    /* 3.14+: asyncio.tasks imported _asyncio, so its debug offsets are mapped now:
     * read them once (the compiled-in table stays if the section is not found). */
    if (runtime->minor >= 14 && !r->overlay_tried) {
        struct maps maps;
        r->overlay_tried = 1;
        if (maps_read(pid, &maps) == 0) {
            task_layout_from_target(pid, mem, &maps, runtime, &r->tl);
            maps_free(&maps);
        }
    }
}

int task_set_init(struct task_set *set, size_t max_tasks)
{
    memset(set, 0, sizeof *set);
    set->capacity = max_tasks ? max_tasks : TASKS_DEFAULT_MAX;
    set->tasks = calloc(set->capacity, sizeof *set->tasks);
    set->frame_capacity = set->capacity * 8 < 65536 ? 65536 : set->capacity * 8;
    set->frames = calloc(set->frame_capacity, sizeof *set->frames);
    if (!set->tasks || !set->frames) {
        task_set_free(set);
        return -1;
    }
    return 0;
}

void task_set_free(struct task_set *set)
{
    free(set->tasks);
    free(set->frames);
    memset(set, 0, sizeof *set);
}

static int task_kind_of_type(struct asyncio_reader *r, struct remote *mem, uint64_t type,
                             const char *name, int *gathering)
{
    const struct layout *l = r->layout;
    *gathering = strcmp(name, "_GatheringFuture") == 0;
    if (strcmp(name, "coroutine") == 0 || strcmp(name, "generator") == 0)
        return OBJ_COROUTINE;
    if (strcmp(name, "_asyncio.FutureIter") == 0)
        return OBJ_FUTURE_ITER;
    if (strcmp(name, "method") == 0)
        return OBJ_METHOD;
    if (strcmp(name, "functools.partial") == 0)
        return OBJ_PARTIAL;
    if (strcmp(name, "function") == 0)
        return OBJ_FUNCTION;
    if (strcmp(name, "str") == 0)
        return OBJ_STR;
    if (strcmp(name, "int") == 0)
        return OBJ_INT;
    if (strcmp(name, "TaskGroup") == 0)
        return OBJ_TASK_GROUP;
    uint64_t basicsize = 0;
    if (remote_read_ptr(mem, type + l->type_basicsize, &basicsize) != 0)
        return OBJ_OTHER;
    if (strcmp(name, "_asyncio.Task") == 0)
        return r->have_layout && basicsize == r->tl.task_basicsize ? OBJ_C_TASK : OBJ_OTHER;
    if (strcmp(name, "_asyncio.Future") == 0 || *gathering)
        return OBJ_C_FUTURE; /* _GatheringFuture subclasses the C Future when it exists */
    if (strcmp(name, "Task") == 0 || strcmp(name, "_PyTask") == 0)
        return OBJ_PY_TASK;
    if (strcmp(name, "Future") == 0 || strcmp(name, "_PyFuture") == 0)
        return OBJ_PY_FUTURE;
    return OBJ_OTHER;
}

int task_type_kind(struct asyncio_reader *r, struct remote *mem, uint64_t type, int *gathering)
{
    int dummy;
    if (!gathering)
        gathering = &dummy;
    *gathering = 0;
    if (type == 0)
        return OBJ_OTHER;
    for (int i = 0; i < r->type_count; i++)
        if (r->types[i].addr == type) {
            *gathering = r->types[i].gathering;
            return r->types[i].kind;
        }
    char name[80];
    if (type_name_read(mem, r->layout, type, name, sizeof name) != 0)
        return OBJ_OTHER;
    int kind = task_kind_of_type(r, mem, type, name, gathering);
    /* Types live as long as the process in practice (classes of asyncio);
     * a Python subclass could die, so only the table's size bounds it. */
    if (r->type_count < TASK_TYPES_MAX) {
        r->types[r->type_count].addr = type;
        r->types[r->type_count].kind = kind;
        r->types[r->type_count].gathering = *gathering;
        r->type_count++;
    }
    return kind;
}

int task_object_kind(struct asyncio_reader *r, struct remote *mem, uint64_t obj, int *gathering)
{
    uint64_t type = 0;
    if (obj == 0 || remote_read_ptr(mem, obj + r->layout->object_type, &type) != 0) {
        if (gathering)
            *gathering = 0;
        return OBJ_OTHER;
    }
    return task_type_kind(r, mem, type, gathering);
}

/* A task's name: a str, or (3.12+ C tasks) an int n standing for "Task-n". */
static void task_read_name(struct asyncio_reader *r, struct remote *mem, uint64_t name,
                           char *out, size_t cap)
{
    uint64_t number;
    snprintf(out, cap, "?");
    int kind = task_object_kind(r, mem, name, NULL);
    if (kind == OBJ_STR && string_read(mem, r->layout, name, out, cap) < 0)
        snprintf(out, cap, "?"); /* string_read leaves nothing on a torn read */
    else if (kind == OBJ_INT && long_read(mem, r->layout, name, &number) == 0)
        snprintf(out, cap, "Task-%llu", (unsigned long long)number);
}

uint64_t task_loop_thread(struct asyncio_reader *r, struct remote *mem, uint64_t loop)
{
    if (loop == 0)
        return 0;
    for (int i = 0; i < r->loop_count; i++)
        if (r->loops[i].loop == loop && r->loops[i].thread_id != 0)
            return r->loops[i].thread_id;
    /* BaseEventLoop._thread_id: threading.get_ident() of the thread in
     * run_forever, None when the loop is not running. */
    uint64_t attr = instance_attr(mem, r->layout, loop, "_thread_id");
    uint64_t ident = 0;
    if (attr == 0 || long_read(mem, r->layout, attr, &ident) != 0 || ident == 0)
        return 0;
    int slot = r->loop_count < TASK_LOOPS_MAX ? r->loop_count++ : (int)(loop % TASK_LOOPS_MAX);
    r->loops[slot].loop = loop;
    r->loops[slot].thread_id = ident;
    return ident;
}

int task_from_object(const struct asyncio_reader *r, const unsigned char *buf,
                     struct task_info *out, uint64_t *name)
{
    int32_t state;
    memcpy(&state, buf + r->tl.fut_state, sizeof state);
    if (!remote_refcount_plausible(field_u64(buf, 0)) || state < 0 || state > 2)
        return -1; /* freed, or not a task after all */
    out->state = state == 0 ? TASK_PENDING : state == 1 ? TASK_CANCELLED : TASK_DONE;
    out->coro = field_u64(buf, r->tl.task_coro);
    out->loop = field_u64(buf, r->tl.fut_loop);
    out->waiter = field_u64(buf, r->tl.task_fut_waiter);
    out->callback0 = field_u64(buf, r->tl.fut_callback0);
    out->callbacks = field_u64(buf, r->tl.fut_callbacks);
    /* 3.14+: one awaiting task is right in the object; a set is walked by task_links.c. */
    if (r->tl.fut_awaited_by != LAYOUT_NONE) {
        uint64_t by = field_u64(buf, r->tl.fut_awaited_by);
        if (buf[r->tl.fut_awaited_by_is_set])
            out->awaited_by_set = by;
        else if (by)
            out->parents[out->parent_count++] = by;
    }
    *name = field_u64(buf, r->tl.task_name);
    return 0;
}

static int task_read_c(struct asyncio_reader *r, struct remote *mem, uint64_t addr,
                       struct task_info *out)
{
    unsigned char buf[512];
    uint64_t size = r->tl.task_basicsize, name;
    if (size > sizeof buf || remote_read(mem, addr, buf, size) != 0 ||
        task_from_object(r, buf, out, &name) != 0)
        return -1;
    task_read_name(r, mem, name, out->name, sizeof out->name);
    return 0;
}

static int task_read_py(struct asyncio_reader *r, struct remote *mem, uint64_t addr,
                        struct task_info *out)
{
    const struct layout *l = r->layout;
    out->coro = instance_attr(mem, l, addr, "_coro");
    out->loop = instance_attr(mem, l, addr, "_loop");
    out->waiter = instance_attr(mem, l, addr, "_fut_waiter");
    /* futures.Future keeps `_state = _PENDING` as a class attribute: a task
     * that never changed state has none of its own. */
    uint64_t state = instance_attr(mem, l, addr, "_state");
    if (out->coro == 0)
        return -1;
    out->state = state == 0 ? TASK_PENDING
                 : string_equals(mem, l, state, "CANCELLED") ? TASK_CANCELLED
                 : string_equals(mem, l, state, "FINISHED") ? TASK_DONE
                                                            : TASK_PENDING;
    task_read_name(r, mem, instance_attr(mem, l, addr, "_name"), out->name, sizeof out->name);
    return 0;
}

static int task_read_kind(struct asyncio_reader *r, struct remote *mem, uint64_t addr,
                          int kind, struct task_info *out)
{
    memset(out, 0, sizeof *out);
    out->addr = addr;
    out->kind = kind;
    int rc = kind == OBJ_C_TASK ? task_read_c(r, mem, addr, out)
             : kind == OBJ_PY_TASK ? task_read_py(r, mem, addr, out)
                                   : -1;
    if (rc != 0)
        return -1;
    /* Py_None is a valid "no waiter"; anything that is not a future is none. */
    if (out->waiter != 0) {
        int wk = task_object_kind(r, mem, out->waiter, NULL);
        if (wk != OBJ_C_TASK && wk != OBJ_PY_TASK && wk != OBJ_C_FUTURE && wk != OBJ_PY_FUTURE)
            out->waiter = 0;
    }
    out->thread_id = task_loop_thread(r, mem, out->loop);
    return 0;
}

int task_read_one(struct asyncio_reader *r, struct remote *mem, uint64_t addr,
                  struct task_info *out)
{
    return task_read_kind(r, mem, addr, task_object_kind(r, mem, addr, NULL), out);
}

uint64_t task_coro_frame(struct asyncio_reader *r, struct remote *mem, uint64_t coro)
{
    const struct layout *l = r->layout;
    if (coro == 0)
        return 0;
    if (l->gen_iframe != LAYOUT_NONE)
        return coro + l->gen_iframe;
    uint64_t frame = 0;
    if (remote_read_ptr(mem, coro + l->gen_frame, &frame) != 0)
        return 0;
    return frame;
}

/* ---- collecting the task addresses ---- */

struct task_addrs {
    uint64_t *addr;
    size_t count, capacity;
    int weak; /* items are weakrefs to tasks */
    const struct layout *layout;
    struct remote *mem;
    uint64_t overflow;
    size_t room; /* addr's size: capacity, and more for a WeakSet's dead entries */
};

static int task_addrs_visit(void *ctx, uint64_t item)
{
    struct task_addrs *a = ctx;
    uint64_t task = item; /* a weakref when a->weak: dereferenced in one batch later */
    if (task == 0)
        return 0;
    if (a->count == a->capacity) {
        a->overflow++;
        return 0;
    }
    a->addr[a->count++] = task;
    return 0;
}

/* Walks a circular llist of TaskObj.task_node links starting at head. */
static int task_addrs_from_list(struct asyncio_reader *r, struct remote *mem, uint64_t head,
                                struct task_addrs *a)
{
    uint64_t node = 0;
    if (remote_read_ptr(mem, head, &node) != 0)
        return -1;
    /* Brent's cycle check: a torn list that loops without passing head again
     * is dropped after about twice its length, not after TASKS_LIST_MAX reads. */
    uint64_t tortoise = node;
    size_t power = 1, lap = 0;
    for (size_t steps = 0; node != 0 && node != head; steps++) {
        if (steps >= TASKS_LIST_MAX) {
            remote_cap_hit(mem, REMOTE_CAP_TASK_LIST);
            return -1;
        }
        task_addrs_visit(a, node - r->tl.task_node);
        uint64_t next;
        if (remote_read_ptr(mem, node, &next) != 0 || next == node || next == tortoise)
            return -1;
        if (++lap == power) {
            tortoise = next;
            power *= 2;
            lap = 0;
        }
        node = next;
    }
    return 0;
}

static int task_addr_compare(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static int task_collect(struct asyncio_reader *r, struct remote *mem, uint64_t interp,
                        const struct thread_state_info *threads, size_t thread_count,
                        struct task_addrs *a)
{
    const struct layout *l = r->layout;
    if (r->weak_tasks) {
        /* Dead weakrefs wait in the WeakSet while someone iterates it (its
         * removals are deferred): thousands of them after a burst of short
         * tasks.  They must not take the places of live tasks under the cap,
         * so weakrefs are collected with room to spare and the cap applied
         * to the live ones. */
        size_t cap = a->capacity;
        a->capacity = a->room;
        a->weak = 1;
        if (set_each(mem, l, r->weak_tasks, task_addrs_visit, a) < 0)
            return -1;
        a->weak = 0;
        a->capacity = cap;
        /* weakref -> wr_object for every entry in one batch; a dead one gives None. */
        struct remote_request *req = malloc((a->count + 1) * sizeof *req);
        if (!req)
            return -1;
        for (size_t i = 0; i < a->count; i++)
            req[i] = (struct remote_request){a->addr[i] + l->weakref_object, &a->addr[i], 8, 0};
        remote_read_batch(mem, req, a->count);
        size_t kept = 0;
        for (size_t i = 0; i < a->count; i++)
            if (req[i].ok && a->addr[i] != 0)
                a->addr[kept++] = a->addr[i];
        free(req);
        if (kept > cap) {
            a->overflow += kept - cap;
            kept = cap;
        }
        a->count = kept;
    }
    if (r->eager_tasks && set_each(mem, l, r->eager_tasks, task_addrs_visit, a) < 0)
        return -1;
    if (l->tstate_asyncio_tasks_head != LAYOUT_NONE && r->tl.task_node != LAYOUT_NONE) {
        for (size_t t = 0; t < thread_count; t++)
            if (task_addrs_from_list(r, mem, threads[t].tstate + l->tstate_asyncio_tasks_head,
                                     a) != 0)
                return -1;
        if (interp != 0 &&
            task_addrs_from_list(r, mem, interp + l->interp_asyncio_tasks_head, a) != 0)
            return -1;
    }
    qsort(a->addr, a->count, sizeof *a->addr, task_addr_compare);
    size_t unique = 0;
    for (size_t i = 0; i < a->count; i++)
        if (unique == 0 || a->addr[unique - 1] != a->addr[i])
            a->addr[unique++] = a->addr[i];
    a->count = unique;
    return 0;
}

struct task_info *task_set_find(const struct task_set *set, uint64_t addr)
{
    size_t lo = 0, hi = set->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (set->tasks[mid].addr < addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < set->count && set->tasks[lo].addr == addr ? &set->tasks[lo] : NULL;
}

/* ---- running tasks ---- */

struct current_walk {
    struct asyncio_reader *r;
    struct remote *mem;
    struct running_task *out;
    size_t max, count;
};

static int current_visit(void *ctx, uint64_t loop, uint64_t task)
{
    struct current_walk *w = ctx;
    if (w->count >= w->max)
        return 1;
    w->out[w->count].task = task;
    w->out[w->count].thread_id = task_loop_thread(w->r, w->mem, loop);
    w->count++;
    return 0;
}

int tasks_running(struct asyncio_reader *r, struct remote *mem,
                  const struct thread_state_info *threads, size_t thread_count,
                  struct running_task *out, size_t max)
{
    const struct layout *l = r->layout;
    size_t count = 0;
    if (l->tstate_asyncio_running_task != LAYOUT_NONE) {
        for (size_t t = 0; t < thread_count && count < max; t++) {
            uint64_t task = 0;
            if (remote_read_ptr(mem, threads[t].tstate + l->tstate_asyncio_running_task,
                                &task) != 0)
                return -1;
            if (task != 0) {
                out[count].task = task;
                out[count].thread_id = threads[t].thread_id;
                count++;
            }
        }
    }
    if (r->current_tasks != 0 && count < max) {
        /* 3.14+ keeps this dict for tasks of other classes only. */
        struct current_walk w = {r, mem, out + count, max - count, 0};
        if (dict_each(mem, l, r->current_tasks, current_visit, &w) != 0)
            return -1;
        count += w.count;
    }
    return (int)count;
}

int tasks_read(struct asyncio_reader *r, struct remote *mem, uint64_t interp,
               const struct thread_state_info *threads, size_t thread_count,
               struct task_set *set)
{
    set->count = 0;
    set->frame_count = 0;
    set->capped = 0;
    /* A loop's thread is learnt again per snapshot: a loop closed and another
     * allocated at its address may run on another thread. */
    r->loop_count = 0;
    if (!r->have_layout && r->tasks_dict == 0)
        return 0;
    struct task_addrs a = {NULL, 0, set->capacity, 0, r->layout, mem, 0, set->capacity * 4};
    a.addr = malloc(a.room * sizeof *a.addr);
    if (!a.addr)
        return -1;
    int rc = task_collect(r, mem, interp, threads, thread_count, &a);
    struct running_task running[64];
    int nrunning = rc == 0 ? tasks_running(r, mem, threads, thread_count, running, 64) : -1;
    if (rc != 0 || nrunning < 0) {
        free(a.addr);
        return -1;
    }
    if (a.overflow > 0) {
        set->capped = 1;
        set->dropped += a.overflow;
    }
    rc = task_batch_read(r, mem, a.addr, a.count, set);
    free(a.addr);
    if (rc != 0)
        return -1;
    for (size_t i = 0; i < set->count; i++) {
        struct task_info *task = &set->tasks[i];
        for (int k = 0; k < nrunning; k++)
            if (running[k].task == task->addr && task->state == TASK_PENDING) {
                task->state = TASK_RUNNING;
                if (running[k].thread_id)
                    task->thread_id = running[k].thread_id;
            }
    }
    if (task_batch_chains(r, mem, set) != 0)
        return -1;
    task_links_build(r, mem, set);
    return 0;
}
