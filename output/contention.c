/* contention.c - what every thread was waiting for: the contention report.
 *
 * Built from the states the sampler gave each sample (running, gil-wait,
 * lock-wait, io-wait, sleeping, idle):
 *   - per thread: samples, share of each state, share holding the GIL;
 *   - the GIL, per tick (samples taken at one instant): how often some thread
 *     held it, how often at least one thread waited for it, the mean number
 *     of threads running (effective parallelism), and the functions that held
 *     it while others waited;
 *   - the sites where threads waited: the innermost Python frame of lock-wait,
 *     io-wait and sleeping samples, with the threads involved;
 *   - under record --subprocesses, per process and per worker pool
 *     (contention_process.c), and each thread's pid.
 * Per-tick figures need the timeline; without one they are left out.  They
 * use the ticks taken on time: a late one is not a random instant. */
#include "contention.h"

#include <stdlib.h>
#include <string.h>

#include "contention_advice.h"
#include "contention_loop.h"
#include "contention_process.h"
#include "contention_trends.h"
#include "frame_text.h"
#include "json.h"
#include "profile_index.h"
#include "stream.h"
#include "tick_timing.h"

#define CONTENTION_TOP 10

#define SITE_HOLDERS 8 /* lock holders kept per site */
#define SITE_HOLDERS_SHOWN 4 /* ... and named in the text */

struct site {
    uint32_t frame;    /* innermost frame, index into profile.frames */
    uint64_t count;
    uint64_t threads;  /* bit per thread index (first 64 threads), to list who waits */
    /* lock-wait: the threads seen holding the lock (index + 1, 0 unused) and
     * in how many samples; held_known: samples whose holder was found */
    uint32_t holder[SITE_HOLDERS];
    uint64_t holder_count[SITE_HOLDERS];
    uint64_t held_known;
};

struct sites {
    struct site *items;
    size_t count, capacity;
};

struct contention {
    const struct profile *profile;
    uint64_t *thread_states; /* thread_count * STATE_COUNT */
    uint64_t *thread_gil;
    uint64_t *thread_total;
    struct sites waits[STATE_COUNT]; /* per state: sites */
    struct sites gil_holders;        /* innermost frame of the holder while others waited */
    /* GIL figures: ticks (per process under process roots); wall_ticks: whole ticks */
    uint64_t ticks, ticks_held, ticks_waited, running_sum, wall_ticks;
    uint64_t late_ticks; /* whole ticks left out of them: woken late (tick_timing.h) */
    int per_tick;
    struct loop_report loops;
    struct trends trends;
    struct process_report processes; /* empty without process roots */
    /* The top lock-wait site's critical section: the innermost frame its
     * lock's holder was in while threads waited there (per tick and holder) */
    int has_critical;
    uint32_t critical_frame;
    uint64_t critical_count, critical_ticks;
};

/* Counts `count` samples held by `holder` (thread index + 1, 0 unknown). */
static void site_holder_add(struct site *site, uint32_t holder, uint64_t count)
{
    if (holder == 0)
        return;
    site->held_known += count;
    for (int k = 0; k < SITE_HOLDERS; k++)
        if (site->holder[k] == holder || site->holder[k] == 0) {
            site->holder[k] = holder;
            site->holder_count[k] += count;
            return;
        }
}

static int sites_add(struct sites *sites, uint32_t frame, uint32_t thread, uint64_t count,
                     uint32_t holder)
{
    for (size_t i = 0; i < sites->count; i++)
        if (sites->items[i].frame == frame) {
            sites->items[i].count += count;
            if (thread < 64)
                sites->items[i].threads |= UINT64_C(1) << thread;
            site_holder_add(&sites->items[i], holder, count);
            return 0;
        }
    if (sites->count == sites->capacity) {
        size_t size = sites->capacity ? sites->capacity * 2 : 16;
        struct site *bigger = realloc(sites->items, size * sizeof *bigger);
        if (!bigger)
            return -1;
        sites->items = bigger;
        sites->capacity = size;
    }
    struct site *site = &sites->items[sites->count++];
    memset(site, 0, sizeof *site);
    site->frame = frame;
    site->count = count;
    site->threads = thread < 64 ? UINT64_C(1) << thread : 0;
    site_holder_add(site, holder, count);
    return 0;
}

