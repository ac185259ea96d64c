/* lifecycle_series.c - fan-out and leaks, from counts read over time.
 *
 * Series: pending asyncio tasks (profile.task_counts), Python threads (gauge
 * "threads") and each executor's waiting work items ("executor:..." gauges).
 *
 * Fan-out asks "is work arriving faster than it drains?": at least 8 points
 * over 2 s or more, grown by 10 or more from the first tenth to the last, a
 * least-squares slope of at least 1 a second over the whole series AND still
 * above 0.5 a second over the second half.  The last condition is the one
 * that keeps a warm-up that then holds steady, or a semaphore-bounded
 * workload, from firing.  A sudden fall in the last second (the program
 * cancelling or draining its backlog as it stops) is left out first.
 *
 * Leaks use the contention report's thread-leak rule (contention_trends.c):
 * grown by 2 threads / 10 tasks from the first tenth to the last, a positive
 * slope over the second half, and the last tenth above the tenth that starts
 * at the middle.  Per phase (the target's __main__.PYCONC_PHASE), the counts
 * at its start, end and peak.  A phase name that recurs and ends its last run
 * higher than its first (by 2 threads / 10 tasks) is a leak when the growth
 * also happened inside its runs (the sum of end - start over them reaches the
 * same bound): "request" phases that each start two threads are blamed, not
 * the "idle" phases between them that merely inherit the count. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lifecycle_analysis.h"

#define FAN_OUT_MIN_POINTS 8
#define FAN_OUT_MIN_SPAN_NS UINT64_C(2000000000)
#define FAN_OUT_MIN_GROWTH 10.0
#define FAN_OUT_MIN_SLOPE 1.0        /* per second, whole series */
#define FAN_OUT_MIN_LATE_SLOPE 0.5   /* per second, second half */
#define FAN_OUT_MAX_TAIL_NS UINT64_C(1000000000) /* a fall at exit, left out */
#define LEAK_MIN_POINTS 10
#define LEAK_MIN_THREADS 2.0
#define LEAK_MIN_TASKS 10.0

static size_t tenth_of(size_t n)
{
    return n / 10 > 0 ? n / 10 : 1;
}

static double mean(const struct lifecycle_point *points, size_t from, size_t to)
{
    double sum = 0;
    for (size_t i = from; i < to; i++)
        sum += points[i].value;
    return to > from ? sum / (double)(to - from) : 0;
}

static double peak(const struct lifecycle_point *points, size_t n)
{
    double best = 0;
    for (size_t i = 0; i < n; i++)
        if (points[i].value > best)
            best = points[i].value;
    return best;
}

/* Least squares, per second, over points [from, to).  Centred on the means
 * so large times and counts do not cancel each other out. */
static double slope(const struct lifecycle_point *points, size_t from, size_t to)
{
    if (to - from < 2)
        return 0;
    double mx = 0, my = mean(points, from, to), sxx = 0, sxy = 0;
    for (size_t i = from; i < to; i++)
        mx += (double)points[i].time_ns / 1e9;
    mx /= (double)(to - from);
    for (size_t i = from; i < to; i++) {
        double dx = (double)points[i].time_ns / 1e9 - mx;
        sxx += dx * dx;
        sxy += dx * (points[i].value - my);
    }
    return sxx > 0 ? sxy / sxx : 0;
}

/* A program that stops cancels its tasks or lets its executor return the
 * queued items at once: the count falls from its peak in the last moments.
 * That fall says the program ended, not that work drains as fast as it
 * arrives, so a short tail after the last peak (at most 1 s and a quarter
 * of the points) is left out of the judgement.  A bounded or steady series
 * peaks all along, so its tail is a point or two and the verdict stands. */
static size_t fan_out_judged_points(const struct lifecycle_point *points, size_t n)
{
    size_t last_peak = 0;
    for (size_t i = 1; i < n; i++)
        if (points[i].value >= points[last_peak].value)
            last_peak = i;
    size_t tail = n - 1 - last_peak;
    int short_tail = points[n - 1].time_ns >= points[last_peak].time_ns &&
                     points[n - 1].time_ns - points[last_peak].time_ns <= FAN_OUT_MAX_TAIL_NS;
    return tail > 0 && short_tail && tail * 4 <= n ? last_peak + 1 : n;
}

static void fan_out_measure(const struct lifecycle_point *points, size_t n,
                            struct lifecycle_fan_out *f)
{
    size_t tenth = tenth_of(n);
    f->start = mean(points, 0, tenth);
    f->end = mean(points, n - tenth, n);
    f->peak = peak(points, n);
    f->per_s = slope(points, 0, n);
    uint64_t span = points[n - 1].time_ns > points[0].time_ns
                        ? points[n - 1].time_ns - points[0].time_ns : 0;
    f->judged = n >= FAN_OUT_MIN_POINTS && span >= FAN_OUT_MIN_SPAN_NS;
    f->finding = f->judged &&
                 f->end - f->start >= FAN_OUT_MIN_GROWTH && f->per_s >= FAN_OUT_MIN_SLOPE &&
                 slope(points, n / 2, n) > FAN_OUT_MIN_LATE_SLOPE;
}

