/* lifecycle.h - the lifecycle report (record --check-lifecycle), text and JSON.
 *
 * The sampler records raw evidence (struct profile's lifecycle events, gauges
 * and phases); this report turns it into findings of five checks: orphaned
 * tasks, awaits with no deadline, unbounded fan-out, a slow or blocked
 * shutdown, and leaks of threads or tasks. */
#ifndef PYCONC_OUTPUT_LIFECYCLE_H
#define PYCONC_OUTPUT_LIFECYCLE_H

#include <stdio.h>

#include "profile.h"

struct lifecycle_options {
    double stuck_await_s; /* awaits with no deadline at least this long are findings (default 10) */
};

enum lifecycle_check {
    LIFECYCLE_CHECK_ORPHANS = 1,
    LIFECYCLE_CHECK_STUCK_AWAITS = 2,
    LIFECYCLE_CHECK_FAN_OUT = 4,
    LIFECYCLE_CHECK_SHUTDOWN = 8,
    LIFECYCLE_CHECK_LEAKS = 16,
    LIFECYCLE_CHECK_ALL = 31,
};

/* "leaks,orphans,stuck-awaits,shutdown,fan-out" or "all" -> mask.  0, or -1 on an unknown name. */
int lifecycle_checks_parse(const char *list, unsigned *mask);
/* The mask of checks with at least one finding; 0 when profile->lifecycle is 0.  -1 on ENOMEM
 * (or EINVAL: a stack's frame or thread index out of range). */
int lifecycle_findings(const struct profile *profile, const struct lifecycle_options *options);
/* Aligned text; color: ANSI (bold headings, red finding counts/verdicts) for a terminal.  0 or -1 (errno). */
int lifecycle_text_write(FILE *out, const struct profile *profile,
                         const struct lifecycle_options *options, int color);
/* One JSON object.  0 or -1 (errno). */
int lifecycle_json_write(FILE *out, const struct profile *profile,
                         const struct lifecycle_options *options);

#endif
