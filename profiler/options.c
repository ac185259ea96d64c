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

#include "../output/profile.h"
#include "../output/lifecycle.h"
#include "version.h"

static const char usage_text[] =
    "usage: pyconc-prof [record] [options] --pid PID\n"
    "       pyconc-prof [record] [options] -- CMD [ARGS...]\n"
    "       pyconc-prof dump --pid PID [--tasks] [--native] [--subprocesses] [--json]\n"
    "                        [-o FILE]\n"
    "       pyconc-prof report FILE.pcp [-f FMT] [-o OUT] [filters]\n"
    "       pyconc-prof diff BEFORE.pcp AFTER.pcp [-o diff.svg] [--json]\n"
    "                        [--fail-if-regressed PCT]\n"
    "       pyconc-prof diff --before A.pcp B.pcp ... --after C.pcp D.pcp ...\n"
    "\n"
    "Sample the Python stacks of every thread of a running CPython 3.8-3.15 process\n"
    "(--pid) or of a command it starts (--), from outside the process.\n"
    "\n"
    "record options:\n"
    "  -p, --pid PID          attach to a running process\n"
    "  -r, --rate HZ          samples per second (default 100, up to 1000000)\n"
    "  -d, --duration SEC     stop after SEC seconds (default: until Ctrl-C or exit)\n"
    "  -o, --output FILE      write here (default: standard output)\n"
    "  -f, --format FMT       collapsed | svg | speedscope | pprof | chrome | raw\n"
    "                         (default: from -o's extension: .svg, .speedscope.json,\n"
    "                         .pb.gz, .trace.json, .pcp; anything else: collapsed)\n"
    "      --mode MODE        wall: every thread every tick (default)\n"
    "                         cpu: only threads the kernel shows running\n"
    "      --blocking         pause the target's threads during each sample\n"
    "                         (consistent stacks; costs the target time)\n"
    "      --contention       at the end, print what every thread waited for\n"
    "                         (states, the GIL, lock/io/sleep sites, blocked loops)\n"
    "      --loop-block-ms MS an event loop busy this long is blocked (default 100)\n"
    "      --stuck-s SEC      lock-wait on one stack this long while no thread runs:\n"
    "                         a deadlock hint (default 5)\n"
    "      --group task       root each sample of a running asyncio task at\n"
    "                         thread;task:OUTER;...;task:INNER (default: thread)\n"
    "      --tasks all        with --group task: also sample every suspended task's\n"
    "                         await stack each tick (state \"awaiting\")\n"
    "      --max-tasks N      asyncio tasks read per tick at most (default 10000)\n"
    "      --native           also the C frames of every thread (libunwind), merged\n"
    "                         with the Python ones; pauses the target per sample\n"
    "      --subprocesses     also sample every Python descendant (multiprocessing\n"
    "                         workers, subprocesses): roots process:PID:NAME;thread:...\n"
    "      --max-processes N  descendants followed at most (default 256)\n"
    "      --state S[,S]      keep only samples in these states (as for report)\n"
    "      --check-lifecycle  at the end, print the lifecycle checks: orphaned tasks,\n"
    "                         awaits with no deadline, unbounded fan-out, shutdown,\n"
    "                         thread/task leaks (--json: as JSON)\n"
    "      --stuck-await-s S  an await with no deadline this long is a finding (default 10)\n"
    "      --fail-on LIST     exit 4 when a named check has a finding: leaks, orphans,\n"
    "                         stuck-awaits, shutdown, fan-out, all (implies --check-lifecycle)\n"
    "  -q, --quiet            no progress line\n"
    "      --stats            print the cost of sampling at the end (time and\n"
    "                         process_vm_readv calls per tick, cache hits)\n"
    "report options (any output format from a raw .pcp profile):\n"
    "  -f, -o                 as for record\n"
    "      --thread NAME|TID  only this thread      --task NAME   only this task\n"
    "      --state S[,S]      only these states (running, gil-wait, lock-wait,\n"
    "                         io-wait, sleeping, idle, awaiting, unknown)\n"
    "      --since SEC, --until SEC   only samples in this part of the recording\n"
    "      --contention [--json]      the contention report instead of a profile\n"
    "      --lifecycle [--json]       the lifecycle checks (recorded with --check-lifecycle;\n"
    "                         --stuck-await-s and --fail-on as for record)\n"
    "diff options:\n"
    "  -o FILE.svg            also write a differential flamegraph\n"
    "      --json             the comparison as JSON instead of a table\n"
    "      --fail-if-regressed PCT   exit 3 when a function's share grew by more\n"
    "                         than PCT points beyond noise\n"
    "dump options:\n"
    "  -p, --pid PID          the process to snapshot\n"
    "      --subprocesses     also every Python descendant of it\n"
    "      --native           also every thread's C frames\n"
    "      --tasks            also the asyncio task tree: each task's name, state,\n"
    "                         where it is suspended and which tasks await it\n"
    "      --max-tasks N      read at most N tasks (default 10000)\n"
    "      --json             machine-readable output\n"
    "  -h, --help             this text;  -V, --version  the version\n"
    "\n"
    "exit codes: 0 ok, 1 usage error, 2 cannot attach (no such process, permission,\n"
    "not Python, unsupported version) or cannot read a profile, 3 diff found a\n"
    "regression, 4 --fail-on: a lifecycle finding; wrapping a command exits with its\n"
    "status.\n";

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
    } else if (i < argc && strcmp(argv[i], "report") == 0) {
        o->command = COMMAND_REPORT;
        i++;
    } else if (i < argc && strcmp(argv[i], "diff") == 0) {
        o->command = COMMAND_DIFF;
        i++;
    }
    o->fail_if_regressed = -1;
    o->loop_block_ms = 100;
    o->stuck_s = 5;
    o->stuck_await_s = 10;
    for (; i < argc; i++) {
        const char *arg = argv[i];
        size_t len;
        if (arg[0] != '-' && (o->command == COMMAND_REPORT || o->command == COMMAND_DIFF)) {
            /* Positional files: report FILE, diff BEFORE AFTER. */
            if (o->command == COMMAND_REPORT && !o->input) {
                o->input = arg;
            } else if (o->command == COMMAND_DIFF && o->before_count == 0) {
                o->before = argv + i;
                o->before_count = 1;
            } else if (o->command == COMMAND_DIFF && o->after_count == 0) {
                o->after = argv + i;
                o->after_count = 1;
            } else {
                return options_fail("unexpected argument '%s'", arg);
            }
            continue;
        }
        if (o->command == COMMAND_DIFF &&
            (strcmp(arg, "--before") == 0 || strcmp(arg, "--after") == 0)) {
            int n = 0;
            while (i + 1 + n < argc && argv[i + 1 + n][0] != '-')
                n++;
            if (n == 0)
                return options_fail("%s needs at least one .pcp file", arg);
            if (arg[2] == 'b') {
                o->before = argv + i + 1;
                o->before_count = n;
            } else {
                o->after = argv + i + 1;
                o->after_count = n;
            }
            i += n;
            continue;
        }
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
        } else if (strcmp(arg, "--native") == 0) {
            o->native = 1;
        } else if (strcmp(arg, "--subprocesses") == 0) {
            o->subprocesses = 1;
        } else if (option_is(arg, NULL, "--max-processes", &len)) {
            const char *value = option_value(argc, argv, &i, arg, len);
            double n;
            if (parse_number(value, 1, 4096, &n) != 0 || n != (int)n)
                return options_fail("invalid --max-processes '%s': give a count, 1 to 4096",
                                    value ? value : "");
            o->max_processes = (int)n;
        } else if (strcmp(arg, "--contention") == 0) {
            o->contention = 1;
        } else if (strcmp(arg, "--check-lifecycle") == 0 || strcmp(arg, "--lifecycle") == 0) {
            o->check_lifecycle = 1;
        } else if (option_is(arg, NULL, "--stuck-await-s", &len)) {
            const char *value = option_value(argc, argv, &i, arg, len);
            if (parse_number(value, 0.001, 1e9, &o->stuck_await_s) != 0)
                return options_fail("invalid --stuck-await-s '%s': give seconds > 0",
                                    value ? value : "");
        } else if (option_is(arg, NULL, "--fail-on", &len)) {
            const char *value = option_value(argc, argv, &i, arg, len);
            if (!value || lifecycle_checks_parse(value, &o->fail_on) != 0 || o->fail_on == 0)
                return options_fail("unknown check in --fail-on '%s': use leaks, orphans, "
                                    "stuck-awaits, shutdown, fan-out or all",
                                    value ? value : "");
            o->check_lifecycle = 1;
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
            if (parse_number(value, 0.1, 1000000, &o->rate_hz) != 0)
                return options_fail("invalid rate '%s': give samples per second, 0.1 to 1000000",
                                    value ? value : "");
        } else if (option_is(arg, "-d", "--duration", &len)) {
            const char *value = option_value(argc, argv, &i, arg, len);
            if (parse_number(value, 0.001, 1e9, &o->duration_s) != 0)
                return options_fail("invalid duration '%s': give seconds > 0", value ? value : "");
        } else if (option_is(arg, "-o", "--output", &len)) {
            const char *value = option_value(argc, argv, &i, arg, len);
            if (!value || !*value)
                return options_fail("%s needs a file name", "--output");
            if (o->output_count == OPTIONS_MAX_OUTPUTS)
                return options_fail("at most %d outputs", OPTIONS_MAX_OUTPUTS);
            o->outputs[o->output_count++] = value;
            o->output = o->outputs[0];
        } else if (option_is(arg, "-f", "--format", &len)) {
            const char *value = option_value(argc, argv, &i, arg, len);
            o->format = options_format_named(value);
            if (o->format == FORMAT_DEFAULT)
                return options_fail("unknown format '%s': use collapsed, svg, speedscope, "
                                    "pprof, chrome or raw",
                                    value ? value : "");
        } else if (option_is(arg, NULL, "--thread", &len)) {
            o->filter_thread = option_value(argc, argv, &i, arg, len);
            if (!o->filter_thread)
                return options_fail("%s", "--thread needs a name or tid");
        } else if (option_is(arg, NULL, "--task", &len)) {
            o->filter_task = option_value(argc, argv, &i, arg, len);
            if (!o->filter_task)
                return options_fail("%s", "--task needs a name");
        } else if (option_is(arg, NULL, "--state", &len)) {
            const char *value = option_value(argc, argv, &i, arg, len);
            if (options_parse_states(value, &o->filter_states) != 0)
                return options_fail("unknown state in '%s': use running, gil-wait, lock-wait, "
                                    "io-wait, sleeping, idle, awaiting or unknown",
                                    value ? value : "");
        } else if (option_is(arg, NULL, "--loop-block-ms", &len)) {
            const char *value = option_value(argc, argv, &i, arg, len);
            if (parse_number(value, 0.001, 1e9, &o->loop_block_ms) != 0)
                return options_fail("invalid --loop-block-ms '%s': give milliseconds > 0",
                                    value ? value : "");
        } else if (option_is(arg, NULL, "--stuck-s", &len)) {
            const char *value = option_value(argc, argv, &i, arg, len);
            if (parse_number(value, 0.001, 1e9, &o->stuck_s) != 0)
                return options_fail("invalid --stuck-s '%s': give seconds > 0", value ? value : "");
        } else if (option_is(arg, NULL, "--since", &len)) {
            const char *value = option_value(argc, argv, &i, arg, len);
            if (parse_number(value, 0, 1e9, &o->since_s) != 0)
                return options_fail("invalid --since '%s': give seconds", value ? value : "");
        } else if (option_is(arg, NULL, "--until", &len)) {
            const char *value = option_value(argc, argv, &i, arg, len);
            if (parse_number(value, 0, 1e9, &o->until_s) != 0)
                return options_fail("invalid --until '%s': give seconds", value ? value : "");
        } else if (option_is(arg, NULL, "--fail-if-regressed", &len)) {
            const char *value = option_value(argc, argv, &i, arg, len);
            if (parse_number(value, 0, 100, &o->fail_if_regressed) != 0)
                return options_fail("invalid --fail-if-regressed '%s': give percentage points",
                                    value ? value : "");
        } else if (option_is(arg, NULL, "--group", &len)) {
            const char *value = option_value(argc, argv, &i, arg, len);
            if (value && strcmp(value, "task") == 0)
                o->group_tasks = 1;
            else if (value && strcmp(value, "thread") == 0)
                o->group_tasks = 0;
            else
                return options_fail("unknown --group '%s': use thread or task", value ? value : "");
        } else if (strcmp(arg, "--tasks") == 0 || strncmp(arg, "--tasks=", 8) == 0) {
            /* An optional value: `--tasks` alone (dump), `--tasks all|running`. */
            const char *value = arg[7] == '=' ? arg + 8 : NULL;
            if (!value && i + 1 < argc &&
                (strcmp(argv[i + 1], "all") == 0 || strcmp(argv[i + 1], "running") == 0))
                value = argv[++i];
            if (!value || strcmp(value, "running") == 0)
                o->tasks = TASKS_RUNNING;
            else if (strcmp(value, "all") == 0)
                o->tasks = TASKS_ALL;
            else
                return options_fail("unknown --tasks '%s': use all or running", value);
        } else if (option_is(arg, NULL, "--max-tasks", &len)) {
            const char *value = option_value(argc, argv, &i, arg, len);
            double n;
            if (parse_number(value, 1, 1000000, &n) != 0 || n != (int)n)
                return options_fail("invalid --max-tasks '%s': give a count, 1 to 1000000",
                                    value ? value : "");
            o->max_tasks = (int)n;
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
    if (o->command == COMMAND_REPORT) {
        if (!o->input)
            return options_fail("%s", "report needs a .pcp file (record one with -o FILE.pcp)");
        if (o->pid || o->argv || o->blocking || o->duration_s > 0 || o->subprocesses || o->native ||
            (o->json && !o->contention && !o->check_lifecycle))
            return options_fail("%s", "report takes a .pcp file, -f, -o, filters, "
                                      "--contention and --lifecycle [--json]");
        if (options_format(o) == FORMAT_RAW)
            return options_fail("%s", "report cannot write raw .pcp; choose another format");
        return 0;
    }
    if (o->command == COMMAND_DIFF) {
        if (o->before_count == 0 || o->after_count == 0)
            return options_fail("%s", "diff needs BEFORE.pcp AFTER.pcp (or --before ... --after ...)");
        if (o->pid || o->argv)
            return options_fail("%s", "diff compares .pcp files; it does not attach");
        return 0;
    }
    if (o->output_count > 1 && o->command != COMMAND_RECORD)
        return options_fail("%s", "only record writes several outputs (one -o per format)");
    if (o->output_count > 1 && o->format != FORMAT_DEFAULT)
        return options_fail("%s", "with several -o, each output's format comes from its "
                                  "extension: drop -f");
    int raw_outputs = 0;
    for (int k = 0; k < o->output_count; k++)
        raw_outputs += options_output_format(o, k) == FORMAT_RAW;
    if (raw_outputs > 1)
        return options_fail("%s", "one .pcp output at a time");
    if (o->filter_thread || o->filter_task || o->since_s > 0 || o->until_s > 0 ||
        o->fail_if_regressed >= 0)
        return options_fail("%s", "--thread, --task, --since, --until and --fail-if-regressed "
                                  "belong to report and diff (record takes --state)");
    if (o->command == COMMAND_DUMP && o->filter_states)
        return options_fail("%s", "--state belongs to record and report");
    if (o->pid && o->argv)
        return options_fail("%s", "give either --pid or a command after --, not both");
    if (!o->pid && !o->argv)
        return options_fail("%s", "nothing to profile: give --pid PID or -- CMD ARGS...");
    if (o->command == COMMAND_DUMP && !o->pid)
        return options_fail("%s", "dump needs --pid PID");
    if (o->command == COMMAND_DUMP && (o->format || o->duration_s > 0 || o->blocking ||
                                       o->stats || o->contention || o->mode != MODE_WALL))
        return options_fail("%s", "dump takes only --pid, --tasks, --max-tasks, --subprocesses, "
                                  "--native, --json and -o");
    if (o->command == COMMAND_DUMP && o->group_tasks)
        return options_fail("%s", "--group belongs to record; dump --tasks shows the task tree");
    if (o->max_processes && !o->subprocesses)
        return options_fail("%s", "--max-processes goes with --subprocesses");
    if (!o->max_processes)
        o->max_processes = OPTIONS_MAX_PROCESSES;
    if (o->command == COMMAND_RECORD && o->tasks == TASKS_ALL)
        o->group_tasks = 1; /* awaiting samples only make sense under task roots */
    if (o->native && o->group_tasks)
        return options_fail("%s", "--native does not combine with --group task / --tasks all "
                                  "(yet): record them separately");
    if (o->command == COMMAND_RECORD && o->json && !o->check_lifecycle)
        return options_fail("%s", "record --json goes with --check-lifecycle (dump --pid PID "
                                  "--json for a snapshot)");
    if (o->command == COMMAND_DUMP && (o->check_lifecycle || o->fail_on))
        return options_fail("%s", "--check-lifecycle and --fail-on belong to record and report");
    return 0;
}

