/* contention_process.c - per-process figures of a --subprocesses recording.
 *
 * One pass over the stacks adds each one to its thread's process: samples
 * by state, samples waiting for work (a worker blocked on its task queue:
 * not running, with multiprocessing's queue get or connection recv on the
 * stack) and samples pickling (pickle, copyreg, multiprocessing.reduction or
 * a Pickler on the stack).  Frames are classified once, not per stack.
 *
 * Pools are guessed from names: multiprocessing names its workers
 * ForkPoolWorker-1, SpawnProcess-3... (ForkPoolWorker-7:1 in a child
 * process: its identity joined by ':'), so processes of one parent whose
 * names match once a trailing "-N" or "-N:M..." is cut are one pool.  A pool's imbalance
 * is max / mean of its members' running samples: 1 when they shared the
 * work evenly, N (the member count) when one did all of it.  Only processes
 * with samples count: one never sampled was never seen running or idle. */
#include "contention_process.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "frame_text.h"
#include "json.h"
#include "profile_index.h"

#define PROCESS_NAME_WIDTH 24
#define PROCESS_POOL_SHOWN 16 /* members listed on a pool's text line (the JSON has all) */

enum { FRAME_WAITS_FOR_WORK = 1, FRAME_PICKLES = 2 };

static const int process_states_shown[] = {STATE_RUNNING,   STATE_GIL_WAIT, STATE_LOCK_WAIT,
                                           STATE_IO_WAIT,   STATE_SLEEPING, STATE_IDLE};

static int ends_with(const char *text, const char *suffix)
{
    size_t len = strlen(text), suffix_len = strlen(suffix);

    return len >= suffix_len && strcmp(text + len - suffix_len, suffix) == 0;
}

static unsigned process_frame_flags(const struct profile_frame *frame)
{
    const char *file = frame->file ? frame->file : "";
    const char *name = frame->name ? frame->name : "";
    unsigned flags = 0;

    if ((ends_with(file, "multiprocessing/queues.py") && ends_with(name, "get")) ||
        (ends_with(file, "multiprocessing/connection.py") && strstr(name, "recv")))
        flags |= FRAME_WAITS_FOR_WORK;
    if (ends_with(file, "/pickle.py") || ends_with(file, "/copyreg.py") ||
        ends_with(file, "multiprocessing/reduction.py") || strstr(name, "Pickler"))
        flags |= FRAME_PICKLES;
    return flags;
}

