/* pcp_stream.c - keep a .pcp file in step with the sample store.
 *
 * The store interns strings, frames, threads and stacks with dense ids, so
 * "what is new" is everything past the count already written.  Samples are
 * taken from the store's timeline (the samples in time order) and written as
 * one TICK record per distinct time.  Unless the caller needs the whole
 * timeline in memory, written samples are dropped from it: memory stays
 * bounded by the number of distinct stacks, not by the duration. */
#include "pcp_stream.h"

#include <stdlib.h>
#include <string.h>

#include "../readers/frames.h"

#define PCP_STREAM_FLUSH_NS 1000000000ull

struct stream_frame_key { /* as store.c keys frames */
    uint32_t name, file;
    int32_t line;
};

int pcp_stream_open(struct pcp_stream *stream, FILE *out, const struct pcp_header *header,
                    struct store *store, int keep_timeline)
{
    memset(stream, 0, sizeof *stream);
    stream->keep_timeline = keep_timeline;
    store->keep_timeline = 1; /* the stream reads samples from it */
    return pcp_writer_open(&stream->writer, out, header);
}

/* Processes, new or renamed (a worker's multiprocessing name arrives after its fork). */
static int pcp_stream_processes(struct pcp_stream *stream, struct store *store)
{
    size_t count = store->processes.count;
    if (count > stream->process_name_capacity) {
        uint32_t *bigger = realloc(stream->process_name_sent, count * 2 * sizeof *bigger);
        if (!bigger)
            return -1;
        stream->process_name_sent = bigger;
        stream->process_name_capacity = count * 2;
    }
    for (size_t id = 0; id < count; id++) {
        const struct store_process *p = &store->process_info[id];
        if (id < stream->processes_sent && stream->process_name_sent[id] == p->name)
            continue;
        if (pcp_write_process(&stream->writer, (uint32_t)id, p->pid, p->ppid, p->name) != 0)
            return -1;
        stream->process_name_sent[id] = p->name;
    }
    stream->processes_sent = count;
    return 0;
}

static int pcp_stream_thread_names(struct pcp_stream *stream, struct store *store)
{
    size_t count = store->threads.count;
    if (count > stream->thread_name_capacity) {
        uint32_t *bigger = realloc(stream->thread_name_sent, count * 2 * sizeof *bigger);
        if (!bigger)
            return -1;
        stream->thread_name_sent = bigger;
        stream->thread_name_capacity = count * 2;
    }
    for (size_t id = 0; id < count; id++) {
        int fresh = id >= stream->threads_sent;
        if (!fresh && stream->thread_name_sent[id] == store->thread_names[id])
            continue;
        uint64_t tid;
        uint32_t process;
        store_thread_parts(store, (uint32_t)id, &tid, &process);
        if (pcp_write_thread(&stream->writer, (uint32_t)id, tid, store->thread_names[id],
                             store->thread_named[id], process) != 0)
            return -1;
        stream->thread_name_sent[id] = store->thread_names[id];
    }
    stream->threads_sent = count;
    return 0;
}

static int pcp_stream_definitions(struct pcp_stream *stream, struct store *store)
{
    for (; stream->strings_sent < store->strings.count; stream->strings_sent++) {
        const char *text = intern_key(&store->strings, (uint32_t)stream->strings_sent, NULL);
        if (pcp_write_string(&stream->writer, (uint32_t)stream->strings_sent, text) != 0)
            return -1;
    }
    for (; stream->frames_sent < store->frames.count; stream->frames_sent++) {
        struct stream_frame_key key;
        memcpy(&key, intern_key(&store->frames, (uint32_t)stream->frames_sent, NULL), sizeof key);
        if (pcp_write_frame(&stream->writer, (uint32_t)stream->frames_sent, key.name, key.file,
                            key.line) != 0)
            return -1;
    }
    if (pcp_stream_processes(stream, store) != 0 || pcp_stream_thread_names(stream, store) != 0)
        return -1;
    for (; stream->stacks_sent < store->stacks.count; stream->stacks_sent++) {
        struct store_stack_parts parts;
        store_stack_parts(store, (uint32_t)stream->stacks_sent, &parts);
        if (pcp_write_stack(&stream->writer, (uint32_t)stream->stacks_sent, parts.thread,
                            parts.state, parts.holds_gil, parts.task, parts.holder,
                            parts.frames, parts.depth) != 0)
            return -1;
    }
    return 0;
}

