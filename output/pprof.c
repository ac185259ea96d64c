/* pprof.c - Google's pprof format: profile.proto (package perftools.profiles), gzip'd.
 *
 * Field numbers used (from profile.proto):
 *   Profile:   sample_type = 1, sample = 2, location = 4, function = 5,
 *              string_table = 6, duration_nanos = 10, period_type = 11,
 *              period = 12, comment = 13   (mapping = 3, time_nanos = 9 unset)
 *   ValueType: type = 1, unit = 2                (string table indexes)
 *   Sample:    location_id = 1 (packed), value = 2 (packed), label = 3
 *   Label:     key = 1, str = 2, num = 3         (key, str: string indexes)
 *   Location:  id = 1, line = 4                  (no mapping, no address)
 *   Line:      function_id = 1, line = 2
 *   Function:  id = 1, name = 2, system_name = 3, filename = 4
 *              (start_line = 5 left unset: unknown)
 *
 * What goes in:
 * - sample types [samples/count, wall/nanoseconds]; a sample's values are
 *   [count, count * period]; period_type wall/nanoseconds, period = the
 *   sampling period in ns.
 * - one Sample per stack with samples: location ids innermost first (the
 *   pprof convention; our stacks are outermost first), labels thread (the
 *   thread's name), thread_id (num), state, and task when there is one;
 *   under record --subprocesses (profile.process_roots) also pid (num) and
 *   process (its name), when the thread has a process.  Threads are labels,
 *   not root locations, so processes are labels too.
 * - one Function per distinct (name, file), one Location per distinct
 *   (function, line); ids count from 1 in sorted order.
 * - string_table[0] = "", then every other string once, sorted.  Strings
 *   are made valid UTF-8 (protobuf strings must be): invalid bytes and
 *   control characters become '?', as in frame_text.h; ';' is kept.
 * Key choice: build the tables first (sorting, no hashing: deterministic
 * output), then encode one top-level field at a time into a small scratch
 * buffer and stream it through zlib's gzip wrapper (deflateInit2 with
 * windowBits 15 + 16), so the uncompressed profile never sits in memory. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "stream.h"
#include "frame_text.h"
#include "profile.h"
#include "profile_index.h"
#include "protobuf.h"

/* Fixed strings, each with its own slot in the string table. */
enum pprof_fixed {
    PPROF_EMPTY, PPROF_SAMPLES, PPROF_COUNT, PPROF_WALL, PPROF_NANOSECONDS,
    PPROF_THREAD, PPROF_THREAD_ID, PPROF_STATE, PPROF_TASK, PPROF_COMMAND, PPROF_PYTHON,
    PPROF_PID, PPROF_PROCESS, /* only with process roots: other profiles keep their string table */
    PPROF_FIXED_COUNT
};

/* A string and the id slot to fill once the table is sorted. */
struct pprof_string_ref {
    const char *text;
    uint32_t *id;
};

/* Sort key of a frame for the function and location tables. */
struct pprof_frame_key {
    uint32_t a, b; /* (name, file) string ids, or (function id, line) */
    uint32_t frame;
};

struct pprof_writer {
    const struct profile *profile;
    uint64_t interval_ns;
    /* strings */
    char **owned; /* cleaned copies, freed at the end */
    size_t owned_count;
    struct pprof_string_ref *refs;
    size_t ref_count;
    const char **strings; /* the string table, by id */
    size_t string_count;
    uint32_t fixed[PPROF_FIXED_COUNT];
    uint32_t state_ids[STATE_COUNT + 1]; /* the last: "unknown" for out-of-range states */
    uint32_t *frame_name, *frame_file, *thread_name, *stack_task, *process_name;
    /* tables */
    uint32_t *frame_function; /* function id of each frame */
    uint32_t *frame_location; /* location id of each frame */
    struct pprof_frame_key *functions; /* by id - 1: (name, file) */
    size_t function_count;
    struct pprof_frame_key *locations; /* by id - 1: (function id, line) */
    size_t location_count;
    /* output */
    FILE *out;
    z_stream zlib;
    int zlib_open;
    struct protobuf top, message, inner, packed;
};

