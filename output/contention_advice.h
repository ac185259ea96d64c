/* contention_advice.h - one line of advice per finding, tied to its evidence. */
#ifndef PYCONC_OUTPUT_CONTENTION_ADVICE_H
#define PYCONC_OUTPUT_CONTENTION_ADVICE_H

#include <stddef.h>
#include <stdint.h>

#include "contention_loop.h"
#include "contention_process.h"
#include "contention_trends.h"
#include "profile.h"

#define ADVICE_MAX 8
#define ADVICE_LEN 512

/* What the advice is computed from (contention.c fills it). */
struct advice_evidence {
    const struct profile *profile;
    const uint64_t *thread_states; /* thread_count * STATE_COUNT sample counts */
    const uint64_t *thread_total;
    uint32_t lock_site_frame;      /* the top lock-wait site */
    uint64_t lock_site_samples;
    int lock_site_threads;
    int has_lock_site;
    const struct loop_report *loops;
    const struct trends *trends;
    const struct process_report *processes; /* empty without process roots */
    /* where the lock's holder was while they waited (the critical section) */
    int has_critical;
    uint32_t critical_frame;
    double critical_percent;       /* of the ticks whose holder was found */
};

/* Fills up to ADVICE_MAX lines; returns how many. */
size_t contention_advice(const struct advice_evidence *evidence, char lines[][ADVICE_LEN]);

#endif
