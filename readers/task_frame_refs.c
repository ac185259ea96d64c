/* task_frame_refs.c - what the suspended frames of tasks refer to: other tasks
 * (who holds whom in a local variable), deadlines (asyncio.timeout), and the
 * names their code uses (who calls which coroutine function).
 *
 * asyncio does not record who created a task.  The usual creator keeps the
 * Task it created in a local variable (t = asyncio.create_task(...)), so the
 * locals of every suspended coroutine frame of a snapshot are searched for
 * addresses of the snapshot's tasks.  Two batched reads: first what bounds the
 * locals, then the locals themselves.
 *   3.11+: _PyInterpreterFrame.localsplus[co_nlocalsplus] (3.14+: stack refs,
 *          low bits are tags);
 *   <=3.10: PyFrameObject.f_localsplus ends where f_valuestack starts; the
 *          words between the f_valuestack field and that point are the rest of
 *          the frame header (f_trace, f_gen, block stack, ints: never a Task)
 *          and the locals, cells and free variables. */
#include <stdlib.h>
#include <string.h>

#include "containers.h"
#include "objects.h"
#include "tasks.h"

#define HOLDER_SLOTS_MAX 32 /* locals searched per frame */

size_t task_holders_scan(struct asyncio_reader *r, struct remote *mem, const struct task_set *set,
                         size_t max_frames, struct task_holding *out, size_t max_out)
{
    const struct layout *l = r->layout;
    int inline_frames = l->gen_iframe != LAYOUT_NONE;
    size_t frames = 0;
    for (size_t i = 0; i < set->count && frames < max_frames; i++)
        if (set->tasks[i].state == TASK_PENDING)
            frames += set->tasks[i].frame_count;
    if (frames > max_frames)
        frames = max_frames;
    if (frames == 0)
        return 0;
    struct remote_request *req = calloc(frames, sizeof *req);
    uint64_t *bound = calloc(frames, sizeof *bound);  /* nlocalsplus, or f_valuestack */
    uint32_t *holder = calloc(frames, sizeof *holder); /* task index of each frame */
    size_t *frame_at = calloc(frames, sizeof *frame_at); /* index into set->frames */
    uint64_t *slots = calloc(frames * HOLDER_SLOTS_MAX, sizeof *slots);
    size_t found = 0;
    if (!req || !bound || !holder || !frame_at || !slots)
        goto done;
    size_t n = 0;
    for (size_t i = 0; i < set->count && n < frames; i++) {
        const struct task_info *t = &set->tasks[i];
        if (t->state != TASK_PENDING)
            continue;
        for (uint32_t k = 0; k < t->frame_count && n < frames; k++, n++) {
            const struct raw_frame *f = &set->frames[t->frame_first + k];
            holder[n] = (uint32_t)i;
            frame_at[n] = t->frame_first + k;
            /* co_nlocalsplus is an int (4 bytes); f_valuestack a pointer */
            req[n] = inline_frames ? (struct remote_request){f->code + l->code_nlocalsplus,
                                                             &bound[n], 4, 0}
                                   : (struct remote_request){f->addr + l->frame_valuestack,
                                                             &bound[n], 8, 0};
        }
    }
    remote_read_batch(mem, req, n);
    for (size_t k = 0; k < n; k++) {
        uint64_t from, to;
        if (!req[k].ok) {
            req[k] = (struct remote_request){0, NULL, 0, 0};
            continue;
        }
        const struct raw_frame *frame = &set->frames[frame_at[k]];
        if (inline_frames) {
            uint32_t nlocals = (uint32_t)bound[k];
            if (nlocals > (1u << 16))
                nlocals = 0;
            from = frame->addr + l->iframe_localsplus;
            to = from + (uint64_t)(nlocals < HOLDER_SLOTS_MAX ? nlocals : HOLDER_SLOTS_MAX) * 8;
        } else {
            uint64_t header_end = frame->addr + l->frame_valuestack + 8;
            to = bound[k];
            if (to < header_end || to - header_end > (1u << 20))
                to = header_end;
            from = to - header_end > HOLDER_SLOTS_MAX * 8 ? to - HOLDER_SLOTS_MAX * 8 : header_end;
        }
        req[k] = (struct remote_request){from, slots + k * HOLDER_SLOTS_MAX, (size_t)(to - from), 0};
    }
    remote_read_batch(mem, req, n);
    for (size_t k = 0; k < n && found < max_out; k++) {
        if (!req[k].ok || req[k].len == 0)
            continue;
        uint64_t holder_addr = set->tasks[holder[k]].addr;
        for (size_t s = 0; s < req[k].len / 8 && found < max_out; s++) {
            uint64_t value = slots[k * HOLDER_SLOTS_MAX + s];
            if (l->iframe_stackpointer != LAYOUT_NONE)
                value &= ~(uint64_t)7; /* 3.14+ _PyStackRef tag bits */
            if (value == 0 || value == holder_addr || !task_set_find(set, value))
                continue;
            out[found++] = (struct task_holding){holder_addr, value};
        }
    }
done:
    free(req);
    free(bound);
    free(holder);
    free(frame_at);
    free(slots);
    return found;
}

