/* sampler_native.c - merge a thread's native stack with its Python stack.
 *
 * The native stack (libunwind) holds one _PyEval_EvalFrameDefault frame per
 * run of the evaluation loop; the Python stack holds the frames each run
 * executed (<=3.10 one frame per run; 3.11+ a Python-to-Python call stays in
 * the same run, and frames.c marks where runs start).  Each evaluation-loop
 * frame is replaced by its run's Python frames, so a profile reads
 * main (app.py:10) -> handler (app.py:42) -> zlib_compress -> deflate.
 * Runs and evaluation-loop frames are paired from the innermost outwards:
 * the innermost run is the one executing now, and a native stack cut short
 * (no unwind info further out) loses outer frames, not inner ones. */
#include "sampler_native.h"

#include <stdio.h>
#include <string.h>

int sampler_native_open(struct native_state *n, int pid)
{
    memset(n->cache, 0, sizeof n->cache);
    if (native_unwinder_open(&n->unwinder, pid) != 0) {
        fprintf(stderr, "pyconc-prof: --native: libunwind could not set up an address space\n");
        return -1;
    }
    if (native_symbols_open(&n->symbols, pid) != 0) {
        native_unwinder_close(&n->unwinder);
        fprintf(stderr, "pyconc-prof: --native: cannot read /proc/%d/maps\n", pid);
        return -1;
    }
    n->reloads_seen = 0;
    return 0;
}

void sampler_native_close(struct native_state *n)
{
    native_unwinder_close(&n->unwinder);
    native_symbols_close(&n->symbols);
}

/* name without its leading underscores starts with prefix */
static int native_named(const char *name, const char *prefix)
{
    while (*name == '_')
        name++;
    return strncmp(name, prefix, strlen(prefix)) == 0;
}

static int native_wait_of(const char *name)
{
    static const char *const gil[] = {"take_gil", "PyEval_RestoreThread", "PyEval_AcquireThread",
                                      "PyEval_AcquireLock", "PyGILState_Ensure", NULL};
    static const char *const lock[] = {"PyThread_acquire_lock", "PyMUTEX_LOCK", "PyMutex_Lock",
                                       "PyParkingLot_Park", "PySemaphore_Wait", "sem_wait",
                                       "sem_timedwait", "sem_clockwait", "new_sem_wait",
                                       "pthread_cond_", "pthread_mutex_lock", "lll_lock", NULL};
    static const char *const sleep[] = {"clock_nanosleep", "nanosleep", "libc_nanosleep", NULL};
    static const char *const io[] = {"recv", "libc_recv", "read", "libc_read", "poll", "ppoll",
                                     "select", "pselect", "epoll_wait", "epoll_pwait", "accept",
                                     "connect", "send", "libc_send", "write", "libc_write", NULL};
    /* in this order: the GIL first (its wait is a condition variable too) */
    static const struct {
        const char *const *names;
        int wait;
    } kinds[] = {{gil, NATIVE_WAIT_GIL},
                 {lock, NATIVE_WAIT_LOCK},
                 {sleep, NATIVE_WAIT_SLEEP},
                 {io, NATIVE_WAIT_IO}};
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
        for (const char *const *prefix = kinds[k].names; *prefix; prefix++)
            if (native_named(name, *prefix))
                return kinds[k].wait;
    return NATIVE_WAIT_NONE;
}

/* The frame of the code at ip (cached). */
static const struct native_cached *native_frame_of(struct native_state *n, struct store *store,
                                                   uint64_t ip, uint64_t now_ns)
{
    if (n->symbols.reloads != n->reloads_seen) {
        /* the maps changed (a library loaded): an address may name other code now */
        memset(n->cache, 0, sizeof n->cache);
        n->reloads_seen = n->symbols.reloads;
    }
    uint64_t h = (ip >> 2) * UINT64_C(0x9e3779b97f4a7c15);
    struct native_cached *slot = &n->cache[(h >> 40) & (NATIVE_CACHE_SLOTS - 1)];
    if (slot->ip == ip)
        return slot;
    const char *name, *file;
    int symbolised = native_symbols_name(&n->symbols, ip, now_ns, &name, &file);
    /* "deflate (libz.so.1)"; an unnamed address already says its file: "libz.so.1+0x4a26" */
    uint32_t frame = store_frame(store, store_string(store, name),
                                 store_string(store, symbolised ? file : ""), -1);
    if (frame == INTERN_FAILED)
        return NULL;
    /* the evaluation loop: "_PyEval_EvalFrameDefault" (gcc may split off a
     * ".cold" part: the same function) */
    slot->eval = symbolised && strncmp(name, "_PyEval_EvalFrameDefault", 24) == 0;
    slot->wait = symbolised ? (uint8_t)native_wait_of(name) : NATIVE_WAIT_NONE;
    slot->frame = frame;
    slot->ip = ip;
    if (n->symbols.reloads != n->reloads_seen) { /* resolving it read the maps again */
        memset(n->cache, 0, sizeof n->cache);
        n->reloads_seen = n->symbols.reloads;
    }
    return slot;
}