static void fan_out_judge(const struct lifecycle_point *points, size_t all,
                          struct lifecycle_fan_out *f)
{
    f->points = all;
    if (all == 0)
        return;
    fan_out_measure(points, all, f);
    size_t n = fan_out_judged_points(points, all);
    if (f->finding || n == all)
        return;
    /* Only when leaving the fall out changes the verdict: a steady series
     * keeps the figures of all its points. */
    struct lifecycle_fan_out cut = *f;
    fan_out_measure(points, n, &cut);
    if (cut.finding) {
        *f = cut;
        f->fell_to = points[all - 1].value;
        f->fell_in_ns = points[all - 1].time_ns - points[n - 1].time_ns;
    }
}

static void trend_judge(const struct lifecycle_point *points, size_t n, double min_growth,
                        struct lifecycle_trend *t)
{
    t->points = n;
    if (n == 0)
        return;
    size_t tenth = tenth_of(n);
    t->start = mean(points, 0, tenth);
    t->end = mean(points, n - tenth, n);
    t->peak = peak(points, n);
    double late = slope(points, n / 2, n);
    t->per_minute = late * 60;
    t->judged = n >= LEAK_MIN_POINTS;
    t->growing = t->judged && t->end - t->start >= min_growth && late > 0 &&
                 t->end > mean(points, n / 2, n / 2 + tenth);
}

/* Index of the first point at or after time (points in time order). */
static size_t first_at(const struct lifecycle_point *points, size_t n, uint64_t time)
{
    size_t low = 0, high = n;
    while (low < high) {
        size_t middle = low + (high - low) / 2;
        if (points[middle].time_ns < time)
            low = middle + 1;
        else
            high = middle;
    }
    return low;
}

/* The series over [from, to): start is the first point inside, or the last
 * one before when none is inside; end the last point inside. */
static struct lifecycle_counts counts_in(const struct lifecycle_point *points, size_t n,
                                         uint64_t from, uint64_t to, int to_the_end)
{
    struct lifecycle_counts c = {0, 0, 0, 0};
    size_t low = first_at(points, n, from), high = to_the_end ? n : first_at(points, n, to);
    if (low < high) {
        c = (struct lifecycle_counts){1, points[low].value, points[high - 1].value, 0};
        for (size_t i = low; i < high; i++)
            if (points[i].value > c.peak)
                c.peak = points[i].value;
    } else if (low > 0) {
        double v = points[low - 1].value;
        c = (struct lifecycle_counts){1, v, v, v};
    }
    return c;
}

static int phase_name_is_none(const char *name)
{
    return !name || !*name;
}

static int compare_phase(const void *a, const void *b, void *phases)
{
    const struct profile_phase *p = phases;
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    int by = strcmp(p[x].name, p[y].name);
    return by != 0 ? by : (x > y) - (x < y);
}

/* Named phases that ran more than once, ended their last run higher than
 * their first, and did the growing themselves (see the top of the file). */
static int phases_growth(struct lifecycle_report *r)
{
    const struct profile *p = r->profile;
    size_t *named = malloc(p->phase_count * sizeof *named), n = 0;
    r->growth = malloc(2 * p->phase_count * sizeof *r->growth);
    if (!named || !r->growth) {
        free(named);
        return -1;
    }
    for (size_t i = 0; i < p->phase_count; i++)
        if (!phase_name_is_none(p->phases[i].name))
            named[n++] = i;
    /* Sorted by name then position, a name's runs are adjacent and in order. */
    qsort_r(named, n, sizeof *named, compare_phase, (void *)p->phases);
    for (size_t from = 0; from < n;) {
        size_t to = from + 1;
        while (to < n && strcmp(p->phases[named[to]].name, p->phases[named[from]].name) == 0)
            to++;
        for (int series = 0; series < 2 && to - from >= 2; series++) {
            struct lifecycle_growth g = {r->phases[named[from]].name, series ? "tasks" : "threads",
                                         to - from, 0, 0, 0};
            const struct lifecycle_counts *first = NULL, *last = NULL;
            for (size_t k = from; k < to; k++) {
                const struct lifecycle_phase *run = &r->phases[named[k]];
                const struct lifecycle_counts *c = series ? &run->tasks : &run->threads;
                if (!c->known)
                    continue;
                first = first ? first : c;
                last = c;
                g.inside += c->end - c->start;
            }
            double min = series ? LEAK_MIN_TASKS : LEAK_MIN_THREADS;
            if (!first || first == last)
                continue;
            g.first_end = first->end;
            g.last_end = last->end;
            if (g.last_end - g.first_end >= min && g.inside >= min)
                r->growth[r->growth_count++] = g;
        }
        from = to;
    }
    free(named);
    return 0;
}

