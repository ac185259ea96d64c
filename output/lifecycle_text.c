/* lifecycle_text.c - the lifecycle report as aligned text.
 *
 *   Lifecycle checks: pid 4242, 6.0 s, Python 3.12.1
 *
 *   Orphaned tasks: 1 finding
 *     child-worker  pending 3.2 s after its owner parent-task was cancelled (at 1.1 s)
 *         at spin (app.py:12) <- child (app.py:20)
 *   ...
 *   Verdict: 1 finding (orphans 1, stuck-awaits 0, fan-out 0, shutdown 0, leaks 0)
 *
 * Task, thread and phase names come from the target: control bytes and
 * invalid UTF-8 print as '?' (so an escape sequence in a name cannot drive
 * the terminal) and long names are cut with "..".  Widths count characters,
 * so UTF-8 names stay aligned.  Long lists stop at LIFECYCLE_TEXT_ROWS; the
 * JSON has everything. */
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "frame_text.h"
#include "lifecycle_analysis.h"
#include "stream.h"

#define LIFECYCLE_TEXT_ROWS 50
#define NAME_MAX_CHARS 40   /* a task, thread or series name in a column */
#define CHAIN_MAX_CHARS 400 /* an "at" line */

#define ANSI_BOLD "\033[1m"
#define ANSI_RED "\033[31m"
#define ANSI_RESET "\033[0m"

struct text {
    struct sticky_out sink;
    int color;
};

static void put(struct text *t, const char *format, ...) __attribute__((format(printf, 2, 3)));

static void put(struct text *t, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    sticky_vprintf(&t->sink, format, args);
    va_end(args);
}

static void style(struct text *t, const char *code)
{
    if (t->color)
        put(t, "%s", code);
}

/* Characters text takes once cut to max. */
static size_t width_of(const char *text, size_t max)
{
    return frame_text_chars(text ? text : "?", max);
}

/* text cleaned and cut to max characters ("..": cut); returns the characters written. */
static size_t put_clean(struct text *t, const char *text, size_t max)
{
    const char *s = text ? text : "?";
    size_t limit = width_of(s, max + 1) > max ? max - 2 : max;
    char clean[4 * CHAIN_MAX_CHARS + 1];
    size_t used = frame_text_clean(s, limit, clean, sizeof clean);
    put(t, "%s", clean);
    if (s[used]) {
        put(t, "..");
        return frame_text_chars(clean, limit) + 2;
    }
    return frame_text_chars(clean, limit);
}

static void put_cell(struct text *t, const char *text, size_t width)
{
    size_t chars = put_clean(t, text, NAME_MAX_CHARS);
    put(t, "%*s", (int)(width > chars ? width - chars : 0), "");
}

static void put_chain(struct text *t, const char *where)
{
    if (!where || !*where)
        return;
    put(t, "      at ");
    put_clean(t, where, CHAIN_MAX_CHARS);
    put(t, "\n");
}

/* A count: whole when it is (or nearly is), else one decimal. */
static const char *count_text(char *buf, size_t cap, double v)
{
    if (!isfinite(v))
        snprintf(buf, cap, "?");
    else if (fabs(v) >= 1e15)
        snprintf(buf, cap, "%.3g", v);
    else if (fabs(v - round(v)) < 0.05)
        snprintf(buf, cap, "%.0f", fabs(v) < 0.5 ? 0.0 : v); /* never "-0" */
    else
        snprintf(buf, cap, "%.1f", v);
    return buf;
}

static double seconds(uint64_t ns)
{
    return (double)ns / 1e9;
}

static void heading(struct text *t, const char *title, size_t findings)
{
    put(t, "\n");
    style(t, ANSI_BOLD);
    put(t, "%s", title);
    style(t, ANSI_RESET);
    put(t, " ");
    if (findings)
        style(t, ANSI_RED);
    if (findings == 0)
        put(t, "no finding");
    else
        put(t, "%zu finding%s", findings, findings == 1 ? "" : "s");
    if (findings)
        style(t, ANSI_RESET);
    put(t, "\n");
}

static void more_rows(struct text *t, size_t count, const char *what)
{
    if (count > LIFECYCLE_TEXT_ROWS)
        put(t, "  ... %zu more %s (the JSON lists all)\n", count - LIFECYCLE_TEXT_ROWS, what);
}

static size_t rows(size_t count)
{
    return count < LIFECYCLE_TEXT_ROWS ? count : LIFECYCLE_TEXT_ROWS;
}

static const char *owner_end_text(uint64_t value)
{
    return value == LIFECYCLE_END_GONE        ? "was finished and freed"
           : value == LIFECYCLE_END_DONE      ? "was finished"
           : value == LIFECYCLE_END_CANCELLED ? "was cancelled"
                                              : "ended";
}

