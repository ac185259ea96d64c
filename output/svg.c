/* svg.c - a self-contained, interactive SVG flamegraph of one profile.
 *
 * The stacks are merged into a tree: "all" at the root, the thread roots
 * below it, then frames outermost first; each node counts the samples of
 * its subtree.  Under record --subprocesses (profile.process_roots) a level
 * of process roots ("process:PID:NAME") sits between "all" and the threads.
 * Children are keyed by the rank of their rendered text (frame_text.h), so
 * two frames that print alike share a bar exactly as they share a line in
 * the collapsed output, and sorting siblings by rank sorts them
 * alphabetically.
 *
 * The tree, the layout, the controls and the script are shared with the
 * differential flamegraph (svg_common.h); this file decides what the
 * picture shows: the texts, "N samples, P%" tooltips with the share of each
 * thread state, bars coloured by the state most of their samples were in
 * (a legend says which colour is which; the shade within a state comes from
 * a hash of the function name so neighbours stay apart) and the profile's
 * metadata as the subtitle. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "frame_text.h"
#include "profile.h"
#include "profile_index.h"
#include "svg_common.h"

#define SVG_ROOT_FILL "rgb(190,190,190)"
#define SVG_THREAD_FILL "rgb(205,205,220)" /* neutral: the state colours stay for frames */
#define SVG_PROCESS_FILL SVG_THREAD_FILL

#define SVG_LEGEND_HEIGHT 22

/* Base colour per state: warm for work, cool for waits, greys for idleness. */
static const unsigned char svg_state_rgb[STATE_COUNT][3] = {
    [STATE_UNKNOWN] = {170, 170, 170},  [STATE_RUNNING] = {225, 110, 40},
    [STATE_GIL_WAIT] = {165, 95, 200},  [STATE_LOCK_WAIT] = {70, 120, 220},
    [STATE_IO_WAIT] = {60, 170, 110},   [STATE_SLEEPING] = {120, 150, 175},
    [STATE_IDLE] = {200, 200, 185},     [STATE_AWAITING] = {40, 170, 180},
};

/* What a node stands for: its depth cannot say (a thread is at depth 1, or
 * 2 below a process). */
enum svg_kind { SVG_KIND_ROOT, SVG_KIND_PROCESS, SVG_KIND_THREAD, SVG_KIND_FRAME };

struct svg_ctx {
    const struct profile *profile;
    struct frame_text_table texts;
    struct svg_labels frame_labels;
    /* Process and thread roots ranked together: both can be children of
     * "all" (a thread without a process), so their labels must not collide.
     * root_texts[p] is process p's text, root_texts[process_count + t] thread t's. */
    char **root_texts;
    struct svg_labels root_labels;
    struct svg_tree tree;
    unsigned char *kinds; /* per node: enum svg_kind */
    uint64_t (*states)[STATE_COUNT]; /* per node: samples in each state */
    uint64_t totals[STATE_COUNT];
};

static int svg_state_of(const struct profile_stack *stack)
{
    return stack->state >= 0 && stack->state < STATE_COUNT ? stack->state : STATE_UNKNOWN;
}

/* The labels of a stack's roots, outermost first: its process (when it has
 * a process root), then its thread.  Returns how many (1 or 2). */
static uint32_t svg_root_labels(const struct svg_ctx *ctx, const struct profile_stack *stack,
                                uint32_t labels[2], unsigned char kinds[2])
{
    const struct profile *p = ctx->profile;
    const struct profile_process *process = profile_thread_process(p, stack->thread);
    uint32_t n = 0;

    if (process) {
        labels[n] = ctx->root_labels.rank[process - p->processes];
        kinds[n++] = SVG_KIND_PROCESS;
    }
    labels[n] = ctx->root_labels.rank[ctx->texts.process_count + stack->thread];
    kinds[n++] = SVG_KIND_THREAD;
    return n;
}

/* The label of level `level` below the root on a stack's path (roots, then frames). */
static uint32_t svg_path_label(const struct svg_ctx *ctx, const struct profile_stack *stack,
                               const uint32_t roots[2], uint32_t root_count, uint32_t level)
{
    return level < root_count ? roots[level]
                              : ctx->frame_labels.rank[stack->frames[level - root_count]];
}

/* Second pass over the stacks, once the tree has all its nodes: per-node
 * states and kinds. */
