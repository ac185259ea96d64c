/* diff.c - the comparison engine behind `pyconc-prof diff`.
 *
 * Two passes over every run of both sides.  The first interns what is
 * compared - functions by (name, file), lock-wait sites by (name, file,
 * line) - into tables shared by all profiles, and maps each profile's frame
 * indexes onto them, checking every index on the way.  The second counts,
 * run by run, the samples having each property (function on the stack,
 * function innermost, each thread state, GIL held, each lock-wait site),
 * and folds each run's shares into per-side tallies: pooled counts for the
 * binomial error, a running variance of the per-run shares for the
 * between-run error (diff.h explains the statistics).
 *
 * Every property is one slot of a flat "measure" array:
 *     [0, F)          function F on the stack (total)
 *     [F, 2F)         function F innermost (self)
 *     [2F, 2F+S)      thread state S (STATE_COUNT of them)
 *     2F+S            GIL held
 *     2F+S+1 + k      lock-wait site k
 * so the counting loop is the same for all of them.  Recursion counts once
 * through a per-function stamp: the stamp of the stack being counted marks
 * functions already seen in it, so nothing is cleared between stacks. */
#include "contention_loop.h"

/* The contention report's default: a loop busy this long without its selector is blocked. */
#define DIFF_LOOP_BLOCK_NS 100000000ull
#include "diff.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define DIFF_NONE UINT32_MAX
#define DIFF_Z95 1.959963984540054

/* ---- interning: (name, file, line) -> dense id --------------------------- */

struct diff_key {
    const char *name; /* borrowed from a profile */
    const char *file;
    int line;
};

struct diff_keys {
    struct diff_key *keys;
    size_t count;
    size_t capacity;
    uint32_t *slots; /* open addressing, DIFF_NONE empty, never more than half full */
    size_t slot_count;
};

static uint64_t diff_key_hash(const struct diff_key *key)
{
    uint64_t hash = 14695981039346656037ULL;

    for (const char *p = key->name; *p; p++)
        hash = (hash ^ (unsigned char)*p) * 1099511628211ULL;
    hash = (hash ^ 0xFF) * 1099511628211ULL; /* a byte no UTF-8 text has */
    for (const char *p = key->file; *p; p++)
        hash = (hash ^ (unsigned char)*p) * 1099511628211ULL;
    hash = (hash ^ (uint32_t)key->line) * 1099511628211ULL;
    return hash ^ (hash >> 29);
}

static int diff_key_equal(const struct diff_key *a, const struct diff_key *b)
{
    return a->line == b->line && strcmp(a->name, b->name) == 0 && strcmp(a->file, b->file) == 0;
}

static int diff_keys_grow(struct diff_keys *keys)
{
    size_t slot_count = keys->slot_count ? keys->slot_count * 2 : 256;
    uint32_t *slots = malloc(slot_count * sizeof *slots);
    size_t capacity = slot_count / 2;
    struct diff_key *entries = realloc(keys->keys, capacity * sizeof *entries);

    if (!slots || !entries) {
        free(slots);
        if (entries)
            keys->keys = entries;
        return -1;
    }
    keys->keys = entries;
    keys->capacity = capacity;
    memset(slots, 0xFF, slot_count * sizeof *slots);
    for (size_t id = 0; id < keys->count; id++) {
        size_t slot = (size_t)diff_key_hash(&keys->keys[id]) & (slot_count - 1);
        while (slots[slot] != DIFF_NONE)
            slot = (slot + 1) & (slot_count - 1);
        slots[slot] = (uint32_t)id;
    }
    free(keys->slots);
    keys->slots = slots;
    keys->slot_count = slot_count;
    return 0;
}

static int diff_keys_intern(struct diff_keys *keys, const struct diff_key *key, uint32_t *id)
{
    size_t slot;

    if (keys->count >= UINT32_MAX / 4) {
        errno = EOVERFLOW;
        return -1;
    }
    if (keys->count == keys->capacity && diff_keys_grow(keys) < 0)
        return -1;
    slot = (size_t)diff_key_hash(key) & (keys->slot_count - 1);
    for (;; slot = (slot + 1) & (keys->slot_count - 1)) {
        uint32_t found = keys->slots[slot];

        if (found == DIFF_NONE)
            break;
        if (diff_key_equal(&keys->keys[found], key)) {
            *id = found;
            return 0;
        }
    }
    *id = (uint32_t)keys->count;
    keys->keys[keys->count++] = *key;
    keys->slots[slot] = *id;
    return 0;
}

