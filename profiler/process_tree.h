/* process_tree.h - the target's descendants, found and sampled (--subprocesses). */
#ifndef PYCONC_PROFILER_PROCESS_TREE_H
#define PYCONC_PROFILER_PROCESS_TREE_H

#include <stddef.h>
#include <stdint.h>

#include "options.h"
#include "proc_tasks.h"
#include "sampler.h"
#include "store.h"
#include "target.h"

/* How often the descendants are looked for (/proc/PID/task/TID/children). */
#define PROCESS_TREE_SCAN_NS 50000000ull
/* A process found without a CPython runtime is looked at again for this long:
 * right after an exec the interpreter's library may not be mapped yet. */
#define PROCESS_TREE_SETTLE_NS 300000000ull

enum member_state {
    MEMBER_STARTING,   /* a Python runtime, not initialised yet: wait */
    MEMBER_SAMPLING,   /* sampled every tick */
    MEMBER_NOT_PYTHON, /* no CPython runtime (a shell, `sleep`): its children are still looked for */
    MEMBER_OVER_CAP,   /* Python, but --max-processes were followed already */
    MEMBER_GONE,       /* exited (or its pid went to another process) */
};

struct tree_member {
    int pid, ppid;
    enum member_state state;
    struct proc_identity identity; /* of the image we looked at */
    struct target *target;         /* while starting or sampling */
    uint64_t key;                  /* the store's key of this process image */
    uint32_t store_process;
    uint64_t found_ns;             /* when this image was first seen */
    uint64_t named_ns;             /* last look for its multiprocessing name, 0 never */
    uint64_t mp_module;            /* multiprocessing.process's dict, cached (0: not yet) */
    int unreadable;                /* NOT_PYTHON because /proc refused us (permission) */
    int counted_over_cap;
    char name[128];
};

struct process_tree {
    int root;        /* the target's pid (sampled by the caller, not a member)... */
    int root_member; /* ...unless it is not Python: then a member like its descendants */
    int max;       /* processes sampled at once at most */
    struct tree_member *members;
    size_t count, capacity;
    uint64_t next_scan_ns;
    uint64_t next_key;
    size_t sampling;     /* members starting or sampling now */
    /* for the summary line (process_tree_finish tallies those still known) */
    uint64_t followed;   /* Python process images sampled */
    uint64_t not_python; /* processes without a CPython runtime */
    uint64_t unreadable; /* processes /proc would not let us read (another user's) */
    uint64_t over_cap;   /* Python processes not followed: over --max-processes */
    uint64_t unsampled;  /* Python processes never ready to sample (exited while starting) */
};

void process_tree_init(struct process_tree *tree, int root, int max);
void process_tree_free(struct process_tree *tree);

/* Looks for new descendants when a scan is due, starts sampling new Python
 * ones, drops those that exited, then samples every member once (options:
 * the children's, without --blocking, task roots or lifecycle checks).
 * Samples carry stats->tick_ns. */
void process_tree_tick(struct process_tree *tree, const struct options *options,
                       struct store *store, struct sampler_stats *stats);

/* Tallies the processes still known into the summary counts (once, at the end). */
void process_tree_finish(struct process_tree *tree);

/* One look for descendants (process_tree_tick does it when due): new
 * Python ones are opened (MEMBER_STARTING), exited ones dropped. */
void process_tree_scan(struct process_tree *tree, uint64_t now);

/* The name a process gets in process roots (see proc_process_name), into out. */
void process_tree_name(int pid, char *out, size_t cap);

#endif
