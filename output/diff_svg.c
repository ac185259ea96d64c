/* diff_svg.c - the differential flamegraph: where did the time move?
 *
 * The bars are the AFTER side's stacks merged into one tree (every after
 * run pooled), laid out and scripted exactly like the plain flamegraph
 * (svg_common.h: click to zoom, reset, search).  Each bar is coloured by
 * how the share of samples passing through it changed since BEFORE: red
 * grew, blue shrank, stronger for a larger change, grey when the change is
 * within noise.  The noise rule is diff.h's, per bar: binomial error of the
 * pooled counts or the run-to-run spread, whichever is larger.
 *
 * Keys differ from the plain flamegraph in two ways, both so that a code
 * change does not make everything look new: a thread level is keyed by
 * the thread's name without its native id ("thread:MainThread"), and a
 * frame by its function without the line ("work (app.py)").  Under record
 * --subprocesses the thread level reads "process:NAME;thread:NAME": no pid
 * either, so runs with other pids still match (one level, not two as in
 * the plain flamegraph: the key is what matters here).  Before's
 * stacks are followed down the after tree without adding to it; a path
 * that exists only before shows up as its ancestors shrinking.
 *
 * Texts of all runs go into one array ranked together (svg_labels), so a
 * label is the same number in every profile and siblings sort by text. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "frame_text.h"
#include "profile_index.h"
#include "svg_common.h"

#define DIFF_SVG_GREY "rgb(200,200,200)"
#define DIFF_SVG_MIN_INTENSITY 0.25 /* the faintest colour a change beyond noise gets */
#define DIFF_SVG_MIN_FULL_PP 1.0    /* full colour never means less than this change */
#define DIFF_SVG_LEGEND_HEIGHT 22
#define DIFF_SVG_SWATCH 20

struct diff_svg {
    const struct diff_side *sides[2];
    const struct diff_result *result;
    char **texts; /* every run's frame texts, then its thread texts */
    size_t text_count;
    size_t *offsets; /* per run (before's, then after's): its first text */
    struct svg_labels labels;
    struct svg_tree tree;
    struct diff_tally *tallies[2]; /* per node */
    uint64_t *counts;              /* per node, one run */
    uint64_t samples[2];
    double full_pp; /* the change drawn at full colour */
};

/* ---- texts and labels --------------------------------------------------- */

static char *diff_svg_render_frame(const struct profile_frame *frame)
{
    struct profile_frame function = *frame;
    size_t len;
    char *text;

    function.line = -1; /* "name (file)": the function, wherever it was */
    len = frame_text_format(NULL, 0, &function);
    text = malloc(len + 1);
    if (text)
        frame_text_format(text, len + 1, &function);
    return text;
}

/* "thread:NAME", after "process:NAME;" when the thread has a process root: the
 * shared root without its ids, so runs with other pids and tids still match. */
static char *diff_svg_render_thread(const struct profile *run, size_t t)
{
    char *text = frame_text_root(run, t);

    if (!text)
        return NULL;
    *strrchr(text, ':') = '\0'; /* "thread:NAME:TID" -> "thread:NAME" */
    if (profile_thread_process(run, t)) {
        /* "process:PID:NAME;..." -> "process:NAME;...": drop the digits and their ':' */
        char *name = strchr(text + strlen("process:"), ':') + 1;

        memmove(text + strlen("process:"), name, strlen(name) + 1);
    }
    return text;
}

static const struct profile *diff_svg_run(const struct diff_svg *svg, size_t index, int *side)
{
    size_t before = svg->sides[DIFF_BEFORE]->run_count;

    *side = index < before ? DIFF_BEFORE : DIFF_AFTER;
    return index < before ? svg->sides[DIFF_BEFORE]->runs[index]
                          : svg->sides[DIFF_AFTER]->runs[index - before];
}

