/* contention.h - the contention report (what threads wait for), text and JSON. */
#ifndef PYCONC_OUTPUT_CONTENTION_H
#define PYCONC_OUTPUT_CONTENTION_H

#include <stdio.h>

#include "profile.h"

/* Aligned text; per-tick GIL figures only when the profile has a timeline.
 * 0, or -1 (errno set). */
int contention_text_write(FILE *out, const struct profile *profile);
/* The same as one JSON object. */
int contention_json_write(FILE *out, const struct profile *profile);

#endif
