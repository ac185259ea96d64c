/* task_layout.c - the C Task layout per CPython version.
 *
 * TaskObj is declared in Modules/_asynciomodule.c, which no installed header
 * carries, so the layout generator cannot see it.  These values were taken
 * from that struct (FutureObj_HEAD + the task fields) at each version's
 * newest tag and checked against running interpreters with ctypes (see
 * tests/test_asyncio_tasks.py, which fails when they drift):
 *   3.8   head: loop, callback0, context0, callbacks, exception, result,
 *         source_tb; state; log_tb; blocking; dict; weakreflist
 *   3.9   + cancel_msg; + _PyErr_StackItem cancelled_exc_state (2 words)
 *   3.10  + exception_tb
 *   3.11-3.12  cancelled_exc_state becomes a PyObject *cancelled_exc
 *   3.13  dict and weakreflist leave the struct (managed by the type)
 *   3.14-3.15  + awaited_by, is_task, awaited_by_is_set; the task joins a
 *         per-thread linked list through task_node
 * The first five fields (ob_refcnt, ob_type, loop, callback0, context0,
 * callbacks) never moved. */
#include "task_layout.h"

#include <string.h>

#include "elf_file.h"

#define COMMON .fut_loop = 16, .fut_callback0 = 24, .fut_callbacks = 40, .futureiter_future = 16

static const struct task_layout task_layouts[] = {
    [8] = {COMMON, .task_basicsize = 144, .fut_state = 72, .fut_awaited_by = LAYOUT_NONE,
           .fut_awaited_by_is_set = LAYOUT_NONE, .task_fut_waiter = 104, .task_coro = 112,
           .task_name = 120, .task_node = LAYOUT_NONE},
    [9] = {COMMON, .task_basicsize = 184, .fut_state = 80, .fut_awaited_by = LAYOUT_NONE,
           .fut_awaited_by_is_set = LAYOUT_NONE, .task_fut_waiter = 144, .task_coro = 152,
           .task_name = 160, .task_node = LAYOUT_NONE},
    [10] = {COMMON, .task_basicsize = 192, .fut_state = 88, .fut_awaited_by = LAYOUT_NONE,
            .fut_awaited_by_is_set = LAYOUT_NONE, .task_fut_waiter = 152, .task_coro = 160,
            .task_name = 168, .task_node = LAYOUT_NONE},
    [11] = {COMMON, .task_basicsize = 176, .fut_state = 88, .fut_awaited_by = LAYOUT_NONE,
            .fut_awaited_by_is_set = LAYOUT_NONE, .task_fut_waiter = 128, .task_coro = 136,
            .task_name = 144, .task_node = LAYOUT_NONE},
    [12] = {COMMON, .task_basicsize = 176, .fut_state = 88, .fut_awaited_by = LAYOUT_NONE,
            .fut_awaited_by_is_set = LAYOUT_NONE, .task_fut_waiter = 128, .task_coro = 136,
            .task_name = 144, .task_node = LAYOUT_NONE},
    [13] = {COMMON, .task_basicsize = 144, .fut_state = 96, .fut_awaited_by = LAYOUT_NONE,
            .fut_awaited_by_is_set = LAYOUT_NONE, .task_fut_waiter = 112, .task_coro = 120,
            .task_name = 128, .task_node = LAYOUT_NONE},
    [14] = {COMMON, .task_basicsize = 168, .fut_state = 104, .fut_awaited_by = 96,
            .fut_awaited_by_is_set = 109, .task_fut_waiter = 120, .task_coro = 128,
            .task_name = 136, .task_node = 152},
    [15] = {COMMON, .task_basicsize = 168, .fut_state = 104, .fut_awaited_by = 96,
            .fut_awaited_by_is_set = 109, .task_fut_waiter = 120, .task_coro = 128,
            .task_name = 136, .task_node = 152},
};

