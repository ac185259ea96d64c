/* profile_index.c - index checks and the by-thread grouping (see the header).
 *
 * Grouping is a counting sort keyed by thread: count, prefix-sum, place.  It
 * is stable, so a thread's timeline samples stay in time order. */
#include "profile_index.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int profile_index_check(const struct profile *profile)
{
    for (size_t i = 0; i < profile->stack_count; i++) {
        const struct profile_stack *stack = &profile->stacks[i];

        if (stack->thread >= profile->thread_count || (stack->depth > 0 && !stack->frames))
            goto invalid;
        for (uint32_t d = 0; d < stack->depth; d++)
            if (stack->frames[d] >= profile->frame_count)
                goto invalid;
    }
    if (profile->timeline_count > 0 && !profile->timeline)
        goto invalid;
    for (size_t i = 0; i < profile->timeline_count; i++)
        if (profile->timeline[i].stack >= profile->stack_count)
            goto invalid;
    return 0;

invalid:
    errno = EINVAL;
    return -1;
}

uint64_t profile_index_interval_ns(const struct profile *profile)
{
    double interval = profile->interval_ns;

    if (!(isfinite(interval) && interval >= 0.5 && interval < 1e15)) {
        if (isfinite(profile->rate_hz) && profile->rate_hz > 1e-6 && profile->rate_hz < 2e9)
            interval = 1e9 / profile->rate_hz;
        else
            interval = 1e7;
    }
    return (uint64_t)llround(interval);
}

static uint32_t profile_index_thread_of(const struct profile *profile, size_t item, int by_timeline)
{
    size_t stack = by_timeline ? profile->timeline[item].stack : item;

    return profile->stacks[stack].thread;
}

int profile_index_build(struct profile_index *index, const struct profile *profile,
                        int by_timeline)
{
    size_t total = by_timeline ? profile->timeline_count : profile->stack_count;
    size_t *fill = NULL;

    memset(index, 0, sizeof *index);
    index->thread_count = profile->thread_count;
    index->start = calloc(profile->thread_count + 1, sizeof *index->start);
    index->items = malloc((total ? total : 1) * sizeof *index->items);
    fill = malloc((profile->thread_count ? profile->thread_count : 1) * sizeof *fill);
    if (!index->start || !index->items || !fill) {
        free(fill);
        profile_index_free(index);
        errno = ENOMEM;
        return -1;
    }
    for (size_t i = 0; i < total; i++)
        if (by_timeline || profile->stacks[i].count > 0)
            index->start[profile_index_thread_of(profile, i, by_timeline) + 1]++;
    for (size_t t = 0; t < profile->thread_count; t++) {
        index->start[t + 1] += index->start[t];
        fill[t] = index->start[t];
    }
    for (size_t i = 0; i < total; i++)
        if (by_timeline || profile->stacks[i].count > 0)
            index->items[fill[profile_index_thread_of(profile, i, by_timeline)]++] = i;
    free(fill);
    return 0;
}

void profile_index_free(struct profile_index *index)
{
    free(index->start);
    free(index->items);
    memset(index, 0, sizeof *index);
}

const struct profile_process *profile_thread_process(const struct profile *profile, size_t thread)
{
    uint32_t process;

    if (!profile->process_roots || !profile->processes || thread >= profile->thread_count)
        return NULL;
    process = profile->threads[thread].process;
    return process < profile->process_count ? &profile->processes[process] : NULL;
}

int profile_innermost_code_frame(const struct profile *profile, const struct profile_stack *stack,
                                 uint32_t *frame)
{
    for (uint32_t i = stack->depth; i-- > 0;) {
        const struct profile_frame *f = &profile->frames[stack->frames[i]];
        if (f->file && f->file[0]) {
            *frame = stack->frames[i];
            return 1;
        }
    }
    return 0;
}
