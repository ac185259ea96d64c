/* readers_test.c - the readers on crafted and random memory.
 *
 * The readers see target memory only through struct remote, so here the
 * "target" is a few buffers (remote_buffer.c).  Each test states a behaviour
 * the profiler relies on when the target's memory is garbage or changing:
 * cycles end, lengths are capped, bad pointers fail cleanly, and the line
 * tables decode to the lines CPython itself reports. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../readers/code_cache.h"
#include "../../readers/containers.h"
#include "../../readers/frames.h"
#include "../../readers/layout.h"
#include "../../readers/linetable.h"
#include "../../readers/objects.h"
#include "../../readers/remote.h"
#include "../../readers/strings.h"
#include "../../readers/tasks.h"
#include "../../readers/thread_state.h"
#include "../../readers/threads.h"

static int passed, failed;

#define CHECK(cond)                                                                       \
    do {                                                                                  \
        if (cond) {                                                                       \
            passed++;                                                                     \
        } else {                                                                          \
            failed++;                                                                     \
            fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);               \
        }                                                                                 \
    } while (0)

#define BASE 0x100000ull

static unsigned char memory[1 << 16];
static struct remote_region region = {BASE, memory, sizeof memory};

static struct remote *fresh_memory(struct remote_buffer *buffer)
{
    memset(memory, 0, sizeof memory);
    remote_buffer_init(buffer, &region, 1);
    return &buffer->base;
}

static void put_u64(uint64_t addr, uint64_t value)
{
    memcpy(memory + (addr - BASE), &value, sizeof value);
}

/* --- line tables ------------------------------------------------------ */

static void test_lnotab_lines_follow_address_increments(void)
{
    /* 3.8: from line 10, +6 bytes -> line 11, +4 bytes -> line 13. */
    const unsigned char table[] = {6, 1, 4, 2};
    struct line_ranges ranges;
    CHECK(linetable_decode(LINETABLE_LNOTAB, table, sizeof table, 10, &ranges) == 0);
    CHECK(linetable_line(&ranges, 0, 10) == 10);
    CHECK(linetable_line(&ranges, 5, 10) == 10);
    CHECK(linetable_line(&ranges, 6, 10) == 11);
    CHECK(linetable_line(&ranges, 10, 10) == 13);
    CHECK(linetable_line(&ranges, 400, 10) == 13);
    CHECK(linetable_line(&ranges, -1, 10) == 10);
    linetable_free(&ranges);
}

static void test_linetable_310_ranges_and_no_line_marker(void)
{
    /* 3.10: 4 bytes at line+0 (=5), 6 bytes at line+2 (=7), 2 bytes with no line. */
    const unsigned char table[] = {4, 0, 6, 2, 2, 0x80};
    struct line_ranges ranges;
    CHECK(linetable_decode(LINETABLE_310, table, sizeof table, 5, &ranges) == 0);
    CHECK(linetable_line(&ranges, 0, 5) == 5);
    CHECK(linetable_line(&ranges, 4, 5) == 7);
    CHECK(linetable_line(&ranges, 9, 5) == 7);
    CHECK(linetable_line(&ranges, 10, 5) == 5); /* no line: the first line stands in */
    linetable_free(&ranges);
}

static void test_location_table_forms(void)
{
    /* 3.11+: entry bytes 1CCCCLLL (code, length-1 in code units). */
    const unsigned char table[] = {
        0x80 | (13 << 3) | 0, 2,       /* no-column form, line +1, 1 unit  -> line 21 */
        0x80 | (11 << 3) | 1, 0, 4,    /* one-line form, +1, 2 units       -> line 22 */
        0x80 | (0 << 3) | 0, 0,        /* short form, same line, 1 unit    -> line 22 */
        0x80 | (14 << 3) | 0, 5, 0, 0, 0, /* long form, svarint -2, 1 unit -> line 20 */
        0x80 | (15 << 3) | 0,          /* no location, 1 unit */
    };
    struct line_ranges ranges;
    CHECK(linetable_decode(LINETABLE_LOCATIONS, table, sizeof table, 20, &ranges) == 0);
    CHECK(linetable_line(&ranges, 0, 20) == 21);
    CHECK(linetable_line(&ranges, 2, 20) == 22);
    CHECK(linetable_line(&ranges, 4, 20) == 22);
    CHECK(linetable_line(&ranges, 6, 20) == 22);
    CHECK(linetable_line(&ranges, 8, 20) == 20);
    linetable_free(&ranges);
}