static void native_put(uint32_t *out, uint32_t cap, uint32_t *len, uint32_t id)
{
    if (*len < cap)
        out[(*len)++] = id;
}

/* SP mode: the native frame (outermost-first index) holding each run's
 * entry shim on its part of the stack, into run_at.  0, or -1 when a run has
 * no shim or its shim lies in no frame (then the names decide). */
static int native_runs_by_stack(const uint64_t *sp, uint32_t count, const uint64_t *shim,
                                uint32_t runs, uint32_t *run_at)
{
    uint32_t k = 0;
    for (uint32_t r = 0; r < runs; r++) {
        /* the stack grows down: outer frames have higher stack pointers, and a
         * frame's locals lie between its own and its caller's */
        if (shim[r] == 0)
            return -1;
        while (k < count && sp[k] > shim[r])
            k++;
        if (k == count)
            return -1;
        run_at[r] = k;
    }
    return 0;
}

uint32_t sampler_native_merge(struct native_state *n, struct store *store, uint64_t now_ns,
                              const uint32_t *py, const unsigned char *py_entry,
                              const uint64_t *py_shim, uint32_t py_count, int ip_count,
                              uint32_t *out, uint32_t cap, int *wait)
{
    static struct native_cached resolved[NATIVE_MAX_FRAMES]; /* outermost first */
    static uint64_t sp[NATIVE_MAX_FRAMES];
    static uint32_t run_start[FRAMES_MAX_DEPTH + 1], run_at[FRAMES_MAX_DEPTH + 1];
    static uint64_t run_shim[FRAMES_MAX_DEPTH + 1];
    uint32_t count = 0, evals = 0, runs = 0;
    *wait = NATIVE_WAIT_NONE;
    for (int k = ip_count; k-- > 0;) {
        /* a caller's ip is its return address: the call is the byte before */
        uint64_t ip = n->ips[k] - (k > 0 ? 1 : 0);
        const struct native_cached *c = native_frame_of(n, store, ip, now_ns);
        if (!c)
            continue;
        sp[count] = n->sps[k];
        resolved[count++] = *c;
        evals += c->eval;
    }
    /* what it waits for: taking the GIL anywhere in the innermost frames wins
     * (its futex wait would read as a lock), else the innermost known wait */
    for (uint32_t i = count, seen = 0; i-- > 0 && seen < 8; seen++) {
        if (resolved[i].wait == NATIVE_WAIT_GIL) {
            *wait = NATIVE_WAIT_GIL;
            break;
        }
        if (*wait == NATIVE_WAIT_NONE)
            *wait = resolved[i].wait;
    }
    for (uint32_t i = 0; i < py_count; i++)
        if (i == 0 || py_entry[i]) {
            run_shim[runs] = py_shim[i];
            run_start[runs++] = i;
        }
    run_start[runs] = py_count;
    uint32_t len = 0, run = 0;
    if (runs > 0 && native_runs_by_stack(sp, count, run_shim, runs, run_at) == 0) {
        for (uint32_t k = 0; k < count; k++) {
            if (run == runs || run_at[run] != k) {
                native_put(out, cap, &len, resolved[k].frame);
                continue;
            }
            for (; run < runs && run_at[run] == k; run++)
                for (uint32_t i = run_start[run]; i < run_start[run + 1]; i++)
                    native_put(out, cap, &len, py[i]);
        }
        return len;
    }
    if (evals == 0) {
        /* no evaluation loop found (its symbol missing): Python frames, then native */
        for (uint32_t i = 0; i < py_count; i++)
            native_put(out, cap, &len, py[i]);
        for (uint32_t i = 0; i < count; i++)
            native_put(out, cap, &len, resolved[i].frame);
        return len;
    }
    /* runs without an evaluation-loop frame (the native stack was cut) come first */
    uint32_t unmatched_evals = evals > runs ? evals - runs : 0;
    for (; run + evals < runs; run++)
        for (uint32_t i = run_start[run]; i < run_start[run + 1]; i++)
            native_put(out, cap, &len, py[i]);
    uint32_t eval_seen = 0;
    for (uint32_t k = 0; k < count; k++) {
        if (!resolved[k].eval) {
            native_put(out, cap, &len, resolved[k].frame);
            continue;
        }
        if (eval_seen++ < unmatched_evals) {
            native_put(out, cap, &len, resolved[k].frame); /* no Python run left for it */
            continue;
        }
        for (uint32_t i = run_start[run]; i < run_start[run + 1]; i++)
            native_put(out, cap, &len, py[i]);
        run++;
    }
    return len;
}
