/* pcp_read.c - rebuild a sample store from a .pcp file (see output/pcp_format.h).
 *
 * Definitions are interned in file order, so the rebuilt store has the ids
 * the recorder had and every writer renders exactly what a direct recording
 * would have.  A file is input from anywhere: every length and id is checked,
 * a block that fails its CRC or does not inflate is an error, and a file that
 * ends inside a block (a recording cut short) reads up to its last whole
 * block with a warning. */
#include "pcp_read.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "../output/pcp_format.h"
#include "../readers/frames.h"

struct pcp_cursor {
    const unsigned char *at, *end;
    int bad;
};

static uint64_t pcp_varint(struct pcp_cursor *c)
{
    uint64_t value = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
        if (c->at >= c->end) {
            c->bad = 1;
            return 0;
        }
        unsigned char byte = *c->at++;
        value |= (uint64_t)(byte & 0x7f) << shift;
        if (!(byte & 0x80))
            return value;
    }
    c->bad = 1;
    return 0;
}

static int64_t pcp_svarint(struct pcp_cursor *c)
{
    uint64_t raw = pcp_varint(c);
    return (int64_t)(raw >> 1) ^ -(int64_t)(raw & 1);
}

static uint32_t pcp_u32le(const unsigned char *at)
{
    return (uint32_t)at[0] | (uint32_t)at[1] << 8 | (uint32_t)at[2] << 16 |
           (uint32_t)at[3] << 24;
}

/* file id -> store id, for each table. */
struct pcp_ids {
    uint32_t *map;
    size_t count, capacity;
};

static int pcp_ids_set(struct pcp_ids *ids, uint64_t file_id, uint32_t store_id)
{
    if (file_id > UINT32_MAX - 1 || file_id > ids->count)
        return -1; /* ids are dense: a new one is exactly the next */
    if (file_id == ids->count) {
        if (ids->count == ids->capacity) {
            size_t size = ids->capacity ? ids->capacity * 2 : 1024;
            uint32_t *bigger = realloc(ids->map, size * sizeof *bigger);
            if (!bigger)
                return -1;
            ids->map = bigger;
            ids->capacity = size;
        }
        ids->count++;
    }
    ids->map[file_id] = store_id;
    return 0;
}

static int pcp_ids_get(const struct pcp_ids *ids, uint64_t file_id, uint32_t *store_id)
{
    if (file_id >= ids->count)
        return -1;
    *store_id = ids->map[file_id];
    return 0;
}

struct pcp_reader {
    struct store *store;
    struct pcp_meta *meta;
    const struct pcp_filter *filter;
    struct pcp_ids strings, frames, threads, stacks, processes;
    uint64_t tick_ns;
    uint32_t frame_ids[FRAMES_MAX_DEPTH + 8];
};

static int pcp_keep(struct pcp_reader *r, uint32_t stack)
{
    const struct pcp_filter *f = r->filter;
    if (!f)
        return 1;
    if (r->tick_ns < f->since_ns || (f->until_ns && r->tick_ns > f->until_ns))
        return 0;
    struct store_stack_parts parts;
    store_stack_parts(r->store, stack, &parts);
    if (f->states && !(f->states & (1u << parts.state)))
        return 0;
    if (f->task && (parts.task == STORE_NO_TASK ||
                    strcmp(intern_key(&r->store->strings, parts.task, NULL), f->task) != 0))
        return 0;
    if (f->thread) {
        uint64_t tid;
        memcpy(&tid, intern_key(&r->store->threads, parts.thread, NULL), sizeof tid);
        char number[32];
        snprintf(number, sizeof number, "%llu", (unsigned long long)tid);
        const char *name = intern_key(&r->store->strings, r->store->thread_names[parts.thread], NULL);
        if (strcmp(number, f->thread) != 0 && strcmp(name, f->thread) != 0)
            return 0;
    }
    return 1;
}

static int pcp_record_stack(struct pcp_reader *r, struct pcp_cursor *c, int held)
{
    uint64_t id = pcp_varint(c), thread = pcp_varint(c), state = pcp_varint(c);
    uint64_t gil = pcp_varint(c), task = pcp_varint(c);
    uint64_t holder = held ? pcp_varint(c) : 0, depth = pcp_varint(c);
    uint32_t store_thread_id, task_id = STORE_NO_TASK, holder_id = 0;
    if (c->bad || depth > FRAMES_MAX_DEPTH + 1 || state >= STATE_COUNT ||
        pcp_ids_get(&r->threads, thread, &store_thread_id) != 0 ||
        (task && pcp_ids_get(&r->strings, task - 1, &task_id) != 0) ||
        (held && pcp_ids_get(&r->threads, holder, &holder_id) != 0))
        return -1;
    for (uint64_t i = 0; i < depth; i++)
        if (pcp_ids_get(&r->frames, pcp_varint(c), &r->frame_ids[i]) != 0 || c->bad)
            return -1;
    struct store_sample_info info = {0, (int)state, gil != 0, task_id, held ? holder_id + 1 : 0};
    uint32_t stack = store_stack(r->store, store_thread_id, &info, r->frame_ids, (uint32_t)depth);
    return stack == INTERN_FAILED ? -1 : pcp_ids_set(&r->stacks, id, stack);
}

