/* dump_tasks.c - the asyncio task tree of a snapshot: cycles and the text tree.
 *
 * The graph is "A awaits B" (A is in B's awaited_by).  The tree prints each
 * root (a task nobody awaits) and, indented under a task, the tasks it
 * awaits.  A task awaited by several is expanded under the first and named
 * "(shown above)" under the others, so the output stays linear in the
 * number of links; a cycle is printed once, marked, and not followed round
 * again.  Ids are resolved through a sorted index: thousands of tasks cost
 * O(n log n), not O(n^2). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dump.h"

#define TASK_TREE_MAX_DEPTH 64

struct task_id_index {
    uint64_t id;
    size_t index;
};

static int task_id_compare(const void *a, const void *b)
{
    const struct task_id_index *x = a, *y = b;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* A task waits on one thing at a time: following, from every task, the task
 * it awaits (the lowest-indexed one when several claim it) finds each cycle
 * once.  O(n log n): the awaited task of each task comes from one pass over
 * the awaited_by lists with the ids sorted for lookup. */
size_t dump_task_cycles(const struct dump *dump, size_t *out, size_t out_cap)
{
    size_t n = dump->task_count, cycles = 0, used = 0;
    if (n == 0)
        return 0;
    struct task_id_index *ids = malloc(n * sizeof *ids);
    size_t *next = malloc(n * sizeof *next); /* the task each one awaits, SIZE_MAX: none */
    unsigned char *done = calloc(n, 1);
    size_t *path = malloc(n * sizeof *path);
    size_t *pos = malloc(n * sizeof *pos); /* index in path, SIZE_MAX: not on it */
    if (!ids || !next || !done || !path || !pos) {
        free(ids), free(next), free(done), free(path), free(pos);
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        ids[i] = (struct task_id_index){dump->tasks[i].id, i};
        next[i] = SIZE_MAX;
        pos[i] = SIZE_MAX;
    }
    qsort(ids, n, sizeof *ids, task_id_compare);
    for (size_t j = 0; j < n; j++) {
        const struct dump_task *awaited = &dump->tasks[j];
        for (size_t k = 0; k < awaited->awaited_by_count; k++) {
            struct task_id_index key = {awaited->awaited_by[k], 0};
            const struct task_id_index *hit = bsearch(&key, ids, n, sizeof *ids, task_id_compare);
            if (hit && hit->index != j && next[hit->index] == SIZE_MAX)
                next[hit->index] = j;
        }
    }
    for (size_t start = 0; start < n; start++) {
        if (done[start])
            continue;
        size_t len = 0, at = start;
        while (at != SIZE_MAX && !done[at] && pos[at] == SIZE_MAX && len < n) {
            pos[at] = len;
            path[len++] = at;
            at = next[at];
        }
        if (at != SIZE_MAX && pos[at] != SIZE_MAX && !done[at]) {
            size_t first = pos[at], size = len - first;
            if (used + size + 1 <= out_cap) {
                memcpy(out + used, path + first, size * sizeof *out);
                used += size;
                out[used++] = SIZE_MAX;
                cycles++;
            }
        }
        for (size_t k = 0; k < len; k++) {
            done[path[k]] = 1;
            pos[path[k]] = SIZE_MAX;
        }
    }
    free(ids), free(next), free(done), free(path), free(pos);
    return cycles;
}

static int task_line(FILE *out, const struct dump *dump, size_t i, int depth, const char *mark)
{
    const struct dump_task *t = &dump->tasks[i];
    if (fprintf(out, "%*s%s%s [%s]", 2 + depth * 4, "", depth ? "└── " : "", t->name,
                t->state) < 0)
        return -1;
    if (t->depth > 0 && fprintf(out, "  %s (%s:%d)", t->frames[0].name, t->frames[0].file,
                                t->frames[0].line) < 0)
        return -1;
    return fprintf(out, "%s\n", mark) < 0 ? -1 : 0;
}

/* Who awaits whom as adjacency lists: the tasks task i awaits are
 * awaits[first[i] .. first[i + 1]), in index order; parents[i] counts the
 * tasks in the snapshot that await task i. */
struct task_graph {
    size_t *first, *awaits, *parents;
};

static void task_graph_free(struct task_graph *g)
{
    free(g->first), free(g->awaits), free(g->parents);
}

