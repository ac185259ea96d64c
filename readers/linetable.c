/* linetable.c - the three line-number encodings of CPython 3.8-3.15.
 *
 * 3.8-3.9 co_lnotab: pairs (address increment, signed line increment); the
 *   line applies from that address on (Objects/lnotab_notes.txt, 3.9).
 * 3.10 co_linetable: pairs (length in bytes, signed line delta), -128 meaning
 *   "no line" for that range (Objects/lnotab_notes.txt, 3.10).
 * 3.11+ location table: entries whose first byte has bit 7 set, bits 3-6 a
 *   code and bits 0-2 the length in code units minus one; code 15 = no
 *   location, 14 = long form (svarint line delta, then 3 varints), 13 = no
 *   column (svarint line delta), 10-12 = one-line forms (delta code-10, 2 bytes),
 *   0-9 = short forms (delta 0, 1 byte) (InternalDocs/locations.md, 3.13).
 * Each is decoded once per code object into sorted byte ranges; a sample's
 * line is then a binary search. */
#include "linetable.h"

#include <stdlib.h>

#include "layout.h"

/* A table that would decode into more ranges than this is not real. */
#define LINETABLE_MAX_RANGES (1u << 20)

struct range_builder {
    struct line_ranges *out;
    size_t capacity;
};

static int range_push(struct range_builder *b, uint64_t start, uint64_t end, int64_t line)
{
    if (end <= start)
        return 0;
    if (end > UINT32_MAX || line > INT32_MAX || line < -1)
        return -2; /* implausible: stop decoding */
    struct line_ranges *out = b->out;
    if (out->count > 0 && out->ranges[out->count - 1].line == line &&
        out->ranges[out->count - 1].end == start) {
        out->ranges[out->count - 1].end = (uint32_t)end;
        return 0;
    }
    if (out->count == b->capacity) {
        if (b->capacity >= LINETABLE_MAX_RANGES)
            return -2;
        size_t grown = b->capacity ? b->capacity * 2 : 16;
        struct line_range *bigger = realloc(out->ranges, grown * sizeof *bigger);
        if (!bigger)
            return -1;
        out->ranges = bigger;
        b->capacity = grown;
    }
    out->ranges[out->count++] = (struct line_range){(uint32_t)start, (uint32_t)end, (int32_t)line};
    return 0;
}

static int decode_lnotab(struct range_builder *b, const unsigned char *t, size_t len, int first)
{
    uint64_t addr = 0;
    int64_t line = first;
    for (size_t i = 0; i + 1 < len; i += 2) {
        uint64_t next = addr + t[i];
        int rc = range_push(b, addr, next, line);
        if (rc != 0)
            return rc;
        addr = next;
        line += (signed char)t[i + 1];
    }
    /* The last line runs to the end of the code. */
    return range_push(b, addr, UINT32_MAX, line);
}

static int decode_310(struct range_builder *b, const unsigned char *t, size_t len, int first)
{
    uint64_t addr = 0;
    int64_t line = first;
    for (size_t i = 0; i + 1 < len; i += 2) {
        uint64_t end = addr + t[i];
        int delta = (signed char)t[i + 1];
        int64_t range_line = -1;
        if (delta != -128) {
            line += delta;
            range_line = line;
        }
        int rc = range_push(b, addr, end, range_line);
        if (rc != 0)
            return rc;
        addr = end;
    }
    return 0;
}

/* 6-bit little-endian groups, bit 6 = more follows. */
static int read_varint(const unsigned char *t, size_t len, size_t *at, uint64_t *value)
{
    uint64_t result = 0;
    unsigned shift = 0;
    for (;;) {
        if (*at >= len || shift > 60)
            return -1;
        unsigned char byte = t[(*at)++];
        result |= (uint64_t)(byte & 63) << shift;
        shift += 6;
        if (!(byte & 64))
            break;
    }
    *value = result;
    return 0;
}

static int read_svarint(const unsigned char *t, size_t len, size_t *at, int64_t *value)
{
    uint64_t raw;
    if (read_varint(t, len, at, &raw) != 0)
        return -1;
    *value = (raw & 1) ? -(int64_t)(raw >> 1) : (int64_t)(raw >> 1);
    return 0;
}

static int decode_locations(struct range_builder *b, const unsigned char *t, size_t len,
                            int first)
{
    uint64_t addr = 0; /* in bytes: 2 per code unit */
    int64_t line = first;
    size_t at = 0;
    while (at < len) {
        unsigned char head = t[at++];
        if (!(head & 0x80))
            return 0; /* not an entry start: malformed, stop */
        unsigned code = (head >> 3) & 15;
        uint64_t end = addr + 2 * ((uint64_t)(head & 7) + 1);
        int64_t range_line = line;
        int64_t delta = 0;
        uint64_t skip;
        if (code == 15) {
            range_line = -1;
        } else if (code == 14) {
            if (read_svarint(t, len, &at, &delta) != 0 || read_varint(t, len, &at, &skip) != 0 ||
                read_varint(t, len, &at, &skip) != 0 || read_varint(t, len, &at, &skip) != 0)
                return 0;
        } else if (code == 13) {
            if (read_svarint(t, len, &at, &delta) != 0)
                return 0;
        } else if (code >= 10) {
            delta = (int64_t)code - 10;
            at += 2;
        } else {
            at += 1;
        }
        if (code != 15) {
            line += delta;
            range_line = line;
        }
        int rc = range_push(b, addr, end, range_line);
        if (rc != 0)
            return rc;
        addr = end;
    }
    return 0;
}

int linetable_decode(int kind, const unsigned char *table, size_t len, int firstlineno,
                     struct line_ranges *out)
{
    out->ranges = NULL;
    out->count = 0;
    struct range_builder builder = {out, 0};
    int rc = 0;
    if (kind == LINETABLE_LNOTAB)
        rc = decode_lnotab(&builder, table, len, firstlineno);
    else if (kind == LINETABLE_310)
        rc = decode_310(&builder, table, len, firstlineno);
    else if (kind == LINETABLE_LOCATIONS)
        rc = decode_locations(&builder, table, len, firstlineno);
    if (rc == -1) {
        linetable_free(out);
        return -1;
    }
    return 0; /* -2 (implausible) keeps what was decoded so far */
}

int linetable_line(const struct line_ranges *ranges, int64_t offset, int firstlineno)
{
    if (offset < 0 || ranges->count == 0)
        return firstlineno;
    size_t lo = 0, hi = ranges->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct line_range *r = &ranges->ranges[mid];
        if ((uint64_t)offset < r->start)
            hi = mid;
        else if ((uint64_t)offset >= r->end)
            lo = mid + 1;
        else
            return r->line >= 0 ? r->line : firstlineno;
    }
    return firstlineno;
}

void linetable_free(struct line_ranges *ranges)
{
    free(ranges->ranges);
    ranges->ranges = NULL;
    ranges->count = 0;
}