enum output_format options_format_named(const char *name)
{
    static const struct {
        const char *name;
        enum output_format format;
    } names[] = {{"collapsed", FORMAT_COLLAPSED}, {"folded", FORMAT_COLLAPSED},
                 {"svg", FORMAT_SVG},             {"speedscope", FORMAT_SPEEDSCOPE},
                 {"pprof", FORMAT_PPROF},         {"chrome", FORMAT_CHROME},
                 {"raw", FORMAT_RAW},             {"pcp", FORMAT_RAW}};
    for (size_t i = 0; name && i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i].name) == 0)
            return names[i].format;
    return FORMAT_DEFAULT;
}

int options_parse_states(const char *list, unsigned *mask)
{
    *mask = 0;
    if (!list || !*list)
        return -1;
    char copy[256];
    snprintf(copy, sizeof copy, "%s", list);
    char *saved = NULL;
    for (char *name = strtok_r(copy, ",", &saved); name; name = strtok_r(NULL, ",", &saved)) {
        int state = sample_state_from_name(name);
        if (state < 0)
            return -1;
        *mask |= 1u << state;
    }
    return *mask ? 0 : -1;
}

static int ends_with(const char *text, const char *suffix)
{
    size_t len = strlen(text), n = strlen(suffix);
    return len >= n && strcasecmp(text + len - n, suffix) == 0;
}