static int pcp_stream_lifecycle(struct pcp_stream *stream, const struct store *store)
{
    for (; stream->events_sent < store->event_count; stream->events_sent++) {
        const struct store_lifecycle_event *e = &store->events[stream->events_sent];
        if (pcp_write_lifecycle(&stream->writer, e->kind, e->start_ns, e->duration_ns, e->subject,
                                e->other, e->where, e->value) != 0)
            return -1;
    }
    for (; stream->gauges_sent < store->gauge_count; stream->gauges_sent++) {
        const struct store_gauge *g = &store->gauges[stream->gauges_sent];
        if (pcp_write_gauge(&stream->writer, g->time_ns, g->name, g->value) != 0)
            return -1;
    }
    for (; stream->phases_sent < store->phase_count; stream->phases_sent++) {
        const struct store_phase *p = &store->phases[stream->phases_sent];
        if (pcp_write_phase(&stream->writer, p->time_ns, p->name) != 0)
            return -1;
    }
    return 0;
}

static int pcp_stream_samples(struct pcp_stream *stream, struct store *store)
{
    uint32_t ids[1024];
    size_t at = stream->timeline_sent;
    while (at < store->timeline_count) {
        uint64_t time = store->timeline[at].time_ns;
        size_t n = 0;
        while (at < store->timeline_count && store->timeline[at].time_ns == time && n < 1024)
            ids[n++] = store->timeline[at++].stack;
        if (pcp_write_tick(&stream->writer, time - stream->last_tick_ns, ids, n) != 0)
            return -1;
        stream->last_tick_ns = time;
    }
    for (; stream->task_counts_sent < store->task_count_count; stream->task_counts_sent++)
        if (pcp_write_tasks(&stream->writer, &store->task_counts[stream->task_counts_sent]) != 0)
            return -1;
    for (; stream->task_cycles_sent < store->task_cycle_count; stream->task_cycles_sent++) {
        const struct store_task_cycle *cycle = &store->task_cycles[stream->task_cycles_sent];
        if (pcp_write_task_cycle(&stream->writer, cycle->time_ns, cycle->tasks) != 0)
            return -1;
    }
    if (pcp_stream_lifecycle(stream, store) != 0)
        return -1;
    if (stream->keep_timeline) {
        stream->timeline_sent = store->timeline_count;
    } else {
        store->timeline_count = 0;
        stream->timeline_sent = 0;
    }
    return 0;
}

int pcp_stream_update(struct pcp_stream *stream, struct store *store, uint64_t now_ns)
{
    if (pcp_stream_definitions(stream, store) != 0 || pcp_stream_samples(stream, store) != 0)
        return -1;
    if (pcp_writer_block_full(&stream->writer) ||
        now_ns - stream->last_flush_ns >= PCP_STREAM_FLUSH_NS) {
        stream->last_flush_ns = now_ns;
        return pcp_writer_flush(&stream->writer);
    }
    return 0;
}

int pcp_stream_close(struct pcp_stream *stream, struct store *store,
                     const struct pcp_totals *totals)
{
    int rc = pcp_stream_definitions(stream, store);
    rc |= pcp_stream_samples(stream, store);
    if (store->target_exited)
        rc |= pcp_write_exited(&stream->writer);
    rc |= pcp_write_end(&stream->writer, totals);
    rc |= pcp_writer_close(&stream->writer);
    free(stream->thread_name_sent);
    stream->thread_name_sent = NULL;
    free(stream->process_name_sent);
    stream->process_name_sent = NULL;
    return rc ? -1 : 0;
}
