/* lock_refs.c - the waited-for lock and its holder, from frames' value stacks
 * (see lock_refs.h for what is found and what is not).
 *
 * Layout facts used (every version 3.8-3.15, checked against each build):
 *   - a frame's value stack: 3.11+ _PyInterpreterFrame.localsplus after
 *     co_nlocalsplus locals; <=3.10 PyFrameObject.f_valuestack; co_stacksize
 *     slots.  Below the innermost frame the top is known: 3.11-3.13
 *     `stacktop` (an index into localsplus, set when the frame called into
 *     Python), 3.14+ `stackpointer`; elsewhere every slot is searched (a slot
 *     above the top can hold a stale pointer: the topmost lock wins);
 *   - 3.14+ stack slots are _PyStackRef: the low bits are tags;
 *   - _thread.RLock keeps its owner's ident (layout rlock_owner: <=3.13
 *     rlock_owner, 3.14+ _PyRecursiveMutex.thread), 0 when not owned;
 *   - <=3.12 _thread.lock and _thread.RLock keep a PyThread_type_lock (layout
 *     lock_semaphore): a malloc'ed sem_t, whose first word is the futex a
 *     waiter sleeps on (glibc, 64-bit); 3.13+ locks are PyMutex (waiters
 *     sleep on a futex of their own);
 *   - builtin_function_or_method (PyCFunctionObject) keeps __self__ at 24. */
#include "lock_refs.h"

#include <string.h>

#include "containers.h"

#define LOCK_SCAN_SLOTS 24        /* value stack slots read per frame */
#define LOCK_SCAN_MAX_FRAMES 512  /* frames searched per scan */
#define LOCK_SCAN_MAX_VALUES 2048 /* distinct objects looked at per scan (power of two / 2) */
#define LOCK_SCAN_NAME_READS 16   /* type names read per scan (new types only) */
#define LOCK_SCAN_MAX_REFS 4096   /* lock references kept per scan */

#define CFUNCTION_SELF_OFFSET 24

enum value_kind { KIND_UNREAD = 0, KIND_OTHER, KIND_LOCK, KIND_RLOCK, KIND_CFUNCTION };

struct scan_frame {
    uint32_t thread, depth;
    int32_t stacksize, nlocals, stacktop;
    uint64_t valuestack, stackpointer;
    uint32_t slots;
    uint64_t values[LOCK_SCAN_SLOTS];
};

struct scan_value {
    uint64_t addr;
    uint64_t words[4]; /* ob_refcnt, ob_type, then two words (a builtin method's __self__) */
    int kind;
    uint64_t lock; /* the lock this value is or is bound to, 0 none */
};

struct lock_ref {
    uint32_t thread;
    uint64_t lock;
};

/* One scan at a time (the sampler is one thread): workspaces live here. */
static struct scan_frame frames[LOCK_SCAN_MAX_FRAMES];
static struct remote_request requests[LOCK_SCAN_MAX_FRAMES * 4];
static struct scan_value values[LOCK_SCAN_MAX_VALUES];
static uint32_t value_slots[LOCK_SCAN_MAX_VALUES * 2]; /* hash set: index + 1, 0 empty */
static size_t value_count;
static struct lock_ref refs[LOCK_SCAN_MAX_REFS];

static size_t value_find(uint64_t addr, int add)
{
    size_t mask = LOCK_SCAN_MAX_VALUES * 2 - 1;
    for (size_t i = (size_t)((addr >> 3) * 0x9E3779B97F4A7C15ull >> 40) & mask;; i = (i + 1) & mask) {
        if (value_slots[i] == 0) {
            if (!add || value_count == LOCK_SCAN_MAX_VALUES)
                return SIZE_MAX;
            memset(&values[value_count], 0, sizeof values[value_count]);
            values[value_count].addr = addr;
            value_slots[i] = (uint32_t)++value_count;
            return value_count - 1;
        }
        if (values[value_slots[i] - 1].addr == addr)
            return value_slots[i] - 1;
    }
}

static int plausible_object(uint64_t addr)
{
    return addr >= 4096 && (addr & 7) == 0 && addr < (1ull << 47);
}

