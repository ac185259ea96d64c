/* svg.c - a self-contained, interactive SVG flamegraph.
 *
 * The stacks are merged into a tree: "all" at the root, the thread roots
 * below it, then frames outermost first; each node counts the samples of
 * its subtree.  Children are keyed by the rank of their rendered text
 * (frame_text.h), so two frames that print alike share a bar exactly as
 * they share a line in the collapsed output, and sorting siblings by rank
 * sorts them alphabetically.
 *
 * Key design choice: nothing recurses.  Nodes live in one array found
 * through a (parent, label) hash table, so building costs O(total frames)
 * time and memory whatever the depth; drawing is a pre-order walk with an
 * explicit stack.  A 5,000-frame stack is just a tall picture.
 *
 * Bars narrower than 0.1% of all samples are not drawn (their parent's
 * count still includes them, so counts stay exact).  Every number is
 * formatted by hand with integer arithmetic: the output never depends on
 * the process locale.  Text goes through svg_put_escaped, which makes any
 * string legal XML.  The JavaScript and CSS live in svg_script.h. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "frame_text.h"
#include "profile.h"
#include "svg_script.h"

#define SVG_WIDTH 1200
#define SVG_MARGIN 10
#define SVG_ROW 16    /* pixels per stack level: a 15px bar and a 1px gap */
#define SVG_TOP 56    /* title, subtitle and controls */
#define SVG_BOTTOM 30 /* the details line */
#define SVG_CHAR_PX 7.3 /* advance of a 12px monospace character */
#define SVG_NONE UINT32_MAX
#define SVG_MAX_NODES (UINT32_MAX - 1)
#define SVG_ROOT_FILL "rgb(190,190,190)"
#define SVG_THREAD_FILL "rgb(120,160,215)"

struct svg_node {
    uint64_t total;       /* samples in this subtree */
    uint64_t start;       /* first sample, counted from the left edge */
    uint32_t parent;      /* SVG_NONE for the root */
    uint32_t label;       /* text rank: a thread's at depth 1, a frame's deeper */
    uint32_t depth;       /* 0 root, 1 thread, 2+ frames */
    uint32_t first_child; /* position of the first child in svg_tree.order */
    uint32_t child_count;
};

/* Distinct texts ranked in strcmp order: rank[item] and first[rank]. */
struct svg_labels {
    uint32_t *rank;  /* rank of each profile frame (or thread) */
    uint32_t *first; /* lowest profile index whose text has this rank */
};

struct svg_tree {
    struct svg_node *nodes;
    size_t count;
    size_t capacity;
    uint32_t *slots; /* open addressing over non-root nodes, SVG_NONE empty */
    size_t slot_count;
    uint32_t *order; /* non-root nodes sorted by (parent, label) */
};

struct svg_ctx {
    FILE *out;
    int failed; /* sticky: set by the first failed write */
    const struct profile *profile;
    struct frame_text_table texts;
    struct svg_labels frame_labels;
    struct svg_labels thread_labels;
    struct svg_tree tree;
    uint64_t total;     /* all samples */
    uint64_t min_drawn; /* samples a bar needs to be drawn */
    uint32_t max_depth; /* deepest drawn level */
};

/* ---- output primitives ------------------------------------------------ */

