/* frame_text.c - render frames and thread roots as sanitised text.
 *
 * The rules live in frame_text.h.  Design choice: render into a bounded
 * sink that keeps counting past its capacity (snprintf semantics), so the
 * same code both measures and writes and no caller guesses a buffer size. */
#include "frame_text.h"

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile_index.h"

/* Writes into buf while there is room, counts every byte regardless. */
struct frame_text_sink {
    char *buf;
    size_t cap;
    size_t len;
};

static void frame_text_put_byte(struct frame_text_sink *sink, char c)
{
    if (sink->len + 1 < sink->cap)
        sink->buf[sink->len] = c;
    sink->len++;
}

static void frame_text_put_raw(struct frame_text_sink *sink, const char *text)
{
    for (; *text; text++)
        frame_text_put_byte(sink, *text);
}

static size_t frame_text_finish(struct frame_text_sink *sink)
{
    if (sink->cap > 0)
        sink->buf[sink->len < sink->cap ? sink->len : sink->cap - 1] = '\0';
    return sink->len;
}

/* Decoding by hand rather than with mbrtowc: the result must not depend on
 * the process locale, and XML's character rules are stricter than C's. */
size_t frame_text_utf8_length(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t len;
    uint32_t cp;

    if (u[0] < 0x80)
        return 1;
    if (u[0] >= 0xC2 && u[0] <= 0xDF) {
        len = 2;
        cp = u[0] & 0x1Fu;
    } else if (u[0] >= 0xE0 && u[0] <= 0xEF) {
        len = 3;
        cp = u[0] & 0x0Fu;
    } else if (u[0] >= 0xF0 && u[0] <= 0xF4) {
        len = 4;
        cp = u[0] & 0x07u;
    } else {
        return 0; /* continuation byte, overlong lead (C0/C1) or F5+ */
    }
    for (size_t i = 1; i < len; i++) {
        if ((u[i] & 0xC0) != 0x80)
            return 0; /* also stops at the terminating NUL */
        cp = (cp << 6) | (u[i] & 0x3Fu);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000))
        return 0; /* overlong */
    if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
        return 0;
    if (cp == 0xFFFE || cp == 0xFFFF)
        return 0;
    return len;
}

size_t frame_text_chars(const char *text, size_t max)
{
    size_t chars = 0;
    for (; *text && chars < max; chars++) {
        size_t len = frame_text_utf8_length(text);
        text += len ? len : 1;
    }
    return chars;
}

size_t frame_text_clean(const char *text, size_t max, char *out, size_t cap)
{
    size_t used = 0, at = 0;
    for (size_t chars = 0; text[at] && chars < max; chars++) {
        size_t len = frame_text_utf8_length(text + at);
        unsigned char c = (unsigned char)text[at];
        int printable = len != 0 && c >= 0x20 && c != 0x7F;
        size_t need = printable ? len : 1;
        if (used + need + 1 > cap)
            break;
        if (printable)
            memcpy(out + used, text + at, len);
        else
            out[used] = '?';
        used += need;
        at += len ? len : 1;
    }
    if (cap)
        out[used] = '\0';
    return at;
}

static void frame_text_put_clean(struct frame_text_sink *sink, const char *text)
{
    while (*text) {
        unsigned char c = (unsigned char)*text;
        size_t len = frame_text_utf8_length(text);

        if (len == 0 || c < 0x20 || c == 0x7F) {
            frame_text_put_byte(sink, '?');
            text++;
        } else if (c == ';') {
            frame_text_put_byte(sink, ',');
            text++;
        } else {
            for (size_t i = 0; i < len; i++)
                frame_text_put_byte(sink, text[i]);
            text += len;
        }
    }
}

size_t frame_text_format(char *buf, size_t cap, const struct profile_frame *frame)
{
    struct frame_text_sink sink = {buf, cap, 0};
    const char *file = frame->file ? frame->file : "";

    frame_text_put_clean(&sink, frame->name ? frame->name : "?");
    if (*file) {
        frame_text_put_raw(&sink, " (");
        frame_text_put_clean(&sink, file);
        if (frame->line >= 0) {
            char number[16];
            snprintf(number, sizeof number, ":%d", frame->line);
            frame_text_put_raw(&sink, number);
        }
        frame_text_put_byte(&sink, ')');
    }
    return frame_text_finish(&sink);
}

