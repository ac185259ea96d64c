/* pcp_write.c - the raw profile writer (format in pcp_format.h).
 *
 * Records are appended to an in-memory block and compressed with zlib when
 * the block is flushed (by the recorder about once a second, or when it
 * grows past PCP_BLOCK_TARGET).  Each block is written with one fwrite and
 * fflush, so what is on disk is always a prefix of whole blocks plus at most
 * one partial block, which the reader detects. */
#include "pcp_write.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "pcp_format.h"

static int pcp_reserve(struct pcp_writer *w, size_t more)
{
    if (w->raw_capacity - w->raw_len >= more)
        return 0;
    size_t size = w->raw_capacity ? w->raw_capacity : 64 * 1024;
    while (size - w->raw_len < more)
        size *= 2;
    unsigned char *bigger = realloc(w->raw, size);
    if (!bigger) {
        w->failed = 1;
        return -1;
    }
    w->raw = bigger;
    w->raw_capacity = size;
    return 0;
}

static void pcp_put_byte(struct pcp_writer *w, unsigned char byte)
{
    w->raw[w->raw_len++] = byte;
}

static void pcp_put_varint(struct pcp_writer *w, uint64_t value)
{
    while (value >= 0x80) {
        pcp_put_byte(w, (unsigned char)(value | 0x80));
        value >>= 7;
    }
    pcp_put_byte(w, (unsigned char)value);
}

static void pcp_put_svarint(struct pcp_writer *w, int64_t value)
{
    pcp_put_varint(w, ((uint64_t)value << 1) ^ (value < 0 ? UINT64_MAX : 0)); /* zigzag */
}

/* Room for a record of `varints` varints and `bytes` raw bytes. */
static int pcp_record(struct pcp_writer *w, enum pcp_record type, size_t varints, size_t bytes)
{
    if (w->failed || pcp_reserve(w, 1 + varints * 10 + bytes) != 0)
        return -1;
    pcp_put_byte(w, (unsigned char)type);
    return 0;
}

static void pcp_put_u32le(unsigned char *at, uint32_t value)
{
    for (int i = 0; i < 4; i++)
        at[i] = (unsigned char)(value >> (8 * i));
}

static int pcp_write_all(struct pcp_writer *w, const void *data, size_t len)
{
    if (w->failed || fwrite(data, 1, len, w->out) != len) {
        w->failed = 1;
        return -1;
    }
    return 0;
}

static int pcp_header_field(struct pcp_writer *w, enum pcp_header_key key, const char *text)
{
    size_t len = text ? strlen(text) : 0;
    if (pcp_reserve(w, 1 + 10 + len) != 0)
        return -1;
    pcp_put_byte(w, (unsigned char)key);
    pcp_put_varint(w, len);
    if (len)
        memcpy(w->raw + w->raw_len, text, len);
    w->raw_len += len;
    return 0;
}

int pcp_writer_open(struct pcp_writer *w, FILE *out, const struct pcp_header *header)
{
    memset(w, 0, sizeof *w);
    w->out = out;
    char number[64];
    int rc = pcp_header_field(w, PCP_HEADER_COMMAND, header->command);
    snprintf(number, sizeof number, "%d", header->pid);
    rc |= pcp_header_field(w, PCP_HEADER_PID, number);
    rc |= pcp_header_field(w, PCP_HEADER_PYTHON_VERSION, header->python_version);
    snprintf(number, sizeof number, "%.17g", header->rate_hz);
    rc |= pcp_header_field(w, PCP_HEADER_RATE_HZ, number);
    rc |= pcp_header_field(w, PCP_HEADER_MODE, header->mode);
    snprintf(number, sizeof number, "%llu", (unsigned long long)header->start_unix_ns);
    rc |= pcp_header_field(w, PCP_HEADER_START_UNIX_NS, number);
    rc |= pcp_header_field(w, PCP_HEADER_PROFILER, header->profiler);
    if (header->lifecycle)
        rc |= pcp_header_field(w, PCP_HEADER_LIFECYCLE, "1");
    if (header->process_roots)
        rc |= pcp_header_field(w, PCP_HEADER_PROCESS_ROOTS, "1");
    if (rc != 0)
        return -1;
    unsigned char head[PCP_MAGIC_LEN + 8];
    memcpy(head, PCP_MAGIC, PCP_MAGIC_LEN);
    pcp_put_u32le(head + PCP_MAGIC_LEN, PCP_VERSION);
    pcp_put_u32le(head + PCP_MAGIC_LEN + 4, (uint32_t)w->raw_len);
    if (pcp_write_all(w, head, sizeof head) != 0 || pcp_write_all(w, w->raw, w->raw_len) != 0 ||
        fflush(out) != 0) {
        w->failed = 1;
        return -1;
    }
    w->raw_len = 0;
    return 0;
}