static void test_garbage_line_tables_never_overrun(void)
{
    unsigned char table[512];
    srand(7);
    for (int round = 0; round < 3000; round++) {
        size_t len = (size_t)(rand() % (int)sizeof table);
        for (size_t i = 0; i < len; i++)
            table[i] = (unsigned char)rand();
        for (int kind = LINETABLE_LNOTAB; kind <= LINETABLE_LOCATIONS; kind++) {
            struct line_ranges ranges;
            if (linetable_decode(kind, table, len, rand() % 1000, &ranges) == 0) {
                (void)linetable_line(&ranges, rand() % 4096, 1);
                linetable_free(&ranges);
            }
        }
    }
    CHECK(1);
}

/* --- frames ------------------------------------------------------------ */

static struct layout frame_object_layout(void)
{
    const struct layout *table = layout_for_version(3, 9);
    return *table;
}

static struct layout interpreter_frame_layout(void)
{
    const struct layout *table = layout_for_version(3, 12);
    return *table;
}

static void test_frame_cycle_ends_the_walk(void)
{
    struct remote_buffer buffer;
    struct remote *mem = fresh_memory(&buffer);
    struct layout l = frame_object_layout();
    /* Two frames pointing at each other. */
    uint64_t a = BASE + 0x1000, b = BASE + 0x2000;
    put_u64(a + l.frame_back, b);
    put_u64(a + l.frame_code, BASE + 0x3000);
    put_u64(b + l.frame_back, a);
    put_u64(b + l.frame_code, BASE + 0x3000);
    static struct frame_walk walk;
    int rc = frames_walk(mem, &l, a, &walk);
    CHECK(rc == 0 || rc == -1);
    CHECK(walk.depth <= FRAMES_MAX_DEPTH);
    CHECK(walk.truncated || rc == -1);
}

static void test_self_loop_frame_is_torn(void)
{
    struct remote_buffer buffer;
    struct remote *mem = fresh_memory(&buffer);
    struct layout l = interpreter_frame_layout();
    uint64_t a = BASE + 0x1000;
    put_u64(a + l.iframe_previous, a);
    put_u64(a + l.iframe_code, BASE + 0x3000);
    static struct frame_walk walk;
    CHECK(frames_walk(mem, &l, a, &walk) == -1);
}

static void test_frame_outside_memory_is_torn(void)
{
    struct remote_buffer buffer;
    struct remote *mem = fresh_memory(&buffer);
    struct layout l = interpreter_frame_layout();
    uint64_t a = BASE + 0x1000;
    put_u64(a + l.iframe_previous, 0xdead0000ull); /* unmapped */
    put_u64(a + l.iframe_code, BASE + 0x3000);
    static struct frame_walk walk;
    CHECK(frames_walk(mem, &l, a, &walk) == -1);
    CHECK(frames_walk(mem, &l, 0x10, &walk) == -1); /* null page */
}

static void test_shim_frames_are_skipped(void)
{
    struct remote_buffer buffer;
    struct remote *mem = fresh_memory(&buffer);
    struct layout l = interpreter_frame_layout();
    uint64_t a = BASE + 0x1000, b = BASE + 0x1100;
    put_u64(a + l.iframe_previous, b);
    put_u64(a + l.iframe_code, BASE + 0x3000);
    memory[b + l.iframe_owner - BASE] = (unsigned char)l.iframe_owner_shim_min;
    put_u64(b + l.iframe_code, BASE + 0x3000);
    static struct frame_walk walk;
    CHECK(frames_walk(mem, &l, a, &walk) == 0);
    CHECK(walk.depth == 1);
}

/* --- strings and objects ---------------------------------------------- */

static uint64_t put_ascii(const struct layout *l, uint64_t addr, const char *text)
{
    put_u64(addr, 1); /* ob_refcnt: a live object */
    int64_t length = (int64_t)strlen(text);
    memcpy(memory + (addr + l->unicode_length - BASE), &length, sizeof length);
    uint32_t state = (1u << l->unicode_kind_shift) | (1u << l->unicode_compact_shift) |
                     (1u << l->unicode_ascii_shift);
    memcpy(memory + (addr + l->unicode_state - BASE), &state, sizeof state);
    memcpy(memory + (addr + l->unicode_ascii_size - BASE), text, strlen(text));
    return addr;
}

