/* json.c - JSON string escaping.
 *
 * Names come from the target and may hold anything: control characters are
 * escaped, and bytes that are not valid UTF-8 are replaced so every JSON we
 * write parses. */
#include "json.h"

#include <stdint.h>

/* Length of the valid UTF-8 sequence at s, or 0 if it is not one. */
static int json_utf8_length(const unsigned char *s)
{
    if (s[0] < 0x80)
        return 1;
    int n = s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 ? 2 : 0;
    if (n == 0 || (n == 3 && s[0] > 0xef))
        return 0;
    for (int i = 1; i < n; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    return n;
}

int json_write_string(FILE *out, const char *text)
{
    if (fputc('"', out) == EOF)
        return -1;
    const unsigned char *s = (const unsigned char *)(text ? text : "");
    while (*s) {
        int rc;
        if (*s == '"' || *s == '\\') {
            rc = fprintf(out, "\\%c", *s);
            s++;
        } else if (*s < 0x20) {
            rc = fprintf(out, "\\u%04x", *s);
            s++;
        } else {
            int n = json_utf8_length(s);
            if (n == 0) {
                rc = fputs("\\ufffd", out);
                s++;
            } else {
                rc = (int)fwrite(s, 1, (size_t)n, out) == n ? 0 : -1;
                s += n;
            }
        }
        if (rc < 0)
            return -1;
    }
    return fputc('"', out) == EOF ? -1 : 0;
}