/* Returns text if it is already clean, else a cleaned copy kept in owned. */
static const char *pprof_clean(struct pprof_writer *w, const char *text)
{
    size_t len = 0;
    int clean = 1;
    char *copy;

    if (!text)
        return "";
    for (const char *s = text; *s;) {
        size_t n = frame_text_utf8_length(s);
        if (n == 0 || (unsigned char)*s < 0x20 || *s == 0x7F) {
            clean = 0;
            n = 1;
        }
        s += n;
        len += n;
    }
    if (clean)
        return text;
    copy = malloc(len + 1);
    if (!copy)
        return NULL;
    for (size_t i = 0; i < len;) {
        size_t n = frame_text_utf8_length(text + i);
        if (n == 0 || (unsigned char)text[i] < 0x20 || text[i] == 0x7F) {
            copy[i++] = '?';
        } else {
            memcpy(copy + i, text + i, n);
            i += n;
        }
    }
    copy[len] = '\0';
    w->owned[w->owned_count++] = copy;
    return copy;
}

static int pprof_add_string(struct pprof_writer *w, const char *text, uint32_t *id)
{
    const char *clean = pprof_clean(w, text);

    if (!clean)
        return -1;
    w->refs[w->ref_count++] = (struct pprof_string_ref){clean, id};
    return 0;
}

static int pprof_compare_refs(const void *a, const void *b)
{
    return strcmp(((const struct pprof_string_ref *)a)->text, ((const struct pprof_string_ref *)b)->text);
}

/* Collects every string, sorts them, gives equal strings one id. */
static int pprof_build_strings(struct pprof_writer *w)
{
    const struct profile *p = w->profile;
    static const char *const fixed[PPROF_FIXED_COUNT] = {
        "", "samples", "count", "wall", "nanoseconds", "thread", "thread_id", "state", "task",
    };
    size_t most = PPROF_FIXED_COUNT + STATE_COUNT + 1 + 2 * p->frame_count + p->thread_count +
                  p->stack_count + p->process_count;
    int rc = 0;

    w->refs = malloc(most * sizeof *w->refs);
    w->owned = malloc(most * sizeof *w->owned);
    w->strings = malloc(most * sizeof *w->strings);
    if (!w->refs || !w->owned || !w->strings)
        return -1;
    for (int i = 0; i < PPROF_COMMAND; i++)
        rc |= pprof_add_string(w, fixed[i], &w->fixed[i]);
    rc |= pprof_add_string(w, p->command ? p->command : "", &w->fixed[PPROF_COMMAND]);
    rc |= pprof_add_string(w, p->python_version ? p->python_version : "", &w->fixed[PPROF_PYTHON]);
    if (p->process_roots) {
        rc |= pprof_add_string(w, "pid", &w->fixed[PPROF_PID]);
        rc |= pprof_add_string(w, "process", &w->fixed[PPROF_PROCESS]);
        for (size_t i = 0; i < p->process_count && p->processes; i++)
            rc |= pprof_add_string(w, p->processes[i].name, &w->process_name[i]);
    }
    for (int s = 0; s <= STATE_COUNT; s++)
        rc |= pprof_add_string(w, sample_state_name(s), &w->state_ids[s]);
    for (size_t i = 0; i < p->frame_count; i++) {
        rc |= pprof_add_string(w, p->frames[i].name ? p->frames[i].name : "?", &w->frame_name[i]);
        rc |= pprof_add_string(w, p->frames[i].file, &w->frame_file[i]);
    }
    for (size_t i = 0; i < p->thread_count; i++)
        rc |= pprof_add_string(w, p->threads[i].name, &w->thread_name[i]);
    for (size_t i = 0; i < p->stack_count; i++)
        if (p->stacks[i].count > 0 && p->stacks[i].task)
            rc |= pprof_add_string(w, p->stacks[i].task, &w->stack_task[i]);
    if (rc)
        return -1;
    qsort(w->refs, w->ref_count, sizeof *w->refs, pprof_compare_refs);
    /* "" sorts first, so it gets id 0 as string_table[0] must be. */
    for (size_t i = 0; i < w->ref_count; i++) {
        if (i == 0 || strcmp(w->refs[i].text, w->refs[i - 1].text) != 0)
            w->strings[w->string_count++] = w->refs[i].text;
        *w->refs[i].id = (uint32_t)(w->string_count - 1);
    }
    return 0;
}

