/* sampler_tasks.c - asyncio tasks in the sampling loop.
 *
 * --group task: a thread whose stack holds the frame of a running task's
 * coroutine has its sample rooted at that task and the tasks awaiting it
 * (outermost first); the frames outside the coroutine (run_forever,
 * _run_once, Handle._run: the same for every task) are dropped.  Finding the
 * running task costs a few reads per tick: 3.14+ reads it from each thread
 * state, older versions from asyncio's _current_tasks dict.  Who awaits whom
 * comes from a full snapshot of the tasks taken four times a second (and at
 * once when a running task is not in it, at most ten times a second), since
 * it changes far less often than the running task.
 * --tasks all: the snapshot is taken every tick and every suspended task adds
 * a sample of its await chain, state "awaiting", under its loop's thread. */
#include "sampler_tasks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../output/dump.h"
#include "../readers/linetable.h"
#include "lifecycle_watch.h"
#include "target_tasks.h"

#define SNAPSHOT_PERIOD_NS 250000000ull /* batched: ~1.5 ms for 1,000 tasks (scripts/bench) */
/* --check-lifecycle: a finer view of task lives (orphans, stuck awaits, tasks at exit) */
#define LIFECYCLE_SNAPSHOT_PERIOD_NS 100000000ull
#define SNAPSHOT_MIN_GAP_NS 100000000ull

static struct {
    struct running_task running[SAMPLER_RUNNING_MAX];
    struct task_info info[SAMPLER_RUNNING_MAX];
    uint64_t frame[SAMPLER_RUNNING_MAX]; /* the coroutine's frame address, 0: unusable */
    int count;
    uint64_t snapshot_ns;
    uint64_t counted_ns;
    int have_snapshot;
} sampler_tasks_state;

/* Addresses of the previous snapshot's tasks (sorted), to count new ones. */
static uint64_t *sampler_prev_tasks;
static size_t sampler_prev_count, sampler_prev_capacity;

static void sampler_tasks_count(const struct task_set *set, struct store *store, uint64_t time_ns)
{
    struct profile_task_count count = {time_ns, 0, 0, 0};
    size_t p = 0;
    for (size_t i = 0; i < set->count; i++) {
        const struct task_info *t = &set->tasks[i];
        if (t->state == TASK_PENDING || t->state == TASK_RUNNING)
            count.pending++;
        else
            count.done++;
        while (p < sampler_prev_count && sampler_prev_tasks[p] < t->addr)
            p++;
        count.created += p == sampler_prev_count || sampler_prev_tasks[p] != t->addr;
    }
    store_task_count(store, &count);
    if (set->count > sampler_prev_capacity) {
        uint64_t *bigger = realloc(sampler_prev_tasks, set->count * sizeof *bigger);
        if (!bigger) {
            sampler_prev_count = 0;
            return;
        }
        sampler_prev_tasks = bigger;
        sampler_prev_capacity = set->count;
    }
    for (size_t i = 0; i < set->count; i++)
        sampler_prev_tasks[i] = set->tasks[i].addr;
    sampler_prev_count = set->count;
}

/* Await cycles of the snapshot go to the store, each at most once a second. */
#define CYCLES_REMEMBERED 16
static struct {
    uint32_t text;
    uint64_t recorded_ns;
} sampler_cycles_seen[CYCLES_REMEMBERED];

