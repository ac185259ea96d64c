/* main.c - pyconc-prof: sample CPython stacks from outside the process.
 *
 * The flow of a recording: parse options, open the output (so an unwritable
 * path fails before anything else), attach to or start the target, sample
 * until the duration ends / Ctrl-C / SIGTERM / the target exits, then write
 * the output and one summary line.  Signals only set a flag; everything
 * after that runs on the normal path, so output is never lost to a signal.
 * Exit codes: 0 ok, 1 usage or output error, 2 cannot attach; wrapping a
 * command exits with the command's status. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../output/profile.h"
#include "dump_command.h"
#include "options.h"
#include "sampler.h"
#include "spawn.h"
#include "store.h"
#include "target.h"

#define EXIT_USAGE 1
#define EXIT_ATTACH 2
/* How long a wrapped command may take to show a CPython runtime. */
#define WRAP_FIND_RUNTIME_NS 10000000000ull

static volatile sig_atomic_t main_signal = 0;

static void main_on_signal(int sig)
{
    main_signal = sig;
    sampler_stop_requested = 1;
}

static void main_install_signals(void)
{
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = main_on_signal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, NULL);
    sigaction(SIGTERM, &action, NULL);
    sigaction(SIGHUP, &action, NULL);
    signal(SIGPIPE, SIG_IGN);
}

static void main_sleep_ms(int ms)
{
    struct timespec pause = {0, ms * 1000000L};
    nanosleep(&pause, NULL);
}

/* Wrap mode: wait until the child's interpreter can be sampled.  Returns a
 * runtime_status: RUNTIME_OK also when a Python child exited before it could
 * be sampled (the sampler then finds it gone); RUNTIME_NOT_PYTHON when it
 * exited, or ran for 10 s, without a CPython runtime. */
