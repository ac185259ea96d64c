/* proc_tasks.h - the kernel's view of the target's threads, from /proc. */
#ifndef PYCONC_PROFILER_PROC_TASKS_H
#define PYCONC_PROFILER_PROC_TASKS_H

#include <stddef.h>
#include <stdint.h>

#define PROC_TASKS_MAX_OPEN 16384

struct proc_task_file {
    int tid;
    int fd; /* /proc/PID/task/TID/syscall */
    uint64_t last_used; /* sample number, for closing files of dead threads */
};

struct proc_tasks {
    int pid;
    struct proc_task_file files[PROC_TASKS_MAX_OPEN];
    int count;
    uint64_t tick;
    int next_hint; /* index to try first in the next lookup */
};

void proc_tasks_init(struct proc_tasks *tasks, int pid);
void proc_tasks_close(struct proc_tasks *tasks);

/* The text of /proc/PID/task/TID/syscall (kept open, pread), into buf:
 * "running", or the blocking call.  0, or -1 when it cannot be read. */
int proc_tasks_syscall(struct proc_tasks *tasks, int tid, char *buf, size_t cap);

/* Closes files not used for `age` calls of proc_tasks_next_sample. */
void proc_tasks_next_sample(struct proc_tasks *tasks);

/* 1 while process pid exists and is not a zombie. */
int proc_alive(int pid);

/* What tells one process image from another under the same pid: the start
 * time (a reused pid is a new process) and where its code and stack start
 * (an exec maps a new image). */
struct proc_identity {
    uint64_t start_time, start_code, start_stack;
    int ppid;   /* its parent now */
    char state; /* the kernel's state letter ('Z': exited, not yet reaped) */
};

/* Reads pid's identity from /proc/PID/stat.  0, or -1 (gone). */
int proc_identity_read(int pid, struct proc_identity *out);

/* The same from a /proc/PID/stat kept open (proc_identity_open: the fd, or
 * -1), one pread: a watch every few ticks costs one system call, not three.
 * The open file stays bound to that process: once it is gone (even if its
 * pid is reused) the read fails. */
int proc_identity_open(int pid);
int proc_identity_reread(int fd, struct proc_identity *out);

#endif