static void test_strings_are_read_and_capped(void)
{
    struct remote_buffer buffer;
    struct remote *mem = fresh_memory(&buffer);
    struct layout l = interpreter_frame_layout();
    char out[64];
    put_ascii(&l, BASE + 0x100, "handle_request");
    CHECK(string_read(mem, &l, BASE + 0x100, out, sizeof out) == 14);
    CHECK(strcmp(out, "handle_request") == 0);
    CHECK(mem->caps_hit[REMOTE_CAP_STRING] == 0);
    /* Longer than the buffer: cut, marked "...", and counted for the summary line. */
    char small[12];
    CHECK(string_read(mem, &l, BASE + 0x100, small, sizeof small) > 0);
    CHECK(strcmp(small, "ha...") == 0);
    CHECK(mem->caps_hit[REMOTE_CAP_STRING] == 1);
    /* A freed string (the allocator's free-list pointer where ob_refcnt was) is refused. */
    put_u64(BASE + 0x100, 0x55d0c0ffee00ull);
    CHECK(string_read(mem, &l, BASE + 0x100, out, sizeof out) == -1);
    put_u64(BASE + 0x100, 1);
    /* A huge length is cut to what the buffer holds, never overrun. */
    int64_t huge = (int64_t)1 << 40;
    memcpy(memory + (BASE + 0x100 + l.unicode_length - BASE), &huge, sizeof huge);
    int got = string_read(mem, &l, BASE + 0x100, out, sizeof out);
    CHECK(got < 0 || (size_t)got < sizeof out);
    /* Negative length and a non-compact state are refused. */
    int64_t negative = -5;
    memcpy(memory + (BASE + 0x100 + l.unicode_length - BASE), &negative, sizeof negative);
    CHECK(string_read(mem, &l, BASE + 0x100, out, sizeof out) == -1);
}

static void test_non_ascii_byte_in_ascii_string_is_torn(void)
{
    struct remote_buffer buffer;
    struct remote *mem = fresh_memory(&buffer);
    struct layout l = interpreter_frame_layout();
    char out[64];
    put_ascii(&l, BASE + 0x100, "abc");
    memory[BASE + 0x100 + l.unicode_ascii_size + 1 - BASE] = 0xff;
    CHECK(string_read(mem, &l, BASE + 0x100, out, sizeof out) == -1);
}

/* A zeroed runtime with 3.12's layout; returns that layout. */
static const struct layout *runtime_of_312(struct python_runtime *runtime)
{
    memset(runtime, 0, sizeof *runtime);
    runtime->layout = *layout_for_version(3, 12);
    return &runtime->layout;
}

static void test_thread_list_cycle_is_bounded(void)
{
    struct remote_buffer buffer;
    struct remote *mem = fresh_memory(&buffer);
    struct python_runtime runtime;
    const struct layout *l = runtime_of_312(&runtime);
    uint64_t interp = BASE + 0x100, t1 = BASE + 0x2000, t2 = BASE + 0x3000;
    put_u64(interp + l->interp_threads_head, t1);
    put_u64(t1 + l->tstate_next, t2);
    put_u64(t2 + l->tstate_next, t1); /* a cycle */
    static struct thread_state_info out[16];
    uint64_t holder;
    mem->read_calls = 0;
    int count = threads_read(mem, &runtime, interp, 0, out, 16, &holder);
    CHECK(count == -1);
    CHECK(mem->read_calls < 100); /* found as a cycle, not walked to THREADS_MAX */
    CHECK(mem->caps_hit[REMOTE_CAP_THREADS] == 0); /* a cycle is torn, not a cap */
}

