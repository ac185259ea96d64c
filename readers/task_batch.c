/* task_batch.c - read a whole task snapshot in a few batched calls.
 *
 * A snapshot of N tasks read one object at a time costs N x 20-30 calls of
 * process_vm_readv (each some microseconds on a VM).  Here every step reads
 * the same kind of object for all tasks at once (remote_read_batch: up to
 * 1024 ranges per call): the task objects, their names, their waiters' types,
 * then the await chains one level at a time (the coroutine objects of every
 * task at this level, then the top-of-stack slots that name the next level).
 * A request that fails drops only its own task (counted); pure-Python tasks
 * and anything unusual go through the one-at-a-time readers in tasks.c. */
#include "tasks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fields.h"
#include "objects.h"
#include "strings.h"

#define BATCH_TASK_BYTES 256 /* > every C TaskObj size (144-192) */
#define BATCH_NAME_BYTES 64  /* a str header and a short ASCII name, page permitting */
#define BATCH_CORO_BYTES 256 /* a coroutine's header and inline frame (3.11+) */

static size_t batch_page_len(uint64_t addr, size_t want)
{
    size_t to_page = 4096 - (size_t)(addr & 4095);
    return want < to_page ? want : to_page;
}

/* A compact ASCII str decoded from the bytes read at its address; 0, or -1
 * when it is not one or does not fit (the caller then reads it the slow way). */
