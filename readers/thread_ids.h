/* thread_ids.h - kernel thread ids for versions that do not record them (<=3.10). */
#ifndef PYCONC_READERS_THREAD_IDS_H
#define PYCONC_READERS_THREAD_IDS_H

#include <stddef.h>
#include <stdint.h>

#include "remote.h"

/* Offset of the kernel tid inside glibc's struct pthread, found by probing
 * the given pthread_t values (addresses of struct pthread) against the
 * process's /proc/PID/task list.  -1 when no offset fits. */
int thread_ids_find_offset(struct remote *mem, int pid, const uint64_t *pthreads, size_t count);

/* The kernel tid of a pthread_t given the offset found above; 0 if unreadable. */
uint64_t thread_ids_native(struct remote *mem, int offset, uint64_t pthread);

#endif
