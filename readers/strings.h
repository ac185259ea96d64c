/* strings.h - read str and bytes objects from the target, with length caps. */
#ifndef PYCONC_READERS_STRINGS_H
#define PYCONC_READERS_STRINGS_H

#include <stddef.h>
#include <stdint.h>

#include "layout.h"
#include "remote.h"

/* Longest str we copy, in characters; longer ones are cut and marked "...". */
#define STRING_MAX_CHARS 1024
/* Largest bytes object (line tables) we copy. */
#define BYTES_MAX_LEN (1u << 20)

/* A str's header (ob_refcnt at offset 0, length, state), decoded from bytes
 * read at its address: at least max(unicode_state + 4, unicode_length + 8). */
struct string_header {
    uint64_t refcnt;
    int64_t length;
    uint32_t state;
};
void string_header_decode(const struct layout *layout, const unsigned char *raw,
                          struct string_header *out);

/* Reads the str object at addr as NUL-terminated UTF-8 into out (capacity cap,
 * at least 8).  Returns the byte length, or -1 when it is not a readable
 * compact str.  A string longer than fits is cut, ends in "...", and counted
 * (REMOTE_CAP_STRING). */
int string_read(struct remote *mem, const struct layout *layout, uint64_t addr, char *out,
                size_t cap);
/* string_read for the profiler's own look at a string (a dict key compared
 * with a name, sys.version): a cut there is not shown anyone, not counted. */
int string_peek(struct remote *mem, const struct layout *layout, uint64_t addr, char *out,
                size_t cap);

/* Reads a bytes object; *data is malloc'd (caller frees).  0 or -1. */
int bytes_read(struct remote *mem, const struct layout *layout, uint64_t addr,
               unsigned char **data, size_t *len);

/* Appends code point cp as UTF-8 to out (room for 4 bytes needed); returns bytes written. */
size_t string_put_utf8(char *out, uint32_t cp);

#endif
