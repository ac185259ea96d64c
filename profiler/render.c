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
#include "../output/lifecycle.h"

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

/* The view with the metadata the report headers show.  0 or -1 (message printed). */
static int render_view(const struct store *store, const struct render_meta *meta,
                       struct profile *profile)
{
    memset(profile, 0, sizeof *profile);
    if (store_view(store, profile) != 0) {
        fprintf(stderr, "pyconc-prof: out of memory while writing the report\n");
        return -1;
    }
    profile->command = meta->command && meta->command[0] ? meta->command : NULL;
    profile->python_version =
        meta->python_version && meta->python_version[0] ? meta->python_version : NULL;
    profile->pid = meta->pid;
    profile->duration_s = (double)meta->duration_ns / 1e9;
    profile->rate_hz = meta->rate_hz;
    profile->interval_ns = meta->rate_hz > 0 ? 1e9 / meta->rate_hz : 0;
    profile->mode = meta->mode;
    return 0;
}

int render_reports(FILE *out, const struct store *store, const struct render_meta *meta,
                   const struct options *options, int *findings)
{
    *findings = 0;
    struct profile profile;
    if (render_view(store, meta, &profile) != 0)
        return -1;
    struct contention_options contention = {options->loop_block_ms, options->stuck_s};
    struct lifecycle_options lifecycle = {options->stuck_await_s};
    const char *no_color = getenv("NO_COLOR");
    int color = !options->json && isatty(fileno(out)) && !(no_color && *no_color);
    int both = options->contention && options->check_lifecycle;
    int rc = 0;
    if (options->json && both)
        rc |= fputs("{\"contention\": ", out) < 0;
    if (options->contention)
        rc |= options->json ? contention_json_write(out, &profile, &contention)
              : color       ? contention_text_write_color(out, &profile, &contention)
                            : contention_text_write(out, &profile, &contention);
    if (options->json && both)
        rc |= fputs(", \"lifecycle\": ", out) < 0;
    else if (both)
        rc |= fputs("\n", out) < 0;
    if (options->check_lifecycle) {
        rc |= options->json ? lifecycle_json_write(out, &profile, &lifecycle)
                            : lifecycle_text_write(out, &profile, &lifecycle, color);
        int found = lifecycle_findings(&profile, &lifecycle);
        *findings = found > 0 ? found : 0;
        rc |= found < 0;
    }
    if (options->json && both)
        rc |= fputs("}\n", out) < 0;
    if (rc != 0)
        fprintf(stderr, "pyconc-prof: cannot write the report: %s\n", strerror(errno));
    store_view_free(&profile);
    return rc ? -1 : 0;
}
