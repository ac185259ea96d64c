/* blocking.c - --blocking: stop the target's threads around each sample.
 *
 * PTRACE_SEIZE attaches without stopping; PTRACE_INTERRUPT then stops a
 * thread at once, and PTRACE_CONT resumes it.  A signal that arrives while
 * we stop a thread is reported to us instead of the thread; we keep it and
 * hand it back on resume, so the target sees every signal it was sent.  If
 * the profiler dies (even by SIGKILL), the kernel detaches all tracees and a
 * thread in a ptrace stop runs again: the target is never left stopped. */
#include "blocking.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

static int blocking_has(const struct blocking *blocking, int tid)
{
    for (int i = 0; i < blocking->count; i++)
        if (blocking->threads[i].tid == tid)
            return 1;
    return 0;
}

/* Seizes the threads listed in /proc/PID/task that we do not hold yet. */
static int blocking_seize_new(struct blocking *blocking)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/task", blocking->pid);
    DIR *dir = opendir(path);
    if (!dir)
        return -1;
    struct dirent *entry;
    int seized_any = 0, error = 0;
    while ((entry = readdir(dir)) != NULL) {
        int tid = atoi(entry->d_name);
        if (tid <= 0 || blocking_has(blocking, tid) || blocking->count == BLOCKING_MAX_THREADS)
            continue;
        if (ptrace(PTRACE_SEIZE, tid, NULL, NULL) != 0) {
            error = errno;
            continue;
        }
        blocking->threads[blocking->count++] = (struct blocking_thread){tid, 0, 0};
        seized_any = 1;
    }
    closedir(dir);
    if (!seized_any && blocking->count == 0) {
        errno = error ? error : ESRCH;
        return -1;
    }
    return 0;
}

int blocking_attach(struct blocking *blocking, int pid)
{
    blocking->pid = pid;
    blocking->count = 0;
    return blocking_seize_new(blocking);
}

static void blocking_forget(struct blocking *blocking, int index)
{
    blocking->threads[index] = blocking->threads[--blocking->count];
}

int blocking_stop(struct blocking *blocking)
{
    blocking_seize_new(blocking);
    for (int i = 0; i < blocking->count;) {
        if (ptrace(PTRACE_INTERRUPT, blocking->threads[i].tid, NULL, NULL) != 0) {
            blocking_forget(blocking, i); /* gone */
            continue;
        }
        i++;
    }
    for (int i = 0; i < blocking->count;) {
        struct blocking_thread *thread = &blocking->threads[i];
        int status;
        pid_t got = waitpid(thread->tid, &status, __WALL);
        if (got < 0 || WIFEXITED(status) || WIFSIGNALED(status)) {
            blocking_forget(blocking, i);
            continue;
        }
        if (WIFSTOPPED(status)) {
            int event = status >> 16;
            int sig = WSTOPSIG(status);
            if (event == 0 && sig != SIGTRAP) {
                /* A real signal arrived first: keep it, then wait for our stop. */
                thread->pending_sig = sig;
                ptrace(PTRACE_CONT, thread->tid, NULL, (void *)(long)sig);
                thread->pending_sig = 0;
                ptrace(PTRACE_INTERRUPT, thread->tid, NULL, NULL);
                continue;
            }
            thread->stopped = 1;
        }
        i++;
    }
    return 0;
}

void blocking_resume(struct blocking *blocking)
{
    for (int i = 0; i < blocking->count; i++) {
        struct blocking_thread *thread = &blocking->threads[i];
        if (!thread->stopped)
            continue;
        ptrace(PTRACE_CONT, thread->tid, NULL, (void *)(long)thread->pending_sig);
        thread->stopped = 0;
        thread->pending_sig = 0;
    }
}

void blocking_detach(struct blocking *blocking)
{
    blocking_resume(blocking);
    for (int i = 0; i < blocking->count; i++) {
        /* Detaching a running tracee needs it stopped first. */
        if (ptrace(PTRACE_INTERRUPT, blocking->threads[i].tid, NULL, NULL) == 0) {
            int status;
            waitpid(blocking->threads[i].tid, &status, __WALL);
            ptrace(PTRACE_DETACH, blocking->threads[i].tid, NULL, NULL);
        }
    }
    blocking->count = 0;
}
