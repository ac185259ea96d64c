/* json.h - small helpers shared by the JSON writers. */
#ifndef PYCONC_OUTPUT_JSON_H
#define PYCONC_OUTPUT_JSON_H

#include <stdio.h>

/* Writes text as a JSON string literal (quotes included); invalid UTF-8
 * bytes become U+FFFD.  Returns 0 or -1. */
int json_write_string(FILE *out, const char *text);

#endif