static int pcp_record(struct pcp_reader *r, struct pcp_cursor *c, int type)
{
    struct store *store = r->store;
    switch (type) {
    case PCP_STRING: {
        uint64_t id = pcp_varint(c), len = pcp_varint(c);
        if (c->bad || len > (uint64_t)(c->end - c->at) || len > 1u << 20)
            return -1;
        char *text = malloc(len + 1);
        if (!text)
            return -1;
        memcpy(text, c->at, len);
        text[len] = '\0';
        c->at += len;
        uint32_t sid = store_string(store, text);
        free(text);
        return sid == INTERN_FAILED ? -1 : pcp_ids_set(&r->strings, id, sid);
    }
    case PCP_FRAME: {
        uint64_t id = pcp_varint(c), name = pcp_varint(c), file = pcp_varint(c);
        int64_t line = pcp_svarint(c);
        uint32_t name_id, file_id;
        if (c->bad || line < INT32_MIN || line > INT32_MAX ||
            pcp_ids_get(&r->strings, name, &name_id) != 0 ||
            pcp_ids_get(&r->strings, file, &file_id) != 0)
            return -1;
        uint32_t fid = store_frame(store, name_id, file_id, (int)line);
        return fid == INTERN_FAILED ? -1 : pcp_ids_set(&r->frames, id, fid);
    }
    case PCP_PROCESS: {
        uint64_t id = pcp_varint(c), pid = pcp_varint(c), ppid = pcp_varint(c);
        uint64_t name = pcp_varint(c);
        uint32_t name_id;
        if (c->bad || pid > INT32_MAX || ppid > INT32_MAX ||
            pcp_ids_get(&r->strings, name, &name_id) != 0)
            return -1;
        /* the file's id is the key: a repeated record renames the same process */
        uint32_t pidx = store_process(store, id, (int)pid, (int)ppid, name_id);
        return pidx == INTERN_FAILED ? -1 : pcp_ids_set(&r->processes, id, pidx);
    }
    case PCP_THREAD:
    case PCP_THREAD_IN: {
        uint64_t id = pcp_varint(c), tid = pcp_varint(c), name = pcp_varint(c);
        uint64_t from_python = pcp_varint(c);
        uint32_t name_id, process = 0;
        if (type == PCP_THREAD_IN && pcp_ids_get(&r->processes, pcp_varint(c), &process) != 0)
            return -1;
        if (c->bad || pcp_ids_get(&r->strings, name, &name_id) != 0)
            return -1;
        uint32_t tidx = store_thread(store, process, tid, name_id, from_python != 0);
        return tidx == INTERN_FAILED ? -1 : pcp_ids_set(&r->threads, id, tidx);
    }
    case PCP_STACK:
    case PCP_STACK_HELD:
        return pcp_record_stack(r, c, type == PCP_STACK_HELD);
    case PCP_TICK: {
        uint64_t delta = pcp_varint(c), count = pcp_varint(c);
        if (c->bad || count > (uint64_t)(c->end - c->at))
            return -1;
        r->tick_ns += delta;
        for (uint64_t i = 0; i < count; i++) {
            uint32_t stack;
            if (pcp_ids_get(&r->stacks, pcp_varint(c), &stack) != 0 || c->bad)
                return -1;
            if (pcp_keep(r, stack) && store_count(store, stack, r->tick_ns) != 0)
                return -1;
        }
        r->meta->totals.ticks++;
        return 0;
    }
    case PCP_TASKS: {
        struct profile_task_count count;
        count.time_ns = pcp_varint(c);
        count.pending = (uint32_t)pcp_varint(c);
        count.done = (uint32_t)pcp_varint(c);
        count.created = (uint32_t)pcp_varint(c);
        if (c->bad)
            return -1;
        return store_task_count(store, &count);
    }
    case PCP_TASK_CYCLE: {
        uint64_t time_ns = pcp_varint(c);
        uint32_t text;
        if (c->bad || pcp_ids_get(&r->strings, pcp_varint(c), &text) != 0 || c->bad)
            return -1;
        return store_task_cycle(store, time_ns, text);
    }
    case PCP_LIFECYCLE: {
        uint64_t kind = pcp_varint(c), start = pcp_varint(c), duration = pcp_varint(c);
        uint64_t text[3] = {pcp_varint(c), pcp_varint(c), pcp_varint(c)};
        uint64_t value = pcp_varint(c);
        uint32_t ids[3] = {STORE_NO_TASK, STORE_NO_TASK, STORE_NO_TASK}; /* 0 in the file: none */
        if (c->bad || kind > 0xff)
            return -1;
        for (int i = 0; i < 3; i++)
            if (text[i] != 0 && pcp_ids_get(&r->strings, text[i] - 1, &ids[i]) != 0)
                return -1;
        struct store_lifecycle_event e = {(int)kind, start, duration, ids[0], ids[1], ids[2], value};
        return store_lifecycle_event(store, &e);
    }
    case PCP_GAUGE: {
        uint64_t time_ns = pcp_varint(c), name = pcp_varint(c), value = pcp_varint(c);
        uint32_t name_id;
        if (c->bad || pcp_ids_get(&r->strings, name, &name_id) != 0)
            return -1;
        return store_gauge(store, time_ns, name_id, value);
    }
    case PCP_PHASE: {
        uint64_t time_ns = pcp_varint(c), name = pcp_varint(c);
        uint32_t name_id;
        if (c->bad || pcp_ids_get(&r->strings, name, &name_id) != 0)
            return -1;
        return store_phase(store, time_ns, name_id);
    }
    case PCP_EXITED:
        store->target_exited = 1;
        return 0;
    case PCP_END: {
        struct pcp_totals *t = &r->meta->totals;
        t->duration_ns = pcp_varint(c);
        t->ticks = pcp_varint(c);
        t->ticks_missed = pcp_varint(c);
        t->torn = pcp_varint(c);
        t->truncated = pcp_varint(c);
        r->meta->complete = !c->bad;
        return c->bad ? -1 : 0;
    }
    default:
        return -1;
    }
}