const struct task_layout *task_layout_for_version(int minor)
{
    if (minor < 8 || minor >= (int)(sizeof task_layouts / sizeof task_layouts[0]))
        return NULL;
    return &task_layouts[minor];
}

/* _Py_AsyncioModuleDebugOffsets (Modules/_asynciomodule.c, 3.14 and 3.15:
 * the same thirteen words), placed in section .AsyncioDebug. */
struct asyncio_debug_offsets {
    struct {
        uint64_t size, task_name, task_awaited_by, task_is_task, task_awaited_by_is_set,
            task_coro, task_node;
    } task;
    struct {
        uint64_t size, asyncio_tasks_head;
    } interp;
    struct {
        uint64_t size, asyncio_running_loop, asyncio_running_task, asyncio_tasks_head;
    } thread;
};

static int task_layout_plausible(const struct asyncio_debug_offsets *d)
{
    uint64_t task_fields[] = {d->task.task_name, d->task.task_awaited_by,
                              d->task.task_is_task, d->task.task_awaited_by_is_set,
                              d->task.task_coro, d->task.task_node};
    if (d->task.size < 64 || d->task.size > 4096)
        return 0;
    for (size_t i = 0; i < sizeof task_fields / sizeof task_fields[0]; i++)
        if (task_fields[i] < 16 || task_fields[i] >= d->task.size)
            return 0;
    return d->thread.size > 0 && d->thread.size < (1u << 20) &&
           d->thread.asyncio_running_task < d->thread.size &&
           d->thread.asyncio_tasks_head < d->thread.size &&
           d->thread.asyncio_running_loop < d->thread.size && d->interp.size < (1u << 24) &&
           d->interp.asyncio_tasks_head < d->interp.size;
}

/* Looks for .AsyncioDebug in one mapped file: 1 found (copied to *out), 0 not. */
static int task_layout_try_file(int pid, struct remote *mem, const struct maps *maps,
                                const char *path, struct asyncio_debug_offsets *out)
{
    struct elf_info info;
    uint64_t bias;
    if (elf_inspect_mapped(pid, maps, path, &info, &bias) != 0 ||
        info.asyncio_debug_section == 0 || info.asyncio_debug_section_size < sizeof *out)
        return 0;
    uint64_t addr = bias + info.asyncio_debug_section;
    return remote_read(mem, addr, out, sizeof *out) == 0;
}

int task_layout_from_target(int pid, struct remote *mem, const struct maps *maps,
                            struct python_runtime *runtime, struct task_layout *layout)
{
    if (runtime->minor < 14)
        return 0;
    struct asyncio_debug_offsets d;
    int found = 0;
    /* _asyncio is a shared module in most builds and built into the
     * interpreter in some (Debian's static 3.15); try the module first. */
    for (size_t i = 0; i < maps->count && !found; i++) {
        const char *path = maps->entries[i].path;
        const char *base = path ? strrchr(path, '/') : NULL;
        if (base && strncmp(base + 1, "_asyncio.", 9) == 0)
            found = task_layout_try_file(pid, mem, maps, path, &d);
    }
    if (!found)
        found = task_layout_try_file(pid, mem, maps, runtime->binary, &d);
    if (!found)
        return 0;
    if (!task_layout_plausible(&d))
        return -1;
    layout->task_basicsize = d.task.size;
    layout->task_name = d.task.task_name;
    layout->fut_awaited_by = d.task.task_awaited_by;
    layout->fut_awaited_by_is_set = d.task.task_awaited_by_is_set;
    layout->task_coro = d.task.task_coro;
    layout->task_node = d.task.task_node;
    layout->from_target = 1;
    runtime->layout.interp_asyncio_tasks_head = d.interp.asyncio_tasks_head;
    runtime->layout.tstate_asyncio_running_loop = d.thread.asyncio_running_loop;
    runtime->layout.tstate_asyncio_running_task = d.thread.asyncio_running_task;
    runtime->layout.tstate_asyncio_tasks_head = d.thread.asyncio_tasks_head;
    return 1;
}
