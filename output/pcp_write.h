/* pcp_write.h - stream a raw profile (.pcp) to a file while recording. */
#ifndef PYCONC_OUTPUT_PCP_WRITE_H
#define PYCONC_OUTPUT_PCP_WRITE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "profile.h"

struct pcp_header {
    const char *command;
    int pid;
    const char *python_version;
    double rate_hz;
    const char *mode;
    uint64_t start_unix_ns;
    const char *profiler; /* "pyconc-prof 0.1.0" */
    int lifecycle;        /* recorded with --check-lifecycle */
    int process_roots;    /* recorded with --subprocesses */
};

struct pcp_totals {
    uint64_t duration_ns, ticks, ticks_missed, torn, truncated;
};

struct pcp_writer {
    FILE *out;
    unsigned char *raw; /* records of the block being filled */
    size_t raw_len, raw_capacity;
    unsigned char *packed;
    size_t packed_capacity;
    int failed; /* a write failed: every later call fails too */
};

/* Writes the file header.  0, or -1 (errno set). */
int pcp_writer_open(struct pcp_writer *w, FILE *out, const struct pcp_header *header);

int pcp_write_string(struct pcp_writer *w, uint32_t id, const char *text);
int pcp_write_frame(struct pcp_writer *w, uint32_t id, uint32_t name, uint32_t file, int line);
int pcp_write_process(struct pcp_writer *w, uint32_t id, int pid, int ppid, uint32_t name);
int pcp_write_thread(struct pcp_writer *w, uint32_t id, uint64_t tid, uint32_t name,
                     int from_python, uint32_t process);
/* task: UINT32_MAX none; holder: the lock holder's thread id + 1, 0 none */
int pcp_write_stack(struct pcp_writer *w, uint32_t id, uint32_t thread, int state, int holds_gil,
                    uint32_t task, uint32_t holder, const uint32_t *frames, uint32_t depth);
int pcp_write_tick(struct pcp_writer *w, uint64_t delta_ns, const uint32_t *stacks, size_t count);
int pcp_write_tasks(struct pcp_writer *w, const struct profile_task_count *count);
int pcp_write_task_cycle(struct pcp_writer *w, uint64_t time_ns, uint32_t tasks);
/* Lifecycle evidence; string ids, UINT32_MAX for none. */
int pcp_write_lifecycle(struct pcp_writer *w, int kind, uint64_t start_ns, uint64_t duration_ns,
                        uint32_t subject, uint32_t other, uint32_t where, uint64_t value);
int pcp_write_gauge(struct pcp_writer *w, uint64_t time_ns, uint32_t name, uint64_t value);
int pcp_write_phase(struct pcp_writer *w, uint64_t time_ns, uint32_t name);
int pcp_write_exited(struct pcp_writer *w);
int pcp_write_end(struct pcp_writer *w, const struct pcp_totals *totals);

/* Compresses and writes the records collected so far as one block. */
int pcp_writer_flush(struct pcp_writer *w);
/* True when the block being filled is big enough to flush. */
int pcp_writer_block_full(const struct pcp_writer *w);
/* Flushes and frees (does not close the FILE). */
int pcp_writer_close(struct pcp_writer *w);

#endif
