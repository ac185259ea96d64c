/* protobuf.h - a tiny protocol buffers encoder into a growing byte buffer.
 *
 * Only what the pprof writer needs: varint and length-delimited fields.
 * A nested message is encoded into its own buffer first and appended with
 * protobuf_message(), which writes its length before it.  Errors are
 * sticky: an allocation failure sets `failed` and turns every later call
 * into a no-op, so callers check once after a batch of calls. */
#ifndef PYCONC_OUTPUT_PROTOBUF_H
#define PYCONC_OUTPUT_PROTOBUF_H

#include <stddef.h>
#include <stdint.h>

/* Wire types of the protocol buffers encoding. */
enum protobuf_wire {
    PROTOBUF_VARINT = 0,
    PROTOBUF_LENGTH_DELIMITED = 2,
};

struct protobuf {
    uint8_t *data;
    size_t len;
    size_t cap;
    int failed; /* set on ENOMEM; nothing more is written */
};

/* Empties the buffer (keeps its memory, clears `failed` too). */
void protobuf_reset(struct protobuf *pb);
void protobuf_free(struct protobuf *pb);

/* A bare varint (e.g. one element of a packed repeated field). */
void protobuf_varint(struct protobuf *pb, uint64_t value);
/* A varint field: uint32/uint64/bool, or int64 (negative values as their
 * 64-bit two's complement, as protobuf's int64 wants). */
void protobuf_uint(struct protobuf *pb, uint32_t field, uint64_t value);
void protobuf_int(struct protobuf *pb, uint32_t field, int64_t value);
/* A length-delimited field: bytes, a string (without its NUL), or an
 * already encoded message or packed array held in another buffer. */
void protobuf_bytes(struct protobuf *pb, uint32_t field, const void *data, size_t len);
void protobuf_string(struct protobuf *pb, uint32_t field, const char *text);
void protobuf_message(struct protobuf *pb, uint32_t field, const struct protobuf *message);

#endif
