/* proc_info.c - command lines and source lines of the target.
 *
 * Files are read through /proc/PID/root so a target in a container shows
 * its own source files. */
#include "proc_info.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* A source file line longer than this is cut; files are scanned at most this far. */
#define SOURCE_MAX_LINES 1000000

void proc_command_line(int pid, char *out, size_t cap)
{
    out[0] = '\0';
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/cmdline", pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    ssize_t got = read(fd, out, cap - 1);
    close(fd);
    if (got <= 0) {
        out[0] = '\0';
        return;
    }
    if (out[got - 1] == '\0')
        got--;
    for (ssize_t i = 0; i < got; i++)
        if (out[i] == '\0')
            out[i] = ' ';
    out[got] = '\0';
}

int proc_source_line(int pid, const char *file, int line, char *out, size_t cap)
{
    if (line <= 0 || line > SOURCE_MAX_LINES || file[0] != '/')
        return -1;
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "/proc/%d/root%s", pid, file);
    FILE *source = fopen(path, "re");
    if (!source)
        source = fopen(file, "re");
    if (!source)
        return -1;
    char buf[4096];
    int current = 0, found = -1;
    while (fgets(buf, sizeof buf, source)) {
        size_t len = strlen(buf);
        int whole = len > 0 && buf[len - 1] == '\n';
        if (++current == line) {
            char *start = buf;
            while (*start == ' ' || *start == '\t')
                start++;
            size_t n = strcspn(start, "\r\n");
            while (n > 0 && (start[n - 1] == ' ' || start[n - 1] == '\t'))
                n--;
            if (n >= cap)
                n = cap - 1;
            memcpy(out, start, n);
            out[n] = '\0';
            found = 0;
            break;
        }
        /* A line longer than buf: skip the rest of it without counting. */
        while (!whole && fgets(buf, sizeof buf, source)) {
            len = strlen(buf);
            whole = len > 0 && buf[len - 1] == '\n';
        }
    }
    fclose(source);
    return found;
}