static int pprof_compare_keys(const void *a, const void *b)
{
    const struct pprof_frame_key *x = a;
    const struct pprof_frame_key *y = b;

    if (x->a != y->a)
        return x->a < y->a ? -1 : 1;
    if (x->b != y->b)
        return x->b < y->b ? -1 : 1;
    return 0;
}

/* Sorts keys[] (one per frame) and numbers distinct (a, b) pairs from 1:
 * id_of_frame[frame] gets its pair's id, and the distinct pairs are moved
 * to the front of keys (keys[id - 1]).  Returns how many there are. */
static size_t pprof_number_keys(struct pprof_frame_key *keys, size_t count, uint32_t *id_of_frame)
{
    size_t distinct = 0;

    qsort(keys, count, sizeof *keys, pprof_compare_keys);
    for (size_t i = 0; i < count; i++) {
        if (distinct == 0 || pprof_compare_keys(&keys[i], &keys[distinct - 1]) != 0)
            keys[distinct++] = keys[i];
        id_of_frame[keys[i].frame] = (uint32_t)distinct;
    }
    return distinct;
}

static void pprof_build_tables(struct pprof_writer *w)
{
    const struct profile *p = w->profile;

    for (size_t i = 0; i < p->frame_count; i++)
        w->functions[i] = (struct pprof_frame_key){w->frame_name[i], w->frame_file[i], (uint32_t)i};
    w->function_count = pprof_number_keys(w->functions, p->frame_count, w->frame_function);
    for (size_t i = 0; i < p->frame_count; i++) {
        int line = p->frames[i].line > 0 ? p->frames[i].line : 0;
        w->locations[i] = (struct pprof_frame_key){w->frame_function[i], (uint32_t)line, (uint32_t)i};
    }
    w->location_count = pprof_number_keys(w->locations, p->frame_count, w->frame_location);
}

/* Compresses len bytes (flush: Z_NO_FLUSH, or Z_FINISH at the end). */
static int pprof_deflate(struct pprof_writer *w, const uint8_t *data, size_t len, int flush)
{
    unsigned char chunk[16384];

    w->zlib.next_in = (unsigned char *)data;
    w->zlib.avail_in = (uInt)len;
    do {
        int rc;
        size_t have;

        w->zlib.next_out = chunk;
        w->zlib.avail_out = sizeof chunk;
        rc = deflate(&w->zlib, flush);
        if (rc == Z_STREAM_ERROR) {
            errno = EIO;
            return -1;
        }
        have = sizeof chunk - w->zlib.avail_out;
        if (have > 0 && fwrite(chunk, 1, have, w->out) != have)
            return -1;
    } while (w->zlib.avail_out == 0); /* a full chunk: deflate may have more */
    return 0;
}

/* Sends the scratch buffer `top` (whole top-level fields) to the output. */
static int pprof_emit(struct pprof_writer *w)
{
    if (w->top.failed) {
        errno = ENOMEM;
        return -1;
    }
    /* avail_in is 32-bit: feed large buffers in pieces */
    for (size_t done = 0; done < w->top.len;) {
        size_t piece = w->top.len - done > (1u << 30) ? (1u << 30) : w->top.len - done;
        if (pprof_deflate(w, w->top.data + done, piece, Z_NO_FLUSH) < 0)
            return -1;
        done += piece;
    }
    protobuf_reset(&w->top);
    return 0;
}

static int pprof_emit_if_big(struct pprof_writer *w)
{
    return w->top.len >= 65536 || w->top.failed ? pprof_emit(w) : 0;
}

