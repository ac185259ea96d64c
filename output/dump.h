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

/* One asyncio task (dump --tasks). */
struct dump_task {
    uint64_t id;          /* the task object's address */
    const char *name;
    const char *state;    /* "pending", "running", "done", "cancelled" */
    uint64_t tid;         /* native tid of its loop's thread, 0 when unknown */
    const struct dump_frame *frames; /* its await chain, innermost first */
    size_t depth;
    const uint64_t *awaited_by; /* ids of the tasks that await it */
    size_t awaited_by_count;
};

struct dump {
    int pid;
    const char *python_version;
    const char *command; /* may be NULL */
    const struct dump_thread *threads;
    size_t thread_count;
    int with_tasks;  /* --tasks was asked for */
    const struct dump_task *tasks;
    size_t task_count;
    uint64_t tasks_dropped;
    int tasks_capped;
};

/* Cycles of tasks awaiting each other (a likely deadlock).  Fills cycles with
 * task indexes, each cycle ended by SIZE_MAX; returns the number of cycles.
 * `out` needs room for task_count + cycles entries; pass out_cap. */
size_t dump_task_cycles(const struct dump *dump, size_t *out, size_t out_cap);

/* The task tree as text (roots: tasks nobody awaits), after the threads. */
int dump_tasks_text_write(FILE *out, const struct dump *dump);

/* Traceback-like text, innermost frame last.  0 or -1 on a write error. */
int dump_text_write(FILE *out, const struct dump *dump);
/* {"pid","python_version","threads":[{"tid","name","holds_gil","frames":[...]}]} */
int dump_json_write(FILE *out, const struct dump *dump);

#endif
