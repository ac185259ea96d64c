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
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../output/profile.h"
#include "diff_command.h"
#include "dump_command.h"
#include "options.h"
#include "../readers/remote_recorder.h"
#include "../readers/tasks.h"
#include "lifecycle_watch.h"
#include "pcp_read.h"
#include "pcp_stream.h"
#include "proc_tasks.h"
#include "process_tree.h"
#include "sampler_native.h"
#include "../readers/process_name.h"
#include "render.h"
#include "version.h"
#include "sampler.h"
#include "spawn.h"
#include "store.h"
#include "target.h"

#define EXIT_USAGE 1
#define EXIT_ATTACH 2
#define EXIT_FINDINGS 4 /* --fail-on: a lifecycle check found something */
/* How long a wrapped command may take to show a CPython runtime... */
#define WRAP_FIND_RUNTIME_NS 10000000000ull
/* ...or, with --subprocesses, before it is taken for a launcher of Python
 * processes (a shell, make): its descendants are sampled, and it too if it
 * execs Python later. */
#define WRAP_FIND_LAUNCHER_NS 250000000ull

static volatile sig_atomic_t main_signal = 0;

static void main_on_signal(int sig)
{
    main_signal = sig;
    sampler_stop_requested = 1;
}

/* Two /proc files stay open per sampled thread (stat, syscall): a target
 * with a thousand threads needs more descriptors than the usual soft limit. */
static void main_raise_file_limit(void)
{
    struct rlimit limit;
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
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
 * exited, or ran for limit_ns, without a CPython runtime. */
static int main_wait_for_python(struct target *target, pid_t child, uint64_t limit_ns, char *err,
                                size_t err_len)
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
                (status == RUNTIME_UNSUPPORTED || monotonic_ns() - start > limit_ns))
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

static const char *main_output_name(const struct options *options)
{
    return options->output ? options->output : "standard output";
}

static const char *main_mode_name(const struct options *options)
{
    return options->mode == MODE_CPU ? "cpu" : "wall";
}

static uint64_t main_unix_ns(void)
{
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    return (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec;
}

static void main_write_failed(const struct options *options)
{
    fprintf(stderr, "pyconc-prof: cannot write %s: %s\n", main_output_name(options),
            strerror(errno));
}

static int main_stream_tick(void *ctx, struct store *store, uint64_t now_ns)
{
    return pcp_stream_update(ctx, store, now_ns);
}

#define MAIN_SPELLED(x) #x
#define STR(x) MAIN_SPELLED(x)

/* The caps hit while reading (README, "Reliability"), one clause each. */
static void main_summary_caps(const struct remote *mem)
{
    static const char *const said[REMOTE_CAP_COUNT] = {
        [REMOTE_CAP_THREADS] = "ticks with over " STR(TARGET_MAX_THREADS)
                               " threads (the rest not sampled)",
        [REMOTE_CAP_STRING] = "strings cut at their length cap",
        [REMOTE_CAP_LINETABLE] = "line tables unread (over 1 MiB or torn; line unknown)",
        [REMOTE_CAP_CONTAINER] = "dicts, lists or sets too big to walk",
        [REMOTE_CAP_TASK_CHAIN] = "await chains cut at " STR(TASK_CHAIN_MAX) " coroutines",
        [REMOTE_CAP_TASK_LIST] = "task list walks stopped at their link cap",
    };
    for (int cap = 0; cap < REMOTE_CAP_COUNT; cap++)
        if (mem->caps_hit[cap])
            fprintf(stderr, ", %llu %s", (unsigned long long)mem->caps_hit[cap], said[cap]);
}

/* record --subprocesses: what became of the descendants. */
static void main_summary_tree(const struct process_tree *tree)
{
    fprintf(stderr, ", %llu child processes sampled", (unsigned long long)tree->followed);
    if (tree->not_python)
        fprintf(stderr, ", %llu not Python (skipped)", (unsigned long long)tree->not_python);
    if (tree->unreadable)
        fprintf(stderr, ", %llu not readable (permission: another user's?)",
                (unsigned long long)tree->unreadable);
    if (tree->unsampled)
        fprintf(stderr, ", %llu exited before their interpreter was ready",
                (unsigned long long)tree->unsampled);
    if (tree->over_cap)
        fprintf(stderr, ", %llu not followed (over --max-processes %d)",
                (unsigned long long)tree->over_cap, tree->max);
}

static void main_summary(const struct target *target, const struct store *store,
                         const struct sampler_stats *stats, const struct process_tree *tree)
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
    if (stats->tasks_capped)
        fprintf(stderr, ", %llu task snapshots cut at --max-tasks",
                (unsigned long long)stats->tasks_capped);
    if (stats->tasks_dropped || stats->tasks_torn)
        fprintf(stderr, ", %llu tasks not read (torn or over the cap), %llu task reads torn",
                (unsigned long long)stats->tasks_dropped, (unsigned long long)stats->tasks_torn);
    main_summary_caps(&target->live.base);
    if (target->native && target->native->unwinder.failures)
        fprintf(stderr, ", %llu native unwinds failed (their Python frames kept)",
                (unsigned long long)target->native->unwinder.failures);
    if (tree)
        main_summary_tree(tree);
    fprintf(stderr, "%s)\n",
            stats->target_exited                          ? ", target exited"
            : stats->target_replaced == SAMPLER_EXECED     ? ", target exec'd a new program"
            : stats->target_replaced == SAMPLER_PID_REUSED ? ", target's pid reused"
                                                           : "");
}

