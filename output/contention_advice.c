/* contention_advice.c - turn the report's findings into one-line suggestions.
 *
 * Each line names its evidence (threads, shares, the function and line), so
 * a reader can check it against the tables above it:
 *   - CPU-bound threads spending much of their time in gil-wait: the GIL
 *     serialises them; processes or native code that releases the GIL scale;
 *   - a blocked event loop: the blocking call should become awaitable or go
 *     to a thread (asyncio.to_thread / run_in_executor);
 *   - a lock many threads queue on: a convoy; shorten or split the section;
 *   - a growing thread count: threads started and never ended;
 *   - threads stuck on locks with nobody running: check the lock order;
 *   - a worker pool where one worker did most of the work: tasks too big or
 *     handed out in large chunks;
 *   - a process that spends much of its time pickling: too much data crosses
 *     between processes. */
#include "contention_advice.h"

#include <stdio.h>
#include <string.h>

#include "frame_text.h"

static double pct(uint64_t part, uint64_t whole)
{
    return whole ? 100.0 * (double)part / (double)whole : 0;
}

static size_t advice_gil(const struct advice_evidence *e, char lines[][ADVICE_LEN], size_t n)
{
    const struct profile *p = e->profile;
    int bound = 0;
    uint64_t waited = 0, total = 0;
    for (size_t t = 0; t < p->thread_count; t++) {
        uint64_t running = e->thread_states[t * STATE_COUNT + STATE_RUNNING];
        uint64_t gil = e->thread_states[t * STATE_COUNT + STATE_GIL_WAIT];
        if (e->thread_total[t] && pct(running + gil, e->thread_total[t]) >= 50 &&
            pct(gil, e->thread_total[t]) >= 30) {
            bound++;
            waited += gil;
            total += e->thread_total[t];
        }
    }
    if (bound < 2 || n >= ADVICE_MAX)
        return n;
    snprintf(lines[n], ADVICE_LEN,
             "%d CPU-bound threads spend %.0f%% of their time waiting for the GIL: threads do "
             "not run Python in parallel; use processes (ProcessPoolExecutor, multiprocessing) "
             "or native code that releases the GIL",
             bound, pct(waited, total));
    return n + 1;
}

static size_t advice_loops(const struct advice_evidence *e, char lines[][ADVICE_LEN], size_t n)
{
    const struct profile *p = e->profile;
    for (size_t i = 0; i < e->loops->thread_count && n < ADVICE_MAX; i++) {
        const struct loop_thread *t = &e->loops->threads[i];
        const struct loop_stretch *longest = NULL;
        for (size_t s = 0; s < e->loops->stretch_count; s++)
            if (e->loops->stretches[s].thread == t->thread &&
                (!longest || e->loops->stretches[s].duration_ns > longest->duration_ns))
                longest = &e->loops->stretches[s];
        if (!longest)
            continue;
        char where[300] = "?";
        if (longest->has_frame)
            frame_text_format(where, sizeof where, &p->frames[longest->frame]);
        snprintf(lines[n++], ADVICE_LEN,
                 "the event loop in %s was blocked %.0f%% of its time, up to %.0f ms at once in "
                 "%s: make that call awaitable or move it off the loop (asyncio.to_thread, "
                 "loop.run_in_executor)",
                 p->threads[t->thread].name, pct(t->blocked_ns, t->loop_ns),
                 (double)longest->duration_ns / 1e6, where);
    }
    return n;
}

static size_t advice_lock(const struct advice_evidence *e, char lines[][ADVICE_LEN], size_t n)
{
    if (!e->has_lock_site || e->lock_site_threads < 3 || n >= ADVICE_MAX ||
        pct(e->lock_site_samples, e->profile->samples) < 20)
        return n;
    if (e->has_critical) {
        char at[120], inside[120]; /* cut: the line must fit ADVICE_LEN */
        frame_text_format(at, sizeof at, &e->profile->frames[e->lock_site_frame]);
        frame_text_format(inside, sizeof inside, &e->profile->frames[e->critical_frame]);
        snprintf(lines[n], ADVICE_LEN,
                 "%d threads queue on the lock taken at %s (%.0f%% of all samples wait there): "
                 "a lock convoy; while they wait, its holder is in %s (%.0f%% of the time): do "
                 "that work outside the lock, hold it for less, or split it",
                 e->lock_site_threads, at, pct(e->lock_site_samples, e->profile->samples),
                 inside, e->critical_percent);
        return n + 1;
    }
    char where[300];
    frame_text_format(where, sizeof where, &e->profile->frames[e->lock_site_frame]);
    snprintf(lines[n], ADVICE_LEN,
             "%d threads queue on the lock taken at %s (%.0f%% of all samples wait there): a "
             "lock convoy; hold it for less (do the work outside the critical section) or split it",
             e->lock_site_threads, where, pct(e->lock_site_samples, e->profile->samples));
    return n + 1;
}

