/* strings.c - PEP 393 strings and bytes from target memory.
 *
 * Code object names, file names and thread names are compact strings
 * (PyASCIIObject or PyCompactUnicodeObject with the characters right after
 * the header), in 1, 2 or 4 bytes per character.  The header's `state`
 * bitfield says which; its bit positions come from the layout table.  We
 * convert to UTF-8, cap the length, and replace anything that is not a valid
 * code point, so a torn read yields a wrong name at worst, never overflow. */
#include "strings.h"

#include <stdlib.h>
#include <string.h>

size_t string_put_utf8(char *out, uint32_t cp)
{
    if (cp >= 0xd800 && cp <= 0xdfff)
        cp = 0xfffd; /* lone surrogates (e.g. surrogateescape) are not UTF-8 */
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xc0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xe0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    if (cp > 0x10ffff)
        return string_put_utf8(out, 0xfffd);
    out[0] = (char)(0xf0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    out[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

void string_header_decode(const struct layout *layout, const unsigned char *raw,
                          struct string_header *out)
{
    memcpy(&out->refcnt, raw, sizeof out->refcnt);
    memcpy(&out->length, raw + layout->unicode_length, sizeof out->length);
    memcpy(&out->state, raw + layout->unicode_state, sizeof out->state);
}

static int string_read_cut(struct remote *mem, const struct layout *layout, uint64_t addr,
                           char *out, size_t cap, int shown)
{
    if (cap < 8)
        return -1;
    out[0] = '\0';
    /* One read of the header: ob_refcnt (offset 0), length and state. */
    unsigned char head[64];
    uint64_t head_size = layout->unicode_state + 4;
    if (layout->unicode_length + 8 > head_size)
        head_size = layout->unicode_length + 8;
    if (head_size > sizeof head || remote_read(mem, addr, head, head_size) != 0)
        return -1;
    struct string_header h;
    string_header_decode(layout, head, &h);
    int64_t length = h.length;
    uint32_t state = h.state;
    if (!remote_refcount_plausible(h.refcnt))
        return -1; /* a freed string */
    unsigned kind = (state >> layout->unicode_kind_shift) & 7u;
    unsigned compact = (state >> layout->unicode_compact_shift) & 1u;
    unsigned ascii = (state >> layout->unicode_ascii_shift) & 1u;
    if (length < 0 || !compact || (kind != 1 && kind != 2 && kind != 4) || (ascii && kind != 1))
        return -1;
    /* Room: worst case 4 UTF-8 bytes per char, plus "..." and NUL. */
    size_t max_chars = (cap - 4) / 4;
    if (max_chars > STRING_MAX_CHARS)
        max_chars = STRING_MAX_CHARS;
    size_t chars = (size_t)length < max_chars ? (size_t)length : max_chars;
    int truncated = (size_t)length > chars;
    uint64_t data = addr + (ascii ? layout->unicode_ascii_size : layout->unicode_compact_size);
    unsigned char raw[STRING_MAX_CHARS * 4];
    if (remote_read(mem, data, raw, chars * kind) != 0)
        return -1;
    size_t used = 0;
    for (size_t i = 0; i < chars; i++) {
        uint32_t cp;
        if (kind == 1)
            cp = raw[i];
        else if (kind == 2)
            cp = (uint32_t)raw[2 * i] | (uint32_t)raw[2 * i + 1] << 8;
        else
            cp = (uint32_t)raw[4 * i] | (uint32_t)raw[4 * i + 1] << 8 |
                 (uint32_t)raw[4 * i + 2] << 16 | (uint32_t)raw[4 * i + 3] << 24;
        if ((ascii && cp >= 0x80) || cp == 0)
            return -1; /* torn: an ASCII string with a non-ASCII byte, or not yet written */
        used += string_put_utf8(out + used, cp);
    }
    if (truncated) {
        if (shown)
            remote_cap_hit(mem, REMOTE_CAP_STRING);
        memcpy(out + used, "...", 3);
        used += 3;
    }
    out[used] = '\0';
    return (int)used;
}

int string_read(struct remote *mem, const struct layout *layout, uint64_t addr, char *out,
                size_t cap)
{
    return string_read_cut(mem, layout, addr, out, cap, 1);
}

int string_peek(struct remote *mem, const struct layout *layout, uint64_t addr, char *out,
                size_t cap)
{
    return string_read_cut(mem, layout, addr, out, cap, 0);
}

int bytes_read(struct remote *mem, const struct layout *layout, uint64_t addr,
               unsigned char **data, size_t *len)
{
    *data = NULL;
    *len = 0;
    int64_t size;
    if (remote_read(mem, addr + layout->varobject_size, &size, sizeof size) != 0)
        return -1;
    if (size < 0)
        return -1;
    if ((uint64_t)size > BYTES_MAX_LEN) {
        remote_cap_hit(mem, REMOTE_CAP_LINETABLE); /* the only bytes we read: line tables */
        return -1;
    }
    unsigned char *copy = malloc((size_t)size + 1);
    if (!copy)
        return -1;
    if (remote_read(mem, addr + layout->bytes_data, copy, (size_t)size) != 0) {
        free(copy);
        return -1;
    }
    copy[size] = 0;
    *data = copy;
    *len = (size_t)size;
    return 0;
}
