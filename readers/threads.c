/* threads.c - walk the interpreter's thread-state list.
 *
 * interp->tstate_head (<=3.10) or interp->threads.head (3.11+), linked by
 * tstate->next; newest thread first.  The innermost frame is tstate->frame
 * (<=3.10), tstate->cframe->current_frame (3.11-3.12) or
 * tstate->current_frame (3.13+).  The GIL is the inline _PyRuntime.ceval.gil
 * (<=3.11) or the struct interp->ceval.gil points to (3.12+); it is held by
 * last_holder while locked is set. */
#include "threads.h"

#include <stdlib.h>
#include <string.h>

#include "fields.h"


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

/* Fills info from a thread state's bytes; the innermost frame of 3.11-3.12
 * needs one more read unless `guessed` (cframe -> current_frame) matches. */
static int threads_fill(struct remote *mem, const struct layout *l, uint64_t tstate,
                        const unsigned char *buf, struct thread_state_info *info,
                        uint64_t guessed_cframe, const uint64_t *guessed_frame)
{
    info->tstate = tstate;
    info->thread_id = field_u64(buf, l->tstate_thread_id);
    info->native_tid =
        l->tstate_native_thread_id != LAYOUT_NONE ? field_u64(buf, l->tstate_native_thread_id) : 0;
    info->datastack_chunk =
        l->tstate_datastack_chunk != LAYOUT_NONE ? field_u64(buf, l->tstate_datastack_chunk) : 0;
    info->cframe = 0;
    if (l->tstate_frame != LAYOUT_NONE) {
        info->innermost = field_u64(buf, l->tstate_frame);
    } else if (l->tstate_current_frame != LAYOUT_NONE) {
        info->innermost = field_u64(buf, l->tstate_current_frame);
    } else {
        info->cframe = field_u64(buf, l->tstate_cframe);
        info->innermost = 0;
        if (info->cframe != 0 && guessed_frame && info->cframe == guessed_cframe)
            info->innermost = *guessed_frame;
        else if (info->cframe != 0 &&
                 remote_read_ptr(mem, info->cframe + l->cframe_current_frame, &info->innermost) != 0)
            return -1;
    }
    return 0;
}

int threads_read_guessing(struct remote *mem, const struct python_runtime *runtime,
                          uint64_t interp, uint64_t gil, struct threads_guess *guess,
                          struct thread_state_info *out, size_t max, uint64_t *gil_holder,
                          uint64_t *code_generation)
{
    const struct layout *l = &runtime->layout;
    uint64_t size = threads_prefix_size(l);
    if (size > THREADS_READ_MAX)
        return -1;
    uint64_t tstate = 0, holder = 0, generation = 0;
    int32_t locked = 0;
    int want_generation = code_generation && l->interp_code_generation != LAYOUT_NONE;
    size_t guessed = guess ? guess->count : 0;
    size_t along = guess ? guess->along_count : 0;
    struct remote_request fixed[4];
    struct remote_request *requests = fixed;
    if (guess) {
        size_t need = 4 + 2 * guessed + along;
        if (need > guess->batch_capacity) {
            struct remote_request *bigger = realloc(guess->batch, need * sizeof *bigger);
            if (!bigger)
                return -1;
            guess->batch = bigger;
            guess->batch_capacity = need;
        }
        requests = guess->batch;
    }
    requests[0] = (struct remote_request){interp + l->interp_threads_head, &tstate, sizeof tstate, 0};
    requests[1] = (struct remote_request){gil + l->gil_locked, &locked, sizeof locked, 0};
    requests[2] = (struct remote_request){gil + l->gil_last_holder, &holder, sizeof holder, 0};
    requests[3] = (struct remote_request){want_generation ? interp + l->interp_code_generation : 0,
                                          &generation, 8, 0};
    size_t n = 4;
    size_t *state_at = guess ? guess->state_at : NULL, *frame_at = guess ? guess->frame_at : NULL;
    for (size_t i = 0; i < guessed; i++) {
        state_at[i] = n;
        requests[n++] = (struct remote_request){guess->tstate[i], guess->state[i], size, 0};
        frame_at[i] = 0;
        if (guess->cframe[i] != 0) {
            frame_at[i] = n;
            requests[n++] = (struct remote_request){guess->cframe[i] + l->cframe_current_frame,
                                                    &guess->current_frame[i], 8, 0};
        }
    }
    size_t along_at = n;
    if (along > 0) {
        memcpy(requests + n, guess->along, along * sizeof *requests);
        n += along;
    }
    if (gil == 0) { /* no GIL fields to read: drop requests 1 and 2 by failing them */
        requests[1].addr = requests[2].addr = 0;
    }
    remote_read_batch(mem, requests, n);
    for (size_t i = 0; i < along; i++)
        guess->along[i].ok = requests[along_at + i].ok;
    if (!requests[0].ok)
        return -1;
    *gil_holder = requests[1].ok && requests[2].ok && locked ? holder : 0;
    if (code_generation)
        *code_generation = requests[3].ok ? generation : 0;

    unsigned char buf[THREADS_READ_MAX];
    size_t count = 0;
    /* Brent's cycle check: a torn list that loops is dropped after about
     * twice its length, not after THREADS_MAX reads. */
    uint64_t tortoise = tstate;
    size_t power = 1, lap = 0;
    int capped = 0;
    for (size_t steps = 0; tstate != 0; steps++) {
        if (steps >= THREADS_MAX)
            return -1; /* a cycle or garbage: no real interpreter has this many */
        const unsigned char *state = NULL;
        const uint64_t *frame = NULL;
        uint64_t frame_cframe = 0;
        if (steps < guessed && guess->tstate[steps] == tstate && requests[state_at[steps]].ok) {
            state = guess->state[steps];
            if (frame_at[steps] && requests[frame_at[steps]].ok) {
                frame = &guess->current_frame[steps];
                frame_cframe = guess->cframe[steps];
            }
        } else {
            if (remote_read(mem, tstate, buf, size) != 0)
                return -1;
            state = buf;
        }
        capped |= count == max;
        if (count < max) {
            if (threads_fill(mem, l, tstate, state, &out[count], frame_cframe, frame) != 0)
                return -1;
            count++;
        }
        uint64_t next = field_u64(state, l->tstate_next);
        if (next == tstate || next == tortoise)
            return -1;
        if (++lap == power) {
            tortoise = next;
            power *= 2;
            lap = 0;
        }
        tstate = next;
    }
    if (capped)
        remote_cap_hit(mem, REMOTE_CAP_THREADS); /* once per read: the rest are skipped */
    if (guess) {
        guess->count = count < THREADS_GUESS_MAX ? count : THREADS_GUESS_MAX;
        for (size_t i = 0; i < guess->count; i++) {
            guess->tstate[i] = out[i].tstate;
            guess->cframe[i] = out[i].cframe;
        }
    }
    return (int)count;
}

void threads_guess_free(struct threads_guess *guess)
{
    free(guess->batch);
    guess->batch = NULL;
    guess->batch_capacity = 0;
}

int threads_read(struct remote *mem, const struct python_runtime *runtime, uint64_t interp,
                 uint64_t gil, struct thread_state_info *out, size_t max, uint64_t *gil_holder)
{
    return threads_read_guessing(mem, runtime, interp, gil, NULL, out, max, gil_holder, NULL);
}
