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

/* /proc/PID/cmdline into out (NUL-separated arguments, NUL-terminated); its
 * length, or 0 when unknown. */
static ssize_t proc_read_cmdline(int pid, char *out, size_t cap)
{
    out[0] = '\0';
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/cmdline", pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t got = read(fd, out, cap - 1);
    close(fd);
    out[got > 0 ? got : 0] = '\0';
    return got > 0 ? got : 0;
}

void proc_command_line(int pid, char *out, size_t cap)
{
    ssize_t got = proc_read_cmdline(pid, out, cap);
    if (got <= 0)
        return;
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

static const char *proc_base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* The interpreter's options that take a value (-X dev, -W error). */
static int proc_option_takes_value(const char *arg)
{
    return (arg[1] == 'X' || arg[1] == 'W' || arg[1] == 'Q') && arg[2] == '\0';
}

/* The name a -c command's code gives: "multiprocessing.spawn" for
 * `from multiprocessing.spawn import spawn_main; ...`, else "-c". */
static void proc_code_name(const char *code, char *out, size_t cap)
{
    const char *at = strstr(code, "multiprocessing.");
    size_t len = 0;
    if (at)
        while (at[len] && (at[len] == '.' || at[len] == '_' || (at[len] >= 'a' && at[len] <= 'z')))
            len++;
    if (!at || len >= cap)
        snprintf(out, cap, "-c");
    else
        snprintf(out, cap, "%.*s", (int)len, at);
}

void proc_process_name(int pid, char *out, size_t cap)
{
    char args[4096];
    out[0] = '\0';
    ssize_t got = proc_read_cmdline(pid, args, sizeof args);
    if (got <= 0)
        return;
    const char *end = args + got;
    const char *program = proc_base_name(args);
    if (strncmp(program, "python", 6) != 0) {
        /* not an interpreter: a shebang'd script runs as "python SCRIPT", so
         * this is a program's name or a title set with setproctitle */
        snprintf(out, cap, "%.*s", (int)strcspn(program, " "), program);
        return;
    }
    for (const char *arg = args + strlen(args) + 1; arg < end; arg += strlen(arg) + 1) {
        const char *next = arg + strlen(arg) + 1;
        if (strcmp(arg, "-m") == 0 || strcmp(arg, "-c") == 0) {
            if (next >= end)
                break;
            if (arg[1] == 'm')
                snprintf(out, cap, "%s", next);
            else
                proc_code_name(next, out, cap);
            return;
        }
        if (arg[0] == '-' && arg[1] == 'm' && arg[2]) { /* -mmodule */
            snprintf(out, cap, "%s", arg + 2);
            return;
        }
        if (arg[0] == '-' && arg[1] == 'c' && arg[2]) {
            proc_code_name(arg + 2, out, cap);
            return;
        }
        if (arg[0] == '-' && arg[1]) {
            if (proc_option_takes_value(arg))
                arg = next < end ? next : arg;
            continue;
        }
        snprintf(out, cap, "%s", proc_base_name(arg));
        return;
    }
    snprintf(out, cap, "%s", program);
}
