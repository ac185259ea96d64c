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

#include "fields.h"

/* Largest frame prefix we read: every field we use lies below this. */
#define FRAMES_READ_MAX 256

static uint64_t frames_prefix_size(const struct layout *l)
{
    uint64_t fields[] = {l->frame_back,  l->frame_code,      l->frame_lasti,
                         l->iframe_previous, l->iframe_code, l->iframe_instr,
                         l->iframe_owner, l->iframe_is_entry, l->frame_kind == FRAME_OBJECTS ? l->object_type : LAYOUT_NONE};
    uint64_t end = 0;
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (fields[i] != LAYOUT_NONE && fields[i] + 8 > end)
            end = fields[i] + 8;
    return end;
}

static void frames_push(struct frame_walk *walk, uint64_t frame, uint64_t code, int64_t offset,
                        int owner, int entry)
{
    if (walk->depth == FRAMES_MAX_DEPTH) {
        walk->truncated = 1;
        return;
    }
    walk->frames[walk->depth].addr = frame;
    walk->frames[walk->depth].code = code;
    walk->frames[walk->depth].offset = offset;
    walk->frames[walk->depth].owner = owner;
    walk->frames[walk->depth].entry = entry;
    walk->frames[walk->depth].shim = 0;
    walk->depth++;
}

static int frames_is_shim_code(struct frame_walk *walk, uint64_t code, int marked_shim)
{
    for (int i = 0; i < walk->shim_count; i++)
        if (walk->shim_codes[i] == code)
            return 1;
    if (marked_shim && code != 0 && walk->shim_count < FRAMES_SHIM_CODES)
        walk->shim_codes[walk->shim_count++] = code;
    return marked_shim;
}

int frames_incomplete(const struct raw_frame *frame, int firsttraceable)
{
    return firsttraceable > 0 && frame->owner != FRAME_OWNER_GENERATOR &&
           frame->offset < 2 * (int64_t)firsttraceable;
}

int frames_check_type(struct remote *mem, const struct layout *layout, uint64_t type_addr,
                      const char *name, uint64_t *known)
{
    if (*known != 0)
        return type_addr == *known;
    uint64_t name_ptr;
    char text[16];
    size_t len = strlen(name) + 1;
    if (type_addr == 0 || len > sizeof text ||
        remote_read_ptr(mem, type_addr + layout->type_name, &name_ptr) != 0 ||
        remote_read(mem, name_ptr, text, len) != 0 || memcmp(text, name, len) != 0)
        return 0;
    *known = type_addr;
    return 1;
}

uint64_t frames_read_size(const struct layout *layout)
{
    return frames_prefix_size(layout);
}

int frames_walk(struct remote *mem, const struct layout *layout, uint64_t innermost,
                struct frame_walk *walk)
{
    walk->depth = 0; /* frame_type and shim_codes stay: learnt once per process */
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
            /* A PyFrameObject that is not of type "frame" was freed under us. */
            if (!frames_check_type(mem, layout, field_u64(buf, layout->object_type), "frame",
                                   &walk->frame_type))
                return -1;
            uint64_t code = field_u64(buf, layout->frame_code);
            int64_t lasti = field_i32(buf, layout->frame_lasti);
            frames_push(walk, frame, code, lasti < 0 ? -1 : lasti * layout->frame_lasti_unit, 0, 1);
            next = field_u64(buf, layout->frame_back);
        } else {
            uint64_t code = field_u64(buf, layout->iframe_code) & ~layout->iframe_code_tag_mask;
            unsigned char owner = buf[layout->iframe_owner];
            int shim = frames_is_shim_code(walk, code,
                                           layout->iframe_owner_shim_min > 0 &&
                                               owner >= layout->iframe_owner_shim_min);
            if (!shim && code != 0) {
                uint64_t instr = field_u64(buf, layout->iframe_instr);
                uint64_t first = code + layout->code_code_adaptive;
                int64_t offset = (int64_t)(instr - first);
                int entry = layout->iframe_is_entry != LAYOUT_NONE && buf[layout->iframe_is_entry];
                frames_push(walk, frame, code, offset, owner, entry);
            } else if (shim && walk->depth > 0 && walk->frames[walk->depth - 1].shim == 0) {
                /* 3.12+: an entry shim ends a run (the first one: a 3.14+
                 * interpreter base frame may follow it) */
                walk->frames[walk->depth - 1].entry = 1;
                walk->frames[walk->depth - 1].shim = frame;
            }
            next = field_u64(buf, layout->iframe_previous);
        }
        if (next == frame)
            return -1;
        frame = next;
    }
    if (walk->depth > 0)
        walk->frames[walk->depth - 1].entry = 1;
    return 0;
}

int frames_recheck(struct remote *mem, const struct layout *layout, const struct frame_walk *walk)
{
    static uint64_t seen[FRAMES_MAX_DEPTH], refcnt[FRAMES_MAX_DEPTH];
    static struct remote_request requests[2 * FRAMES_MAX_DEPTH];
    int objects = layout->frame_kind == FRAME_OBJECTS;
    uint64_t field = objects ? layout->frame_code : layout->iframe_code;
    uint64_t mask = objects ? 0 : layout->iframe_code_tag_mask;
    size_t n = 0;
    for (uint32_t i = 0; i < walk->depth; i++) {
        requests[n++] = (struct remote_request){walk->frames[i].addr + field, &seen[i], 8, 0};
        /* <=3.10 frames are objects: a finished frame may be freed with f_code intact. */
        if (objects)
            requests[n++] = (struct remote_request){walk->frames[i].addr, &refcnt[i], 8, 0};
    }
    if (remote_read_batch(mem, requests, n) != n)
        return -1;
    for (uint32_t i = 0; i < walk->depth; i++)
        if ((seen[i] & ~mask) != walk->frames[i].code ||
            (objects && !remote_refcount_plausible(refcnt[i])))
            return -1;
    return 0;
}