/* The kind of objects of type `type`: learnt from its name once. */
static int type_kind(struct remote *mem, const struct layout *l, struct lock_types *types,
                     uint64_t type, int *name_reads)
{
    if (!plausible_object(type))
        return KIND_OTHER;
    if (type == types->lock)
        return KIND_LOCK;
    if (type == types->rlock)
        return KIND_RLOCK;
    if (type == types->cfunction)
        return KIND_CFUNCTION;
    uint64_t *other = &types->other[(type >> 4) % LOCK_TYPES_CACHE];
    if (*other == type)
        return KIND_OTHER;
    if (*name_reads >= LOCK_SCAN_NAME_READS)
        return KIND_UNREAD;
    ++*name_reads;
    char name[64];
    if (type_name_read(mem, l, type, name, sizeof name) != 0)
        return KIND_UNREAD;
    if (strcmp(name, "_thread.lock") == 0)
        return types->lock = type, KIND_LOCK;
    if (strcmp(name, "_thread.RLock") == 0)
        return types->rlock = type, KIND_RLOCK;
    if (strcmp(name, "builtin_function_or_method") == 0)
        return types->cfunction = type, KIND_CFUNCTION;
    *other = type;
    return KIND_OTHER;
}

/* Step 1: where each frame's value stack is. */
static size_t frames_bound(struct remote *mem, const struct layout *l,
                           const struct lock_scan_thread *threads, size_t count)
{
    int inline_frames = l->iframe_localsplus != LAYOUT_NONE;
    size_t n = 0, r = 0;
    for (size_t t = 0; t < count; t++)
        for (uint32_t k = 0; k < threads[t].frame_count && k < LOCK_SCAN_FRAMES &&
                             n < LOCK_SCAN_MAX_FRAMES; k++, n++) {
            struct scan_frame *f = &frames[n];
            memset(f, 0, sizeof *f);
            f->thread = (uint32_t)t;
            f->depth = k;
            f->stacksize = f->nlocals = f->stacktop = -1;
            uint64_t addr = threads[t].frame_addr[k], code = threads[t].frame_code[k];
            requests[r++] = (struct remote_request){code + l->code_stacksize, &f->stacksize, 4, 0};
            if (!inline_frames) {
                requests[r++] = (struct remote_request){addr + l->frame_valuestack, &f->valuestack, 8, 0};
                continue;
            }
            requests[r++] = (struct remote_request){code + l->code_nlocalsplus, &f->nlocals, 4, 0};
            /* 3.11-3.13 set stacktop when a frame calls Python code, not C:
             * the innermost frame's is stale */
            if (l->iframe_stacktop != LAYOUT_NONE && k > 0)
                requests[r++] = (struct remote_request){addr + l->iframe_stacktop, &f->stacktop, 4, 0};
            else if (l->iframe_stackpointer != LAYOUT_NONE)
                requests[r++] = (struct remote_request){addr + l->iframe_stackpointer,
                                                        &f->stackpointer, 8, 0};
        }
    remote_read_batch(mem, requests, r);
    /* A field that failed to read keeps its -1 / 0 and the frame is skipped. */
    for (size_t i = 0; i < r; i++)
        if (!requests[i].ok)
            memset(requests[i].buf, requests[i].len == 4 ? 0xff : 0, requests[i].len);
    return n;
}

/* Step 2: read the slots of each value stack. */
static void frames_read_slots(struct remote *mem, const struct layout *l,
                              const struct lock_scan_thread *threads, size_t n)
{
    int inline_frames = l->iframe_localsplus != LAYOUT_NONE;
    size_t r = 0;
    for (size_t i = 0; i < n; i++) {
        struct scan_frame *f = &frames[i];
        uint64_t addr = threads[f->thread].frame_addr[f->depth];
        if (f->stacksize <= 0 || f->stacksize > (1 << 16))
            continue;
        uint64_t base, end;
        if (inline_frames) {
            if (f->nlocals < 0 || f->nlocals > (1 << 16))
                continue;
            uint64_t locals = addr + l->iframe_localsplus;
            base = locals + (uint64_t)f->nlocals * 8;
            end = base + (uint64_t)f->stacksize * 8;
            if (f->stacktop >= f->nlocals && f->stacktop <= f->nlocals + f->stacksize)
                end = locals + (uint64_t)f->stacktop * 8;
            else if (f->stackpointer >= base && f->stackpointer <= end)
                end = f->stackpointer;
        } else {
            base = f->valuestack;
            /* f_valuestack points into the frame object itself */
            if (base < addr || base - addr > (1u << 20))
                continue;
            end = base + (uint64_t)f->stacksize * 8;
        }
        if (end - base > LOCK_SCAN_SLOTS * 8)
            end = base + LOCK_SCAN_SLOTS * 8;
        f->slots = (uint32_t)((end - base) / 8);
        if (f->slots)
            requests[r++] = (struct remote_request){base, f->values, (size_t)(end - base), 0};
    }
    remote_read_batch(mem, requests, r);
    for (size_t i = 0, k = 0; i < n; i++) {
        if (frames[i].slots == 0)
            continue;
        if (!requests[k++].ok)
            frames[i].slots = 0;
    }
}

