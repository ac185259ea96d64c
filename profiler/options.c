/* options.c - the command line (see README "Command line").
 *
 *   pyconc-prof [record] [options] --pid PID | -- CMD ARGS...
 *   pyconc-prof dump --pid PID [--json]
 *
 * A hand-written parser: getopt_long would do, but "--" ends our options and
 * starts the wrapped command's, and subcommands come first; both are simpler
 * to state directly.  Every option has its help text in the table below. */
#include "options.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "version.h"

static const char usage_text[] =
    "usage: pyconc-prof [record] [options] --pid PID\n"
    "       pyconc-prof [record] [options] -- CMD [ARGS...]\n"
    "       pyconc-prof dump --pid PID [--json]\n"
    "\n"
    "Sample the Python stacks of every thread of a running CPython 3.8-3.15 process\n"
    "(--pid) or of a command it starts (--), from outside the process.\n"
    "\n"
    "record options:\n"
    "  -p, --pid PID          attach to a running process\n"
    "  -r, --rate HZ          samples per second (default 100, up to 100000)\n"
    "  -d, --duration SEC     stop after SEC seconds (default: until Ctrl-C or exit)\n"
    "  -o, --output FILE      write here (default: standard output)\n"
    "  -f, --format FMT       collapsed | svg (default: from -o's extension:\n"
    "                         .svg -> svg, anything else -> collapsed)\n"
    "      --mode MODE        wall: every thread every tick (default)\n"
    "                         cpu: only threads the kernel shows running\n"
    "      --blocking         pause the target's threads during each sample\n"
    "                         (consistent stacks; costs the target time)\n"
    "  -q, --quiet            no progress line\n"
    "      --stats            print the cost of sampling at the end (time and\n"
    "                         process_vm_readv calls per tick, cache hits)\n"
    "dump options:\n"
    "  -p, --pid PID          the process to snapshot\n"
    "      --json             machine-readable output\n"
    "  -h, --help             this text;  -V, --version  the version\n"
    "\n"
    "exit codes: 0 ok, 1 usage error, 2 cannot attach (no such process, permission,\n"
    "not Python, unsupported version); wrapping a command exits with its status.\n";

__attribute__((format(printf, 1, 2))) static int options_fail(const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    fprintf(stderr, "pyconc-prof: ");
    vfprintf(stderr, fmt, args);
    fprintf(stderr, "\ntry 'pyconc-prof --help'\n");
    va_end(args);
    return 1;
}

static int parse_number(const char *text, double min, double max, double *out)
{
    if (!text || !*text)
        return -1;
    char *end;
    errno = 0;
    double value = strtod(text, &end);
    if (errno != 0 || *end != '\0' || !isfinite(value) || value < min || value > max)
        return -1;
    *out = value;
    return 0;
}

/* The value of an option: "--rate=5", "--rate 5", "-r5" or "-r 5". */
static const char *option_value(int argc, char **argv, int *i, const char *arg, size_t name_len)
{
    if (arg[name_len] == '=')
        return arg + name_len + 1;
    if (arg[1] != '-' && arg[2] != '\0')
        return arg + 2;
    if (*i + 1 < argc)
        return argv[++*i];
    return NULL;
}

static int option_is(const char *arg, const char *shortname, const char *longname, size_t *len)
{
    size_t long_len = strlen(longname);
    if (strncmp(arg, longname, long_len) == 0 && (arg[long_len] == '\0' || arg[long_len] == '=')) {
        *len = long_len;
        return 1;
    }
    if (shortname && strncmp(arg, shortname, 2) == 0) {
        *len = 2;
        return 1;
    }
    return 0;
}

