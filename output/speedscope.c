/* speedscope.c - speedscope's JSON file format, "sampled" profiles.
 *
 * Schema: https://www.speedscope.app/file-format-schema.json (shipped as
 * dist/release/file-format-schema.json in the `speedscope` npm package).
 *
 *     {"$schema": ..., "exporter": "pyconc-prof", "name": COMMAND,
 *      "activeProfileIndex": N,
 *      "shared": {"frames": [{"name", "file", "line"}, ...]},
 *      "profiles": [{"type": "sampled", "name": "NAME (tid TID)",
 *                    "unit": "nanoseconds", "startValue", "endValue",
 *                    "samples": [[frame, ...], ...], "weights": [...]}, ...]}
 *
 * Key choices:
 * - The shared frame table is the profile's own frame table, index for
 *   index, so a sample is just its stack's frame indexes (outermost first,
 *   as speedscope wants them).  Markers and task roots (file "") carry no
 *   file or line; an unknown (negative) line is left out.
 * - One profile per thread that has samples, in thread order;
 *   activeProfileIndex opens the busiest one.  Speedscope has no notion of
 *   a process, so under record --subprocesses (profile.process_roots) the
 *   process goes into the name, "process:PID:NAME thread:NAME:TID", and the
 *   profiles come grouped by process (in the profile's process order, then
 *   thread order; threads without a process last).
 * - With a timeline, a thread's samples are listed in time order and each
 *   weighs the time to that thread's next sample (the sampling period for
 *   its last), so speedscope's time-order view is a real timeline.  Without
 *   one, each stack is one sample weighing count * period.  Weights are
 *   whole nanoseconds; endValue - startValue is their sum.
 * Names go out as they are, escaped by json_write_string (which turns
 * invalid UTF-8 into U+FFFD); speedscope has no ';' problem. */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>

#include "stream.h"
#include "json.h"
#include "profile.h"
#include "profile_index.h"

#define SPEEDSCOPE_SCHEMA "https://www.speedscope.app/file-format-schema.json"

/* What a writer pass needs besides the profile. */
struct speedscope_writer {
    FILE *out;
    const struct profile *profile;
    struct profile_index index;
    size_t *order; /* thread indexes in the order their profiles are written */
    int by_timeline;
    uint64_t interval_ns;
};

static int speedscope_write_frames(FILE *out, const struct profile *profile)
{
    if (fputs("\"shared\":{\"frames\":[", out) == EOF)
        return -1;
    for (size_t i = 0; i < profile->frame_count; i++) {
        const struct profile_frame *frame = &profile->frames[i];
        int has_file = frame->file && frame->file[0];

        if (fputs(i ? ",\n{\"name\":" : "\n{\"name\":", out) == EOF)
            return -1;
        if (json_write_string(out, frame->name ? frame->name : "?") < 0)
            return -1;
        if (has_file) {
            if (fputs(",\"file\":", out) == EOF || json_write_string(out, frame->file) < 0)
                return -1;
            if (frame->line >= 0 && fprintf(out, ",\"line\":%d", frame->line) < 0)
                return -1;
        }
        if (fputc('}', out) == EOF)
            return -1;
    }
    return fputs("]},\n", out) == EOF ? -1 : 0;
}

/* The stack behind item `i` of a thread's group. */
static const struct profile_stack *speedscope_stack_of(const struct speedscope_writer *w, size_t item)
{
    size_t stack = w->by_timeline ? w->profile->timeline[item].stack : item;

    return &w->profile->stacks[stack];
}

/* Weight of the k-th item of thread t's group (k indexes into the group). */
static uint64_t speedscope_weight(const struct speedscope_writer *w, size_t t, size_t k)
{
    size_t first = w->index.start[t];
    size_t end = w->index.start[t + 1];
    size_t item = w->index.items[first + k];

    if (!w->by_timeline)
        return w->profile->stacks[item].count * w->interval_ns;
    if (first + k + 1 >= end)
        return w->interval_ns;
    uint64_t now = w->profile->timeline[item].time_ns;
    uint64_t next = w->profile->timeline[w->index.items[first + k + 1]].time_ns;
    return next > now ? next - now : 0; /* out-of-order times weigh nothing */
}

static int speedscope_write_profile_name(FILE *out, const struct profile *profile, size_t t)
{
    const struct profile_thread *thread = &profile->threads[t];
    const struct profile_process *process = profile_thread_process(profile, t);
    const char *thread_name = thread->name ? thread->name : "";
    char *name = NULL;
    int rc;

    if (process)
        rc = asprintf(&name, "process:%d:%s thread:%s:%" PRIu64, process->pid,
                      process->name ? process->name : "", thread_name, thread->tid);
    else
        rc = asprintf(&name, "%s (tid %" PRIu64 ")", thread_name, thread->tid);
    if (rc < 0) {
        errno = ENOMEM;
        return -1;
    }
    rc = json_write_string(out, name);
    free(name);
    return rc;
}

static int speedscope_write_samples(const struct speedscope_writer *w, size_t t)
{
    FILE *out = w->out;

    for (size_t i = w->index.start[t]; i < w->index.start[t + 1]; i++) {
        const struct profile_stack *stack = speedscope_stack_of(w, w->index.items[i]);

        if (fputs(i > w->index.start[t] ? ",\n[" : "\n[", out) == EOF)
            return -1;
        for (uint32_t d = 0; d < stack->depth; d++)
            if (fprintf(out, d ? ",%" PRIu32 : "%" PRIu32, stack->frames[d]) < 0)
                return -1;
        if (fputc(']', out) == EOF)
            return -1;
    }
    return 0;
}

