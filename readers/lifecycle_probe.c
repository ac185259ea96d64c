/* lifecycle_probe.c - executor work queues and the phase marker, from outside.
 *
 * Thread pools: concurrent.futures.thread keeps `_threads_queues`, a
 * WeakKeyDictionary {worker Thread: the executor's work queue} (3.8-3.15),
 * so every executor that has started a worker is found from one module
 * global; the queue is a C _queue.SimpleQueue whose length is read from its
 * struct (below).  Process pools: concurrent.futures.process keeps
 * `_threads_wakeups` {manager thread: wakeup}; the manager thread object
 * (3.9+: _ExecutorManagerThread) holds `pending_work_items`, a dict of work
 * submitted and not yet done.
 * The phase: a str the target may assign to __main__.PYCONC_PHASE. */
#include "lifecycle_probe.h"

#include <stdio.h>
#include <string.h>

#include "containers.h"
#include "objects.h"
#include "strings.h"

/* _queue.SimpleQueue (Modules/_queuemodule.c), checked with ctypes on every
 * test interpreter:
 *   3.8-3.12: PyObject_HEAD; lock; int locked; PyObject *lst (+32);
 *             Py_ssize_t lst_pos (+40): length = len(lst) - lst_pos
 *   3.13+:    PyObject_HEAD; bool has_threads_waiting; RingBuf {put_idx,
 *             get_idx, items, items_cap, num_items (+56)} */
#define SIMPLEQUEUE_LST 32
#define SIMPLEQUEUE_LST_POS 40
#define SIMPLEQUEUE_NUM_ITEMS_313 56
#define QUEUE_LENGTH_MAX (1ull << 40) /* more than this is a torn read */

static int probe_queue_length(struct remote *mem, const struct layout *l, uint64_t queue,
                              uint64_t *length)
{
    uint64_t type;
    char name[64];
    if (remote_read_ptr(mem, queue + l->object_type, &type) != 0 ||
        type_name_read(mem, l, type, name, sizeof name) != 0 ||
        strcmp(name, "_queue.SimpleQueue") != 0)
        return -1;
    int64_t n;
    if (l->minor >= 13) {
        if (remote_read(mem, queue + SIMPLEQUEUE_NUM_ITEMS_313, &n, sizeof n) != 0)
            return -1;
    } else {
        uint64_t list;
        int64_t size, pos;
        if (remote_read_ptr(mem, queue + SIMPLEQUEUE_LST, &list) != 0 || list == 0 ||
            remote_read(mem, queue + SIMPLEQUEUE_LST_POS, &pos, sizeof pos) != 0 ||
            remote_read(mem, list + l->varobject_size, &size, sizeof size) != 0)
            return -1;
        n = size - pos;
    }
    if (n < 0 || (uint64_t)n > QUEUE_LENGTH_MAX)
        return -1;
    *length = (uint64_t)n;
    return 0;
}

/* "ThreadPoolExecutor-0_3" -> "ThreadPoolExecutor-0": the executor, not the worker. */
static void probe_pool_name(char *name)
{
    char *last = strrchr(name, '_');
    if (last && last != name && last[1] >= '0' && last[1] <= '9')
        *last = '\0';
}

struct probe_walk {
    struct remote *mem;
    const struct layout *l;
    struct executor_queue *out;
    int count, max, process_pool;
    uint64_t seen[PROBE_EXECUTORS_MAX]; /* queues (or manager threads) already counted */
};

