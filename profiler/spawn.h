/* spawn.h - start the command we wrap. */
#ifndef PYCONC_PROFILER_SPAWN_H
#define PYCONC_PROFILER_SPAWN_H

#include <sys/types.h>

/* Starts argv[0] (searched in PATH) as a child.  Returns its pid once exec
 * succeeded, or -1 with a message printed (exec failed: errno kept). */
pid_t spawn_command(char **argv);

/* Waits for the child and returns the exit status a shell would report
 * (128 + signal when it was killed). */
int spawn_wait(pid_t pid);

#endif