static int speedscope_write_profile(const struct speedscope_writer *w, size_t t, int first)
{
    FILE *out = w->out;
    size_t count = w->index.start[t + 1] - w->index.start[t];
    uint64_t start = 0;
    uint64_t total = 0;

    if (w->by_timeline)
        start = w->profile->timeline[w->index.items[w->index.start[t]]].time_ns;
    for (size_t k = 0; k < count; k++)
        total += speedscope_weight(w, t, k);
    if (fputs(first ? "{\"type\":\"sampled\",\"name\":" : ",\n{\"type\":\"sampled\",\"name\":", out) == EOF)
        return -1;
    if (speedscope_write_profile_name(out, w->profile, t) < 0)
        return -1;
    if (fprintf(out, ",\"unit\":\"nanoseconds\",\"startValue\":%" PRIu64 ",\"endValue\":%" PRIu64
                ",\n\"samples\":[", start, start + total) < 0)
        return -1;
    if (speedscope_write_samples(w, t) < 0)
        return -1;
    if (fputs("],\n\"weights\":[", out) == EOF)
        return -1;
    for (size_t k = 0; k < count; k++)
        if (fprintf(out, k ? ",%" PRIu64 : "%" PRIu64, speedscope_weight(w, t, k)) < 0)
            return -1;
    return fputs("]}", out) == EOF ? -1 : 0;
}

/* Position, among the profiles written, of the thread with most samples. */
static size_t speedscope_busiest(const struct speedscope_writer *w)
{
    size_t best = 0;
    size_t best_count = 0;
    size_t position = 0;

    for (size_t i = 0; i < w->index.thread_count; i++) {
        size_t t = w->order[i];
        size_t count = w->index.start[t + 1] - w->index.start[t];
        uint64_t weight = 0;

        if (count == 0)
            continue;
        if (!w->by_timeline)
            for (size_t k = 0; k < count; k++)
                weight += w->profile->stacks[w->index.items[w->index.start[t] + k]].count;
        else
            weight = count;
        if (weight > best_count) {
            best = position;
            best_count = weight;
        }
        position++;
    }
    return best;
}

static int speedscope_write_document(const struct speedscope_writer *w)
{
    FILE *out = w->out;
    const struct profile *profile = w->profile;
    int first = 1;

    if (fputs("{\"$schema\":\"" SPEEDSCOPE_SCHEMA "\",\n\"exporter\":\"pyconc-prof\",\n\"name\":", out) == EOF)
        return -1;
    if (profile->command) {
        if (json_write_string(out, profile->command) < 0)
            return -1;
    } else if (fprintf(out, "\"pid %d\"", profile->pid) < 0) {
        return -1;
    }
    if (fprintf(out, ",\n\"activeProfileIndex\":%zu,\n", speedscope_busiest(w)) < 0)
        return -1;
    if (speedscope_write_frames(out, profile) < 0)
        return -1;
    if (fputs("\"profiles\":[\n", out) == EOF)
        return -1;
    for (size_t i = 0; i < profile->thread_count; i++) {
        size_t t = w->order[i];

        if (w->index.start[t + 1] == w->index.start[t])
            continue;
        if (speedscope_write_profile(w, t, first) < 0)
            return -1;
        first = 0;
    }
    return fputs("\n]}\n", out) == EOF ? -1 : 0;
}

/* The process position of a thread for the order: threads without a process last. */
static size_t speedscope_process_rank(const struct profile *profile, size_t t)
{
    const struct profile_process *process = profile_thread_process(profile, t);

    return process ? (size_t)(process - profile->processes) : profile->process_count;
}

/* Thread order, grouped by process (a stable insertion sort: the thread
 * count is small, and without process roots it is the identity). */
static size_t *speedscope_order(const struct profile *profile)
{
    size_t *order = malloc((profile->thread_count ? profile->thread_count : 1) * sizeof *order);

    if (!order)
        return NULL;
    for (size_t i = 0; i < profile->thread_count; i++) {
        size_t rank = speedscope_process_rank(profile, i);
        size_t at = i;

        for (; at > 0 && speedscope_process_rank(profile, order[at - 1]) > rank; at--)
            order[at] = order[at - 1];
        order[at] = i;
    }
    return order;
}

int speedscope_write(FILE *out, const struct profile *profile)
{
    struct speedscope_writer w = {.out = out, .profile = profile};
    int result = -1;
    int saved_errno;

    if (profile_index_check(profile) < 0)
        return -1;
    w.by_timeline = profile->timeline_count > 0;
    w.interval_ns = profile_index_interval_ns(profile);
    if (profile_index_build(&w.index, profile, w.by_timeline) < 0)
        return -1;
    if (!(w.order = speedscope_order(profile))) {
        errno = ENOMEM;
        goto done;
    }
    if (speedscope_write_document(&w) < 0)
        goto done;
    if (stream_finish(out) != 0)
        goto done;
    result = 0;

done:
    saved_errno = errno;
    profile_index_free(&w.index);
    free(w.order);
    errno = saved_errno;
    return result;
}
