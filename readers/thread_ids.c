/* thread_ids.c - map pthread_t to kernel tid from outside (CPython <=3.10).
 *
 * Before 3.11 a thread state records only pthread_self(), which on glibc is
 * the address of the thread's struct pthread; the kernel tid is a field of
 * that struct (`tid`, at 0x2d0 on x86_64 in glibc 2.26+).  Rather than trust
 * one glibc, we probe: an offset is right when, for every live thread, the
 * int there is a distinct tid listed in /proc/PID/task. */
#include "thread_ids.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define THREAD_IDS_PROBE_END 2048
#define THREAD_IDS_GLIBC_X86_64 0x2d0
#define THREAD_IDS_MAX_TASKS 65536

int32_t thread_ids_inner(int pid, int32_t host_tid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/task/%d/status", pid, (int)host_tid);
    FILE *status = fopen(path, "re");
    if (!status)
        return 0;
    char line[256];
    int32_t inner = host_tid; /* kernels before 4.1 have no NSpid line: no namespaces */
    while (fgets(line, sizeof line, status)) {
        if (strncmp(line, "NSpid:", 6) != 0)
            continue;
        /* "NSpid:\t4711\t12\t1": the host's id first, the innermost last. */
        char *at = line + 6, *end;
        for (;;) {
            long value = strtol(at, &end, 10);
            if (end == at)
                break;
            if (value > 0 && value <= INT32_MAX)
                inner = (int32_t)value;
            at = end;
        }
        break;
    }
    fclose(status);
    return inner;
}

/* The process's threads by the ids it sees itself (its own PID namespace). */
static size_t thread_ids_tasks(int pid, int32_t *tids, size_t max)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/task", pid);
    DIR *dir = opendir(path);
    if (!dir)
        return 0;
    size_t count = 0;
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL && count < max) {
        int tid = atoi(entry->d_name);
        int32_t inner = tid > 0 ? thread_ids_inner(pid, tid) : 0;
        if (inner > 0)
            tids[count++] = inner;
    }
    closedir(dir);
    return count;
}

static int thread_ids_listed(const int32_t *tids, size_t count, int32_t tid)
{
    for (size_t i = 0; i < count; i++)
        if (tids[i] == tid)
            return 1;
    return 0;
}

static int thread_ids_offset_fits(struct remote *mem, int offset, const uint64_t *pthreads,
                                  size_t count, const int32_t *tids, size_t task_count)
{
    int32_t seen[64];
    size_t checked = count < 64 ? count : 64;
    for (size_t i = 0; i < checked; i++) {
        int32_t tid;
        if (remote_read(mem, pthreads[i] + (uint64_t)offset, &tid, sizeof tid) != 0 || tid <= 0 ||
            !thread_ids_listed(tids, task_count, tid))
            return 0;
        for (size_t j = 0; j < i; j++)
            if (seen[j] == tid)
                return 0;
        seen[i] = tid;
    }
    return checked > 0;
}

int thread_ids_find_offset(struct remote *mem, int pid, const uint64_t *pthreads, size_t count)
{
    int32_t *tids = malloc(THREAD_IDS_MAX_TASKS * sizeof *tids);
    if (!tids)
        return -1;
    size_t task_count = thread_ids_tasks(pid, tids, THREAD_IDS_MAX_TASKS);
    int found = -1;
    if (thread_ids_offset_fits(mem, THREAD_IDS_GLIBC_X86_64, pthreads, count, tids, task_count))
        found = THREAD_IDS_GLIBC_X86_64;
    for (int offset = 0; found < 0 && offset < THREAD_IDS_PROBE_END; offset += 4)
        if (thread_ids_offset_fits(mem, offset, pthreads, count, tids, task_count))
            found = offset;
    free(tids);
    return found;
}

uint64_t thread_ids_native(struct remote *mem, int offset, uint64_t pthread)
{
    int32_t tid;
    if (offset < 0 || remote_read(mem, pthread + (uint64_t)offset, &tid, sizeof tid) != 0 ||
        tid <= 0)
        return 0;
    return (uint64_t)tid;
}
