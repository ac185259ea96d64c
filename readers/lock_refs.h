/* lock_refs.h - which threading lock a thread waits for, and which thread
 * holds it, read from the value stacks of the threads' frames.
 *
 * A thread blocked in lock.acquire() (or `with lock:`) has that lock object on
 * the value stack of its innermost frame; a thread inside `with lock:` keeps
 * the lock there too until the block ends: the bound __exit__ method (3.8 -
 * 3.13, a builtin method whose __self__ is the lock) or the lock itself as
 * __exit__'s self (3.14+).  An RLock also records its owner's thread ident.
 * Which of the locks on the waiter's stack it waits for: 3.8-3.12, the one
 * whose semaphore is the futex the thread sleeps on; 3.13+, the topmost
 * (3.14+ keeps the top of stack while a frame calls into C; 3.13 does not,
 * so a stale slot above the top could mislead it).
 * So, per tick: the waited-for lock of each waiting thread, and its holder: the
 * RLock's owner, or the one other thread whose stack keeps that Lock.  A
 * holder that took the lock with a bare acquire() (no `with`) keeps no
 * reference on its stack and stays unknown; two candidates are unknown too. */
#ifndef PYCONC_READERS_LOCK_REFS_H
#define PYCONC_READERS_LOCK_REFS_H

#include <stddef.h>
#include <stdint.h>

#include "layout.h"
#include "remote.h"

/* Innermost frames of a thread whose stacks are searched. */
#define LOCK_SCAN_FRAMES 8

struct lock_scan_thread {
    uint64_t ident; /* pthread_t, what threading.get_ident() returns */
    int waiting;    /* in lock-wait this tick */
    uint64_t futex; /* the futex word it waits on (/proc syscall file), 0 unknown */
    uint32_t frame_count;
    uint64_t frame_addr[LOCK_SCAN_FRAMES]; /* innermost first */
    uint64_t frame_code[LOCK_SCAN_FRAMES];
    /* Filled by lock_scan: */
    uint64_t waits_on; /* the lock object waited for; 0 unknown */
    int holder;        /* index of the thread holding it; -1 unknown */
};

/* Types learnt from their names (cached for the life of the target). */
#define LOCK_TYPES_CACHE 64
struct lock_types {
    uint64_t lock, rlock, cfunction; /* _thread.lock, _thread.RLock, builtin_function_or_method */
    uint64_t other[LOCK_TYPES_CACHE]; /* types seen that are none of these (direct-mapped) */
};

/* Fills waits_on and holder of every waiting thread (threads[i].waiting).
 * Never fails: what cannot be read stays unknown. */
void lock_scan(struct remote *mem, const struct layout *layout, struct lock_types *types,
               struct lock_scan_thread *threads, size_t count);

#endif
