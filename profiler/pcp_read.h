/* pcp_read.h - read a raw profile (.pcp) back into a sample store. */
#ifndef PYCONC_PROFILER_PCP_READ_H
#define PYCONC_PROFILER_PCP_READ_H

#include <stdint.h>

#include "../output/pcp_write.h"
#include "store.h"

struct pcp_meta {
    char command[1024];
    int pid;
    char python_version[32];
    double rate_hz;
    char mode[16];
    uint64_t start_unix_ns;
    char profiler[64];
    int lifecycle;            /* recorded with --check-lifecycle */
    int process_roots;        /* recorded with --subprocesses */
    struct pcp_totals totals; /* from the END record, or counted when it is missing */
    int complete;             /* the END record was read */
    uint64_t blocks;
};

/* Which samples to keep (report's filters).  Zeroed: keep all. */
struct pcp_filter {
    const char *thread; /* a thread name or a decimal tid */
    const char *task;   /* innermost task name */
    unsigned states;    /* bit per enum sample_state; 0 = all */
    uint64_t since_ns, until_ns; /* relative to the start; until 0 = no limit */
};

enum pcp_read_result {
    PCP_READ_OK = 0,
    PCP_READ_TRUNCATED = 1, /* read up to the last complete block (message in err) */
    PCP_READ_ERROR = -1,    /* not readable (message in err) */
};

/* Reads path into store (which must be freshly initialised). */
enum pcp_read_result pcp_read(const char *path, struct store *store, struct pcp_meta *meta,
                              const struct pcp_filter *filter, char *err, size_t err_len);

#endif
