/* dump_tasks.c - the asyncio task tree of a snapshot: cycles and the text tree.
 *
 * The graph is "A awaits B" (A is in B's awaited_by).  The tree prints each
 * root (a task nobody awaits) and, indented under a task, the tasks it
 * awaits.  A task awaited by several appears under each; a cycle is printed
 * once, marked, and not followed round again. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dump.h"

#define TASK_TREE_MAX_DEPTH 64

static size_t task_index(const struct dump *dump, uint64_t id)
{
    for (size_t i = 0; i < dump->task_count; i++)
        if (dump->tasks[i].id == id)
            return i;
    return SIZE_MAX;
}

/* Does task `awaiter` await task `awaited`? */
static int task_awaits(const struct dump *dump, size_t awaiter, size_t awaited)
{
    const struct dump_task *t = &dump->tasks[awaited];
    for (size_t k = 0; k < t->awaited_by_count; k++)
        if (t->awaited_by[k] == dump->tasks[awaiter].id)
            return 1;
    return 0;
}

/* Each task awaits at most a few others in practice; following "awaits"
 * edges from every task with a colour per visit finds every cycle once. */
size_t dump_task_cycles(const struct dump *dump, size_t *out, size_t out_cap)
{
    size_t n = dump->task_count, cycles = 0, used = 0;
    if (n == 0)
        return 0;
    unsigned char *done = calloc(n, 1);
    size_t *path = malloc(n * sizeof *path);
    size_t *pos = malloc(n * sizeof *pos); /* index in path, SIZE_MAX: not on it */
    if (!done || !path || !pos) {
        free(done), free(path), free(pos);
        return 0;
    }
    for (size_t i = 0; i < n; i++)
        pos[i] = SIZE_MAX;
    /* Follow, from each task, the first task it awaits that is still on the
     * way: an await cycle is a path that comes back to itself.  A task waits
     * on one thing at a time, so its first out-edge is the one that matters. */
    for (size_t start = 0; start < n; start++) {
        if (done[start])
            continue;
        size_t len = 0, at = start;
        while (at != SIZE_MAX && !done[at] && pos[at] == SIZE_MAX && len < n) {
            pos[at] = len;
            path[len++] = at;
            size_t next = SIZE_MAX;
            for (size_t j = 0; j < n && next == SIZE_MAX; j++)
                if (j != at && task_awaits(dump, at, j))
                    next = j;
            at = next;
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
    free(done), free(path), free(pos);
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

static int task_subtree(FILE *out, const struct dump *dump, size_t i, int depth,
                        unsigned char *on_path, unsigned char *printed)
{
    if (depth >= TASK_TREE_MAX_DEPTH)
        return fprintf(out, "%*s...\n", 2 + depth * 4, "") < 0 ? -1 : 0;
    on_path[i] = 1;
    printed[i] = 1;
    int rc = task_line(out, dump, i, depth, "");
    for (size_t j = 0; j < dump->task_count && rc == 0; j++) {
        if (!task_awaits(dump, i, j))
            continue;
        rc = on_path[j] ? task_line(out, dump, j, depth + 1, "  <- cycle")
                        : task_subtree(out, dump, j, depth + 1, on_path, printed);
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
    unsigned char *on_path = calloc(dump->task_count, 1);
    unsigned char *printed = calloc(dump->task_count, 1);
    int rc = on_path && printed ? 0 : -1;
    /* Roots first (nobody awaits them), then whatever only a cycle reaches. */
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < dump->task_count && rc == 0; i++) {
            const struct dump_task *t = &dump->tasks[i];
            int root = 1;
            for (size_t k = 0; k < t->awaited_by_count && root; k++)
                root = task_index(dump, t->awaited_by[k]) == SIZE_MAX;
            if (!printed[i] && (root || pass == 1))
                rc = task_subtree(out, dump, i, 0, on_path, printed);
        }
    free(on_path);
    free(printed);
    return rc == 0 ? task_cycles_write(out, dump) : rc;
}