/* One entry of a WeakKeyDictionary.data: key a weakref to a Thread, value its queue. */
static int probe_entry(void *ctx, uint64_t key, uint64_t value)
{
    struct probe_walk *w = ctx;
    const struct layout *l = w->l;
    if (w->count >= w->max)
        return 1;
    uint64_t thread = 0;
    if (remote_read_ptr(w->mem, key + l->weakref_object, &thread) != 0 || thread == 0)
        return 0;
    uint64_t counted = w->process_pool ? thread : value;
    for (int i = 0; i < w->count; i++)
        if (w->seen[i] == counted)
            return 0;
    struct executor_queue q;
    memset(&q, 0, sizeof q);
    q.process_pool = w->process_pool;
    if (w->process_pool) {
        uint64_t pending = instance_attr(w->mem, l, thread, "pending_work_items");
        int64_t used;
        if (pending == 0 || remote_read(w->mem, pending + l->dict_used, &used, sizeof used) != 0 ||
            used < 0 || (uint64_t)used > QUEUE_LENGTH_MAX)
            return 0;
        q.queued = (uint64_t)used;
        snprintf(q.name, sizeof q.name, "ProcessPoolExecutor-%d", w->count);
    } else {
        if (probe_queue_length(w->mem, l, value, &q.queued) != 0)
            return 0;
        uint64_t name = instance_attr(w->mem, l, thread, "_name");
        if (name == 0 || string_read(w->mem, l, name, q.name, sizeof q.name) < 0)
            snprintf(q.name, sizeof q.name, "ThreadPoolExecutor@%d", w->count);
        probe_pool_name(q.name);
    }
    w->seen[w->count] = counted;
    w->out[w->count++] = q;
    return 0;
}

static uint64_t probe_global(struct remote *mem, const struct layout *l, uint64_t modules,
                             const char *module, const char *global)
{
    uint64_t mod = dict_get_str(mem, l, modules, module);
    uint64_t dict = mod ? module_dict(mem, l, mod) : 0;
    uint64_t weak = dict ? dict_get_str(mem, l, dict, global) : 0;
    return weak ? instance_attr(mem, l, weak, "data") : 0;
}

void probe_refresh(struct remote *mem, const struct layout *layout, uint64_t interp,
                   struct probe_cache *cache)
{
    uint64_t modules = 0;
    if (interp == 0 || remote_read_ptr(mem, interp + layout->interp_modules, &modules) != 0 ||
        modules == 0)
        return;
    if (!cache->thread_queues)
        cache->thread_queues =
            probe_global(mem, layout, modules, "concurrent.futures.thread", "_threads_queues");
    /* 3.8's process pool manager is a function, not an object with attributes */
    if (!cache->process_wakeups && layout->minor >= 9)
        cache->process_wakeups =
            probe_global(mem, layout, modules, "concurrent.futures.process", "_threads_wakeups");
    if (!cache->main_dict) {
        uint64_t main_module = dict_get_str(mem, layout, modules, "__main__");
        cache->main_dict = main_module ? module_dict(mem, layout, main_module) : 0;
    }
}

int probe_executors(struct remote *mem, const struct layout *layout,
                    const struct probe_cache *cache, struct executor_queue *out, int max)
{
    struct probe_walk w = {mem, layout, out, 0, max < PROBE_EXECUTORS_MAX ? max : PROBE_EXECUTORS_MAX,
                           0, {0}};
    if (cache->thread_queues && dict_each(mem, layout, cache->thread_queues, probe_entry, &w) != 0)
        return -1;
    w.process_pool = 1;
    if (cache->process_wakeups &&
        dict_each(mem, layout, cache->process_wakeups, probe_entry, &w) != 0)
        return -1;
    return w.count;
}

int probe_phase(struct remote *mem, const struct layout *layout, const struct probe_cache *cache,
                char *out, size_t cap)
{
    if (cache->main_dict == 0)
        return 0;
    uint64_t value = dict_get_str(mem, layout, cache->main_dict, "PYCONC_PHASE");
    if (value == 0)
        return 0;
    uint64_t type;
    char name[16];
    if (remote_read_ptr(mem, value + layout->object_type, &type) != 0 ||
        type_name_read(mem, layout, type, name, sizeof name) != 0)
        return -1;
    if (strcmp(name, "str") != 0)
        return 0;
    return string_read(mem, layout, value, out, cap) < 0 ? -1 : 1;
}
