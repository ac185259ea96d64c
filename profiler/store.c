/* store.c - aggregate samples into unique (thread, stack) counts.
 *
 * Everything is interned: a stack is the byte string of its thread id and
 * frame ids, so one hash lookup per sample finds its counter.  The view
 * handed to writers resolves ids into the plain structs of output/profile.h. */
#include "store.h"

#include <stdlib.h>
#include <string.h>

#include "../readers/frames.h"

struct store_thread_key {
    uint64_t tid;
    uint32_t process;
    uint32_t zero; /* no padding bytes in a key */
};

struct store_frame_key {
    uint32_t name;
    uint32_t file;
    int32_t line;
};

void store_init(struct store *store)
{
    memset(store, 0, sizeof *store);
    intern_init(&store->strings);
    intern_init(&store->frames);
    intern_init(&store->threads);
    intern_init(&store->stacks);
    intern_init(&store->processes);
}

void store_free(struct store *store)
{
    intern_free(&store->strings);
    intern_free(&store->frames);
    intern_free(&store->threads);
    intern_free(&store->stacks);
    intern_free(&store->processes);
    free(store->process_info);
    free(store->counts);
    free(store->thread_names);
    free(store->thread_named);
    free(store->timeline);
    free(store->task_counts);
    free(store->task_cycles);
    free(store->events);
    free(store->gauges);
    free(store->phases);
    memset(store, 0, sizeof *store);
}

uint32_t store_string(struct store *store, const char *text)
{
    return intern_put(&store->strings, text, strlen(text));
}

uint32_t store_frame(struct store *store, uint32_t name, uint32_t file, int line)
{
    struct store_frame_key key = {name, file, line};
    return intern_put(&store->frames, &key, sizeof key);
}

uint32_t store_process(struct store *store, uint64_t key, int pid, int ppid, uint32_t name)
{
    uint32_t id = intern_put(&store->processes, &key, sizeof key);
    if (id == INTERN_FAILED)
        return id;
    if (id >= store->process_capacity) {
        size_t size = store->process_capacity ? store->process_capacity * 2 : 16;
        while (size <= id)
            size *= 2;
        struct store_process *bigger = realloc(store->process_info, size * sizeof *bigger);
        if (!bigger)
            return INTERN_FAILED;
        store->process_info = bigger;
        store->process_capacity = size;
    }
    store->process_info[id] = (struct store_process){pid, ppid, name};
    return id;
}

uint32_t store_thread(struct store *store, uint32_t process, uint64_t tid, uint32_t name,
                      int from_python)
{
    struct store_thread_key key = {tid, process, 0};
    uint32_t id = intern_put(&store->threads, &key, sizeof key);
    if (id == INTERN_FAILED)
        return id;
    if (id >= store->threads_capacity) {
        size_t size = store->threads_capacity ? store->threads_capacity * 2 : 64;
        while (size <= id)
            size *= 2;
        uint32_t *names = realloc(store->thread_names, size * sizeof *names);
        if (!names)
            return INTERN_FAILED;
        store->thread_names = names;
        unsigned char *named = realloc(store->thread_named, size);
        if (!named)
            return INTERN_FAILED;
        memset(named + store->threads_capacity, 0, size - store->threads_capacity);
        store->thread_named = named;
        store->threads_capacity = size;
    }
    if (from_python || !store->thread_named[id])
        store->thread_names[id] = name;
    if (from_python)
        store->thread_named[id] = 1;
    return id;
}

void store_thread_parts(const struct store *store, uint32_t id, uint64_t *tid, uint32_t *process)
{
    struct store_thread_key key;
    memcpy(&key, intern_key(&store->threads, id, NULL), sizeof key);
    *tid = key.tid;
    *process = key.process;
}

/* A stack's key: thread, state and GIL flag, task, lock holder, then the frame ids. */
#define STORE_KEY_HEAD 4

int store_task_count(struct store *store, const struct profile_task_count *count)
{
    if (store->task_count_count == store->task_count_capacity) {
        size_t size = store->task_count_capacity ? store->task_count_capacity * 2 : 256;
        struct profile_task_count *bigger = realloc(store->task_counts, size * sizeof *bigger);
        if (!bigger)
            return -1;
        store->task_counts = bigger;
        store->task_count_capacity = size;
    }
    store->task_counts[store->task_count_count++] = *count;
    return 0;
}

