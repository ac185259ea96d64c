/* fields.h - fields of a C struct read out of a byte copy of target memory.
 *
 * The readers copy a struct's bytes in one remote read, then pick fields at
 * layout offsets; memcpy keeps that free of alignment and aliasing UB. */
#ifndef PYCONC_READERS_FIELDS_H
#define PYCONC_READERS_FIELDS_H

#include <stdint.h>
#include <string.h>

static inline uint64_t field_u64(const unsigned char *buf, uint64_t offset)
{
    uint64_t value;
    memcpy(&value, buf + offset, sizeof value);
    return value;
}

static inline int32_t field_i32(const unsigned char *buf, uint64_t offset)
{
    int32_t value;
    memcpy(&value, buf + offset, sizeof value);
    return value;
}

static inline int64_t field_i8(const unsigned char *buf, uint64_t offset)
{
    return (int8_t)buf[offset];
}

#endif
