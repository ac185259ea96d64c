/* target_tasks.c - asyncio tasks of an attached process.
 *
 * The readers find and read the tasks (readers/tasks.h); this file keeps the
 * per-process reader, decides when to look for the asyncio module again (a
 * service may import it long after we attach), and maps a loop's thread
 * (threading.get_ident()) to the kernel tid the samples are keyed by. */
#include "target_tasks.h"

#define TARGET_ASYNCIO_LOOK_NS 200000000ull

int target_tasks_open(struct target *target, int max_tasks)
{
    if (target->tasks_open)
        return 0;
    if (task_set_init(&target->task_set, max_tasks > 0 ? (size_t)max_tasks : 0) != 0)
        return -1;
    asyncio_reader_init(&target->asyncio, &target->runtime);
    target->tasks_open = 1;
    target->asyncio_looked_ns = 0;
    return 0;
}

void target_tasks_close(struct target *target)
{
    if (!target->tasks_open)
        return;
    task_set_free(&target->task_set);
    target->tasks_open = 0;
}

void target_tasks_look(struct target *target)
{
    struct asyncio_reader *r = &target->asyncio;
    if (r->collections_final || target->interp == 0)
        return; /* found after asyncio.tasks' import: they are never rebound again */
    uint64_t now = monotonic_ns();
    if (target->asyncio_looked_ns != 0 && now - target->asyncio_looked_ns < TARGET_ASYNCIO_LOOK_NS)
        return;
    target->asyncio_looked_ns = now;
    asyncio_reader_refresh(r, target->pid, &target->live.base, &target->runtime, target->interp);
}

int target_read_tasks(struct target *target)
{
    if (!target->tasks_open)
        return -1;
    target_tasks_look(target);
    return tasks_read(&target->asyncio, &target->live.base, target->interp, target->threads,
                      target->thread_count, &target->task_set);
}

uint64_t target_tid_of_ident(struct target *target, uint64_t ident)
{
    if (ident == 0)
        return 0;
    for (size_t i = 0; i < target->thread_count; i++)
        if (target->threads[i].thread_id == ident)
            return target_native_tid(target, &target->threads[i]);
    return 0;
}
