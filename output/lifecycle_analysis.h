/* lifecycle_analysis.h - the findings of the lifecycle report, computed once.
 *
 * Private to output/lifecycle*.c: lifecycle_analyse fills one struct
 * lifecycle_report, and the text and JSON printers only read it, so the two
 * outputs and lifecycle_findings can never disagree.  Strings point into the
 * profile (nothing is copied); the arrays are owned by the report. */
#ifndef PYCONC_OUTPUT_LIFECYCLE_ANALYSIS_H
#define PYCONC_OUTPUT_LIFECYCLE_ANALYSIS_H

#include <stddef.h>
#include <stdint.h>

#include "lifecycle.h"

#define LIFECYCLE_TOP 3 /* spawned coroutines and call sites shown per series */
#define LIFECYCLE_DEFAULT_STUCK_S 10.0

/* The checks in report order; bit i of a mask is check i. */
enum lifecycle_check_index {
    LIFECYCLE_AT_ORPHANS,
    LIFECYCLE_AT_STUCK_AWAITS,
    LIFECYCLE_AT_FAN_OUT,
    LIFECYCLE_AT_SHUTDOWN,
    LIFECYCLE_AT_LEAKS,
    LIFECYCLE_CHECK_COUNT
};

/* "orphans", "stuck-awaits", "fan-out", "shutdown", "leaks". */
extern const char *const lifecycle_check_names[LIFECYCLE_CHECK_COUNT];

/* One point of a series read over time (task counts or a gauge). */
struct lifecycle_point {
    uint64_t time_ns;
    double value;
};

/* A frame just outside a spawning call, weighted by samples. */
struct lifecycle_site {
    uint32_t frame; /* index into profile.frames */
    uint64_t samples;
};

/* Tasks first seen running one coroutine function. */
struct lifecycle_spawned {
    const char *coroutine;
    const char *owner; /* the most common owner, NULL when none was known */
    uint64_t count;
};

/* One series judged for unbounded fan-out. */
struct lifecycle_fan_out {
    const char *series; /* "tasks", or the "executor:..." gauge name */
    int tasks;          /* 1: pending asyncio tasks; 0: an executor queue */
    int judged;         /* enough points over a long enough span to tell */
    int finding;
    size_t points;
    double start, end, peak; /* start/end: means of the first/last tenth judged */
    double per_s;            /* least-squares slope over all the points judged */
    /* When the series fell from its peak in its last second (the program
     * stopping), that tail is not judged: the value it fell to, and how
     * long after the peak; fell_in_ns 0 when nothing was left out. */
    double fell_to;
    uint64_t fell_in_ns;
};

/* One series judged for a leak; points 0 when it was not recorded. */
struct lifecycle_trend {
    size_t points;
    int judged; /* enough points for a verdict */
    double start, peak, end; /* start/end: means of the first/last tenth */
    double per_minute;       /* least-squares slope over the second half */
    int growing;
};

/* A series inside one phase; known 0 when no point was at or before it. */
struct lifecycle_counts {
    int known;
    double start, end, peak;
};

struct lifecycle_phase {
    const char *name; /* "" (or NULL): no phase */
    uint64_t start_ns, span_ns;
    struct lifecycle_counts threads, tasks;
};

/* A repeated phase whose count at its end grew from its first to its last
 * run, and grew inside its runs (so the phases between them are not blamed). */
struct lifecycle_growth {
    const char *phase;
    const char *series; /* "threads" or "tasks" */
    size_t runs;
    double first_end, last_end;
    double inside; /* the sum over the runs of end - start */
};

struct lifecycle_report {
    const struct profile *profile;
    double stuck_await_s;

    /* Findings and information taken from the events as recorded, in order. */
    const struct profile_lifecycle_event **events; /* the storage the lists below share */
    const struct profile_lifecycle_event **orphans, **stuck, **exit_threads, **exit_tasks;
    size_t orphan_count, stuck_count, exit_thread_count, exit_task_count;
    /* Stuck awaits are grouped by await point (the same chain): stuck[i] is
     * the longest wait there, stuck_tasks[i] how many tasks waited there. */
    size_t *stuck_tasks;
    size_t held_exit; /* exit threads that ended before the process (non-daemon) */
    const struct profile_lifecycle_event *shutdown; /* the last SHUTDOWN event, or NULL */
    int slow_exit; /* exit took >= 1 s with no thread or task to blame */

    struct lifecycle_fan_out *fan_out; /* tasks first, then executors by name */
    size_t fan_out_count;
    struct lifecycle_spawned spawned[LIFECYCLE_TOP];
    size_t spawned_count;
    struct lifecycle_site task_sites[LIFECYCLE_TOP], submit_sites[LIFECYCLE_TOP];
    size_t task_site_count, submit_site_count;

    struct lifecycle_trend threads, tasks;
    int tasks_growth_is_fan_out; /* the growing task count is the fan-out finding already */
    struct lifecycle_phase *phases;
    size_t phase_count;
    struct lifecycle_growth *growth;
    size_t growth_count;

    size_t findings[LIFECYCLE_CHECK_COUNT];
    size_t total;
};

/* Call only when profile->lifecycle is set.  0, or -1 with errno (ENOMEM, or
 * EINVAL for a stack index out of range); the report is freed on failure. */
int lifecycle_analyse(struct lifecycle_report *report, const struct profile *profile,
                      const struct lifecycle_options *options);
void lifecycle_report_free(struct lifecycle_report *report);

/* lifecycle_series.c: fan-out, leak trends and phases (the numeric series). */
int lifecycle_series_analyse(struct lifecycle_report *report);

/* An EXIT_THREAD event of a thread that ended before the process: it held
 * exit up (a non-daemon thread).  "alive" ones were daemons killed at exit. */
int lifecycle_held_exit(const struct profile_lifecycle_event *event);
/* A thread named like a concurrent.futures pool's worker. */
int lifecycle_executor_worker(const char *name);

/* The where chain's "f (a.py:1) <- g (a.py:2)" separator. */
#define LIFECYCLE_CHAIN_SEPARATOR " <- "

/* Printers (lifecycle_text.c, lifecycle_json.c). */
int lifecycle_text_print(FILE *out, const struct lifecycle_report *report, int color);
int lifecycle_json_print(FILE *out, const struct lifecycle_report *report);

#endif