static void pprof_value_type(struct pprof_writer *w, uint32_t field, uint32_t type, uint32_t unit)
{
    protobuf_reset(&w->message);
    protobuf_uint(&w->message, 1, type);
    protobuf_uint(&w->message, 2, unit);
    protobuf_message(&w->top, field, &w->message);
}

static void pprof_label(struct pprof_writer *w, uint32_t key, uint32_t text, int64_t number, int is_text)
{
    protobuf_reset(&w->inner);
    protobuf_uint(&w->inner, 1, key);
    if (is_text)
        protobuf_uint(&w->inner, 2, text);
    else
        protobuf_int(&w->inner, 3, number);
    protobuf_message(&w->message, 3, &w->inner);
}

static int pprof_write_samples(struct pprof_writer *w)
{
    const struct profile *p = w->profile;

    for (size_t i = 0; i < p->stack_count; i++) {
        const struct profile_stack *stack = &p->stacks[i];
        int state = stack->state >= 0 && stack->state < STATE_COUNT ? stack->state : STATE_COUNT;
        const struct profile_process *process;

        if (stack->count == 0)
            continue;
        protobuf_reset(&w->message);
        protobuf_reset(&w->packed);
        for (uint32_t d = stack->depth; d-- > 0;)
            protobuf_varint(&w->packed, w->frame_location[stack->frames[d]]);
        if (stack->depth > 0)
            protobuf_message(&w->message, 1, &w->packed);
        protobuf_reset(&w->packed);
        protobuf_varint(&w->packed, stack->count);
        protobuf_varint(&w->packed, stack->count * w->interval_ns);
        protobuf_message(&w->message, 2, &w->packed);
        pprof_label(w, w->fixed[PPROF_THREAD], w->thread_name[stack->thread], 0, 1);
        pprof_label(w, w->fixed[PPROF_THREAD_ID], 0, (int64_t)p->threads[stack->thread].tid, 0);
        if ((process = profile_thread_process(p, stack->thread))) {
            pprof_label(w, w->fixed[PPROF_PID], 0, process->pid, 0);
            pprof_label(w, w->fixed[PPROF_PROCESS], w->process_name[process - p->processes], 0, 1);
        }
        pprof_label(w, w->fixed[PPROF_STATE], w->state_ids[state], 0, 1);
        if (stack->task)
            pprof_label(w, w->fixed[PPROF_TASK], w->stack_task[i], 0, 1);
        protobuf_message(&w->top, 2, &w->message);
        if (pprof_emit_if_big(w) < 0)
            return -1;
    }
    return pprof_emit(w);
}

static int pprof_write_tables(struct pprof_writer *w)
{
    for (size_t i = 0; i < w->location_count; i++) {
        protobuf_reset(&w->message);
        protobuf_uint(&w->message, 1, i + 1);
        protobuf_reset(&w->inner);
        protobuf_uint(&w->inner, 1, w->locations[i].a);
        if (w->locations[i].b > 0)
            protobuf_int(&w->inner, 2, w->locations[i].b);
        protobuf_message(&w->message, 4, &w->inner);
        protobuf_message(&w->top, 4, &w->message);
        if (pprof_emit_if_big(w) < 0)
            return -1;
    }
    for (size_t i = 0; i < w->function_count; i++) {
        protobuf_reset(&w->message);
        protobuf_uint(&w->message, 1, i + 1);
        protobuf_uint(&w->message, 2, w->functions[i].a);
        protobuf_uint(&w->message, 3, w->functions[i].a);
        if (w->functions[i].b > 0)
            protobuf_uint(&w->message, 4, w->functions[i].b);
        protobuf_message(&w->top, 5, &w->message);
        if (pprof_emit_if_big(w) < 0)
            return -1;
    }
    for (size_t i = 0; i < w->string_count; i++) {
        protobuf_string(&w->top, 6, w->strings[i]);
        if (pprof_emit_if_big(w) < 0)
            return -1;
    }
    return pprof_emit(w);
}

