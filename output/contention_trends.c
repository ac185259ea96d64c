/* contention_trends.c - is the thread count growing, and is anything stuck?
 *
 * Leaks: the number of threads sampled at each tick (every thread is sampled
 * every tick in wall mode).  The verdict "growing" needs the count to rise
 * by at least two threads from the first tenth of the recording to the last
 * AND a positive trend over the second half, so a pool that warms up and then
 * holds steady is not flagged.
 * Deadlock hint: two or more threads that stay in lock-wait on one unchanged
 * stack for at least the threshold while no thread of the process runs: the
 * shape of threads waiting on each other's locks.  Waits for a signal
 * (Condition/Event.wait, queue get) are not lock cycles and are left out. */
#include "contention_trends.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "profile_index.h"

/* Threads sampled per tick, and whether any of them was running. */
struct tick {
    uint64_t time_ns;
    uint32_t threads;
    int running;
};

static size_t trends_ticks(const struct profile *p, struct tick *ticks)
{
    size_t n = 0;
    for (size_t at = 0; at < p->timeline_count; n++) {
        uint64_t time = p->timeline[at].time_ns;
        ticks[n] = (struct tick){time, 0, 0};
        for (; at < p->timeline_count && p->timeline[at].time_ns == time; at++) {
            if (p->stacks[p->timeline[at].stack].state == STATE_AWAITING)
                continue; /* a suspended task, not a thread */
            ticks[n].threads++;
            ticks[n].running |= p->stacks[p->timeline[at].stack].state == STATE_RUNNING;
        }
    }
    return n;
}

static double mean_threads(const struct tick *ticks, size_t from, size_t to)
{
    double sum = 0;
    for (size_t i = from; i < to; i++)
        sum += ticks[i].threads;
    return to > from ? sum / (double)(to - from) : 0;
}

/* min_growth: how much the count must have grown, start to end, for the verdict. */
static void trends_leak(const struct tick *ticks, size_t n, double min_growth,
                        struct thread_trend *t)
{
    t->ticks = n;
    if (n < 10)
        return;
    size_t tenth = n / 10;
    t->first = mean_threads(ticks, 0, tenth);
    t->last = mean_threads(ticks, n - tenth, n);
    for (size_t i = 0; i < n; i++)
        if (ticks[i].threads > t->peak)
            t->peak = ticks[i].threads;
    /* Least squares over the second half: threads per second, then per minute. */
    double sx = 0, sy = 0, sxx = 0, sxy = 0, m = 0;
    for (size_t i = n / 2; i < n; i++, m++) {
        double x = (double)ticks[i].time_ns / 1e9, y = ticks[i].threads;
        sx += x;
        sy += y;
        sxx += x * x;
        sxy += x * y;
    }
    double denominator = m * sxx - sx * sx;
    double slope = denominator > 0 ? (m * sxy - sx * sy) / denominator : 0;
    t->per_minute = slope * 60;
    t->growing = t->last - t->first >= min_growth && slope > 0 &&
                 mean_threads(ticks, n - tenth, n) > mean_threads(ticks, n / 2, n / 2 + tenth);
}


/* A thread parked in Condition/Event.wait or a queue's get waits for a signal,
 * not for a lock another thread holds: an idle pool, not a deadlock. */
static int waits_for_a_signal(const struct profile *p, uint32_t frame)
{
    const char *file = p->frames[frame].file, *name = p->frames[frame].name;
    size_t file_len = strlen(file), name_len = strlen(name);
    int in_threading = file_len >= 12 && strcmp(file + file_len - 12, "threading.py") == 0;
    int in_queue = file_len >= 8 && strcmp(file + file_len - 8, "queue.py") == 0;
    return in_queue || (in_threading && name_len >= 4 && strcmp(name + name_len - 4, "wait") == 0);
}

/* Was some thread running at any tick in [from, to]? */
static int anyone_ran(const struct tick *ticks, size_t n, uint64_t from, uint64_t to)
{
    for (size_t i = 0; i < n; i++)
        if (ticks[i].time_ns >= from && ticks[i].time_ns <= to && ticks[i].running)
            return 1;
    return 0;
}

/* The same wait: stacks a and b differ at most in the lock holder found
 * (found on some ticks, not on others, it must not cut a stretch short). */
static int same_wait(const struct profile *p, uint32_t a, uint32_t b)
{
    if (a == b)
        return 1;
    const struct profile_stack *x = &p->stacks[a], *y = &p->stacks[b];
    return x->state == y->state && x->depth == y->depth && x->task == y->task &&
           (x->depth == 0 || memcmp(x->frames, y->frames, x->depth * sizeof *x->frames) == 0);
}