static int main_wait_for_python(struct target *target, pid_t child, char *err, size_t err_len)
{
    uint64_t start = monotonic_ns();
    int status = RUNTIME_NOT_PYTHON;
    int found = 0;
    while (!sampler_stop_requested) {
        siginfo_t info;
        memset(&info, 0, sizeof info);
        /* WNOWAIT: leave the child for spawn_wait to reap and report. */
        if (waitid(P_PID, (id_t)child, &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
            info.si_pid == child) {
            if (!found)
                snprintf(err, err_len,
                         "process %d exited before a CPython runtime was found in it: "
                         "the command is not a Python process (nothing was sampled)",
                         (int)child);
            return found ? RUNTIME_OK : RUNTIME_NOT_PYTHON;
        }
        if (!found) {
            target_close(target);
            status = target_open(target, child, err, err_len);
            found = status == RUNTIME_OK;
            /* Right after exec, /proc/PID can refuse us for a moment (the
             * kernel is still installing the new image): only an unsupported
             * version is final before the time limit. */
            if (!found &&
                (status == RUNTIME_UNSUPPORTED || monotonic_ns() - start > WRAP_FIND_RUNTIME_NS))
                return status;
        }
        if (found && target_ready(target))
            return RUNTIME_OK;
        main_sleep_ms(2);
    }
    return found ? RUNTIME_OK : status;
}

static FILE *main_open_output(const struct options *options)
{
    if (!options->output)
        return stdout;
    FILE *out = fopen(options->output, "we");
    if (!out)
        fprintf(stderr, "pyconc-prof: cannot write %s: %s; choose a writable path for -o\n",
                options->output, strerror(errno));
    return out;
}

static int main_write_output(FILE *out, const struct options *options, struct target *target,
                             const struct store *store, const struct sampler_stats *stats)
{
    struct profile profile;
    memset(&profile, 0, sizeof profile);
    if (store_view(store, &profile) != 0) {
        fprintf(stderr, "pyconc-prof: out of memory while writing the output\n");
        return -1;
    }
    profile.command = target->command[0] ? target->command : NULL;
    profile.python_version = target->runtime.version[0] ? target->runtime.version : NULL;
    profile.pid = target->pid;
    profile.duration_s = stats->elapsed_s;
    profile.rate_hz = options->rate_hz;
    profile.mode = options->mode == MODE_CPU ? "cpu" : "wall";
    int rc = options_format(options) == FORMAT_SVG ? svg_write(out, &profile)
                                                    : collapsed_write(out, &profile);
    if (rc == 0 && fflush(out) != 0)
        rc = -1;
    if (rc != 0)
        fprintf(stderr, "pyconc-prof: cannot write %s: %s\n",
                options->output ? options->output : "standard output", strerror(errno));
    store_view_free(&profile);
    return rc;
}

static void main_summary(const struct store *store, const struct sampler_stats *stats)
{
    double achieved = stats->elapsed_s > 0 ? (double)stats->ticks / stats->elapsed_s : 0;
    fprintf(stderr,
            "pyconc-prof: %llu samples, %llu ticks missed, %llu torn reads dropped "
            "(%llu ticks in %.2f s, %.1f Hz achieved",
            (unsigned long long)store->samples, (unsigned long long)stats->ticks_missed,
            (unsigned long long)stats->torn, (unsigned long long)stats->ticks, stats->elapsed_s,
            achieved);
    if (stats->truncated)
        fprintf(stderr, ", %llu stacks truncated at 4096 frames",
                (unsigned long long)stats->truncated);
    fprintf(stderr, "%s)\n", stats->target_exited ? ", target exited" : "");
}

static void main_stats(const struct target *target, const struct sampler_stats *stats)
{
    double ticks = stats->ticks ? (double)stats->ticks : 1.0;
    fprintf(stderr,
            "pyconc-prof: stats: %.1f us per tick, %.2f process_vm_readv calls per tick "
            "(%llu calls, %llu failed), code cache %llu hits %llu misses\n",
            (double)stats->busy_ns / 1000.0 / ticks, (double)target->live.base.read_calls / ticks,
            (unsigned long long)target->live.base.read_calls,
            (unsigned long long)target->live.base.read_failures,
            (unsigned long long)target->codes.hits, (unsigned long long)target->codes.misses);
}

static int main_record(const struct options *options)
{
    FILE *out = main_open_output(options);
    if (!out)
        return EXIT_USAGE;
    static struct target target;
    char err[1024] = "";
    pid_t child = -1;
    int status;
    if (options->argv) {
        child = spawn_command(options->argv);
        if (child < 0)
            return options->output ? (fclose(out), 127) : 127;
        status = main_wait_for_python(&target, child, err, sizeof err);
    } else {
        status = target_open(&target, options->pid, err, sizeof err);
    }
    int exit_code = 0;
    struct store store;
    store_init(&store);
    struct sampler_stats stats;
    memset(&stats, 0, sizeof stats);
    if (status == RUNTIME_OK && sampler_run(&target, options, &store, &stats) != 0) {
        status = RUNTIME_PERMISSION; /* --blocking could not pause it; message printed */
        err[0] = '\0';
    }
    if (status == RUNTIME_OK) {
        if (main_write_output(out, options, &target, &store, &stats) != 0)
            exit_code = EXIT_USAGE;
        main_summary(&store, &stats);
        if (options->stats)
            main_stats(&target, &stats);
    } else {
        if (err[0])
            fprintf(stderr, "pyconc-prof: %s\n", err);
        exit_code = EXIT_ATTACH;
    }
    if (child > 0) {
        if (main_signal == SIGTERM || main_signal == SIGHUP)
            kill(child, main_signal);
        int child_status = spawn_wait(child);
        if (exit_code == 0)
            exit_code = child_status;
    }
    if (out != stdout && fclose(out) != 0 && exit_code == 0)
        exit_code = EXIT_USAGE;
    store_free(&store);
    target_close(&target);
    return exit_code;
}

static int main_dump(const struct options *options)
{
    static struct target target;
    char err[1024] = "";
    int status = target_open(&target, options->pid, err, sizeof err);
    if (status != RUNTIME_OK) {
        fprintf(stderr, "pyconc-prof: %s\n", err);
        target_close(&target);
        return EXIT_ATTACH;
    }
    FILE *out = main_open_output(options);
    if (!out) {
        target_close(&target);
        return EXIT_USAGE;
    }
    int rc = dump_run(&target, options->json, out);
    target_close(&target);
    if (out != stdout && fclose(out) != 0 && rc == 0) {
        fprintf(stderr, "pyconc-prof: cannot write %s: %s\n", options->output, strerror(errno));
        return EXIT_USAGE;
    }
    return rc == 0 ? 0 : EXIT_ATTACH;
}

int main(int argc, char **argv)
{
    struct options options;
    int parsed = options_parse(argc, argv, &options);
    if (parsed == 1)
        return EXIT_USAGE;
    if (parsed == 2)
        return 0;
    main_install_signals();
    return options.command == COMMAND_DUMP ? main_dump(&options) : main_record(&options);
}
