/* options.h - the parsed command line. */
#ifndef PYCONC_PROFILER_OPTIONS_H
#define PYCONC_PROFILER_OPTIONS_H

enum command {
    COMMAND_RECORD = 1,
    COMMAND_DUMP,
    COMMAND_REPORT,
    COMMAND_DIFF,
};

enum output_format {
    FORMAT_DEFAULT = 0, /* from -o's extension, else collapsed */
    FORMAT_COLLAPSED,
    FORMAT_SVG,
    FORMAT_SPEEDSCOPE,
    FORMAT_PPROF,
    FORMAT_CHROME,
    FORMAT_RAW, /* .pcp */
};

enum sample_mode {
    MODE_WALL = 1, /* every thread at every tick */
    MODE_CPU,      /* only threads the kernel shows running */
};

#define OPTIONS_MAX_OUTPUTS 8

/* --tasks: which asyncio tasks a dump shows or a recording samples. */
enum task_sampling {
    TASKS_OFF = 0,     /* dump: no task tree; record: none unless --group task */
    TASKS_RUNNING = 1, /* record: the running task's chain roots its thread's samples */
    TASKS_ALL = 2,     /* record: also one "awaiting" sample per suspended task per tick */
};

#define OPTIONS_MAX_PROCESSES 256

struct options {
    enum command command;
    int pid;            /* attach: > 0 */
    char **argv;        /* wrap: the command after "--", NULL-terminated */
    double rate_hz;
    double duration_s;  /* 0: until stopped or the target exits */
    const char *output; /* NULL: stdout (the first of outputs) */
    const char *outputs[OPTIONS_MAX_OUTPUTS]; /* record may write several formats at once */
    int output_count;
    enum output_format format;
    enum sample_mode mode;
    int blocking;
    int json;           /* dump --json */
    int group_tasks;    /* record --group task: task roots under the thread root */
    int tasks;          /* enum task_sampling (dump: any value shows the task tree) */
    int max_tasks;      /* tasks read per tick or snapshot (0: the default cap) */
    int subprocesses;   /* record/dump: the target's Python descendants too */
    int native;         /* record/dump: native (C) frames merged with the Python ones */
    int max_processes;  /* descendants followed at most (OPTIONS_MAX_PROCESSES) */
    int quiet;          /* no progress line */
    int stats;          /* print sampling cost figures at the end */
    int contention;     /* record/report: print the contention report */
    double loop_block_ms; /* contention: an event loop busy this long is blocked */
    double stuck_s;       /* contention: lock-wait this long with nobody running: deadlock hint */
    int check_lifecycle;  /* record: gather lifecycle evidence, print the report; report: print it */
    double stuck_await_s; /* lifecycle: an await with no deadline this long is a finding */
    unsigned fail_on;     /* lifecycle: enum lifecycle_check bits that make the exit status 4 */
    /* report */
    const char *input;  /* the .pcp file */
    const char *filter_thread, *filter_task;
    unsigned filter_states; /* bit per enum sample_state, 0 = all */
    double since_s, until_s; /* until 0 = no limit */
    /* diff */
    char **before, **after;
    int before_count, after_count;
    double fail_if_regressed; /* percentage points; < 0: off */
};

/* Parses argv; 0 ok, 1 usage error (message printed), 2 help/version printed. */
int options_parse(int argc, char **argv, struct options *options);

/* The format -o implies (or the explicit one). */
enum output_format options_format(const struct options *options);
/* 1 when something this run writes or checks shows thread states: --mode cpu,
 * --state, --contention, --check-lifecycle, or an output other than collapsed
 * and speedscope (SVG colours, pprof and Chrome labels, .pcp).  When nothing
 * does, the sampler skips the /proc reads that classify them. */
int options_states_used(const struct options *options);
/* The format of output i (the -f format, else from its extension). */
enum output_format options_output_format(const struct options *options, int i);
/* The format named by -f's argument, FORMAT_DEFAULT when unknown. */
enum output_format options_format_named(const char *name);
/* "running,lock-wait" -> bit mask of enum sample_state.  0 or -1. */
int options_parse_states(const char *list, unsigned *mask);

#endif