static int batch_ascii_name(const struct layout *l, const unsigned char *buf, size_t len,
                            char *out, size_t cap)
{
    int64_t length;
    uint32_t state;
    if (l->unicode_state + 4 > len || l->unicode_length + 8 > len)
        return -1;
    memcpy(&length, buf + l->unicode_length, sizeof length);
    memcpy(&state, buf + l->unicode_state, sizeof state);
    unsigned kind = (state >> l->unicode_kind_shift) & 7u;
    unsigned compact = (state >> l->unicode_compact_shift) & 1u;
    unsigned ascii = (state >> l->unicode_ascii_shift) & 1u;
    if (!ascii || !compact || kind != 1 || length < 0 ||
        l->unicode_ascii_size + (uint64_t)length > len || (size_t)length >= cap)
        return -1;
    for (int64_t i = 0; i < length; i++) {
        unsigned char c = buf[l->unicode_ascii_size + (uint64_t)i];
        out[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
    }
    out[length] = '\0';
    return 0;
}

int task_batch_read(struct asyncio_reader *r, struct remote *mem, const uint64_t *addrs,
                    size_t count, struct task_set *set)
{
    const struct layout *l = r->layout;
    unsigned char (*buf)[BATCH_TASK_BYTES] = malloc((count + 1) * sizeof *buf);
    unsigned char (*name)[BATCH_NAME_BYTES] = malloc((count + 1) * sizeof *name);
    struct remote_request *req = malloc((count + 1) * sizeof *req);
    uint64_t *name_addr = malloc((count + 1) * sizeof *name_addr);
    if (!buf || !name || !req || !name_addr) {
        free(buf), free(name), free(req), free(name_addr);
        return -1;
    }
    size_t task_bytes = r->have_layout && r->tl.task_basicsize <= BATCH_TASK_BYTES
                            ? (size_t)r->tl.task_basicsize
                            : 32;
    for (size_t i = 0; i < count; i++)
        req[i] = (struct remote_request){addrs[i], buf[i], task_bytes, 0};
    remote_read_batch(mem, req, count);
    for (size_t i = 0; i < count; i++) {
        /* A failed read (an object smaller than a C task at the end of a
         * mapping, or a torn address): learn the type with a small read. */
        if (!req[i].ok && remote_read(mem, addrs[i], buf[i], 16) != 0)
            continue;
        int kind = task_type_kind(r, mem, field_u64(buf[i], l->object_type), NULL);
        if (kind != OBJ_C_TASK && kind != OBJ_PY_TASK)
            continue; /* a dead weakref's None, or not a task */
        if (set->count == set->capacity) {
            set->capped = 1;
            set->dropped++;
            continue;
        }
        struct task_info *t = &set->tasks[set->count];
        if (kind == OBJ_PY_TASK || !req[i].ok) {
            if (task_read_one(r, mem, addrs[i], t) != 0)
                set->dropped++;
            else
                set->count++;
            continue;
        }
        memset(t, 0, sizeof *t);
        t->addr = addrs[i];
        t->kind = OBJ_C_TASK;
        if (task_from_object(r, buf[i], t, &name_addr[set->count]) != 0) {
            set->dropped++;
            continue;
        }
        memcpy(t->name, "?", 2);
        set->count++;
    }
    /* Names of the C tasks, and their waiters' types, in one batch. */
    size_t n = 0;
    for (size_t i = 0; i < set->count; i++) {
        const struct task_info *t = &set->tasks[i];
        if (t->kind != OBJ_C_TASK || t->name[0] != '?' || t->name[1] != '\0')
            continue;
        req[n++] = (struct remote_request){name_addr[i], name[i],
                                           batch_page_len(name_addr[i], BATCH_NAME_BYTES), 0};
    }
    remote_read_batch(mem, req, n);
    for (size_t i = 0, k = 0; i < set->count; i++) {
        struct task_info *t = &set->tasks[i];
        if (t->kind != OBJ_C_TASK || t->name[0] != '?' || t->name[1] != '\0')
            continue;
        const struct remote_request *q = &req[k++];
        int kind = q->ok && q->len >= 16
                       ? task_type_kind(r, mem, field_u64(name[i], l->object_type), NULL)
                       : OBJ_OTHER;
        uint64_t number;
        if (kind == OBJ_STR) {
            if (batch_ascii_name(l, name[i], q->len, t->name, sizeof t->name) != 0 &&
                string_read(mem, l, name_addr[i], t->name, sizeof t->name) < 0)
                snprintf(t->name, sizeof t->name, "?");
        } else if (kind == OBJ_INT && long_read(mem, l, name_addr[i], &number) == 0) {
            snprintf(t->name, sizeof t->name, "Task-%llu", (unsigned long long)number);
        }
    }
    /* Waiters: only futures and tasks count (anything else, e.g. None, is none). */
    n = 0;
    for (size_t i = 0; i < set->count; i++)
        if (set->tasks[i].kind == OBJ_C_TASK && set->tasks[i].waiter)
            req[n++] = (struct remote_request){set->tasks[i].waiter, buf[i], 16, 0};
    remote_read_batch(mem, req, n);
    for (size_t i = 0, k = 0; i < set->count; i++) {
        struct task_info *t = &set->tasks[i];
        if (t->kind != OBJ_C_TASK)
            continue;
        if (t->waiter) {
            const struct remote_request *q = &req[k++];
            int wk = q->ok ? task_type_kind(r, mem, field_u64(buf[i], l->object_type),
                                            &t->waiter_gathering)
                           : OBJ_OTHER;
            t->waiter_kind = wk;
            if (wk != OBJ_C_TASK && wk != OBJ_PY_TASK && wk != OBJ_C_FUTURE && wk != OBJ_PY_FUTURE)
                t->waiter = 0;
        }
        t->waiter_checked = 1;
        t->thread_id = task_loop_thread(r, mem, t->loop);
    }
    free(buf), free(name), free(req), free(name_addr);
    return 0;
}

/* One frame of the await chain, found at some level, before they are put in
 * per-task order. */
struct batch_frame {
    uint32_t task;
    struct raw_frame frame;
};

int task_batch_chains(struct asyncio_reader *r, struct remote *mem, struct task_set *set)
{
    const struct layout *l = r->layout;
    size_t count = set->count;
    uint64_t *cur = calloc(count + 1, sizeof *cur);
    uint64_t *slot = calloc(count + 1, sizeof *slot);
    unsigned char (*buf)[BATCH_CORO_BYTES] = malloc((count + 1) * sizeof *buf);
    struct remote_request *req = malloc((count + 1) * sizeof *req);
    uint32_t *index = malloc((count + 1) * sizeof *index);
    size_t found_cap = count * 4 + 16, found_n = 0;
    struct batch_frame *found = malloc(found_cap * sizeof *found);
    /* <=3.10: a coroutine's frame is an object of its own, read per level in a batch too. */
    int frame_objects = l->gen_iframe == LAYOUT_NONE;
    uint64_t fsize = frame_objects ? task_frame_object_size(l) : 0;
    unsigned char (*fbuf)[BATCH_CORO_BYTES] =
        frame_objects ? malloc((count + 1) * sizeof *fbuf) : NULL;
    struct remote_request *freq = frame_objects ? malloc((count + 1) * sizeof *freq) : NULL;
    int rc = cur && slot && buf && req && index && found &&
                     (!frame_objects || (fbuf && freq && fsize <= BATCH_CORO_BYTES))
                 ? 0
                 : -1;
    uint64_t size = l->gen_iframe != LAYOUT_NONE ? l->gen_iframe + l->iframe_size
                                                 : l->gen_frame + 8;
    if (size < 32)
        size = 32;
    if (size > BATCH_CORO_BYTES)
        rc = -1;
    for (size_t i = 0; rc == 0 && i < count; i++) {
        struct task_info *t = &set->tasks[i];
        t->awaits = 0;
        t->frame_count = 0;
        if (t->state == TASK_PENDING || t->state == TASK_RUNNING)
            cur[i] = t->coro;
    }
    for (int level = 0; rc == 0 && level < TASK_CHAIN_MAX; level++) {
        size_t n = 0;
        for (size_t i = 0; i < count; i++)
            if (cur[i]) {
                index[n] = (uint32_t)i;
                req[n] = (struct remote_request){cur[i], buf[i], size, 0};
                n++;
            }
        if (n == 0)
            break;
        remote_read_batch(mem, req, n);
        size_t nf = 0;
        for (size_t k = 0; frame_objects && k < n; k++) {
            uint32_t i = index[k];
            uint64_t frame = req[k].ok ? field_u64(buf[i], l->gen_frame) : 0;
            freq[k] = (struct remote_request){frame, fbuf[i], fsize, 0};
            if (frame && task_type_kind(r, mem, field_u64(buf[i], l->object_type), NULL) ==
                             OBJ_COROUTINE)
                nf++;
            else
                freq[k].addr = 0; /* not read: a zero-length batch slot */
        }
        if (nf > 0) {
            /* Compact the frame requests that exist, read them, and map back. */
            struct remote_request *live = malloc(nf * sizeof *live);
            size_t at = 0;
            for (size_t k = 0; live && k < n; k++)
                if (freq[k].addr)
                    live[at++] = freq[k];
            if (live) {
                remote_read_batch(mem, live, at);
                for (size_t k = 0, j = 0; k < n; k++)
                    if (freq[k].addr)
                        freq[k].ok = live[j++].ok;
                free(live);
            }
        }
        size_t m = 0; /* coroutines whose top of stack is read next */
        for (size_t k = 0; k < n; k++) {
            uint32_t i = index[k];
            struct task_info *t = &set->tasks[i];
            uint64_t obj = cur[i];
            cur[i] = 0;
            /* A small object (a FutureIter, a future) at the end of a mapping
             * fails the long read: its header alone says what it is. */
            int full = req[k].ok;
            if (!full && remote_read(mem, obj, buf[i], 24) != 0)
                continue;
            int kind = task_type_kind(r, mem, field_u64(buf[i], l->object_type), NULL);
            if (kind == OBJ_FUTURE_ITER) {
                t->awaits = field_u64(buf[i], r->tl.futureiter_future);
                continue;
            }
            if (kind == OBJ_C_TASK || kind == OBJ_PY_TASK || kind == OBJ_C_FUTURE ||
                kind == OBJ_PY_FUTURE) {
                t->awaits = obj;
                continue;
            }
            if (kind != OBJ_COROUTINE || !full)
                continue;
            struct raw_frame frame;
            uint64_t top_slot;
            int framed = frame_objects
                             ? freq[k].addr && freq[k].ok &&
                                   task_chain_frame_object(r, freq[k].addr, fbuf[i], &frame,
                                                           &top_slot) == 0
                             : task_chain_frame(r, mem, obj, buf[i], &frame, &top_slot) == 0;
            if (!framed)
                continue;
            if (found_n == found_cap) {
                struct batch_frame *bigger = realloc(found, found_cap * 2 * sizeof *found);
                if (!bigger) {
                    rc = -1;
                    break;
                }
                found = bigger;
                found_cap *= 2;
            }
            found[found_n++] = (struct batch_frame){i, frame};
            if (top_slot) {
                slot[i] = obj; /* remembered to stop a coroutine awaiting itself */
                req[m++] = (struct remote_request){top_slot, &cur[i], 8, 0};
            }
        }
        if (rc != 0)
            break;
        remote_read_batch(mem, req, m);
        for (size_t k = 0; k < m; k++) {
            uint64_t *next = req[k].buf;
            uint32_t i = (uint32_t)(next - cur);
            if (!req[k].ok)
                *next = 0;
            *next &= ~l->iframe_code_tag_mask;
            if (*next == slot[i])
                *next = 0;
        }
    }
    for (size_t i = 0; rc == 0 && i < count; i++)
        if (cur[i])
            remote_cap_hit(mem, REMOTE_CAP_TASK_CHAIN); /* still going after TASK_CHAIN_MAX */
    if (rc == 0) {
        /* Frames were found outermost first per task; store them innermost first. */
        for (size_t f = 0; f < found_n; f++)
            set->tasks[found[f].task].frame_count++;
        size_t at = set->frame_count;
        for (size_t i = 0; i < count; i++) {
            struct task_info *t = &set->tasks[i];
            if (at + t->frame_count > set->frame_capacity)
                t->frame_count = (uint32_t)(set->frame_capacity - at);
            t->frame_first = (uint32_t)at;
            at += t->frame_count;
            index[i] = t->frame_count; /* frames still to place, from the innermost slot */
        }
        for (size_t f = 0; f < found_n; f++) {
            struct task_info *t = &set->tasks[found[f].task];
            if (index[found[f].task] == 0)
                continue;
            set->frames[t->frame_first + --index[found[f].task]] = found[f].frame;
        }
        set->frame_count = at;
    }
    free(cur), free(slot), free(buf), free(req), free(index), free(found);
    free(fbuf), free(freq);
    return rc;
}
