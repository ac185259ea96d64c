/* render.c - one path from a store to every output format.
 *
 * `record` and `report` both end here, which is what makes a recording
 * written straight to a format identical to one written to .pcp and
 * rendered later. */
#include "render.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../output/contention.h"

int render_needs_timeline(enum output_format format)
{
    return format == FORMAT_SPEEDSCOPE || format == FORMAT_CHROME;
}

int render_profile(FILE *out, const char *out_name, enum output_format format,
                   const struct store *store, const struct render_meta *meta)
{
    struct profile profile;
    memset(&profile, 0, sizeof profile);
    if (store_view(store, &profile) != 0) {
        fprintf(stderr, "pyconc-prof: out of memory while writing the output\n");
        return -1;
    }
    profile.command = meta->command && meta->command[0] ? meta->command : NULL;
    profile.python_version =
        meta->python_version && meta->python_version[0] ? meta->python_version : NULL;
    profile.pid = meta->pid;
    profile.duration_s = (double)meta->duration_ns / 1e9;
    profile.rate_hz = meta->rate_hz;
    profile.interval_ns = meta->rate_hz > 0 ? 1e9 / meta->rate_hz : 0;
    profile.mode = meta->mode;
    int rc;
    switch (format) {
    case FORMAT_SVG:
        rc = svg_write(out, &profile);
        break;
    case FORMAT_SPEEDSCOPE:
        rc = speedscope_write(out, &profile);
        break;
    case FORMAT_PPROF:
        rc = pprof_write(out, &profile);
        break;
    case FORMAT_CHROME:
        rc = chrome_trace_write(out, &profile);
        break;
    default:
        rc = collapsed_write(out, &profile);
        break;
    }
    if (rc == 0 && fflush(out) != 0)
        rc = -1;
    if (rc != 0)
        fprintf(stderr, "pyconc-prof: cannot write %s: %s\n", out_name, strerror(errno));
    store_view_free(&profile);
    return rc;
}

int render_contention(FILE *out, const struct store *store, int json, double loop_block_ms,
                      double stuck_s)
{
    struct profile profile;
    memset(&profile, 0, sizeof profile);
    if (store_view(store, &profile) != 0) {
        fprintf(stderr, "pyconc-prof: out of memory while writing the contention report\n");
        return -1;
    }
    struct contention_options options = {loop_block_ms, stuck_s};
    /* Colours only for a terminal, and never when NO_COLOR is set (no-color.org). */
    const char *no_color = getenv("NO_COLOR");
    int color = isatty(fileno(out)) && !(no_color && *no_color);
    int rc = json    ? contention_json_write(out, &profile, &options)
             : color ? contention_text_write_color(out, &profile, &options)
                     : contention_text_write(out, &profile, &options);
    if (rc != 0)
        fprintf(stderr, "pyconc-prof: cannot write the contention report: %s\n", strerror(errno));
    store_view_free(&profile);
    return rc;
}
