/* dump_command.h - the dump command. */
#ifndef PYCONC_PROFILER_DUMP_COMMAND_H
#define PYCONC_PROFILER_DUMP_COMMAND_H

#include <stdio.h>

#include "target.h"

/* Prints one snapshot of target; 0, or -1 (message printed). */
/* tasks: also the asyncio task tree, reading at most max_tasks (0: default). */
int dump_run(struct target *target, int json, int tasks, int max_tasks, FILE *out);

#endif
