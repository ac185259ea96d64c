/* process_tree.c - follow the target's descendants (record --subprocesses).
 *
 * Every PROCESS_TREE_SCAN_NS the children of the target and of every
 * descendant known so far are read from /proc/PID/task/TID/children (a
 * child is listed under the thread that forked it: multiprocessing.Pool
 * starts replacement workers from a helper thread).  Each new process is
 * opened like a target (its own runtime lookup: a forked child maps the same
 * files as its parent, a spawned one a fresh interpreter) and sampled every
 * tick once its interpreter is initialised.  Processes without a CPython
 * runtime are not sampled but their children are still looked for (a shell
 * between the target and a Python grandchild).  An exec gives a process a
 * new image: it is looked at afresh and gets a new process root. */
#include "process_tree.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../readers/process_name.h"
#include "proc_info.h"

/* Processes known at once (sampled or not) at most: a fork bomb under the
 * target must not grow our memory without bound. */
#define PROCESS_TREE_MAX_MEMBERS 8192
/* A children file longer than this is cut (about 9,000 pids). */
#define PROCESS_TREE_CHILDREN_MAX 65536
/* Threads of one process whose children files are read at most. */
#define PROCESS_TREE_THREADS_MAX 8192
/* Read a process's multiprocessing name this often during its first two
 * seconds (a forked child carries its parent's name until its _bootstrap
 * sets its own), then this often (a process may rename itself). */
#define PROCESS_TREE_NAME_EARLY_NS 50000000ull
#define PROCESS_TREE_NAME_LATE_NS 1000000000ull
#define PROCESS_TREE_NAME_EARLY_FOR_NS 2000000000ull

void process_tree_init(struct process_tree *tree, int root, int max)
{
    memset(tree, 0, sizeof *tree);
    tree->root = root;
    tree->max = max > 0 ? max : OPTIONS_MAX_PROCESSES;
    tree->next_key = 1; /* key 0 is the root's */
}

static void process_tree_drop_target(struct process_tree *tree, struct tree_member *m)
{
    if (!m->target)
        return;
    target_close(m->target);
    free(m->target);
    m->target = NULL;
    tree->sampling--;
}

void process_tree_free(struct process_tree *tree)
{
    for (size_t i = 0; i < tree->count; i++)
        process_tree_drop_target(tree, &tree->members[i]);
    free(tree->members);
    memset(tree, 0, sizeof *tree);
}

void process_tree_name(int pid, char *out, size_t cap)
{
    proc_process_name(pid, out, cap);
    if (!out[0])
        snprintf(out, cap, "?");
}

/* Opens member m as a target: STARTING, NOT_PYTHON or OVER_CAP. */
static void process_tree_probe(struct process_tree *tree, struct tree_member *m)
{
    struct target *target = calloc(1, sizeof *target);
    char err[512];
    if (!target) {
        m->state = MEMBER_NOT_PYTHON;
        return;
    }
    int status = target_open(target, m->pid, err, sizeof err);
    if (status != RUNTIME_OK) {
        target_close(target);
        free(target);
        /* Permission is also refused for a moment during an exec: looked at
         * again while the image settles, like a runtime not mapped yet. */
        m->unreadable = status == RUNTIME_PERMISSION;
        m->state = status == RUNTIME_NO_PROCESS ? MEMBER_GONE : MEMBER_NOT_PYTHON;
        return;
    }
    if (tree->sampling >= (size_t)tree->max) {
        target_close(target);
        free(target);
        if (!m->counted_over_cap)
            tree->over_cap++;
        m->counted_over_cap = 1;
        m->state = MEMBER_OVER_CAP;
        return;
    }
    m->target = target;
    tree->sampling++;
    m->state = MEMBER_STARTING;
}

