/* pid_namespace.c - thread ids of a target inside another PID namespace.
 *
 * CPython records a thread's id as the thread sees it: gettid() in its own
 * PID namespace (3.11+ native_thread_id; <=3.10 the tid in glibc's struct
 * pthread).  In a container that is 1 for the main thread.  Everything we
 * read under /proc (thread states, syscalls, names) is keyed by the host's
 * ids, and the pid we were given is one too.  So for a target in another
 * namespace we keep the pairs (inner id, host id) from the NSpid lines of
 * /proc/PID/task/TID/status, read again when an id is not found (a new
 * thread), at most every PID_NAMESPACE_REREAD_NS. */
#include "pid_namespace.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "../readers/thread_ids.h"

#define PID_NAMESPACE_REREAD_NS 10000000ull /* 10 ms */

static uint64_t pid_namespace_now(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec;
}

void pid_namespace_open(struct pid_namespace *ns, int pid)
{
    ns->pid = pid;
    ns->count = 0;
    ns->read_ns = 0;
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/ns/pid", pid);
    struct stat ours, theirs;
    /* Unreadable (no permission): take it as shared; ids then go untranslated. */
    ns->separate = stat("/proc/self/ns/pid", &ours) == 0 && stat(path, &theirs) == 0 &&
                   (ours.st_ino != theirs.st_ino || ours.st_dev != theirs.st_dev);
}

static int pid_namespace_by_inner(const void *a, const void *b)
{
    int32_t x = ((const struct pid_namespace_pair *)a)->inner;
    int32_t y = ((const struct pid_namespace_pair *)b)->inner;
    return (x > y) - (x < y);
}

static void pid_namespace_read(struct pid_namespace *ns)
{
    ns->read_ns = pid_namespace_now();
    ns->count = 0;
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/task", ns->pid);
    DIR *dir = opendir(path);
    if (!dir)
        return;
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL && ns->count < PID_NAMESPACE_MAX_THREADS) {
        int host = atoi(entry->d_name);
        int32_t inner = host > 0 ? thread_ids_inner(ns->pid, host) : 0;
        if (inner > 0)
            ns->pairs[ns->count++] = (struct pid_namespace_pair){inner, host};
    }
    closedir(dir);
    qsort(ns->pairs, ns->count, sizeof ns->pairs[0], pid_namespace_by_inner);
}

static uint64_t pid_namespace_find(const struct pid_namespace *ns, int32_t inner)
{
    struct pid_namespace_pair key = {inner, 0};
    const struct pid_namespace_pair *found =
        bsearch(&key, ns->pairs, ns->count, sizeof ns->pairs[0], pid_namespace_by_inner);
    return found ? (uint64_t)found->host : 0;
}

uint64_t pid_namespace_host_tid(struct pid_namespace *ns, uint64_t inner)
{
    if (!ns->separate || inner == 0)
        return inner;
    if (inner > INT32_MAX)
        return 0;
    uint64_t host = pid_namespace_find(ns, (int32_t)inner);
    if (host == 0 && pid_namespace_now() - ns->read_ns >= PID_NAMESPACE_REREAD_NS) {
        pid_namespace_read(ns);
        host = pid_namespace_find(ns, (int32_t)inner);
    }
    return host;
}
