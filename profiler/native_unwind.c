/* native_unwind.c - unwind a stopped thread's native stack with libunwind.
 *
 * libunwind's remote unwinder reads the thread's registers and stack through
 * ptrace (the thread must be stopped by us: the sampler's blocking_stop) and
 * the unwind tables (.eh_frame, .debug_frame) of every mapped file from disk;
 * one address space per target keeps those tables cached between samples.
 * A thread's ptrace handle (_UPT_create) is made once and kept. */
#include "native_unwind.h"

#include <libunwind-ptrace.h>
#include <stdlib.h>
#include <string.h>

int native_unwinder_open(struct native_unwinder *u, int pid)
{
    memset(u, 0, sizeof *u);
    u->pid = pid;
    unw_addr_space_t space = unw_create_addr_space(&_UPT_accessors, 0);
    if (!space)
        return -1;
    unw_set_caching_policy(space, UNW_CACHE_GLOBAL);
    u->space = space;
    return 0;
}

void native_unwinder_close(struct native_unwinder *u)
{
    for (int i = 0; i < u->count; i++)
        _UPT_destroy(u->threads[i].upt);
    free(u->threads);
    if (u->space)
        unw_destroy_addr_space((unw_addr_space_t)u->space);
    u->threads = NULL;
    u->count = 0;
    u->space = NULL;
}

static void *native_thread_handle(struct native_unwinder *u, int tid)
{
    for (int i = 0; i < u->count; i++)
        if (u->threads[i].tid == tid)
            return u->threads[i].upt;
    if (u->count >= NATIVE_MAX_THREADS)
        return NULL;
    if (u->count % 64 == 0) {
        struct native_thread *bigger = realloc(u->threads, (size_t)(u->count + 64) * sizeof *bigger);
        if (!bigger)
            return NULL;
        u->threads = bigger;
    }
    void *upt = _UPT_create(tid);
    if (!upt)
        return NULL;
    u->threads[u->count++] = (struct native_thread){tid, upt};
    return upt;
}

int native_unwind_fault(void)
{
    static long every = -1, calls = 0;
    if (every < 0) {
        const char *value = getenv("PYCONC_NATIVE_FAIL_EVERY");
        every = value && *value ? strtol(value, NULL, 10) : 0;
    }
    return every > 0 && ++calls % every == 0;
}

int native_unwind(struct native_unwinder *u, int tid, uint64_t *ips, uint64_t *sps, int max)
{
    u->unwinds++;
    void *upt = u->space ? native_thread_handle(u, tid) : NULL;
    unw_cursor_t cursor;
    if (!upt || native_unwind_fault() ||
        unw_init_remote(&cursor, (unw_addr_space_t)u->space, upt) != 0) {
        u->failures++;
        return -1;
    }
    int n = 0;
    while (n < max) {
        unw_word_t ip = 0, sp = 0;
        if (unw_get_reg(&cursor, UNW_REG_IP, &ip) != 0 || ip == 0 ||
            unw_get_reg(&cursor, UNW_REG_SP, &sp) != 0)
            break;
        ips[n] = (uint64_t)ip;
        sps[n++] = (uint64_t)sp;
        /* unw_step: > 0 stepped, 0 the outermost frame, < 0 no unwind info / bad stack */
        if (unw_step(&cursor) <= 0)
            break;
    }
    if (n == 0) {
        u->failures++;
        return -1;
    }
    return n;
}
