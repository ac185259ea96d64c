/* spawn.c - fork and exec the wrapped command.
 *
 * A close-on-exec pipe tells the parent whether exec worked: EOF means the
 * child now runs the command; four bytes mean exec failed with that errno.
 * Until then /proc/PID would show a copy of the profiler, not the target. */
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

pid_t spawn_command(char **argv)
{
    int pipe_fds[2];
    if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
        perror("pyconc-prof: pipe");
        return -1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        perror("pyconc-prof: fork");
        close(pipe_fds[0]);
        close(pipe_fds[1]);
        return -1;
    }
    if (pid == 0) {
        close(pipe_fds[0]);
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        execvp(argv[0], argv);
        int error = errno;
        ssize_t ignored = write(pipe_fds[1], &error, sizeof error);
        (void)ignored;
        _exit(127);
    }
    close(pipe_fds[1]);
    int error = 0;
    ssize_t got;
    do {
        got = read(pipe_fds[0], &error, sizeof error);
    } while (got < 0 && errno == EINTR);
    close(pipe_fds[0]);
    if (got == (ssize_t)sizeof error) {
        fprintf(stderr, "pyconc-prof: cannot run '%s': %s\n", argv[0], strerror(error));
        waitpid(pid, NULL, 0);
        errno = error;
        return -1;
    }
    return pid;
}

int spawn_wait(pid_t pid)
{
    int status;
    for (;;) {
        pid_t got = waitpid(pid, &status, 0);
        if (got == pid)
            break;
        if (got < 0 && errno != EINTR)
            return 1;
    }
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return 1;
}
