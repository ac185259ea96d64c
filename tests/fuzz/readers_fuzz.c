/* readers_fuzz.c - libFuzzer harness: every reader on hostile target memory.
 *
 * An input is a snapshot (readers/snapshot_format.h): memory regions, the
 * CPython minor version whose layout applies, and the interpreter's address.
 * The seeds are real snapshots of live interpreters, taken by `make fuzz`
 * (scripts/snapshot-readers into build-fuzz/seeds); libFuzzer mutates them into garbage pointers,
 * cycles, huge lengths and torn values.  Each input goes through what a tick
 * and a dump do: the thread list, every thread's frames and code objects and
 * line tables, thread names, the asyncio task snapshot with await chains and
 * awaiters, the running tasks, the lifecycle readers.  Readers must return
 * errors, never crash, never loop without bound (libFuzzer's -timeout), never
 * leak (ASan).  `make fuzz FUZZ_SECONDS=N` builds and runs it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../readers/code_cache.h"
#include "../../readers/frames.h"
#include "../../readers/lifecycle_probe.h"
#include "../../readers/linetable.h"
#include "../../readers/lock_refs.h"
#include "../../readers/runtime.h"
#include "../../readers/snapshot_format.h"
#include "../../readers/tasks.h"
#include "../../readers/thread_names.h"
#include "../../readers/threads.h"

#define FUZZ_THREADS 32 /* thread states read per input */
#define TASKS_MAX 256

static uint64_t le(const uint8_t *at, int bytes)
{
    uint64_t value = 0;
    for (int i = 0; i < bytes; i++)
        value |= (uint64_t)at[i] << (8 * i);
    return value;
}

/* The regions of a snapshot, pointing into data.  Count, or -1. */
static long parse(const uint8_t *data, size_t size, struct remote_region *regions, size_t max,
                  int *minor, uint64_t *runtime, uint64_t *interp)
{
    if (size < SNAPSHOT_HEADER_LEN || memcmp(data, SNAPSHOT_MAGIC, SNAPSHOT_MAGIC_LEN) != 0)
        return -1;
    *minor = data[8];
    *runtime = le(data + 16, 8);
    *interp = le(data + 24, 8);
    uint64_t count = le(data + 32, 4);
    size_t at = SNAPSHOT_HEADER_LEN, n = 0;
    for (uint64_t i = 0; i < count && n < max; i++) {
        if (size - at < SNAPSHOT_REGION_HEADER_LEN)
            break;
        uint64_t addr = le(data + at, 8), len = le(data + at + 8, 4);
        at += SNAPSHOT_REGION_HEADER_LEN;
        if (len > size - at)
            len = size - at; /* a cut region: keep what is there */
        regions[n++] = (struct remote_region){addr, data + at, (size_t)len};
        at += (size_t)len;
    }
    return (long)n;
}

static void fuzz_tasks(struct python_runtime *runtime, struct remote *mem, uint64_t interp,
                       const struct thread_state_info *threads, size_t thread_count)
{
    static struct asyncio_reader reader;
    asyncio_reader_init(&reader, runtime);
    asyncio_reader_refresh(&reader, -1, mem, runtime, interp); /* no process: no /proc reads */
    struct task_set set;
    if (task_set_init(&set, TASKS_MAX) != 0)
        return;
    if (tasks_read(&reader, mem, interp, threads, thread_count, &set) == 0) {
        struct task_holding holdings[64];
        task_holders_scan(&reader, mem, &set, 512, holdings, 64);
        for (size_t i = 0; i < set.count && i < 16; i++)
            task_frames_hold_timeout(&reader, mem, &set, &set.tasks[i]);
    }
    struct running_task running[8];
    int n = tasks_running(&reader, mem, threads, thread_count, running, 8);
    for (int i = 0; i < n; i++) {
        struct task_info info;
        if (task_read_one(&reader, mem, running[i].task, &info) == 0)
            task_coro_frame(&reader, mem, info.coro);
    }
    task_set_free(&set);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct remote_region regions[SNAPSHOT_REGIONS_MAX];
    int minor;
    uint64_t runtime_addr, interp;
    long count = parse(data, size, regions, SNAPSHOT_REGIONS_MAX, &minor, &runtime_addr, &interp);
    const struct layout *layout = count >= 0 ? layout_for_version(3, minor) : NULL;
    if (!layout)
        return 0;
    static struct python_runtime runtime;
    memset(&runtime, 0, sizeof runtime);
    runtime.major = 3;
    runtime.minor = minor;
    runtime.micro = -1;
    runtime.runtime_addr = runtime_addr;
    runtime.layout = *layout;
    struct remote_buffer buffer;
    remote_buffer_init(&buffer, regions, (size_t)count);
    struct remote *mem = &buffer.base;

    runtime_refine_version(mem, &runtime, interp);
    (void)runtime_main_interpreter(mem, &runtime);
    uint64_t gil = threads_gil_address(mem, &runtime, interp), holder = 0;
    static struct thread_state_info threads[FUZZ_THREADS];
    int thread_count = threads_read(mem, &runtime, interp, gil, threads, FUZZ_THREADS, &holder);
    if (thread_count < 0)
        thread_count = 0;

    struct code_cache codes;
    if (code_cache_init(&codes, 256) != 0)
        return 0;
    static struct frame_walk walk;
    static struct lock_scan_thread lock_threads[FUZZ_THREADS];
    static struct lock_types lock_types;
    memset(&lock_types, 0, sizeof lock_types);
    for (int t = 0; t < thread_count; t++) {
        memset(&walk, 0, sizeof walk);
        memset(&lock_threads[t], 0, sizeof lock_threads[t]);
        lock_threads[t].ident = threads[t].thread_id;
        lock_threads[t].waiting = 1;
        lock_threads[t].futex = threads[t].innermost; /* any word: the match must stay safe */
        if (frames_walk(mem, &runtime.layout, threads[t].innermost, &walk) != 0)
            continue;
        for (uint32_t f = 0; f < walk.depth && f < LOCK_SCAN_FRAMES; f++) {
            lock_threads[t].frame_addr[f] = walk.frames[f].addr;
            lock_threads[t].frame_code[f] = walk.frames[f].code;
            lock_threads[t].frame_count = f + 1;
        }
        for (uint32_t f = 0; f < walk.depth; f++) {
            struct code_info *code = code_cache_get(&codes, mem, &runtime.layout, walk.frames[f].code);
            if (code)
                (void)linetable_line(&code->lines, walk.frames[f].offset, code->firstlineno);
            (void)code_uses_name(mem, &runtime.layout, walk.frames[f].code, "create_task");
        }
        (void)frames_recheck(mem, &runtime.layout, &walk);
    }
    code_cache_free(&codes);
    lock_scan(mem, &runtime.layout, &lock_types, lock_threads, (size_t)thread_count);

    uint64_t active = 0;
    static struct thread_name names[FUZZ_THREADS];
    thread_names_read(mem, &runtime, interp, &active, names, FUZZ_THREADS, NULL);

    fuzz_tasks(&runtime, mem, interp, threads, (size_t)thread_count);

    struct probe_cache probe = {0, 0, 0};
    probe_refresh(mem, &runtime.layout, interp, &probe);
    struct executor_queue queues[PROBE_EXECUTORS_MAX];
    probe_executors(mem, &runtime.layout, &probe, queues, PROBE_EXECUTORS_MAX);
    char phase[64];
    probe_phase(mem, &runtime.layout, &probe, phase, sizeof phase);
    return 0;
}
