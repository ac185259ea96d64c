/* proc_info.h - facts about the target from /proc and its files. */
#ifndef PYCONC_PROFILER_PROC_INFO_H
#define PYCONC_PROFILER_PROC_INFO_H

#include <stddef.h>

/* The command line of pid, arguments joined by spaces (capped). "" if unknown. */
void proc_command_line(int pid, char *out, size_t cap);

/* Line `line` (1-based) of `file` as the target sees it (through
 * /proc/PID/root), leading and trailing blanks stripped, into out.
 * Returns 0, or -1 when the file or line cannot be read. */
int proc_source_line(int pid, const char *file, int line, char *out, size_t cap);

#endif
