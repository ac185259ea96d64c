/* lifecycle_json.c - the lifecycle report as one JSON object.
 *
 * The same report the text prints (lifecycle_analysis.h), every entry of
 * every list.  Strings from the target go through json_write_string (escaped,
 * invalid UTF-8 replaced); absent strings are null; a number that is not
 * finite (a hand-built profile's duration) is null, so the output always
 * parses.  An await chain "f (a.py:1) <- g (a.py:2)" becomes the array
 * "stack", innermost first. */
#include <errno.h>
#include <stdarg.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "frame_text.h"
#include "json.h"
#include "lifecycle_analysis.h"
#include "stream.h"

struct json {
    struct sticky_out sink;
    int out_of_memory;
};

static void put(struct json *j, const char *format, ...) __attribute__((format(printf, 2, 3)));

static void put(struct json *j, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    sticky_vprintf(&j->sink, format, args);
    va_end(args);
}

static void string(struct json *j, const char *text)
{
    if (!text)
        put(j, "null");
    else if (!j->sink.failed && json_write_string(j->sink.out, text) != 0)
        j->sink.failed = 1;
}

/* "key":number with the given decimals, null when not finite. */
static void number(struct json *j, const char *key, double value, int decimals)
{
    if (isfinite(value))
        put(j, "\"%s\":%.*f", key, decimals, value);
    else
        put(j, "\"%s\":null", key);
}

static double seconds(uint64_t ns)
{
    return (double)ns / 1e9;
}

static void boolean(struct json *j, const char *key, int value)
{
    put(j, "\"%s\":%s", key, value ? "true" : "false");
}

/* "stack":[...] from an await chain, split on " <- " (in a copy, cut in place). */
static void stack(struct json *j, const char *where)
{
    put(j, "\"stack\":[");
    char *copy = where && *where ? strdup(where) : NULL;
    if (where && *where && !copy)
        j->out_of_memory = 1;
    size_t separator = strlen(LIFECYCLE_CHAIN_SEPARATOR);
    for (char *frame = copy, *next; frame; frame = next) {
        char *cut = strstr(frame, LIFECYCLE_CHAIN_SEPARATOR);
        next = cut ? cut + separator : NULL;
        if (cut)
            *cut = '\0';
        put(j, "%s", frame == copy ? "" : ",");
        string(j, frame);
    }
    free(copy);
    put(j, "]");
}

static const char *owner_end_key(uint64_t value)
{
    return value == LIFECYCLE_END_GONE        ? "gone"
           : value == LIFECYCLE_END_DONE      ? "done"
           : value == LIFECYCLE_END_CANCELLED ? "cancelled"
                                              : "unknown";
}

static void json_orphans(struct json *j, const struct lifecycle_report *r)
{
    put(j, ",\"orphans\":[");
    for (size_t i = 0; i < r->orphan_count; i++) {
        const struct profile_lifecycle_event *e = r->orphans[i];
        put(j, "%s{\"task\":", i ? "," : "");
        string(j, e->subject);
        put(j, ",\"owner\":");
        string(j, e->other);
        put(j, ",\"owner_end\":\"%s\",", owner_end_key(e->value));
        number(j, "owner_end_s", seconds(e->start_ns), 6);
        put(j, ",");
        number(j, "outlived_s", seconds(e->duration_ns), 6);
        put(j, ",");
        stack(j, e->where);
        put(j, "}");
    }
    put(j, "]");
}

static void json_stuck(struct json *j, const struct lifecycle_report *r)
{
    put(j, ",\"stuck_awaits\":[");
    for (size_t i = 0; i < r->stuck_count; i++) {
        const struct profile_lifecycle_event *e = r->stuck[i];
        put(j, "%s{\"task\":", i ? "," : "");
        string(j, e->subject);
        put(j, ",");
        number(j, "since_s", seconds(e->start_ns), 6);
        put(j, ",");
        number(j, "waiting_s", seconds(e->duration_ns), 6);
        put(j, ",\"awaited_by\":");
        string(j, e->other);
        put(j, ",\"tasks_here\":%zu,", r->stuck_tasks[i]);
        stack(j, e->where);
        put(j, "}");
    }
    put(j, "]");
}

static void json_sites(struct json *j, const struct lifecycle_report *r,
                       const struct lifecycle_site *sites, size_t count)
{
    char frame[1024];
    put(j, ",\"call_sites\":[");
    for (size_t i = 0; i < count; i++) {
        frame_text_format(frame, sizeof frame, &r->profile->frames[sites[i].frame]);
        put(j, "%s{\"frame\":", i ? "," : "");
        string(j, frame);
        put(j, ",\"samples\":%llu}", (unsigned long long)sites[i].samples);
    }
    put(j, "]");
}

static void json_fan_out(struct json *j, const struct lifecycle_report *r)
{
    put(j, ",\"fan_out\":[");
    for (size_t i = 0; i < r->fan_out_count; i++) {
        const struct lifecycle_fan_out *f = &r->fan_out[i];
        put(j, "%s{\"series\":", i ? "," : "");
        string(j, f->series);
        put(j, ",");
        boolean(j, "finding", f->finding);
        put(j, ",");
        number(j, "start", f->start, 3);
        put(j, ",");
        number(j, "end", f->end, 3);
        put(j, ",");
        number(j, "peak", f->peak, 0);
        put(j, ",");
        number(j, "per_s", f->per_s, 3);
        put(j, ",\"spawned\":[");
        for (size_t k = 0; f->tasks && k < r->spawned_count; k++) {
            put(j, "%s{\"coroutine\":", k ? "," : "");
            string(j, r->spawned[k].coroutine);
            put(j, ",\"count\":%llu,\"owner\":", (unsigned long long)r->spawned[k].count);
            string(j, r->spawned[k].owner);
            put(j, "}");
        }
        put(j, "]");
        if (f->tasks)
            json_sites(j, r, r->task_sites, r->task_site_count);
        else
            json_sites(j, r, r->submit_sites, r->submit_site_count);
        put(j, "}");
    }
    put(j, "]");
}

