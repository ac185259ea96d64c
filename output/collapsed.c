/* collapsed.c - the folded ("collapsed") stack format of flamegraph.pl.
 *
 * One line per unique stack, outermost first, thread root first:
 *
 *     thread:NAME:TID;QUALNAME (FILE:LINE);QUALNAME (FILE:LINE) COUNT
 *
 * and under record --subprocesses (profile.process_roots) the process first:
 *
 *     process:PID:NAME;thread:NAME:TID;QUALNAME (FILE:LINE) COUNT
 *
 * Frame and root text come from frame_text.h, which also sanitises names
 * (';' -> ',', control bytes and invalid UTF-8 -> '?').  Design choice:
 * render every stack to its full line text first, sort the lines and merge
 * equal neighbours.  Merging on the rendered text (not on frame indexes)
 * is what guarantees a consumer never sees the same line twice, even when
 * two interned frames or threads print alike; sorting makes the output
 * deterministic.  Stacks with a zero count are left out. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "stream.h"
#include "frame_text.h"
#include "profile.h"

struct collapsed_line {
    char *text; /* "[process:...;]thread:...;frame;frame", without the count */
    uint64_t count;
};

static char *collapsed_render_stack(const struct frame_text_table *texts,
                                    const struct profile_stack *stack)
{
    const char *root = texts->threads[stack->thread];
    size_t len = strlen(root);
    char *line;
    char *end;

    for (uint32_t d = 0; d < stack->depth; d++)
        len += 1 + strlen(texts->frames[stack->frames[d]]);
    line = malloc(len + 1);
    if (!line)
        return NULL;
    end = stpcpy(line, root);
    for (uint32_t d = 0; d < stack->depth; d++) {
        *end++ = ';';
        end = stpcpy(end, texts->frames[stack->frames[d]]);
    }
    return line;
}

static int collapsed_compare(const void *a, const void *b)
{
    const struct collapsed_line *la = a;
    const struct collapsed_line *lb = b;

    return strcmp(la->text, lb->text);
}

/* Fills lines[] with one entry per stack that has samples and sets *made
 * to their number; -1 when out of memory (*made entries are still valid). */
static int collapsed_build_lines(const struct profile *profile, const struct frame_text_table *texts,
                                  struct collapsed_line *lines, size_t *made)
{
    *made = 0;
    for (size_t i = 0; i < profile->stack_count; i++) {
        const struct profile_stack *stack = &profile->stacks[i];

        if (stack->count == 0)
            continue;
        lines[*made].text = collapsed_render_stack(texts, stack);
        if (!lines[*made].text)
            return -1;
        lines[*made].count = stack->count;
        (*made)++;
    }
    return 0;
}

/* Lines are sorted, so equal texts are neighbours: sum them, print once. */
static int collapsed_print_merged(FILE *out, const struct collapsed_line *lines, size_t count)
{
    size_t i = 0;

    while (i < count) {
        uint64_t total = lines[i].count;
        size_t j = i + 1;

        while (j < count && strcmp(lines[j].text, lines[i].text) == 0)
            total += lines[j++].count;
        if (fprintf(out, "%s %" PRIu64 "\n", lines[i].text, total) < 0)
            return -1;
        i = j;
    }
    return 0;
}

int collapsed_write(FILE *out, const struct profile *profile)
{
    struct frame_text_table texts;
    struct collapsed_line *lines = NULL;
    size_t made = 0;
    int result = -1;
    int saved_errno;

    if (frame_text_table_build(&texts, profile) < 0)
        return -1;
    lines = calloc(profile->stack_count ? profile->stack_count : 1, sizeof *lines);
    if (!lines)
        goto done;
    if (collapsed_build_lines(profile, &texts, lines, &made) < 0)
        goto done;
    qsort(lines, made, sizeof *lines, collapsed_compare);
    if (collapsed_print_merged(out, lines, made) < 0)
        goto done;
    if (stream_finish(out) != 0)
        goto done;
    result = 0;

done:
    saved_errno = errno;
    for (size_t i = 0; i < made; i++)
        free(lines[i].text);
    free(lines);
    frame_text_table_free(&texts);
    errno = saved_errno;
    return result;
}
