/* frames.c - the frame chain of a thread.
 *
 * <=3.10: PyFrameObject linked by f_back; f_lasti is the last instruction
 *   (a byte offset in 3.8-3.9, a code-unit index in 3.10), -1 before the first.
 * 3.11+: _PyInterpreterFrame linked by `previous`; the current instruction is
 *   prev_instr (3.11-3.12) or instr_ptr (3.13+), a pointer into the code
 *   object's inline bytecode at code + co_code_adaptive.  Frames owned by the
 *   C stack or the interpreter itself (3.12+ owner >= shim value) are entry
 *   shims, not Python code, and are skipped.  3.14+ stores f_executable as a
 *   tagged _PyStackRef whose low bits must be cleared.
 * The chain is target memory: the walk stops at FRAMES_MAX_DEPTH and treats
 * a frame pointing to itself as torn. */
#include "frames.h"

#include <string.h>

/* Largest frame prefix we read: every field we use lies below this. */
#define FRAMES_READ_MAX 256

static uint64_t frames_u64(const unsigned char *buf, uint64_t offset)
{
    uint64_t value;
    memcpy(&value, buf + offset, sizeof value);
    return value;
}

static int32_t frames_i32(const unsigned char *buf, uint64_t offset)
{
    int32_t value;
    memcpy(&value, buf + offset, sizeof value);
    return value;
}

static uint64_t frames_prefix_size(const struct layout *l)
{
    uint64_t fields[] = {l->frame_back,     l->frame_code,   l->frame_lasti, l->iframe_previous,
                         l->iframe_code,    l->iframe_instr, l->iframe_owner,
                         l->iframe_is_entry};
    uint64_t end = 0;
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (fields[i] != LAYOUT_NONE && fields[i] + 8 > end)
            end = fields[i] + 8;
    return end;
}

static void frames_push(struct frame_walk *walk, uint64_t code, int64_t offset)
{
    if (walk->depth == FRAMES_MAX_DEPTH) {
        walk->truncated = 1;
        return;
    }
    walk->frames[walk->depth].code = code;
    walk->frames[walk->depth].offset = offset;
    walk->depth++;
}

int frames_walk(struct remote *mem, const struct layout *layout, uint64_t innermost,
                struct frame_walk *walk)
{
    walk->depth = 0;
    walk->truncated = 0;
    uint64_t size = frames_prefix_size(layout);
    if (size > FRAMES_READ_MAX)
        return -1;
    unsigned char buf[FRAMES_READ_MAX];
    uint64_t frame = innermost;
    /* Bound the walk even when every frame is a shim: twice the depth cap. */
    for (uint32_t steps = 0; frame != 0; steps++) {
        if (steps >= 2 * FRAMES_MAX_DEPTH) {
            walk->truncated = 1;
            break;
        }
        if (remote_read(mem, frame, buf, size) != 0)
            return -1;
        uint64_t next;
        if (layout->frame_kind == FRAME_OBJECTS) {
            uint64_t code = frames_u64(buf, layout->frame_code);
            int64_t lasti = frames_i32(buf, layout->frame_lasti);
            frames_push(walk, code, lasti < 0 ? -1 : lasti * layout->frame_lasti_unit);
            next = frames_u64(buf, layout->frame_back);
        } else {
            uint64_t code = frames_u64(buf, layout->iframe_code) & ~layout->iframe_code_tag_mask;
            unsigned char owner = buf[layout->iframe_owner];
            int shim = layout->iframe_owner_shim_min > 0 && owner >= layout->iframe_owner_shim_min;
            if (!shim && code != 0) {
                uint64_t instr = frames_u64(buf, layout->iframe_instr);
                uint64_t first = code + layout->code_code_adaptive;
                int64_t offset = (int64_t)(instr - first);
                frames_push(walk, code, offset);
            }
            next = frames_u64(buf, layout->iframe_previous);
        }
        if (next == frame)
            return -1;
        frame = next;
    }
    return 0;
}