int options_parse(int argc, char **argv, struct options *o)
{
    memset(o, 0, sizeof *o);
    o->command = COMMAND_RECORD;
    o->rate_hz = 100;
    o->mode = MODE_WALL;
    int i = 1;
    if (i < argc && strcmp(argv[i], "record") == 0) {
        i++;
    } else if (i < argc && strcmp(argv[i], "dump") == 0) {
        o->command = COMMAND_DUMP;
        i++;
    }
    for (; i < argc; i++) {
        const char *arg = argv[i];
        size_t len;
        if (strcmp(arg, "--") == 0) {
            if (i + 1 >= argc)
                return options_fail("%s: no command after --", "--");
            o->argv = argv + i + 1;
            break;
        }
        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            fputs(usage_text, stdout);
            return 2;
        }
        if (strcmp(arg, "-V") == 0 || strcmp(arg, "--version") == 0) {
            printf("pyconc-prof %s\n", PYCONC_VERSION);
            return 2;
        }
        if (strcmp(arg, "--json") == 0) {
            o->json = 1;
        } else if (strcmp(arg, "--blocking") == 0) {
            o->blocking = 1;
        } else if (strcmp(arg, "--stats") == 0) {
            o->stats = 1;
        } else if (strcmp(arg, "-q") == 0 || strcmp(arg, "--quiet") == 0) {
            o->quiet = 1;
        } else if (option_is(arg, "-p", "--pid", &len)) {
            const char *value = option_value(argc, argv, &i, arg, len);
            double pid;
            if (parse_number(value, 1, 4194304, &pid) != 0 || pid != (int)pid)
                return options_fail("invalid pid '%s'", value ? value : "");
            o->pid = (int)pid;
        } else if (option_is(arg, "-r", "--rate", &len)) {
            const char *value = option_value(argc, argv, &i, arg, len);
            if (parse_number(value, 0.1, 100000, &o->rate_hz) != 0)
                return options_fail("invalid rate '%s': give samples per second, 0.1 to 100000",
                                    value ? value : "");
        } else if (option_is(arg, "-d", "--duration", &len)) {
            const char *value = option_value(argc, argv, &i, arg, len);
            if (parse_number(value, 0.001, 1e9, &o->duration_s) != 0)
                return options_fail("invalid duration '%s': give seconds > 0", value ? value : "");
        } else if (option_is(arg, "-o", "--output", &len)) {
            o->output = option_value(argc, argv, &i, arg, len);
            if (!o->output || !*o->output)
                return options_fail("%s needs a file name", "--output");
        } else if (option_is(arg, "-f", "--format", &len)) {
            const char *value = option_value(argc, argv, &i, arg, len);
            if (value && strcmp(value, "collapsed") == 0)
                o->format = FORMAT_COLLAPSED;
            else if (value && strcmp(value, "svg") == 0)
                o->format = FORMAT_SVG;
            else
                return options_fail("unknown format '%s': use collapsed or svg",
                                    value ? value : "");
        } else if (option_is(arg, NULL, "--mode", &len)) {
            const char *value = option_value(argc, argv, &i, arg, len);
            if (value && strcmp(value, "wall") == 0)
                o->mode = MODE_WALL;
            else if (value && strcmp(value, "cpu") == 0)
                o->mode = MODE_CPU;
            else
                return options_fail("unknown mode '%s': use wall or cpu", value ? value : "");
        } else {
            return options_fail("unknown option '%s'", arg);
        }
    }
    if (o->pid && o->argv)
        return options_fail("%s", "give either --pid or a command after --, not both");
    if (!o->pid && !o->argv)
        return options_fail("%s", "nothing to profile: give --pid PID or -- CMD ARGS...");
    if (o->command == COMMAND_DUMP && !o->pid)
        return options_fail("%s", "dump needs --pid PID");
    if (o->command == COMMAND_DUMP &&
        (o->format || o->duration_s > 0 || o->blocking || o->stats || o->mode != MODE_WALL))
        return options_fail("%s", "dump takes only --pid, --json and -o");
    if (o->command == COMMAND_RECORD && o->json)
        return options_fail("%s", "--json is a dump option (pyconc-prof dump --pid PID --json)");
    return 0;
}

enum output_format options_format(const struct options *o)
{
    if (o->format != FORMAT_DEFAULT)
        return o->format;
    if (o->output) {
        size_t len = strlen(o->output);
        if (len >= 4 && strcasecmp(o->output + len - 4, ".svg") == 0)
            return FORMAT_SVG;
    }
    return FORMAT_COLLAPSED;
}
