/* stream.c - flush-and-check, and printf that remembers a failure. */
#include "stream.h"

#include <errno.h>
#include <stdarg.h>

int stream_finish(FILE *out)
{
    if (fflush(out) != 0)
        return -1;
    if (ferror(out)) {
        errno = EIO; /* an earlier write failed; its errno is long gone */
        return -1;
    }
    return 0;
}

void sticky_vprintf(struct sticky_out *sticky, const char *format, va_list args)
{
    if (!sticky->failed && vfprintf(sticky->out, format, args) < 0)
        sticky->failed = 1;
}

void sticky_printf(struct sticky_out *sticky, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    sticky_vprintf(sticky, format, args);
    va_end(args);
}
