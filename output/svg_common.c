/* svg_common.c - the parts of an interactive flamegraph every writer shares.
 *
 * See svg_common.h for the split: writers build and order a tree, this file
 * lays it out and writes the document.  Layout: a fixed-width picture, the
 * title, subtitle and controls on top, then the writer's legend band (if
 * any), the stack levels from the deepest at the top to the root at the
 * bottom, and the details line.  Bars narrower than 0.1% of all samples
 * are not drawn (their parent's count still includes them, so counts stay
 * exact).  The JavaScript and CSS live in svg_script.h; the script reads
 * the layout from the data- attributes written here. */
#include "svg_common.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "frame_text.h"
#include "svg_script.h"

#define SVG_WIDTH 1200
#define SVG_MARGIN 10
#define SVG_ROW 16      /* pixels per stack level: a 15px bar and a 1px gap */
#define SVG_TOP 56      /* title, subtitle and controls */
#define SVG_BOTTOM 30   /* the details line */
#define SVG_CHAR_PX 7.3 /* advance of a 12px monospace character */

/* ---- output primitives ------------------------------------------------ */

void svg_printf(struct svg_out *out, const char *format, ...)
{
    va_list args;
    int written;

    if (out->failed)
        return;
    va_start(args, format);
    written = vfprintf(out->out, format, args);
    va_end(args);
    if (written < 0)
        out->failed = 1;
}

void svg_put(struct svg_out *out, const char *bytes, size_t len)
{
    if (!out->failed && len > 0 && fwrite(bytes, 1, len, out->out) != len)
        out->failed = 1;
}

const char *svg_format_fixed(char *buf, size_t cap, double value, int decimals)
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

