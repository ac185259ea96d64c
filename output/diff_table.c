/* diff_table.c - the diff as an aligned terminal table.
 *
 *   before: 1 run, 10000 samples, 1000.0 samples/s, 100 Hz
 *   function  file    total before -> after  change  95% interval    self before -> after
 *   cold      app.py    30.0% ->  70.0%      +40.0  [+38.7, +41.3]    30.0% ->  70.0%  *
 *
 * then the thread states, the GIL and the lock-wait sites in the same
 * columns.  Rows come in the result's order (beyond noise first, then the
 * largest change), at most DIFF_TABLE_ROWS of them; the JSON has all.
 * Names come from the target, so every text is cleaned before it reaches a
 * terminal: control bytes and invalid UTF-8 become '?', which also keeps
 * an escape sequence in a function name from driving the terminal.
 * Widths count characters, not bytes, so UTF-8 names stay aligned. */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "stream.h"
#include "diff.h"
#include "frame_text.h"

#define DIFF_TABLE_ROWS 40
#define DIFF_TABLE_SITES 20
#define DIFF_NAME_MAX 48 /* characters of a function name column */
#define DIFF_FILE_MAX 40
#define DIFF_SITE_MAX 72
#define DIFF_INTERVAL_WIDTH 16 /* "[-100.0, +100.0]" */
#define DIFF_TOTAL_HEADER "total before -> after"
#define DIFF_SELF_HEADER "self before -> after"

#define ANSI_RESET "\033[0m"
#define ANSI_BOLD "\033[1m"
#define ANSI_DIM "\033[2m"
#define ANSI_RED "\033[31m"
#define ANSI_BLUE "\033[94m"

struct diff_table {
    struct sticky_out sink;
    int color;
};