/* A new process image in member m (first seen, or after an exec). */
static void process_tree_new_image(struct process_tree *tree, struct tree_member *m,
                                   const struct proc_identity *identity, uint64_t now)
{
    m->identity = *identity;
    m->ppid = identity->ppid;
    m->key = tree->next_key++;
    m->found_ns = now;
    m->named_ns = 0;
    m->mp_module = 0;
    m->unreadable = 0;
    m->store_process = INTERN_FAILED;
    process_tree_probe(tree, m);
}

static struct tree_member *process_tree_find(struct process_tree *tree, int pid)
{
    for (size_t i = 0; i < tree->count; i++)
        if (tree->members[i].pid == pid)
            return &tree->members[i];
    return NULL;
}

static void process_tree_add(struct process_tree *tree, int pid, uint64_t now)
{
    if ((pid == tree->root && !tree->root_member) || process_tree_find(tree, pid))
        return;
    struct proc_identity identity;
    if (proc_identity_read(pid, &identity) != 0 || identity.state == 'Z' ||
        identity.start_code == 0)
        return; /* gone, a zombie its parent has not reaped, or amid an exec (no
                   memory map yet): looked at again next scan */
    if (tree->count >= PROCESS_TREE_MAX_MEMBERS) {
        tree->over_cap++;
        return;
    }
    if (tree->count == tree->capacity) {
        size_t size = tree->capacity ? tree->capacity * 2 : 16;
        struct tree_member *bigger = realloc(tree->members, size * sizeof *bigger);
        if (!bigger)
            return;
        tree->members = bigger;
        tree->capacity = size;
    }
    struct tree_member *m = &tree->members[tree->count++];
    memset(m, 0, sizeof *m);
    m->pid = pid;
    process_tree_new_image(tree, m, &identity, now);
}

/* What the summary says of a process once it is gone (or at the end). */
static void process_tree_tally(struct process_tree *tree, const struct tree_member *m)
{
    if (m->state == MEMBER_NOT_PYTHON && m->unreadable)
        tree->unreadable++;
    else if (m->state == MEMBER_NOT_PYTHON)
        tree->not_python++;
    else if (m->state == MEMBER_STARTING)
        tree->unsampled++;
}

void process_tree_finish(struct process_tree *tree)
{
    for (size_t i = 0; i < tree->count; i++)
        if (tree->members[i].state != MEMBER_GONE) {
            process_tree_tally(tree, &tree->members[i]);
            tree->members[i].state = MEMBER_GONE; /* tallied once */
        }
}

/* The children of every thread of pid, each handed to process_tree_add. */
static void process_tree_children_of(struct process_tree *tree, int pid, uint64_t now)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/task", pid);
    DIR *dir = opendir(path);
    if (!dir)
        return;
    static char text[PROCESS_TREE_CHILDREN_MAX];
    struct dirent *entry;
    int threads = 0;
    while ((entry = readdir(dir)) != NULL && threads < PROCESS_TREE_THREADS_MAX) {
        char *end;
        long tid = strtol(entry->d_name, &end, 10);
        if (*end || tid <= 0)
            continue;
        threads++;
        char file[96];
        snprintf(file, sizeof file, "/proc/%d/task/%ld/children", pid, tid);
        int fd = open(file, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            continue;
        ssize_t got = read(fd, text, sizeof text - 1);
        close(fd);
        if (got <= 0)
            continue;
        text[got] = '\0';
        for (char *at = text; *at;) {
            long child = strtol(at, &end, 10);
            if (end == at)
                break;
            if (child > 0 && child <= 0x7fffffff)
                process_tree_add(tree, (int)child, now);
            at = end;
        }
    }
    closedir(dir);
}

