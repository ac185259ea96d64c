/* frame_text.h - how a frame and a thread root read as text, for every writer.
 *
 * One rendering shared by the folded (collapsed) output, the SVG flamegraph
 * and any later text-based writer, so the same frame always reads the same:
 *
 *     QUALNAME (FILE:LINE)   a frame (line 0 is real: a module's prologue)
 *     QUALNAME (FILE)        negative line (unknown)
 *     QUALNAME               empty file: markers such as "[truncated]"
 *     thread:NAME:TID        the thread root of a stack
 *     process:PID:NAME       the process root above it (record --subprocesses:
 *                            profile.process_roots), so a stack's roots read
 *                            process:PID:NAME;thread:NAME:TID
 *
 * Sanitising (the folded format must survive any name the target has):
 *   ';'                                 -> ','  (';' separates frames)
 *   ASCII control bytes 0x01-0x1F, 0x7F -> '?'  (newline, CR, tab included)
 *   bytes that are not valid UTF-8      -> '?'  (one '?' per bad byte)
 * Valid UTF-8 (e.g. a thread named "работник-1") passes through unchanged,
 * so the rendered text is always valid UTF-8 without control characters.
 * A NULL name renders as "?", a NULL file as an empty one.
 *
 * The format functions behave like snprintf: they return the full length
 * of the text (without the terminating NUL) and write at most cap - 1
 * bytes plus a NUL, so frame_text_format(NULL, 0, f) measures. */
#ifndef PYCONC_OUTPUT_FRAME_TEXT_H
#define PYCONC_OUTPUT_FRAME_TEXT_H

#include <stddef.h>

#include "profile.h"

size_t frame_text_format(char *buf, size_t cap, const struct profile_frame *frame);
size_t frame_text_thread(char *buf, size_t cap, const struct profile_thread *thread);
size_t frame_text_process(char *buf, size_t cap, const struct profile_process *process);
/* Thread `index`'s root, malloc'd: "thread:NAME:TID", after "process:PID:NAME;" when
 * the thread has a process root (profile_thread_process).  NULL when out of memory. */
char *frame_text_root(const struct profile *profile, size_t index);

/* Length (1-4) of the valid UTF-8 sequence starting at s, or 0 when the
 * bytes there are not one.  Surrogates, overlong forms, code points past
 * U+10FFFF and the non-characters U+FFFE/U+FFFF count as invalid, so what
 * passes is also a legal XML character (control characters aside). */
size_t frame_text_utf8_length(const char *s);

/* Characters in text, up to max (a byte that starts no valid character counts as one). */
size_t frame_text_chars(const char *text, size_t max);

/* The first max characters of text, for a terminal: control characters and
 * invalid bytes become '?'.  Writes at most cap - 1 bytes and a NUL; returns
 * the bytes of text consumed (a whole character is never split). */
size_t frame_text_clean(const char *text, size_t max, char *out, size_t cap);

/* Every frame, thread and process of a profile rendered once, indexed like
 * the profile's own arrays.  Building it also checks that every stack's
 * thread and frame indexes are in range, so writers can index without
 * checks. */
struct frame_text_table {
    char **frames;    /* frames[i] renders profile->frames[i] */
    char **threads;   /* threads[i]: the roots of profile->threads[i]'s stacks,
                         "thread:NAME:TID", or "process:PID:NAME;thread:NAME:TID"
                         when profile_thread_process() gives it a process */
    char **processes; /* processes[i] renders profile->processes[i] */
    size_t frame_count;
    size_t thread_count;
    size_t process_count;
};

/* 0 on success; -1 with errno ENOMEM, or EINVAL for an out-of-range index.
 * On failure the table is left empty (nothing to free). */
int frame_text_table_build(struct frame_text_table *table, const struct profile *profile);
void frame_text_table_free(struct frame_text_table *table);

#endif