static double process_share(uint64_t part, uint64_t whole)
{
    return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

static const struct profile_process *process_of(const struct profile *p, const struct process_row *row)
{
    return &p->processes[row->process];
}

/* Length of name without a trailing "-N" or "-N:M..." ("ForkPoolWorker-12"
 * and "ForkPoolWorker-7:1" -> 14). */
static size_t process_base_length(const char *name)
{
    size_t len = strlen(name), start = len;

    while (start > 0 && ((name[start - 1] >= '0' && name[start - 1] <= '9') || name[start - 1] == ':'))
        start--;
    if (start == len || start == 0 || name[start - 1] != '-' || name[start] == ':' ||
        name[len - 1] == ':')
        return len;
    return start - 1;
}

/* Pool order: parent, then base name, then pid. */
static int process_pool_compare(const struct profile *p, const struct process_report *r, size_t a,
                                size_t b)
{
    const struct profile_process *x = process_of(p, &r->rows[a]), *y = process_of(p, &r->rows[b]);
    const char *xn = x->name ? x->name : "", *yn = y->name ? y->name : "";
    size_t xl = process_base_length(xn), yl = process_base_length(yn);
    int order;

    if (x->ppid != y->ppid)
        return x->ppid < y->ppid ? -1 : 1;
    order = strncmp(xn, yn, xl < yl ? xl : yl);
    if (order != 0 || xl != yl)
        return order != 0 ? order : xl < yl ? -1 : 1;
    return (x->pid > y->pid) - (x->pid < y->pid);
}

static int process_pool_add(const struct profile *p, struct process_report *r, size_t first,
                            size_t count)
{
    struct process_pool *pool = &r->pools[r->pool_count];
    const struct profile_process *head = process_of(p, &r->rows[r->members[first]]);
    const char *name = head->name ? head->name : "";
    uint64_t most = 0;

    *pool = (struct process_pool){.parent = head->ppid, .first = first, .count = count};
    pool->name = strndup(name, process_base_length(name));
    if (!pool->name)
        return -1;
    pool->busiest = r->members[first];
    for (size_t k = first; k < first + count; k++) {
        uint64_t running = r->rows[r->members[k]].states[STATE_RUNNING];

        pool->running += running;
        if (running > most) {
            most = running;
            pool->busiest = r->members[k];
        }
    }
    pool->imbalance = pool->running ? (double)most * (double)count / (double)pool->running : 1.0;
    r->pool_count++;
    return 0;
}

/* Sorts the rows into pool order (insertion sort: a few hundred processes
 * at most) and keeps the groups of two or more. */
static int process_find_pools(const struct profile *p, struct process_report *r)
{
    size_t n = r->row_count;

    r->members = malloc((n ? n : 1) * sizeof *r->members);
    r->pools = calloc(n ? n : 1, sizeof *r->pools);
    if (!r->members || !r->pools)
        return -1;
    for (size_t i = 0; i < n; i++) {
        size_t at = i;
        for (; at > 0 && process_pool_compare(p, r, r->members[at - 1], i) > 0; at--)
            r->members[at] = r->members[at - 1];
        r->members[at] = i;
    }
    size_t kept = 0;
    for (size_t i = 0; i < n;) {
        size_t end = i + 1;
        while (end < n) {
            const struct profile_process *a = process_of(p, &r->rows[r->members[i]]);
            const struct profile_process *b = process_of(p, &r->rows[r->members[end]]);
            const char *an = a->name ? a->name : "", *bn = b->name ? b->name : "";
            size_t len = process_base_length(an);
            if (a->ppid != b->ppid || len != process_base_length(bn) || strncmp(an, bn, len) != 0)
                break;
            end++;
        }
        if (end - i >= 2) {
            /* members[] is compacted in place: kept <= i, so nothing unread is overwritten */
            memmove(&r->members[kept], &r->members[i], (end - i) * sizeof *r->members);
            if (process_pool_add(p, r, kept, end - i) < 0)
                return -1;
            kept += end - i;
        }
        i = end;
    }
    return 0;
}

/* Adds every stack to its process; rows[i] is process i for now. */
static int process_count_stacks(const struct profile *p, struct process_report *r)
{
    unsigned char *flags = malloc(p->frame_count ? p->frame_count : 1);

    if (!flags)
        return -1;
    for (size_t f = 0; f < p->frame_count; f++)
        flags[f] = (unsigned char)process_frame_flags(&p->frames[f]);
    for (size_t s = 0; s < p->stack_count; s++) {
        const struct profile_stack *stack = &p->stacks[s];
        if (stack->count == 0 || stack->state == STATE_AWAITING)
            continue;
        int state = stack->state >= 0 && stack->state < STATE_COUNT ? stack->state : STATE_UNKNOWN;
        if (state == STATE_RUNNING)
            r->running += stack->count;
        const struct profile_process *process = profile_thread_process(p, stack->thread);
        if (!process)
            continue;
        struct process_row *row = &r->rows[process - p->processes];
        unsigned seen = 0;
        for (uint32_t d = 0; d < stack->depth; d++)
            seen |= flags[stack->frames[d]];
        row->samples += stack->count;
        row->states[state] += stack->count;
        if ((seen & FRAME_WAITS_FOR_WORK) && state != STATE_RUNNING)
            row->waiting_for_work += stack->count;
        if (seen & FRAME_PICKLES)
            row->pickling += stack->count;
    }
    free(flags);
    return 0;
}

int contention_processes(const struct profile *p, struct process_report *r)
{
    memset(r, 0, sizeof *r);
    if (!p->process_roots || p->process_count == 0 || !p->processes)
        return 0;
    r->rows = calloc(p->process_count, sizeof *r->rows);
    if (!r->rows || process_count_stacks(p, r) < 0) {
        errno = ENOMEM;
        return -1;
    }
    /* Keep the processes with samples, by pid (insertion sort, see above). */
    for (size_t i = 0; i < p->process_count; i++) {
        struct process_row row = r->rows[i];
        size_t at = r->row_count;
        if (row.samples == 0)
            continue;
        row.process = (uint32_t)i;
        for (; at > 0 && process_of(p, &r->rows[at - 1])->pid > p->processes[i].pid; at--)
            r->rows[at] = r->rows[at - 1];
        r->rows[at] = row;
        r->row_count++;
    }
    if (process_find_pools(p, r) < 0) {
        errno = ENOMEM;
        return -1;
    }
    return 0;
}

void contention_processes_free(struct process_report *r)
{
    for (size_t i = 0; i < r->pool_count; i++)
        free(r->pools[i].name);
    free(r->pools);
    free(r->members);
    free(r->rows);
    memset(r, 0, sizeof *r);
}

/* ---- text ------------------------------------------------------------------ */

/* A name cleaned for the terminal, cut and padded to PROCESS_NAME_WIDTH characters. */
static void text_process_name(struct sticky_out *out, const char *name)
{
    char clean[PROCESS_NAME_WIDTH * 4 + 1];

    frame_text_clean(name ? name : "", PROCESS_NAME_WIDTH, clean, sizeof clean);
    sticky_printf(out, "%s%*s", clean, (int)(PROCESS_NAME_WIDTH - frame_text_chars(clean, SIZE_MAX)),
                  "");
}

static void text_pools(struct sticky_out *out, const struct process_report *r,
                       const struct profile *p)
{
    for (size_t i = 0; i < r->pool_count; i++) {
        const struct process_pool *pool = &r->pools[i];
        char name[PROCESS_NAME_WIDTH * 4 + 1];

        frame_text_clean(pool->name, SIZE_MAX, name, sizeof name);
        sticky_printf(out, "  pool %s of %d (%zu workers): running samples", name, pool->parent,
                      pool->count);
        for (size_t k = 0; k < pool->count && k < PROCESS_POOL_SHOWN; k++) {
            const struct process_row *row = &r->rows[r->members[pool->first + k]];
            sticky_printf(out, " %d:%llu", process_of(p, row)->pid,
                          (unsigned long long)row->states[STATE_RUNNING]);
        }
        if (pool->count > PROCESS_POOL_SHOWN)
            sticky_printf(out, " ... %zu more", pool->count - PROCESS_POOL_SHOWN);
        sticky_printf(out, ", imbalance %.2f\n", pool->imbalance);
    }
}

void contention_processes_text(struct sticky_out *out, const struct process_report *r,
                               const struct profile *p)
{
    sticky_printf(out, "\nprocesses (cpu: share of all running samples; wait-work: waiting on "
                       "a multiprocessing queue or pipe for work)\n%8s %8s %-*s %10s %8s",
                  "pid", "ppid", PROCESS_NAME_WIDTH, "name", "samples", "cpu");
    for (size_t i = 0; i < sizeof process_states_shown / sizeof process_states_shown[0]; i++)
        sticky_printf(out, " %10s", sample_state_name(process_states_shown[i]));
    sticky_printf(out, " %10s %10s\n", "wait-work", "pickling");
    if (r->row_count == 0)
        sticky_printf(out, "  (no process has samples)\n");
    for (size_t i = 0; i < r->row_count; i++) {
        const struct process_row *row = &r->rows[i];
        const struct profile_process *process = process_of(p, row);

        sticky_printf(out, "%8d %8d ", process->pid, process->ppid);
        text_process_name(out, process->name);
        sticky_printf(out, " %10llu %7.1f%%", (unsigned long long)row->samples,
                      process_share(row->states[STATE_RUNNING], r->running));
        for (size_t k = 0; k < sizeof process_states_shown / sizeof process_states_shown[0]; k++)
            sticky_printf(out, " %9.1f%%",
                          process_share(row->states[process_states_shown[k]], row->samples));
        sticky_printf(out, " %9.1f%% %9.1f%%\n", process_share(row->waiting_for_work, row->samples),
                      process_share(row->pickling, row->samples));
    }
    text_pools(out, r, p);
}

/* ---- JSON ------------------------------------------------------------------ */

static void json_name(struct sticky_out *out, const char *text)
{
    if (!out->failed && json_write_string(out->out, text ? text : "") != 0)
        out->failed = 1;
}

void contention_processes_json(struct sticky_out *out, const struct process_report *r,
                               const struct profile *p)
{
    sticky_printf(out, ",\"processes\":[");
    for (size_t i = 0; i < r->row_count; i++) {
        const struct process_row *row = &r->rows[i];
        const struct profile_process *process = process_of(p, row);

        sticky_printf(out, "%s{\"pid\":%d,\"ppid\":%d,\"name\":", i ? "," : "", process->pid,
                      process->ppid);
        json_name(out, process->name);
        sticky_printf(out, ",\"samples\":%llu,\"cpu_share\":%.3f,\"states\":{",
                      (unsigned long long)row->samples,
                      process_share(row->states[STATE_RUNNING], r->running));
        for (int s = 0; s < STATE_COUNT; s++)
            sticky_printf(out, "%s\"%s\":%.3f", s ? "," : "", sample_state_name(s),
                          process_share(row->states[s], row->samples));
        sticky_printf(out, "},\"waiting_for_work\":%.3f,\"pickling\":%.3f}",
                      process_share(row->waiting_for_work, row->samples),
                      process_share(row->pickling, row->samples));
    }
    sticky_printf(out, "],\"pools\":[");
    for (size_t i = 0; i < r->pool_count; i++) {
        const struct process_pool *pool = &r->pools[i];

        sticky_printf(out, "%s{\"name\":", i ? "," : "");
        json_name(out, pool->name);
        sticky_printf(out, ",\"parent\":%d,\"members\":[", pool->parent);
        for (size_t k = 0; k < pool->count; k++)
            sticky_printf(out, "%s%d", k ? "," : "",
                          process_of(p, &r->rows[r->members[pool->first + k]])->pid);
        sticky_printf(out, "],\"busy\":[");
        for (size_t k = 0; k < pool->count; k++)
            sticky_printf(out, "%s%llu", k ? "," : "",
                          (unsigned long long)r->rows[r->members[pool->first + k]]
                              .states[STATE_RUNNING]);
        sticky_printf(out, "],\"imbalance\":%.3f}", pool->imbalance);
    }
    sticky_printf(out, "]");
}
