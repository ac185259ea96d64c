/* sampler.c - the sampling loop: absolute deadlines, one tick per period.
 *
 * Each tick reads the thread list and every thread's frames, resolves them
 * through the code cache and counts the stack in the store.  Deadlines are
 * absolute (start + n * period), so a slow tick does not shift later ones:
 * a tick that overran is followed at once by one late tick, and deadlines
 * older than that are counted as missed, never caught up in a burst.  A torn
 * read drops that thread's stack for this tick and is counted. */
#include "sampler.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "../readers/linetable.h"
#include "../readers/thread_state.h"
#include "blocking.h"
#include "lifecycle_watch.h"
#include "process_tree.h"
#include "sampler_native.h"
#include "sampler_tasks.h"

volatile sig_atomic_t sampler_stop_requested = 0;

static struct blocking sampler_blocking;

/* sampler_frame's answer for a frame CPython itself would not show. */
#define SAMPLER_FRAME_HIDDEN (INTERN_FAILED - 1)

uint32_t sampler_code_frame(struct store *store, struct code_info *code, int64_t offset,
                            int *event_loop)
{
    if (!code->user_set) {
        code->user[0] = store_string(store, code->name);
        code->user[1] = store_string(store, code->file);
        /* asyncio's BaseEventLoop._run_once: the loop's selector wait is idleness */
        size_t len = strlen(code->name);
        code->user[2] = len >= 9 && strcmp(code->name + len - 9, "_run_once") == 0;
        code->user[3] = 0; /* the line last interned + 1 (0: none); user[4] its frame id */
        code->user_set = 1;
    }
    *event_loop |= code->user[2] != 0;
    int line = linetable_line(&code->lines, offset, code->firstlineno);
    /* A frame on the same line as last time is the same frame: no interning
     * (25 of them a sample at depth 25). */
    if (line >= 0 && code->user[3] == (uint32_t)line + 1)
        return code->user[4];
    uint32_t id = store_frame(store, code->user[0], code->user[1], line);
    if (id != INTERN_FAILED && line >= 0) {
        code->user[3] = (uint32_t)line + 1;
        code->user[4] = id;
    }
    return id;
}

/* Frame id of frame `index` of target->walk, or INTERN_FAILED when it cannot be resolved. */
static uint32_t sampler_frame(struct target *target, struct store *store, uint32_t index,
                              int *event_loop)
{
    const struct raw_frame *raw = &target->walk.frames[index];
    struct code_info *code = target_code(target, index);
    if (!code)
        return INTERN_FAILED;
    if (frames_incomplete(raw, code->firsttraceable))
        return SAMPLER_FRAME_HIDDEN;
    return sampler_code_frame(store, code, raw->offset, event_loop);
}

/* The sample state of a thread (readers/thread_state.c has the rules). */
/* The target's threads are stopped during each tick. */
static int sampler_stops(const struct target *target, const struct options *options)
{
    return (options->blocking || target->native) && !target->not_python;
}

/* The kernel's view of thread tid (one read of its syscall file): whether it
 * is on a CPU, else the call it is blocked in.  0 when it cannot be read. */
static char sampler_sched(struct target *target, const struct options *options, int tid,
                          struct blocking_call *call)
{
    char text[256];
    memset(call, 0, sizeof *call);
    call->number = -1;
    if (tid <= 0 || proc_tasks_syscall(&target->tasks, tid, text, sizeof text) != 0 ||
        thread_state_parse_syscall(text, call) != 0)
        return 0;
    if (call->running)
        return 'R';
    /* A thread we stopped (--blocking, --native) outside a system call was on
     * the CPU or about to be. */
    if (sampler_stops(target, options) && !(call->known && call->number >= 0))
        return 'R';
    return 'S';
}

