/* thread_state.c - classify a sampled thread: running, gil-wait, lock-wait,
 * io-wait, sleeping or idle.
 *
 * The kernel says whether the thread is on a CPU and, when it is not, which
 * system call it is blocked in and on what (/proc/PID/task/TID/syscall: it
 * reads "running" for a thread whose state is R, else the call's x86-64
 * number and arguments, or -1 outside a call):
 *  - futex on an address inside the GIL struct: waiting for the GIL (every
 *    CPython 3.8-3.15 waits on a condition or mutex that lives in
 *    struct _gil_runtime_state); any other futex: a lock, condition,
 *    semaphore, queue or event (threading's locks are futex-based semaphores);
 *  - nanosleep / clock_nanosleep, or select with no descriptors (time.sleep
 *    before 3.11): sleeping;
 *  - poll / select / epoll with descriptors, read / recv / accept / connect /
 *    send / write and friends: I/O;
 *  - an asyncio event loop blocked in its selector (its Python stack is
 *    _run_once): idle, the loop has nothing to run.
 * On a CPU it is running (a thread running C code that released the GIL
 * counts as running too). */
#include "thread_state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


enum {
    SYS_READ = 0, SYS_WRITE = 1, SYS_POLL = 7, SYS_READV = 19, SYS_WRITEV = 20,
    SYS_SELECT = 23, SYS_NANOSLEEP = 35, SYS_CONNECT = 42, SYS_ACCEPT = 43, SYS_SENDTO = 44,
    SYS_RECVFROM = 45, SYS_SENDMSG = 46, SYS_RECVMSG = 47, SYS_WAIT4 = 61, SYS_FLOCK = 73,
    SYS_FSYNC = 74, SYS_PREAD64 = 17, SYS_PWRITE64 = 18, SYS_FUTEX = 202, SYS_EPOLL_WAIT = 232,
    SYS_CLOCK_NANOSLEEP = 230, SYS_WAITID = 247, SYS_PSELECT6 = 270, SYS_PPOLL = 271,
    SYS_EPOLL_PWAIT = 281, SYS_ACCEPT4 = 288, SYS_RECVMMSG = 299, SYS_SENDMMSG = 307,
    SYS_IO_GETEVENTS = 208, SYS_FUTEX_WAITV = 449, SYS_EPOLL_PWAIT2 = 441,
};

uint64_t thread_state_futex(const struct blocking_call *call)
{
    return call->known && call->number == SYS_FUTEX ? call->args[0] : 0;
}

int thread_state_parse_syscall(const char *text, struct blocking_call *call)
{
    memset(call, 0, sizeof *call);
    call->number = -1;
    if (strncmp(text, "running", 7) == 0) {
        call->running = 1;
        return 0;
    }
    char *end;
    long number = strtol(text, &end, 10);
    if (end == text)
        return -1;
    call->number = number;
    call->known = 1;
    const char *at = end;
    for (int i = 0; i < 6; i++) {
        while (*at == ' ')
            at++;
        if (strncmp(at, "0x", 2) != 0)
            break;
        call->args[i] = strtoull(at, &end, 16);
        at = end;
    }
    return 0;
}

static enum thread_activity thread_state_blocked(const struct thread_view *v)
{
    const struct blocking_call *c = &v->call;
    switch (c->number) {
    case SYS_FUTEX:
    case SYS_FUTEX_WAITV:
        if (v->gil && c->args[0] >= v->gil && c->args[0] < v->gil + v->gil_size)
            return ACTIVITY_GIL_WAIT;
        return ACTIVITY_LOCK_WAIT;
    case SYS_NANOSLEEP:
    case SYS_CLOCK_NANOSLEEP:
        return ACTIVITY_SLEEPING;
    case SYS_SELECT:
    case SYS_PSELECT6:
        if (c->args[0] == 0) /* nfds 0: time.sleep (<=3.10) */
            return ACTIVITY_SLEEPING;
        return v->in_event_loop ? ACTIVITY_IDLE : ACTIVITY_IO_WAIT;
    case SYS_POLL:
    case SYS_PPOLL:
    case SYS_EPOLL_WAIT:
    case SYS_EPOLL_PWAIT:
    case SYS_EPOLL_PWAIT2:
        return v->in_event_loop ? ACTIVITY_IDLE : ACTIVITY_IO_WAIT;
    case SYS_READ: case SYS_WRITE: case SYS_READV: case SYS_WRITEV: case SYS_PREAD64:
    case SYS_PWRITE64: case SYS_CONNECT: case SYS_ACCEPT: case SYS_ACCEPT4: case SYS_SENDTO:
    case SYS_RECVFROM: case SYS_SENDMSG: case SYS_RECVMSG: case SYS_RECVMMSG: case SYS_SENDMMSG:
    case SYS_FLOCK: case SYS_FSYNC: case SYS_IO_GETEVENTS: case SYS_WAIT4: case SYS_WAITID:
        return ACTIVITY_IO_WAIT;
    default:
        return ACTIVITY_UNKNOWN;
    }
}

enum thread_activity thread_state_classify(const struct thread_view *v)
{
    if (v->sched == 'R')
        return ACTIVITY_RUNNING;
    if (v->sched == 0)
        return v->holds_gil ? ACTIVITY_RUNNING : ACTIVITY_UNKNOWN;
    if (v->call.known && v->call.number >= 0)
        return thread_state_blocked(v);
    /* Off CPU but not in a system call (just preempted, or stopped). */
    return v->holds_gil ? ACTIVITY_RUNNING : ACTIVITY_UNKNOWN;
}
