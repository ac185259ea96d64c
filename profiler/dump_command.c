/* dump_command.c - `pyconc-prof dump`: one snapshot of every thread.
 *
 * Takes a few tries when a read is torn (the target runs while we read),
 * then prints what it got. */
#include "dump_command.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../output/dump.h"
#include "../readers/linetable.h"
#include "blocking.h"
#include "proc_info.h"
#include "sampler_native.h"
#include "store.h"
#include "target_tasks.h"

#define DUMP_TRIES 20
/* dump --native: a merged id with this bit is a Python frame's index, else a native frame */
#define DUMP_PYTHON_ID 0x80000000u
#define DUMP_SOURCE_MAX 512

struct dump_storage {
    struct dump dump;
    struct dump_thread *threads;
    struct dump_frame **frames; /* per thread */
    struct dump_task *tasks;
    struct dump_frame *task_frames;
    char **strings; /* every string we allocated */
    size_t string_count, string_capacity;
};

static const char *dump_keep(struct dump_storage *s, const char *text)
{
    if (s->string_count == s->string_capacity) {
        size_t size = s->string_capacity ? s->string_capacity * 2 : 256;
        char **bigger = realloc(s->strings, size * sizeof *bigger);
        if (!bigger)
            return "?";
        s->strings = bigger;
        s->string_capacity = size;
    }
    char *copy = strdup(text);
    if (!copy)
        return "?";
    s->strings[s->string_count++] = copy;
    return copy;
}

static void dump_storage_free(struct dump_storage *s)
{
    for (size_t i = 0; i < s->string_count; i++)
        free(s->strings[i]);
    free(s->strings);
    for (size_t i = 0; s->frames && i < s->dump.thread_count; i++)
        free(s->frames[i]);
    free(s->threads);
    free(s->frames);
    free(s->tasks);
    free(s->task_frames);
    memset(s, 0, sizeof *s);
}

/* Name, file and line of a raw frame (a thread's or a coroutine's); 0 or -1. */
static int dump_resolve(struct target *target, struct dump_storage *s,
                        const struct raw_frame *raw, struct dump_frame *frame)
{
    struct code_info *code =
        code_cache_get(&target->codes, &target->live.base, &target->runtime.layout, raw->code);
    if (!code)
        return -1;
    frame->name = dump_keep(s, code->name);
    frame->file = dump_keep(s, code->file);
    frame->line = linetable_line(&code->lines, raw->offset, code->firstlineno);
    char source[DUMP_SOURCE_MAX];
    frame->source = proc_source_line(target->pid, code->file, frame->line, source,
                                     sizeof source) == 0
                        ? dump_keep(s, source)
                        : NULL;
    return 0;
}

/* The task tree: every task with its await chain resolved.  0 or -1 (torn). */
static int dump_tasks(struct target *target, struct dump_storage *s)
{
    if (target_read_tasks(target) != 0)
        return -1;
    const struct task_set *set = &target->task_set;
    s->tasks = calloc(set->count + 1, sizeof *s->tasks);
    s->task_frames = calloc(set->frame_count + 1, sizeof *s->task_frames);
    if (!s->tasks || !s->task_frames)
        return -1;
    for (size_t i = 0; i < set->count; i++) {
        const struct task_info *info = &set->tasks[i];
        struct dump_task *task = &s->tasks[i];
        task->id = info->addr;
        task->name = dump_keep(s, info->name);
        task->state = task_state_name(info->state);
        task->tid = target_tid_of_ident(target, info->thread_id);
        task->frames = s->task_frames + info->frame_first;
        task->depth = info->frame_count;
        task->awaited_by = info->parents;
        task->awaited_by_count = info->parent_count;
        for (uint32_t k = 0; k < info->frame_count; k++)
            if (dump_resolve(target, s, &set->frames[info->frame_first + k],
                             &s->task_frames[info->frame_first + k]) != 0)
                return -1;
    }
    s->dump.with_tasks = 1;
    s->dump.tasks = s->tasks;
    s->dump.task_count = set->count;
    s->dump.tasks_dropped = set->dropped;
    s->dump.tasks_capped = set->capped;
    return 0;
}

/* dump --native: the thread's C frames merged in (the thread is stopped).
 * The merge works on store ids: the Python frames go in as ids and come out
 * in their new places.  An unwind that fails leaves the Python frames. */