static int diff_svg_check(const struct profile *run)
{
    for (size_t s = 0; s < run->stack_count; s++) {
        const struct profile_stack *stack = &run->stacks[s];

        if (stack->thread >= run->thread_count || (stack->depth > 0 && !stack->frames))
            return -1;
        for (uint32_t d = 0; d < stack->depth; d++)
            if (stack->frames[d] >= run->frame_count)
                return -1;
    }
    return 0;
}

static int diff_svg_texts(struct diff_svg *svg, size_t runs)
{
    size_t total = 0;

    for (size_t i = 0; i < runs; i++) {
        int side;
        const struct profile *run = diff_svg_run(svg, i, &side);

        if (diff_svg_check(run) < 0) {
            errno = EINVAL;
            return -1;
        }
        svg->offsets[i] = total;
        total += run->frame_count + run->thread_count;
    }
    svg->texts = calloc(total ? total : 1, sizeof *svg->texts);
    if (!svg->texts)
        return -1;
    for (size_t i = 0; i < runs; i++) {
        int side;
        const struct profile *run = diff_svg_run(svg, i, &side);

        for (size_t f = 0; f < run->frame_count; f++, svg->text_count++)
            if (!(svg->texts[svg->text_count] = diff_svg_render_frame(&run->frames[f])))
                return -1;
        for (size_t t = 0; t < run->thread_count; t++, svg->text_count++)
            if (!(svg->texts[svg->text_count] = diff_svg_render_thread(run, t)))
                return -1;
    }
    return svg_labels_build(&svg->labels, svg->texts, svg->text_count);
}

/* ---- the tree and its per-bar statistics ---------------------------------- */

/* Follows (or, when grow, extends) the tree along a stack, adding count to
 * every node on the path: tree totals when grow, else svg->counts. */
static int diff_svg_walk(struct diff_svg *svg, size_t index, const struct profile_stack *stack,
                         int grow)
{
    int side;
    const struct profile *run = diff_svg_run(svg, index, &side);
    const uint32_t *rank = svg->labels.rank + svg->offsets[index];
    uint32_t label = rank[run->frame_count + stack->thread];
    uint32_t node = 0;

    for (uint32_t d = 0;; d++) {
        if (grow)
            svg->tree.nodes[node].total += stack->count;
        else
            svg->counts[node] += stack->count;
        if (d > stack->depth)
            return 0;
        if (d > 0)
            label = rank[stack->frames[d - 1]];
        if (grow) {
            if (svg_tree_child(&svg->tree, node, label, &node) < 0)
                return -1;
        } else if ((node = svg_tree_find(&svg->tree, node, label)) == SVG_NONE) {
            return 0;
        }
    }
}

static int diff_svg_build(struct diff_svg *svg, size_t runs)
{
    size_t nodes;

    if (svg_tree_init(&svg->tree) < 0)
        return -1;
    for (size_t i = svg->sides[DIFF_BEFORE]->run_count; i < runs; i++) {
        int side;
        const struct profile *run = diff_svg_run(svg, i, &side);

        for (size_t s = 0; s < run->stack_count; s++)
            if (run->stacks[s].count > 0 && diff_svg_walk(svg, i, &run->stacks[s], 1) < 0)
                return -1;
    }
    nodes = svg->tree.count;
    svg->counts = malloc(nodes * sizeof *svg->counts);
    svg->tallies[0] = calloc(nodes, sizeof *svg->tallies[0]);
    svg->tallies[1] = calloc(nodes, sizeof *svg->tallies[1]);
    if (!svg->counts || !svg->tallies[0] || !svg->tallies[1])
        return -1;
    for (size_t i = 0; i < runs; i++) {
        int side;
        const struct profile *run = diff_svg_run(svg, i, &side);

        memset(svg->counts, 0, nodes * sizeof *svg->counts);
        for (size_t s = 0; s < run->stack_count; s++)
            if (run->stacks[s].count > 0)
                diff_svg_walk(svg, i, &run->stacks[s], 0);
        for (size_t n = 0; n < nodes; n++)
            diff_tally_add_run(&svg->tallies[side][n], svg->counts[n], svg->counts[0]);
        svg->samples[side] += svg->counts[0];
    }
    return svg_tree_order(&svg->tree);
}

