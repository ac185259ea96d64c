/* protobuf.c - protocol buffers varints and length-delimited fields.
 *
 * The wire format in brief: a field is a key, varint(field << 3 | wire
 * type), then its value: a varint (7 bits a byte, least significant group
 * first, high bit set on every byte but the last) or, for length-delimited
 * fields, varint(length) and the bytes. */
#include "protobuf.h"

#include <stdlib.h>
#include <string.h>

static int protobuf_reserve(struct protobuf *pb, size_t more)
{
    if (pb->failed)
        return -1;
    if (pb->cap - pb->len >= more)
        return 0;
    size_t cap = pb->cap ? pb->cap : 256;
    while (cap - pb->len < more) {
        if (cap > SIZE_MAX / 2) {
            pb->failed = 1;
            return -1;
        }
        cap *= 2;
    }
    uint8_t *bigger = realloc(pb->data, cap);
    if (!bigger) {
        pb->failed = 1;
        return -1;
    }
    pb->data = bigger;
    pb->cap = cap;
    return 0;
}

void protobuf_reset(struct protobuf *pb)
{
    pb->len = 0;
    pb->failed = 0;
}

void protobuf_free(struct protobuf *pb)
{
    free(pb->data);
    memset(pb, 0, sizeof *pb);
}

void protobuf_varint(struct protobuf *pb, uint64_t value)
{
    if (protobuf_reserve(pb, 10) < 0) /* 64 bits need at most 10 groups of 7 */
        return;
    while (value >= 0x80) {
        pb->data[pb->len++] = (uint8_t)(value | 0x80);
        value >>= 7;
    }
    pb->data[pb->len++] = (uint8_t)value;
}

static void protobuf_key(struct protobuf *pb, uint32_t field, enum protobuf_wire wire)
{
    protobuf_varint(pb, (uint64_t)field << 3 | (uint64_t)wire);
}

void protobuf_uint(struct protobuf *pb, uint32_t field, uint64_t value)
{
    protobuf_key(pb, field, PROTOBUF_VARINT);
    protobuf_varint(pb, value);
}

void protobuf_int(struct protobuf *pb, uint32_t field, int64_t value)
{
    protobuf_uint(pb, field, (uint64_t)value);
}

void protobuf_bytes(struct protobuf *pb, uint32_t field, const void *data, size_t len)
{
    protobuf_key(pb, field, PROTOBUF_LENGTH_DELIMITED);
    protobuf_varint(pb, len);
    if (len == 0 || protobuf_reserve(pb, len) < 0)
        return;
    memcpy(pb->data + pb->len, data, len);
    pb->len += len;
}

void protobuf_string(struct protobuf *pb, uint32_t field, const char *text)
{
    protobuf_bytes(pb, field, text, strlen(text));
}

void protobuf_message(struct protobuf *pb, uint32_t field, const struct protobuf *message)
{
    if (message->failed) {
        pb->failed = 1;
        return;
    }
    protobuf_bytes(pb, field, message->data, message->len);
}
