/* stream.h - write helpers every writer shares. */
#ifndef PYCONC_OUTPUT_STREAM_H
#define PYCONC_OUTPUT_STREAM_H

#include <stdarg.h>
#include <stdio.h>

/* Flushes out and reports an earlier failed write: 0, or -1 with errno set
 * (EIO when the error came from a write whose errno is long gone). */
int stream_finish(FILE *out);

/* A FILE whose first failed write makes every later one a no-op, so a writer
 * checks once at the end instead of after every line. */
struct sticky_out {
    FILE *out;
    int failed;
};

void sticky_printf(struct sticky_out *sticky, const char *format, ...)
    __attribute__((format(printf, 2, 3)));
void sticky_vprintf(struct sticky_out *sticky, const char *format, va_list args)
    __attribute__((format(printf, 2, 0)));

#endif