static void test_threads_past_the_cap_are_counted_once_per_read(void)
{
    struct remote_buffer buffer;
    struct remote *mem = fresh_memory(&buffer);
    struct python_runtime runtime;
    const struct layout *l = runtime_of_312(&runtime);
    uint64_t interp = BASE + 0x100;
    uint64_t first = BASE + 0x2000, stride = 0x1000;
    put_u64(interp + l->interp_threads_head, first);
    for (uint64_t i = 0; i < 5; i++)
        put_u64(first + i * stride + l->tstate_next, i < 4 ? first + (i + 1) * stride : 0);
    static struct thread_state_info out[5];
    uint64_t holder;
    CHECK(threads_read(mem, &runtime, interp, 0, out, 3, &holder) == 3);
    CHECK(mem->caps_hit[REMOTE_CAP_THREADS] == 1);
    CHECK(threads_read(mem, &runtime, interp, 0, out, 5, &holder) == 5);
    CHECK(mem->caps_hit[REMOTE_CAP_THREADS] == 1);
}

static void test_a_window_counts_caps_into_the_remote_under_it(void)
{
    struct remote_buffer buffer;
    struct remote *mem = fresh_memory(&buffer);
    struct layout l = interpreter_frame_layout();
    put_ascii(&l, BASE + 0x100, "a_rather_long_function_name");
    struct remote_window window;
    remote_window_init(&window, mem);
    char small[8];
    CHECK(string_read(&window.base, &l, BASE + 0x100, small, sizeof small) > 0);
    CHECK(mem->caps_hit[REMOTE_CAP_STRING] == 1);
    CHECK(window.base.caps_hit[REMOTE_CAP_STRING] == 0);
    remote_window_free(&window);
}

/* --- batched reads ---------------------------------------------------- */

/* A remote that serves batches from `memory` and counts its calls. */
static size_t counting_batch(struct remote *self, struct remote_request *requests, size_t count)
{
    self->read_calls++;
    size_t done = 0;
    for (size_t i = 0; i < count; i++) {
        uint64_t addr = requests[i].addr;
        requests[i].ok = addr >= BASE && addr + requests[i].len <= BASE + sizeof memory;
        if (requests[i].ok) {
            memcpy(requests[i].buf, memory + (addr - BASE), requests[i].len);
            done++;
        }
    }
    return done;
}

static void test_unwanted_reads_do_not_split_a_batch(void)
{
    struct remote_buffer buffer;
    struct remote *mem = fresh_memory(&buffer);
    mem->read_batch = counting_batch;
    for (uint64_t i = 0; i < 8; i++)
        put_u64(BASE + 8 * i, 100 + i);
    uint64_t got[8] = {0};
    struct remote_request requests[8];
    for (size_t i = 0; i < 8; i++)
        requests[i] = (struct remote_request){i % 3 == 1 ? 0 : BASE + 8 * i, &got[i], 8, 7};
    mem->read_calls = 0;
    CHECK(remote_read_batch(mem, requests, 8) == 5);
    CHECK(mem->read_calls == 1); /* one call, though 0-addressed requests sit between */
    for (size_t i = 0; i < 8; i++) {
        int wanted = i % 3 != 1;
        CHECK(requests[i].ok == wanted);
        CHECK(requests[i].buf == &got[i]); /* every request back in its place */
        CHECK(got[i] == (wanted ? 100 + i : 0));
    }
    /* Many holes (garbage): still every plausible read made, every request in place. */
    struct remote_request many[64];
    uint64_t out[64] = {0};
    for (size_t i = 0; i < 64; i++)
        many[i] = (struct remote_request){i % 2 ? 0 : BASE + 8 * (i % 8), &out[i], 8, 7};
    CHECK(remote_read_batch(mem, many, 64) == 32);
    for (size_t i = 0; i < 64; i++)
        CHECK(many[i].ok == (i % 2 == 0) && many[i].buf == &out[i]);
}

/* --- asyncio tasks ----------------------------------------------------- */

static int count_visit(void *ctx, uint64_t item)
{
    (void)item;
    ++*(int *)ctx;
    return 0;
}

