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
    uint64_t key_object, thread_object; /* its entry in threading._active */
};

/* The last answer, so that the next read costs reads only for what is new:
 * an entry whose key and Thread are the objects they were is taken from
 * `known` (a thread costs about 35 reads; a thousand threads, 35,000),
 * except `recheck` of them, read again in turn from `cursor` (a rename
 * shows within known_count / recheck reads). */
struct thread_names_reuse {
    const struct thread_name *known;
    size_t known_count;
    size_t recheck;
    size_t cursor; /* moved on by each read */
};

/* Reads the names of the threads the threading module knows (up to max).
 * *active caches the address of threading._active between calls (0: look it
 * up through sys.modules, which costs hundreds of reads).  reuse may be NULL
 * (read every entry).  Returns the count (0 when threading is not imported),
 * or -1 on a bad read. */
int thread_names_read(struct remote *mem, const struct python_runtime *runtime, uint64_t interp,
                      uint64_t *active, struct thread_name *out, size_t max,
                      struct thread_names_reuse *reuse);

#endif