int store_task_cycle(struct store *store, uint64_t time_ns, uint32_t tasks)
{
    if (store->task_cycle_count == store->task_cycle_capacity) {
        size_t size = store->task_cycle_capacity ? store->task_cycle_capacity * 2 : 64;
        struct store_task_cycle *bigger = realloc(store->task_cycles, size * sizeof *bigger);
        if (!bigger)
            return -1;
        store->task_cycles = bigger;
        store->task_cycle_capacity = size;
    }
    store->task_cycles[store->task_cycle_count].time_ns = time_ns;
    store->task_cycles[store->task_cycle_count].tasks = tasks;
    store->task_cycle_count++;
    return 0;
}

static int store_timeline_push(struct store *store, uint64_t time_ns, uint32_t stack)
{
    if (store->timeline_count == store->timeline_capacity) {
        size_t size = store->timeline_capacity ? store->timeline_capacity * 2 : 4096;
        struct profile_sample *bigger = realloc(store->timeline, size * sizeof *bigger);
        if (!bigger)
            return -1;
        store->timeline = bigger;
        store->timeline_capacity = size;
    }
    store->timeline[store->timeline_count++] = (struct profile_sample){time_ns, stack};
    return 0;
}

uint32_t store_stack(struct store *store, uint32_t thread, const struct store_sample_info *info,
                     const uint32_t *frames, uint32_t depth)
{
    uint32_t key[FRAMES_MAX_DEPTH + 1 + STORE_KEY_HEAD];
    if (depth > FRAMES_MAX_DEPTH + 1)
        return INTERN_FAILED;
    key[0] = thread;
    key[1] = (uint32_t)info->state | (info->holds_gil ? 0x100u : 0u);
    key[2] = info->task;
    key[3] = info->holder;
    memcpy(key + STORE_KEY_HEAD, frames, depth * sizeof *frames);
    return intern_put(&store->stacks, key, (depth + STORE_KEY_HEAD) * sizeof *key);
}

void store_stack_parts(const struct store *store, uint32_t id, struct store_stack_parts *parts)
{
    static uint32_t words[FRAMES_MAX_DEPTH + 1 + STORE_KEY_HEAD];
    size_t len;
    const void *key = intern_key(&store->stacks, id, &len);
    memcpy(words, key, len); /* arena keys may be unaligned */
    parts->thread = words[0];
    parts->state = (int)(words[1] & 0xff);
    parts->holds_gil = (words[1] & 0x100u) != 0;
    parts->task = words[2];
    parts->holder = words[3];
    parts->depth = (uint32_t)(len / sizeof(uint32_t) - STORE_KEY_HEAD);
    parts->frames = words + STORE_KEY_HEAD;
}

int store_add(struct store *store, uint32_t thread, const struct store_sample_info *info,
              const uint32_t *frames, uint32_t depth)
{
    if (store->keep_states && info->state >= 0 && info->state < 32 &&
        !(store->keep_states & (1u << info->state)))
        return 0; /* record --state: not a state asked for */
    uint32_t id = store_stack(store, thread, info, frames, depth);
    if (id == INTERN_FAILED)
        return -1;
    return store_count(store, id, info->time_ns);
}

int store_count(struct store *store, uint32_t id, uint64_t time_ns)
{
    if (id >= store->counts_capacity) {
        size_t size = store->counts_capacity ? store->counts_capacity * 2 : 1024;
        while (size <= id)
            size *= 2;
        uint64_t *counts = realloc(store->counts, size * sizeof *counts);
        if (!counts)
            return -1;
        memset(counts + store->counts_capacity, 0,
               (size - store->counts_capacity) * sizeof *counts);
        store->counts = counts;
        store->counts_capacity = size;
    }
    store->counts[id]++;
    store->samples++;
    if (store->keep_timeline && store_timeline_push(store, time_ns, id) != 0)
        return -1;
    return 0;
}