/* Most samples first. */
static void site_holders_sort(struct site *site)
{
    for (int i = 1; i < SITE_HOLDERS; i++)
        for (int k = i; k > 0 && site->holder_count[k] > site->holder_count[k - 1]; k--) {
            uint32_t h = site->holder[k];
            uint64_t n = site->holder_count[k];
            site->holder[k] = site->holder[k - 1];
            site->holder_count[k] = site->holder_count[k - 1];
            site->holder[k - 1] = h;
            site->holder_count[k - 1] = n;
        }
}

static int site_compare(const void *a, const void *b)
{
    const struct site *x = a, *y = b;
    return x->count < y->count ? 1 : x->count > y->count ? -1 : (int)x->frame - (int)y->frame;
}

static int contention_by_stack(struct contention *c)
{
    const struct profile *p = c->profile;
    for (size_t s = 0; s < p->stack_count; s++) {
        const struct profile_stack *stack = &p->stacks[s];
        /* Awaiting samples (--tasks all) describe suspended tasks, not threads. */
        if (stack->count == 0 || stack->state == STATE_AWAITING)
            continue;
        int state = stack->state >= 0 && stack->state < STATE_COUNT ? stack->state : 0;
        c->thread_states[stack->thread * STATE_COUNT + (size_t)state] += stack->count;
        c->thread_total[stack->thread] += stack->count;
        if (stack->holds_gil)
            c->thread_gil[stack->thread] += stack->count;
        uint32_t frame;
        if ((state == STATE_LOCK_WAIT || state == STATE_IO_WAIT || state == STATE_SLEEPING) &&
            profile_innermost_code_frame(p, stack, &frame) &&
            sites_add(&c->waits[state], frame, stack->thread, stack->count,
                      state == STATE_LOCK_WAIT && stack->holder <= p->thread_count
                          ? stack->holder
                          : 0) != 0)
            return -1;
    }
    return 0;
}

/* The process of the stack at timeline entry `at` (NULL without process roots). */
static const struct profile_process *contention_process_at(const struct profile *p, size_t at)
{
    return profile_thread_process(p, p->stacks[p->timeline[at].stack].thread);
}

/* Walks the timeline one tick (one time value) at a time.  Every process has
 * its own GIL: under process roots a tick is cut into its processes' parts
 * (the sampler reads one process after the other) and the GIL figures count
 * (tick, process) pairs; threads running at once count the whole tick. */
static int contention_by_tick(struct contention *c)
{
    const struct profile *p = c->profile;
    uint64_t on_time;
    if (tick_on_time_limit(p, &on_time) != 0)
        return -1;
    for (size_t at = 0; at < p->timeline_count;) {
        uint64_t time = p->timeline[at].time_ns;
        if (tick_lateness(p, time) > on_time) {
            while (at < p->timeline_count && p->timeline[at].time_ns == time)
                at++;
            c->late_ticks++;
            continue;
        }
        uint64_t running = 0;
        while (at < p->timeline_count && p->timeline[at].time_ns == time) {
            const struct profile_process *process = contention_process_at(p, at);
            size_t end = at;
            int held = 0, waited = 0;
            const struct profile_stack *holder = NULL;
            for (; end < p->timeline_count && p->timeline[end].time_ns == time &&
                   contention_process_at(p, end) == process;
                 end++) {
                const struct profile_stack *stack = &p->stacks[p->timeline[end].stack];
                held |= stack->holds_gil;
                waited |= stack->state == STATE_GIL_WAIT;
                running += stack->state == STATE_RUNNING;
                if (stack->holds_gil)
                    holder = stack;
            }
            c->ticks++;
            c->ticks_held += held;
            c->ticks_waited += waited;
            uint32_t frame;
            if (waited && holder && profile_innermost_code_frame(p, holder, &frame) &&
                sites_add(&c->gil_holders, frame, holder->thread, 1, 0) != 0)
                return -1;
            at = end;
        }
        c->wall_ticks++;
        c->running_sum += running;
    }
    return 0;
}

/* Where the holder of the top lock-wait site's lock was while threads waited
 * there: its sample of the same tick. */
