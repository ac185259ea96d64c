/* tick_timing.h - which ticks of a recording were taken on time.
 *
 * The sampler sleeps to each point of a fixed grid (start + k * period).  On a
 * virtual machine an idle vCPU's timer is often served late, when something
 * else wakes that vCPU, frequently the target itself handing its GIL to a
 * thread on that vCPU; such a late tick lands inside the hand-off far more
 * often than chance (measured: 22% of ticks woken 0.2 ms late or more saw no
 * GIL holder, 0.8% of those on time, four CPU-bound threads on 3.15).  Figures
 * that take one instant per tick (the GIL's) use the ticks on time. */
#ifndef PYCONC_TICK_TIMING_H
#define PYCONC_TICK_TIMING_H

#include <stdint.h>

#include "profile.h"

/* How late a tick taken at time_ns (since the start) was against its grid point. */
uint64_t tick_lateness(const struct profile *p, uint64_t time_ns);

/* The latest a tick may be and still count as on time: twice the recording's
 * median lateness plus 100 µs, so at least half the ticks count.  UINT64_MAX
 * (every tick) below a 1 ms period, where the sampler spins to each deadline
 * instead of sleeping, and without a timeline.  -1 when out of memory. */
int tick_on_time_limit(const struct profile *p, uint64_t *limit_ns);

#endif