static void sampler_tasks_cycles(const struct task_set *set, struct store *store,
                                 uint64_t time_ns)
{
    if (set->count == 0)
        return;
    struct dump_task *tasks = calloc(set->count, sizeof *tasks);
    size_t cap = set->count * 2 + 1;
    size_t *cycles = malloc(cap * sizeof *cycles);
    if (!tasks || !cycles) {
        free(tasks);
        free(cycles);
        return;
    }
    for (size_t i = 0; i < set->count; i++) {
        tasks[i].id = set->tasks[i].addr;
        tasks[i].name = set->tasks[i].name;
        tasks[i].awaited_by = set->tasks[i].parents;
        tasks[i].awaited_by_count = set->tasks[i].parent_count;
    }
    struct dump view = {.tasks = tasks, .task_count = set->count};
    size_t count = dump_task_cycles(&view, cycles, cap);
    char text[1024];
    size_t len = 0, first = 0;
    for (size_t k = 0; count > 0; k++) {
        if (cycles[k] != SIZE_MAX) {
            len += (size_t)snprintf(text + len, len < sizeof text ? sizeof text - len : 0,
                                    "%s -> ", tasks[cycles[k]].name);
            if (len >= sizeof text)
                len = sizeof text - 1;
            continue;
        }
        snprintf(text + len, sizeof text - len, "%s", tasks[cycles[first]].name);
        uint32_t id = store_string(store, text);
        int slot = -1, oldest = 0;
        for (int s = 0; s < CYCLES_REMEMBERED && slot < 0; s++)
            if (sampler_cycles_seen[s].recorded_ns != 0 && sampler_cycles_seen[s].text == id)
                slot = s;
        if (slot < 0) {
            for (int s = 1; s < CYCLES_REMEMBERED; s++)
                if (sampler_cycles_seen[s].recorded_ns < sampler_cycles_seen[oldest].recorded_ns)
                    oldest = s;
            slot = oldest;
            sampler_cycles_seen[slot].text = id;
            sampler_cycles_seen[slot].recorded_ns = 0;
        }
        if (id != INTERN_FAILED && (sampler_cycles_seen[slot].recorded_ns == 0 ||
                                    time_ns - sampler_cycles_seen[slot].recorded_ns >= 1000000000ull)) {
            sampler_cycles_seen[slot].recorded_ns = time_ns ? time_ns : 1;
            store_task_cycle(store, time_ns, id);
        }
        len = 0;
        first = k + 1;
        count--;
    }
    free(tasks);
    free(cycles);
}

static void sampler_tasks_snapshot(struct target *target, const struct options *options,
                                   struct store *store, struct sampler_stats *stats, uint64_t now)
{
    sampler_tasks_state.snapshot_ns = now;
    uint64_t dropped = target->task_set.dropped;
    if (target_read_tasks(target) != 0) {
        sampler_tasks_state.have_snapshot = 0;
        stats->tasks_torn++;
        return;
    }
    sampler_tasks_state.have_snapshot = 1;
    /* Counts four times a second even with --tasks all (a snapshot per tick). */
    if (now - sampler_tasks_state.counted_ns >= SNAPSHOT_PERIOD_NS ||
        sampler_tasks_state.counted_ns == 0) {
        sampler_tasks_state.counted_ns = now;
        sampler_tasks_count(&target->task_set, store, now - stats->start_ns);
        sampler_tasks_cycles(&target->task_set, store, now - stats->start_ns);
    }
    stats->tasks_dropped += target->task_set.dropped - dropped;
    stats->tasks_capped += target->task_set.capped;
    if (options->check_lifecycle)
        lifecycle_watch_snapshot(target, store, now - stats->start_ns);
}

void sampler_tasks_begin(struct target *target, const struct options *options,
                         struct store *store, struct sampler_stats *stats)
{
    sampler_tasks_state.count = 0;
    if ((!options->group_tasks && !options->check_lifecycle) ||
        target_tasks_open(target, options->max_tasks) != 0)
        return;
    target_tasks_look(target);
    uint64_t now = stats->tick_ns;
    int all = options->tasks == TASKS_ALL;
    uint64_t period = options->check_lifecycle ? LIFECYCLE_SNAPSHOT_PERIOD_NS : SNAPSHOT_PERIOD_NS;
    if (all || !sampler_tasks_state.have_snapshot || now - sampler_tasks_state.snapshot_ns >= period)
        sampler_tasks_snapshot(target, options, store, stats, now);
    if (!options->group_tasks)
        return; /* lifecycle only: no running-task roots */
    int n = tasks_running(&target->asyncio, &target->live.base, target->threads,
                          target->thread_count, sampler_tasks_state.running, SAMPLER_RUNNING_MAX);
    if (n < 0) {
        stats->tasks_torn++;
        return;
    }
    int missing = 0;
    for (int i = 0; i < n; i++) {
        struct task_info *info = &sampler_tasks_state.info[i];
        uint64_t addr = sampler_tasks_state.running[i].task;
        sampler_tasks_state.frame[i] = 0;
        if (task_read_one(&target->asyncio, &target->live.base, addr, info) != 0)
            continue;
        sampler_tasks_state.frame[i] = task_coro_frame(&target->asyncio, &target->live.base,
                                                       info->coro);
        missing |= task_set_find(&target->task_set, addr) == NULL;
    }
    sampler_tasks_state.count = n;
    if (missing && !all && now - sampler_tasks_state.snapshot_ns >= SNAPSHOT_MIN_GAP_NS)
        sampler_tasks_snapshot(target, options, store, stats, now);
}

