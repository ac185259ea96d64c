/* proc_info.h - facts about the target from /proc and its files. */
#ifndef PYCONC_PROFILER_PROC_INFO_H
#define PYCONC_PROFILER_PROC_INFO_H

#include <stddef.h>

/* The command line of pid, arguments joined by spaces (capped). "" if unknown. */
void proc_command_line(int pid, char *out, size_t cap);

/* A short name for pid from its command line: the script's file name or the
 * -m module when the command runs Python ("app.py", "-m http.server" gives
 * "http.server"), the multiprocessing module a -c command imports
 * ("multiprocessing.spawn"), else the program's file name (or a title the
 * process set).  "" if unknown. */
void proc_process_name(int pid, char *out, size_t cap);

/* Line `line` (1-based) of `file` as the target sees it (through
 * /proc/PID/root), leading and trailing blanks stripped, into out.
 * Returns 0, or -1 when the file or line cannot be read. */
int proc_source_line(int pid, const char *file, int line, char *out, size_t cap);

#endif