int pcp_write_string(struct pcp_writer *w, uint32_t id, const char *text)
{
    size_t len = strlen(text);
    if (pcp_record(w, PCP_STRING, 2, len) != 0)
        return -1;
    pcp_put_varint(w, id);
    pcp_put_varint(w, len);
    memcpy(w->raw + w->raw_len, text, len);
    w->raw_len += len;
    return 0;
}

int pcp_write_frame(struct pcp_writer *w, uint32_t id, uint32_t name, uint32_t file, int line)
{
    if (pcp_record(w, PCP_FRAME, 4, 0) != 0)
        return -1;
    pcp_put_varint(w, id);
    pcp_put_varint(w, name);
    pcp_put_varint(w, file);
    pcp_put_svarint(w, line);
    return 0;
}

int pcp_write_process(struct pcp_writer *w, uint32_t id, int pid, int ppid, uint32_t name)
{
    if (pcp_record(w, PCP_PROCESS, 4, 0) != 0)
        return -1;
    pcp_put_varint(w, id);
    pcp_put_varint(w, pid > 0 ? (uint64_t)pid : 0);
    pcp_put_varint(w, ppid > 0 ? (uint64_t)ppid : 0);
    pcp_put_varint(w, name);
    return 0;
}

int pcp_write_thread(struct pcp_writer *w, uint32_t id, uint64_t tid, uint32_t name,
                     int from_python, uint32_t process)
{
    if (pcp_record(w, PCP_THREAD_IN, 5, 0) != 0)
        return -1;
    pcp_put_varint(w, id);
    pcp_put_varint(w, tid);
    pcp_put_varint(w, name);
    pcp_put_varint(w, from_python ? 1 : 0);
    pcp_put_varint(w, process);
    return 0;
}

int pcp_write_stack(struct pcp_writer *w, uint32_t id, uint32_t thread, int state, int holds_gil,
                    uint32_t task, uint32_t holder, const uint32_t *frames, uint32_t depth)
{
    if (pcp_record(w, holder ? PCP_STACK_HELD : PCP_STACK, 7 + (size_t)depth, 0) != 0)
        return -1;
    pcp_put_varint(w, id);
    pcp_put_varint(w, thread);
    pcp_put_varint(w, (uint64_t)state);
    pcp_put_varint(w, holds_gil ? 1 : 0);
    pcp_put_varint(w, task == UINT32_MAX ? 0 : (uint64_t)task + 1);
    if (holder)
        pcp_put_varint(w, holder - 1);
    pcp_put_varint(w, depth);
    for (uint32_t i = 0; i < depth; i++)
        pcp_put_varint(w, frames[i]);
    return 0;
}

int pcp_write_tick(struct pcp_writer *w, uint64_t delta_ns, const uint32_t *stacks, size_t count)
{
    if (pcp_record(w, PCP_TICK, 2 + count, 0) != 0)
        return -1;
    pcp_put_varint(w, delta_ns);
    pcp_put_varint(w, count);
    for (size_t i = 0; i < count; i++)
        pcp_put_varint(w, stacks[i]);
    return 0;
}

int pcp_write_tasks(struct pcp_writer *w, const struct profile_task_count *count)
{
    if (pcp_record(w, PCP_TASKS, 4, 0) != 0)
        return -1;
    pcp_put_varint(w, count->time_ns);
    pcp_put_varint(w, count->pending);
    pcp_put_varint(w, count->done);
    pcp_put_varint(w, count->created);
    return 0;
}

