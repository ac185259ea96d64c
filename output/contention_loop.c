/* contention_loop.c - blocked event loops, from the samples of loop threads.
 *
 * An asyncio loop thread alternates between running callbacks and waiting in
 * its selector (the sampler marks the latter `idle`).  Walking a loop
 * thread's samples in time order, every maximal run of samples in the loop
 * (BaseEventLoop._run_once on the stack) but not idle is a stretch during
 * which the loop could not serve anything else; a stretch from its first
 * sample to the next idle sample that lasts at least the threshold (100 ms
 * by default) is reported, with the innermost Python frame seen most in it:
 * the code that held the loop. */
#include "contention_loop.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "profile_index.h"

/* In the loop: _run_once on the stack, or a running task's sample (under
 * --group task the loop's own frames are not kept above the task's). */
static int stack_in_loop(const struct profile *p, const struct profile_stack *stack)
{
    if (stack->task && stack->state != STATE_AWAITING)
        return 1;
    for (uint32_t i = 0; i < stack->depth; i++) {
        const char *name = p->frames[stack->frames[i]].name;
        size_t len = name ? strlen(name) : 0;
        if (len >= 9 && strcmp(name + len - 9, "_run_once") == 0)
            return 1;
    }
    return 0;
}


/* The innermost frame seen most often among samples [from, to) of one thread. */
static int dominant_frame(const struct profile *p, const size_t *items, size_t from, size_t to,
                          uint32_t *frame)
{
    uint32_t best = 0;
    size_t best_count = 0;
    /* A long stretch at a high rate has many samples: an even sample of 256 of
     * them finds the dominant frame as well, at bounded cost. */
    size_t step = (to - from) / 256 + 1;
    for (size_t i = from; i < to; i += step) {
        uint32_t candidate, other;
        const struct profile_stack *stack = &p->stacks[p->timeline[items[i]].stack];
        if (!profile_innermost_code_frame(p, stack, &candidate))
            continue;
        size_t count = 0;
        for (size_t j = from; j < to; j += step)
            count += profile_innermost_code_frame(p, &p->stacks[p->timeline[items[j]].stack],
                                                  &other) &&
                     other == candidate;
        if (count > best_count) {
            best = candidate;
            best_count = count;
        }
        if (best_count * 2 * step > to - from)
            break; /* a majority: nothing can beat it */
    }
    *frame = best;
    return best_count > 0;
}

/* The task seen most among samples [from, to) (sampled like dominant_frame). */
static const char *dominant_task(const struct profile *p, const size_t *items, size_t from,
                                 size_t to)
{
    const char *best = NULL;
    size_t best_count = 0;
    size_t step = (to - from) / 256 + 1;
    for (size_t i = from; i < to; i += step) {
        const char *candidate = p->stacks[p->timeline[items[i]].stack].task;
        if (!candidate)
            continue;
        size_t count = 0;
        for (size_t j = from; j < to; j += step) {
            const char *other = p->stacks[p->timeline[items[j]].stack].task;
            count += other && strcmp(other, candidate) == 0;
        }
        if (count > best_count) {
            best = candidate;
            best_count = count;
        }
        if (best_count * 2 * step > to - from)
            break;
    }
    return best;
}

static int loops_push(struct loop_report *r, size_t *capacity, const struct loop_stretch *s)
{
    if (r->stretch_count == *capacity) {
        size_t size = *capacity ? *capacity * 2 : 16;
        struct loop_stretch *bigger = realloc(r->stretches, size * sizeof *bigger);
        if (!bigger)
            return -1;
        r->stretches = bigger;
        *capacity = size;
    }
    r->stretches[r->stretch_count++] = *s;
    return 0;
}

static int stretch_compare(const void *a, const void *b)
{
    const struct loop_stretch *x = a, *y = b;
    return x->start_ns < y->start_ns ? -1 : x->start_ns > y->start_ns;
}

/* One loop thread's samples items[0..n): its stretches and loop time. */
static int loops_of_thread(const struct profile *p, uint32_t thread, const size_t *items,
                           size_t n, uint64_t block_ns, struct loop_report *r, size_t *capacity,
                           struct loop_thread *summary)
{
    size_t busy_from = SIZE_MAX;
    for (size_t i = 0; i <= n; i++) {
        const struct profile_stack *stack = i < n ? &p->stacks[p->timeline[items[i]].stack] : NULL;
        if (stack && stack->state == STATE_AWAITING)
            continue; /* a suspended task's sample (--tasks all), not what the thread did */
        int in_loop = stack && stack_in_loop(p, stack);
        int busy = in_loop && stack->state != STATE_IDLE;
        if (in_loop && i + 1 < n)
            summary->loop_ns += p->timeline[items[i + 1]].time_ns - p->timeline[items[i]].time_ns;
        if (busy && busy_from == SIZE_MAX)
            busy_from = i;
        if (!busy && busy_from != SIZE_MAX) {
            uint64_t start = p->timeline[items[busy_from]].time_ns;
            uint64_t end = i < n ? p->timeline[items[i]].time_ns
                                 : p->timeline[items[n - 1]].time_ns;
            if (end - start >= block_ns) {
                struct loop_stretch s = {thread, start, end - start, 0, 0, NULL};
                s.has_frame = dominant_frame(p, items, busy_from, i, &s.frame);
                s.task = dominant_task(p, items, busy_from, i);
                if (loops_push(r, capacity, &s) != 0)
                    return -1;
                summary->blocked_ns += end - start;
            }
            busy_from = SIZE_MAX;
        }
    }
    return 0;
}

int contention_loops(const struct profile *p, uint64_t block_ns, struct loop_report *r)
{
    memset(r, 0, sizeof *r);
    if (!p->timeline_count)
        return 0;
    struct profile_index index;
    if (profile_index_check(p) != 0 || profile_index_build(&index, p, 1) != 0)
        return -1;
    r->threads = calloc(p->thread_count + 1, sizeof *r->threads);
    size_t capacity = 0;
    int rc = r->threads ? 0 : -1;
    for (size_t t = 0; rc == 0 && t < p->thread_count; t++) {
        const size_t *items = index.items + index.start[t];
        size_t n = index.start[t + 1] - index.start[t];
        int loop = 0;
        for (size_t i = 0; i < n && !loop; i++)
            loop = stack_in_loop(p, &p->stacks[p->timeline[items[i]].stack]);
        if (!loop)
            continue;
        struct loop_thread *summary = &r->threads[r->thread_count++];
        summary->thread = (uint32_t)t;
        rc = loops_of_thread(p, (uint32_t)t, items, n, block_ns, r, &capacity, summary);
    }
    profile_index_free(&index);
    if (rc != 0) {
        contention_loops_free(r);
        errno = ENOMEM;
        return -1;
    }
    if (r->stretch_count > 1) /* qsort of an empty (NULL) array is undefined */
        qsort(r->stretches, r->stretch_count, sizeof *r->stretches, stretch_compare);
    return 0;
}

void contention_loops_free(struct loop_report *r)
{
    free(r->stretches);
    free(r->threads);
    memset(r, 0, sizeof *r);
}