static int sampler_state(struct target *target, char sched, const struct blocking_call *call,
                         int holds_gil, int event_loop, int native_wait)
{
    static const int states[] = {
        [ACTIVITY_UNKNOWN] = STATE_UNKNOWN,     [ACTIVITY_RUNNING] = STATE_RUNNING,
        [ACTIVITY_GIL_WAIT] = STATE_GIL_WAIT,   [ACTIVITY_LOCK_WAIT] = STATE_LOCK_WAIT,
        [ACTIVITY_IO_WAIT] = STATE_IO_WAIT,     [ACTIVITY_SLEEPING] = STATE_SLEEPING,
        [ACTIVITY_IDLE] = STATE_IDLE,
    };
    struct thread_view view;
    memset(&view, 0, sizeof view);
    view.sched = sched;
    view.holds_gil = holds_gil;
    view.gil = target->gil;
    view.gil_size = target->runtime.layout.gil_size;
    view.in_event_loop = event_loop;
    view.call = *call;
    enum thread_activity activity = thread_state_classify(&view);
    /* --native: the C stack is a second witness.  Taking the GIL shows there
     * even where the kernel's view is a plain futex wait; otherwise it only
     * fills in what the kernel's view left unknown (a thread we stopped). */
    static const enum thread_activity from_native[] = {
        [NATIVE_WAIT_NONE] = ACTIVITY_UNKNOWN,     [NATIVE_WAIT_GIL] = ACTIVITY_GIL_WAIT,
        [NATIVE_WAIT_LOCK] = ACTIVITY_LOCK_WAIT,   [NATIVE_WAIT_IO] = ACTIVITY_IO_WAIT,
        [NATIVE_WAIT_SLEEP] = ACTIVITY_SLEEPING,
    };
    if (native_wait == NATIVE_WAIT_GIL && !holds_gil)
        activity = ACTIVITY_GIL_WAIT;
    else if (activity == ACTIVITY_UNKNOWN && native_wait > 0 &&
             native_wait < (int)(sizeof from_native / sizeof from_native[0]))
        activity = from_native[native_wait];
    return states[activity];
}

/* Whether samples get a state (options_states_used), set when sampling starts:
 * the two /proc reads per thread are a third of a sample's cost. */
static int sampler_classify = 1;

/* --native: the thread's native stack merged into its Python frames (ids,
 * outermost first, count given), in place; returns the new count.  A stack
 * that does not fit keeps its innermost frames.  An unwind that fails leaves
 * the Python frames as they are (counted). */
static uint32_t sampler_native_stack(struct target *target, struct store *store,
                                     struct sampler_stats *stats, int tid, uint32_t *ids,
                                     const unsigned char *entry, const uint64_t *shim,
                                     uint32_t count, uint32_t room, int *wait)
{
    static uint32_t merged[FRAMES_MAX_DEPTH + 1 + NATIVE_MAX_FRAMES];
    struct native_state *n = target->native;
    int ips = native_unwind(&n->unwinder, tid, n->ips, n->sps, NATIVE_MAX_FRAMES);
    if (ips <= 0)
        return count;
    uint32_t len = sampler_native_merge(n, store, stats->tick_ns, ids, entry, shim, count, ips,
                                        merged, FRAMES_MAX_DEPTH + 1 + NATIVE_MAX_FRAMES, wait);
    uint32_t from = len > room ? len - room : 0;
    memcpy(ids, merged + from, (len - from) * sizeof *ids);
    return len - from;
}