static int contention_critical_section(struct contention *c)
{
    const struct profile *p = c->profile;
    const struct sites *locks = &c->waits[STATE_LOCK_WAIT];
    if (!c->per_tick || locks->count == 0 || locks->items[0].held_known == 0)
        return 0;
    uint32_t site = locks->items[0].frame;
    struct sites found = {0};
    for (size_t at = 0, end; at < p->timeline_count; at = end) {
        uint64_t time = p->timeline[at].time_ns;
        for (end = at; end < p->timeline_count && p->timeline[end].time_ns == time; end++)
            ;
        uint32_t counted[SITE_HOLDERS];
        int counted_count = 0;
        for (size_t i = at; i < end; i++) {
            const struct profile_stack *w = &p->stacks[p->timeline[i].stack];
            uint32_t frame;
            if (w->state != STATE_LOCK_WAIT || w->holder == 0 || w->holder > p->thread_count ||
                !profile_innermost_code_frame(p, w, &frame) || frame != site)
                continue;
            int seen = 0;
            for (int k = 0; k < counted_count; k++)
                seen |= counted[k] == w->holder;
            if (seen || counted_count == SITE_HOLDERS)
                continue;
            counted[counted_count++] = w->holder;
            c->critical_ticks++;
            for (size_t j = at; j < end; j++) {
                const struct profile_stack *h = &p->stacks[p->timeline[j].stack];
                if (h->thread == w->holder - 1 && profile_innermost_code_frame(p, h, &frame)) {
                    if (sites_add(&found, frame, h->thread, 1, 0) != 0) {
                        free(found.items);
                        return -1;
                    }
                    break;
                }
            }
        }
    }
    for (size_t i = 0; i < found.count; i++)
        if (!c->has_critical || found.items[i].count > c->critical_count) {
            c->has_critical = 1;
            c->critical_frame = found.items[i].frame;
            c->critical_count = found.items[i].count;
        }
    free(found.items);
    return 0;
}

static void contention_free(struct contention *c)
{
    free(c->thread_states);
    free(c->thread_gil);
    free(c->thread_total);
    for (int s = 0; s < STATE_COUNT; s++)
        free(c->waits[s].items);
    free(c->gil_holders.items);
    contention_loops_free(&c->loops);
    contention_trends_free(&c->trends);
    contention_processes_free(&c->processes);
}

static int contention_compute(struct contention *c, const struct profile *p,
                              const struct contention_options *options)
{
    memset(c, 0, sizeof *c);
    c->profile = p;
    if (profile_index_check(p) != 0)
        return -1;
    size_t threads = p->thread_count + 1;
    c->thread_states = calloc(threads * STATE_COUNT, sizeof *c->thread_states);
    c->thread_gil = calloc(threads, sizeof *c->thread_gil);
    c->thread_total = calloc(threads, sizeof *c->thread_total);
    if (!c->thread_states || !c->thread_gil || !c->thread_total || contention_by_stack(c) != 0)
        return -1;
    if (contention_processes(p, &c->processes) != 0)
        return -1;
    c->per_tick = p->timeline_count > 0;
    if (c->per_tick && contention_by_tick(c) != 0)
        return -1;
    uint64_t block_ns = (uint64_t)(options->loop_block_ms * 1e6);
    if (c->per_tick && contention_loops(p, block_ns ? block_ns : 1, &c->loops) != 0)
        return -1;
    if (c->per_tick && contention_trends(p, (uint64_t)(options->stuck_s * 1e9), &c->trends) != 0)
        return -1;
    for (int s = 0; s < STATE_COUNT; s++)
        if (c->waits[s].count > 1) /* qsort of an empty (NULL) array is undefined */
            qsort(c->waits[s].items, c->waits[s].count, sizeof(struct site), site_compare);
    for (size_t i = 0; i < c->waits[STATE_LOCK_WAIT].count; i++)
        site_holders_sort(&c->waits[STATE_LOCK_WAIT].items[i]);
    if (contention_critical_section(c) != 0)
        return -1;
    if (c->gil_holders.count > 1)
        qsort(c->gil_holders.items, c->gil_holders.count, sizeof(struct site), site_compare);
    return 0;
}

