/* chrome_trace.c - Chrome Trace Event JSON, as Perfetto and chrome://tracing load it.
 *
 *     {"traceEvents":[
 *      {"ph":"M","pid":P,"tid":0,"name":"process_name","args":{"name":COMMAND}},
 *      {"ph":"M","pid":P,"tid":T,"name":"thread_name","args":{"name":NAME}},
 *      {"ph":"X","pid":P,"tid":T,"ts":US,"dur":US,"name":QUALNAME,"cat":"python",
 *       "args":{"file","line","state","task"}}, ...],
 *      "displayTimeUnit":"ms"}
 *
 * Key choice: a flame chart built from complete ("X") events, one per frame
 * level.  Each thread's samples are walked in time order with a stack of
 * open frames; a sample keeps open the frames it shares (as a prefix) with
 * the previous one, closes the rest and opens its own, so an outer frame's
 * event spans every consecutive sample that shares it and children always
 * lie inside their parents.  Timing:
 * - a sample lasts until the thread's next sample, capped at twice the
 *   sampling period, so a pause in sampling never stretches an event; a
 *   sample that does not reach the next one closes every open frame (two
 *   events are never merged across a gap).  The last sample lasts one
 *   period; samples that last nothing (equal or out-of-order times) are
 *   skipped.
 * - timestamps are microseconds printed with three decimals: exact
 *   nanoseconds, no float rounding between a parent and a child.
 * Events are given slots in the order they open (pre-order: parent before
 * child, earlier before later) and printed once their thread has no open
 * frame left.  Viewers that keep file order for equal timestamps (the
 * legacy chrome://tracing) then nest a parent and a child that start
 * together correctly.
 * args.state is the samples' state when all share one, else "mixed";
 * args.task likewise (absent when no sample ran a task).  The walk is a
 * loop over an explicit stack: no recursion however deep the stack.
 * Needs the timeline: without it, -1 with errno EINVAL (a profile without
 * any sample writes just the metadata).
 * Under record --subprocesses (profile.process_roots) every process gets its
 * own pid and a process_name "NAME (PID)", and each thread's events and
 * thread_name carry its process's pid; otherwise everything carries
 * profile.pid and the one process is named after the command. */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stream.h"
#include "json.h"
#include "profile.h"
#include "profile_index.h"

/* An X event being built; filled in when its frame closes. */
struct chrome_event {
    uint64_t start_ns;
    uint64_t end_ns;
    uint32_t frame;
    int state;        /* enum sample_state, or -1 for "mixed" */
    const char *task; /* NULL: none */
    int task_mixed;
};

/* A frame open on the current thread, and where its event sits. */
struct chrome_open {
    uint32_t frame;
    size_t slot; /* index into events */
};

/* The walk over one thread at a time. */
struct chrome_walk {
    FILE *out;
    const struct profile *profile;
    int pid;
    uint64_t tid;
    struct chrome_open *open; /* the open frames, outermost first */
    uint32_t depth;           /* how many are open */
    struct chrome_event *events;
    size_t event_count, event_capacity;
    /* Open levels below mixed_state saw more than one state; the others saw
     * only `state` (deeper levels span a subset of their parents' samples,
     * so the mixed ones are always the outermost).  The same for tasks. */
    uint32_t mixed_state;
    int state;
    uint32_t mixed_task;
    const char *task;
};

static int chrome_write_time(FILE *out, const char *key, uint64_t ns)
{
    return fprintf(out, ",\"%s\":%" PRIu64 ".%03u", key, ns / 1000, (unsigned)(ns % 1000)) < 0 ? -1 : 0;
}

static int chrome_write_event(struct chrome_walk *walk, const struct chrome_event *event)
{
    FILE *out = walk->out;
    const struct profile_frame *frame = &walk->profile->frames[event->frame];

    if (fprintf(out, ",\n{\"ph\":\"X\",\"pid\":%d,\"tid\":%" PRIu64, walk->pid, walk->tid) < 0)
        return -1;
    if (chrome_write_time(out, "ts", event->start_ns) < 0 ||
        chrome_write_time(out, "dur", event->end_ns - event->start_ns) < 0)
        return -1;
    if (fputs(",\"name\":", out) == EOF || json_write_string(out, frame->name ? frame->name : "?") < 0)
        return -1;
    if (fputs(",\"cat\":\"python\",\"args\":{", out) == EOF)
        return -1;
    if (frame->file && frame->file[0]) {
        if (fputs("\"file\":", out) == EOF || json_write_string(out, frame->file) < 0)
            return -1;
        if (frame->line >= 0 && fprintf(out, ",\"line\":%d", frame->line) < 0)
            return -1;
        if (fputc(',', out) == EOF)
            return -1;
    }
    if (fputs("\"state\":", out) == EOF ||
        json_write_string(out, event->state < 0 ? "mixed" : sample_state_name(event->state)) < 0)
        return -1;
    if (event->task || event->task_mixed) {
        if (fputs(",\"task\":", out) == EOF ||
            json_write_string(out, event->task_mixed ? "mixed" : event->task) < 0)
            return -1;
    }
    return fputs("}}", out) == EOF ? -1 : 0;
}