int pcp_write_task_cycle(struct pcp_writer *w, uint64_t time_ns, uint32_t tasks)
{
    if (pcp_record(w, PCP_TASK_CYCLE, 2, 0) != 0)
        return -1;
    pcp_put_varint(w, time_ns);
    pcp_put_varint(w, tasks);
    return 0;
}

static uint64_t pcp_optional_id(uint32_t id)
{
    return id == UINT32_MAX ? 0 : (uint64_t)id + 1;
}

int pcp_write_lifecycle(struct pcp_writer *w, int kind, uint64_t start_ns, uint64_t duration_ns,
                        uint32_t subject, uint32_t other, uint32_t where, uint64_t value)
{
    if (pcp_record(w, PCP_LIFECYCLE, 7, 0) != 0)
        return -1;
    pcp_put_varint(w, (uint64_t)kind);
    pcp_put_varint(w, start_ns);
    pcp_put_varint(w, duration_ns);
    pcp_put_varint(w, pcp_optional_id(subject));
    pcp_put_varint(w, pcp_optional_id(other));
    pcp_put_varint(w, pcp_optional_id(where));
    pcp_put_varint(w, value);
    return 0;
}

int pcp_write_gauge(struct pcp_writer *w, uint64_t time_ns, uint32_t name, uint64_t value)
{
    if (pcp_record(w, PCP_GAUGE, 3, 0) != 0)
        return -1;
    pcp_put_varint(w, time_ns);
    pcp_put_varint(w, name);
    pcp_put_varint(w, value);
    return 0;
}

int pcp_write_phase(struct pcp_writer *w, uint64_t time_ns, uint32_t name)
{
    if (pcp_record(w, PCP_PHASE, 2, 0) != 0)
        return -1;
    pcp_put_varint(w, time_ns);
    pcp_put_varint(w, name);
    return 0;
}

int pcp_write_exited(struct pcp_writer *w)
{
    return pcp_record(w, PCP_EXITED, 0, 0);
}

int pcp_write_end(struct pcp_writer *w, const struct pcp_totals *totals)
{
    if (pcp_record(w, PCP_END, 5, 0) != 0)
        return -1;
    pcp_put_varint(w, totals->duration_ns);
    pcp_put_varint(w, totals->ticks);
    pcp_put_varint(w, totals->ticks_missed);
    pcp_put_varint(w, totals->torn);
    pcp_put_varint(w, totals->truncated);
    return 0;
}

int pcp_writer_block_full(const struct pcp_writer *w)
{
    return w->raw_len >= PCP_BLOCK_TARGET;
}

int pcp_writer_flush(struct pcp_writer *w)
{
    if (w->failed)
        return -1;
    if (w->raw_len == 0)
        return 0;
    uLongf packed_len = compressBound((uLong)w->raw_len);
    if (packed_len > w->packed_capacity) {
        unsigned char *bigger = realloc(w->packed, packed_len);
        if (!bigger) {
            w->failed = 1;
            return -1;
        }
        w->packed = bigger;
        w->packed_capacity = packed_len;
    }
    if (compress2(w->packed, &packed_len, w->raw, (uLong)w->raw_len, Z_DEFAULT_COMPRESSION) !=
        Z_OK) {
        w->failed = 1;
        errno = ENOMEM;
        return -1;
    }
    unsigned char head[16];
    memcpy(head, PCP_BLOCK_MAGIC, 4);
    pcp_put_u32le(head + 4, (uint32_t)w->raw_len);
    pcp_put_u32le(head + 8, (uint32_t)packed_len);
    pcp_put_u32le(head + 12, (uint32_t)crc32(0L, w->packed, (uInt)packed_len));
    if (pcp_write_all(w, head, sizeof head) != 0 || pcp_write_all(w, w->packed, packed_len) != 0 ||
        fflush(w->out) != 0) {
        w->failed = 1;
        return -1;
    }
    w->raw_len = 0;
    return 0;
}

int pcp_writer_close(struct pcp_writer *w)
{
    int rc = pcp_writer_flush(w);
    free(w->raw);
    free(w->packed);
    w->raw = w->packed = NULL;
    w->raw_capacity = w->packed_capacity = 0;
    return rc;
}