/* Why a recording stopped early, when the target was replaced under its pid. */
static void main_replaced(const struct target *target, const struct sampler_stats *stats)
{
    if (stats->target_replaced == SAMPLER_EXECED)
        fprintf(stderr,
                "pyconc-prof: process %d exec'd a new program after %.1f s; the recording stops "
                "there (the output holds what came before; profile the new program with "
                "--pid %d)\n",
                target->pid, stats->elapsed_s, target->pid);
    else if (stats->target_replaced == SAMPLER_PID_REUSED)
        fprintf(stderr,
                "pyconc-prof: process %d exited and its pid now belongs to another process; "
                "the recording stops at %.1f s (not profiling a stranger)\n",
                target->pid, stats->elapsed_s);
}

static int main_pause_order(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* --stats with --blocking/--native: how long the target was paused per tick. */
static void main_stats_pauses(struct sampler_stats *stats)
{
    if (!stats->pause_count)
        return;
    qsort(stats->pauses, stats->pause_count, sizeof *stats->pauses, main_pause_order);
    size_t p99 = stats->pause_count * 99 / 100;
    fprintf(stderr,
            "pyconc-prof: stats: target paused per tick (every thread): median %.1f us, "
            "p99 %.1f us (%zu ticks)\n",
            stats->pauses[stats->pause_count / 2] / 1000.0, stats->pauses[p99] / 1000.0,
            stats->pause_count);
}

static void main_stats(const struct target *target, struct sampler_stats *stats)
{
    double ticks = stats->ticks ? (double)stats->ticks : 1.0;
    fprintf(stderr,
            "pyconc-prof: stats: %.1f us per tick, %.2f process_vm_readv calls per tick "
            "(%llu calls, %llu failed), code cache %llu hits %llu misses\n",
            (double)stats->busy_ns / 1000.0 / ticks, (double)target->live.base.read_calls / ticks,
            (unsigned long long)target->live.base.read_calls,
            (unsigned long long)target->live.base.read_failures,
            (unsigned long long)target->codes.hits, (unsigned long long)target->codes.misses);
    if (target->native)
        fprintf(stderr, "pyconc-prof: stats: %llu native unwinds, %llu failed, %zu files' symbols "
                        "read, maps re-read %llu times\n",
                (unsigned long long)target->native->unwinder.unwinds,
                (unsigned long long)target->native->unwinder.failures,
                target->native->symbols.file_count,
                (unsigned long long)target->native->symbols.reloads);
    main_stats_pauses(stats);
}

/* The files a recording writes: every -o, or standard output. */
struct main_outputs {
    int count;
    const char *name[OPTIONS_MAX_OUTPUTS];
    FILE *file[OPTIONS_MAX_OUTPUTS];
    enum output_format format[OPTIONS_MAX_OUTPUTS];
    int failed[OPTIONS_MAX_OUTPUTS]; /* writing it failed (message printed) */
};

/* Opens every output before anything else happens: an unwritable path fails
 * before the target is touched.  0, or -1 (message printed, all closed). */
static int main_open_outputs(const struct options *options, struct main_outputs *outs)
{
    memset(outs, 0, sizeof *outs);
    outs->count = options->output_count ? options->output_count : 1;
    for (int i = 0; i < outs->count; i++) {
        outs->format[i] = options_output_format(options, i);
        outs->name[i] = options->output_count ? options->outputs[i] : "standard output";
        outs->file[i] = stdout;
        if (!options->output_count)
            continue;
        outs->file[i] = fopen(options->outputs[i], "we");
        if (!outs->file[i]) {
            fprintf(stderr, "pyconc-prof: cannot write %s: %s; choose a writable path for -o\n",
                    options->outputs[i], strerror(errno));
            for (int j = 0; j < i; j++)
                fclose(outs->file[j]);
            return -1;
        }
    }
    return 0;
}

/* A file whose writing failed is removed, so nothing half-written looks like a
 * profile; a .pcp stays: it reads up to its last whole block and says it was cut. */
static void main_remove_partial(const char *path, enum output_format format)
{
    if (format != FORMAT_RAW && unlink(path) == 0)
        fprintf(stderr, "pyconc-prof: removed the incomplete %s\n", path);
}

static int main_close_outputs(struct main_outputs *outs)
{
    int rc = 0;
    for (int i = 0; i < outs->count; i++) {
        if (outs->file[i] == stdout) {
            rc |= -outs->failed[i];
            continue;
        }
        if (fclose(outs->file[i]) != 0) {
            fprintf(stderr, "pyconc-prof: cannot write %s: %s\n", outs->name[i], strerror(errno));
            outs->failed[i] = 1;
        }
        if (outs->failed[i]) {
            main_remove_partial(outs->name[i], outs->format[i]);
            rc = -1;
        }
    }
    return rc;
}

/* The target's process root: its multiprocessing name, or its script. */
static void main_root_process(struct target *target, struct store *store)
{
    if (target->not_python)
        return; /* not sampled: it gets a root only if it execs Python (process_tree.c) */
    char name[PROCESS_NAME_MAX];
    uint64_t module = 0;
    if (!target->interp || process_name_read(&target->live.base, &target->runtime,
                                             target->interp, &module, name, sizeof name) != 0)
        process_tree_name(target->pid, name, sizeof name);
    struct proc_identity identity;
    int ppid = proc_identity_read(target->pid, &identity) == 0 ? identity.ppid : 0;
    uint32_t id = store_process(store, 0, target->pid, ppid, store_string(store, name));
    target->store_process = id == INTERN_FAILED ? 0 : id;
}

/* Samples into store (streaming to the .pcp output if there is one) and
 * writes every output.  0, 1 (an output failed), or -1 (sampling could not start). */
static int main_sample_and_write(struct target *target, const struct options *options,
                                 struct main_outputs *outs, struct store *store,
                                 struct sampler_stats *stats, int *findings,
                                 struct process_tree *tree)
{
    int raw = -1, result = 0;
    main_root_process(target, store);
    store->process_roots = options->subprocesses;
    /* Descendants are sampled plainly: --blocking, task roots and the
     * lifecycle checks keep per-process state for the target only. */
    struct options child_options = *options;
    child_options.blocking = 0;
    child_options.group_tasks = 0;
    child_options.tasks = TASKS_OFF;
    child_options.check_lifecycle = 0;
    child_options.native = 0;
    if (options->contention)
        store->keep_timeline = 1; /* the GIL figures are per tick */
    for (int i = 0; i < outs->count; i++) {
        if (outs->format[i] == FORMAT_RAW)
            raw = i;
        else if (render_needs_timeline(outs->format[i]))
            store->keep_timeline = 1;
    }
    static struct pcp_stream stream;
    struct sampler_hook hook = {main_stream_tick, &stream};
    if (raw >= 0) {
        struct pcp_header header = {target->command,  target->pid,
                                    target->runtime.version, options->rate_hz,
                                    main_mode_name(options), main_unix_ns(),
                                    "pyconc-prof " PYCONC_VERSION,
                                    options->check_lifecycle, options->subprocesses};
        if (pcp_stream_open(&stream, outs->file[raw], &header, store, store->keep_timeline) != 0) {
            fprintf(stderr, "pyconc-prof: cannot write %s: %s\n", outs->name[raw],
                    strerror(errno));
            return 1;
        }
    }
    if (sampler_run(target, options, store, stats, raw >= 0 ? &hook : NULL, tree,
                    &child_options) != 0)
        return -1;
    uint64_t duration_ns = (uint64_t)(stats->elapsed_s * 1e9);
    if (options->check_lifecycle)
        lifecycle_watch_finish(store, duration_ns, stats->target_exited);
    if (raw >= 0) {
        struct pcp_totals totals = {duration_ns, stats->ticks, stats->ticks_missed, stats->torn,
                                    stats->truncated};
        if (pcp_stream_close(&stream, store, &totals) != 0 || stats->output_failed) {
            fprintf(stderr, "pyconc-prof: cannot write %s: %s\n", outs->name[raw],
                    strerror(errno));
            result = 1;
        }
    }
    struct render_meta meta = {target->command, target->runtime.version, target->pid,
                               duration_ns,     options->rate_hz,        main_mode_name(options)};
    for (int i = 0; i < outs->count; i++)
        if (i != raw && render_profile(outs->file[i], outs->name[i], outs->format[i], store,
                                       &meta) != 0) {
            outs->failed[i] = 1;
            result = 1;
        }
    /* The reports go to standard output unless a profile is being written there. */
    if ((options->contention || options->check_lifecycle) &&
        render_reports(options->output_count ? stdout : stderr, store, &meta, options,
                       findings) != 0)
        result = 1;
    return result;
}

static int main_record(const struct options *options)
{
    struct main_outputs outs;
    if (main_open_outputs(options, &outs) != 0)
        return EXIT_USAGE;
    static struct target target;
    char err[1024] = "";
    pid_t child = -1;
    int status;
    if (options->argv) {
        child = spawn_command(options->argv);
        if (child < 0) {
            main_close_outputs(&outs);
            return 127;
        }
        status = main_wait_for_python(
            &target, child, options->subprocesses ? WRAP_FIND_LAUNCHER_NS : WRAP_FIND_RUNTIME_NS,
            err, sizeof err);
    } else {
        status = target_open(&target, options->pid, err, sizeof err);
    }
    int exit_code = 0, findings = 0;
    static struct store store;
    store_init(&store);
    store.keep_states = options->filter_states;
    struct sampler_stats stats;
    memset(&stats, 0, sizeof stats);
    static struct process_tree tree;
    if (options->subprocesses)
        process_tree_init(&tree, target.pid, options->max_processes);
    if (status == RUNTIME_NOT_PYTHON && options->subprocesses && proc_alive(target.pid)) {
        fprintf(stderr, "pyconc-prof: process %d is not Python; sampling its Python descendants\n",
                target.pid);
        target.not_python = 1;
        tree.root_member = 1;
        status = RUNTIME_OK;
    }
    static struct native_state native;
    if (status == RUNTIME_OK && options->native && !target.not_python) {
        if (sampler_native_open(&native, target.pid) == 0)
            target.native = &native;
        else
            status = RUNTIME_UNREADABLE; /* message printed */
    }
    if (status == RUNTIME_OK) {
        int written = main_sample_and_write(&target, options, &outs, &store, &stats, &findings,
                                            options->subprocesses ? &tree : NULL);
        if (written < 0) {
            exit_code = EXIT_ATTACH; /* --blocking could not pause it; message printed */
        } else {
            exit_code = written ? EXIT_USAGE : 0;
            main_replaced(&target, &stats);
            if (options->subprocesses)
                process_tree_finish(&tree);
            main_summary(&target, &store, &stats, options->subprocesses ? &tree : NULL);
            if (options->stats)
                main_stats(&target, &stats);
        }
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
    /* --fail-on: a lifecycle finding fails the run even when the command succeeded */
    if ((exit_code == 0 || child > 0) && (findings & (int)options->fail_on))
        exit_code = EXIT_FINDINGS;
    if (main_close_outputs(&outs) != 0 && exit_code == 0)
        exit_code = EXIT_USAGE;
    store_free(&store);
    if (options->subprocesses)
        process_tree_free(&tree);
    if (target.native)
        sampler_native_close(target.native);
    target.native = NULL;
    target_close(&target);
    return exit_code;
}

/* dump --subprocesses: every Python descendant after the target, as text one
 * after the other, or as {"processes": [dump, ...]} in JSON. */
static int main_dump_tree(struct target *root, const struct options *options, FILE *out)
{
    static struct process_tree tree;
    process_tree_init(&tree, root->pid, options->max_processes);
    process_tree_scan(&tree, monotonic_ns());
    int tasks = options->tasks != TASKS_OFF, rc = 0;
    if (options->json && fputs("{\"processes\": [", out) == EOF)
        rc = -1;
    if (rc == 0)
        rc = dump_run(root, options->json, tasks, options->max_tasks, out);
    size_t dumped = 0, skipped = 0;
    for (size_t i = 0; rc == 0 && i < tree.count; i++) {
        struct tree_member *m = &tree.members[i];
        if (m->state != MEMBER_STARTING)
            continue;
        if (!target_ready(m->target)) {
            skipped++; /* its interpreter is still starting (or exiting) */
            continue;
        }
        /* into memory first: a process that exits mid-read leaves no half dump */
        char *text = NULL;
        size_t len = 0;
        FILE *mem = open_memstream(&text, &len);
        int ok = mem && dump_run(m->target, options->json, tasks, options->max_tasks, mem) == 0;
        if (mem)
            ok &= fclose(mem) == 0;
        if (ok && (fputs(options->json ? ", " : "\n", out) == EOF ||
                   fwrite(text, 1, len, out) != len))
            rc = -1;
        free(text);
        if (ok)
            dumped++;
        else
            skipped++; /* it exited while we read it, or changed under every read */
    }
    if (rc == 0 && options->json && fputs("]}\n", out) == EOF)
        rc = -1;
    process_tree_finish(&tree);
    if (rc == 0)
        fprintf(stderr, "pyconc-prof: %zu descendant processes dumped, %zu skipped (not ready or "
                        "gone), %llu not Python%s\n",
                dumped, skipped,
                (unsigned long long)tree.not_python,
                tree.over_cap ? " (some not followed: over --max-processes)" : "");
    process_tree_free(&tree);
    return rc;
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
    /* PYCONC_SNAPSHOT=FILE (scripts/snapshot-readers): also save the memory the
     * dump read, as a seed for the readers' fuzzer. */
    const char *snapshot = getenv("PYCONC_SNAPSHOT");
    if (snapshot && *snapshot)
        remote_recorder_start(&target.live.base);
    static struct native_state native;
    if (options->native) {
        if (sampler_native_open(&native, target.pid) != 0) {
            target_close(&target);
            if (out != stdout)
                fclose(out);
            return EXIT_ATTACH;
        }
        target.native = &native;
    }
    int rc = options->subprocesses
                 ? main_dump_tree(&target, options, out)
                 : dump_run(&target, options->json, options->tasks != TASKS_OFF,
                            options->max_tasks, out);
    if (snapshot && *snapshot &&
        remote_recorder_save(snapshot, target.runtime.minor, target.runtime.runtime_addr,
                             target.interp) != 0) {
        fprintf(stderr, "pyconc-prof: cannot write the snapshot %s: %s\n", snapshot,
                strerror(errno));
        rc = -1;
    }
    if (target.native)
        sampler_native_close(target.native);
    target.native = NULL;
    target_close(&target);
    if (out != stdout && fclose(out) != 0 && rc == 0) {
        fprintf(stderr, "pyconc-prof: cannot write %s: %s\n", options->output, strerror(errno));
        return EXIT_USAGE;
    }
    return rc == 0 ? 0 : EXIT_ATTACH;
}

static int main_report(const struct options *options)
{
    static struct store store;
    store_init(&store);
    enum output_format format = options_format(options);
    store.keep_timeline = render_needs_timeline(format) || options->contention;
    struct pcp_meta meta;
    struct pcp_filter filter = {options->filter_thread, options->filter_task,
                                options->filter_states, (uint64_t)(options->since_s * 1e9),
                                (uint64_t)(options->until_s * 1e9)};
    char err[1024] = "";
    enum pcp_read_result read = pcp_read(options->input, &store, &meta, &filter, err, sizeof err);
    if (read == PCP_READ_ERROR) {
        fprintf(stderr, "pyconc-prof: %s\n", err);
        store_free(&store);
        return EXIT_ATTACH;
    }
    if (read == PCP_READ_TRUNCATED)
        fprintf(stderr, "pyconc-prof: warning: %s\n", err);
    FILE *out = main_open_output(options);
    if (!out) {
        store_free(&store);
        return EXIT_USAGE;
    }
    struct render_meta render = {meta.command, meta.python_version, meta.pid,
                                 meta.totals.duration_ns, meta.rate_hz,
                                 meta.mode[0] ? meta.mode : "wall"};
    int findings = 0;
    if (options->check_lifecycle && !store.lifecycle) {
        fprintf(stderr, "pyconc-prof: %s has no lifecycle evidence: record it with "
                        "--check-lifecycle -o FILE.pcp\n", options->input);
        if (out != stdout)
            fclose(out);
        store_free(&store);
        return EXIT_USAGE;
    }
    int rc = options->contention || options->check_lifecycle
                 ? render_reports(out, &store, &render, options, &findings)
                 : render_profile(out, main_output_name(options), format, &store, &render);
    if (out != stdout && fclose(out) != 0 && rc == 0) {
        main_write_failed(options);
        rc = -1;
    }
    if (out != stdout && rc != 0)
        main_remove_partial(options->output, FORMAT_COLLAPSED);
    store_free(&store);
    if (rc != 0)
        return EXIT_USAGE;
    return findings & (int)options->fail_on ? EXIT_FINDINGS : 0;
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
    main_raise_file_limit();
    int rc;
    switch (options.command) {
    case COMMAND_DUMP:
        rc = main_dump(&options);
        break;
    case COMMAND_REPORT:
        rc = main_report(&options);
        break;
    case COMMAND_DIFF:
        rc = diff_command(&options);
        break;
    default:
        rc = main_record(&options);
        break;
    }
    /* Standard output closed early (`| head`) or full: say so, and fail. */
    errno = 0;
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "pyconc-prof: cannot write standard output: %s\n",
                errno ? strerror(errno) : "write error");
        if (rc == 0)
            rc = EXIT_USAGE;
    }
    return rc;
}