static void text_orphans(struct text *t, const struct lifecycle_report *r)
{
    size_t width = 0;
    heading(t, "Orphaned tasks:", r->findings[LIFECYCLE_AT_ORPHANS]);
    for (size_t i = 0; i < rows(r->orphan_count); i++)
        if (width_of(r->orphans[i]->subject, NAME_MAX_CHARS) > width)
            width = width_of(r->orphans[i]->subject, NAME_MAX_CHARS);
    for (size_t i = 0; i < rows(r->orphan_count); i++) {
        const struct profile_lifecycle_event *e = r->orphans[i];
        put(t, "  ");
        put_cell(t, e->subject, width);
        put(t, "  pending %.1f s after its owner ", seconds(e->duration_ns));
        put_clean(t, e->other, NAME_MAX_CHARS);
        put(t, " %s (at %.1f s)\n", owner_end_text(e->value), seconds(e->start_ns));
        put_chain(t, e->where);
    }
    more_rows(t, r->orphan_count, "orphans");
}

static void text_stuck(struct text *t, const struct lifecycle_report *r)
{
    char title[96];
    size_t width = 0;
    snprintf(title, sizeof title, "Awaits with no deadline (>= %g s):", r->stuck_await_s);
    heading(t, title, r->findings[LIFECYCLE_AT_STUCK_AWAITS]);
    for (size_t i = 0; i < rows(r->stuck_count); i++)
        if (width_of(r->stuck[i]->subject, NAME_MAX_CHARS) > width)
            width = width_of(r->stuck[i]->subject, NAME_MAX_CHARS);
    for (size_t i = 0; i < rows(r->stuck_count); i++) {
        const struct profile_lifecycle_event *e = r->stuck[i];
        put(t, "  ");
        put_cell(t, e->subject, width);
        put(t, "  waiting %.1f s since %.1f s", seconds(e->duration_ns), seconds(e->start_ns));
        if (e->other) {
            put(t, ", awaited by ");
            put_clean(t, e->other, CHAIN_MAX_CHARS);
        }
        if (r->stuck_tasks[i] > 1)
            put(t, " (%zu tasks waited here)", r->stuck_tasks[i]);
        put(t, "\n");
        put_chain(t, e->where);
    }
    more_rows(t, r->stuck_count, "await points");
}

static void text_sites(struct text *t, const struct lifecycle_report *r,
                       const struct lifecycle_site *sites, size_t count)
{
    char frame[1024];
    for (size_t i = 0; i < count; i++) {
        frame_text_format(frame, sizeof frame, &r->profile->frames[sites[i].frame]);
        put(t, "      call site: ");
        put_clean(t, frame, CHAIN_MAX_CHARS);
        put(t, "  (%llu sample%s)\n", (unsigned long long)sites[i].samples,
            sites[i].samples == 1 ? "" : "s");
    }
}

static const char *fan_out_label(const struct lifecycle_fan_out *f)
{
    return f->tasks ? "pending tasks" : f->series;
}

static void text_fan_out(struct text *t, const struct lifecycle_report *r)
{
    char a[48], b[48], c[48];
    size_t width = 0;
    heading(t, "Unbounded fan-out:", r->findings[LIFECYCLE_AT_FAN_OUT]);
    if (r->fan_out_count == 0)
        put(t, "  (no pending-task counts or executor queues were recorded)\n");
    for (size_t i = 0; i < r->fan_out_count; i++)
        if (width_of(fan_out_label(&r->fan_out[i]), NAME_MAX_CHARS) > width)
            width = width_of(fan_out_label(&r->fan_out[i]), NAME_MAX_CHARS);
    for (size_t i = 0; i < r->fan_out_count; i++) {
        const struct lifecycle_fan_out *f = &r->fan_out[i];
        put(t, "  ");
        put_cell(t, fan_out_label(f), width);
        count_text(a, sizeof a, f->start);
        count_text(b, sizeof b, f->end);
        count_text(c, sizeof c, f->peak);
        if (!f->finding) {
            put(t, "   %s (%s -> %s, peak %s)\n", f->judged ? "steady" : "too short to judge", a,
                b, c);
            continue;
        }
        put(t, "   %s -> %s (peak %s), %+.1f/s", a, b, c, f->per_s);
        if (f->fell_in_ns > 0)
            put(t, "; fell to %s in the last %.1f s", count_text(a, sizeof a, f->fell_to),
                seconds(f->fell_in_ns));
        put(t, "\n");
        for (size_t k = 0; f->tasks && k < r->spawned_count; k++) {
            put(t, "      spawned: ");
            put_clean(t, r->spawned[k].coroutine, CHAIN_MAX_CHARS);
            put(t, " x %llu", (unsigned long long)r->spawned[k].count);
            if (r->spawned[k].owner) {
                put(t, " (by ");
                put_clean(t, r->spawned[k].owner, NAME_MAX_CHARS);
                put(t, ")");
            }
            put(t, "\n");
        }
        if (f->tasks)
            text_sites(t, r, r->task_sites, r->task_site_count);
        else
            text_sites(t, r, r->submit_sites, r->submit_site_count);
    }
}