static void svg_printf(struct svg_ctx *ctx, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

static void svg_printf(struct svg_ctx *ctx, const char *format, ...)
{
    va_list args;
    int written;

    if (ctx->failed)
        return;
    va_start(args, format);
    written = vfprintf(ctx->out, format, args);
    va_end(args);
    if (written < 0)
        ctx->failed = 1;
}

static void svg_put(struct svg_ctx *ctx, const char *bytes, size_t len)
{
    if (!ctx->failed && len > 0 && fwrite(bytes, 1, len, ctx->out) != len)
        ctx->failed = 1;
}

/* Non-negative fixed-point text without printf's %f (locale-free). */
static const char *svg_format_fixed(char *buf, size_t cap, double value, int decimals)
{
    unsigned long long scale = decimals >= 2 ? 100 : decimals == 1 ? 10 : 1;
    double scaled = value * (double)scale + 0.5;
    unsigned long long q;

    if (!(scaled > 0)) /* negative or NaN */
        scaled = 0;
    if (scaled > 1e18)
        scaled = 1e18;
    q = (unsigned long long)scaled;
    if (scale == 1)
        snprintf(buf, cap, "%llu", q);
    else
        snprintf(buf, cap, "%llu.%0*llu", q / scale, decimals >= 2 ? 2 : 1, q % scale);
    return buf;
}

static void svg_put_fixed(struct svg_ctx *ctx, double value, int decimals)
{
    char buf[40];

    svg_printf(ctx, "%s", svg_format_fixed(buf, sizeof buf, value, decimals));
}

static const char *svg_entity(unsigned char c)
{
    switch (c) {
    case '&': return "&amp;";
    case '<': return "&lt;";
    case '>': return "&gt;";
    case '"': return "&quot;";
    case '\'': return "&apos;";
    default: return NULL;
    }
}

/* Writes at most max_chars characters of text as XML character data that
 * is also safe in an attribute.  Control bytes and bytes that are not
 * valid UTF-8 become '?' (XML 1.0 cannot carry them even as references). */
static void svg_put_escaped(struct svg_ctx *ctx, const char *text, size_t max_chars)
{
    for (size_t chars = 0; *text && chars < max_chars; chars++) {
        unsigned char c = (unsigned char)*text;
        size_t len = frame_text_utf8_length(text);
        const char *entity = svg_entity(c);

        if (len == 0 || c < 0x20 || c == 0x7F) {
            svg_put(ctx, "?", 1);
            len = 1;
        } else if (entity) {
            svg_put(ctx, entity, strlen(entity));
        } else {
            svg_put(ctx, text, len);
        }
        text += len;
    }
}

/* Characters as svg_put_escaped counts them (a bad byte is one). */
static size_t svg_char_count(const char *text)
{
    size_t chars = 0;

    while (*text) {
        size_t len = frame_text_utf8_length(text);
        text += len ? len : 1;
        chars++;
    }
    return chars;
}

/* ---- labels: rank distinct texts -------------------------------------- */

struct svg_rank_entry {
    const char *text;
    uint32_t index;
};

static int svg_rank_compare(const void *a, const void *b)
{
    const struct svg_rank_entry *ea = a;
    const struct svg_rank_entry *eb = b;
    int order = strcmp(ea->text, eb->text);

    if (order != 0)
        return order;
    return (ea->index > eb->index) - (ea->index < eb->index);
}

static void svg_labels_free(struct svg_labels *labels)
{
    free(labels->rank);
    free(labels->first);
    labels->rank = labels->first = NULL;
}

static int svg_labels_build(struct svg_labels *labels, char *const *texts, size_t count)
{
    struct svg_rank_entry *entries;
    size_t slots = count ? count : 1;
    uint32_t rank = 0;

    if (count >= SVG_MAX_NODES) {
        errno = EOVERFLOW;
        return -1;
    }
    entries = malloc(slots * sizeof *entries);
    labels->rank = malloc(slots * sizeof *labels->rank);
    labels->first = malloc(slots * sizeof *labels->first);
    if (!entries || !labels->rank || !labels->first) {
        free(entries);
        svg_labels_free(labels);
        return -1;
    }
    for (size_t i = 0; i < count; i++)
        entries[i] = (struct svg_rank_entry){texts[i], (uint32_t)i};
    qsort(entries, count, sizeof *entries, svg_rank_compare);
    /* Equal texts sort by index, so a rank's first entry has the lowest. */
    for (size_t i = 0; i < count; i++) {
        if (i > 0 && strcmp(entries[i].text, entries[i - 1].text) != 0)
            rank++;
        if (i == 0 || rank != labels->rank[entries[i - 1].index])
            labels->first[rank] = entries[i].index;
        labels->rank[entries[i].index] = rank;
    }
    free(entries);
    return 0;
}

/* ---- tree: merge stacks into nodes ------------------------------------ */

static size_t svg_tree_hash(uint32_t parent, uint32_t label, size_t slot_count)
{
    uint64_t key = ((uint64_t)parent << 32) | label;

    key ^= key >> 33;
    key *= 0xff51afd7ed558ccdULL;
    key ^= key >> 33;
    return (size_t)key & (slot_count - 1);
}

static void svg_tree_place(struct svg_tree *tree, uint32_t id)
{
    const struct svg_node *node = &tree->nodes[id];
    size_t slot = svg_tree_hash(node->parent, node->label, tree->slot_count);

    while (tree->slots[slot] != SVG_NONE)
        slot = (slot + 1) & (tree->slot_count - 1);
    tree->slots[slot] = id;
}

/* Room for one more node: the array doubles, the table stays half empty. */
static int svg_tree_reserve(struct svg_tree *tree)
{
    if (tree->count >= SVG_MAX_NODES) {
        errno = EOVERFLOW;
        return -1;
    }
    if (tree->count == tree->capacity) {
        size_t capacity = tree->capacity ? tree->capacity * 2 : 256;
        struct svg_node *nodes = realloc(tree->nodes, capacity * sizeof *nodes);
        if (!nodes)
            return -1;
        tree->nodes = nodes;
        tree->capacity = capacity;
    }
    if ((tree->count + 1) * 2 > tree->slot_count) {
        size_t slot_count = tree->slot_count ? tree->slot_count * 2 : 512;
        uint32_t *slots = malloc(slot_count * sizeof *slots);
        if (!slots)
            return -1;
        memset(slots, 0xFF, slot_count * sizeof *slots); /* all SVG_NONE */
        free(tree->slots);
        tree->slots = slots;
        tree->slot_count = slot_count;
        for (size_t id = 1; id < tree->count; id++)
            svg_tree_place(tree, (uint32_t)id);
    }
    return 0;
}

/* Finds or creates the child of parent with this label. */
static int svg_tree_child(struct svg_tree *tree, uint32_t parent, uint32_t label, uint32_t *child)
{
    size_t slot;

    if (svg_tree_reserve(tree) < 0)
        return -1;
    slot = svg_tree_hash(parent, label, tree->slot_count);
    for (;; slot = (slot + 1) & (tree->slot_count - 1)) {
        uint32_t id = tree->slots[slot];

        if (id == SVG_NONE)
            break;
        if (tree->nodes[id].parent == parent && tree->nodes[id].label == label) {
            *child = id;
            return 0;
        }
    }
    *child = (uint32_t)tree->count;
    tree->nodes[tree->count++] = (struct svg_node){
        .parent = parent,
        .label = label,
        .depth = tree->nodes[parent].depth + 1,
    };
    tree->slots[slot] = *child;
    return 0;
}

static int svg_tree_add_stack(struct svg_ctx *ctx, const struct profile_stack *stack)
{
    struct svg_tree *tree = &ctx->tree;
    uint32_t node;

    tree->nodes[0].total += stack->count;
    if (svg_tree_child(tree, 0, ctx->thread_labels.rank[stack->thread], &node) < 0)
        return -1;
    tree->nodes[node].total += stack->count;
    for (uint32_t d = 0; d < stack->depth; d++) {
        uint32_t label = ctx->frame_labels.rank[stack->frames[d]];

        if (svg_tree_child(tree, node, label, &node) < 0)
            return -1;
        tree->nodes[node].total += stack->count;
    }
    return 0;
}

static int svg_tree_build(struct svg_ctx *ctx)
{
    struct svg_tree *tree = &ctx->tree;

    if (svg_tree_reserve(tree) < 0)
        return -1;
    tree->nodes[0] = (struct svg_node){.parent = SVG_NONE};
    tree->count = 1;
    for (size_t i = 0; i < ctx->profile->stack_count; i++) {
        const struct profile_stack *stack = &ctx->profile->stacks[i];

        if (stack->count > 0 && svg_tree_add_stack(ctx, stack) < 0)
            return -1;
    }
    ctx->total = tree->nodes[0].total;
    ctx->min_drawn = ctx->total / 1000 + (ctx->total % 1000 != 0);
    return 0;
}

struct svg_order_entry {
    uint64_t key; /* parent << 32 | label: unique per node */
    uint32_t id;
};

static int svg_order_compare(const void *a, const void *b)
{
    const struct svg_order_entry *ea = a;
    const struct svg_order_entry *eb = b;

    return (ea->key > eb->key) - (ea->key < eb->key);
}

/* Sorts the children of every node by label and records where they are. */
static int svg_tree_order(struct svg_tree *tree)
{
    size_t count = tree->count - 1;
    struct svg_order_entry *entries = malloc((count ? count : 1) * sizeof *entries);

    tree->order = malloc((count ? count : 1) * sizeof *tree->order);
    if (!entries || !tree->order) {
        free(entries);
        return -1;
    }
    for (size_t i = 0; i < count; i++) {
        const struct svg_node *node = &tree->nodes[i + 1];
        entries[i] = (struct svg_order_entry){((uint64_t)node->parent << 32) | node->label,
                                              (uint32_t)(i + 1)};
    }
    qsort(entries, count, sizeof *entries, svg_order_compare);
    for (size_t i = 0; i < count; i++) {
        struct svg_node *parent = &tree->nodes[tree->nodes[entries[i].id].parent];

        tree->order[i] = entries[i].id;
        if (parent->child_count == 0)
            parent->first_child = (uint32_t)i;
        parent->child_count++;
    }
    free(entries);
    return 0;
}

static void svg_tree_free(struct svg_tree *tree)
{
    free(tree->nodes);
    free(tree->slots);
    free(tree->order);
    memset(tree, 0, sizeof *tree);
}

/* ---- drawing ---------------------------------------------------------- */

static int svg_node_drawn(const struct svg_ctx *ctx, uint32_t id)
{
    return id == 0 || ctx->tree.nodes[id].total >= ctx->min_drawn;
}

static void svg_find_max_depth(struct svg_ctx *ctx)
{
    ctx->max_depth = 0;
    for (size_t id = 0; id < ctx->tree.count; id++)
        if (svg_node_drawn(ctx, (uint32_t)id) && ctx->tree.nodes[id].depth > ctx->max_depth)
            ctx->max_depth = ctx->tree.nodes[id].depth;
}

static uint64_t svg_height(const struct svg_ctx *ctx)
{
    return SVG_TOP + ((uint64_t)ctx->max_depth + 1) * SVG_ROW + SVG_BOTTOM;
}

static const char *svg_node_text(const struct svg_ctx *ctx, const struct svg_node *node)
{
    if (node->depth == 0)
        return "all";
    if (node->depth == 1)
        return ctx->texts.threads[ctx->thread_labels.first[node->label]];
    return ctx->texts.frames[ctx->frame_labels.first[node->label]];
}

/* Warm colours from a stable hash (FNV-1a) of the function name alone, so
 * one function keeps its colour on every line and in every profile. */
static void svg_put_fill(struct svg_ctx *ctx, const struct svg_node *node)
{
    const char *name;
    uint32_t hash = 2166136261u;

    if (node->depth <= 1) {
        svg_printf(ctx, "%s", node->depth == 0 ? SVG_ROOT_FILL : SVG_THREAD_FILL);
        return;
    }
    name = ctx->profile->frames[ctx->frame_labels.first[node->label]].name;
    for (const char *p = name ? name : "?"; *p; p++)
        hash = (hash ^ (unsigned char)*p) * 16777619u;
    svg_printf(ctx, "rgb(%u,%u,%u)", 205 + hash % 50, 70 + (hash >> 8) % 150,
               30 + (hash >> 16) % 60);
}

/* The visible label: the whole text if it fits, else a prefix and "..". */
static void svg_put_label(struct svg_ctx *ctx, const char *text, double width_px)
{
    double room_px = width_px - 6;
    size_t room = room_px > 0 ? (size_t)(room_px / SVG_CHAR_PX) : 0;

    if (svg_char_count(text) <= room) {
        svg_put_escaped(ctx, text, SIZE_MAX);
    } else if (room >= 3) {
        svg_put_escaped(ctx, text, room - 2);
        svg_put(ctx, "..", 2);
    }
}

static void svg_write_node(struct svg_ctx *ctx, const struct svg_node *node)
{
    double scale = ctx->total ? (double)(SVG_WIDTH - 2 * SVG_MARGIN) / (double)ctx->total : 0;
    double x = SVG_MARGIN + (double)node->start * scale;
    double width = ctx->total ? (double)node->total * scale : SVG_WIDTH - 2 * SVG_MARGIN;
    uint64_t y = SVG_TOP + ((uint64_t)(ctx->max_depth - node->depth)) * SVG_ROW;
    double percent = ctx->total ? 100.0 * (double)node->total / (double)ctx->total : 0;
    const char *text = svg_node_text(ctx, node);

    svg_printf(ctx, "<g class=\"f\" data-s=\"%" PRIu64 "\" data-n=\"%" PRIu64 "\"><title>",
               node->start, node->total);
    svg_put_escaped(ctx, text, SIZE_MAX);
    svg_printf(ctx, "\n%" PRIu64 " sample%s, ", node->total, node->total == 1 ? "" : "s");
    svg_put_fixed(ctx, percent, 2);
    svg_printf(ctx, "%%</title><rect x=\"");
    svg_put_fixed(ctx, x, 2);
    svg_printf(ctx, "\" y=\"%" PRIu64 "\" width=\"", y);
    svg_put_fixed(ctx, width, 2);
    svg_printf(ctx, "\" height=\"%d\" fill=\"", SVG_ROW - 1);
    svg_put_fill(ctx, node);
    svg_printf(ctx, "\"/><text x=\"");
    svg_put_fixed(ctx, x + 3, 2);
    svg_printf(ctx, "\" y=\"%" PRIu64 "\">", y + 11);
    svg_put_label(ctx, text, width);
    svg_printf(ctx, "</text></g>\n");
}

/* Pre-order walk with an explicit stack (each node is pushed at most once,
 * so the stack never needs more than tree.count entries).  A node's
 * children get their start here, left to right in label order. */
static int svg_write_frames(struct svg_ctx *ctx)
{
    struct svg_tree *tree = &ctx->tree;
    uint32_t *pending = malloc(tree->count * sizeof *pending);
    size_t top = 0;

    if (!pending)
        return -1;
    pending[top++] = 0;
    while (top > 0 && !ctx->failed) {
        const struct svg_node *node = &tree->nodes[pending[--top]];
        uint64_t start = node->start;

        svg_write_node(ctx, node);
        for (uint32_t k = 0; k < node->child_count; k++) {
            struct svg_node *child = &tree->nodes[tree->order[node->first_child + k]];
            child->start = start;
            start += child->total;
        }
        for (uint32_t k = node->child_count; k-- > 0;) {
            uint32_t child = tree->order[node->first_child + k];
            if (svg_node_drawn(ctx, child))
                pending[top++] = child;
        }
    }
    free(pending);
    return 0;
}

/* "Python 3.12.1, pid 42, wall mode, 10.0 s, 100 Hz, 1000 samples";
 * fields the profile does not have are left out. */
static void svg_write_subtitle(struct svg_ctx *ctx)
{
    const struct profile *p = ctx->profile;
    char buf[40];

    if (p->python_version && *p->python_version) {
        svg_printf(ctx, "Python ");
        svg_put_escaped(ctx, p->python_version, 64);
        svg_printf(ctx, ", ");
    }
    if (p->pid > 0)
        svg_printf(ctx, "pid %d, ", p->pid);
    if (p->mode && *p->mode) {
        svg_put_escaped(ctx, p->mode, 16);
        svg_printf(ctx, " mode, ");
    }
    if (p->duration_s > 0)
        svg_printf(ctx, "%s s, ", svg_format_fixed(buf, sizeof buf, p->duration_s, 1));
    if (p->rate_hz > 0) {
        svg_format_fixed(buf, sizeof buf, p->rate_hz, 1);
        if (strlen(buf) > 2 && strcmp(buf + strlen(buf) - 2, ".0") == 0)
            buf[strlen(buf) - 2] = '\0';
        svg_printf(ctx, "%s Hz, ", buf);
    }
    svg_printf(ctx, "%" PRIu64 " sample%s", ctx->total, ctx->total == 1 ? "" : "s");
}

static void svg_write_cdata(struct svg_ctx *ctx, const char *element, const char *type,
                            const char *const *lines)
{
    svg_printf(ctx, "<%s type=\"%s\"><![CDATA[\n", element, type);
    for (; *lines; lines++)
        svg_printf(ctx, "%s\n", *lines);
    svg_printf(ctx, "]]></%s>\n", element);
}

static void svg_write_header(struct svg_ctx *ctx)
{
    const char *command = ctx->profile->command;
    uint64_t height = svg_height(ctx);

    svg_printf(ctx, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n");
    svg_printf(ctx,
               "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%d\" "
               "height=\"%" PRIu64 "\" viewBox=\"0 0 %d %" PRIu64 "\">\n",
               SVG_WIDTH, height, SVG_WIDTH, height);
    svg_write_cdata(ctx, "style", "text/css", svg_script_style);
    svg_printf(ctx, "<rect x=\"0\" y=\"0\" width=\"100%%\" height=\"100%%\" fill=\"#fbfaf4\"/>\n");
    svg_printf(ctx, "<text id=\"title\" x=\"%d\" y=\"22\" text-anchor=\"middle\">", SVG_WIDTH / 2);
    if (command && *command) {
        svg_put_escaped(ctx, command, 100);
        if (svg_char_count(command) > 100)
            svg_put(ctx, "..", 2);
    } else {
        svg_printf(ctx, "Flame graph");
    }
    svg_printf(ctx, "</text>\n<text id=\"subtitle\" x=\"%d\" y=\"40\" text-anchor=\"middle\">",
               SVG_WIDTH / 2);
    svg_write_subtitle(ctx);
    svg_printf(ctx, "</text>\n");
    svg_printf(ctx, "<text id=\"reset\" class=\"btn hidden\" x=\"%d\" y=\"22\">Reset zoom</text>\n",
               SVG_MARGIN);
    svg_printf(ctx,
               "<text id=\"search\" class=\"btn\" x=\"%d\" y=\"22\" text-anchor=\"end\">Search "
               "(Ctrl-F)</text>\n",
               SVG_WIDTH - SVG_MARGIN);
}

static void svg_write_footer(struct svg_ctx *ctx)
{
    uint64_t baseline = svg_height(ctx) - 10;

    svg_printf(ctx, "<text id=\"details\" x=\"%d\" y=\"%" PRIu64 "\"> </text>\n", SVG_MARGIN,
               baseline);
    svg_printf(ctx,
               "<text id=\"matched\" x=\"%d\" y=\"%" PRIu64 "\" text-anchor=\"end\"></text>\n",
               SVG_WIDTH - SVG_MARGIN, baseline);
    svg_write_cdata(ctx, "script", "text/ecmascript", svg_script_code);
    svg_printf(ctx, "</svg>\n");
}

static int svg_write_document(struct svg_ctx *ctx)
{
    char char_px[40];

    svg_find_max_depth(ctx);
    svg_write_header(ctx);
    svg_printf(ctx,
               "<g id=\"frames\" data-left=\"%d\" data-width=\"%d\" data-char=\"%s\" "
               "data-total=\"%" PRIu64 "\">\n",
               SVG_MARGIN, SVG_WIDTH - 2 * SVG_MARGIN,
               svg_format_fixed(char_px, sizeof char_px, SVG_CHAR_PX, 2), ctx->total);
    if (svg_write_frames(ctx) < 0)
        return -1;
    svg_printf(ctx, "</g>\n");
    svg_write_footer(ctx);
    if (ctx->failed)
        return -1;
    if (fflush(ctx->out) != 0)
        return -1;
    if (ferror(ctx->out)) {
        errno = EIO; /* an earlier write failed; its errno is long gone */
        return -1;
    }
    return 0;
}

int svg_write(FILE *out, const struct profile *profile)
{
    struct svg_ctx ctx = {.out = out, .profile = profile};
    int result = -1;
    int saved_errno;

    if (frame_text_table_build(&ctx.texts, profile) < 0)
        return -1;
    if (svg_labels_build(&ctx.frame_labels, ctx.texts.frames, ctx.texts.frame_count) < 0)
        goto done;
    if (svg_labels_build(&ctx.thread_labels, ctx.texts.threads, ctx.texts.thread_count) < 0)
        goto done;
    if (svg_tree_build(&ctx) < 0 || svg_tree_order(&ctx.tree) < 0)
        goto done;
    result = svg_write_document(&ctx);

done:
    saved_errno = errno;
    svg_tree_free(&ctx.tree);
    svg_labels_free(&ctx.frame_labels);
    svg_labels_free(&ctx.thread_labels);
    frame_text_table_free(&ctx.texts);
    errno = saved_errno;
    return result;
}
