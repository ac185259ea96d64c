/* dump.h - one snapshot of every thread, as plain data, and its writers. */
#ifndef PYCONC_OUTPUT_DUMP_H
#define PYCONC_OUTPUT_DUMP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct dump_frame {
    const char *name;
    const char *file;
    int line;
    const char *source; /* the text of that line, stripped; NULL when not readable */
};

struct dump_thread {
    uint64_t tid;
    const char *name;
    int holds_gil;
    const struct dump_frame *frames; /* innermost first */
    size_t depth;
    int truncated; /* deeper than the cap: the outermost frames are missing */
};

struct dump {
    int pid;
    const char *python_version;
    const char *command; /* may be NULL */
    const struct dump_thread *threads;
    size_t thread_count;
};

/* Traceback-like text, innermost frame last.  0 or -1 on a write error. */
int dump_text_write(FILE *out, const struct dump *dump);
/* {"pid","python_version","threads":[{"tid","name","holds_gil","frames":[...]}]} */
int dump_json_write(FILE *out, const struct dump *dump);

#endif
