/* contention_color.c - the text report with ANSI colours, for a terminal.
 *
 * The report is written plain into memory first, then each line is styled by
 * its place: the first line and every line after a blank one is a section
 * heading (bold); a verdict that asks for action (GROWING, a likely
 * deadlock) is red; under "advice", each finding is yellow.  Piped or
 * redirected output never gets here (the caller checks for a terminal), so
 * files and scripts see exactly the plain text. */
#include <stdlib.h>
#include <string.h>

#include "contention.h"
#include "stream.h"

#define ANSI_BOLD "\033[1m"
#define ANSI_RED "\033[31m"
#define ANSI_YELLOW "\033[33m"
#define ANSI_RESET "\033[0m"

static int contention_colorize(FILE *out, const char *text)
{
    int heading = 1, in_advice = 0;
    for (const char *line = text; *line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        const char *style = NULL;
        if (len == 0) {
            heading = 1;
        } else if (heading) {
            style = ANSI_BOLD;
            in_advice = len == 6 && strncmp(line, "advice", 6) == 0;
            heading = 0;
        } else if (memmem(line, len, "GROWING", 7) || memmem(line, len, "likely deadlock", 15)) {
            style = ANSI_RED;
        } else if (in_advice && !memmem(line, len, "(nothing stands out)", 20)) {
            style = ANSI_YELLOW;
        }
        if (fprintf(out, "%s%.*s%s\n", style ? style : "", (int)len, line,
                    style ? ANSI_RESET : "") < 0)
            return -1;
        if (!end)
            break;
        line = end + 1;
    }
    return stream_finish(out);
}

int contention_text_write_color(FILE *out, const struct profile *profile,
                                const struct contention_options *options)
{
    char *text = NULL;
    size_t size = 0;
    FILE *memory = open_memstream(&text, &size);
    if (!memory)
        return -1;
    int rc = contention_text_write(memory, profile, options);
    if (fclose(memory) != 0)
        rc = -1;
    if (rc == 0)
        rc = contention_colorize(out, text);
    free(text);
    return rc;
}
