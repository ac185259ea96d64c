/* diff_command.c - `pyconc-prof diff`: did the change make things better?
 *
 * Reads every profile of each side (`BEFORE AFTER`, or `--before a b c
 * --after d e f`) into its own store, hands the views to the comparison
 * engine (output/diff.c) and prints its table or JSON; -o also writes the
 * differential flamegraph.  --fail-if-regressed turns a beyond-noise growth
 * into exit status 3 for CI gates. */
#include "diff_command.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../output/diff.h"
#include "pcp_read.h"
#include "store.h"

#define EXIT_REGRESSED 3

struct diff_input {
    struct store store;
    struct pcp_meta meta;
    struct profile view;
    int loaded, viewed;
};

static int diff_load(const char *path, struct diff_input *input)
{
    store_init(&input->store);
    input->store.keep_timeline = 1; /* blocked event loops are found in time order */
    input->loaded = 1;
    char err[1024] = "";
    enum pcp_read_result read = pcp_read(path, &input->store, &input->meta, NULL, err, sizeof err);
    if (read == PCP_READ_ERROR) {
        fprintf(stderr, "pyconc-prof: %s\n", err);
        return -1;
    }
    if (read == PCP_READ_TRUNCATED)
        fprintf(stderr, "pyconc-prof: warning: %s\n", err);
    memset(&input->view, 0, sizeof input->view);
    if (store_view(&input->store, &input->view) != 0) {
        fprintf(stderr, "pyconc-prof: out of memory reading %s\n", path);
        return -1;
    }
    input->viewed = 1;
    struct profile *view = &input->view;
    view->command = input->meta.command[0] ? input->meta.command : path;
    view->python_version = input->meta.python_version;
    view->pid = input->meta.pid;
    view->duration_s = (double)input->meta.totals.duration_ns / 1e9;
    view->rate_hz = input->meta.rate_hz;
    view->interval_ns = input->meta.rate_hz > 0 ? 1e9 / input->meta.rate_hz : 0;
    view->mode = input->meta.mode[0] ? input->meta.mode : "wall";
    return 0;
}

static void diff_inputs_free(struct diff_input *inputs, int count)
{
    for (int i = 0; i < count; i++) {
        if (inputs[i].viewed)
            store_view_free(&inputs[i].view);
        if (inputs[i].loaded)
            store_free(&inputs[i].store);
    }
    free(inputs);
}

static int diff_write_svg(const struct options *o, const struct diff_side *before,
                          const struct diff_side *after, const struct diff_result *result)
{
    FILE *out = fopen(o->output, "we");
    if (!out) {
        fprintf(stderr, "pyconc-prof: cannot write %s: %s; choose a writable path for -o\n",
                o->output, strerror(errno));
        return -1;
    }
    char title[512];
    snprintf(title, sizeof title, "diff: %s -> %s", o->before[0], o->after[0]);
    int rc = diff_svg_write(out, before, after, result, title);
    if (fclose(out) != 0)
        rc = -1;
    if (rc != 0)
        fprintf(stderr, "pyconc-prof: cannot write %s: %s\n", o->output, strerror(errno));
    return rc;
}

int diff_command(const struct options *o)
{
    int count = o->before_count + o->after_count;
    struct diff_input *inputs = calloc((size_t)count, sizeof *inputs);
    const struct profile **views = calloc((size_t)count, sizeof *views);
    if (!inputs || !views) {
        free(inputs);
        free(views);
        fprintf(stderr, "pyconc-prof: out of memory\n");
        return 1;
    }
    int exit_code = 0;
    for (int i = 0; i < count && exit_code == 0; i++) {
        const char *path = i < o->before_count ? o->before[i] : o->after[i - o->before_count];
        if (diff_load(path, &inputs[i]) != 0)
            exit_code = 2;
        views[i] = &inputs[i].view;
    }
    struct diff_result result;
    memset(&result, 0, sizeof result);
    struct diff_side before = {views, (size_t)o->before_count};
    struct diff_side after = {views + o->before_count, (size_t)o->after_count};
    if (exit_code == 0 && diff_compute(&before, &after, &result) != 0) {
        fprintf(stderr, "pyconc-prof: cannot compare the profiles: %s\n", strerror(errno));
        exit_code = 1;
    }
    if (exit_code == 0) {
        int rc = o->json ? diff_json_write(stdout, &result)
                         : diff_table_write(stdout, &result, isatty(STDOUT_FILENO));
        if (rc != 0 || fflush(stdout) != 0)
            exit_code = 1;
        if (o->output && diff_write_svg(o, &before, &after, &result) != 0)
            exit_code = 1;
    }
    if (exit_code == 0 && o->fail_if_regressed >= 0) {
        char why[512];
        if (diff_regressed(&result, o->fail_if_regressed, why, sizeof why)) {
            fprintf(stderr, "pyconc-prof: regression beyond noise: %s\n", why);
            exit_code = EXIT_REGRESSED;
        }
    }
    diff_result_free(&result);
    diff_inputs_free(inputs, count);
    free(views);
    return exit_code;
}
