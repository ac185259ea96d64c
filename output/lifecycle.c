/* lifecycle.c - the lifecycle report: evidence in, findings out.
 *
 * The sampler (record --check-lifecycle) already decided what each event
 * means (see enum lifecycle_kind in profile.h); this file sorts the events
 * into the five checks, aggregates what was spawned and from where, and hands
 * the numeric series to lifecycle_series.c.  Everything is computed once into
 * a struct lifecycle_report that the text and JSON printers only read, so
 * they - and the exit status built from lifecycle_findings - always agree. */
#include "lifecycle.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lifecycle_analysis.h"
#include "profile_index.h"
#include "stream.h"

const char *const lifecycle_check_names[LIFECYCLE_CHECK_COUNT] = {
    "orphans", "stuck-awaits", "fan-out", "shutdown", "leaks"};

int lifecycle_checks_parse(const char *list, unsigned *mask)
{
    unsigned chosen = 0;
    if (!list || !*list)
        return -1;
    for (const char *name = list;;) {
        size_t len = strcspn(name, ",");
        int known = 0;
        if (len == 3 && strncmp(name, "all", 3) == 0) {
            chosen |= LIFECYCLE_CHECK_ALL;
            known = 1;
        }
        for (int i = 0; i < LIFECYCLE_CHECK_COUNT && !known; i++)
            if (strlen(lifecycle_check_names[i]) == len &&
                strncmp(name, lifecycle_check_names[i], len) == 0) {
                chosen |= 1u << i;
                known = 1;
            }
        if (!known) /* also an empty name: "leaks,,orphans" is a typo */
            return -1;
        if (name[len] == '\0')
            break;
        name += len + 1;
    }
    *mask = chosen;
    return 0;
}

/* Event pointers sorted by (subject, other), NULL first, then record order. */
static int compare_text(const char *a, const char *b)
{
    if (!a || !b)
        return (a != NULL) - (b != NULL);
    return strcmp(a, b);
}

static int compare_spawn(const void *a, const void *b)
{
    const struct profile_lifecycle_event *x = *(const struct profile_lifecycle_event *const *)a;
    const struct profile_lifecycle_event *y = *(const struct profile_lifecycle_event *const *)b;
    int by = compare_text(x->subject, y->subject);
    if (by == 0)
        by = compare_text(x->other, y->other);
    return by != 0 ? by : (x > y) - (x < y);
}

