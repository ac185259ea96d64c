/* thread_ids.h - kernel thread ids for versions that do not record them (<=3.10). */
#ifndef PYCONC_READERS_THREAD_IDS_H
#define PYCONC_READERS_THREAD_IDS_H

#include <stddef.h>
#include <stdint.h>

#include "remote.h"

/* Offset of the kernel tid inside glibc's struct pthread, found by probing
 * the given pthread_t values (addresses of struct pthread) against the
 * process's /proc/PID/task list (as ids of its own PID namespace).  -1 when
 * no offset fits. */
int thread_ids_find_offset(struct remote *mem, int pid, const uint64_t *pthreads, size_t count);

/* The id thread host_tid of process pid has in its own PID namespace (the
 * last NSpid field of /proc/PID/task/TID/status): the id CPython records.
 * host_tid itself outside namespaces; 0 when the thread is gone. */
int32_t thread_ids_inner(int pid, int32_t host_tid);

/* The kernel tid of a pthread_t given the offset found above; 0 if unreadable. */
uint64_t thread_ids_native(struct remote *mem, int offset, uint64_t pthread);

#endif