static int pprof_write_profile(struct pprof_writer *w)
{
    const struct profile *p = w->profile;
    double duration = p->duration_s * 1e9;

    pprof_value_type(w, 1, w->fixed[PPROF_SAMPLES], w->fixed[PPROF_COUNT]);
    pprof_value_type(w, 1, w->fixed[PPROF_WALL], w->fixed[PPROF_NANOSECONDS]);
    if (pprof_emit(w) < 0 || pprof_write_samples(w) < 0 || pprof_write_tables(w) < 0)
        return -1;
    if (isfinite(duration) && duration >= 1 && duration < 9e18)
        protobuf_int(&w->top, 10, (int64_t)llround(duration));
    pprof_value_type(w, 11, w->fixed[PPROF_WALL], w->fixed[PPROF_NANOSECONDS]);
    protobuf_int(&w->top, 12, (int64_t)w->interval_ns);
    protobuf_reset(&w->packed);
    if (w->fixed[PPROF_COMMAND] != 0)
        protobuf_varint(&w->packed, w->fixed[PPROF_COMMAND]);
    if (w->fixed[PPROF_PYTHON] != 0)
        protobuf_varint(&w->packed, w->fixed[PPROF_PYTHON]);
    if (w->packed.len > 0)
        protobuf_message(&w->top, 13, &w->packed);
    if (pprof_emit(w) < 0)
        return -1;
    return pprof_deflate(w, NULL, 0, Z_FINISH);
}

static int pprof_allocate(struct pprof_writer *w)
{
    const struct profile *p = w->profile;
    size_t frames = p->frame_count ? p->frame_count : 1;

    w->frame_name = calloc(frames, sizeof *w->frame_name);
    w->frame_file = calloc(frames, sizeof *w->frame_file);
    w->frame_function = calloc(frames, sizeof *w->frame_function);
    w->frame_location = calloc(frames, sizeof *w->frame_location);
    w->functions = calloc(frames, sizeof *w->functions);
    w->locations = calloc(frames, sizeof *w->locations);
    w->thread_name = calloc(p->thread_count ? p->thread_count : 1, sizeof *w->thread_name);
    w->stack_task = calloc(p->stack_count ? p->stack_count : 1, sizeof *w->stack_task);
    w->process_name = calloc(p->process_count ? p->process_count : 1, sizeof *w->process_name);
    return w->frame_name && w->frame_file && w->frame_function && w->frame_location && w->functions &&
                   w->locations && w->thread_name && w->stack_task && w->process_name
               ? 0
               : -1;
}

static void pprof_free(struct pprof_writer *w)
{
    if (w->zlib_open)
        deflateEnd(&w->zlib);
    for (size_t i = 0; i < w->owned_count; i++)
        free(w->owned[i]);
    free(w->owned);
    free(w->refs);
    free(w->strings);
    free(w->frame_name);
    free(w->frame_file);
    free(w->thread_name);
    free(w->stack_task);
    free(w->process_name);
    free(w->frame_function);
    free(w->frame_location);
    free(w->functions);
    free(w->locations);
    protobuf_free(&w->top);
    protobuf_free(&w->message);
    protobuf_free(&w->inner);
    protobuf_free(&w->packed);
}

int pprof_write(FILE *out, const struct profile *profile)
{
    struct pprof_writer w;
    int result = -1;
    int saved_errno;

    memset(&w, 0, sizeof w);
    w.profile = profile;
    w.out = out;
    w.interval_ns = profile_index_interval_ns(profile);
    if (profile_index_check(profile) < 0)
        return -1;
    if (pprof_allocate(&w) < 0 || pprof_build_strings(&w) < 0) {
        errno = ENOMEM;
        goto done;
    }
    pprof_build_tables(&w);
    if (deflateInit2(&w.zlib, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        errno = ENOMEM;
        goto done;
    }
    w.zlib_open = 1;
    if (pprof_write_profile(&w) < 0)
        goto done;
    if (stream_finish(out) != 0)
        goto done;
    result = 0;

done:
    saved_errno = errno;
    pprof_free(&w);
    errno = saved_errno;
    return result;
}