/* When the recording ends: its duration, or the last thing seen if later. */
static uint64_t recording_end_ns(const struct profile *p, const struct lifecycle_point *threads,
                                 size_t thread_count, const struct lifecycle_point *tasks,
                                 size_t task_count)
{
    uint64_t end = 0;
    if (isfinite(p->duration_s) && p->duration_s > 0 && p->duration_s < 1e9)
        end = (uint64_t)(p->duration_s * 1e9);
    if (thread_count > 0 && threads[thread_count - 1].time_ns > end)
        end = threads[thread_count - 1].time_ns;
    if (task_count > 0 && tasks[task_count - 1].time_ns > end)
        end = tasks[task_count - 1].time_ns;
    if (p->phase_count > 0 && p->phases[p->phase_count - 1].time_ns > end)
        end = p->phases[p->phase_count - 1].time_ns;
    return end;
}

static int phases_analyse(struct lifecycle_report *r, const struct lifecycle_point *threads,
                          size_t thread_count, const struct lifecycle_point *tasks,
                          size_t task_count)
{
    const struct profile *p = r->profile;
    if (p->phase_count == 0)
        return 0;
    r->phases = calloc(p->phase_count, sizeof *r->phases);
    if (!r->phases)
        return -1;
    r->phase_count = p->phase_count;
    uint64_t end = recording_end_ns(p, threads, thread_count, tasks, task_count);
    for (size_t i = 0; i < p->phase_count; i++) {
        struct lifecycle_phase *phase = &r->phases[i];
        int last = i + 1 == p->phase_count;
        uint64_t to = last ? end : p->phases[i + 1].time_ns;
        phase->name = p->phases[i].name ? p->phases[i].name : "";
        phase->start_ns = p->phases[i].time_ns;
        phase->span_ns = to > phase->start_ns ? to - phase->start_ns : 0;
        phase->threads = counts_in(threads, thread_count, phase->start_ns, to, last);
        phase->tasks = counts_in(tasks, task_count, phase->start_ns, to, last);
    }
    return phases_growth(r);
}

/* Indexes of "executor:" gauges, sorted by name then position. */
static int compare_gauge(const void *a, const void *b, void *gauges)
{
    const struct profile_gauge *g = gauges;
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    int by = strcmp(g[x].name, g[y].name);
    return by != 0 ? by : (x > y) - (x < y);
}

static int executors_analyse(struct lifecycle_report *r, struct lifecycle_point *points)
{
    const struct profile *p = r->profile;
    size_t *executor = malloc((p->gauge_count ? p->gauge_count : 1) * sizeof *executor), n = 0;
    if (!executor)
        return -1;
    for (size_t i = 0; i < p->gauge_count; i++)
        if (p->gauges[i].name && strncmp(p->gauges[i].name, "executor:", 9) == 0)
            executor[n++] = i;
    qsort_r(executor, n, sizeof *executor, compare_gauge, (void *)p->gauges);
    for (size_t from = 0; from < n;) {
        const char *name = p->gauges[executor[from]].name;
        size_t count = 0;
        for (; from < n && strcmp(p->gauges[executor[from]].name, name) == 0; from++) {
            const struct profile_gauge *g = &p->gauges[executor[from]];
            points[count++] = (struct lifecycle_point){g->time_ns, (double)g->value};
        }
        struct lifecycle_fan_out *f = &r->fan_out[r->fan_out_count++];
        f->series = name;
        fan_out_judge(points, count, f);
    }
    free(executor);
    return 0;
}

int lifecycle_series_analyse(struct lifecycle_report *r)
{
    const struct profile *p = r->profile;
    size_t task_count = p->task_count_count, thread_count = 0;
    /* One buffer for every series; the executors reuse the threads' part. */
    struct lifecycle_point *tasks = malloc((task_count + p->gauge_count + 1) * sizeof *tasks);
    /* At most one series per gauge plus the tasks. */
    r->fan_out = calloc(p->gauge_count + 1, sizeof *r->fan_out);
    if (!tasks || !r->fan_out) {
        free(tasks);
        return -1;
    }
    struct lifecycle_point *threads = tasks + task_count;
    for (size_t i = 0; i < task_count; i++)
        tasks[i] = (struct lifecycle_point){p->task_counts[i].time_ns, p->task_counts[i].pending};
    for (size_t i = 0; i < p->gauge_count; i++)
        if (p->gauges[i].name && strcmp(p->gauges[i].name, "threads") == 0)
            threads[thread_count++] =
                (struct lifecycle_point){p->gauges[i].time_ns, (double)p->gauges[i].value};

    if (task_count > 0) {
        struct lifecycle_fan_out *f = &r->fan_out[r->fan_out_count++];
        f->series = "tasks";
        f->tasks = 1;
        fan_out_judge(tasks, task_count, f);
    }
    trend_judge(threads, thread_count, LEAK_MIN_THREADS, &r->threads);
    trend_judge(tasks, task_count, LEAK_MIN_TASKS, &r->tasks);
    int rc = phases_analyse(r, threads, thread_count, tasks, task_count);
    if (rc == 0)
        rc = executors_analyse(r, threads); /* the thread points are no longer needed */
    free(tasks);
    return rc;
}
