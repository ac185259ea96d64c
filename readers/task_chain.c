/* task_chain.c - a task's await chain: its coroutine, what that coroutine
 * awaits, and so on down to the future it is blocked on.
 *
 * This is what CPython's `cr_await` getter (_PyGen_yf) computes, from
 * outside: a coroutine suspended in `await x` / `yield from x` keeps the
 * iterator of x on top of its frame's value stack.
 *   <=3.10: gi_frame (NULL once finished); top of stack is f_stacktop[-1]
 *           (3.8-3.9, NULL while running) or f_valuestack[f_stackdepth-1] (3.10).
 *   3.11+:  the frame is inline at gi_iframe; the coroutine is suspended
 *           when gi_frame_state says so (layout gen_state_*); the top of stack
 *           is localsplus[stacktop-1] (3.11-3.13) or stackpointer[-1] (3.14+,
 *           a tagged _PyStackRef).  Before 3.13 the state does not tell a
 *           plain `yield` from `yield from`, so the stack must hold more than
 *           the frame's locals (stacktop > co_nlocalsplus).
 * Whatever is on top is trusted only by its type: a coroutine or generator
 * is followed, a FutureIter gives its future, a Task/Future ends the chain. */
#include "tasks.h"

#include <string.h>

#include "fields.h"

/* Bytes of a coroutine object chain_step looks at (its header, ob_type included). */
static uint64_t chain_object_size(const struct layout *l)
{
    uint64_t need = l->gen_iframe != LAYOUT_NONE ? l->gen_iframe + l->iframe_size
                                                 : l->gen_frame + 8;
    return need < 32 ? 32 : need;
}

int task_chain_frame(struct asyncio_reader *r, struct remote *mem, uint64_t coro,
                     const unsigned char *buf, struct raw_frame *frame, uint64_t *top_out)
{
    const struct layout *l = r->layout;
    uint64_t top_slot = 0;
    *top_out = 0;
    if (l->gen_iframe != LAYOUT_NONE) {
        const unsigned char *f = buf + l->gen_iframe;
        int64_t state = field_i8(buf, l->gen_frame_state);
        uint64_t code = field_u64(f, l->iframe_code) & ~l->iframe_code_tag_mask;
        if (code == 0)
            return -1;
        frame->addr = coro + l->gen_iframe;
        frame->code = code;
        frame->offset = (int64_t)(field_u64(f, l->iframe_instr) - (code + l->code_code_adaptive));
        frame->owner = FRAME_OWNER_GENERATOR;
        if (state < l->gen_state_yield_from_min || state > l->gen_state_yield_from_max)
            return 0; /* created, running or finished: awaits nothing */
        uint64_t localsplus = frame->addr + l->iframe_localsplus;
        if (l->iframe_stackpointer != LAYOUT_NONE) {
            uint64_t sp = field_u64(f, l->iframe_stackpointer) & ~l->iframe_code_tag_mask;
            uint64_t below = (uint64_t)l->gen_yf_slot * 8;
            if (sp < localsplus + below || sp - localsplus > (1u << 20) * 8)
                return 0;
            top_slot = sp - below;
        } else {
            int32_t stacktop = field_i32(f, l->iframe_stacktop);
            if (stacktop <= 0 || stacktop > (1 << 20))
                return 0;
            if (!l->gen_state_known) {
                size_t slot = (size_t)(code >> 4) & 255;
                int32_t nlocalsplus = r->nlocals_value[slot];
                if (r->nlocals_code[slot] != code) {
                    if (remote_read(mem, code + l->code_nlocalsplus, &nlocalsplus, 4) != 0)
                        return 0;
                    r->nlocals_code[slot] = code;
                    r->nlocals_value[slot] = nlocalsplus;
                }
                if (stacktop <= nlocalsplus)
                    return 0; /* a plain `yield`: nothing awaited */
            }
            top_slot = localsplus + (uint64_t)(stacktop - 1) * 8;
        }
    } else {
        uint64_t addr = field_u64(buf, l->gen_frame);
        unsigned char fbuf[256];
        uint64_t need = task_frame_object_size(l);
        if (addr == 0 || need > sizeof fbuf || remote_read(mem, addr, fbuf, need) != 0)
            return -1;
        return task_chain_frame_object(r, addr, fbuf, frame, top_out);
    }
    *top_out = top_slot;
    return 0;
}