static void test_set_walk_skips_empty_slots_and_refuses_bad_tables(void)
{
    struct remote_buffer buffer;
    struct remote *mem = fresh_memory(&buffer);
    const struct layout *l = layout_for_version(3, 12);
    uint64_t set = BASE + 0x100, table = BASE + 0x400;
    put_u64(set + l->set_mask, 7);
    put_u64(set + l->set_table, table);
    put_u64(table + 1 * l->set_entry_size, BASE + 0x2000);
    put_u64(table + 4 * l->set_entry_size, BASE + 0x2100);
    put_u64(table + 7 * l->set_entry_size, BASE + 0x2200);
    int visited = 0;
    CHECK(set_each(mem, l, set, count_visit, &visited) == 3 && visited == 3);
    /* A deleted entry (the dummy key, hash -1) is not an item. */
    put_u64(table + 4 * l->set_entry_size + 8, UINT64_MAX);
    visited = 0;
    CHECK(set_each(mem, l, set, count_visit, &visited) == 2 && visited == 2);
    put_u64(table + 4 * l->set_entry_size + 8, 12345);
    put_u64(set + l->set_mask, 6); /* not a power of two minus one */
    CHECK(set_each(mem, l, set, count_visit, &visited) == -1);
    put_u64(set + l->set_mask, (uint64_t)1 << 40); /* absurd size */
    CHECK(set_each(mem, l, set, count_visit, &visited) == -1);
    put_u64(set + l->set_mask, 7);
    put_u64(set + l->set_table, 0);
    CHECK(set_each(mem, l, set, count_visit, &visited) == -1);
}

static void test_task_list_cycle_is_bounded(void)
{
    /* 3.14+: tasks hang off tstate->asyncio_tasks_head in a circular list;
     * garbage that loops without coming back to the head must end. */
    struct remote_buffer buffer;
    struct remote *mem = fresh_memory(&buffer);
    struct python_runtime runtime;
    memset(&runtime, 0, sizeof runtime);
    runtime.minor = 14;
    runtime.layout = *layout_for_version(3, 14);
    struct asyncio_reader reader;
    asyncio_reader_init(&reader, &runtime);
    struct thread_state_info thread;
    memset(&thread, 0, sizeof thread);
    thread.tstate = BASE + 0x1000;
    uint64_t head = thread.tstate + runtime.layout.tstate_asyncio_tasks_head;
    uint64_t a = BASE + 0x4000, b = BASE + 0x5000;
    put_u64(head, a);
    put_u64(a, b);
    put_u64(b, a); /* a <-> b, never back to head */
    struct task_set set;
    CHECK(task_set_init(&set, 100) == 0);
    mem->read_calls = 0;
    CHECK(tasks_read(&reader, mem, 0, &thread, 1, &set) == -1);
    CHECK(mem->read_calls < 100); /* found as a cycle, not walked to the link cap */
    CHECK(mem->caps_hit[REMOTE_CAP_TASK_LIST] == 0);
    put_u64(b, head); /* now a proper ring of two garbage "tasks" */
    CHECK(tasks_read(&reader, mem, 0, &thread, 1, &set) == 0);
    CHECK(set.count == 0); /* neither is an object of a task type */
    task_set_free(&set);
}

static void test_random_memory_never_crashes_the_readers(void)
{
    struct remote_buffer buffer;
    static struct frame_walk walk;
    static struct thread_state_info threads[64];
    srand(11);
    for (int round = 0; round < 300; round++) {
        struct remote *mem = fresh_memory(&buffer);
        /* Random words, many of them pointers back into the buffer. */
        for (size_t i = 0; i + 8 <= sizeof memory; i += 8) {
            uint64_t word = (uint64_t)rand() << 32 | (uint64_t)rand();
            if (rand() % 2)
                word = BASE + (word % sizeof memory);
            memcpy(memory + i, &word, 8);
        }
        for (int minor = LAYOUT_MIN_MINOR; minor <= LAYOUT_MAX_MINOR; minor++) {
            struct python_runtime runtime;
            memset(&runtime, 0, sizeof runtime);
            runtime.layout = *layout_for_version(3, minor);
            uint64_t start = BASE + (uint64_t)(rand() % (int)sizeof memory);
            uint64_t holder;
            (void)threads_read(mem, &runtime, start, start + 64, threads, 64, &holder);
            (void)frames_walk(mem, &runtime.layout, start, &walk);
            char text[256];
            (void)string_read(mem, &runtime.layout, start, text, sizeof text);
            (void)dict_get_str(mem, &runtime.layout, start, "threading");
            (void)instance_attr(mem, &runtime.layout, start, "_name");
            uint64_t value;
            (void)long_read(mem, &runtime.layout, start, &value);
            int visited = 0;
            (void)set_each(mem, &runtime.layout, start, count_visit, &visited);
            (void)list_each(mem, &runtime.layout, start, 1000, count_visit, &visited);
            /* The task reader with every collection pointing at random memory. */
            runtime.minor = minor;
            struct asyncio_reader reader;
            asyncio_reader_init(&reader, &runtime);
            reader.tasks_dict = start;
            reader.weak_tasks = BASE + (uint64_t)(rand() % (int)sizeof memory);
            reader.eager_tasks = BASE + (uint64_t)(rand() % (int)sizeof memory);
            reader.current_tasks = BASE + (uint64_t)(rand() % (int)sizeof memory);
            static struct task_set tasks;
            if (tasks.tasks || task_set_init(&tasks, 256) == 0) {
                threads[0].tstate = start;
                (void)tasks_read(&reader, mem, start, threads, 1, &tasks);
                struct running_task running[4];
                (void)tasks_running(&reader, mem, threads, 1, running, 4);
            }
            struct code_cache cache;
            if (code_cache_init(&cache, 64) == 0) {
                (void)code_cache_get(&cache, mem, &runtime.layout, start);
                code_cache_free(&cache);
            }
        }
    }
    CHECK(1);
}

