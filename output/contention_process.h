/* contention_process.h - the contention report's per-process view, for
 * record --subprocesses (profile.process_roots): what each process did, which
 * workers waited for work or pickled, and whether a pool's workers shared
 * the work evenly. */
#ifndef PYCONC_OUTPUT_CONTENTION_PROCESS_H
#define PYCONC_OUTPUT_CONTENTION_PROCESS_H

#include <stddef.h>
#include <stdint.h>

#include "profile.h"
#include "stream.h"

/* One process with samples.  Samples are the threads' samples (asyncio
 * task samples, state awaiting, are left out as in the per-thread table). */
struct process_row {
    uint32_t process; /* index into profile.processes */
    uint64_t samples;
    uint64_t states[STATE_COUNT];
    uint64_t waiting_for_work; /* not running, in a multiprocessing queue get or connection recv */
    uint64_t pickling;         /* in pickle, copyreg, multiprocessing.reduction or a Pickler */
};

/* Processes of one parent whose names differ only by a trailing "-N"
 * (ForkPoolWorker-1, ForkPoolWorker-2, ...): a pool's workers, two or more. */
struct process_pool {
    char *name;         /* the shared name without "-N" */
    int parent;         /* the parent's pid */
    size_t first;       /* members: rows[members[first .. first + count - 1]], by pid */
    size_t count;
    double imbalance;   /* max / mean of the members' running samples; 1 when the mean is 0 */
    size_t busiest;     /* the row of the member with most running samples */
    uint64_t running;   /* the members' running samples together */
};

struct process_report {
    struct process_row *rows; /* processes with samples, by pid */
    size_t row_count;
    uint64_t running; /* running samples of the whole recording */
    struct process_pool *pools; /* by (parent, name) */
    size_t pool_count;
    size_t *members; /* row indexes, each pool's consecutive */
};

/* Fills report (empty without process_roots).  Call after
 * profile_index_check.  0, or -1 with errno ENOMEM (free the report either way). */
int contention_processes(const struct profile *profile, struct process_report *report);
void contention_processes_free(struct process_report *report);

/* The "processes" section of the text report, with its pool lines. */
void contention_processes_text(struct sticky_out *out, const struct process_report *report,
                               const struct profile *profile);
/* ,"processes":[...],"pools":[...] for the JSON report. */
void contention_processes_json(struct sticky_out *out, const struct process_report *report,
                               const struct profile *profile);

#endif