static void diff_table_printf(struct diff_table *table, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

static void diff_table_printf(struct diff_table *table, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    sticky_vprintf(&table->sink, format, args);
    va_end(args);
}

static void diff_table_style(struct diff_table *table, const char *code)
{
    if (table->color)
        diff_table_printf(table, "%s", code);
}

static size_t diff_table_char_len(const char *text)
{
    size_t len = frame_text_utf8_length(text);
    return len ? len : 1;
}

/* Up to max characters, cleaned. */
static void diff_table_put_clean(struct diff_table *table, const char *text, size_t max)
{
    char clean[1024]; /* 200 characters cleaned take at most 800 bytes */
    while (*text && max > 0) {
        size_t step = max < 200 ? max : 200;
        size_t chars = frame_text_chars(text, step);
        text += frame_text_clean(text, step, clean, sizeof clean);
        diff_table_printf(table, "%s", clean);
        max -= chars;
    }
}

/* text in exactly width characters: padded, or cut with ".." (at the end,
 * or at the start when keep_end, since a path's end says the most). */
static void diff_table_put_cell(struct diff_table *table, const char *text, size_t width,
                                int keep_end)
{
    size_t chars = frame_text_chars(text, (size_t)-1);

    if (chars <= width) {
        diff_table_put_clean(table, text, chars);
        diff_table_printf(table, "%*s", (int)(width - chars), "");
    } else if (width < 3) {
        diff_table_put_clean(table, text, width);
    } else if (keep_end) {
        for (size_t skip = chars - (width - 2); skip > 0; skip--)
            text += diff_table_char_len(text);
        diff_table_printf(table, "..");
        diff_table_put_clean(table, text, width - 2);
    } else {
        diff_table_put_clean(table, text, width - 2);
        diff_table_printf(table, "..");
    }
}

static size_t diff_table_width(size_t chars, size_t min, size_t max)
{
    return chars < min ? min : chars > max ? max : chars;
}

/* " 30.0% ->  70.0%" right-aligned in width characters. */
static void diff_table_put_shares(struct diff_table *table, const struct diff_measure *m, int width)
{
    char before[32], after[32], cell[80];

    snprintf(cell, sizeof cell, "%5s%% -> %5s%%",
             diff_format_number(before, sizeof before, m->share[DIFF_BEFORE], 1, 0),
             diff_format_number(after, sizeof after, m->share[DIFF_AFTER], 1, 0));
    diff_table_printf(table, "%*s", width, cell);
}

/* "  +40.0  [+38.7, +41.3]", the interval padded when more follows. */
static void diff_table_put_change(struct diff_table *table, const struct diff_measure *m, int pad)
{
    char change[32], low[32], high[32], interval[80];

    snprintf(interval, sizeof interval, "[%s, %s]",
             diff_format_number(low, sizeof low, m->low, 1, 1),
             diff_format_number(high, sizeof high, m->high, 1, 1));
    diff_table_printf(table, "  %6s  %-*s",
                      diff_format_number(change, sizeof change, m->change, 1, 1),
                      pad ? DIFF_INTERVAL_WIDTH : 0, interval);
}

static void diff_table_row_start(struct diff_table *table, const struct diff_measure *m)
{
    if (m->beyond_noise)
        diff_table_style(table, m->change > 0 ? ANSI_RED : ANSI_BLUE);
    else
        diff_table_style(table, ANSI_DIM);
}

static void diff_table_row_end(struct diff_table *table, const struct diff_measure *m)
{
    diff_table_printf(table, "%s", m->beyond_noise ? "  *" : "");
    diff_table_style(table, ANSI_RESET);
    diff_table_printf(table, "\n");
}

static void diff_table_side(struct diff_table *table, const char *label,
                            const struct diff_side_summary *side)
{
    char buf[32];

    diff_table_printf(table, "%-7s %zu run%s, %llu sample%s", label, side->runs,
                      side->runs == 1 ? "" : "s", (unsigned long long)side->samples,
                      side->samples == 1 ? "" : "s");
    if (side->duration_s > 0)
        diff_table_printf(table, " in %s s",
                          diff_format_number(buf, sizeof buf, side->duration_s, 1, 0));
    if (side->samples_per_second > 0)
        diff_table_printf(table, ", %s samples/s",
                          diff_format_number(buf, sizeof buf, side->samples_per_second, 1, 0));
    if (side->rate_hz > 0)
        diff_table_printf(table, ", %s Hz",
                          diff_format_number(buf, sizeof buf, side->rate_hz, 0, 0));
    diff_table_printf(table, "\n");
}

static void diff_table_functions(struct diff_table *table, const struct diff_result *r)
{
    size_t rows = r->function_count < DIFF_TABLE_ROWS ? r->function_count : DIFF_TABLE_ROWS;
    size_t name_chars = 0, file_chars = 0;
    size_t name_width, file_width;

    for (size_t i = 0; i < rows; i++) {
        size_t n = frame_text_chars(r->functions[i].name, (size_t)-1);
        size_t f = frame_text_chars(r->functions[i].file, (size_t)-1);
        name_chars = n > name_chars ? n : name_chars;
        file_chars = f > file_chars ? f : file_chars;
    }
    name_width = diff_table_width(name_chars, strlen("function"), DIFF_NAME_MAX);
    file_width = diff_table_width(file_chars, strlen("file"), DIFF_FILE_MAX);
    diff_table_style(table, ANSI_BOLD);
    diff_table_put_cell(table, "function", name_width, 0);
    diff_table_printf(table, "  ");
    diff_table_put_cell(table, "file", file_width, 0);
    diff_table_printf(table, "  %s  change  %-*s  %s\n", DIFF_TOTAL_HEADER, DIFF_INTERVAL_WIDTH,
                      "95% interval", DIFF_SELF_HEADER);
    diff_table_style(table, ANSI_RESET);
    for (size_t i = 0; i < rows; i++) {
        const struct diff_function *f = &r->functions[i];

        diff_table_row_start(table, &f->total);
        diff_table_put_cell(table, f->name, name_width, 0);
        diff_table_printf(table, "  ");
        diff_table_put_cell(table, f->file, file_width, 1);
        diff_table_printf(table, "  ");
        diff_table_put_shares(table, &f->total, (int)strlen(DIFF_TOTAL_HEADER));
        diff_table_put_change(table, &f->total, 1);
        diff_table_printf(table, "  ");
        diff_table_put_shares(table, &f->self, (int)strlen(DIFF_SELF_HEADER));
        diff_table_row_end(table, &f->total);
    }
    if (r->function_count == 0)
        diff_table_printf(table, "(no Python function in any sample)\n");
    else if (rows < r->function_count)
        diff_table_printf(table,
                          "... %zu more function%s with smaller changes (the JSON lists all)\n",
                          r->function_count - rows, r->function_count - rows == 1 ? "" : "s");
}

/* A labelled row of the concurrency section. */
static void diff_table_measure_row(struct diff_table *table, const char *label, size_t width,
                                   const struct diff_measure *m)
{
    diff_table_row_start(table, m);
    diff_table_printf(table, "  ");
    diff_table_put_cell(table, label, width, 0);
    diff_table_printf(table, "  ");
    diff_table_put_shares(table, m, 0);
    diff_table_put_change(table, m, m->beyond_noise);
    diff_table_row_end(table, m);
}

static void diff_table_sites(struct diff_table *table, const struct diff_result *r)
{
    size_t rows = r->lock_site_count < DIFF_TABLE_SITES ? r->lock_site_count : DIFF_TABLE_SITES;
    char labels[DIFF_TABLE_SITES][256];
    size_t width = 0;

    diff_table_style(table, ANSI_BOLD);
    diff_table_printf(table, "lock-wait sites (innermost function of lock-wait samples)\n");
    diff_table_style(table, ANSI_RESET);
    for (size_t i = 0; i < rows; i++) {
        const struct diff_lock_site *site = &r->lock_sites[i];
        size_t chars;

        snprintf(labels[i], sizeof labels[i], "lock-wait in %s (%s:%d)", site->name, site->file,
                 site->line);
        chars = frame_text_chars(labels[i], (size_t)-1);
        width = chars > width ? chars : width;
    }
    width = diff_table_width(width, 1, DIFF_SITE_MAX);
    for (size_t i = 0; i < rows; i++)
        diff_table_measure_row(table, labels[i], width, &r->lock_sites[i].wait);
    if (r->lock_site_count == 0)
        diff_table_printf(table, "  (no sample waited on a lock)\n");
    else if (rows < r->lock_site_count)
        diff_table_printf(table, "  ... %zu more site%s (the JSON lists all)\n",
                          r->lock_site_count - rows, r->lock_site_count - rows == 1 ? "" : "s");
}

static void diff_table_concurrency(struct diff_table *table, const struct diff_result *r)
{
    int classified = 0;
    size_t width = strlen("holding the GIL");

    diff_table_style(table, ANSI_BOLD);
    diff_table_printf(table, "\nthread states (share of samples)\n");
    diff_table_style(table, ANSI_RESET);
    for (int state = 0; state < STATE_COUNT; state++) {
        const struct diff_measure *m = &r->states[state];

        if (m->count[DIFF_BEFORE] == 0 && m->count[DIFF_AFTER] == 0)
            continue;
        classified |= state != STATE_UNKNOWN;
        diff_table_measure_row(table, sample_state_name(state), width, m);
    }
    if (!classified)
        diff_table_printf(table, "  (no sample has a classified state in these profiles)\n");
    diff_table_measure_row(table, "holding the GIL", width, &r->gil);
    if (r->loop_s[DIFF_BEFORE] > 0 || r->loop_s[DIFF_AFTER] > 0) {
        double before = r->loop_s[DIFF_BEFORE] > 0
                            ? 100 * r->loop_blocked_s[DIFF_BEFORE] / r->loop_s[DIFF_BEFORE] : 0;
        double after = r->loop_s[DIFF_AFTER] > 0
                           ? 100 * r->loop_blocked_s[DIFF_AFTER] / r->loop_s[DIFF_AFTER] : 0;
        diff_table_printf(table, "  ");
        diff_table_put_cell(table, "loop blocked", width, 0);
        diff_table_printf(table, "  %6.1f%% -> %6.1f%%  (%+.1f pp of loop time; %.1f s -> %.1f s "
                                 "blocked)\n",
                          before, after, after - before, r->loop_blocked_s[DIFF_BEFORE],
                          r->loop_blocked_s[DIFF_AFTER]);
    }
    diff_table_printf(table, "\n");
    diff_table_sites(table, r);
}

int diff_table_write(FILE *out, const struct diff_result *r, int color)
{
    struct diff_table table = {.sink = {.out = out, .failed = 0}, .color = color};

    diff_table_side(&table, "before:", &r->sides[DIFF_BEFORE]);
    diff_table_side(&table, "after:", &r->sides[DIFF_AFTER]);
    diff_table_printf(&table, "shares are %% of each side's samples; changes in percentage points; "
                              "* beyond noise (95%% interval excludes 0)\n\n");
    diff_table_functions(&table, r);
    diff_table_concurrency(&table, r);
    if (table.sink.failed)
        return -1;
    if (fflush(out) != 0)
        return -1;
    if (ferror(out)) {
        errno = EIO;
        return -1;
    }
    return 0;
}