static void pcp_header_text(char *out, size_t cap, const unsigned char *data, uint64_t len)
{
    size_t n = len < cap - 1 ? (size_t)len : cap - 1;
    memcpy(out, data, n);
    out[n] = '\0';
}

static int pcp_parse_header(struct pcp_meta *meta, const unsigned char *data, size_t len)
{
    struct pcp_cursor c = {data, data + len, 0};
    char number[64];
    while (c.at < c.end) {
        int key = *c.at++;
        uint64_t n = pcp_varint(&c);
        if (c.bad || n > (uint64_t)(c.end - c.at))
            return -1;
        switch (key) {
        case PCP_HEADER_COMMAND:
            pcp_header_text(meta->command, sizeof meta->command, c.at, n);
            break;
        case PCP_HEADER_PID:
            pcp_header_text(number, sizeof number, c.at, n);
            meta->pid = atoi(number);
            break;
        case PCP_HEADER_PYTHON_VERSION:
            pcp_header_text(meta->python_version, sizeof meta->python_version, c.at, n);
            break;
        case PCP_HEADER_RATE_HZ:
            pcp_header_text(number, sizeof number, c.at, n);
            meta->rate_hz = atof(number);
            break;
        case PCP_HEADER_MODE:
            pcp_header_text(meta->mode, sizeof meta->mode, c.at, n);
            break;
        case PCP_HEADER_START_UNIX_NS:
            pcp_header_text(number, sizeof number, c.at, n);
            meta->start_unix_ns = strtoull(number, NULL, 10);
            break;
        case PCP_HEADER_LIFECYCLE:
            meta->lifecycle = n == 1 && c.at[0] == '1';
            break;
        case PCP_HEADER_PROCESS_ROOTS:
            meta->process_roots = n == 1 && c.at[0] == '1';
            break;
        case PCP_HEADER_PROFILER:
            pcp_header_text(meta->profiler, sizeof meta->profiler, c.at, n);
            break;
        default:
            break; /* a field from a newer writer of the same version: skip */
        }
        c.at += n;
    }
    return 0;
}

static enum pcp_read_result pcp_fail(char *err, size_t err_len, const char *path,
                                     const char *why, long offset)
{
    snprintf(err, err_len, "%s is not a readable pyconc-prof profile: %s (at byte %ld)", path,
             why, offset);
    return PCP_READ_ERROR;
}