static void text_shutdown(struct text *t, const struct lifecycle_report *r)
{
    const struct profile_lifecycle_event *s = r->shutdown;
    heading(t, "Shutdown:", r->findings[LIFECYCLE_AT_SHUTDOWN]);
    if (s && s->value == 1)
        put(t, "  main thread finished at %.1f s; the process exited %.2f s later\n",
            seconds(s->start_ns), seconds(s->duration_ns));
    else if (s)
        put(t, "  main thread finished at %.1f s; the recording ended %.2f s later, before the "
               "process exited\n", seconds(s->start_ns), seconds(s->duration_ns));
    else if (r->profile->target_exited)
        put(t, "  the process exited without its main thread being seen to finish (os._exit, a "
               "signal, or too quick to sample)\n");
    else
        put(t, "  the process did not exit during the recording\n");
    for (size_t i = 0, shown = 0; i < r->exit_thread_count && shown < LIFECYCLE_TEXT_ROWS; i++) {
        const struct profile_lifecycle_event *e = r->exit_threads[i];
        if (!lifecycle_held_exit(e))
            continue;
        put(t, "  thread ");
        put_clean(t, e->subject, NAME_MAX_CHARS);
        put(t, " (tid %llu) held exit up for %.2f s%s\n", (unsigned long long)e->value,
            seconds(e->duration_ns), lifecycle_executor_worker(e->subject) ? " (executor worker)" : "");
        put_chain(t, e->where);
        shown++;
    }
    more_rows(t, r->held_exit, "threads");
    for (size_t i = 0; i < rows(r->exit_task_count); i++) {
        put(t, "  task ");
        put_clean(t, r->exit_tasks[i]->subject, NAME_MAX_CHARS);
        put(t, " was left pending by its stopped event loop, awaited by nothing\n");
        put_chain(t, r->exit_tasks[i]->where);
    }
    more_rows(t, r->exit_task_count, "tasks");
    if (r->slow_exit)
        put(t, "  exit took %.2f s after the main thread finished, with no thread or task seen "
               "holding it up\n", seconds(s->duration_ns));
    /* Information: daemon threads are killed at exit, they do not hold it up. */
    for (size_t i = 0, shown = 0; i < r->exit_thread_count && shown < LIFECYCLE_TEXT_ROWS; i++) {
        const struct profile_lifecycle_event *e = r->exit_threads[i];
        if (lifecycle_held_exit(e))
            continue;
        put(t, "  %sthread ", e->other && strcmp(e->other, "alive") == 0 ? "daemon " : "");
        put_clean(t, e->subject, NAME_MAX_CHARS);
        put(t, " (tid %llu) was still running at exit\n", (unsigned long long)e->value);
        shown++;
    }
    more_rows(t, r->exit_thread_count - r->held_exit, "threads");
}

static void text_trend(struct text *t, const char *label, const struct lifecycle_trend *k,
                       int fan_out)
{
    char a[48], b[48], c[48];
    put(t, "  %-8s  ", label);
    if (k->points == 0) {
        put(t, "not recorded\n");
        return;
    }
    put(t, "start %s, peak %s, end %s, %+.1f/min, ", count_text(a, sizeof a, k->start),
        count_text(b, sizeof b, k->peak), count_text(c, sizeof c, k->end), k->per_minute);
    if (k->growing) {
        style(t, ANSI_RED);
        put(t, "growing");
        style(t, ANSI_RESET);
        if (fan_out)
            put(t, " (counted as the fan-out above)");
    } else {
        put(t, "%s", k->judged ? "steady" : "too short to judge");
    }
    put(t, "\n");
}

/* "start/end/peak", or "-" when the series had no point by then. */
static const char *counts_text(char *buf, size_t cap, const struct lifecycle_counts *c)
{
    char a[48], b[48], d[48];
    if (!c->known)
        snprintf(buf, cap, "-");
    else
        snprintf(buf, cap, "%s/%s/%s", count_text(a, sizeof a, c->start),
                 count_text(b, sizeof b, c->end), count_text(d, sizeof d, c->peak));
    return buf;
}

static const char *phase_label(const char *name)
{
    return name && *name ? name : "(no phase)";
}