static int dump_native(struct target *target, struct dump_storage *s, struct dump_thread *thread,
                       struct dump_frame **frames_out)
{
    static struct store store;
    static uint32_t py[FRAMES_MAX_DEPTH + 1], merged[FRAMES_MAX_DEPTH + 1 + NATIVE_MAX_FRAMES];
    static unsigned char entry[FRAMES_MAX_DEPTH + 1];
    static uint64_t shim[FRAMES_MAX_DEPTH + 1];
    struct native_state *n = target->native;
    int ips = native_unwind(&n->unwinder, (int)thread->tid, n->ips, n->sps, NATIVE_MAX_FRAMES);
    if (ips <= 0)
        return 0;
    store_init(&store);
    /* Python frames outermost first, as the merge wants them; the walk's
     * entry marks follow the frames shown (a hidden frame passes its mark in) */
    uint32_t count = 0;
    int pending = 0;
    uint64_t pending_shim = 0;
    size_t shown = thread->depth;
    for (uint32_t i = target->walk.depth, k = (uint32_t)shown; i-- > 0;) {
        const struct raw_frame *raw = &target->walk.frames[i];
        pending |= raw->entry;
        if (raw->shim)
            pending_shim = raw->shim;
        struct code_info *code = code_cache_get(&target->codes, &target->live.base,
                                                &target->runtime.layout, raw->code);
        if (!code || frames_incomplete(raw, code->firsttraceable) || k == 0)
            continue;
        k--; /* thread->frames is innermost first: shown frame k is this one */
        py[count] = k | DUMP_PYTHON_ID;
        entry[count] = (unsigned char)pending;
        shim[count++] = pending_shim;
        pending = 0;
        pending_shim = 0;
    }
    memset(n->cache, 0, sizeof n->cache); /* its frame ids belong to another store */
    int wait;
    uint32_t len = sampler_native_merge(n, &store, monotonic_ns(), py, entry, shim, count, ips,
                                        merged, FRAMES_MAX_DEPTH + 1 + NATIVE_MAX_FRAMES, &wait);
    struct dump_frame *frames = calloc(len + 1, sizeof *frames);
    if (!frames) {
        store_free(&store);
        return -1;
    }
    const struct dump_frame *python = thread->frames;
    for (uint32_t i = 0; i < len; i++) {
        struct dump_frame *f = &frames[len - 1 - i]; /* innermost first */
        if (merged[i] & DUMP_PYTHON_ID) {
            *f = python[merged[i] & ~DUMP_PYTHON_ID];
        } else {
            const char *name, *file;
            int line;
            store_frame_parts(&store, merged[i], &name, &file, &line);
            f->name = dump_keep(s, name);
            f->file = dump_keep(s, file);
            f->line = -1;
        }
    }
    store_free(&store);
    free(*frames_out);
    *frames_out = frames;
    thread->frames = frames;
    thread->depth = len;
    return 0;
}

/* Fills one thread's frames; 0, or -1 when torn. */
static int dump_thread(struct target *target, struct dump_storage *s,
                       const struct thread_state_info *info, struct dump_thread *thread,
                       struct dump_frame **frames_out)
{
    if (frames_walk(&target->live.base, &target->runtime.layout, info->innermost,
                    &target->walk) != 0)
        return -1;
    struct dump_frame *frames = calloc(target->walk.depth + 1, sizeof *frames);
    if (!frames)
        return -1;
    *frames_out = frames;
    thread->tid = target_native_tid(target, info);
    int from_python;
    thread->name = dump_keep(s, target_thread_name(target, info, thread->tid, &from_python));
    thread->holds_gil = info->tstate == target->gil_holder;
    thread->truncated = target->walk.truncated;
    thread->frames = frames;
    thread->depth = target->walk.depth;
    size_t shown = 0;
    for (uint32_t i = 0; i < target->walk.depth; i++) {
        const struct raw_frame *raw = &target->walk.frames[i];
        struct code_info *code = code_cache_get(&target->codes, &target->live.base,
                                                &target->runtime.layout, raw->code);
        if (!code)
            return -1;
        if (frames_incomplete(raw, code->firsttraceable))
            continue;
        if (dump_resolve(target, s, raw, &frames[shown++]) != 0)
            return -1;
    }
    thread->depth = shown;
    if (target->native && thread->tid)
        return dump_native(target, s, thread, frames_out);
    return 0;
}

static int dump_snapshot(struct target *target, struct dump_storage *s, int tasks)
{
    if (target_read_threads(target) != 0)
        return -1;
    size_t count = target->thread_count;
    s->threads = calloc(count + 1, sizeof *s->threads);
    s->frames = calloc(count + 1, sizeof *s->frames);
    if (!s->threads || !s->frames)
        return -1;
    s->dump.threads = s->threads;
    s->dump.thread_count = count;
    for (size_t t = 0; t < count; t++)
        if (dump_thread(target, s, &target->threads[t], &s->threads[t], &s->frames[t]) != 0)
            return -1;
    return tasks ? dump_tasks(target, s) : 0;
}

/* dump --native: every thread stays stopped while the snapshot is read. */
static int dump_snapshot_stopped(struct target *target, struct dump_storage *s, int tasks)
{
    static struct blocking stopped;
    if (!target->native)
        return dump_snapshot(target, s, tasks);
    if (blocking_attach(&stopped, target->pid) != 0 || blocking_stop(&stopped) != 0) {
        blocking_detach(&stopped);
        return -2;
    }
    int rc = dump_snapshot(target, s, tasks);
    blocking_detach(&stopped); /* resumes every thread */
    return rc;
}

int dump_run(struct target *target, int json, int tasks, int max_tasks, FILE *out)
{
    if (tasks && target_tasks_open(target, max_tasks) != 0)
        return -1;
    struct dump_storage s;
    memset(&s, 0, sizeof s);
    int ok = -1;
    for (int attempt = 0; attempt < DUMP_TRIES && ok != 0; attempt++) {
        dump_storage_free(&s);
        ok = dump_snapshot_stopped(target, &s, tasks);
        if (ok == -2) {
            dump_storage_free(&s);
            fprintf(stderr, "pyconc-prof: --native cannot stop process %d with ptrace: another "
                            "debugger may be attached, or run as root / grant CAP_SYS_PTRACE\n",
                    target->pid);
            return -1;
        }
    }
    if (ok != 0) {
        dump_storage_free(&s);
        fprintf(stderr, "pyconc-prof: could not read a consistent snapshot of process %d "
                        "(it changed under every read); try again or use record\n",
                target->pid);
        return -1;
    }
    s.dump.pid = target->pid;
    s.dump.python_version = target->runtime.version;
    s.dump.command = target->command[0] ? target->command : NULL;
    int rc = json ? dump_json_write(out, &s.dump) : dump_text_write(out, &s.dump);
    dump_storage_free(&s);
    return rc;
}