static int svg_tree_states(struct svg_ctx *ctx)
{
    ctx->states = calloc(ctx->tree.count + 1, sizeof *ctx->states);
    ctx->kinds = calloc(ctx->tree.count + 1, sizeof *ctx->kinds); /* SVG_KIND_ROOT is 0 */
    if (!ctx->states || !ctx->kinds)
        return -1;
    for (size_t i = 0; i < ctx->profile->stack_count; i++) {
        const struct profile_stack *stack = &ctx->profile->stacks[i];
        if (stack->count == 0)
            continue;
        int state = svg_state_of(stack);
        uint32_t roots[2];
        unsigned char root_kinds[2];
        uint32_t root_count = svg_root_labels(ctx, stack, roots, root_kinds);
        ctx->totals[state] += stack->count;
        uint32_t node = 0;
        ctx->states[node][state] += stack->count;
        for (uint32_t level = 0; level < root_count + stack->depth; level++) {
            node = svg_tree_find(&ctx->tree, node,
                                 svg_path_label(ctx, stack, roots, root_count, level));
            if (node == SVG_NONE)
                break;
            ctx->states[node][state] += stack->count;
            ctx->kinds[node] = level < root_count ? root_kinds[level] : SVG_KIND_FRAME;
        }
    }
    return 0;
}

static int svg_tree_add_stack(struct svg_ctx *ctx, const struct profile_stack *stack)
{
    struct svg_tree *tree = &ctx->tree;
    uint32_t roots[2];
    unsigned char root_kinds[2];
    uint32_t root_count = svg_root_labels(ctx, stack, roots, root_kinds);
    uint32_t node = 0;

    tree->nodes[0].total += stack->count;
    for (uint32_t level = 0; level < root_count + stack->depth; level++) {
        uint32_t label = svg_path_label(ctx, stack, roots, root_count, level);

        if (svg_tree_child(tree, node, label, &node) < 0)
            return -1;
        tree->nodes[node].total += stack->count;
    }
    return 0;
}

static int svg_tree_build(struct svg_ctx *ctx)
{
    if (svg_tree_init(&ctx->tree) < 0)
        return -1;
    for (size_t i = 0; i < ctx->profile->stack_count; i++) {
        const struct profile_stack *stack = &ctx->profile->stacks[i];

        if (stack->count > 0 && svg_tree_add_stack(ctx, stack) < 0)
            return -1;
    }
    return 0;
}

/* ---- how the bars read ------------------------------------------------ */

static const char *svg_node_text(void *data, uint32_t id)
{
    const struct svg_ctx *ctx = data;
    const struct svg_node *node = &ctx->tree.nodes[id];
    const char *text, *after;

    switch (ctx->kinds[id]) {
    case SVG_KIND_ROOT:
        return "all";
    case SVG_KIND_PROCESS:
        return ctx->root_texts[ctx->root_labels.first[node->label]];
    case SVG_KIND_THREAD:
        /* Below its process bar a thread reads "thread:NAME:TID" alone: its
         * root text's part after the process (';' is never in a sanitised name). */
        text = ctx->root_texts[ctx->root_labels.first[node->label]];
        after = strchr(text, ';');
        return after ? after + 1 : text;
    default:
        return ctx->texts.frames[ctx->frame_labels.first[node->label]];
    }
}

static void svg_node_details(void *data, struct svg_out *out, uint32_t id)
{
    const struct svg_ctx *ctx = data;
    uint64_t total = ctx->tree.nodes[0].total;
    uint64_t count = ctx->tree.nodes[id].total;

    svg_printf(out, "%" PRIu64 " sample%s, ", count, count == 1 ? "" : "s");
    svg_put_fixed(out, total ? 100.0 * (double)count / (double)total : 0, 2);
    svg_printf(out, "%%");
    /* The states, when the bar is not all of one. */
    const uint64_t *states = ctx->states[id];
    int kinds = 0;
    for (int s = 0; s < STATE_COUNT; s++)
        kinds += states[s] > 0;
    for (int s = 0; kinds > 1 && s < STATE_COUNT; s++) {
        if (!states[s])
            continue;
        svg_printf(out, "; %s ", sample_state_name(s));
        svg_put_fixed(out, 100.0 * (double)states[s] / (double)count, 0);
        svg_printf(out, "%%");
    }
}

/* The colour of the state most of the bar's samples were in, shaded by a
 * stable hash (FNV-1a) of the function name: one function keeps its shade on
 * every line and in every profile. */
static void svg_node_fill(void *data, struct svg_out *out, uint32_t id)
{
    const struct svg_ctx *ctx = data;
    const struct svg_node *node = &ctx->tree.nodes[id];
    const char *name;
    uint32_t hash = 2166136261u;

    if (ctx->kinds[id] != SVG_KIND_FRAME) {
        svg_printf(out, "%s",
                   ctx->kinds[id] == SVG_KIND_ROOT      ? SVG_ROOT_FILL
                   : ctx->kinds[id] == SVG_KIND_PROCESS ? SVG_PROCESS_FILL
                                                        : SVG_THREAD_FILL);
        return;
    }
    int dominant = STATE_UNKNOWN;
    for (int s = 0; s < STATE_COUNT; s++)
        if (ctx->states[id][s] > ctx->states[id][dominant])
            dominant = s;
    name = ctx->profile->frames[ctx->frame_labels.first[node->label]].name;
    for (const char *p = name ? name : "?"; *p; p++)
        hash = (hash ^ (unsigned char)*p) * 16777619u;
    int shade = (int)(hash % 41) - 20; /* -20..20 on every channel */
    unsigned rgb[3];
    for (int c = 0; c < 3; c++) {
        int v = svg_state_rgb[dominant][c] + shade;
        rgb[c] = (unsigned)(v < 0 ? 0 : v > 255 ? 255 : v);
    }
    svg_printf(out, "rgb(%u,%u,%u)", rgb[0], rgb[1], rgb[2]);
}

