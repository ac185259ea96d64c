/* native_unwind.h - a stopped thread's native stack (libunwind, remote ptrace). */
#ifndef PYCONC_PROFILER_NATIVE_UNWIND_H
#define PYCONC_PROFILER_NATIVE_UNWIND_H

#include <stdint.h>

#include "../readers/maps.h"

/* Native frames kept per stack; deeper stacks keep the innermost. */
#define NATIVE_MAX_FRAMES 256
#define NATIVE_MAX_THREADS 8192

/* Target memory pages kept while unwinding: the stack's for one unwind, the
 * unwind tables' (read-only file mappings) for the whole recording. */
#define NATIVE_PAGE_SIZE 4096
#define NATIVE_STACK_PAGES 64
#define NATIVE_TABLE_PAGES 1024
#define NATIVE_TABLE_FILES 256

struct native_page {
    uint64_t addr; /* page address; 0: empty */
    unsigned char bytes[NATIVE_PAGE_SIZE];
};

/* A mapped file's .eh_frame_hdr search table, as libunwind reads it. */
struct native_table {
    char *path;
    uint64_t hdr;       /* its address in the target (0: the file has none usable) */
    uint64_t fde_count;
    uint64_t table;     /* the search table's address, after the header */
};

struct native_unwinder {
    int pid;
    void *space; /* unw_addr_space_t: caches unwind tables per mapped file */
    struct maps maps;          /* to find a pc's file and tell read-only pages */
    uint64_t maps_read_ns;
    struct native_page *stack_pages; /* NATIVE_STACK_PAGES, emptied per unwind */
    struct native_page *table_pages; /* NATIVE_TABLE_PAGES, kept */
    struct native_table tables[NATIVE_TABLE_FILES];
    int table_count;
    uint64_t reads;  /* process_vm_readv calls made while unwinding */
    struct native_thread {
        int tid;
        void *upt; /* libunwind-ptrace's handle of the thread */
    } *threads;
    int count;
    uint64_t failures; /* unwinds that failed (the sample keeps its Python frames) */
    uint64_t unwinds;
};

/* 0, or -1 (out of memory). */
int native_unwinder_open(struct native_unwinder *u, int pid);
void native_unwinder_close(struct native_unwinder *u);

/* The instruction pointers of thread tid's native stack, innermost first, into
 * ips (up to max).  The thread must be in a ptrace stop of ours
 * (blocking_stop); sps gets each frame's stack pointer.  Returns the count, or -1 when the unwind failed (counted
 * in u->failures).  A call site's ip is the return address: callers look up
 * ip - 1 for every frame but the innermost. */
int native_unwind(struct native_unwinder *u, int tid, uint64_t *ips, uint64_t *sps, int max);

/* PYCONC_NATIVE_FAIL_EVERY=N (tests only): every Nth unwind fails as if the
 * stack could not be unwound, to check that such samples keep their Python
 * frames and are counted. */
int native_unwind_fault(void);

#endif
