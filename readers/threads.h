/* threads.h - the thread states of the main interpreter. */
#ifndef PYCONC_READERS_THREADS_H
#define PYCONC_READERS_THREADS_H

#include <stddef.h>
#include <stdint.h>

#include "runtime.h"

/* More thread states than this in one interpreter is treated as a corrupt list. */
#define THREADS_MAX 100000

struct thread_state_info {
    uint64_t tstate;         /* PyThreadState address */
    uint64_t thread_id;      /* pthread_t, threading.get_ident() */
    uint64_t native_tid;     /* kernel tid; 0 when the version does not record it */
    uint64_t innermost;      /* innermost frame pointer (see frames_walk) */
    uint64_t datastack_chunk; /* 3.11+: the chunk holding the newest frames, 0 if unknown */
    uint64_t cframe;          /* 3.11-3.12: tstate->cframe */
};

/* Threads whose states are read in the same call as the list head, on the
 * guess that the list is what it was last tick (it nearly always is). */
#define THREADS_GUESS_MAX 1024
#define THREADS_READ_MAX 1024

struct threads_guess {
    size_t count;
    uint64_t tstate[THREADS_GUESS_MAX];
    uint64_t cframe[THREADS_GUESS_MAX];
    /* Scratch for the speculative reads. */
    unsigned char state[THREADS_GUESS_MAX][THREADS_READ_MAX];
    uint64_t current_frame[THREADS_GUESS_MAX];
    size_t state_at[THREADS_GUESS_MAX], frame_at[THREADS_GUESS_MAX]; /* batch indexes */
    /* The caller's reads riding in the same call (see threads_read_guessing),
     * and room for the whole batch, grown as needed (not per tick). */
    struct remote_request *along;
    size_t along_count;
    struct remote_request *batch;
    size_t batch_capacity;
};

/* Frees what threads_read_guessing grew inside guess. */
void threads_guess_free(struct threads_guess *guess);

/* Address of the GIL struct interp uses (0 if unknown); stable while interp lives. */
uint64_t threads_gil_address(struct remote *mem, const struct python_runtime *runtime,
                             uint64_t interp);

/* Reads up to `max` thread states of interpreter interp into out.  Returns the
 * count, or -1 on a torn read.  *gil_holder receives the PyThreadState that
 * holds the GIL (0: none or unknown); gil is threads_gil_address's answer. */
int threads_read(struct remote *mem, const struct python_runtime *runtime, uint64_t interp,
                 uint64_t gil, struct thread_state_info *out, size_t max, uint64_t *gil_holder);

/* threads_read, also reading the interpreter's code object generation (3.14+,
 * 0 when the version has none) in the same call, and reading the states of last tick's threads (guess, updated for
 * the next tick) in the same call as the list head: steady state is one call.
 * guess->along (guess->along_count requests, may be 0) are read in that same
 * call too, each request's ok set, whatever the outcome for the threads. */
int threads_read_guessing(struct remote *mem, const struct python_runtime *runtime,
                          uint64_t interp, uint64_t gil, struct threads_guess *guess,
                          struct thread_state_info *out, size_t max, uint64_t *gil_holder,
                          uint64_t *code_generation);

#endif