/* Step 3: what every distinct object on those stacks is. */
static void values_classify(struct remote *mem, const struct layout *l, struct lock_types *types,
                            size_t n)
{
    uint64_t tag_mask = l->iframe_stackpointer != LAYOUT_NONE ? ~(uint64_t)7 : ~(uint64_t)0;
    memset(value_slots, 0, sizeof value_slots);
    value_count = 0;
    for (size_t i = 0; i < n; i++)
        for (uint32_t s = 0; s < frames[i].slots; s++) {
            frames[i].values[s] &= tag_mask; /* 3.14+ _PyStackRef tag bits */
            if (plausible_object(frames[i].values[s]))
                value_find(frames[i].values[s], 1);
        }
    for (int round = 0; round < 2; round++) {
        /* round 0: the objects on the stacks; round 1: the __self__ of the
         * builtin methods among them that are not on a stack themselves */
        size_t r = 0, first = 0;
        if (round == 1) {
            size_t known = value_count;
            for (size_t v = 0; v < known; v++)
                if (values[v].kind == KIND_CFUNCTION &&
                    plausible_object(values[v].words[CFUNCTION_SELF_OFFSET / 8]))
                    value_find(values[v].words[CFUNCTION_SELF_OFFSET / 8], 1);
            first = known;
        }
        for (size_t v = first; v < value_count; v++)
            requests[r++] = (struct remote_request){values[v].addr, values[v].words,
                                                    sizeof values[v].words, 0};
        remote_read_batch(mem, requests, r);
        int name_reads = 0;
        for (size_t v = first, k = 0; v < value_count; v++, k++)
            values[v].kind = requests[k].ok ? type_kind(mem, l, types,
                                                        values[v].words[1], &name_reads)
                                            : KIND_OTHER;
    }
    for (size_t v = 0; v < value_count; v++) {
        struct scan_value *x = &values[v];
        if (x->kind == KIND_LOCK || x->kind == KIND_RLOCK) {
            x->lock = x->addr;
        } else if (x->kind == KIND_CFUNCTION && x->words[0] > 0 && x->words[0] < (1ull << 32)) {
            /* a live reference count: a freed method's first word is the
             * allocator's next-free pointer, and its __self__ is stale */
            size_t self = value_find(x->words[CFUNCTION_SELF_OFFSET / 8], 0);
            if (self != SIZE_MAX && (values[self].kind == KIND_LOCK || values[self].kind == KIND_RLOCK))
                x->lock = values[self].addr;
        }
    }
}

static uint64_t slot_lock(uint64_t value)
{
    size_t v = plausible_object(value) ? value_find(value, 0) : SIZE_MAX;
    return v == SIZE_MAX ? 0 : values[v].lock;
}

/* The lock a slot shows held: 3.8-3.13 `with` keeps the bound __exit__ (a
 * bare lock there is left over from an acquire() or release() call, maybe
 * above the top of stack); 3.14+ keeps the lock itself, and the stacks read
 * end at their stackpointer. */
static uint64_t slot_held_lock(const struct layout *l, uint64_t value)
{
    size_t v = plausible_object(value) ? value_find(value, 0) : SIZE_MAX;
    if (v == SIZE_MAX)
        return 0;
    if (values[v].kind == KIND_CFUNCTION || l->iframe_stackpointer != LAYOUT_NONE)
        return values[v].lock;
    return 0;
}

static int lock_is_rlock(uint64_t lock)
{
    size_t v = value_find(lock, 0);
    return v != SIZE_MAX && values[v].kind == KIND_RLOCK;
}

/* <=3.12: which lock on the innermost stack of each waiting thread has the
 * semaphore it sleeps on. */
