/* frames.h - walk one thread's Python frames, innermost first. */
#ifndef PYCONC_READERS_FRAMES_H
#define PYCONC_READERS_FRAMES_H

#include <stdint.h>

#include "layout.h"
#include "remote.h"

/* Stacks deeper than this are cut: the outermost frames are dropped and the
 * sample is marked truncated. */
#define FRAMES_MAX_DEPTH 4096

#define FRAMES_SHIM_CODES 8

/* _PyInterpreterFrame.owner of a generator's frame (3.11-3.15). */
#define FRAME_OWNER_GENERATOR 1

struct raw_frame {
    uint64_t addr;   /* the frame (PyFrameObject or _PyInterpreterFrame) */
    uint64_t code;   /* PyCodeObject address */
    int64_t offset;  /* byte offset of the current instruction in the bytecode; <0: not started */
    int owner;       /* 3.11+: _PyInterpreterFrame.owner */
    /* The outermost frame of one run of the evaluation loop: one native
     * _PyEval_EvalFrameDefault call ran this frame and the ones inside it up
     * to the next entry (--native merges them there).  <=3.10: every frame;
     * 3.11: _PyInterpreterFrame.is_entry; 3.12+: the frame just inside an
     * entry shim (a frame owned by the C stack); the outermost frame always. */
    int entry;
    /* 3.12+, on an entry frame: the address of the entry shim just outside
     * its run.  That shim is a local of the C function running the loop
     * (_PyEval_EvalFrameDefault), so this address, on the C stack, tells which
     * native frame ran the run even where that function has no symbol. */
    uint64_t shim;
};

struct frame_walk {
    struct raw_frame frames[FRAMES_MAX_DEPTH]; /* innermost first */
    uint32_t depth;
    int truncated;
    /* <=3.10: address of PyFrame_Type, learnt from the first frame whose type
     * is named "frame"; every frame read must have it (else the read is torn). */
    uint64_t frame_type;
    /* 3.12+: code objects seen in frames owned by the C stack or the
     * interpreter (entry shims, immortal).  A frame running one of them is
     * skipped even when its owner byte was read before the interpreter wrote
     * it (the compiler may order those stores as it likes). */
    uint64_t shim_codes[FRAMES_SHIM_CODES];
    int shim_count;
};

/* Reads every frame's code pointer again (one batch) and returns 0 when all
 * still hold the code objects the walk saw, -1 otherwise.  A frame holds a
 * strong reference to its code: if the pointer did not change, the code
 * object was alive while it was being resolved in between, so the names read
 * from it are its own, not those of a freed object or of its successor at
 * the same address. */
int frames_recheck(struct remote *mem, const struct layout *layout, const struct frame_walk *walk);

/* True when a frame must not be shown: CPython's own _PyFrame_IsIncomplete
 * (3.11+): not a generator's, and not yet past its code's first traceable
 * instruction.  Entry shims (3.12 "<interpreter trampoline>", 3.13+ the
 * __init__ cleanup frame) are exactly such frames. */
int frames_incomplete(const struct raw_frame *frame, int firsttraceable);

/* Learns or checks the type of an object: 1 when type_addr is the type named
 * `name` (its address then cached in *known), 0 otherwise. */
int frames_check_type(struct remote *mem, const struct layout *layout, uint64_t type_addr,
                      const char *name, uint64_t *known);

/* Bytes frames_walk reads at each frame's address (for reading them ahead). */
uint64_t frames_read_size(const struct layout *layout);

/* Walks from the innermost frame pointer taken from the thread state (for
 * <=3.10 a PyFrameObject *, for 3.11+ a _PyInterpreterFrame *).  Returns 0,
 * or -1 when a frame could not be read (a torn read: drop the sample). */
int frames_walk(struct remote *mem, const struct layout *layout, uint64_t innermost,
                struct frame_walk *walk);

#endif