void svg_put_fixed(struct svg_out *out, double value, int decimals)
{
    char buf[40];

    svg_printf(out, "%s", svg_format_fixed(buf, sizeof buf, value, decimals));
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

/* XML 1.0 cannot carry control bytes even as references, hence the '?'. */
void svg_put_escaped(struct svg_out *out, const char *text, size_t max_chars)
{
    for (size_t chars = 0; *text && chars < max_chars; chars++) {
        unsigned char c = (unsigned char)*text;
        size_t len = frame_text_utf8_length(text);
        const char *entity = svg_entity(c);

        if (len == 0 || c < 0x20 || c == 0x7F) {
            svg_put(out, "?", 1);
            len = 1;
        } else if (entity) {
            svg_put(out, entity, strlen(entity));
        } else {
            svg_put(out, text, len);
        }
        text += len;
    }
}

size_t svg_char_count(const char *text)
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

void svg_labels_free(struct svg_labels *labels)
{
    free(labels->rank);
    free(labels->first);
    labels->rank = labels->first = NULL;
}

int svg_labels_build(struct svg_labels *labels, char *const *texts, size_t count)
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

int svg_tree_init(struct svg_tree *tree)
{
    memset(tree, 0, sizeof *tree);
    if (svg_tree_reserve(tree) < 0)
        return -1;
    tree->nodes[0] = (struct svg_node){.parent = SVG_NONE};
    tree->count = 1;
    return 0;
}

/* The slot holding (parent, label), or the empty slot where it belongs. */
static size_t svg_tree_slot(const struct svg_tree *tree, uint32_t parent, uint32_t label)
{
    size_t slot = svg_tree_hash(parent, label, tree->slot_count);

    for (;; slot = (slot + 1) & (tree->slot_count - 1)) {
        uint32_t id = tree->slots[slot];

        if (id == SVG_NONE || (tree->nodes[id].parent == parent && tree->nodes[id].label == label))
            return slot;
    }
}

uint32_t svg_tree_find(const struct svg_tree *tree, uint32_t parent, uint32_t label)
{
    if (tree->slot_count == 0)
        return SVG_NONE;
    return tree->slots[svg_tree_slot(tree, parent, label)];
}

int svg_tree_child(struct svg_tree *tree, uint32_t parent, uint32_t label, uint32_t *child)
{
    size_t slot;

    if (svg_tree_reserve(tree) < 0)
        return -1;
    slot = svg_tree_slot(tree, parent, label);
    if (tree->slots[slot] != SVG_NONE) {
        *child = tree->slots[slot];
        return 0;
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

int svg_tree_order(struct svg_tree *tree)
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

void svg_tree_free(struct svg_tree *tree)
{
    free(tree->nodes);
    free(tree->slots);
    free(tree->order);
    memset(tree, 0, sizeof *tree);
}

/* ---- drawing ---------------------------------------------------------- */

struct svg_chart {
    struct svg_out out;
    struct svg_tree *tree;
    const struct svg_chart_style *style;
    void *data;
    uint64_t total;     /* all samples: the root's */
    uint64_t min_drawn; /* samples a bar needs to be drawn */
    uint32_t max_depth; /* deepest drawn level */
    int top;            /* pixels above the deepest level */
};

static int svg_node_drawn(const struct svg_chart *chart, uint32_t id)
{
    return id == 0 || chart->tree->nodes[id].total >= chart->min_drawn;
}

static void svg_chart_measure(struct svg_chart *chart)
{
    const struct svg_tree *tree = chart->tree;

    chart->total = tree->nodes[0].total;
    chart->min_drawn = chart->total / 1000 + (chart->total % 1000 != 0);
    chart->max_depth = 0;
    for (size_t id = 0; id < tree->count; id++)
        if (svg_node_drawn(chart, (uint32_t)id) && tree->nodes[id].depth > chart->max_depth)
            chart->max_depth = tree->nodes[id].depth;
    chart->top = SVG_TOP + (chart->style->legend ? chart->style->legend_height : 0);
}

static uint64_t svg_chart_height(const struct svg_chart *chart)
{
    return (uint64_t)chart->top + ((uint64_t)chart->max_depth + 1) * SVG_ROW + SVG_BOTTOM;
}

/* The visible label: the whole text if it fits, else a prefix and "..". */
static void svg_put_label(struct svg_out *out, const char *text, double width_px)
{
    double room_px = width_px - 6;
    size_t room = room_px > 0 ? (size_t)(room_px / SVG_CHAR_PX) : 0;

    if (svg_char_count(text) <= room) {
        svg_put_escaped(out, text, SIZE_MAX);
    } else if (room >= 3) {
        svg_put_escaped(out, text, room - 2);
        svg_put(out, "..", 2);
    }
}

static void svg_write_node(struct svg_chart *chart, uint32_t id)
{
    const struct svg_node *node = &chart->tree->nodes[id];
    struct svg_out *out = &chart->out;
    double scale = chart->total ? (double)(SVG_WIDTH - 2 * SVG_MARGIN) / (double)chart->total : 0;
    double x = SVG_MARGIN + (double)node->start * scale;
    double width = chart->total ? (double)node->total * scale : SVG_WIDTH - 2 * SVG_MARGIN;
    uint64_t y = (uint64_t)chart->top + ((uint64_t)(chart->max_depth - node->depth)) * SVG_ROW;
    const char *text = chart->style->text(chart->data, id);

    svg_printf(out, "<g class=\"f\" data-s=\"%" PRIu64 "\" data-n=\"%" PRIu64 "\"><title>",
               node->start, node->total);
    svg_put_escaped(out, text, SIZE_MAX);
    svg_put(out, "\n", 1);
    chart->style->details(chart->data, out, id);
    svg_printf(out, "</title><rect x=\"");
    svg_put_fixed(out, x, 2);
    svg_printf(out, "\" y=\"%" PRIu64 "\" width=\"", y);
    svg_put_fixed(out, width, 2);
    svg_printf(out, "\" height=\"%d\" fill=\"", SVG_ROW - 1);
    chart->style->fill(chart->data, out, id);
    svg_printf(out, "\"/><text x=\"");
    svg_put_fixed(out, x + 3, 2);
    svg_printf(out, "\" y=\"%" PRIu64 "\">", y + 11);
    svg_put_label(out, text, width);
    svg_printf(out, "</text></g>\n");
}

/* Pre-order walk with an explicit stack (each node is pushed at most once,
 * so the stack never needs more than tree.count entries).  A node's
 * children get their start here, left to right in label order. */
static int svg_write_frames(struct svg_chart *chart)
{
    struct svg_tree *tree = chart->tree;
    uint32_t *pending = malloc(tree->count * sizeof *pending);
    size_t top = 0;

    if (!pending)
        return -1;
    pending[top++] = 0;
    while (top > 0 && !chart->out.failed) {
        uint32_t id = pending[--top];
        const struct svg_node *node = &tree->nodes[id];
        uint64_t start = node->start;

        svg_write_node(chart, id);
        for (uint32_t k = 0; k < node->child_count; k++) {
            struct svg_node *child = &tree->nodes[tree->order[node->first_child + k]];
            child->start = start;
            start += child->total;
        }
        for (uint32_t k = node->child_count; k-- > 0;) {
            uint32_t child = tree->order[node->first_child + k];
            if (svg_node_drawn(chart, child))
                pending[top++] = child;
        }
    }
    free(pending);
    return 0;
}

static void svg_write_cdata(struct svg_out *out, const char *element, const char *type,
                            const char *const *lines)
{
    svg_printf(out, "<%s type=\"%s\"><![CDATA[\n", element, type);
    for (; *lines; lines++)
        svg_printf(out, "%s\n", *lines);
    svg_printf(out, "]]></%s>\n", element);
}

static void svg_write_header(struct svg_chart *chart, const char *title, const char *fallback)
{
    struct svg_out *out = &chart->out;
    uint64_t height = svg_chart_height(chart);

    svg_printf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n");
    svg_printf(out,
               "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%d\" "
               "height=\"%" PRIu64 "\" viewBox=\"0 0 %d %" PRIu64 "\">\n",
               SVG_WIDTH, height, SVG_WIDTH, height);
    svg_write_cdata(out, "style", "text/css", svg_script_style);
    svg_printf(out, "<rect x=\"0\" y=\"0\" width=\"100%%\" height=\"100%%\" fill=\"#fbfaf4\"/>\n");
    svg_printf(out, "<text id=\"title\" x=\"%d\" y=\"22\" text-anchor=\"middle\">", SVG_WIDTH / 2);
    if (title && *title) {
        svg_put_escaped(out, title, 100);
        if (svg_char_count(title) > 100)
            svg_put(out, "..", 2);
    } else {
        svg_put_escaped(out, fallback, SIZE_MAX);
    }
    svg_printf(out, "</text>\n<text id=\"subtitle\" x=\"%d\" y=\"40\" text-anchor=\"middle\">",
               SVG_WIDTH / 2);
    chart->style->subtitle(chart->data, out);
    svg_printf(out, "</text>\n");
    if (chart->style->legend)
        chart->style->legend(chart->data, out, SVG_MARGIN, SVG_TOP);
    svg_printf(out, "<text id=\"reset\" class=\"btn hidden\" x=\"%d\" y=\"22\">Reset zoom</text>\n",
               SVG_MARGIN);
    svg_printf(out,
               "<text id=\"search\" class=\"btn\" x=\"%d\" y=\"22\" text-anchor=\"end\">Search "
               "(Ctrl-F)</text>\n",
               SVG_WIDTH - SVG_MARGIN);
}

static void svg_write_footer(struct svg_chart *chart)
{
    struct svg_out *out = &chart->out;
    uint64_t baseline = svg_chart_height(chart) - 10;

    svg_printf(out, "<text id=\"details\" x=\"%d\" y=\"%" PRIu64 "\"> </text>\n", SVG_MARGIN,
               baseline);
    svg_printf(out, "<text id=\"matched\" x=\"%d\" y=\"%" PRIu64 "\" text-anchor=\"end\"></text>\n",
               SVG_WIDTH - SVG_MARGIN, baseline);
    svg_write_cdata(out, "script", "text/ecmascript", svg_script_code);
    svg_printf(out, "</svg>\n");
}

int svg_chart_write(FILE *file, struct svg_tree *tree, const char *title,
                    const char *fallback_title, const struct svg_chart_style *style, void *data)
{
    struct svg_chart chart = {.out = {.out = file}, .tree = tree, .style = style, .data = data};
    char char_px[40];

    svg_chart_measure(&chart);
    svg_write_header(&chart, title, fallback_title);
    svg_printf(&chart.out,
               "<g id=\"frames\" data-left=\"%d\" data-width=\"%d\" data-char=\"%s\" "
               "data-total=\"%" PRIu64 "\">\n",
               SVG_MARGIN, SVG_WIDTH - 2 * SVG_MARGIN,
               svg_format_fixed(char_px, sizeof char_px, SVG_CHAR_PX, 2), chart.total);
    if (svg_write_frames(&chart) < 0)
        return -1;
    svg_printf(&chart.out, "</g>\n");
    svg_write_footer(&chart);
    if (chart.out.failed)
        return -1;
    if (fflush(file) != 0)
        return -1;
    if (ferror(file)) {
        errno = EIO; /* an earlier write failed; its errno is long gone */
        return -1;
    }
    return 0;
}