#define DEADLINE_SLOTS_MAX 48 /* locals and value stack searched per frame */

/* Is obj an asyncio.timeouts.Timeout, or a method bound to one? */
static int holder_is_timeout(struct asyncio_reader *r, struct remote *mem, uint64_t obj)
{
    const struct layout *l = r->layout;
    char name[32];
    for (int hop = 0; hop < 2 && obj; hop++) {
        uint64_t type;
        if (remote_read_ptr(mem, obj + l->object_type, &type) != 0 ||
            type_name_read(mem, l, type, name, sizeof name) != 0)
            return 0;
        if (strcmp(name, "Timeout") == 0)
            return 1;
        if (strcmp(name, "method") != 0 || remote_read_ptr(mem, obj + l->method_self, &obj) != 0)
            return 0;
    }
    return 0;
}

int task_frames_hold_timeout(struct asyncio_reader *r, struct remote *mem,
                             const struct task_set *set, const struct task_info *t)
{
    const struct layout *l = r->layout;
    if (l->gen_iframe == LAYOUT_NONE || l->minor < 11)
        return 0; /* asyncio.timeout is 3.11+ */
    for (uint32_t k = 0; k < t->frame_count; k++) {
        const struct raw_frame *f = &set->frames[t->frame_first + k];
        int32_t nlocals = 0;
        uint64_t slots[DEADLINE_SLOTS_MAX];
        if (remote_read(mem, f->code + l->code_nlocalsplus, &nlocals, sizeof nlocals) != 0 ||
            nlocals < 0 || nlocals > (1 << 16))
            continue;
        /* `async with asyncio.timeout(...)` leaves the Timeout's bound __aexit__
         * (3.11-3.13) or the Timeout itself (3.14+) on the value stack, just
         * above the locals; `as cm` also keeps it in a local. */
        size_t n = (size_t)nlocals + 16 < DEADLINE_SLOTS_MAX ? (size_t)nlocals + 16 : DEADLINE_SLOTS_MAX;
        if (remote_read(mem, f->addr + l->iframe_localsplus, slots, n * 8) != 0)
            continue;
        for (size_t s = 0; s < n; s++) {
            uint64_t value = slots[s];
            if (l->iframe_stackpointer != LAYOUT_NONE)
                value &= ~(uint64_t)7; /* 3.14+ _PyStackRef tag bits */
            if (value >= 4096 && holder_is_timeout(r, mem, value))
                return 1;
        }
    }
    return 0;
}

#define CODE_NAMES_MAX 512 /* names of one code object looked through */

int code_uses_name(struct remote *mem, const struct layout *l, uint64_t code, const char *name)
{
    uint64_t names;
    int64_t count;
    if (remote_read_ptr(mem, code + l->code_names, &names) != 0 || names == 0 ||
        remote_read(mem, names + l->varobject_size, &count, sizeof count) != 0 || count < 0 ||
        count > CODE_NAMES_MAX)
        return 0;
    uint64_t items[CODE_NAMES_MAX];
    if (count == 0 || remote_read(mem, names + l->tuple_items, items, (size_t)count * 8) != 0)
        return 0;
    for (int64_t i = 0; i < count; i++)
        if (items[i] && string_equals(mem, l, items[i], name))
            return 1;
    return 0;
}
