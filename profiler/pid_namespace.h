/* pid_namespace.h - thread ids of a target inside another PID namespace. */
#ifndef PYCONC_PROFILER_PID_NAMESPACE_H
#define PYCONC_PROFILER_PID_NAMESPACE_H

#include <stddef.h>
#include <stdint.h>

#define PID_NAMESPACE_MAX_THREADS 8192

struct pid_namespace {
    int pid;      /* the target, by our (the host's) id */
    int separate; /* its PID namespace is not ours: ids need translating */
    size_t count;
    struct pid_namespace_pair {
        int32_t inner; /* the id the thread sees (and CPython records) */
        int32_t host;  /* the id /proc here knows it by */
    } pairs[PID_NAMESPACE_MAX_THREADS]; /* sorted by inner */
    uint64_t read_ns; /* monotonic time of the last read of the pairs, 0 never */
};

/* Finds out whether pid lives in another PID namespace. */
void pid_namespace_open(struct pid_namespace *ns, int pid);

/* The host's id of the thread the target knows as inner; inner itself when
 * the target shares our namespace; 0 when no thread has that id (gone). */
uint64_t pid_namespace_host_tid(struct pid_namespace *ns, uint64_t inner);

#endif
