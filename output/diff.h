/* diff.h - compare profiles: which functions and thread states changed
 * their share of samples between BEFORE and AFTER, and by more than noise.
 *
 * Each side is one or more profiles (runs).  Everything compares by share
 * of a side's samples, never by raw counts, so profiles of different
 * durations or sampling rates compare directly.  Units in the result:
 * shares are percentages (0-100) of a side's samples, changes and
 * intervals are percentage points (after minus before).
 *
 * Noise: a share on one side has a standard error that is the larger of
 *   - the binomial one of the pooled counts, sqrt(p(1-p)/n), and
 *   - with two or more runs, the between-run one: the sample standard
 *     deviation of the per-run shares / sqrt(runs),
 * so run-to-run spread widens the interval and a single run falls back to
 * the two-proportion normal interval.  The 95% interval of a change is
 * change +- 1.96 * sqrt(se_before^2 + se_after^2); a change is beyond
 * noise when that interval excludes 0.  A side without samples has no
 * share: every interval is then the trivial [-100, +100].
 *
 * Functions are keyed by qualified name and file (the line is ignored, so
 * an edit that moves code does not make a function new).  Frames with an
 * empty file are markers (task roots, "[truncated]") and are not
 * functions.  A function's total share counts a sample once however often
 * the function recurses in it; its self share counts samples where it is
 * the innermost function. */
#ifndef PYCONC_OUTPUT_DIFF_H
#define PYCONC_OUTPUT_DIFF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "profile.h"

/* Index of the two sides in every [2] array below. */
enum { DIFF_BEFORE = 0, DIFF_AFTER = 1 };

/* One side: one or more profiles, e.g. `--before a b c`. */
struct diff_side {
    const struct profile *const *runs;
    size_t run_count;
};

/* One proportion compared across the two sides. */
struct diff_measure {
    uint64_t count[2]; /* pooled samples that have it */
    double share[2];   /* percent of the side's samples */
    double se[2];      /* standard error of share, percentage points */
    double change;     /* share[AFTER] - share[BEFORE], percentage points */
    double low, high;  /* 95% interval of change */
    int beyond_noise;  /* the interval excludes 0 */
};

struct diff_function {
    char *name; /* qualified name */
    char *file;
    struct diff_measure total; /* samples whose stack contains it */
    struct diff_measure self;  /* samples where it is the innermost function */
};

/* Where threads waited on a lock: the innermost function of `lock-wait`
 * samples, with its line.  Shares are of all the side's samples. */
struct diff_lock_site {
    char *name;
    char *file;
    int line;
    struct diff_measure wait;
};

struct diff_side_summary {
    size_t runs;
    uint64_t samples;          /* pooled */
    double duration_s;         /* summed over the runs */
    double samples_per_second; /* samples / duration_s; 0 when a run's duration is unknown */
    double rate_hz;            /* mean nominal rate of the runs; 0 when unknown */
};

struct diff_result {
    struct diff_side_summary sides[2];
    /* Beyond-noise changes first, then by |total.change|, largest first. */
    struct diff_function *functions;
    size_t function_count;
    struct diff_measure states[STATE_COUNT]; /* indexed by enum sample_state */
    struct diff_measure gil;                 /* samples whose thread held the GIL */
    /* Same order as functions, by |wait.change|. */
    struct diff_lock_site *lock_sites;
    size_t lock_site_count;
    /* asyncio loops (contention_loop.h, blocked = busy 100 ms or more without
     * reaching the selector), pooled over each side's runs; loop_s 0: no loop. */
    double loop_s[2];
    double loop_blocked_s[2];
};

/* 0, or -1 with errno: ENOMEM, or EINVAL for a NULL argument or a stack
 * whose frame index is out of range.  On failure out holds nothing. */
int diff_compute(const struct diff_side *before, const struct diff_side *after,
                 struct diff_result *out);
void diff_result_free(struct diff_result *result);

/* 1 when some function's total share grew by more than pct_points and the
 * growth is beyond noise (the largest such growth is described in why,
 * when why_len > 0), else 0. */
int diff_regressed(const struct diff_result *result, double pct_points, char *why, size_t why_len);

/* Writers: 0, or -1 on a write error (errno set). */
/* An aligned table, largest changes first, then the thread states, the GIL
 * and the lock-wait sites; ANSI colours only when color is set. */
int diff_table_write(FILE *out, const struct diff_result *result, int color);
/* Every number of the result as one JSON object. */
int diff_json_write(FILE *out, const struct diff_result *result);
/* A differential flamegraph: the after side's merged stacks, each bar
 * coloured by the change of its share (red grew, blue shrank, grey within
 * noise); title may be NULL.  Also -1 with EINVAL for a bad frame index. */
int diff_svg_write(FILE *out, const struct diff_side *before, const struct diff_side *after,
                   const struct diff_result *result, const char *title);

/* ---- shared by the diff writers and diff_svg's per-bar statistics ------- */

/* Per-side accumulation of one measure over runs (Welford's running mean
 * and sum of squared deviations of the per-run shares). */
struct diff_tally {
    uint64_t count; /* pooled */
    uint64_t runs;  /* runs with samples */
    double mean;    /* of per-run shares, as fractions */
    double m2;
};

/* Adds one run in which count of samples had the property.  A run
 * without samples adds nothing. */
void diff_tally_add_run(struct diff_tally *tally, uint64_t count, uint64_t samples);
/* Fills a measure from the two sides' tallies and pooled sample counts. */
void diff_measure_compute(struct diff_measure *measure, const struct diff_tally tallies[2],
                          const uint64_t samples[2]);

/* value as text without the locale: fixed point with decimals (0-6)
 * digits, a '+' before positive values when plus is set, and no sign on a
 * value that rounds to zero.  Returns buf. */
const char *diff_format_number(char *buf, size_t cap, double value, int decimals, int plus);

#endif