static void diff_keys_free(struct diff_keys *keys)
{
    free(keys->keys);
    free(keys->slots);
    memset(keys, 0, sizeof *keys);
}

/* ---- statistics ------------------------------------------------------------ */

void diff_tally_add_run(struct diff_tally *tally, uint64_t count, uint64_t samples)
{
    double share;
    double delta;

    if (samples == 0)
        return;
    share = (double)count / (double)samples;
    tally->count += count;
    tally->runs++;
    delta = share - tally->mean;
    tally->mean += delta / (double)tally->runs;
    tally->m2 += delta * (share - tally->mean);
}

void diff_measure_compute(struct diff_measure *measure, const struct diff_tally tallies[2],
                          const uint64_t samples[2])
{
    double variance = 0;
    int has_data = samples[0] > 0 && samples[1] > 0;

    for (int side = 0; side < 2; side++) {
        const struct diff_tally *tally = &tallies[side];
        double n = (double)samples[side];
        double p = n > 0 ? (double)tally->count / n : 0;
        double se = n > 0 ? sqrt(p * (1 - p) / n) : 0;

        if (tally->runs >= 2) {
            double spread = tally->m2 > 0 ? tally->m2 / (double)(tally->runs - 1) : 0;
            double between = sqrt(spread / (double)tally->runs);
            if (between > se)
                se = between;
        }
        measure->count[side] = tally->count;
        measure->share[side] = 100 * p;
        measure->se[side] = 100 * se;
        variance += se * se;
    }
    measure->change = measure->share[DIFF_AFTER] - measure->share[DIFF_BEFORE];
    if (has_data) {
        double half = 100 * DIFF_Z95 * sqrt(variance);
        measure->low = measure->change - half;
        measure->high = measure->change + half;
        measure->beyond_noise = measure->low > 0 || measure->high < 0;
    } else {
        measure->low = -100; /* one side has no share: anything is possible */
        measure->high = 100;
        measure->beyond_noise = 0;
    }
}

const char *diff_format_number(char *buf, size_t cap, double value, int decimals, int plus)
{
    static const double scales[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6};
    double magnitude = fabs(value);
    unsigned long long scale;
    unsigned long long q;
    const char *sign;

    if (decimals < 0)
        decimals = 0;
    if (decimals > 6)
        decimals = 6;
    if (!isfinite(value))
        value = magnitude = 0;
    if (magnitude >= 1e12) { /* no decimal point to localise */
        snprintf(buf, cap, "%s%.0f", plus && value > 0 ? "+" : "", value);
        return buf;
    }
    scale = (unsigned long long)scales[decimals];
    q = (unsigned long long)(magnitude * (double)scale + 0.5);
    sign = q == 0 ? "" : value < 0 ? "-" : plus ? "+" : "";
    if (decimals == 0)
        snprintf(buf, cap, "%s%llu", sign, q);
    else
        snprintf(buf, cap, "%s%llu.%0*llu", sign, q / scale, decimals, q % scale);
    return buf;
}

/* ---- the two passes ---------------------------------------------------------- */

struct diff_work {
    const struct diff_side *sides[2];
    struct diff_keys functions;
    struct diff_keys sites;
    uint32_t **function_of; /* per run (before's, then after's): frame -> function */
    uint32_t **site_of;     /* per run: frame -> lock-wait site */
    size_t run_total;
    size_t measure_count;
    struct diff_tally *tallies[2]; /* per side, measure_count each */
    uint64_t *counts;              /* one run's counts, measure_count */
    uint64_t *seen;                /* per function: stamp of the last stack that counted it */
    uint64_t stamp;
    uint64_t samples[2];
};

static const char *diff_text(const char *text)
{
    return text ? text : "";
}

/* The innermost frame that is a function (not a marker), or DIFF_NONE. */
static uint32_t diff_innermost(const struct profile_stack *stack, const uint32_t *function_of)
{
    for (uint32_t d = stack->depth; d-- > 0;)
        if (function_of[stack->frames[d]] != DIFF_NONE)
            return stack->frames[d];
    return DIFF_NONE;
}