uint64_t task_frame_object_size(const struct layout *l)
{
    uint64_t need = 0;
    uint64_t fields[] = {l->frame_code, l->frame_lasti, l->frame_valuestack, l->frame_stacktop,
                         l->frame_stackdepth};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (fields[i] != LAYOUT_NONE && fields[i] + 8 > need)
            need = fields[i] + 8;
    return need;
}

int task_chain_frame_object(struct asyncio_reader *r, uint64_t addr, const unsigned char *fbuf,
                            struct raw_frame *frame, uint64_t *top_out)
{
    const struct layout *l = r->layout;
    uint64_t top_slot = 0;
    *top_out = 0;
    {
        int32_t lasti = field_i32(fbuf, l->frame_lasti);
        frame->addr = addr;
        frame->code = field_u64(fbuf, l->frame_code);
        frame->offset = lasti < 0 ? -1 : (int64_t)lasti * l->frame_lasti_unit;
        frame->owner = 0;
        if (frame->code == 0)
            return -1;
        if (lasti < 0)
            return 0; /* not started */
        if (l->frame_stacktop != LAYOUT_NONE) {
            uint64_t top = field_u64(fbuf, l->frame_stacktop);
            uint64_t base = field_u64(fbuf, l->frame_valuestack);
            if (top == 0 || top <= base || top - base > (1u << 20) * 8)
                return 0; /* running (NULL) or empty */
            top_slot = top - 8;
        } else {
            int32_t depth = field_i32(fbuf, l->frame_stackdepth);
            uint64_t base = field_u64(fbuf, l->frame_valuestack);
            if (depth <= 0 || depth > (1 << 20) || base == 0)
                return 0;
            top_slot = base + (uint64_t)(depth - 1) * 8;
        }
    }
    *top_out = top_slot;
    return 0;
}

/* One coroutine: its frame and what it awaits (0: nothing, or running). */
static int chain_step(struct asyncio_reader *r, struct remote *mem, uint64_t coro,
                      const unsigned char *buf, struct raw_frame *frame, uint64_t *awaited)
{
    uint64_t top_slot, top = 0;
    *awaited = 0;
    if (task_chain_frame(r, mem, coro, buf, frame, &top_slot) != 0)
        return -1;
    if (top_slot != 0 && remote_read_ptr(mem, top_slot, &top) == 0)
        *awaited = top & ~r->layout->iframe_code_tag_mask;
    return 0;
}

int task_chain_read(struct asyncio_reader *r, struct remote *mem, struct task_set *set,
                    struct task_info *task)
{
    const struct layout *l = r->layout;
    struct raw_frame outer_first[TASK_CHAIN_MAX];
    unsigned char buf[512];
    uint64_t size = chain_object_size(l);
    uint32_t depth = 0;
    uint64_t obj = task->coro;
    task->awaits = 0;
    if (size > sizeof buf)
        return -1;
    while (obj != 0 && depth < TASK_CHAIN_MAX) {
        /* One read gives the object's type and, for a coroutine, its frame.
         * A smaller object near the end of a mapping fails the long read:
         * then read just its header. */
        int full = remote_read(mem, obj, buf, size) == 0;
        if (!full && remote_read(mem, obj, buf, 24) != 0)
            break;
        int kind = task_type_kind(r, mem, field_u64(buf, l->object_type), NULL);
        if (kind == OBJ_FUTURE_ITER) {
            task->awaits = field_u64(buf, r->tl.futureiter_future);
            break;
        }
        if (kind == OBJ_C_TASK || kind == OBJ_PY_TASK || kind == OBJ_C_FUTURE ||
            kind == OBJ_PY_FUTURE) {
            task->awaits = obj;
            break;
        }
        if (kind != OBJ_COROUTINE || !full)
            break;
        uint64_t next;
        if (chain_step(r, mem, obj, buf, &outer_first[depth], &next) != 0)
            break;
        depth++;
        if (next == obj)
            break;
        obj = next;
    }
    if (obj != 0 && depth == TASK_CHAIN_MAX)
        remote_cap_hit(mem, REMOTE_CAP_TASK_CHAIN);
    task->frame_first = (uint32_t)set->frame_count;
    task->frame_count = 0;
    for (uint32_t i = depth; i-- > 0;) {
        if (set->frame_count == set->frame_capacity)
            break;
        set->frames[set->frame_count++] = outer_first[i];
        task->frame_count++;
    }
    return 0;
}