/* Checks member m is still the image we know; handles exits and execs. */
static void process_tree_check(struct process_tree *tree, struct tree_member *m, uint64_t now)
{
    struct proc_identity identity;
    if (m->state == MEMBER_GONE)
        return;
    if (proc_identity_read(m->pid, &identity) != 0 || identity.state == 'Z' ||
        identity.start_time != m->identity.start_time) {
        process_tree_tally(tree, m);
        process_tree_drop_target(tree, m);
        m->state = MEMBER_GONE;
        return;
    }
    if (identity.start_code != 0 && (identity.start_code != m->identity.start_code ||
                                     identity.start_stack != m->identity.start_stack)) {
        /* exec: a new program under the same pid (the old image is not tallied:
         * the process is judged by what it ends up running) */
        process_tree_drop_target(tree, m);
        process_tree_new_image(tree, m, &identity, now);
        return;
    }
    m->ppid = identity.ppid;
    if (identity.start_code == 0)
        return; /* amid an exec: its new image is looked at next scan */
    if ((m->state == MEMBER_NOT_PYTHON && now - m->found_ns < PROCESS_TREE_SETTLE_NS) ||
        (m->state == MEMBER_OVER_CAP && tree->sampling < (size_t)tree->max))
        /* just exec'd (the interpreter's library may not be mapped yet, /proc
         * may refuse us for a moment), or a place to sample it came free */
        process_tree_probe(tree, m);
}

void process_tree_scan(struct process_tree *tree, uint64_t now)
{
    for (size_t i = 0; i < tree->count; i++)
        process_tree_check(tree, &tree->members[i], now);
    /* drop the gone (the store keeps what they sampled) */
    size_t kept = 0;
    for (size_t i = 0; i < tree->count; i++)
        if (tree->members[i].state != MEMBER_GONE)
            tree->members[kept++] = tree->members[i];
    tree->count = kept;
    if (tree->root_member)
        process_tree_add(tree, tree->root, now);
    process_tree_children_of(tree, tree->root, now);
    /* members appended here are visited too: grandchildren in one scan */
    for (size_t i = 0; i < tree->count; i++)
        process_tree_children_of(tree, tree->members[i].pid, now);
}

/* The member's process root: the multiprocessing name when it has one, else
 * its script; the store keeps the latest, so early samples get it too. */
static void process_tree_register(struct tree_member *m, struct store *store, uint64_t now)
{
    uint64_t period = now - m->found_ns < PROCESS_TREE_NAME_EARLY_FOR_NS
                          ? PROCESS_TREE_NAME_EARLY_NS
                          : PROCESS_TREE_NAME_LATE_NS;
    if (m->store_process != INTERN_FAILED && now - m->named_ns < period)
        return;
    m->named_ns = now;
    char name[PROCESS_NAME_MAX];
    struct target *t = m->target;
    if (t->interp && process_name_read(&t->live.base, &t->runtime, t->interp, &m->mp_module,
                                       name, sizeof name) == 0)
        snprintf(m->name, sizeof m->name, "%s", name);
    else if (m->store_process == INTERN_FAILED)
        process_tree_name(m->pid, m->name, sizeof m->name);
    uint32_t id = store_process(store, m->key, m->pid, m->ppid, store_string(store, m->name));
    if (id != INTERN_FAILED)
        m->store_process = id;
    t->store_process = m->store_process;
}

void process_tree_tick(struct process_tree *tree, const struct options *options,
                       struct store *store, struct sampler_stats *stats)
{
    uint64_t now = stats->tick_ns;
    if (now >= tree->next_scan_ns) {
        process_tree_scan(tree, now);
        tree->next_scan_ns = now + PROCESS_TREE_SCAN_NS;
    }
    for (size_t i = 0; i < tree->count; i++) {
        struct tree_member *m = &tree->members[i];
        if (m->state == MEMBER_STARTING) {
            if (!target_ready(m->target))
                continue;
            m->state = MEMBER_SAMPLING;
            tree->followed++;
        }
        if (m->state != MEMBER_SAMPLING)
            continue;
        process_tree_register(m, store, now);
        if (m->store_process == INTERN_FAILED)
            continue;
        uint64_t torn = stats->torn;
        if (sampler_sample(m->target, options, store, stats) != 0) {
            process_tree_check(tree, m, now);
            if (m->state != MEMBER_SAMPLING)
                stats->torn = torn; /* it exited (or exec'd) mid-read: not a torn read */
        }
    }
}
