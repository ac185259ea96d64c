/* thread_names.h - Python thread names from threading._active. */
#ifndef PYCONC_READERS_THREAD_NAMES_H
#define PYCONC_READERS_THREAD_NAMES_H

#include <stddef.h>
#include <stdint.h>

#include "runtime.h"

#define THREAD_NAME_MAX 256

struct thread_name {
    uint64_t thread_id; /* threading.get_ident(), i.e. tstate->thread_id */
    char name[THREAD_NAME_MAX]; /* UTF-8 */
    int daemon; /* Thread._daemonic: 1, 0, or -1 when unreadable */
};

/* Reads the names of the threads the threading module knows (up to max).
 * *active caches the address of threading._active between calls (0: look it
 * up through sys.modules, which costs hundreds of reads).  Returns the count
 * (0 when threading is not imported), or -1 on a bad read. */
int thread_names_read(struct remote *mem, const struct python_runtime *runtime, uint64_t interp,
                      uint64_t *active, struct thread_name *out, size_t max);

#endif
