/* render.h - turn a sample store into any output format. */
#ifndef PYCONC_PROFILER_RENDER_H
#define PYCONC_PROFILER_RENDER_H

#include <stdint.h>
#include <stdio.h>

#include "options.h"
#include "store.h"

/* What titles and headers say, the same whether the store was just recorded
 * or read back from a .pcp file. */
struct render_meta {
    const char *command;
    const char *python_version;
    int pid;
    uint64_t duration_ns;
    double rate_hz;
    const char *mode;
};

/* Writes store to out in format (not FORMAT_RAW, which is streamed while
 * recording).  0, or -1 with a message printed. */
int render_profile(FILE *out, const char *out_name, enum output_format format,
                   const struct store *store, const struct render_meta *meta);

/* The end-of-run reports options ask for (--contention, --check-lifecycle),
 * text or --json (both: one object {"contention": ..., "lifecycle": ...}).
 * *findings: the lifecycle checks with a finding (enum lifecycle_check bits).
 * 0 or -1 (message printed). */
int render_reports(FILE *out, const struct store *store, const struct render_meta *meta,
                   const struct options *options, int *findings);

/* True for formats that need every sample in time order. */
int render_needs_timeline(enum output_format format);

#endif