static void waits_by_futex(struct remote *mem, const struct layout *l,
                           struct lock_scan_thread *threads, size_t n)
{
    static uint64_t semaphores[LOCK_SCAN_MAX_FRAMES * 4];
    static uint64_t locks[LOCK_SCAN_MAX_FRAMES * 4];
    static uint32_t waiter[LOCK_SCAN_MAX_FRAMES * 4];
    size_t r = 0;
    for (size_t i = 0; i < n; i++) {
        struct scan_frame *f = &frames[i];
        struct lock_scan_thread *t = &threads[f->thread];
        if (f->depth != 0 || !t->waiting || !t->futex)
            continue;
        for (uint32_t s = 0; s < f->slots && r < LOCK_SCAN_MAX_FRAMES * 4; s++) {
            uint64_t lock = slot_lock(f->values[s]);
            if (!lock)
                continue;
            locks[r] = lock;
            waiter[r] = f->thread;
            requests[r] = (struct remote_request){lock + l->lock_semaphore, &semaphores[r], 8, 0};
            r++;
        }
    }
    remote_read_batch(mem, requests, r);
    for (size_t k = 0; k < r; k++) {
        struct lock_scan_thread *t = &threads[waiter[k]];
        if (requests[k].ok && semaphores[k] && t->futex - semaphores[k] < 16)
            t->waits_on = locks[k];
    }
}

/* Step 4: who waits for which lock, and who keeps which. */
static size_t locks_assign(struct remote *mem, const struct layout *l,
                           struct lock_scan_thread *threads, size_t n)
{
    size_t ref_count = 0;
    if (l->lock_semaphore != LAYOUT_NONE) {
        waits_by_futex(mem, l, threads, n);
    } else {
        for (size_t i = 0; i < n; i++) {
            struct scan_frame *f = &frames[i];
            struct lock_scan_thread *t = &threads[f->thread];
            if (f->depth != 0 || !t->waiting)
                continue;
            for (uint32_t s = f->slots; s-- > 0 && !t->waits_on;)
                t->waits_on = slot_lock(f->values[s]); /* the topmost: what it is taking */
        }
    }
    for (size_t i = 0; i < n; i++) {
        struct scan_frame *f = &frames[i];
        for (uint32_t s = 0; s < f->slots && ref_count < LOCK_SCAN_MAX_REFS; s++) {
            uint64_t lock = slot_held_lock(l, f->values[s]);
            if (lock && lock != threads[f->thread].waits_on)
                refs[ref_count++] = (struct lock_ref){f->thread, lock};
        }
    }
    return ref_count;
}

/* The one thread other than those waiting for `lock` that keeps it, or -1. */
static int lock_keeper(const struct lock_scan_thread *threads, size_t ref_count, uint64_t lock)
{
    int found = -1;
    for (size_t i = 0; i < ref_count; i++) {
        if (refs[i].lock != lock || (int)refs[i].thread == found)
            continue;
        if (threads[refs[i].thread].waits_on == lock)
            continue;
        if (found >= 0)
            return -1; /* two candidates: do not guess */
        found = (int)refs[i].thread;
    }
    return found;
}

void lock_scan(struct remote *mem, const struct layout *l, struct lock_types *types,
               struct lock_scan_thread *threads, size_t count)
{
    size_t waiting = 0;
    for (size_t t = 0; t < count; t++) {
        threads[t].waits_on = 0;
        threads[t].holder = -1;
        waiting += threads[t].waiting != 0;
    }
    if (waiting == 0 || l->code_stacksize == LAYOUT_NONE)
        return;
    size_t n = frames_bound(mem, l, threads, count);
    frames_read_slots(mem, l, threads, n);
    values_classify(mem, l, types, n);
    size_t ref_count = locks_assign(mem, l, threads, n);
    /* RLock owners: one batch */
    uint64_t owners[LOCK_SCAN_MAX_FRAMES];
    size_t r = 0;
    for (size_t t = 0; t < count && r < LOCK_SCAN_MAX_FRAMES; t++)
        if (threads[t].waits_on && lock_is_rlock(threads[t].waits_on)) {
            requests[r] = (struct remote_request){threads[t].waits_on + l->rlock_owner,
                                                  &owners[r], 8, 0};
            r++;
        }
    remote_read_batch(mem, requests, r);
    for (size_t t = 0, k = 0; t < count; t++) {
        struct lock_scan_thread *w = &threads[t];
        if (!w->waits_on)
            continue;
        if (!lock_is_rlock(w->waits_on)) {
            w->holder = lock_keeper(threads, ref_count, w->waits_on);
            continue;
        }
        if (k >= r)
            continue;
        struct remote_request *q = &requests[k++];
        uint64_t owner = *(uint64_t *)q->buf;
        for (size_t o = 0; q->ok && owner != 0 && o < count; o++)
            if (o != t && threads[o].ident == owner)
                w->holder = (int)o;
    }
}