static double share(uint64_t part, uint64_t whole)
{
    return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

static const char *frame_label(const struct profile *p, uint32_t frame, char *buf, size_t cap)
{
    frame_text_format(buf, cap, &p->frames[frame]);
    return buf;
}

static void text_threads_of(struct sticky_out *out, const struct profile *p, uint64_t mask)
{
    int first = 1;
    for (size_t t = 0; t < p->thread_count && t < 64; t++)
        if (mask & (UINT64_C(1) << t)) {
            sticky_printf(out, "%s%s", first ? "" : ", ", p->threads[t].name);
            first = 0;
        }
}

static void text_sites(struct sticky_out *out, const struct contention *c, const char *title,
                       const struct sites *sites, uint64_t total)
{
    char label[1024];
    sticky_printf(out, "\n%s\n", title);
    if (sites->count == 0)
        sticky_printf(out, "  (none)\n");
    for (size_t i = 0; i < sites->count && i < CONTENTION_TOP; i++) {
        const struct site *s = &sites->items[i];
        sticky_printf(out, "  %6.1f%%  %8llu  %s  [", share(s->count, total),
                      (unsigned long long)s->count,
                      frame_label(c->profile, s->frame, label, sizeof label));
        text_threads_of(out, c->profile, s->threads);
        sticky_printf(out, "]");
        int holders = 0;
        while (holders < SITE_HOLDERS && s->holder[holders])
            holders++;
        for (int k = 0; k < holders && k < SITE_HOLDERS_SHOWN; k++)
            sticky_printf(out, "%s%s %.0f%%", k ? ", " : "  held by ",
                          c->profile->threads[s->holder[k] - 1].name,
                          share(s->holder_count[k], s->held_known));
        if (holders > SITE_HOLDERS_SHOWN)
            sticky_printf(out, ", %s%d more", holders == SITE_HOLDERS ? ">= " : "",
                          holders - SITE_HOLDERS_SHOWN);
        sticky_printf(out, "\n");
    }
}

static void text_loops(struct sticky_out *out, const struct contention *c, double block_ms)
{
    const struct profile *p = c->profile;
    char label[1024];
    sticky_printf(out, "\nevent loops (blocked: busy %.0f ms or more without reaching the selector)\n",
                  block_ms);
    if (c->loops.thread_count == 0)
        sticky_printf(out, "  (no thread ran an asyncio event loop)\n");
    for (size_t i = 0; i < c->loops.thread_count; i++) {
        const struct loop_thread *t = &c->loops.threads[i];
        sticky_printf(out, "  %s (%llu): blocked %.1f%% of %.2f s in the loop\n",
                      p->threads[t->thread].name, (unsigned long long)p->threads[t->thread].tid,
                      share(t->blocked_ns, t->loop_ns), (double)t->loop_ns / 1e9);
    }
    for (size_t i = 0; i < c->loops.stretch_count && i < 50; i++) {
        const struct loop_stretch *s = &c->loops.stretches[i];
        sticky_printf(out, "  at %8.3f s  %7.1f ms  %s  [%s]%s%s\n", (double)s->start_ns / 1e9,
                      (double)s->duration_ns / 1e6,
                      s->has_frame ? frame_label(p, s->frame, label, sizeof label) : "?",
                      p->threads[s->thread].name, s->task ? "  task " : "",
                      s->task ? s->task : "");
    }
    if (c->loops.stretch_count > 50)
        sticky_printf(out, "  ... %zu more stretches (the JSON lists all)\n",
                      c->loops.stretch_count - 50);
}

static void text_trends(struct sticky_out *out, const struct contention *c, double stuck_s)
{
    const struct profile *p = c->profile;
    const struct thread_trend *t = &c->trends.threads;
    char label[1024];
    sticky_printf(out, "\nthreads over time\n  %.1f at the start, %.1f at the end, peak %.0f; "
                       "trend %+.1f per minute: %s\n",
                  t->first, t->last, t->peak, t->per_minute,
                  t->growing ? "GROWING (threads are leaking?)" : "steady");
    const struct thread_trend *k = &c->trends.tasks;
    if (k->ticks > 0 && k->ticks < 10)
        sticky_printf(out, "\nasyncio tasks over time (pending)\n  %.0f at the start, %.0f at "
                           "the end, %llu created; too short a recording for a trend (needs 2.5 s)\n",
                      k->first, k->last, (unsigned long long)c->trends.tasks_created);
    else if (k->ticks > 0)
        sticky_printf(out, "\nasyncio tasks over time (pending)\n  %.1f at the start, %.1f at "
                           "the end, peak %.0f, %llu created; trend %+.1f per minute: %s\n",
                      k->first, k->last, k->peak, (unsigned long long)c->trends.tasks_created,
                      k->per_minute, k->growing ? "GROWING (tasks are leaking?)" : "steady");
    sticky_printf(out, "\ndeadlock hint (lock-wait on one stack for %.1f s or more while no "
                       "thread ran)\n", stuck_s);
    if (c->trends.stuck_count == 0 && c->trends.task_cycle_count == 0)
        sticky_printf(out, "  (none)\n");
    for (size_t i = 0; i < c->trends.task_cycle_count; i++) {
        const struct task_cycle_seen *cycle = &c->trends.task_cycles[i];
        sticky_printf(out, "  likely deadlock: asyncio tasks awaiting each other: %s (seen %.1f s "
                           "to %.1f s)\n",
                      cycle->tasks, (double)cycle->first_ns / 1e9, (double)cycle->last_ns / 1e9);
    }
    char cycle[512];
    if (trends_lock_cycle(p, &c->trends, cycle, sizeof cycle))
        sticky_printf(out, "  deadlock: threads waiting for locks held by each other: %s\n", cycle);
    for (size_t i = 0; i < c->trends.stuck_count; i++) {
        const struct stuck_thread *s = &c->trends.stuck[i];
        sticky_printf(out, "  %s (%llu) stuck %.1f s from %.3f s in %s", p->threads[s->thread].name,
                      (unsigned long long)p->threads[s->thread].tid, (double)s->for_ns / 1e9,
                      (double)s->since_ns / 1e9,
                      s->has_frame ? frame_label(p, s->frame, label, sizeof label) : "?");
        if (s->held_by)
            sticky_printf(out, ", waiting for a lock %s holds", p->threads[s->held_by - 1].name);
        sticky_printf(out, "\n");
    }
}

/* The threads table's pid column: the thread's process, "?" when it has none. */
static void text_thread_pid(struct sticky_out *out, const struct profile *p, size_t t)
{
    const struct profile_process *process = profile_thread_process(p, t);

    if (process)
        sticky_printf(out, " %8d", process->pid);
    else
        sticky_printf(out, " %8s", "?");
}

static size_t contention_advise(const struct contention *c, char lines[][ADVICE_LEN])
{
    const struct sites *locks = &c->waits[STATE_LOCK_WAIT];
    struct advice_evidence e = {c->profile, c->thread_states, c->thread_total, 0, 0, 0, 0,
                                &c->loops, &c->trends, &c->processes, 0, 0, 0};
    if (locks->count > 0) {
        e.has_lock_site = 1;
        e.lock_site_frame = locks->items[0].frame;
        e.lock_site_samples = locks->items[0].count;
        e.lock_site_threads = __builtin_popcountll(locks->items[0].threads);
        e.has_critical = c->has_critical;
        e.critical_frame = c->critical_frame;
        e.critical_percent = share(c->critical_count, c->critical_ticks);
    }
    return contention_advice(&e, lines);
}

int contention_text_write(FILE *file, const struct profile *p,
                          const struct contention_options *options)
{
    struct contention c;
    if (contention_compute(&c, p, options) != 0) {
        contention_free(&c);
        return -1;
    }
    struct sticky_out out = {file, 0};
    static const int shown[] = {STATE_RUNNING,  STATE_GIL_WAIT, STATE_LOCK_WAIT, STATE_IO_WAIT,
                                STATE_SLEEPING, STATE_IDLE,     STATE_UNKNOWN};
    sticky_printf(&out, "contention report: %llu samples\n\nthreads\n%-24s",
                  (unsigned long long)p->samples, "thread (tid)");
    if (p->process_roots)
        sticky_printf(&out, " %8s", "pid");
    sticky_printf(&out, " %10s %8s", "samples", "gil");
    for (size_t i = 0; i < sizeof shown / sizeof shown[0]; i++)
        sticky_printf(&out, " %10s", sample_state_name(shown[i]));
    sticky_printf(&out, "\n");
    for (size_t t = 0; t < p->thread_count; t++) {
        char who[64];
        snprintf(who, sizeof who, "%.40s (%llu)", p->threads[t].name,
                 (unsigned long long)p->threads[t].tid);
        sticky_printf(&out, "%-24s", who);
        if (p->process_roots)
            text_thread_pid(&out, p, t);
        sticky_printf(&out, " %10llu %7.1f%%", (unsigned long long)c.thread_total[t],
                      share(c.thread_gil[t], c.thread_total[t]));
        for (size_t i = 0; i < sizeof shown / sizeof shown[0]; i++)
            sticky_printf(&out, " %9.1f%%",
                          share(c.thread_states[t * STATE_COUNT + (size_t)shown[i]],
                                c.thread_total[t]));
        sticky_printf(&out, "\n");
    }
    if (p->process_roots)
        contention_processes_text(&out, &c.processes, p);
    if (c.per_tick) {
        sticky_printf(&out,
                      "\nGIL%s\n  held in %.1f%% of %llu %s; some thread waited for it in "
                      "%.1f%%; threads running at once%s: %.2f on average\n",
                      p->process_roots ? " (each process has its own)" : "",
                      share(c.ticks_held, c.ticks), (unsigned long long)c.ticks,
                      p->process_roots ? "process ticks" : "ticks", share(c.ticks_waited, c.ticks),
                      p->process_roots ? " (all processes)" : "",
                      c.wall_ticks ? (double)c.running_sum / (double)c.wall_ticks : 0.0);
        if (c.late_ticks)
            sticky_printf(&out, "  (%llu ticks woken late left out: their instant is not random)\n",
                          (unsigned long long)c.late_ticks);
        text_sites(&out, &c, "functions holding the GIL while others waited (share of ticks)",
                   &c.gil_holders, c.ticks);
    }
    text_sites(&out, &c, "lock-wait sites (share of all samples)", &c.waits[STATE_LOCK_WAIT],
               p->samples);
    text_sites(&out, &c, "io-wait sites", &c.waits[STATE_IO_WAIT], p->samples);
    text_sites(&out, &c, "sleep sites", &c.waits[STATE_SLEEPING], p->samples);
    if (c.per_tick) {
        text_loops(&out, &c, options->loop_block_ms);
        text_trends(&out, &c, options->stuck_s);
    }
    char advice[ADVICE_MAX][ADVICE_LEN];
    size_t lines = contention_advise(&c, advice);
    sticky_printf(&out, "\nadvice\n");
    if (lines == 0)
        sticky_printf(&out, "  (nothing stands out)\n");
    for (size_t i = 0; i < lines; i++)
        sticky_printf(&out, "  - %s\n", advice[i]);
    contention_free(&c);
    if (out.failed)
        return -1;
    return stream_finish(file);
}

static void json_string(struct sticky_out *out, const char *text)
{
    if (!out->failed && json_write_string(out->out, text) != 0)
        out->failed = 1;
}

/* "name":..,"file":..,"line":N of a frame; empty values when there is none. */
static void json_frame_fields(struct sticky_out *out, const struct profile_frame *f)
{
    sticky_printf(out, "\"name\":");
    json_string(out, f ? f->name : "");
    sticky_printf(out, ",\"file\":");
    json_string(out, f ? f->file : "");
    sticky_printf(out, ",\"line\":%d", f ? f->line : 0);
}

static void json_sites(struct sticky_out *out, const struct contention *c, const char *key,
                       const struct sites *sites, uint64_t total)
{
    char label[1024];
    sticky_printf(out, ",\"%s\":[", key);
    for (size_t i = 0; i < sites->count && i < CONTENTION_TOP; i++) {
        const struct site *s = &sites->items[i];
        const struct profile_frame *f = &c->profile->frames[s->frame];
        sticky_printf(out, "%s{\"frame\":", i ? "," : "");
        json_string(out, frame_label(c->profile, s->frame, label, sizeof label));
        sticky_printf(out, ",");
        json_frame_fields(out, f);
        sticky_printf(out, ",\"samples\":%llu,\"percent\":%.3f,\"threads\":[",
                      (unsigned long long)s->count, share(s->count, total));
        int first = 1;
        for (size_t t = 0; t < c->profile->thread_count && t < 64; t++)
            if (s->threads & (UINT64_C(1) << t)) {
                sticky_printf(out, "%s%llu", first ? "" : ",",
                              (unsigned long long)c->profile->threads[t].tid);
                first = 0;
            }
        sticky_printf(out, "]");
        if (sites == &c->waits[STATE_LOCK_WAIT]) {
            sticky_printf(out, ",\"holder_known_samples\":%llu,\"holders\":[",
                          (unsigned long long)s->held_known);
            for (int k = 0; k < SITE_HOLDERS && s->holder[k]; k++) {
                const struct profile_thread *h = &c->profile->threads[s->holder[k] - 1];
                sticky_printf(out, "%s{\"tid\":%llu,\"name\":", k ? "," : "",
                              (unsigned long long)h->tid);
                json_string(out, h->name);
                sticky_printf(out, ",\"samples\":%llu}", (unsigned long long)s->holder_count[k]);
            }
            sticky_printf(out, "]");
            if (i == 0 && c->has_critical) {
                sticky_printf(out, ",\"critical_section\":{");
                json_frame_fields(out, &c->profile->frames[c->critical_frame]);
                sticky_printf(out, ",\"ticks\":%llu,\"percent\":%.3f}",
                              (unsigned long long)c->critical_count,
                              share(c->critical_count, c->critical_ticks));
            }
        }
        sticky_printf(out, "}");
    }
    sticky_printf(out, "]");
}

static void json_loops(struct sticky_out *out, const struct contention *c)
{
    const struct profile *p = c->profile;
    sticky_printf(out, ",\"loops\":[");
    for (size_t i = 0; i < c->loops.thread_count; i++) {
        const struct loop_thread *t = &c->loops.threads[i];
        sticky_printf(out, "%s{\"tid\":%llu,\"loop_seconds\":%.6f,\"blocked_percent\":%.3f}",
                      i ? "," : "", (unsigned long long)p->threads[t->thread].tid,
                      (double)t->loop_ns / 1e9, share(t->blocked_ns, t->loop_ns));
    }
    sticky_printf(out, "],\"blocked_loop\":[");
    for (size_t i = 0; i < c->loops.stretch_count; i++) {
        const struct loop_stretch *s = &c->loops.stretches[i];
        sticky_printf(out, "%s{\"tid\":%llu,\"start_s\":%.6f,\"duration_ms\":%.3f,",
                      i ? "," : "", (unsigned long long)p->threads[s->thread].tid,
                      (double)s->start_ns / 1e9, (double)s->duration_ns / 1e6);
        json_frame_fields(out, s->has_frame ? &p->frames[s->frame] : NULL);
        sticky_printf(out, ",\"task\":");
        if (s->task)
            json_string(out, s->task);
        else
            sticky_printf(out, "null");
        sticky_printf(out, "}");
    }
    sticky_printf(out, "]");
}

static void json_trends(struct sticky_out *out, const struct contention *c)
{
    const struct profile *p = c->profile;
    const struct thread_trend *t = &c->trends.threads;
    sticky_printf(out,
                  ",\"thread_count\":{\"start\":%.3f,\"end\":%.3f,\"peak\":%.0f,"
                  "\"per_minute\":%.3f,\"growing\":%s},",
                  t->first, t->last, t->peak, t->per_minute, t->growing ? "true" : "false");
    const struct thread_trend *k = &c->trends.tasks;
    if (k->ticks > 0)
        sticky_printf(out,
                      "\"task_count\":{\"start\":%.3f,\"end\":%.3f,\"peak\":%.0f,"
                      "\"created\":%llu,\"per_minute\":%.3f,\"growing\":%s,\"counts\":%llu},",
                      k->first, k->last, k->peak, (unsigned long long)c->trends.tasks_created,
                      k->per_minute, k->growing ? "true" : "false",
                      (unsigned long long)k->ticks);
    sticky_printf(out, "\"stuck\":[");
    for (size_t i = 0; i < c->trends.stuck_count; i++) {
        const struct stuck_thread *s = &c->trends.stuck[i];
        sticky_printf(out, "%s{\"tid\":%llu,\"thread\":", i ? "," : "",
                      (unsigned long long)p->threads[s->thread].tid);
        json_string(out, p->threads[s->thread].name);
        sticky_printf(out, ",\"since_s\":%.6f,\"for_s\":%.6f,", (double)s->since_ns / 1e9,
                      (double)s->for_ns / 1e9);
        json_frame_fields(out, s->has_frame ? &p->frames[s->frame] : NULL);
        sticky_printf(out, ",\"held_by\":");
        if (s->held_by)
            json_string(out, p->threads[s->held_by - 1].name);
        else
            sticky_printf(out, "null");
        sticky_printf(out, "}");
    }
    char lock_cycle[512];
    sticky_printf(out, "],\"lock_cycle\":");
    if (trends_lock_cycle(p, &c->trends, lock_cycle, sizeof lock_cycle))
        json_string(out, lock_cycle);
    else
        sticky_printf(out, "null");
    sticky_printf(out, ",\"task_cycles\":[");
    for (size_t i = 0; i < c->trends.task_cycle_count; i++) {
        const struct task_cycle_seen *cycle = &c->trends.task_cycles[i];
        sticky_printf(out, "%s{\"tasks\":", i ? "," : "");
        json_string(out, cycle->tasks);
        sticky_printf(out, ",\"first_s\":%.6f,\"last_s\":%.6f}", (double)cycle->first_ns / 1e9,
                      (double)cycle->last_ns / 1e9);
    }
    sticky_printf(out, "]");
}

/* ,"pid":N of a thread's process, null when it has none. */
static void json_thread_pid(struct sticky_out *out, const struct profile *p, size_t t)
{
    const struct profile_process *process = profile_thread_process(p, t);

    if (process)
        sticky_printf(out, ",\"pid\":%d", process->pid);
    else
        sticky_printf(out, ",\"pid\":null");
}

int contention_json_write(FILE *file, const struct profile *p,
                          const struct contention_options *options)
{
    struct contention c;
    if (contention_compute(&c, p, options) != 0) {
        contention_free(&c);
        return -1;
    }
    struct sticky_out out = {file, 0};
    sticky_printf(&out, "{\"samples\":%llu,\"threads\":[", (unsigned long long)p->samples);
    for (size_t t = 0; t < p->thread_count; t++) {
        sticky_printf(&out, "%s{\"tid\":%llu,\"name\":", t ? "," : "",
                      (unsigned long long)p->threads[t].tid);
        json_string(&out, p->threads[t].name);
        if (p->process_roots)
            json_thread_pid(&out, p, t);
        sticky_printf(&out, ",\"samples\":%llu,\"holds_gil_percent\":%.3f,\"states\":{",
                      (unsigned long long)c.thread_total[t],
                      share(c.thread_gil[t], c.thread_total[t]));
        for (int s = 0; s < STATE_COUNT; s++)
            sticky_printf(&out, "%s\"%s\":%.3f", s ? "," : "", sample_state_name(s),
                          share(c.thread_states[t * STATE_COUNT + (size_t)s], c.thread_total[t]));
        sticky_printf(&out, "}}");
    }
    sticky_printf(&out, "]");
    if (p->process_roots)
        contention_processes_json(&out, &c.processes, p);
    if (c.per_tick)
        sticky_printf(&out,
                      ",\"gil\":{\"ticks\":%llu,\"held_percent\":%.3f,\"waited_percent\":%.3f,"
                      "\"parallelism\":%.3f,\"late_ticks\":%llu}",
                      (unsigned long long)c.ticks, share(c.ticks_held, c.ticks),
                      share(c.ticks_waited, c.ticks),
                      c.wall_ticks ? (double)c.running_sum / (double)c.wall_ticks : 0.0,
                      (unsigned long long)c.late_ticks);
    if (c.per_tick)
        json_sites(&out, &c, "gil_holders", &c.gil_holders, c.ticks);
    json_sites(&out, &c, "lock_wait_sites", &c.waits[STATE_LOCK_WAIT], p->samples);
    json_sites(&out, &c, "io_wait_sites", &c.waits[STATE_IO_WAIT], p->samples);
    json_sites(&out, &c, "sleep_sites", &c.waits[STATE_SLEEPING], p->samples);
    if (c.per_tick) {
        json_loops(&out, &c);
        json_trends(&out, &c);
    }
    char advice[ADVICE_MAX][ADVICE_LEN];
    size_t lines = contention_advise(&c, advice);
    sticky_printf(&out, ",\"advice\":[");
    for (size_t i = 0; i < lines; i++) {
        sticky_printf(&out, "%s", i ? "," : "");
        json_string(&out, advice[i]);
    }
    sticky_printf(&out, "]");
    sticky_printf(&out, "}\n");
    contention_free(&c);
    if (out.failed)
        return -1;
    return stream_finish(file);
}