/* Prints the buffered events; only called when none is still open. */
static int chrome_flush(struct chrome_walk *walk)
{
    for (size_t i = 0; i < walk->event_count; i++)
        if (chrome_write_event(walk, &walk->events[i]) < 0)
            return -1;
    walk->event_count = 0;
    return 0;
}

/* Closes open levels down to `keep` at time end_ns. */
static void chrome_close_to(struct chrome_walk *walk, uint32_t keep, uint64_t end_ns)
{
    while (walk->depth > keep) {
        uint32_t level = --walk->depth;
        struct chrome_event *event = &walk->events[walk->open[level].slot];

        event->end_ns = end_ns;
        event->state = level < walk->mixed_state ? -1 : walk->state;
        event->task_mixed = level < walk->mixed_task;
        event->task = event->task_mixed ? NULL : walk->task;
    }
    if (walk->mixed_state > keep)
        walk->mixed_state = keep;
    if (walk->mixed_task > keep)
        walk->mixed_task = keep;
}

static int chrome_open_frame(struct chrome_walk *walk, uint32_t frame, uint64_t start_ns)
{
    if (walk->event_count == walk->event_capacity) {
        size_t capacity = walk->event_capacity ? walk->event_capacity * 2 : 1024;
        struct chrome_event *bigger = realloc(walk->events, capacity * sizeof *bigger);

        if (!bigger)
            return -1;
        walk->events = bigger;
        walk->event_capacity = capacity;
    }
    walk->events[walk->event_count] = (struct chrome_event){.start_ns = start_ns, .frame = frame};
    walk->open[walk->depth].frame = frame;
    walk->open[walk->depth].slot = walk->event_count++;
    walk->depth++;
    return 0;
}