static enum output_format format_of_name(const char *name)
{
    if (ends_with(name, ".svg"))
        return FORMAT_SVG;
    if (ends_with(name, ".speedscope.json"))
        return FORMAT_SPEEDSCOPE;
    if (ends_with(name, ".pb.gz") || ends_with(name, ".pprof"))
        return FORMAT_PPROF;
    if (ends_with(name, ".trace.json"))
        return FORMAT_CHROME;
    if (ends_with(name, ".pcp"))
        return FORMAT_RAW;
    return FORMAT_COLLAPSED;
}

enum output_format options_output_format(const struct options *o, int i)
{
    if (o->format != FORMAT_DEFAULT)
        return o->format;
    return i < o->output_count ? format_of_name(o->outputs[i]) : FORMAT_COLLAPSED;
}

enum output_format options_format(const struct options *o)
{
    return options_output_format(o, 0);
}

int options_states_used(const struct options *o)
{
    if (o->mode == MODE_CPU || o->filter_states || o->contention || o->check_lifecycle)
        return 1;
    int outputs = o->output_count > 0 ? o->output_count : 1; /* none: stdout */
    for (int i = 0; i < outputs; i++) {
        enum output_format format = options_output_format(o, i);
        if (format != FORMAT_COLLAPSED && format != FORMAT_SPEEDSCOPE)
            return 1;
    }
    return 0;
}