static uint32_t sampler_task_root(struct store *store, const char *name)
{
    char label[TASK_NAME_MAX + 8];
    snprintf(label, sizeof label, "task:%s", name);
    return store_frame(store, store_string(store, label), store_string(store, ""), 0);
}

/* Roots for task `addr` named `name`: its awaiters from the snapshot, then itself. */
static int sampler_task_chain(struct target *target, struct store *store, uint64_t addr,
                              const char *name, struct task_split *split)
{
    uint64_t chain[SAMPLER_TASK_CHAIN_MAX];
    uint32_t n = 0;
    chain[n++] = addr;
    struct task_info *at = task_set_find(&target->task_set, addr);
    while (at && at->parent_count > 0 && n < SAMPLER_TASK_CHAIN_MAX) {
        uint64_t parent = at->parents[0];
        int seen = 0;
        for (uint32_t k = 0; k < n; k++)
            seen |= chain[k] == parent;
        if (seen)
            break; /* a cycle of awaits: shown once */
        chain[n++] = parent;
        at = task_set_find(&target->task_set, parent);
    }
    split->root_count = 0;
    for (uint32_t k = n; k-- > 0;) {
        const char *label = name;
        if (k > 0) {
            struct task_info *outer = task_set_find(&target->task_set, chain[k]);
            label = outer ? outer->name : "?";
        }
        uint32_t id = sampler_task_root(store, label);
        if (id == INTERN_FAILED)
            return -1;
        split->roots[split->root_count++] = id;
    }
    split->innermost_name = store_string(store, name);
    return split->innermost_name == INTERN_FAILED ? -1 : 0;
}

int sampler_tasks_split(struct target *target, struct store *store,
                        const struct thread_state_info *thread, struct task_split *split)
{
    (void)thread;
    const struct frame_walk *walk = &target->walk;
    /* The running task is the one whose coroutine frame is on this stack
     * (an eager task's first step runs inside its creator's: the innermost
     * such frame wins, it is the task the loop's current-task says). */
    for (uint32_t i = 0; i < walk->depth; i++)
        for (int t = 0; t < sampler_tasks_state.count; t++) {
            uint64_t frame = sampler_tasks_state.frame[t];
            if (frame == 0 || walk->frames[i].addr != frame)
                continue;
            const struct task_info *info = &sampler_tasks_state.info[t];
            if (sampler_task_chain(target, store, info->addr, info->name, split) != 0)
                return 0;
            split->cut = i + 1;
            return 1;
        }
    return 0;
}

/* The thread an awaiting task's sample goes under: its loop's, else the main thread. */
static uint32_t sampler_task_thread(struct target *target, struct store *store,
                                    const struct task_info *task)
{
    const struct thread_state_info *chosen = NULL;
    for (size_t i = 0; i < target->thread_count && !chosen; i++)
        if (task->thread_id != 0 && target->threads[i].thread_id == task->thread_id)
            chosen = &target->threads[i];
    for (size_t i = 0; i < target->thread_count && !chosen; i++)
        if (target_native_tid(target, &target->threads[i]) == (uint64_t)target->pid)
            chosen = &target->threads[i];
    if (!chosen && target->thread_count > 0)
        chosen = &target->threads[0];
    if (!chosen)
        return INTERN_FAILED;
    uint64_t native = target_native_tid(target, chosen);
    int from_python;
    const char *name = target_thread_name(target, chosen, native, &from_python);
    return store_thread(store, target->store_process, native ? native : chosen->thread_id,
                        store_string(store, name),
                        from_python);
}