static int sampler_thread(struct target *target, const struct options *options,
                          struct store *store, struct sampler_stats *stats, size_t index)
{
    const struct thread_state_info *thread = &target->threads[index];
    static uint32_t ids[FRAMES_MAX_DEPTH + 1];
    static unsigned char entry[FRAMES_MAX_DEPTH + 1]; /* --native: where runs start */
    static uint64_t shim[FRAMES_MAX_DEPTH + 1];       /* ...and their entry shims */
    uint64_t native = target_native_tid(target, thread);
    int classify = sampler_classify;
    struct blocking_call call = {.number = -1};
    char sched = native != 0 && classify ? sampler_sched(target, options, (int)native, &call) : 0;
    if (options->mode == MODE_CPU && native != 0 && sched != 'R')
        return 0;
    if (target_walk_frames(target, index) != 0) {
        stats->torn++;
        return 0;
    }
    const struct frame_walk *walk = &target->walk;
    if (walk->depth == 0)
        return 0; /* a thread with no Python code running (yet) */
    target_prefetch_codes(target, index);
    uint32_t depth = 0;
    struct task_split split;
    int in_task = options->group_tasks && sampler_tasks_split(target, store, thread, &split);
    uint32_t outer = in_task ? split.cut : walk->depth;
    if (in_task) {
        memcpy(ids, split.roots, split.root_count * sizeof *ids);
        depth = split.root_count;
    } else if (walk->truncated) {
        ids[depth++] = store_frame(store, store_string(store, "[truncated]"),
                                   store_string(store, ""), 0);
        stats->truncated++;
    }
    int event_loop = 0, pending_entry = 0;
    uint64_t pending_shim = 0;
    uint64_t misses = target->codes.misses;
    uint32_t python_from = depth;
    for (uint32_t i = outer; i-- > 0;) {
        pending_entry |= walk->frames[i].entry; /* a hidden frame passes it inwards */
        if (walk->frames[i].shim)
            pending_shim = walk->frames[i].shim;
        uint32_t id = sampler_frame(target, store, i, &event_loop);
        if (id == SAMPLER_FRAME_HIDDEN)
            continue;
        if (id == INTERN_FAILED) {
            stats->torn++;
            return 0;
        }
        entry[depth] = (unsigned char)pending_entry;
        shim[depth] = pending_shim;
        pending_entry = 0;
        pending_shim = 0;
        ids[depth++] = id;
    }
    if (depth == (in_task ? split.root_count : 0))
        return 0;
    /* A code object resolved for the first time may have been freed (and its
     * memory reused) while we read it: trust it only if every frame still
     * holds the code object it held when walked. */
    if (target->codes.misses != misses &&
        frames_recheck(&target->live.base, &target->runtime.layout, walk) != 0) {
        for (uint32_t i = 0; i < walk->depth; i++)
            code_cache_forget(&target->codes, walk->frames[i].code);
        stats->torn++;
        return 0;
    }
    int native_wait = NATIVE_WAIT_NONE;
    if (target->native && !in_task && native != 0)
        depth = python_from + sampler_native_stack(target, store, stats, (int)native,
                                                   ids + python_from, entry + python_from,
                                                   shim + python_from, depth - python_from,
                                                   FRAMES_MAX_DEPTH + 1 - python_from, &native_wait);
    int from_python;
    const char *name = target_thread_name(target, thread, native, &from_python);
    uint32_t thread_id = store_thread(store, target->store_process, native ? native : thread->thread_id,
                                      store_string(store, name), from_python);
    if (thread_id == INTERN_FAILED)
        return -1;
    if (options->check_lifecycle)
        lifecycle_watch_thread(target, store, index, native ? native : thread->thread_id,
                               store_string(store, name), ids, depth,
                               stats->tick_ns - stats->start_ns);
    int holds_gil = thread->tstate == target->gil_holder;
    struct store_sample_info info = {
        stats->tick_ns - stats->start_ns,
        classify ? sampler_state(target, sched, &call, holds_gil, event_loop, native_wait)
                 : STATE_UNKNOWN,
        holds_gil,
        in_task ? split.innermost_name : STORE_NO_TASK, 0};
    int held_back = lock_watch_thread(&target->locks, thread->thread_id, thread_state_futex(&call),
                                      walk, thread_id, &info, ids, depth);
    if (held_back != 0)
        return held_back < 0 ? -1 : 0;
    return store_add(store, thread_id, &info, ids, depth);
}

int sampler_sample(struct target *target, const struct options *options, struct store *store,
                   struct sampler_stats *stats)
{
    int result = 0;
    if (target_read_threads(target) != 0) {
        stats->torn++;
        result = -1;
    } else {
        if (options->group_tasks || options->check_lifecycle)
            sampler_tasks_begin(target, options, store, stats);
        /* lock holders need every thread's frames: not in --mode cpu, which
         * keeps no lock-wait sample, nor when states are not classified (no
         * sample is lock-wait then) */
        lock_watch_begin(&target->locks, stats->tick_ns,
                         sampler_classify && options->mode != MODE_CPU);
        for (size_t i = 0; i < target->thread_count; i++)
            if (sampler_thread(target, options, store, stats, i) != 0) {
                result = -1;
                break;
            }
        if (lock_watch_finish(&target->locks, &target->live.base, &target->runtime.layout,
                              store) != 0)
            result = -1;
        if (result == 0 && options->tasks == TASKS_ALL &&
            sampler_tasks_awaiting(target, store, stats) != 0)
            result = -1;
        if (options->check_lifecycle)
            lifecycle_watch_tick(target, store, stats->tick_ns - stats->start_ns);
    }
    proc_tasks_next_sample(&target->tasks);
    return result;
}