static void diff_svg_measure(const struct diff_svg *svg, uint32_t node, struct diff_measure *m)
{
    struct diff_tally tallies[2] = {svg->tallies[0][node], svg->tallies[1][node]};

    diff_measure_compute(m, tallies, svg->samples);
}

/* Full colour is the largest change beyond noise, so the picture uses its
 * whole range whether the largest change is 2 or 40 points. */
static void diff_svg_scale(struct diff_svg *svg)
{
    svg->full_pp = DIFF_SVG_MIN_FULL_PP;
    for (uint32_t n = 0; n < svg->tree.count; n++) {
        struct diff_measure m;

        diff_svg_measure(svg, n, &m);
        if (m.beyond_noise && fabs(m.change) > svg->full_pp)
            svg->full_pp = fabs(m.change);
    }
}

/* ---- how the bars read -------------------------------------------------- */

static void diff_svg_put_colour(struct svg_out *out, double change, double intensity)
{
    /* From a pale tint (intensity 0) to a saturated colour (1). */
    static const int red_pale[3] = {255, 225, 215}, red_full[3] = {225, 60, 45};
    static const int blue_pale[3] = {220, 230, 255}, blue_full[3] = {70, 120, 235};
    const int *pale = change > 0 ? red_pale : blue_pale;
    const int *full = change > 0 ? red_full : blue_full;
    int rgb[3];

    for (int c = 0; c < 3; c++)
        rgb[c] = (int)lround(pale[c] + (full[c] - pale[c]) * intensity);
    svg_printf(out, "rgb(%d,%d,%d)", rgb[0], rgb[1], rgb[2]);
}

static double diff_svg_intensity(const struct diff_svg *svg, double change)
{
    double t = fabs(change) / svg->full_pp;

    return DIFF_SVG_MIN_INTENSITY + (1 - DIFF_SVG_MIN_INTENSITY) * (t < 1 ? t : 1);
}

static void diff_svg_fill(void *data, struct svg_out *out, uint32_t node)
{
    const struct diff_svg *svg = data;
    struct diff_measure m;

    diff_svg_measure(svg, node, &m);
    if (!m.beyond_noise)
        svg_printf(out, "%s", DIFF_SVG_GREY);
    else
        diff_svg_put_colour(out, m.change, diff_svg_intensity(svg, m.change));
}

static const char *diff_svg_text(void *data, uint32_t node)
{
    const struct diff_svg *svg = data;
    const struct svg_node *n = &svg->tree.nodes[node];

    return n->depth == 0 ? "all" : svg->texts[svg->labels.first[n->label]];
}

/* "before 30.00%, after 70.00%, +40.00 pp (95% interval +38.73 to +41.27), 7000 samples after" */
static void diff_svg_details(void *data, struct svg_out *out, uint32_t node)
{
    const struct diff_svg *svg = data;
    uint64_t count = svg->tree.nodes[node].total;
    struct diff_measure m;
    char a[32], b[32], c[32], low[32], high[32];

    diff_svg_measure(svg, node, &m);
    svg_printf(out, "before %s%%, after %s%%, %s pp (95%% interval %s to %s%s), ",
               diff_format_number(a, sizeof a, m.share[DIFF_BEFORE], 2, 0),
               diff_format_number(b, sizeof b, m.share[DIFF_AFTER], 2, 0),
               diff_format_number(c, sizeof c, m.change, 2, 1),
               diff_format_number(low, sizeof low, m.low, 2, 1),
               diff_format_number(high, sizeof high, m.high, 2, 1),
               m.beyond_noise ? "" : ", within noise");
    svg_printf(out, "%" PRIu64 " sample%s after", count, count == 1 ? "" : "s");
}

