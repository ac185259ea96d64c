/* runtime.h - find a CPython runtime in a process and learn its layout. */
#ifndef PYCONC_READERS_RUNTIME_H
#define PYCONC_READERS_RUNTIME_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "layout.h"
#include "remote.h"

enum runtime_status {
    RUNTIME_OK = 0,
    RUNTIME_NO_PROCESS,  /* the pid does not exist */
    RUNTIME_PERMISSION,  /* we may not read it */
    RUNTIME_NOT_PYTHON,  /* no CPython runtime in its maps */
    RUNTIME_UNSUPPORTED, /* a CPython we have no layout for */
    RUNTIME_UNREADABLE,  /* found, but its memory did not make sense */
};

struct python_runtime {
    int pid;
    uint64_t runtime_addr;   /* address of _PyRuntime in the target */
    uint32_t version_hex;    /* PY_VERSION_HEX, minor-only precision when read from a file name */
    int major, minor, micro; /* micro is -1 when unknown */
    char version[32];        /* "3.12.1", or "3.9" when only the minor is known */
    char binary[PATH_MAX];   /* file that holds the runtime, as mapped in the target */
    struct layout layout;    /* offsets for this interpreter */
};

/* Locates the runtime of process pid.  On failure returns the status and
 * writes a message for the user into err (what went wrong, what to do). */
enum runtime_status runtime_find(int pid, struct remote *mem, struct python_runtime *runtime,
                                 char *err, size_t err_len);

/* When only the minor version is known (3.8-3.10 found by file name), reads
 * sys.version from the running interpreter to learn the micro version. */
void runtime_refine_version(struct remote *mem, struct python_runtime *runtime, uint64_t interp);

/* Address of the main interpreter state (interpreters.head), 0 if not yet set. */
uint64_t runtime_main_interpreter(struct remote *mem, const struct python_runtime *runtime);

#endif