static int task_graph_build(const struct dump *dump, struct task_graph *g)
{
    size_t n = dump->task_count, edges = 0;
    for (size_t j = 0; j < n; j++)
        edges += dump->tasks[j].awaited_by_count;
    struct task_id_index *ids = malloc(n * sizeof *ids);
    size_t *from = malloc((edges + 1) * sizeof *from), *to = malloc((edges + 1) * sizeof *to);
    g->first = calloc(n + 1, sizeof *g->first);
    g->awaits = malloc((edges + 1) * sizeof *g->awaits);
    g->parents = calloc(n + 1, sizeof *g->parents);
    if (!ids || !from || !to || !g->first || !g->awaits || !g->parents) {
        free(ids), free(from), free(to);
        task_graph_free(g);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        ids[i] = (struct task_id_index){dump->tasks[i].id, i};
    qsort(ids, n, sizeof *ids, task_id_compare);
    size_t m = 0;
    for (size_t j = 0; j < n; j++)
        for (size_t k = 0; k < dump->tasks[j].awaited_by_count; k++) {
            struct task_id_index key = {dump->tasks[j].awaited_by[k], 0};
            const struct task_id_index *hit = bsearch(&key, ids, n, sizeof *ids, task_id_compare);
            if (!hit || hit->index == j)
                continue;
            from[m] = hit->index, to[m] = j, m++;
            g->first[hit->index + 1]++;
            g->parents[j]++;
        }
    for (size_t i = 0; i < n; i++)
        g->first[i + 1] += g->first[i];
    size_t *fill = calloc(n + 1, sizeof *fill);
    if (!fill) {
        free(ids), free(from), free(to);
        task_graph_free(g);
        return -1;
    }
    for (size_t e = 0; e < m; e++) /* edges come in increasing `to`: lists stay in order */
        g->awaits[g->first[from[e]] + fill[from[e]]++] = to[e];
    free(fill), free(ids), free(from), free(to);
    return 0;
}

static int task_subtree(FILE *out, const struct dump *dump, const struct task_graph *g, size_t i,
                        int depth, unsigned char *on_path, unsigned char *printed)
{
    if (depth >= TASK_TREE_MAX_DEPTH)
        return fprintf(out, "%*s...\n", 2 + depth * 4, "") < 0 ? -1 : 0;
    on_path[i] = 1;
    printed[i] = 1;
    int rc = task_line(out, dump, i, depth, "");
    for (size_t e = g->first[i]; e < g->first[i + 1] && rc == 0; e++) {
        size_t j = g->awaits[e];
        rc = on_path[j]   ? task_line(out, dump, j, depth + 1, "  <- cycle")
             : printed[j] ? task_line(out, dump, j, depth + 1, "  (shown above)")
                          : task_subtree(out, dump, g, j, depth + 1, on_path, printed);
    }
    on_path[i] = 0;
    return rc;
}

static int task_cycles_write(FILE *out, const struct dump *dump)
{
    size_t cap = dump->task_count * 2 + 1;
    size_t *cycles = malloc(cap * sizeof *cycles);
    if (!cycles)
        return -1;
    size_t count = dump_task_cycles(dump, cycles, cap);
    int rc = 0;
    for (size_t k = 0, first = 0; count > 0 && rc == 0; k++) {
        if (k == first)
            rc = fprintf(out, "  likely deadlock: tasks awaiting each other:") < 0 ? -1 : 0;
        if (cycles[k] != SIZE_MAX) {
            rc = fprintf(out, " %s ->", dump->tasks[cycles[k]].name) < 0 ? -1 : 0;
            continue;
        }
        rc = fprintf(out, " %s\n", dump->tasks[cycles[first]].name) < 0 ? -1 : 0;
        first = k + 1;
        count--;
    }
    free(cycles);
    return rc;
}

int dump_tasks_text_write(FILE *out, const struct dump *dump)
{
    if (fprintf(out, "\nasyncio tasks: %zu%s\n", dump->task_count,
                dump->tasks_capped ? " (cut at --max-tasks)" : "") < 0)
        return -1;
    if (dump->task_count == 0)
        return fprintf(out, "  (none)\n") < 0 ? -1 : 0;
    struct task_graph graph;
    if (task_graph_build(dump, &graph) != 0)
        return -1;
    unsigned char *on_path = calloc(dump->task_count, 1);
    unsigned char *printed = calloc(dump->task_count, 1);
    int rc = on_path && printed ? 0 : -1;
    /* Roots first (nobody awaits them), then whatever only a cycle reaches. */
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < dump->task_count && rc == 0; i++)
            if (!printed[i] && (graph.parents[i] == 0 || pass == 1))
                rc = task_subtree(out, dump, &graph, i, 0, on_path, printed);
    free(on_path);
    free(printed);
    task_graph_free(&graph);
    return rc == 0 ? task_cycles_write(out, dump) : rc;
}
