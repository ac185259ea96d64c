/* process_name.h - the multiprocessing name of a process ("ForkPoolWorker-2"). */
#ifndef PYCONC_READERS_PROCESS_NAME_H
#define PYCONC_READERS_PROCESS_NAME_H

#include <stddef.h>
#include <stdint.h>

#include "runtime.h"

#define PROCESS_NAME_MAX 128

/* Reads multiprocessing.process._current_process._name into out (UTF-8, cut
 * at cap).  0 when read; -1 when multiprocessing is not imported, the name is
 * unreadable, or the process is the "MainProcess" (a process multiprocessing
 * did not start: its script names it better).  *module caches the module's
 * dict between calls (0: look it up in sys.modules, hundreds of reads; with
 * it cached a call is about ten reads). */
int process_name_read(struct remote *mem, const struct python_runtime *runtime, uint64_t interp,
                      uint64_t *module, char *out, size_t cap);

#endif