void store_frame_parts(const struct store *store, uint32_t id, const char **name, const char **file,
                       int *line)
{
    struct store_frame_key key;
    memcpy(&key, intern_key(&store->frames, id, NULL), sizeof key);
    *name = intern_key(&store->strings, key.name, NULL);
    *file = intern_key(&store->strings, key.file, NULL);
    *line = key.line;
}

/* items with room for one more than count: the (possibly moved) array, or
 * NULL when it could not grow (items is then unchanged). */
static void *store_grow(void *items, size_t *capacity, size_t count, size_t size)
{
    if (count < *capacity)
        return items;
    size_t bigger = *capacity ? *capacity * 2 : 64;
    void *grown = realloc(items, bigger * size);
    if (grown)
        *capacity = bigger;
    return grown;
}

int store_lifecycle_event(struct store *store, const struct store_lifecycle_event *event)
{
    struct store_lifecycle_event *events =
        store_grow(store->events, &store->event_capacity, store->event_count, sizeof *events);
    if (!events)
        return -1;
    store->events = events;
    events[store->event_count++] = *event;
    return 0;
}

int store_gauge(struct store *store, uint64_t time_ns, uint32_t name, uint64_t value)
{
    struct store_gauge *gauges =
        store_grow(store->gauges, &store->gauge_capacity, store->gauge_count, sizeof *gauges);
    if (!gauges)
        return -1;
    store->gauges = gauges;
    gauges[store->gauge_count++] = (struct store_gauge){time_ns, name, value};
    return 0;
}

int store_phase(struct store *store, uint64_t time_ns, uint32_t name)
{
    struct store_phase *phases =
        store_grow(store->phases, &store->phase_capacity, store->phase_count, sizeof *phases);
    if (!phases)
        return -1;
    store->phases = phases;
    phases[store->phase_count++] = (struct store_phase){time_ns, name};
    return 0;
}

static const char *store_text(const struct store *store, uint32_t id)
{
    return id == STORE_NO_TASK ? NULL : intern_key(&store->strings, id, NULL);
}

/* The lifecycle part of the view (arrays freed by store_view_free).  0 or -1. */
static int store_view_lifecycle(const struct store *store, struct profile *profile)
{
    struct profile_lifecycle_event *events = calloc(store->event_count + 1, sizeof *events);
    struct profile_gauge *gauges = calloc(store->gauge_count + 1, sizeof *gauges);
    struct profile_phase *phases = calloc(store->phase_count + 1, sizeof *phases);
    if (!events || !gauges || !phases) {
        free(events);
        free(gauges);
        free(phases);
        return -1;
    }
    for (size_t i = 0; i < store->event_count; i++) {
        const struct store_lifecycle_event *e = &store->events[i];
        events[i] = (struct profile_lifecycle_event){
            e->kind,           e->start_ns,           e->duration_ns,          store_text(store, e->subject),
            store_text(store, e->other), store_text(store, e->where), e->value};
    }
    for (size_t i = 0; i < store->gauge_count; i++)
        gauges[i] = (struct profile_gauge){store->gauges[i].time_ns,
                                           store_text(store, store->gauges[i].name),
                                           store->gauges[i].value};
    for (size_t i = 0; i < store->phase_count; i++) {
        const char *name = store_text(store, store->phases[i].name);
        phases[i] = (struct profile_phase){store->phases[i].time_ns, name ? name : ""};
    }
    profile->lifecycle = store->lifecycle;
    profile->target_exited = store->target_exited;
    profile->lifecycle_events = events;
    profile->lifecycle_event_count = store->event_count;
    profile->gauges = gauges;
    profile->gauge_count = store->gauge_count;
    profile->phases = phases;
    profile->phase_count = store->phase_count;
    return 0;
}

