/* linetable.h - decode a code object's line table once into address ranges. */
#ifndef PYCONC_READERS_LINETABLE_H
#define PYCONC_READERS_LINETABLE_H

#include <stddef.h>
#include <stdint.h>

struct line_range {
    uint32_t start; /* byte offset of the first instruction, inclusive */
    uint32_t end;   /* exclusive */
    int32_t line;   /* -1: no line (artificial instructions) */
};

struct line_ranges {
    struct line_range *ranges;
    size_t count;
};

/* Decodes table (kind: enum linetable_kind) of a code object whose first line
 * is firstlineno.  0 on success (ranges may be empty), -1 on allocation failure.
 * Malformed input stops the decoding early; it never reads past len. */
int linetable_decode(int kind, const unsigned char *table, size_t len, int firstlineno,
                     struct line_ranges *out);

/* Line of the instruction at byte offset `offset` (may be negative: not yet
 * started, which gives firstlineno). */
int linetable_line(const struct line_ranges *ranges, int64_t offset, int firstlineno);

void linetable_free(struct line_ranges *ranges);

#endif
