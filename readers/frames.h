/* frames.h - walk one thread's Python frames, innermost first. */
#ifndef PYCONC_READERS_FRAMES_H
#define PYCONC_READERS_FRAMES_H

#include <stdint.h>

#include "layout.h"
#include "remote.h"

/* Stacks deeper than this are cut: the outermost frames are dropped and the
 * sample is marked truncated. */
#define FRAMES_MAX_DEPTH 4096

struct raw_frame {
    uint64_t code;   /* PyCodeObject address */
    int64_t offset;  /* byte offset of the current instruction in the bytecode; <0: not started */
};

struct frame_walk {
    struct raw_frame frames[FRAMES_MAX_DEPTH]; /* innermost first */
    uint32_t depth;
    int truncated;
};

/* Walks from the innermost frame pointer taken from the thread state (for
 * <=3.10 a PyFrameObject *, for 3.11+ a _PyInterpreterFrame *).  Returns 0,
 * or -1 when a frame could not be read (a torn read: drop the sample). */
int frames_walk(struct remote *mem, const struct layout *layout, uint64_t innermost,
                struct frame_walk *walk);

#endif