static void test_blocking_calls_are_classified(void)
{
    struct thread_view view;
    memset(&view, 0, sizeof view);
    view.gil = 0x1000;
    view.gil_size = 0x100;
    view.sched = 'S';
    CHECK(thread_state_parse_syscall("202 0x1040 0x189 0x0 0x0 0x0 0x0 0x7ffc 0x7f00\n",
                                     &view.call) == 0);
    CHECK(thread_state_classify(&view) == ACTIVITY_GIL_WAIT);
    thread_state_parse_syscall("202 0x5550 0x189 0x0 0x0 0x0 0x0 0x7ffc 0x7f00\n", &view.call);
    CHECK(thread_state_classify(&view) == ACTIVITY_LOCK_WAIT);
    thread_state_parse_syscall("230 0x1 0x0 0x7ffc 0x0 0x0 0x0 0x7ffc 0x7f00\n", &view.call);
    CHECK(thread_state_classify(&view) == ACTIVITY_SLEEPING);
    thread_state_parse_syscall("23 0x0 0x0 0x0 0x0 0x7ffc 0x0 0x7ffc 0x7f00\n", &view.call);
    CHECK(thread_state_classify(&view) == ACTIVITY_SLEEPING); /* select(0, ...) */
    thread_state_parse_syscall("45 0x5 0x7f 0xa 0x0 0x0 0x0 0x7ffc 0x7f00\n", &view.call);
    CHECK(thread_state_classify(&view) == ACTIVITY_IO_WAIT);
    thread_state_parse_syscall("232 0x3 0x7f 0x1 0xffffffff 0x0 0x0 0x7ffc 0x7f00\n", &view.call);
    CHECK(thread_state_classify(&view) == ACTIVITY_IO_WAIT);
    view.in_event_loop = 1;
    CHECK(thread_state_classify(&view) == ACTIVITY_IDLE);
    view.sched = 'R';
    CHECK(thread_state_classify(&view) == ACTIVITY_RUNNING);
    CHECK(thread_state_parse_syscall("running\n", &view.call) == 0 && !view.call.known);
    CHECK(thread_state_parse_syscall("garbage", &view.call) == -1);
}

int main(void)
{
    test_blocking_calls_are_classified();
    test_lnotab_lines_follow_address_increments();
    test_linetable_310_ranges_and_no_line_marker();
    test_location_table_forms();
    test_garbage_line_tables_never_overrun();
    test_frame_cycle_ends_the_walk();
    test_self_loop_frame_is_torn();
    test_frame_outside_memory_is_torn();
    test_shim_frames_are_skipped();
    test_strings_are_read_and_capped();
    test_non_ascii_byte_in_ascii_string_is_torn();
    test_thread_list_cycle_is_bounded();
    test_unwanted_reads_do_not_split_a_batch();
    test_threads_past_the_cap_are_counted_once_per_read();
    test_a_window_counts_caps_into_the_remote_under_it();
    test_set_walk_skips_empty_slots_and_refuses_bad_tables();
    test_task_list_cycle_is_bounded();
    test_random_memory_never_crashes_the_readers();
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