/* Pass one for one run: map frames to functions, find lock-wait sites. */
static int diff_map_run(struct diff_work *work, const struct profile *run, size_t index)
{
    size_t frames = run->frame_count ? run->frame_count : 1;
    uint32_t *function_of = malloc(frames * sizeof *function_of);
    uint32_t *site_of = malloc(frames * sizeof *site_of);

    work->function_of[index] = function_of;
    work->site_of[index] = site_of;
    if (!function_of || !site_of)
        return -1;
    for (size_t f = 0; f < run->frame_count; f++) {
        const struct profile_frame *frame = &run->frames[f];
        struct diff_key key = {frame->name ? frame->name : "?", diff_text(frame->file), 0};

        site_of[f] = function_of[f] = DIFF_NONE;
        if (*key.file && diff_keys_intern(&work->functions, &key, &function_of[f]) < 0)
            return -1;
    }
    for (size_t s = 0; s < run->stack_count; s++) {
        const struct profile_stack *stack = &run->stacks[s];
        uint32_t inner;

        if (stack->depth > 0 && !stack->frames)
            goto invalid;
        for (uint32_t d = 0; d < stack->depth; d++)
            if (stack->frames[d] >= run->frame_count)
                goto invalid;
        if (stack->count == 0 || stack->state != STATE_LOCK_WAIT)
            continue;
        inner = diff_innermost(stack, function_of);
        if (inner != DIFF_NONE && site_of[inner] == DIFF_NONE) {
            const struct profile_frame *frame = &run->frames[inner];
            struct diff_key key = {frame->name ? frame->name : "?", frame->file, frame->line};
            if (diff_keys_intern(&work->sites, &key, &site_of[inner]) < 0)
                return -1;
        }
    }
    return 0;
invalid:
    errno = EINVAL;
    return -1;
}

/* Pass two for one run: count each property, fold the run into its side. */
static void diff_count_run(struct diff_work *work, const struct profile *run, size_t index,
                           int side)
{
    const uint32_t *function_of = work->function_of[index];
    const uint32_t *site_of = work->site_of[index];
    size_t functions = work->functions.count;
    size_t states = 2 * functions;
    size_t gil = states + STATE_COUNT;
    uint64_t samples = 0;

    memset(work->counts, 0, work->measure_count * sizeof *work->counts);
    for (size_t s = 0; s < run->stack_count; s++) {
        const struct profile_stack *stack = &run->stacks[s];
        int state = stack->state >= 0 && stack->state < STATE_COUNT ? stack->state : 0;
        uint32_t inner = diff_innermost(stack, function_of);

        if (stack->count == 0)
            continue;
        samples += stack->count;
        work->stamp++;
        for (uint32_t d = 0; d < stack->depth; d++) {
            uint32_t function = function_of[stack->frames[d]];
            if (function != DIFF_NONE && work->seen[function] != work->stamp) {
                work->seen[function] = work->stamp;
                work->counts[function] += stack->count;
            }
        }
        if (inner != DIFF_NONE) {
            work->counts[functions + function_of[inner]] += stack->count;
            if (stack->state == STATE_LOCK_WAIT && site_of[inner] != DIFF_NONE)
                work->counts[gil + 1 + site_of[inner]] += stack->count;
        }
        work->counts[states + (size_t)state] += stack->count;
        if (stack->holds_gil)
            work->counts[gil] += stack->count;
    }
    for (size_t m = 0; m < work->measure_count; m++)
        diff_tally_add_run(&work->tallies[side][m], work->counts[m], samples);
    work->samples[side] += samples;
}

static int diff_count(struct diff_work *work)
{
    size_t index = 0;

    for (int side = 0; side < 2; side++)
        for (size_t r = 0; r < work->sides[side]->run_count; r++, index++)
            if (diff_map_run(work, work->sides[side]->runs[r], index) < 0)
                return -1;
    work->measure_count = 2 * work->functions.count + STATE_COUNT + 1 + work->sites.count;
    work->counts = malloc(work->measure_count * sizeof *work->counts);
    work->seen = calloc(work->functions.count + 1, sizeof *work->seen);
    work->tallies[0] = calloc(work->measure_count, sizeof *work->tallies[0]);
    work->tallies[1] = calloc(work->measure_count, sizeof *work->tallies[1]);
    if (!work->counts || !work->seen || !work->tallies[0] || !work->tallies[1])
        return -1;
    index = 0;
    for (int side = 0; side < 2; side++)
        for (size_t r = 0; r < work->sides[side]->run_count; r++, index++)
            diff_count_run(work, work->sides[side]->runs[r], index, side);
    return 0;
}