static void json_shutdown(struct json *j, const struct lifecycle_report *r)
{
    const struct profile_lifecycle_event *s = r->shutdown;
    /* without a SHUTDOWN event, whether the recording ended with the target */
    int exited = s ? s->value == 1 : r->profile->target_exited;
    put(j, ",\"shutdown\":{\"process_exited\":%s,", exited ? "true" : "false");
    number(j, "main_finished_s", s ? seconds(s->start_ns) : NAN, 6);
    put(j, ",");
    number(j, "exit_after_s", s ? seconds(s->duration_ns) : NAN, 6);
    put(j, ",\"threads\":[");
    for (size_t i = 0; i < r->exit_thread_count; i++) {
        const struct profile_lifecycle_event *e = r->exit_threads[i];
        put(j, "%s{\"name\":", i ? "," : "");
        string(j, e->subject);
        put(j, ",\"tid\":%llu,", (unsigned long long)e->value);
        boolean(j, "held_exit", lifecycle_held_exit(e));
        put(j, ",");
        number(j, "for_s", seconds(e->duration_ns), 6);
        put(j, ",");
        boolean(j, "executor_worker", lifecycle_executor_worker(e->subject));
        put(j, ",");
        stack(j, e->where);
        put(j, "}");
    }
    put(j, "],\"tasks\":[");
    for (size_t i = 0; i < r->exit_task_count; i++) {
        put(j, "%s{\"task\":", i ? "," : "");
        string(j, r->exit_tasks[i]->subject);
        put(j, ",");
        stack(j, r->exit_tasks[i]->where);
        put(j, "}");
    }
    put(j, "]}");
}

static void json_trend(struct json *j, const char *key, const struct lifecycle_trend *k)
{
    put(j, "\"%s\":", key);
    if (k->points == 0) {
        put(j, "null");
        return;
    }
    put(j, "{");
    number(j, "start", k->start, 3);
    put(j, ",");
    number(j, "peak", k->peak, 0);
    put(j, ",");
    number(j, "end", k->end, 3);
    put(j, ",");
    number(j, "per_minute", k->per_minute, 3);
    put(j, ",");
    boolean(j, "growing", k->growing);
    put(j, "}");
}

static void json_counts(struct json *j, const char *key, const struct lifecycle_counts *c)
{
    put(j, "\"%s\":", key);
    if (!c->known) {
        put(j, "null");
        return;
    }
    put(j, "{");
    number(j, "start", c->start, 0);
    put(j, ",");
    number(j, "end", c->end, 0);
    put(j, ",");
    number(j, "peak", c->peak, 0);
    put(j, "}");
}

static void json_leaks(struct json *j, const struct lifecycle_report *r)
{
    put(j, ",\"leaks\":{");
    json_trend(j, "threads", &r->threads);
    put(j, ",");
    json_trend(j, "tasks", &r->tasks);
    put(j, ",\"phases\":[");
    for (size_t i = 0; i < r->phase_count; i++) {
        const struct lifecycle_phase *ph = &r->phases[i];
        put(j, "%s{\"name\":", i ? "," : "");
        string(j, ph->name);
        put(j, ",");
        number(j, "start_s", seconds(ph->start_ns), 6);
        put(j, ",");
        number(j, "span_s", seconds(ph->span_ns), 6);
        put(j, ",");
        json_counts(j, "threads", &ph->threads);
        put(j, ",");
        json_counts(j, "tasks", &ph->tasks);
        put(j, "}");
    }
    put(j, "],\"repeated_phase_growth\":[");
    for (size_t i = 0; i < r->growth_count; i++) {
        const struct lifecycle_growth *g = &r->growth[i];
        put(j, "%s{\"phase\":", i ? "," : "");
        string(j, g->phase);
        put(j, ",\"series\":\"%s\",", g->series);
        number(j, "growth", g->last_end - g->first_end, 0);
        put(j, "}");
    }
    put(j, "]}");
}

int lifecycle_json_print(FILE *out, const struct lifecycle_report *r)
{
    const struct profile *p = r->profile;
    struct json j = {{out, 0}, 0};
    put(&j, "{\"lifecycle\":true,\"pid\":%d,\"python_version\":", p->pid);
    string(&j, p->python_version);
    put(&j, ",");
    number(&j, "duration_s", p->duration_s, 6);
    put(&j, ",");
    number(&j, "stuck_await_s", r->stuck_await_s, 3);
    put(&j, ",\"findings\":{");
    for (int i = 0; i < LIFECYCLE_CHECK_COUNT; i++)
        put(&j, "%s\"%s\":%zu", i ? "," : "", lifecycle_check_names[i], r->findings[i]);
    put(&j, "},\"total\":%zu", r->total);
    json_orphans(&j, r);
    json_stuck(&j, r);
    json_fan_out(&j, r);
    json_shutdown(&j, r);
    json_leaks(&j, r);
    put(&j, "}\n");
    if (j.out_of_memory) {
        errno = ENOMEM;
        return -1;
    }
    if (j.sink.failed)
        return -1;
    return stream_finish(out);
}
