/* svg_common.h - what every interactive flamegraph shares: safe output,
 * label ranking, the merged tree and the document around it.
 *
 * Two writers draw flamegraphs: svg.c (one profile) and diff_svg.c (the
 * after profile coloured by its change since before).  Both merge stacks
 * into the same kind of tree and hand it to svg_chart_write with a small
 * table of callbacks (struct svg_chart_style) that says how a bar reads,
 * what its tooltip adds and which colour it takes.  Everything else - the
 * layout, the title, the buttons, the inlined stylesheet and script of
 * svg_script.h, the click-to-zoom and search - is written here once, so
 * the two pictures behave alike.
 *
 * Nothing recurses: the tree is an array of nodes found through a
 * (parent, label) hash table and drawn by a pre-order walk with an explicit
 * stack, so a 5,000-frame stack is just a tall picture.  Numbers are
 * formatted with integer arithmetic (never the process locale) and text
 * goes through svg_put_escaped, which makes any string legal XML. */
#ifndef PYCONC_OUTPUT_SVG_COMMON_H
#define PYCONC_OUTPUT_SVG_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define SVG_NONE UINT32_MAX
#define SVG_MAX_NODES (UINT32_MAX - 1)

/* ---- output: a stream with a sticky failure flag ------------------------ */

struct svg_out {
    FILE *out;
    int failed; /* set by the first failed write; later writes do nothing */
};

void svg_printf(struct svg_out *out, const char *format, ...) __attribute__((format(printf, 2, 3)));
void svg_put(struct svg_out *out, const char *bytes, size_t len);
/* Non-negative fixed point with 0, 1 or 2 decimals; negatives and NaN print 0. */
const char *svg_format_fixed(char *buf, size_t cap, double value, int decimals);
void svg_put_fixed(struct svg_out *out, double value, int decimals);
/* At most max_chars characters of text as XML character data that is also
 * safe in an attribute; control bytes and invalid UTF-8 become '?'. */
void svg_put_escaped(struct svg_out *out, const char *text, size_t max_chars);
/* Characters as svg_put_escaped counts them (a bad byte is one). */
size_t svg_char_count(const char *text);

/* ---- labels: distinct texts ranked in strcmp order ---------------------- */

struct svg_labels {
    uint32_t *rank;  /* rank of each text */
    uint32_t *first; /* lowest index whose text has this rank */
};

/* 0, or -1 with errno (ENOMEM, EOVERFLOW); on failure nothing to free. */
int svg_labels_build(struct svg_labels *labels, char *const *texts, size_t count);
void svg_labels_free(struct svg_labels *labels);

/* ---- tree: stacks merged by (parent, label) ------------------------------ */

struct svg_node {
    uint64_t total;       /* samples in this subtree */
    uint64_t start;       /* first sample, counted from the left edge (set while drawing) */
    uint32_t parent;      /* SVG_NONE for the root */
    uint32_t label;       /* what the writer keys children by (a text rank) */
    uint32_t depth;       /* 0 root, 1 thread, 2+ frames */
    uint32_t first_child; /* position of the first child in svg_tree.order */
    uint32_t child_count;
};

struct svg_tree {
    struct svg_node *nodes; /* nodes[0] is the root */
    size_t count;
    size_t capacity;
    uint32_t *slots; /* open addressing over non-root nodes, SVG_NONE empty */
    size_t slot_count;
    uint32_t *order; /* non-root nodes sorted by (parent, label), after svg_tree_order */
};

/* Creates the root.  Each returns 0 or -1 with errno. */
int svg_tree_init(struct svg_tree *tree);
/* Finds or creates the child of parent with this label. */
int svg_tree_child(struct svg_tree *tree, uint32_t parent, uint32_t label, uint32_t *child);
/* The child of parent with this label, or SVG_NONE (never creates). */
uint32_t svg_tree_find(const struct svg_tree *tree, uint32_t parent, uint32_t label);
/* Sorts every node's children by label; call once the tree is complete. */
int svg_tree_order(struct svg_tree *tree);
void svg_tree_free(struct svg_tree *tree);

/* ---- the document --------------------------------------------------------- */

/* How one kind of flamegraph draws.  Each callback gets the writer's data
 * and a node id; writes go through out.  A tooltip reads TEXT, a newline,
 * then one line of details (the script relies on exactly one newline). */
struct svg_chart_style {
    const char *(*text)(void *data, uint32_t node);                  /* the bar's label */
    void (*details)(void *data, struct svg_out *out, uint32_t node); /* the tooltip's second line */
    void (*fill)(void *data, struct svg_out *out, uint32_t node);    /* an SVG colour */
    void (*subtitle)(void *data, struct svg_out *out);               /* the line under the title */
    void (*legend)(void *data, struct svg_out *out, int left, int top); /* may be NULL */
    int legend_height; /* pixels reserved under the subtitle for the legend */
};

/* Writes the whole document for an ordered tree: title (text, or
 * fallback_title when text is NULL or empty), subtitle, legend, controls,
 * the bars and the script.  Bars narrower than 0.1% of the root's samples
 * are left out.  0, or -1 with errno on a write error. */
int svg_chart_write(FILE *file, struct svg_tree *tree, const char *title,
                    const char *fallback_title, const struct svg_chart_style *style, void *data);

#endif