static void diff_work_free(struct diff_work *work)
{
    for (size_t i = 0; i < work->run_total; i++) {
        if (work->function_of)
            free(work->function_of[i]);
        if (work->site_of)
            free(work->site_of[i]);
    }
    free(work->function_of);
    free(work->site_of);
    diff_keys_free(&work->functions);
    diff_keys_free(&work->sites);
    free(work->tallies[0]);
    free(work->tallies[1]);
    free(work->counts);
    free(work->seen);
}

/* ---- the result ---------------------------------------------------------------- */

static void diff_summarize(struct diff_side_summary *summary, const struct diff_side *side,
                           uint64_t samples)
{
    int durations_known = side->run_count > 0;
    double rate_sum = 0;
    size_t rates = 0;

    summary->runs = side->run_count;
    summary->samples = samples;
    for (size_t r = 0; r < side->run_count; r++) {
        const struct profile *run = side->runs[r];

        if (run->duration_s > 0 && isfinite(run->duration_s))
            summary->duration_s += run->duration_s;
        else
            durations_known = 0;
        if (run->rate_hz > 0 && isfinite(run->rate_hz)) {
            rate_sum += run->rate_hz;
            rates++;
        }
    }
    if (durations_known && summary->duration_s > 0)
        summary->samples_per_second = (double)samples / summary->duration_s;
    summary->rate_hz = rates == side->run_count && rates > 0 ? rate_sum / (double)rates : 0;
}

static void diff_measure_at(const struct diff_work *work, size_t index,
                            struct diff_measure *measure)
{
    struct diff_tally tallies[2] = {work->tallies[0][index], work->tallies[1][index]};

    diff_measure_compute(measure, tallies, work->samples);
}

/* Beyond noise first, then the larger |change|, then by name for a stable order. */
static int diff_rank(const struct diff_measure *a, const struct diff_measure *b)
{
    double da = fabs(a->change);
    double db = fabs(b->change);

    if (a->beyond_noise != b->beyond_noise)
        return a->beyond_noise ? -1 : 1;
    return (da < db) - (da > db);
}

static int diff_function_compare(const void *pa, const void *pb)
{
    const struct diff_function *a = pa;
    const struct diff_function *b = pb;
    int order = diff_rank(&a->total, &b->total);

    if (order == 0)
        order = diff_rank(&a->self, &b->self);
    if (order == 0)
        order = strcmp(a->name, b->name);
    return order ? order : strcmp(a->file, b->file);
}

static int diff_site_compare(const void *pa, const void *pb)
{
    const struct diff_lock_site *a = pa;
    const struct diff_lock_site *b = pb;
    int order = diff_rank(&a->wait, &b->wait);

    if (order == 0)
        order = strcmp(a->name, b->name);
    if (order == 0)
        order = strcmp(a->file, b->file);
    return order ? order : (a->line > b->line) - (a->line < b->line);
}

static int diff_build_result(const struct diff_work *work, struct diff_result *out)
{
    size_t functions = work->functions.count;
    size_t gil = 2 * functions + STATE_COUNT;

    out->functions = calloc(functions ? functions : 1, sizeof *out->functions);
    out->lock_sites = calloc(work->sites.count ? work->sites.count : 1, sizeof *out->lock_sites);
    if (!out->functions || !out->lock_sites)
        return -1;
    for (size_t f = 0; f < functions; f++) {
        struct diff_function *function = &out->functions[out->function_count];

        if (work->tallies[0][f].count == 0 && work->tallies[1][f].count == 0)
            continue; /* a frame no sample reached */
        function->name = strdup(work->functions.keys[f].name);
        function->file = strdup(work->functions.keys[f].file);
        out->function_count++;
        if (!function->name || !function->file)
            return -1;
        diff_measure_at(work, f, &function->total);
        diff_measure_at(work, functions + f, &function->self);
    }
    for (size_t k = 0; k < work->sites.count; k++) {
        struct diff_lock_site *site = &out->lock_sites[out->lock_site_count++];

        site->name = strdup(work->sites.keys[k].name);
        site->file = strdup(work->sites.keys[k].file);
        site->line = work->sites.keys[k].line;
        if (!site->name || !site->file)
            return -1;
        diff_measure_at(work, gil + 1 + k, &site->wait);
    }
    for (int state = 0; state < STATE_COUNT; state++)
        diff_measure_at(work, 2 * functions + (size_t)state, &out->states[state]);
    diff_measure_at(work, gil, &out->gil);
    qsort(out->functions, out->function_count, sizeof *out->functions, diff_function_compare);
    qsort(out->lock_sites, out->lock_site_count, sizeof *out->lock_sites, diff_site_compare);
    diff_summarize(&out->sides[DIFF_BEFORE], work->sides[DIFF_BEFORE], work->samples[0]);
    diff_summarize(&out->sides[DIFF_AFTER], work->sides[DIFF_AFTER], work->samples[1]);
    return 0;
}