/* The headers of every code object in the snapshot's await chains, read in
 * one batch (code_cache_get_with_header then needs no read of its own). */
static unsigned char *sampler_headers;
static struct remote_request *sampler_header_requests;
static size_t sampler_header_capacity;

static int sampler_read_headers(struct target *target, const struct task_set *set,
                                uint64_t header_size)
{
    if (set->frame_count > sampler_header_capacity) {
        size_t size = set->frame_count + 1024;
        unsigned char *headers = realloc(sampler_headers, size * header_size);
        if (!headers)
            return -1;
        sampler_headers = headers;
        struct remote_request *requests =
            realloc(sampler_header_requests, size * sizeof *requests);
        if (!requests)
            return -1;
        sampler_header_requests = requests;
        sampler_header_capacity = size;
    }
    for (size_t f = 0; f < set->frame_count; f++)
        sampler_header_requests[f] = (struct remote_request){
            set->frames[f].code, sampler_headers + f * header_size, header_size, 0};
    remote_read_batch(&target->live.base, sampler_header_requests, set->frame_count);
    return 0;
}

/* The set's frames whose headers were read (sampler_tasks_read_codes). */
static size_t sampler_headers_for;

int sampler_tasks_read_codes(struct target *target)
{
    uint64_t header_size = code_cache_header_size(&target->runtime.layout);
    sampler_headers_for = 0;
    if (sampler_read_headers(target, &target->task_set, header_size) != 0)
        return -1;
    sampler_headers_for = target->task_set.frame_count;
    return 0;
}

struct code_info *sampler_tasks_frame_code(struct target *target, size_t f)
{
    uint64_t header_size = code_cache_header_size(&target->runtime.layout);
    if (f >= sampler_headers_for || !sampler_header_requests[f].ok)
        return NULL;
    return code_cache_get_with_header(&target->codes, &target->live.base, &target->runtime.layout,
                                      target->task_set.frames[f].code,
                                      sampler_headers + f * header_size);
}

int sampler_tasks_awaiting(struct target *target, struct store *store,
                           struct sampler_stats *stats)
{
    if (!sampler_tasks_state.have_snapshot || sampler_tasks_state.snapshot_ns != stats->tick_ns)
        return 0;
    struct task_set *set = &target->task_set;
    if (sampler_tasks_read_codes(target) != 0)
        return -1;
    static uint32_t ids[SAMPLER_TASK_CHAIN_MAX + TASK_CHAIN_MAX];
    for (size_t i = 0; i < set->count; i++) {
        const struct task_info *task = &set->tasks[i];
        if (task->state != TASK_PENDING || task->frame_count == 0)
            continue;
        struct task_split split;
        if (sampler_task_chain(target, store, task->addr, task->name, &split) != 0)
            return -1;
        uint32_t depth = 0;
        for (uint32_t k = 0; k < split.root_count; k++)
            ids[depth++] = split.roots[k];
        int ok = 1;
        /* The chain is innermost first: write it outermost first. */
        for (uint32_t k = task->frame_count; k-- > 0 && ok;) {
            size_t f = task->frame_first + k;
            const struct raw_frame *raw = &set->frames[f];
            struct code_info *code = sampler_tasks_frame_code(target, f);
            if (!code) {
                ok = 0;
                break;
            }
            int event_loop = 0;
            ids[depth++] = sampler_code_frame(store, code, raw->offset, &event_loop);
        }
        if (!ok) {
            stats->torn++;
            continue;
        }
        uint32_t thread = sampler_task_thread(target, store, task);
        if (thread == INTERN_FAILED)
            return -1;
        struct store_sample_info info = {stats->tick_ns - stats->start_ns, STATE_AWAITING, 0,
                                         split.innermost_name, 0};
        if (store_add(store, thread, &info, ids, depth) != 0)
            return -1;
    }
    return 0;
}
