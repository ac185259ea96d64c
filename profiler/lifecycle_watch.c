/* lifecycle_watch.c - record --check-lifecycle: threads at shutdown, the
 * numbers read four times a second, and the phase marker.
 *
 * Shutdown: when the main thread's outermost frame is threading._shutdown
 * (3.8-3.15: the interpreter calls it at exit to join the non-daemon threads,
 * after running threading's atexit hooks such as the executors' joins), the
 * main code has finished.  Every other thread sampled from then on is kept
 * with its last stack; one that is not a daemon (Thread._daemonic, read with
 * the thread names), or that ends while the main thread still waits, held
 * exit up.  The wait is over when the main thread is seen twice without the
 * frame (finalisation runs no Python code).  A thread's stack is the one it
 * was seen in longest, not its last (which may be threading's teardown).
 * Gauges: the number of Python threads and each executor's queued work
 * (readers/lifecycle_probe.c).  Phase: __main__.PYCONC_PHASE, a str the
 * target may set at no cost; a change is recorded with its time. */
#include <stdio.h>
#include <string.h>

#include "../readers/lifecycle_probe.h"
#include "lifecycle_watch.h"

#define GAUGE_PERIOD_NS 250000000ull
#define PROBE_REFRESH_NS 1000000000ull /* look again for modules imported since */
#define EXIT_THREADS_MAX 64
#define TEXT_MAX 1024
#define PHASE_MAX 128

struct exit_thread {
    uint64_t tid;
    uint32_t name;
    uint32_t where;   /* the stack seen in the longest run of ticks (not its teardown) */
    uint32_t current; /* the stack of the latest run, and its length in ticks */
    uint32_t where_ticks, current_ticks;
    uint64_t first_ns, last_ns;
    int daemon; /* 1, 0, -1 unknown */
    int ended;  /* gone while the main thread still waited */
};

static struct {
    int in_shutdown, left_shutdown;
    uint64_t shutdown_ns, main_seen_ns;
    int main_misses;
    struct exit_thread threads[EXIT_THREADS_MAX];
    int thread_count;
    uint64_t gauge_ns, probe_ns;
    struct probe_cache probe;
    char phase[PHASE_MAX];
    int have_phase;
} lw;

static int ends_with(const char *text, const char *suffix)
{
    size_t len = strlen(text), n = strlen(suffix);
    return len >= n && strcmp(text + len - n, suffix) == 0;
}

/* "inner (f.py:3) <- outer (f.py:9)": the frames of ids, innermost first. */
static uint32_t stack_text(struct store *store, const uint32_t *ids, uint32_t depth)
{
    char text[TEXT_MAX];
    size_t len = 0;
    text[0] = '\0';
    for (uint32_t k = depth; k-- > 0 && len + 1 < sizeof text;) {
        const char *name, *file;
        int line;
        store_frame_parts(store, ids[k], &name, &file, &line);
        int n = file[0] ? snprintf(text + len, sizeof text - len, "%s%s (%s:%d)",
                                   len ? " <- " : "", name, file, line)
                        : snprintf(text + len, sizeof text - len, "%s%s", len ? " <- " : "", name);
        if (n < 0)
            break;
        len += (size_t)n < sizeof text - len ? (size_t)n : sizeof text - len - 1;
    }
    return store_string(store, text);
}

void lifecycle_watch_thread(struct target *target, struct store *store, size_t index,
                            uint64_t native_tid, uint32_t name, const uint32_t *ids, uint32_t depth,
                            uint64_t now_ns)
{
    if (depth == 0)
        return;
    if (native_tid == (uint64_t)target->pid) {
        const char *outer, *file;
        int line;
        store_frame_parts(store, ids[0], &outer, &file, &line);
        if (strcmp(outer, "_shutdown") == 0 && ends_with(file, "threading.py")) {
            if (!lw.in_shutdown) {
                lw.in_shutdown = 1;
                lw.shutdown_ns = now_ns;
            }
            lw.main_seen_ns = now_ns;
        }
        return;
    }
    if (!lw.in_shutdown || lw.left_shutdown)
        return;
    int k = 0;
    while (k < lw.thread_count && lw.threads[k].tid != native_tid)
        k++;
    if (k == lw.thread_count) {
        if (k == EXIT_THREADS_MAX)
            return;
        lw.thread_count++;
        memset(&lw.threads[k], 0, sizeof lw.threads[k]);
        lw.threads[k].tid = native_tid;
        lw.threads[k].first_ns = now_ns;
    }
    struct exit_thread *t = &lw.threads[k];
    t->name = name;
    t->last_ns = now_ns;
    uint32_t stack = stack_text(store, ids, depth);
    t->current_ticks = stack == t->current ? t->current_ticks + 1 : 1;
    t->current = stack;
    if (t->current_ticks > t->where_ticks) {
        t->where = t->current;
        t->where_ticks = t->current_ticks;
    }
    t->daemon = target_thread_daemon(target, &target->threads[index]);
}

