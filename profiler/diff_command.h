/* diff_command.h - `pyconc-prof diff`: compare raw profiles before and after a change. */
#ifndef PYCONC_PROFILER_DIFF_COMMAND_H
#define PYCONC_PROFILER_DIFF_COMMAND_H

#include "options.h"

/* Exit code: 0, 1 (output error), 2 (a profile cannot be read), 3 (regressed). */
int diff_command(const struct options *options);

#endif