/* How long the target was paused in a tick (--blocking, --native): kept for
 * the first SAMPLER_PAUSES ticks, for the median and p99 of --stats. */
static void sampler_pause_add(struct sampler_stats *stats, uint64_t ns)
{
    if (stats->pauses && stats->pause_count < SAMPLER_PAUSES)
        stats->pauses[stats->pause_count++] = (uint32_t)(ns > UINT32_MAX ? UINT32_MAX : ns);
}

int sampler_tick(struct target *target, const struct options *options, struct store *store,
                 struct sampler_stats *stats)
{
    stats->tick_ns = monotonic_ns(); /* every sample of a tick carries the tick's time */
    if (target->not_python) {
        stats->ticks++;
        return 0;
    }
    int stop = sampler_stops(target, options); /* --native unwinds stopped threads */
    uint64_t stopped_at = stop ? monotonic_ns() : 0;
    if (stop)
        blocking_stop(&sampler_blocking);
    int result = sampler_sample(target, options, store, stats);
    if (stop) {
        blocking_resume(&sampler_blocking);
        sampler_pause_add(stats, monotonic_ns() - stopped_at);
    }
    stats->ticks++;
    return result;
}

/* How late a sleep wakes up, learnt as we go (a VM can add hundreds of µs). */
static uint64_t sampler_wake_latency_ns = 100000;

/* Periods this long or longer are waited for by sleeping alone: a wake-up
 * late by the wake latency (tens of µs) is noise against a millisecond, and
 * spinning the rest would take that CPU from whatever runs there, the
 * target included. */
#define SAMPLER_SLEEP_ONLY_NS 1000000ull

/* Sleeps until shortly before deadline, then spins the rest: waking from a
 * sleep is too late by the wake latency, which at high rates is longer than
 * the period itself.  At 1 kHz and below, only sleeps. */
static void sampler_wait_until(uint64_t deadline, uint64_t period)
{
    if (period >= SAMPLER_SLEEP_ONLY_NS) {
        struct timespec when = {(time_t)(deadline / 1000000000ull),
                                (long)(deadline % 1000000000ull)};
        while (!sampler_stop_requested &&
               clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &when, NULL) == EINTR) {
        }
        return;
    }
    uint64_t now = monotonic_ns();
    if (deadline > now + sampler_wake_latency_ns + 20000) {
        uint64_t wake = deadline - sampler_wake_latency_ns;
        struct timespec when = {(time_t)(wake / 1000000000ull), (long)(wake % 1000000000ull)};
        if (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &when, NULL) == 0) {
            now = monotonic_ns();
            uint64_t late = now > wake ? now - wake : 0;
            if (late > 5000000)
                late = 5000000;
            sampler_wake_latency_ns = (sampler_wake_latency_ns * 7 + late) / 8 + 1000;
        }
    }
    while (!sampler_stop_requested && monotonic_ns() < deadline) {
    }
}

static void sampler_progress(const struct sampler_stats *stats, const struct store *store,
                             uint64_t start)
{
    double elapsed = (double)(monotonic_ns() - start) / 1e9;
    fprintf(stderr, "\rpyconc-prof: %.1f s, %llu samples, %.1f Hz   ", elapsed,
            (unsigned long long)store->samples,
            elapsed > 0 ? (double)stats->ticks / elapsed : 0.0);
    fflush(stderr);
}

/* The process image sampling started on; start_time 0: unknown. */
static struct proc_identity sampler_identity;
static int sampler_stat_fd = -1; /* its /proc/PID/stat, kept open */

/* 1 when the target is no longer the process we attached to: it exited, it
 * exec'd a new program (new code and stack addresses), or its pid now names
 * another process (another start time).  Sets the reason in stats. */