static uint64_t add_saturating(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static void spawned_offer(struct lifecycle_report *r, struct lifecycle_spawned candidate)
{
    size_t at = r->spawned_count;
    while (at > 0 && r->spawned[at - 1].count < candidate.count)
        at--;
    if (at >= LIFECYCLE_TOP)
        return;
    size_t last = r->spawned_count < LIFECYCLE_TOP ? r->spawned_count : LIFECYCLE_TOP - 1;
    memmove(&r->spawned[at + 1], &r->spawned[at], (last - at) * sizeof r->spawned[0]);
    r->spawned[at] = candidate;
    if (r->spawned_count < LIFECYCLE_TOP)
        r->spawned_count++;
}

/* SPAWN events summed per coroutine, with each one's most common owner.
 * Sorting groups them in O(n log n): a long recording has many snapshots.
 * Events without a coroutine name say nothing about what is spawned: left out. */
static int lifecycle_spawns(struct lifecycle_report *r)
{
    const struct profile *p = r->profile;
    size_t n = 0;
    for (size_t i = 0; i < p->lifecycle_event_count; i++)
        n += p->lifecycle_events[i].kind == LIFECYCLE_SPAWN && p->lifecycle_events[i].subject;
    if (n == 0)
        return 0;
    const struct profile_lifecycle_event **spawns = malloc(n * sizeof *spawns);
    if (!spawns)
        return -1;
    n = 0;
    for (size_t i = 0; i < p->lifecycle_event_count; i++)
        if (p->lifecycle_events[i].kind == LIFECYCLE_SPAWN && p->lifecycle_events[i].subject)
            spawns[n++] = &p->lifecycle_events[i];
    qsort(spawns, n, sizeof *spawns, compare_spawn);
    for (size_t from = 0; from < n;) {
        struct lifecycle_spawned group = {spawns[from]->subject, NULL, 0};
        uint64_t best_owner = 0;
        size_t to = from;
        while (to < n && compare_text(spawns[to]->subject, group.coroutine) == 0) {
            const char *owner = spawns[to]->other;
            uint64_t by_owner = 0;
            for (; to < n && compare_text(spawns[to]->subject, group.coroutine) == 0 &&
                   compare_text(spawns[to]->other, owner) == 0;
                 to++)
                by_owner = add_saturating(by_owner, spawns[to]->value);
            group.count = add_saturating(group.count, by_owner);
            if (owner && by_owner > best_owner) {
                best_owner = by_owner;
                group.owner = owner;
            }
        }
        spawned_offer(r, group);
        from = to;
    }
    free(spawns);
    return 0;
}

/* 1: the frame spawns a task (create_task, ensure_future, run_in_executor);
 * 2: it submits to an executor (submit); 0: neither.  Matched on the last
 * dotted component, so TaskGroup.create_task and loop methods count too. */
static int spawning_call(const char *name)
{
    if (!name)
        return 0;
    const char *dot = strrchr(name, '.');
    const char *last = dot ? dot + 1 : name;
    if (strcmp(last, "create_task") == 0 || strcmp(last, "ensure_future") == 0 ||
        strcmp(last, "run_in_executor") == 0)
        return 1;
    return strcmp(last, "submit") == 0 ? 2 : 0;
}

static size_t sites_top(const uint64_t *samples, size_t frame_count, struct lifecycle_site *top)
{
    size_t count = 0;
    for (size_t f = 0; f < frame_count; f++) {
        if (samples[f] == 0)
            continue;
        size_t at = count;
        while (at > 0 && top[at - 1].samples < samples[f])
            at--;
        if (at >= LIFECYCLE_TOP)
            continue;
        size_t last = count < LIFECYCLE_TOP ? count : LIFECYCLE_TOP - 1;
        memmove(&top[at + 1], &top[at], (last - at) * sizeof top[0]);
        top[at] = (struct lifecycle_site){(uint32_t)f, samples[f]};
        if (count < LIFECYCLE_TOP)
            count++;
    }
    return count;
}

/* The call site of a spawn is the frame just outside the outermost spawning
 * frame: helpers such as TaskGroup.create_task call loop.create_task, and
 * the code to look at is whoever called the first of them. */
static int lifecycle_call_sites(struct lifecycle_report *r)
{
    const struct profile *p = r->profile;
    if (p->frame_count == 0)
        return 0;
    uint64_t *spawning = calloc(p->frame_count, sizeof *spawning);
    uint64_t *submitting = calloc(p->frame_count, sizeof *submitting);
    if (!spawning || !submitting) {
        free(spawning);
        free(submitting);
        return -1;
    }
    for (size_t s = 0; s < p->stack_count; s++) {
        const struct profile_stack *stack = &p->stacks[s];
        for (uint32_t d = 0; d < stack->depth; d++) {
            int kind = spawning_call(p->frames[stack->frames[d]].name);
            if (kind == 0)
                continue;
            if (d > 0) {
                uint64_t *into = kind == 1 ? spawning : submitting;
                uint32_t site = stack->frames[d - 1];
                into[site] = add_saturating(into[site], stack->count);
            }
            break;
        }
    }
    r->task_site_count = sites_top(spawning, p->frame_count, r->task_sites);
    r->submit_site_count = sites_top(submitting, p->frame_count, r->submit_sites);
    free(spawning);
    free(submitting);
    return 0;
}

int lifecycle_held_exit(const struct profile_lifecycle_event *e)
{
    return e->other && strcmp(e->other, "ended") == 0;
}

int lifecycle_executor_worker(const char *name)
{
    return name && (strncmp(name, "ThreadPoolExecutor", 18) == 0 ||
                    strncmp(name, "ProcessPoolExecutor", 19) == 0);
}

static int text_order(const char *a, const char *b)
{
    return a == b ? 0 : !a ? -1 : !b ? 1 : strcmp(a, b);
}

/* By await point, then task, then longest first. */
static int stuck_by_point(const void *a, const void *b)
{
    const struct profile_lifecycle_event *x = *(const struct profile_lifecycle_event *const *)a;
    const struct profile_lifecycle_event *y = *(const struct profile_lifecycle_event *const *)b;
    int c = text_order(x->where, y->where);
    if (c == 0)
        c = text_order(x->subject, y->subject);
    if (c == 0)
        c = (x->duration_ns < y->duration_ns) - (x->duration_ns > y->duration_ns);
    return c;
}

static int stuck_longest_first(const void *a, const void *b)
{
    const struct profile_lifecycle_event *x = *(const struct profile_lifecycle_event *const *)a;
    const struct profile_lifecycle_event *y = *(const struct profile_lifecycle_event *const *)b;
    return (x->duration_ns < y->duration_ns) - (x->duration_ns > y->duration_ns);
}

/* Many tasks queued at one await point (a lock, a queue) are one finding:
 * the point, its longest wait, and how many tasks waited there. */
static int lifecycle_stuck_group(struct lifecycle_report *r)
{
    r->stuck_tasks = calloc(r->stuck_count + 1, sizeof *r->stuck_tasks);
    if (!r->stuck_tasks)
        return -1;
    if (r->stuck_count == 0)
        return 0;
    qsort(r->stuck, r->stuck_count, sizeof *r->stuck, stuck_by_point);
    size_t groups = 0;
    for (size_t i = 0; i < r->stuck_count;) {
        const struct profile_lifecycle_event *longest = r->stuck[i];
        size_t tasks = 0, j = i;
        for (; j < r->stuck_count && text_order(r->stuck[j]->where, r->stuck[i]->where) == 0; j++) {
            if (j == i || text_order(r->stuck[j]->subject, r->stuck[j - 1]->subject) != 0)
                tasks++;
            if (r->stuck[j]->duration_ns > longest->duration_ns)
                longest = r->stuck[j];
        }
        r->stuck[groups] = longest;
        r->stuck_tasks[groups++] = tasks;
        i = j;
    }
    r->stuck_count = groups;
    /* longest first, the task counts following their point */
    const struct profile_lifecycle_event **order = malloc(groups * sizeof *order);
    size_t *tasks = malloc(groups * sizeof *tasks);
    if (!order || !tasks) {
        free(order);
        free(tasks);
        return -1;
    }
    memcpy(order, r->stuck, groups * sizeof *order);
    qsort(order, groups, sizeof *order, stuck_longest_first);
    for (size_t g = 0; g < groups; g++)
        for (size_t k = 0; k < groups; k++)
            if (r->stuck[k] == order[g]) {
                tasks[g] = r->stuck_tasks[k];
                break;
            }
    memcpy(r->stuck, order, groups * sizeof *order);
    memcpy(r->stuck_tasks, tasks, groups * sizeof *tasks);
    free(order);
    free(tasks);
    return 0;
}

/* Orphans, stuck awaits and the shutdown events: one pass to count, one to place. */
static int lifecycle_events_sort(struct lifecycle_report *r)
{
    const struct profile *p = r->profile;
    size_t counts[LIFECYCLE_SPAWN + 1] = {0};
    for (size_t i = 0; i < p->lifecycle_event_count; i++) {
        const struct profile_lifecycle_event *e = &p->lifecycle_events[i];
        if (e->kind == LIFECYCLE_STUCK_AWAIT && !((double)e->duration_ns / 1e9 >= r->stuck_await_s))
            continue;
        if (e->kind >= LIFECYCLE_ORPHAN && e->kind <= LIFECYCLE_SPAWN)
            counts[e->kind]++;
        if (e->kind == LIFECYCLE_SHUTDOWN)
            r->shutdown = e; /* at most one normally; the last one wins */
    }
    size_t total = counts[LIFECYCLE_ORPHAN] + counts[LIFECYCLE_STUCK_AWAIT] +
                   counts[LIFECYCLE_EXIT_THREAD] + counts[LIFECYCLE_EXIT_TASK];
    r->events = malloc((total ? total : 1) * sizeof *r->events);
    if (!r->events)
        return -1;
    r->orphans = r->events;
    r->stuck = r->orphans + counts[LIFECYCLE_ORPHAN];
    r->exit_threads = r->stuck + counts[LIFECYCLE_STUCK_AWAIT];
    r->exit_tasks = r->exit_threads + counts[LIFECYCLE_EXIT_THREAD];
    for (size_t i = 0; i < p->lifecycle_event_count; i++) {
        const struct profile_lifecycle_event *e = &p->lifecycle_events[i];
        if (e->kind == LIFECYCLE_ORPHAN)
            r->orphans[r->orphan_count++] = e;
        else if (e->kind == LIFECYCLE_STUCK_AWAIT && (double)e->duration_ns / 1e9 >= r->stuck_await_s)
            r->stuck[r->stuck_count++] = e;
        else if (e->kind == LIFECYCLE_EXIT_THREAD)
            r->exit_threads[r->exit_thread_count++] = e;
        else if (e->kind == LIFECYCLE_EXIT_TASK)
            r->exit_tasks[r->exit_task_count++] = e;
    }
    if (lifecycle_stuck_group(r) != 0)
        return -1;
    for (size_t i = 0; i < r->exit_thread_count; i++)
        r->held_exit += lifecycle_held_exit(r->exit_threads[i]);
    /* A slow exit with nothing to blame is one finding; with a culprit the
     * culprit is the finding. */
    r->slow_exit = r->held_exit == 0 && r->exit_task_count == 0 && r->shutdown &&
                   r->shutdown->value == 1 && r->shutdown->duration_ns >= UINT64_C(1000000000);
    return 0;
}

void lifecycle_report_free(struct lifecycle_report *r)
{
    free(r->events);
    free(r->stuck_tasks);
    free(r->fan_out);
    free(r->phases);
    free(r->growth);
    memset(r, 0, sizeof *r);
}

int lifecycle_analyse(struct lifecycle_report *r, const struct profile *p,
                      const struct lifecycle_options *options)
{
    memset(r, 0, sizeof *r);
    r->profile = p;
    r->stuck_await_s = LIFECYCLE_DEFAULT_STUCK_S;
    if (options && options->stuck_await_s >= 0) /* NaN and negatives keep the default */
        r->stuck_await_s = options->stuck_await_s;
    if (profile_index_check(p) != 0)
        return -1; /* errno EINVAL */
    if (lifecycle_events_sort(r) != 0 || lifecycle_spawns(r) != 0 ||
        lifecycle_call_sites(r) != 0 || lifecycle_series_analyse(r) != 0) {
        lifecycle_report_free(r);
        errno = ENOMEM;
        return -1;
    }
    r->findings[LIFECYCLE_AT_ORPHANS] = r->orphan_count;
    r->findings[LIFECYCLE_AT_STUCK_AWAITS] = r->stuck_count;
    for (size_t i = 0; i < r->fan_out_count; i++)
        r->findings[LIFECYCLE_AT_FAN_OUT] += r->fan_out[i].finding;
    r->findings[LIFECYCLE_AT_SHUTDOWN] = r->held_exit + r->exit_task_count + (size_t)r->slow_exit;
    for (size_t i = 0; i < r->fan_out_count; i++)
        r->tasks_growth_is_fan_out |= r->fan_out[i].tasks && r->fan_out[i].finding;
    /* the same growth is not counted twice: as fan-out when it is one */
    r->findings[LIFECYCLE_AT_LEAKS] =
        (size_t)r->threads.growing + (size_t)(r->tasks.growing && !r->tasks_growth_is_fan_out) +
        r->growth_count;
    for (int i = 0; i < LIFECYCLE_CHECK_COUNT; i++)
        r->total += r->findings[i];
    return 0;
}

int lifecycle_findings(const struct profile *profile, const struct lifecycle_options *options)
{
    struct lifecycle_report r;
    if (!profile->lifecycle)
        return 0;
    if (lifecycle_analyse(&r, profile, options) != 0)
        return -1;
    int mask = 0;
    for (int i = 0; i < LIFECYCLE_CHECK_COUNT; i++)
        if (r.findings[i] > 0)
            mask |= 1 << i;
    lifecycle_report_free(&r);
    return mask;
}

int lifecycle_text_write(FILE *out, const struct profile *profile,
                         const struct lifecycle_options *options, int color)
{
    if (!profile->lifecycle) {
        if (fputs("no lifecycle evidence in this recording: record it with --check-lifecycle\n",
                  out) == EOF)
            return -1;
        return stream_finish(out);
    }
    struct lifecycle_report r;
    if (lifecycle_analyse(&r, profile, options) != 0)
        return -1;
    int rc = lifecycle_text_print(out, &r, color);
    int saved = errno;
    lifecycle_report_free(&r);
    errno = saved;
    return rc;
}

int lifecycle_json_write(FILE *out, const struct profile *profile,
                         const struct lifecycle_options *options)
{
    if (!profile->lifecycle) {
        if (fputs("{\"lifecycle\":false}\n", out) == EOF)
            return -1;
        return stream_finish(out);
    }
    struct lifecycle_report r;
    if (lifecycle_analyse(&r, profile, options) != 0)
        return -1;
    int rc = lifecycle_json_print(out, &r);
    int saved = errno;
    lifecycle_report_free(&r);
    errno = saved;
    return rc;
}