static size_t advice_trends(const struct advice_evidence *e, char lines[][ADVICE_LEN], size_t n)
{
    const struct profile *p = e->profile;
    if (e->trends->threads.growing && n < ADVICE_MAX)
        snprintf(lines[n++], ADVICE_LEN,
                 "the thread count grew from %.0f to %.0f (%+.0f per minute): threads are started "
                 "and never end; reuse a bounded pool and make sure workers exit",
                 e->trends->threads.first, e->trends->threads.last,
                 e->trends->threads.per_minute);
    if (e->trends->tasks.growing && n < ADVICE_MAX)
        snprintf(lines[n++], ADVICE_LEN,
                 "the asyncio task count grew from %.0f to %.0f pending (%+.0f per minute): "
                 "tasks are created faster than they finish (a leak or an unbounded fan-out); "
                 "bound it with an asyncio.Semaphore or a bounded asyncio.Queue, and await or "
                 "cancel what you create",
                 e->trends->tasks.first, e->trends->tasks.last, e->trends->tasks.per_minute);
    if (e->trends->stuck_count >= 2 && n < ADVICE_MAX) {
        char names[200] = "";
        for (size_t i = 0; i < e->trends->stuck_count && i < 4; i++) {
            size_t used = strlen(names);
            snprintf(names + used, sizeof names - used, "%s%s", i ? ", " : "",
                     p->threads[e->trends->stuck[i].thread].name);
        }
        char cycle[256];
        if (trends_lock_cycle(p, e->trends, cycle, sizeof cycle))
            snprintf(lines[n++], ADVICE_LEN,
                     "threads wait for locks held by each other (%s): a deadlock; take locks in "
                     "one global order, or use timeouts",
                     cycle);
        else
            snprintf(lines[n++], ADVICE_LEN,
                     "threads %s wait on locks while nothing runs: likely a deadlock; take locks "
                     "in one global order, or use timeouts",
                     names);
    }
    for (size_t i = 0; i < e->trends->task_cycle_count && n < ADVICE_MAX; i++)
        snprintf(lines[n++], ADVICE_LEN,
                 "asyncio tasks await each other (%s): a deadlock asyncio does not detect; "
                 "break the cycle, or give the awaits a deadline (asyncio.timeout / wait_for)",
                 e->trends->task_cycles[i].tasks);
    return n;
}

/* Imbalance 1.5 or more, and enough work (50 running samples in the
 * busiest worker) that it is not just a few samples' noise. */
static size_t advice_pools(const struct advice_evidence *e, char lines[][ADVICE_LEN], size_t n)
{
    const struct process_report *r = e->processes;
    for (size_t i = 0; i < r->pool_count && n < ADVICE_MAX; i++) {
        const struct process_pool *pool = &r->pools[i];
        const struct process_row *busiest = &r->rows[pool->busiest];
        uint64_t most = busiest->states[STATE_RUNNING];
        if (pool->count < 2 || pool->imbalance < 1.5 || most < 50)
            continue;
        snprintf(lines[n++], ADVICE_LEN,
                 "pool %s of %d is unbalanced (imbalance %.1f: worker %d did %.0f%% of the work): "
                 "submit smaller tasks, use chunksize=1 or imap_unordered",
                 pool->name, pool->parent, pool->imbalance,
                 e->profile->processes[busiest->process].pid, pct(most, pool->running));
    }
    return n;
}

static size_t advice_pickling(const struct advice_evidence *e, char lines[][ADVICE_LEN], size_t n)
{
    const struct process_report *r = e->processes;
    for (size_t i = 0; i < r->row_count && n < ADVICE_MAX; i++) {
        const struct process_row *row = &r->rows[i];
        const struct profile_process *process = &e->profile->processes[row->process];
        if (pct(row->pickling, row->samples) < 20)
            continue;
        snprintf(lines[n++], ADVICE_LEN,
                 "process %d (%s) spends %.0f%% pickling: send less data (shared memory, "
                 "smaller results)",
                 process->pid, process->name ? process->name : "", pct(row->pickling, row->samples));
    }
    return n;
}

size_t contention_advice(const struct advice_evidence *e, char lines[][ADVICE_LEN])
{
    size_t n = advice_gil(e, lines, 0);
    n = advice_loops(e, lines, n);
    n = advice_lock(e, lines, n);
    n = advice_trends(e, lines, n);
    if (!e->processes)
        return n;
    n = advice_pools(e, lines, n);
    return advice_pickling(e, lines, n);
}
