/* tick_timing.c - which ticks of a recording were taken on time (see tick_timing.h). */
#include "tick_timing.h"

#include <math.h>
#include <stdlib.h>

/* Below this period the sampler wakes early and spins to the deadline
 * (profiler/sampler.c, SAMPLER_SLEEP_ONLY_NS): its ticks are on time. */
#define TICK_SLEEP_ONLY_NS 1000000ull

#define TICK_SLACK_NS 100000ull /* what a healthy wake-up may add to twice the median */

/* The sampler's period, 0 when the rate is missing or absurd (a .pcp is input
 * from a file: 1e9 / rate must fit a uint64_t). */
static uint64_t tick_period(const struct profile *p)
{
    if (!isfinite(p->rate_hz) || p->rate_hz <= 1e-6 || p->rate_hz >= 2e9)
        return 0;
    return (uint64_t)(1e9 / p->rate_hz);
}

uint64_t tick_lateness(const struct profile *p, uint64_t time_ns)
{
    uint64_t period = tick_period(p);
    return period ? time_ns % period : 0;
}

static int lateness_compare(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

int tick_on_time_limit(const struct profile *p, uint64_t *limit_ns)
{
    *limit_ns = UINT64_MAX;
    if (tick_period(p) < TICK_SLEEP_ONLY_NS || p->timeline_count == 0)
        return 0;
    uint64_t *late = malloc(p->timeline_count * sizeof *late);
    if (!late)
        return -1;
    size_t ticks = 0;
    for (size_t at = 0; at < p->timeline_count; at++)
        if (at == 0 || p->timeline[at].time_ns != p->timeline[at - 1].time_ns)
            late[ticks++] = tick_lateness(p, p->timeline[at].time_ns);
    qsort(late, ticks, sizeof *late, lateness_compare);
    uint64_t median = late[ticks / 2];
    free(late);
    *limit_ns = median * 2 + TICK_SLACK_NS;
    return 0;
}