size_t frame_text_thread(char *buf, size_t cap, const struct profile_thread *thread)
{
    struct frame_text_sink sink = {buf, cap, 0};
    char number[32];

    frame_text_put_raw(&sink, "thread:");
    frame_text_put_clean(&sink, thread->name ? thread->name : "");
    snprintf(number, sizeof number, ":%" PRIu64, thread->tid);
    frame_text_put_raw(&sink, number);
    return frame_text_finish(&sink);
}

size_t frame_text_process(char *buf, size_t cap, const struct profile_process *process)
{
    struct frame_text_sink sink = {buf, cap, 0};
    char number[32];

    snprintf(number, sizeof number, "process:%d:", process->pid);
    frame_text_put_raw(&sink, number);
    frame_text_put_clean(&sink, process->name ? process->name : "");
    return frame_text_finish(&sink);
}

/* Measure, allocate, render: the two-pass use the snprintf contract allows. */
static char *frame_text_render_frame(const struct profile_frame *frame)
{
    size_t len = frame_text_format(NULL, 0, frame);
    char *text = malloc(len + 1);

    if (text)
        frame_text_format(text, len + 1, frame);
    return text;
}

static char *frame_text_render_process(const struct profile_process *process)
{
    size_t len = frame_text_process(NULL, 0, process);
    char *text = malloc(len + 1);

    if (text)
        frame_text_process(text, len + 1, process);
    return text;
}

char *frame_text_root(const struct profile *profile, size_t index)
{
    const struct profile_thread *thread = &profile->threads[index];
    const struct profile_process *process = profile_thread_process(profile, index);
    size_t head = process ? frame_text_process(NULL, 0, process) + 1 : 0;
    size_t len = head + frame_text_thread(NULL, 0, thread);
    char *text = malloc(len + 1);

    if (!text)
        return NULL;
    if (process) {
        frame_text_process(text, head, process);
        text[head - 1] = ';';
    }
    frame_text_thread(text + head, len + 1 - head, thread);
    return text;
}

static int frame_text_check_stacks(const struct profile *profile)
{
    for (size_t i = 0; i < profile->stack_count; i++) {
        const struct profile_stack *stack = &profile->stacks[i];

        if (stack->thread >= profile->thread_count)
            return -1;
        if (stack->depth > 0 && !stack->frames)
            return -1;
        for (uint32_t d = 0; d < stack->depth; d++)
            if (stack->frames[d] >= profile->frame_count)
                return -1;
    }
    return 0;
}

void frame_text_table_free(struct frame_text_table *table)
{
    if (table->frames)
        for (size_t i = 0; i < table->frame_count; i++)
            free(table->frames[i]);
    if (table->threads)
        for (size_t i = 0; i < table->thread_count; i++)
            free(table->threads[i]);
    if (table->processes)
        for (size_t i = 0; i < table->process_count; i++)
            free(table->processes[i]);
    free(table->frames);
    free(table->threads);
    free(table->processes);
    memset(table, 0, sizeof *table);
}

int frame_text_table_build(struct frame_text_table *table, const struct profile *profile)
{
    memset(table, 0, sizeof *table);
    if (frame_text_check_stacks(profile) < 0) {
        errno = EINVAL;
        return -1;
    }
    /* calloc: a partly built table frees cleanly (unset entries are NULL). */
    table->frames = calloc(profile->frame_count ? profile->frame_count : 1, sizeof *table->frames);
    table->threads = calloc(profile->thread_count ? profile->thread_count : 1, sizeof *table->threads);
    table->processes =
        calloc(profile->process_count ? profile->process_count : 1, sizeof *table->processes);
    if (!table->frames || !table->threads || !table->processes)
        goto fail;
    table->frame_count = profile->frame_count;
    table->thread_count = profile->thread_count;
    table->process_count = profile->process_count;
    for (size_t i = 0; i < profile->frame_count; i++)
        if (!(table->frames[i] = frame_text_render_frame(&profile->frames[i])))
            goto fail;
    for (size_t i = 0; i < profile->thread_count; i++)
        if (!(table->threads[i] = frame_text_root(profile, i)))
            goto fail;
    for (size_t i = 0; i < profile->process_count; i++)
        if (!(table->processes[i] = frame_text_render_process(&profile->processes[i])))
            goto fail;
    return 0;

fail:
    frame_text_table_free(table);
    errno = ENOMEM;
    return -1;
}
