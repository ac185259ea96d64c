/* threads.c - walk the interpreter's thread-state list.
 *
 * interp->tstate_head (<=3.10) or interp->threads.head (3.11+), linked by
 * tstate->next; newest thread first.  The innermost frame is tstate->frame
 * (<=3.10), tstate->cframe->current_frame (3.11-3.12) or
 * tstate->current_frame (3.13+).  The GIL is the inline _PyRuntime.ceval.gil
 * (<=3.11) or the struct interp->ceval.gil points to (3.12+); it is held by
 * last_holder while locked is set. */
#include "threads.h"

#include <string.h>

#define THREADS_READ_MAX 1024

static uint64_t threads_u64(const unsigned char *buf, uint64_t offset)
{
    uint64_t value;
    memcpy(&value, buf + offset, sizeof value);
    return value;
}

static uint64_t threads_prefix_size(const struct layout *l)
{
    uint64_t fields[] = {l->tstate_next,           l->tstate_frame,     l->tstate_cframe,
                         l->tstate_current_frame,  l->tstate_thread_id, l->tstate_native_thread_id,
                         l->tstate_datastack_chunk};
    uint64_t end = 0;
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (fields[i] != LAYOUT_NONE && fields[i] + 8 > end)
            end = fields[i] + 8;
    return end;
}

uint64_t threads_gil_address(struct remote *mem, const struct python_runtime *runtime,
                             uint64_t interp)
{
    const struct layout *l = &runtime->layout;
    uint64_t gil = 0;
    if (l->runtime_gil != LAYOUT_NONE)
        gil = runtime->runtime_addr + l->runtime_gil;
    else if (l->interp_gil_ptr != LAYOUT_NONE &&
             remote_read_ptr(mem, interp + l->interp_gil_ptr, &gil) != 0)
        return 0;
    if (l->gil_locked == LAYOUT_NONE || l->gil_last_holder == LAYOUT_NONE)
        return 0;
    return gil;
}

int threads_read(struct remote *mem, const struct python_runtime *runtime, uint64_t interp,
                 uint64_t gil, struct thread_state_info *out, size_t max, uint64_t *gil_holder)
{
    const struct layout *l = &runtime->layout;
    uint64_t size = threads_prefix_size(l);
    if (size > THREADS_READ_MAX)
        return -1;
    unsigned char buf[THREADS_READ_MAX];
    /* The list head and the GIL fields in one call. */
    uint64_t tstate = 0, holder = 0;
    int32_t locked = 0;
    struct remote_request requests[3] = {
        {interp + l->interp_threads_head, &tstate, sizeof tstate, 0},
        {gil + l->gil_locked, &locked, sizeof locked, 0},
        {gil + l->gil_last_holder, &holder, sizeof holder, 0},
    };
    remote_read_batch(mem, requests, gil ? 3 : 1);
    if (!requests[0].ok)
        return -1;
    *gil_holder = gil && requests[1].ok && requests[2].ok && locked ? holder : 0;
    size_t count = 0;
    for (size_t steps = 0; tstate != 0; steps++) {
        if (steps >= THREADS_MAX)
            return -1; /* a cycle or garbage: no real interpreter has this many */
        if (remote_read(mem, tstate, buf, size) != 0)
            return -1;
        if (count < max) {
            struct thread_state_info *info = &out[count++];
            info->tstate = tstate;
            info->thread_id = threads_u64(buf, l->tstate_thread_id);
            info->native_tid = l->tstate_native_thread_id != LAYOUT_NONE
                                   ? threads_u64(buf, l->tstate_native_thread_id)
                                   : 0;
            info->datastack_chunk = l->tstate_datastack_chunk != LAYOUT_NONE
                                        ? threads_u64(buf, l->tstate_datastack_chunk)
                                        : 0;
            if (l->tstate_frame != LAYOUT_NONE) {
                info->innermost = threads_u64(buf, l->tstate_frame);
            } else if (l->tstate_current_frame != LAYOUT_NONE) {
                info->innermost = threads_u64(buf, l->tstate_current_frame);
            } else {
                uint64_t cframe = threads_u64(buf, l->tstate_cframe);
                info->innermost = 0;
                if (cframe != 0 &&
                    remote_read_ptr(mem, cframe + l->cframe_current_frame, &info->innermost) != 0)
                    return -1;
            }
        }
        uint64_t next = threads_u64(buf, l->tstate_next);
        if (next == tstate)
            return -1;
        tstate = next;
    }
    return (int)count;
}
