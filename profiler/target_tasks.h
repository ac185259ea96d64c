/* target_tasks.h - asyncio tasks of an attached process. */
#ifndef PYCONC_PROFILER_TARGET_TASKS_H
#define PYCONC_PROFILER_TARGET_TASKS_H

#include <stdint.h>

#include "target.h"

/* Prepares task reading (max_tasks per snapshot, 0: default).  0 or -1 (memory). */
int target_tasks_open(struct target *target, int max_tasks);
void target_tasks_close(struct target *target);

/* Looks for asyncio (at most every 200 ms while it is not imported), then
 * reads every task into target->task_set.  Needs target_read_threads first.
 * 0 (possibly no tasks), or -1 on a torn read. */
int target_read_tasks(struct target *target);

/* Makes sure the asyncio module state is known (rate-limited like above). */
void target_tasks_look(struct target *target);

/* Native tid of the thread whose threading.get_ident() is ident, 0 if none. */
uint64_t target_tid_of_ident(struct target *target, uint64_t ident);

#endif