static int sampler_target_gone(const struct target *target, struct sampler_stats *stats)
{
    struct proc_identity now;
    int rc = sampler_stat_fd >= 0 ? proc_identity_reread(sampler_stat_fd, &now)
                                  : proc_identity_read(target->pid, &now);
    if (rc != 0 || now.state == 'Z' || now.state == 'X' || now.state == 0) {
        stats->target_exited = 1;
        return 1;
    }
    if (sampler_identity.start_time == 0)
        return 0;
    if (now.start_time != sampler_identity.start_time) {
        stats->target_replaced = SAMPLER_PID_REUSED;
        return 1;
    }
    if (target->not_python)
        return 0; /* a launcher that execs Python: the process tree samples that */
    if ((now.start_code && now.start_code != sampler_identity.start_code) ||
        (now.start_stack && now.start_stack != sampler_identity.start_stack)) {
        stats->target_replaced = SAMPLER_EXECED;
        return 1;
    }
    return 0;
}

int sampler_run(struct target *target, const struct options *options, struct store *store,
                struct sampler_stats *stats, const struct sampler_hook *hook,
                struct process_tree *tree, const struct options *child_options)
{
    static uint32_t pauses[SAMPLER_PAUSES];
    memset(stats, 0, sizeof *stats);
    stats->pauses = pauses;
    sampler_classify = options_states_used(options);
    if (proc_identity_read(target->pid, &sampler_identity) != 0)
        memset(&sampler_identity, 0, sizeof sampler_identity);
    prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL); /* default 50 µs slack blurs high rates */
    int stops = sampler_stops(target, options);
    if (stops && blocking_attach(&sampler_blocking, target->pid) != 0) {
        fprintf(stderr,
                "pyconc-prof: --blocking/--native cannot pause process %d with ptrace: %s; another "
                "debugger may be attached, or run as root / grant CAP_SYS_PTRACE\n",
                target->pid, strerror(errno));
        return -1;
    }
    sampler_stat_fd = proc_identity_open(target->pid);
    if (!target->not_python)
        target_read_names(target);
    uint64_t period = (uint64_t)(1e9 / options->rate_hz);
    if (period == 0)
        period = 1;
    uint64_t start = monotonic_ns();
    stats->start_ns = start;
    uint64_t end = options->duration_s > 0 ? start + (uint64_t)(options->duration_s * 1e9) : 0;
    uint64_t next_progress = start + 500000000ull;
    int show_progress = !options->quiet && isatty(STDERR_FILENO);
    uint64_t deadline = start;
    int result = 0;
    while (!sampler_stop_requested) {
        uint64_t tick_start = monotonic_ns();
        int failed = sampler_tick(target, options, store, stats) != 0;
        if (tree)
            process_tree_tick(tree, child_options, store, stats);
        uint64_t now = monotonic_ns();
        stats->busy_ns += now - tick_start;
        if (failed && sampler_target_gone(target, stats))
            break;
        if (hook && hook->after_tick(hook->ctx, store, now) != 0) {
            stats->output_failed = 1; /* a write failed: stop, the caller reports it */
            break;
        }
        deadline += period;
        if (end && deadline >= end) {
            /* The next tick would fall at or past the end: the recording spans
             * exactly the duration asked for. */
            sampler_wait_until(end, period);
            break;
        }
        if (now > deadline) {
            /* Overran: the next tick runs at once, late; only deadlines a whole
             * period older than now are missed.  (Waiting for the next grid
             * point would halve the rate of a tick just over the period.) */
            uint64_t behind = (now - deadline) / period;
            stats->ticks_missed += behind;
            deadline += behind * period;
        }
        if (show_progress && now >= next_progress) {
            sampler_progress(stats, store, start);
            next_progress = now + 500000000ull;
        }
        if ((stats->ticks & 63) == 0 && sampler_target_gone(target, stats))
            break;
        sampler_wait_until(deadline, period);
    }
    if (stops)
        blocking_detach(&sampler_blocking);
    if (sampler_stat_fd >= 0)
        close(sampler_stat_fd);
    sampler_stat_fd = -1;
    if (show_progress)
        fprintf(stderr, "\r\033[K");
    stats->elapsed_s = (double)(monotonic_ns() - start) / 1e9;
    return result;
}
