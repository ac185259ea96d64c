/* diff_json.c - the diff as one JSON object, every number of the result.
 *
 *   {"units": {...},
 *    "before": {"runs", "samples", "duration_s", "samples_per_second", "rate_hz"},
 *    "after": {...},
 *    "functions": [{"name", "file", "total": MEASURE, "self": MEASURE}, ...],
 *    "states": [{"state": "running", MEASURE fields...}, ...]  (every state),
 *    "gil": MEASURE,
 *    "lock_wait_sites": [{"name", "file", "line", "wait": MEASURE}, ...]}
 *
 *   MEASURE = {"before", "after", "change", "ci_low", "ci_high", "se_before",
 *              "se_after", "samples_before", "samples_after", "beyond_noise"}
 *
 * Shares are percentages, changes percentage points (see diff.h); lists
 * keep the result's order.  Numbers are formatted without the locale so a
 * decimal comma can never break the document. */
#include <errno.h>

#include "stream.h"
#include "diff.h"
#include "json.h"



static void diff_json_string(struct sticky_out *json, const char *text)
{
    if (!json->failed && json_write_string(json->out, text) != 0)
        json->failed = 1;
}

static void diff_json_number(struct sticky_out *json, const char *key, double value)
{
    char buf[48];

    sticky_printf(json, "\"%s\":%s", key, diff_format_number(buf, sizeof buf, value, 6, 0));
}

static void diff_json_measure_fields(struct sticky_out *json, const struct diff_measure *m)
{
    diff_json_number(json, "before", m->share[DIFF_BEFORE]);
    sticky_printf(json, ",");
    diff_json_number(json, "after", m->share[DIFF_AFTER]);
    sticky_printf(json, ",");
    diff_json_number(json, "change", m->change);
    sticky_printf(json, ",");
    diff_json_number(json, "ci_low", m->low);
    sticky_printf(json, ",");
    diff_json_number(json, "ci_high", m->high);
    sticky_printf(json, ",");
    diff_json_number(json, "se_before", m->se[DIFF_BEFORE]);
    sticky_printf(json, ",");
    diff_json_number(json, "se_after", m->se[DIFF_AFTER]);
    sticky_printf(json, ",\"samples_before\":%llu,\"samples_after\":%llu,\"beyond_noise\":%s",
                     (unsigned long long)m->count[DIFF_BEFORE],
                     (unsigned long long)m->count[DIFF_AFTER], m->beyond_noise ? "true" : "false");
}

static void diff_json_measure(struct sticky_out *json, const char *key, const struct diff_measure *m)
{
    sticky_printf(json, "\"%s\":{", key);
    diff_json_measure_fields(json, m);
    sticky_printf(json, "}");
}

static void diff_json_side(struct sticky_out *json, const char *key,
                           const struct diff_side_summary *side)
{
    sticky_printf(json, "\"%s\":{\"runs\":%zu,\"samples\":%llu,", key, side->runs,
                     (unsigned long long)side->samples);
    diff_json_number(json, "duration_s", side->duration_s);
    sticky_printf(json, ",");
    diff_json_number(json, "samples_per_second", side->samples_per_second);
    sticky_printf(json, ",");
    diff_json_number(json, "rate_hz", side->rate_hz);
    sticky_printf(json, "}");
}

static void diff_json_functions(struct sticky_out *json, const struct diff_result *r)
{
    sticky_printf(json, "\"functions\":[");
    for (size_t i = 0; i < r->function_count; i++) {
        const struct diff_function *f = &r->functions[i];

        sticky_printf(json, "%s\n{\"name\":", i ? "," : "");
        diff_json_string(json, f->name);
        sticky_printf(json, ",\"file\":");
        diff_json_string(json, f->file);
        sticky_printf(json, ",");
        diff_json_measure(json, "total", &f->total);
        sticky_printf(json, ",");
        diff_json_measure(json, "self", &f->self);
        sticky_printf(json, "}");
    }
    sticky_printf(json, "]");
}

static void diff_json_concurrency(struct sticky_out *json, const struct diff_result *r)
{
    sticky_printf(json, "\"states\":[");
    for (int state = 0; state < STATE_COUNT; state++) {
        sticky_printf(json, "%s\n{\"state\":\"%s\",", state ? "," : "",
                         sample_state_name(state));
        diff_json_measure_fields(json, &r->states[state]);
        sticky_printf(json, "}");
    }
    sticky_printf(json, "],\n");
    diff_json_measure(json, "gil", &r->gil);
    sticky_printf(json, ",\n\"loop\":{\"seconds\":[%.6f,%.6f],\"blocked_seconds\":[%.6f,%.6f]}",
                  r->loop_s[DIFF_BEFORE], r->loop_s[DIFF_AFTER], r->loop_blocked_s[DIFF_BEFORE],
                  r->loop_blocked_s[DIFF_AFTER]);
    sticky_printf(json, ",\n\"lock_wait_sites\":[");
    for (size_t i = 0; i < r->lock_site_count; i++) {
        const struct diff_lock_site *site = &r->lock_sites[i];

        sticky_printf(json, "%s\n{\"name\":", i ? "," : "");
        diff_json_string(json, site->name);
        sticky_printf(json, ",\"file\":");
        diff_json_string(json, site->file);
        sticky_printf(json, ",\"line\":%d,", site->line);
        diff_json_measure(json, "wait", &site->wait);
        sticky_printf(json, "}");
    }
    sticky_printf(json, "]");
}

int diff_json_write(FILE *out, const struct diff_result *r)
{
    struct sticky_out json = {.out = out};

    sticky_printf(&json, "{\"units\":{\"share\":\"percent of the side's samples\","
                            "\"change\":\"percentage points, after minus before\","
                            "\"ci\":\"95%% interval of the change\"},\n");
    diff_json_side(&json, "before", &r->sides[DIFF_BEFORE]);
    sticky_printf(&json, ",\n");
    diff_json_side(&json, "after", &r->sides[DIFF_AFTER]);
    sticky_printf(&json, ",\n");
    diff_json_functions(&json, r);
    sticky_printf(&json, ",\n");
    diff_json_concurrency(&json, r);
    sticky_printf(&json, "}\n");
    if (json.failed)
        return -1;
    if (fflush(out) != 0)
        return -1;
    if (ferror(out)) {
        errno = EIO;
        return -1;
    }
    return 0;
}
