/* options.h - the parsed command line. */
#ifndef PYCONC_PROFILER_OPTIONS_H
#define PYCONC_PROFILER_OPTIONS_H

enum command {
    COMMAND_RECORD = 1,
    COMMAND_DUMP,
};

enum output_format {
    FORMAT_DEFAULT = 0, /* from -o's extension, else collapsed */
    FORMAT_COLLAPSED,
    FORMAT_SVG,
};

enum sample_mode {
    MODE_WALL = 1, /* every thread at every tick */
    MODE_CPU,      /* only threads the kernel shows running */
};

struct options {
    enum command command;
    int pid;            /* attach: > 0 */
    char **argv;        /* wrap: the command after "--", NULL-terminated */
    double rate_hz;
    double duration_s;  /* 0: until stopped or the target exits */
    const char *output; /* NULL: stdout */
    enum output_format format;
    enum sample_mode mode;
    int blocking;
    int json;           /* dump --json */
    int quiet;          /* no progress line */
    int stats;          /* print sampling cost figures at the end */
};

/* Parses argv; 0 ok, 1 usage error (message printed), 2 help/version printed. */
int options_parse(int argc, char **argv, struct options *options);

/* The format -o implies (or the explicit one). */
enum output_format options_format(const struct options *options);

#endif
