/* lifecycle_watch.h - record --check-lifecycle: the evidence the lifecycle
 * checks need, gathered while sampling (output/lifecycle.c judges it). */
#ifndef PYCONC_PROFILER_LIFECYCLE_WATCH_H
#define PYCONC_PROFILER_LIFECYCLE_WATCH_H

#include <stdint.h>

#include "store.h"
#include "target.h"

/* After each asyncio task snapshot (target->task_set): task lives, owners,
 * await points, new tasks, tasks left pending by a stopped loop.  now_ns:
 * since the start of the recording. */
void lifecycle_watch_snapshot(struct target *target, struct store *store, uint64_t now_ns);

/* After a thread's sample: ids are its frame ids, outermost first. */
void lifecycle_watch_thread(struct target *target, struct store *store, size_t index,
                            uint64_t native_tid, uint32_t name, const uint32_t *ids, uint32_t depth,
                            uint64_t now_ns);

/* After every tick: thread liveness during shutdown, and four times a second
 * the thread count, executor queues and the phase marker. */
void lifecycle_watch_tick(struct target *target, struct store *store, uint64_t now_ns);

/* At the end of the recording: what is still open (an await still stuck, an
 * orphan still running, the shutdown in progress).  exited: the target exited. */
void lifecycle_watch_finish(struct store *store, uint64_t end_ns, int exited);

/* Internal: the task half (lifecycle_tasks.c) closing its open stretches. */
void lifecycle_tasks_finish(struct store *store, uint64_t end_ns);

#endif