static int chrome_same_task(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* One sample starting at start_ns; contiguous: it starts where the previous
 * one of this thread ended, at previous_end. */
static int chrome_add_sample(struct chrome_walk *walk, const struct profile_stack *stack,
                             uint64_t start_ns, int contiguous, uint64_t previous_end)
{
    uint32_t shared = 0;

    if (contiguous)
        while (shared < walk->depth && shared < stack->depth &&
               walk->open[shared].frame == stack->frames[shared])
            shared++;
    chrome_close_to(walk, shared, previous_end);
    if (walk->depth == 0 && chrome_flush(walk) < 0)
        return -1;
    /* Levels kept open now also span a sample of this state and task. */
    if (stack->state != walk->state)
        walk->mixed_state = shared;
    if (!chrome_same_task(stack->task, walk->task))
        walk->mixed_task = shared;
    walk->state = stack->state;
    walk->task = stack->task;
    for (uint32_t d = shared; d < stack->depth; d++)
        if (chrome_open_frame(walk, stack->frames[d], start_ns) < 0)
            return -1;
    return 0;
}

/* The pid a thread's events carry. */
static int chrome_pid_of(const struct profile *profile, size_t thread)
{
    const struct profile_process *process = profile_thread_process(profile, thread);

    return process ? process->pid : profile->pid;
}

static int chrome_walk_thread(struct chrome_walk *walk, const struct profile_index *index, size_t t,
                              uint64_t interval_ns)
{
    const struct profile *profile = walk->profile;
    uint64_t previous_end = 0;
    int have_previous = 0;

    walk->pid = chrome_pid_of(profile, t);
    walk->tid = profile->threads[t].tid;
    walk->depth = 0;
    walk->mixed_state = walk->mixed_task = 0;
    for (size_t i = index->start[t]; i < index->start[t + 1]; i++) {
        const struct profile_sample *sample = &profile->timeline[index->items[i]];
        uint64_t start = sample->time_ns;
        uint64_t length = interval_ns;

        if (have_previous && start < previous_end)
            start = previous_end; /* out of order: never overlap the previous sample */
        if (i + 1 < index->start[t + 1]) {
            uint64_t next = profile->timeline[index->items[i + 1]].time_ns;

            length = next > start ? next - start : 0;
            if (length > 2 * interval_ns)
                length = 2 * interval_ns;
        }
        if (length == 0)
            continue;
        if (chrome_add_sample(walk, &profile->stacks[sample->stack], start,
                              have_previous && start == previous_end, previous_end) < 0)
            return -1;
        previous_end = start + length;
        have_previous = 1;
    }
    chrome_close_to(walk, 0, previous_end);
    return chrome_flush(walk);
}

/* One process_name per process of a --subprocesses recording: "NAME (PID)". */
static int chrome_write_processes(FILE *out, const struct profile *profile)
{
    for (size_t p = 0; p < profile->process_count; p++) {
        const struct profile_process *process = &profile->processes[p];
        char *name = NULL;
        int rc;

        if (fprintf(out, "%s{\"ph\":\"M\",\"pid\":%d,\"tid\":0,\"name\":\"process_name\",\"args\":{\"name\":",
                    p ? ",\n" : "", process->pid) < 0)
            return -1;
        if (asprintf(&name, "%s (%d)", process->name ? process->name : "", process->pid) < 0) {
            errno = ENOMEM;
            return -1;
        }
        rc = json_write_string(out, name);
        free(name);
        if (rc < 0 || fputs("}}", out) == EOF)
            return -1;
    }
    return 0;
}

static int chrome_write_metadata(FILE *out, const struct profile *profile)
{
    int by_process = profile->process_roots && profile->process_count > 0 && profile->processes;

    if (fputs("{\"traceEvents\":[\n", out) == EOF)
        return -1;
    if (by_process) {
        if (chrome_write_processes(out, profile) < 0)
            return -1;
    } else {
        if (fprintf(out, "{\"ph\":\"M\",\"pid\":%d,\"tid\":0,\"name\":\"process_name\",\"args\":{\"name\":",
                    profile->pid) < 0)
            return -1;
        if (profile->command) {
            if (json_write_string(out, profile->command) < 0)
                return -1;
        } else if (fprintf(out, "\"pid %d\"", profile->pid) < 0) {
            return -1;
        }
        if (fputs("}}", out) == EOF)
            return -1;
    }
    for (size_t t = 0; t < profile->thread_count; t++) {
        const struct profile_thread *thread = &profile->threads[t];

        if (fprintf(out, ",\n{\"ph\":\"M\",\"pid\":%d,\"tid\":%" PRIu64 ",\"name\":\"thread_name\",\"args\":{\"name\":",
                    chrome_pid_of(profile, t), thread->tid) < 0)
            return -1;
        if (json_write_string(out, thread->name ? thread->name : "") < 0 || fputs("}}", out) == EOF)
            return -1;
    }
    return 0;
}

static int chrome_has_samples(const struct profile *profile)
{
    if (profile->samples > 0)
        return 1;
    for (size_t i = 0; i < profile->stack_count; i++)
        if (profile->stacks[i].count > 0)
            return 1;
    return 0;
}

static int chrome_write_all(struct chrome_walk *walk, const struct profile_index *index)
{
    const struct profile *profile = walk->profile;
    uint64_t interval_ns = profile_index_interval_ns(profile);
    uint32_t max_depth = 0;

    for (size_t i = 0; i < profile->stack_count; i++)
        if (profile->stacks[i].depth > max_depth)
            max_depth = profile->stacks[i].depth;
    walk->open = malloc((max_depth ? max_depth : 1) * sizeof *walk->open);
    if (!walk->open)
        return -1;
    if (chrome_write_metadata(walk->out, profile) < 0)
        return -1;
    for (size_t t = 0; t < profile->thread_count; t++)
        if (chrome_walk_thread(walk, index, t, interval_ns) < 0)
            return -1;
    return fputs("\n],\n\"displayTimeUnit\":\"ms\"}\n", walk->out) == EOF ? -1 : 0;
}

int chrome_trace_write(FILE *out, const struct profile *profile)
{
    struct chrome_walk walk = {.out = out, .profile = profile};
    struct profile_index index;
    int result = -1;
    int saved_errno;

    if (profile_index_check(profile) < 0)
        return -1;
    if (profile->timeline_count == 0 && chrome_has_samples(profile)) {
        errno = EINVAL; /* the trace needs every sample in time order */
        return -1;
    }
    if (profile_index_build(&index, profile, 1) < 0)
        return -1;
    if (chrome_write_all(&walk, &index) < 0)
        goto done;
    if (stream_finish(out) != 0)
        goto done;
    result = 0;

done:
    saved_errno = errno;
    free(walk.open);
    free(walk.events);
    profile_index_free(&index);
    errno = saved_errno;
    return result;
}