static int diff_side_valid(const struct diff_side *side)
{
    if (!side || (side->run_count > 0 && !side->runs))
        return 0;
    for (size_t r = 0; r < side->run_count; r++) {
        const struct profile *run = side->runs[r];
        if (!run || (run->frame_count > 0 && !run->frames) ||
            (run->stack_count > 0 && !run->stacks))
            return 0;
    }
    return 1;
}

/* Loop time and blocked loop time per side, from the runs that have a timeline. */
static int diff_loops(const struct diff_work *work, struct diff_result *out)
{
    for (int side = 0; side < 2; side++)
        for (size_t r = 0; r < work->sides[side]->run_count; r++) {
            struct loop_report report;
            if (contention_loops(work->sides[side]->runs[r], DIFF_LOOP_BLOCK_NS, &report) != 0)
                return -1;
            for (size_t t = 0; t < report.thread_count; t++) {
                out->loop_s[side] += (double)report.threads[t].loop_ns / 1e9;
                out->loop_blocked_s[side] += (double)report.threads[t].blocked_ns / 1e9;
            }
            contention_loops_free(&report);
        }
    return 0;
}

int diff_compute(const struct diff_side *before, const struct diff_side *after,
                 struct diff_result *out)
{
    struct diff_work work = {.sides = {before, after}};
    int result = -1;
    int saved_errno;

    if (!out) {
        errno = EINVAL;
        return -1;
    }
    memset(out, 0, sizeof *out);
    if (!diff_side_valid(before) || !diff_side_valid(after)) {
        errno = EINVAL;
        return -1;
    }
    work.run_total = before->run_count + after->run_count;
    work.function_of = calloc(work.run_total ? work.run_total : 1, sizeof *work.function_of);
    work.site_of = calloc(work.run_total ? work.run_total : 1, sizeof *work.site_of);
    if (work.function_of && work.site_of && diff_count(&work) == 0 &&
        diff_build_result(&work, out) == 0 && diff_loops(&work, out) == 0)
        result = 0;
    saved_errno = errno;
    if (result < 0)
        diff_result_free(out);
    diff_work_free(&work);
    errno = saved_errno;
    return result;
}

void diff_result_free(struct diff_result *result)
{
    if (!result)
        return;
    for (size_t f = 0; f < result->function_count; f++) {
        free(result->functions[f].name);
        free(result->functions[f].file);
    }
    for (size_t k = 0; k < result->lock_site_count; k++) {
        free(result->lock_sites[k].name);
        free(result->lock_sites[k].file);
    }
    free(result->functions);
    free(result->lock_sites);
    memset(result, 0, sizeof *result);
}

int diff_regressed(const struct diff_result *result, double pct_points, char *why, size_t why_len)
{
    const struct diff_function *worst = NULL;
    char before[32], after[32], change[32], low[32], high[32], limit[32];

    for (size_t f = 0; f < result->function_count; f++) {
        const struct diff_measure *total = &result->functions[f].total;

        if (total->beyond_noise && total->change > 0 && total->change > pct_points &&
            (!worst || total->change > worst->total.change))
            worst = &result->functions[f];
    }
    if (!worst)
        return 0;
    if (why && why_len > 0) {
        const struct diff_measure *total = &worst->total;

        snprintf(why, why_len,
                 "%s (%s): total share %s%% -> %s%%, %s pp (95%% interval %s to %s), "
                 "limit %s pp",
                 worst->name, worst->file,
                 diff_format_number(before, sizeof before, total->share[DIFF_BEFORE], 1, 0),
                 diff_format_number(after, sizeof after, total->share[DIFF_AFTER], 1, 0),
                 diff_format_number(change, sizeof change, total->change, 1, 1),
                 diff_format_number(low, sizeof low, total->low, 1, 1),
                 diff_format_number(high, sizeof high, total->high, 1, 1),
                 diff_format_number(limit, sizeof limit, pct_points, 1, 0));
        for (char *p = why; *p; p++) /* names come from the target: no control bytes */
            if ((unsigned char)*p < 0x20 || *p == 0x7F)
                *p = '?';
    }
    return 1;
}