static void text_phases(struct text *t, const struct lifecycle_report *r)
{
    static const char threads_head[] = "threads start/end/peak", tasks_head[] = "tasks start/end/peak";
    char cell[160], other[160];
    size_t name_w = strlen("phase"), start_w = strlen("start"), span_w = strlen("span");
    size_t threads_w = strlen(threads_head), n = rows(r->phase_count);
    for (size_t i = 0; i < n; i++) {
        const struct lifecycle_phase *ph = &r->phases[i];
        size_t w = width_of(phase_label(ph->name), NAME_MAX_CHARS);
        name_w = w > name_w ? w : name_w;
        w = (size_t)snprintf(cell, sizeof cell, "%.1f s", seconds(ph->start_ns));
        start_w = w > start_w ? w : start_w;
        w = (size_t)snprintf(cell, sizeof cell, "%.1f s", seconds(ph->span_ns));
        span_w = w > span_w ? w : span_w;
        w = strlen(counts_text(cell, sizeof cell, &ph->threads));
        threads_w = w > threads_w ? w : threads_w;
    }
    put(t, "  ");
    put_cell(t, "phase", name_w);
    put(t, "  %*s  %*s  %-*s  %s\n", (int)start_w, "start", (int)span_w, "span", (int)threads_w,
        threads_head, tasks_head);
    for (size_t i = 0; i < n; i++) {
        const struct lifecycle_phase *ph = &r->phases[i];
        put(t, "  ");
        put_cell(t, phase_label(ph->name), name_w);
        snprintf(cell, sizeof cell, "%.1f s", seconds(ph->start_ns));
        snprintf(other, sizeof other, "%.1f s", seconds(ph->span_ns));
        put(t, "  %*s  %*s", (int)start_w, cell, (int)span_w, other);
        put(t, "  %-*s", (int)threads_w, counts_text(cell, sizeof cell, &ph->threads));
        put(t, "  %s\n", counts_text(cell, sizeof cell, &ph->tasks));
    }
    more_rows(t, r->phase_count, "phases");
}

static void text_leaks(struct text *t, const struct lifecycle_report *r)
{
    char a[48], b[48], c[48];
    heading(t, "Leaks:", r->findings[LIFECYCLE_AT_LEAKS]);
    text_trend(t, "threads", &r->threads, 0);
    text_trend(t, "tasks", &r->tasks, r->tasks_growth_is_fan_out);
    for (size_t i = 0; i < rows(r->growth_count); i++) {
        const struct lifecycle_growth *g = &r->growth[i];
        put(t, "  %s grow by %s per '", g->series,
            count_text(a, sizeof a, g->inside / (double)g->runs));
        put_clean(t, g->phase, NAME_MAX_CHARS);
        put(t, "' phase (%zu runs; %s at the end of the first, %s at the end of the last)\n",
            g->runs, count_text(b, sizeof b, g->first_end), count_text(c, sizeof c, g->last_end));
    }
    more_rows(t, r->growth_count, "phase growths");
    if (r->phase_count > 0)
        text_phases(t, r);
}

int lifecycle_text_print(FILE *out, const struct lifecycle_report *r, int color)
{
    const struct profile *p = r->profile;
    struct text t = {{out, 0}, color};
    style(&t, ANSI_BOLD);
    put(&t, "Lifecycle checks: pid %d, %.1f s", p->pid, p->duration_s);
    if (p->python_version) {
        put(&t, ", Python ");
        put_clean(&t, p->python_version, NAME_MAX_CHARS);
    }
    style(&t, ANSI_RESET);
    put(&t, "\n");
    if (p->command) {
        put(&t, "  command: ");
        put_clean(&t, p->command, CHAIN_MAX_CHARS);
        put(&t, "\n");
    }
    text_orphans(&t, r);
    text_stuck(&t, r);
    text_fan_out(&t, r);
    text_shutdown(&t, r);
    text_leaks(&t, r);
    put(&t, "\n");
    style(&t, ANSI_BOLD);
    put(&t, "Verdict:");
    style(&t, ANSI_RESET);
    put(&t, " ");
    if (r->total)
        style(&t, ANSI_RED);
    if (r->total == 0)
        put(&t, "no findings");
    else
        put(&t, "%zu finding%s", r->total, r->total == 1 ? "" : "s");
    if (r->total)
        style(&t, ANSI_RESET);
    put(&t, " (");
    for (int i = 0; i < LIFECYCLE_CHECK_COUNT; i++)
        put(&t, "%s%s %zu", i ? ", " : "", lifecycle_check_names[i], r->findings[i]);
    put(&t, ")\n");
    if (t.sink.failed)
        return -1;
    return stream_finish(out);
}