/* A swatch and the share of samples for each state that occurs. */
static void svg_legend(void *data, struct svg_out *out, int left, int top)
{
    const struct svg_ctx *ctx = data;
    uint64_t total = ctx->tree.nodes[0].total;
    int x = left;
    svg_printf(out, "<g id=\"legend\">\n");
    for (int s = 0; s < STATE_COUNT; s++) {
        if (!ctx->totals[s])
            continue;
        svg_printf(out, "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"14\" fill=\"rgb(%u,%u,%u)\"/>",
                   x, top + 3, svg_state_rgb[s][0], svg_state_rgb[s][1], svg_state_rgb[s][2]);
        svg_printf(out, "<text x=\"%d\" y=\"%d\">%s ", x + 18, top + 14, sample_state_name(s));
        svg_put_fixed(out, total ? 100.0 * (double)ctx->totals[s] / (double)total : 0, 1);
        svg_printf(out, "%%</text>\n");
        x += 150;
    }
    svg_printf(out, "</g>\n");
}

/* "Python 3.12.1, pid 42, wall mode, 10.0 s, 100 Hz, 1000 samples";
 * fields the profile does not have are left out. */
static void svg_subtitle(void *data, struct svg_out *out)
{
    const struct svg_ctx *ctx = data;
    const struct profile *p = ctx->profile;
    uint64_t total = ctx->tree.nodes[0].total;
    char buf[40];

    if (p->python_version && *p->python_version) {
        svg_printf(out, "Python ");
        svg_put_escaped(out, p->python_version, 64);
        svg_printf(out, ", ");
    }
    if (p->pid > 0)
        svg_printf(out, "pid %d, ", p->pid);
    if (p->mode && *p->mode) {
        svg_put_escaped(out, p->mode, 16);
        svg_printf(out, " mode, ");
    }
    if (p->duration_s > 0)
        svg_printf(out, "%s s, ", svg_format_fixed(buf, sizeof buf, p->duration_s, 1));
    if (p->rate_hz > 0) {
        svg_format_fixed(buf, sizeof buf, p->rate_hz, 1);
        if (strlen(buf) > 2 && strcmp(buf + strlen(buf) - 2, ".0") == 0)
            buf[strlen(buf) - 2] = '\0';
        svg_printf(out, "%s Hz, ", buf);
    }
    svg_printf(out, "%" PRIu64 " sample%s", total, total == 1 ? "" : "s");
}

static const struct svg_chart_style svg_profile_style = {
    .text = svg_node_text,
    .details = svg_node_details,
    .fill = svg_node_fill,
    .subtitle = svg_subtitle,
    .legend = svg_legend,
    .legend_height = SVG_LEGEND_HEIGHT,
};

static int svg_root_labels_build(struct svg_ctx *ctx)
{
    size_t processes = ctx->texts.process_count, count = processes + ctx->texts.thread_count;

    ctx->root_texts = malloc((count ? count : 1) * sizeof *ctx->root_texts);
    if (!ctx->root_texts)
        return -1;
    memcpy(ctx->root_texts, ctx->texts.processes, processes * sizeof *ctx->root_texts);
    memcpy(ctx->root_texts + processes, ctx->texts.threads,
           ctx->texts.thread_count * sizeof *ctx->root_texts);
    return svg_labels_build(&ctx->root_labels, ctx->root_texts, count);
}

int svg_write(FILE *out, const struct profile *profile)
{
    struct svg_ctx ctx = {.profile = profile};
    int result = -1;
    int saved_errno;

    if (frame_text_table_build(&ctx.texts, profile) < 0)
        return -1;
    if (svg_labels_build(&ctx.frame_labels, ctx.texts.frames, ctx.texts.frame_count) < 0)
        goto done;
    if (svg_root_labels_build(&ctx) < 0)
        goto done;
    if (svg_tree_build(&ctx) < 0 || svg_tree_order(&ctx.tree) < 0 || svg_tree_states(&ctx) < 0)
        goto done;
    result =
        svg_chart_write(out, &ctx.tree, profile->command, "Flame graph", &svg_profile_style, &ctx);

done:
    saved_errno = errno;
    free(ctx.states);
    free(ctx.kinds);
    svg_tree_free(&ctx.tree);
    svg_labels_free(&ctx.frame_labels);
    svg_labels_free(&ctx.root_labels);
    free(ctx.root_texts);
    frame_text_table_free(&ctx.texts);
    errno = saved_errno;
    return result;
}