static void watch_shutdown_tick(struct target *target, uint64_t now_ns)
{
    if (!lw.in_shutdown || lw.left_shutdown)
        return;
    if (lw.main_seen_ns != now_ns && ++lw.main_misses >= 2) {
        lw.left_shutdown = 1; /* finalising: the threads left now were not waited for */
        return;
    }
    if (lw.main_seen_ns == now_ns)
        lw.main_misses = 0;
    for (int k = 0; k < lw.thread_count; k++) {
        int alive = 0;
        for (size_t i = 0; i < target->thread_count && !alive; i++)
            alive = target_native_tid(target, &target->threads[i]) == lw.threads[k].tid;
        if (!alive)
            lw.threads[k].ended = 1;
    }
}

static void watch_gauges(struct target *target, struct store *store, uint64_t now_ns)
{
    const struct layout *l = &target->runtime.layout;
    /* The thread count means something while the main thread runs Python:
     * not once it waits in _shutdown or finalises (daemon threads' states are
     * dropped then), where a dip would read as threads coming back. */
    int main_running = 0;
    for (size_t i = 0; i < target->thread_count && !main_running; i++)
        main_running = target_native_tid(target, &target->threads[i]) == (uint64_t)target->pid &&
                       target->threads[i].innermost != 0;
    if (main_running && !lw.in_shutdown)
        store_gauge(store, now_ns, store_string(store, "threads"), target->thread_count);
    /* __main__ is looked for at every gauge until found (a phase set early
     * must not be missed), modules that may never be imported once a second */
    if (lw.probe_ns == 0 || now_ns - lw.probe_ns >= PROBE_REFRESH_NS || !lw.probe.main_dict) {
        lw.probe_ns = now_ns ? now_ns : 1;
        if (!lw.probe.thread_queues || !lw.probe.main_dict ||
            (!lw.probe.process_wakeups && l->minor >= 9))
            probe_refresh(&target->live.base, l, target->interp, &lw.probe);
    }
    struct executor_queue queues[PROBE_EXECUTORS_MAX];
    int n = probe_executors(&target->live.base, l, &lw.probe, queues, PROBE_EXECUTORS_MAX);
    for (int i = 0; i < n; i++) {
        char name[PROBE_NAME_MAX + 32];
        snprintf(name, sizeof name, "executor:%.63s %s", queues[i].name,
                 queues[i].process_pool ? "pending" : "queue");
        store_gauge(store, now_ns, store_string(store, name), queues[i].queued);
    }
    char phase[PHASE_MAX];
    int found = probe_phase(&target->live.base, l, &lw.probe, phase, sizeof phase);
    if (found < 0)
        return; /* unreadable now: keep the phase we had */
    if (found == 0)
        phase[0] = '\0';
    if (lw.have_phase ? strcmp(phase, lw.phase) != 0 : found == 1) {
        store_phase(store, now_ns, store_string(store, phase));
        snprintf(lw.phase, sizeof lw.phase, "%s", phase);
        lw.have_phase = 1;
    }
}

void lifecycle_watch_tick(struct target *target, struct store *store, uint64_t now_ns)
{
    store->lifecycle = 1;
    watch_shutdown_tick(target, now_ns);
    if (lw.gauge_ns == 0 || now_ns - lw.gauge_ns >= GAUGE_PERIOD_NS) {
        lw.gauge_ns = now_ns ? now_ns : 1;
        watch_gauges(target, store, now_ns);
    }
}

void lifecycle_watch_finish(struct store *store, uint64_t end_ns, int exited)
{
    store->lifecycle = 1;
    store->target_exited = exited;
    lifecycle_tasks_finish(store, end_ns);
    if (!lw.in_shutdown)
        return;
    struct store_lifecycle_event e = {LIFECYCLE_SHUTDOWN, lw.shutdown_ns,
                                      end_ns - lw.shutdown_ns, STORE_NO_TASK, STORE_NO_TASK,
                                      STORE_NO_TASK, exited ? 1 : 0};
    store_lifecycle_event(store, &e);
    for (int k = 0; k < lw.thread_count; k++) {
        const struct exit_thread *t = &lw.threads[k];
        /* A non-daemon thread is what exit waits for; without the flag, one
         * that ended while the main thread waited held it up. */
        int held = t->daemon == 0 || (t->daemon < 0 && t->ended);
        uint64_t until = t->last_ns > lw.shutdown_ns ? t->last_ns : lw.shutdown_ns;
        struct store_lifecycle_event te = {LIFECYCLE_EXIT_THREAD,
                                           t->first_ns,
                                           until - lw.shutdown_ns,
                                           t->name,
                                           store_string(store, held ? "ended" : "alive"),
                                           t->where,
                                           t->tid};
        store_lifecycle_event(store, &te);
    }
}