static enum pcp_read_result pcp_read_blocks(FILE *file, const char *path, struct pcp_reader *r,
                                            char *err, size_t err_len)
{
    unsigned char *packed = NULL, *raw = NULL;
    enum pcp_read_result result = PCP_READ_OK;
    for (;;) {
        long offset = ftell(file);
        unsigned char head[16];
        size_t got = fread(head, 1, sizeof head, file);
        if (got == 0)
            break;
        if (got < sizeof head || memcmp(head, PCP_BLOCK_MAGIC, 4) != 0) {
            if (got < sizeof head && memcmp(head, PCP_BLOCK_MAGIC, got < 4 ? got : 4) == 0) {
                snprintf(err, err_len, "%s ends inside a block (the recording was cut short); "
                         "read %llu complete blocks", path, (unsigned long long)r->meta->blocks);
                result = PCP_READ_TRUNCATED;
            } else {
                result = pcp_fail(err, err_len, path, "bad block header", offset);
            }
            break;
        }
        uint32_t raw_len = pcp_u32le(head + 4), packed_len = pcp_u32le(head + 8);
        if (raw_len > PCP_BLOCK_MAX || packed_len > PCP_BLOCK_MAX) {
            result = pcp_fail(err, err_len, path, "implausible block size", offset);
            break;
        }
        free(packed);
        free(raw);
        packed = malloc(packed_len + 1);
        raw = malloc(raw_len + 1);
        if (!packed || !raw) {
            result = pcp_fail(err, err_len, path, "out of memory", offset);
            break;
        }
        if (fread(packed, 1, packed_len, file) != packed_len) {
            snprintf(err, err_len, "%s ends inside a block (the recording was cut short); "
                     "read %llu complete blocks", path, (unsigned long long)r->meta->blocks);
            result = PCP_READ_TRUNCATED;
            break;
        }
        uLongf inflated = raw_len;
        if ((uint32_t)crc32(0L, packed, packed_len) != pcp_u32le(head + 12) ||
            uncompress(raw, &inflated, packed, packed_len) != Z_OK || inflated != raw_len) {
            result = pcp_fail(err, err_len, path, "block checksum or compression is wrong", offset);
            break;
        }
        struct pcp_cursor c = {raw, raw + raw_len, 0};
        while (c.at < c.end) {
            int type = *c.at++;
            if (pcp_record(r, &c, type) != 0 || c.bad) {
                result = pcp_fail(err, err_len, path, "a record does not parse", offset);
                break;
            }
        }
        if (result != PCP_READ_OK)
            break;
        r->meta->blocks++;
    }
    free(packed);
    free(raw);
    return result;
}

enum pcp_read_result pcp_read(const char *path, struct store *store, struct pcp_meta *meta,
                              const struct pcp_filter *filter, char *err, size_t err_len)
{
    memset(meta, 0, sizeof *meta);
    FILE *file = fopen(path, "rbe");
    if (!file) {
        snprintf(err, err_len, "cannot read %s: %s", path, strerror(errno));
        return PCP_READ_ERROR;
    }
    unsigned char head[PCP_MAGIC_LEN + 8];
    enum pcp_read_result result;
    if (fread(head, 1, sizeof head, file) != sizeof head ||
        memcmp(head, PCP_MAGIC, PCP_MAGIC_LEN) != 0) {
        fclose(file);
        snprintf(err, err_len, "%s is not a pyconc-prof raw profile (.pcp): bad magic", path);
        return PCP_READ_ERROR;
    }
    uint32_t version = pcp_u32le(head + PCP_MAGIC_LEN);
    uint32_t header_len = pcp_u32le(head + PCP_MAGIC_LEN + 4);
    if (version > PCP_VERSION) {
        fclose(file);
        snprintf(err, err_len,
                 "%s was written in profile format %u by a newer pyconc-prof; this one reads "
                 "format %d and older: upgrade pyconc-prof to read it",
                 path, version, PCP_VERSION);
        return PCP_READ_ERROR;
    }
    unsigned char *header = header_len <= (1u << 20) ? malloc(header_len + 1) : NULL;
    if (header && fread(header, 1, header_len, file) != header_len) {
        free(header);
        fclose(file);
        snprintf(err, err_len, "%s ends inside its header (the recording was cut short at "
                 "once): no samples", path);
        return PCP_READ_TRUNCATED;
    }
    if (!header || pcp_parse_header(meta, header, header_len) != 0) {
        free(header);
        fclose(file);
        return pcp_fail(err, err_len, path, "bad header", (long)sizeof head);
    }
    free(header);
    store->lifecycle = meta->lifecycle;
    store->process_roots = meta->process_roots;
    struct pcp_reader *reader = calloc(1, sizeof *reader);
    if (!reader) {
        fclose(file);
        return pcp_fail(err, err_len, path, "out of memory", 0);
    }
    reader->store = store;
    reader->meta = meta;
    reader->filter = filter;
    result = pcp_read_blocks(file, path, reader, err, err_len);
    if (!meta->complete)
        meta->totals.duration_ns = reader->tick_ns;
    if (result == PCP_READ_OK && !meta->complete) {
        snprintf(err, err_len,
                 "%s has no end record (the recording was cut short); read all %llu blocks",
                 path, (unsigned long long)meta->blocks);
        result = PCP_READ_TRUNCATED;
    }
    free(reader->strings.map);
    free(reader->frames.map);
    free(reader->threads.map);
    free(reader->stacks.map);
    free(reader->processes.map);
    free(reader);
    fclose(file);
    return result;
}
