/* blocking.h - pause every thread of the target for a consistent snapshot. */
#ifndef PYCONC_PROFILER_BLOCKING_H
#define PYCONC_PROFILER_BLOCKING_H

#define BLOCKING_MAX_THREADS 8192

struct blocking_thread {
    int tid;
    int stopped;     /* in a ptrace stop we caused */
    int pending_sig; /* a signal that arrived while stopping, re-delivered on resume */
};

struct blocking {
    int pid;
    struct blocking_thread threads[BLOCKING_MAX_THREADS];
    int count;
};

/* Seizes (PTRACE_SEIZE, no stop) every thread.  0, or -1 with errno. */
int blocking_attach(struct blocking *blocking, int pid);
/* Seizes new threads, interrupts all and waits until each is stopped. */
int blocking_stop(struct blocking *blocking);
/* Resumes every thread stopped by blocking_stop. */
void blocking_resume(struct blocking *blocking);
/* Resumes and detaches from every thread. */
void blocking_detach(struct blocking *blocking);

#endif