static int trends_stuck(const struct profile *p, const struct profile_index *index,
                        const struct tick *ticks, size_t n, uint64_t stuck_ns, struct trends *out)
{
    out->stuck = calloc(p->thread_count + 1, sizeof *out->stuck);
    if (!out->stuck)
        return -1;
    for (size_t t = 0; t < p->thread_count; t++) {
        const size_t *items = index->items + index->start[t];
        size_t count = index->start[t + 1] - index->start[t], from = 0;
        uint32_t held_by = 0;
        for (size_t i = 1; i <= count; i++) {
            uint32_t stack = p->timeline[items[from]].stack;
            if (p->stacks[p->timeline[items[i - 1]].stack].holder)
                held_by = p->stacks[p->timeline[items[i - 1]].stack].holder;
            if (i < count && same_wait(p, p->timeline[items[i]].stack, stack))
                continue;
            uint64_t start = p->timeline[items[from]].time_ns;
            uint64_t end = p->timeline[items[i - 1]].time_ns;
            if (p->stacks[stack].state == STATE_LOCK_WAIT && end - start >= stuck_ns &&
                !anyone_ran(ticks, n, start, end)) {
                struct stuck_thread s = {(uint32_t)t, 0, 0, start, end - start,
                                         held_by <= p->thread_count ? held_by : 0};
                s.has_frame = profile_innermost_code_frame(p, &p->stacks[stack], &s.frame);
                if (s.has_frame && waits_for_a_signal(p, s.frame)) {
                    from = i;
                    held_by = 0;
                    continue;
                }
                out->stuck[out->stuck_count++] = s;
                break; /* one finding per thread */
            }
            from = i;
            held_by = 0;
        }
    }
    /* One thread waiting alone is a slow holder, not threads waiting on each other. */
    if (out->stuck_count < 2)
        out->stuck_count = 0;
    return 0;
}

/* The same verdict for pending asyncio tasks, from their counts (4 a second):
 * growing by ten or more and still rising in the second half. */
static int trends_tasks(const struct profile *p, struct trends *out)
{
    size_t n = p->task_count_count;
    if (n == 0)
        return 0;
    struct tick *ticks = malloc(n * sizeof *ticks);
    if (!ticks)
        return -1;
    for (size_t i = 0; i < n; i++) {
        ticks[i] = (struct tick){p->task_counts[i].time_ns, p->task_counts[i].pending, 0};
        out->tasks_created += p->task_counts[i].created;
    }
    trends_leak(ticks, n, 10, &out->tasks);
    if (n < 10) { /* too few for a trend: still say where it started and ended */
        out->tasks.first = ticks[0].threads;
        out->tasks.last = ticks[n - 1].threads;
        for (size_t i = 0; i < n; i++)
            if (ticks[i].threads > out->tasks.peak)
                out->tasks.peak = ticks[i].threads;
    }
    out->tasks.ticks = n;
    free(ticks);
    return 0;
}

/* Distinct await cycles with the first and last time each was seen. */
static int trends_task_cycles(const struct profile *p, struct trends *out)
{
    if (p->task_cycle_count == 0)
        return 0;
    out->task_cycles = calloc(p->task_cycle_count, sizeof *out->task_cycles);
    if (!out->task_cycles)
        return -1;
    for (size_t i = 0; i < p->task_cycle_count; i++) {
        const struct profile_task_cycle *seen = &p->task_cycles[i];
        size_t k = 0;
        while (k < out->task_cycle_count && strcmp(out->task_cycles[k].tasks, seen->tasks) != 0)
            k++;
        if (k == out->task_cycle_count) {
            out->task_cycles[k].tasks = seen->tasks;
            out->task_cycles[k].first_ns = seen->time_ns;
            out->task_cycle_count++;
        }
        out->task_cycles[k].last_ns = seen->time_ns;
    }
    return 0;
}

static const struct stuck_thread *stuck_of(const struct trends *trends, uint32_t thread)
{
    for (size_t i = 0; i < trends->stuck_count; i++)
        if (trends->stuck[i].thread == thread)
            return &trends->stuck[i];
    return NULL;
}

int trends_lock_cycle(const struct profile *p, const struct trends *trends, char *out, size_t cap)
{
    for (size_t i = 0; i < trends->stuck_count; i++) {
        const struct stuck_thread *s = &trends->stuck[i];
        /* follow "waits for a lock held by" through stuck threads, at most all of them */
        for (size_t hops = 1; hops <= trends->stuck_count && s && s->held_by; hops++) {
            s = stuck_of(trends, s->held_by - 1);
            if (s != &trends->stuck[i])
                continue;
            size_t used = 0;
            out[0] = '\0';
            for (size_t k = 0; k <= hops && used < cap; k++) {
                int n = snprintf(out + used, cap - used, "%s%s", k ? " -> " : "",
                                 p->threads[s->thread].name);
                used += n > 0 ? (size_t)n : 0;
                s = stuck_of(trends, s->held_by - 1);
            }
            return 1;
        }
    }
    return 0;
}

int contention_trends(const struct profile *p, uint64_t stuck_ns, struct trends *out)
{
    memset(out, 0, sizeof *out);
    if (trends_tasks(p, out) != 0 || trends_task_cycles(p, out) != 0)
        return -1;
    if (!p->timeline_count)
        return 0;
    struct profile_index index;
    if (profile_index_check(p) != 0 || profile_index_build(&index, p, 1) != 0)
        return -1;
    struct tick *ticks = malloc(p->timeline_count * sizeof *ticks);
    int rc = -1;
    if (ticks) {
        size_t n = trends_ticks(p, ticks);
        trends_leak(ticks, n, 2, &out->threads);
        rc = trends_stuck(p, &index, ticks, n, stuck_ns ? stuck_ns : 1, out);
    }
    free(ticks);
    profile_index_free(&index);
    if (rc != 0) {
        contention_trends_free(out);
        errno = ENOMEM;
    }
    return rc;
}

void contention_trends_free(struct trends *trends)
{
    free(trends->task_cycles);
    free(trends->stuck);
    memset(trends, 0, sizeof *trends);
}