static void diff_svg_subtitle_side(const struct diff_svg *svg, struct svg_out *out, int side)
{
    char buf[32];
    size_t runs = svg->sides[side]->run_count;

    svg_printf(out, "%s: %zu run%s, %" PRIu64 " samples", side == DIFF_BEFORE ? "before" : "after",
               runs, runs == 1 ? "" : "s", svg->samples[side]);
    if (svg->result && svg->result->sides[side].samples_per_second > 0)
        svg_printf(
            out, " (%s/s)",
            diff_format_number(buf, sizeof buf, svg->result->sides[side].samples_per_second, 1, 0));
}

static void diff_svg_subtitle(void *data, struct svg_out *out)
{
    const struct diff_svg *svg = data;

    diff_svg_subtitle_side(svg, out, DIFF_BEFORE);
    svg_printf(out, "; ");
    diff_svg_subtitle_side(svg, out, DIFF_AFTER);
    svg_printf(out, "; bars: after, widths: after samples");
}

/* shrank [5 blues][grey][5 reds] grew, and what the colours mean. */
static void diff_svg_legend(void *data, struct svg_out *out, int left, int top)
{
    const struct diff_svg *svg = data;
    static const double levels[] = {1, 0.8125, 0.625, 0.4375, 0.25};
    int x = left + 48;
    char buf[32];

    svg_printf(out, "<g id=\"legend\"><text x=\"%d\" y=\"%d\">shrank</text>\n", left, top + 14);
    for (int i = 0; i < 11; i++, x += DIFF_SVG_SWATCH + 2) {
        svg_printf(out, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"14\" fill=\"", x, top + 3,
                   DIFF_SVG_SWATCH);
        if (i == 5)
            svg_printf(out, "%s", DIFF_SVG_GREY);
        else
            diff_svg_put_colour(out, i < 5 ? -1 : 1, i < 5 ? levels[i] : levels[10 - i]);
        svg_printf(out, "\"/>\n");
    }
    svg_printf(out, "<text x=\"%d\" y=\"%d\">grew</text>\n", x + 4, top + 14);
    svg_printf(out,
               "<text x=\"%d\" y=\"%d\">change in share of samples, before to after; "
               "full colour = %s pp; grey = within noise (95%% interval includes 0)</text></g>\n",
               x + 44, top + 14, diff_format_number(buf, sizeof buf, svg->full_pp, 1, 0));
}

static const struct svg_chart_style diff_svg_style = {
    .text = diff_svg_text,
    .details = diff_svg_details,
    .fill = diff_svg_fill,
    .subtitle = diff_svg_subtitle,
    .legend = diff_svg_legend,
    .legend_height = DIFF_SVG_LEGEND_HEIGHT,
};

int diff_svg_write(FILE *out, const struct diff_side *before, const struct diff_side *after,
                   const struct diff_result *result, const char *title)
{
    struct diff_svg svg = {.sides = {before, after}, .result = result};
    size_t runs;
    int rc = -1;
    int saved_errno;

    if (!before || !after || (before->run_count && !before->runs) ||
        (after->run_count && !after->runs)) {
        errno = EINVAL;
        return -1;
    }
    runs = before->run_count + after->run_count;
    svg.offsets = malloc((runs ? runs : 1) * sizeof *svg.offsets);
    if (svg.offsets && diff_svg_texts(&svg, runs) == 0 && diff_svg_build(&svg, runs) == 0) {
        diff_svg_scale(&svg);
        rc = svg_chart_write(out, &svg.tree, title, "Differential flame graph", &diff_svg_style,
                             &svg);
    }
    saved_errno = errno;
    svg_tree_free(&svg.tree);
    svg_labels_free(&svg.labels);
    for (size_t i = 0; i < svg.text_count; i++)
        free(svg.texts[i]);
    free(svg.texts);
    free(svg.offsets);
    free(svg.counts);
    free(svg.tallies[0]);
    free(svg.tallies[1]);
    errno = saved_errno;
    return rc;
}
