/* thread_state.h - what a thread is doing, from the kernel's and the interpreter's view. */
#ifndef PYCONC_READERS_THREAD_STATE_H
#define PYCONC_READERS_THREAD_STATE_H

#include <stdint.h>

/* /proc/PID/task/TID/syscall: the blocking call and its first arguments. */
struct blocking_call {
    int running;    /* the file said "running": the thread is on a CPU or runnable */
    int known;      /* 0: the file said "running" or could not be read */
    long number;    /* x86-64 syscall number, -1 when not in a syscall */
    uint64_t args[6];
};

/* Parses the text of /proc/PID/task/TID/syscall.  0 or -1. */
int thread_state_parse_syscall(const char *text, struct blocking_call *call);

/* The futex word a thread blocked in futex() waits on, else 0. */
uint64_t thread_state_futex(const struct blocking_call *call);

struct thread_view {
    char sched;          /* 'R' on a CPU (or runnable), 'S' off it, 0 unknown */
    int holds_gil;
    uint64_t gil;        /* address of the GIL struct (0 unknown) */
    uint64_t gil_size;
    int in_event_loop;   /* the Python stack is an asyncio loop's _run_once */
    struct blocking_call call;
};

/* What a thread is doing.  (The profiler maps these onto the sample states
 * of its outputs; readers know nothing of outputs.) */
enum thread_activity {
    ACTIVITY_UNKNOWN = 0,
    ACTIVITY_RUNNING,
    ACTIVITY_GIL_WAIT,
    ACTIVITY_LOCK_WAIT,
    ACTIVITY_IO_WAIT,
    ACTIVITY_SLEEPING,
    ACTIVITY_IDLE,
};

/* The activity of a thread; see thread_state.c for the rules. */
enum thread_activity thread_state_classify(const struct thread_view *view);

#endif
