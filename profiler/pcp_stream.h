/* pcp_stream.h - write the store's new content to a .pcp file as it grows. */
#ifndef PYCONC_PROFILER_PCP_STREAM_H
#define PYCONC_PROFILER_PCP_STREAM_H

#include <stdint.h>

#include "../output/pcp_write.h"
#include "store.h"

struct pcp_stream {
    struct pcp_writer writer;
    size_t strings_sent, frames_sent, threads_sent, stacks_sent;
    uint32_t *thread_name_sent; /* per thread: the name last written */
    size_t thread_name_capacity;
    size_t processes_sent;
    uint32_t *process_name_sent; /* per process: the name last written */
    size_t process_name_capacity;
    size_t timeline_sent;       /* samples of store->timeline already written */
    size_t task_counts_sent;    /* entries of store->task_counts already written */
    size_t task_cycles_sent;    /* entries of store->task_cycles already written */
    size_t events_sent, gauges_sent, phases_sent; /* lifecycle evidence already written */
    uint64_t last_tick_ns;
    uint64_t last_flush_ns;
    int keep_timeline;          /* 0: drop written samples from the store */
};

int pcp_stream_open(struct pcp_stream *stream, FILE *out, const struct pcp_header *header,
                    struct store *store, int keep_timeline);
/* Writes the definitions and samples added since the last call; flushes a
 * block when it is full or `now_ns` is a second past the last flush. */
int pcp_stream_update(struct pcp_stream *stream, struct store *store, uint64_t now_ns);
/* Writes what is left, the END record, and flushes. */
int pcp_stream_close(struct pcp_stream *stream, struct store *store,
                     const struct pcp_totals *totals);

#endif