int store_view(const struct store *store, struct profile *profile)
{
    size_t frame_count = store->frames.count;
    size_t thread_count = store->threads.count;
    size_t stack_count = store->stacks.count;
    struct profile_frame *frames = calloc(frame_count + 1, sizeof *frames);
    struct profile_thread *threads = calloc(thread_count + 1, sizeof *threads);
    struct profile_stack *stacks = calloc(stack_count + 1, sizeof *stacks);
    uint32_t *ids = calloc(store->stacks.arena_used / sizeof(uint32_t) + 1, sizeof *ids);
    struct profile_task_cycle *cycles = calloc(store->task_cycle_count + 1, sizeof *cycles);
    size_t process_count = store->processes.count;
    struct profile_process *processes = calloc(process_count + 1, sizeof *processes);
    if (!frames || !threads || !stacks || !ids || !cycles || !processes ||
        store_view_lifecycle(store, profile) != 0) {
        free(frames);
        free(threads);
        free(stacks);
        free(ids);
        free(cycles);
        free(processes);
        return -1;
    }
    for (uint32_t i = 0; i < process_count; i++) {
        processes[i].pid = store->process_info[i].pid;
        processes[i].ppid = store->process_info[i].ppid;
        processes[i].name = intern_key(&store->strings, store->process_info[i].name, NULL);
    }
    for (size_t i = 0; i < store->task_cycle_count; i++) {
        cycles[i].time_ns = store->task_cycles[i].time_ns;
        cycles[i].tasks = intern_key(&store->strings, store->task_cycles[i].tasks, NULL);
    }
    for (uint32_t i = 0; i < frame_count; i++) {
        struct store_frame_key key;
        memcpy(&key, intern_key(&store->frames, i, NULL), sizeof key);
        frames[i].name = intern_key(&store->strings, key.name, NULL);
        frames[i].file = intern_key(&store->strings, key.file, NULL);
        frames[i].line = key.line;
    }
    for (uint32_t i = 0; i < thread_count; i++) {
        struct store_thread_key key;
        memcpy(&key, intern_key(&store->threads, i, NULL), sizeof key);
        threads[i].tid = key.tid;
        threads[i].process = key.process < process_count ? key.process : 0;
        threads[i].name = intern_key(&store->strings, store->thread_names[i], NULL);
    }
    size_t used = 0;
    for (uint32_t i = 0; i < stack_count; i++) {
        size_t len;
        const unsigned char *key = intern_key(&store->stacks, i, &len);
        size_t words = len / sizeof(uint32_t);
        memcpy(ids + used, key, len); /* arena keys may be unaligned */
        stacks[i].thread = ids[used];
        stacks[i].state = (int)(ids[used + 1] & 0xff);
        stacks[i].holds_gil = (ids[used + 1] & 0x100u) != 0;
        stacks[i].task = ids[used + 2] == STORE_NO_TASK
                             ? NULL
                             : intern_key(&store->strings, ids[used + 2], NULL);
        stacks[i].holder = ids[used + 3] <= thread_count ? ids[used + 3] : 0;
        stacks[i].depth = (uint32_t)(words - STORE_KEY_HEAD);
        stacks[i].frames = ids + used + STORE_KEY_HEAD;
        stacks[i].count = i < store->counts_capacity ? store->counts[i] : 0;
        used += words;
    }
    profile->frames = frames;
    profile->frame_count = frame_count;
    profile->threads = threads;
    profile->thread_count = thread_count;
    profile->stacks = stacks;
    profile->stack_count = stack_count;
    profile->processes = processes;
    profile->process_count = process_count;
    profile->process_roots = store->process_roots && process_count > 0;
    profile->samples = store->samples;
    profile->timeline = store->timeline;
    profile->timeline_count = store->timeline_count;
    profile->task_counts = store->task_counts;
    profile->task_count_count = store->task_count_count;
    profile->task_cycles = cycles;
    profile->task_cycle_count = store->task_cycle_count;
    profile->storage = ids;
    return 0;
}

void store_view_free(struct profile *profile)
{
    free((void *)profile->frames);
    free((void *)profile->threads);
    free((void *)profile->processes);
    profile->processes = NULL;
    free(profile->storage);
    profile->storage = NULL;
    free((void *)profile->stacks);
    free((void *)profile->task_cycles);
    profile->task_cycles = NULL;
    free((void *)profile->lifecycle_events);
    free((void *)profile->gauges);
    free((void *)profile->phases);
    profile->lifecycle_events = NULL;
    profile->gauges = NULL;
    profile->phases = NULL;
    profile->frames = NULL;
    profile->threads = NULL;
    profile->stacks = NULL;
}
