/* contention.h - the contention report (what threads wait for), text and JSON. */
#ifndef PYCONC_OUTPUT_CONTENTION_H
#define PYCONC_OUTPUT_CONTENTION_H

#include <stdio.h>

#include "profile.h"

struct contention_options {
    double loop_block_ms; /* a loop busy this long without reaching its selector is blocked */
    double stuck_s;       /* lock-wait on one stack this long, nobody running: deadlock hint */
};

/* Aligned text; per-tick GIL figures and blocked loops only when the profile
 * has a timeline.  0, or -1 (errno set). */
int contention_text_write(FILE *out, const struct profile *profile,
                          const struct contention_options *options);
/* The same text with ANSI colours (bold headings, red verdicts, yellow advice),
 * for a terminal. */
int contention_text_write_color(FILE *out, const struct profile *profile,
                                const struct contention_options *options);
/* The same as one JSON object. */
int contention_json_write(FILE *out, const struct profile *profile,
                          const struct contention_options *options);

#endif
