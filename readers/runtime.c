/* runtime.c - find _PyRuntime in a target process.
 *
 * Candidates are the files mapped into the process: libpython3.X.so* (shared
 * builds) and the executable itself (static builds).  Each is opened through
 * /proc/PID/root so a target in another mount namespace (a container) is read
 * from its own filesystem.  3.13+ builds are found by their .PyRuntime
 * section, whose first bytes are _Py_DebugOffsets; older ones by the
 * _PyRuntime symbol.  The version comes from the debug offsets, Py_Version
 * (3.11+) or, failing both, the file name. */
#include "runtime.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "debug_offsets.h"
#include "elf_file.h"
#include "maps.h"
#include "objects.h"
#include "strings.h"

/* "libpython3.12.so.1.0" or "python3.12" -> 3, 12; 0 when the name says nothing. */
static int runtime_version_from_name(const char *path, int *major, int *minor)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *at = strstr(base, "python");
    if (!at || !isdigit((unsigned char)at[6]))
        return 0;
    at += 6;
    int maj = 0, min = -1;
    if (sscanf(at, "%d.%d", &maj, &min) < 1)
        return 0;
    *major = maj;
    *minor = min;
    return 1;
}

static int runtime_is_candidate(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    return strncmp(base, "libpython", 9) == 0 && strstr(base, ".so") != NULL;
}

static void runtime_set_version(struct python_runtime *runtime, uint32_t hex)
{
    runtime->version_hex = hex;
    runtime->major = (int)((hex >> 24) & 0xff);
    runtime->minor = (int)((hex >> 16) & 0xff);
    runtime->micro = (int)((hex >> 8) & 0xff);
    snprintf(runtime->version, sizeof runtime->version, "%d.%d.%d", runtime->major,
             runtime->minor, runtime->micro);
}

/* Tries one mapped file; 1 when it holds the runtime. */
static int runtime_try_file(int pid, struct remote *mem, const struct maps *maps,
                            const char *path, struct python_runtime *runtime)
{
    struct elf_info info;
    uint64_t bias;
    if (elf_inspect_mapped(pid, maps, path, &info, &bias) != 0)
        return 0;
    if (info.pyruntime_section != 0) {
        /* 3.13+: _PyRuntime is placed at the start of .PyRuntime and begins
         * with _Py_DebugOffsets: cookie[8], then version (PY_VERSION_HEX). */
        struct {
            char cookie[8];
            uint64_t version;
        } head;
        uint64_t addr = bias + info.pyruntime_section;
        if (remote_read(mem, addr, &head, sizeof head) == 0 &&
            memcmp(head.cookie, DEBUG_OFFSETS_COOKIE, 8) == 0) {
            runtime->runtime_addr = addr;
            runtime_set_version(runtime, (uint32_t)head.version);
            snprintf(runtime->binary, sizeof runtime->binary, "%s", path);
            return 1;
        }
    }
    if (info.symbols[ELF_SYM_PYRUNTIME] == 0)
        return 0;
    runtime->runtime_addr = bias + info.symbols[ELF_SYM_PYRUNTIME];
    snprintf(runtime->binary, sizeof runtime->binary, "%s", path);
    uint32_t hex = 0;
    if (info.symbols[ELF_SYM_PY_VERSION] != 0 &&
        remote_read(mem, bias + info.symbols[ELF_SYM_PY_VERSION], &hex, sizeof hex) == 0 &&
        (hex >> 24) == 3) {
        runtime_set_version(runtime, hex);
        return 1;
    }
    int major = 0, minor = -1;
    if (runtime_version_from_name(path, &major, &minor) && minor >= 0) {
        runtime->major = major;
        runtime->minor = minor;
        runtime->micro = -1;
        runtime->version_hex = ((uint32_t)major << 24) | ((uint32_t)minor << 16);
        snprintf(runtime->version, sizeof runtime->version, "%d.%d", major, minor);
        return 1;
    }
    runtime->major = 0; /* runtime found, version unknown */
    return 1;
}

static enum runtime_status runtime_fail(char *err, size_t err_len, enum runtime_status status,
                                        const char *message)
{
    snprintf(err, err_len, "%s", message);
    return status;
}

static enum runtime_status runtime_permission(int pid, char *err, size_t err_len)
{
    char scope_note[160] = "";
    FILE *scope = fopen("/proc/sys/kernel/yama/ptrace_scope", "re");
    int value = 0;
    if (scope) {
        if (fscanf(scope, "%d", &value) == 1 && value > 0)
            snprintf(scope_note, sizeof scope_note,
                     " (kernel.yama.ptrace_scope is %d; `sysctl kernel.yama.ptrace_scope=0` "
                     "allows reading non-child processes)",
                     value);
        fclose(scope);
    }
    snprintf(err, err_len,
             "cannot read process %d: permission denied; run as root or grant CAP_SYS_PTRACE%s",
             pid, scope_note);
    return RUNTIME_PERMISSION;
}

enum runtime_status runtime_find(int pid, struct remote *mem, struct python_runtime *runtime,
                                 char *err, size_t err_len)
{
    memset(runtime, 0, sizeof *runtime);
    runtime->pid = pid;
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/%d", pid);
    struct stat st;
    if (pid <= 0 || stat(proc, &st) != 0) {
        snprintf(err, err_len, "process %d: no such process", pid);
        return RUNTIME_NO_PROCESS;
    }
    struct maps maps;
    if (maps_read(pid, &maps) != 0) {
        if (errno == ENOENT || errno == ESRCH) {
            snprintf(err, err_len, "process %d: no such process", pid);
            return RUNTIME_NO_PROCESS;
        }
        return runtime_permission(pid, err, err_len);
    }
    if (maps.count == 0) {
        maps_free(&maps);
        return runtime_permission(pid, err, err_len);
    }
    char exe[PATH_MAX] = "";
    snprintf(proc, sizeof proc, "/proc/%d/exe", pid);
    ssize_t exe_len = readlink(proc, exe, sizeof exe - 1);
    exe[exe_len > 0 ? exe_len : 0] = '\0';

    int found = 0;
    /* Shared libpython first: its executable is only a small launcher. */
    for (size_t i = 0; i < maps.count && !found; i++) {
        const char *path = maps.entries[i].path;
        if (path && runtime_is_candidate(path))
            found = runtime_try_file(pid, mem, &maps, path, runtime);
    }
    if (!found && exe[0] != '\0')
        found = runtime_try_file(pid, mem, &maps, exe, runtime);
    maps_free(&maps);

    if (!found) {
        int major = 0, minor = -1;
        if (exe[0] && runtime_version_from_name(exe, &major, &minor) && major == 2) {
            snprintf(err, err_len,
                     "process %d runs Python 2 (%s), which is not supported; supported: "
                     "CPython 3.%d to 3.%d",
                     pid, exe, LAYOUT_MIN_MINOR, LAYOUT_MAX_MINOR);
            return RUNTIME_UNSUPPORTED;
        }
        snprintf(err, err_len,
                 "process %d (%s) is not a Python process: no CPython runtime "
                 "(_PyRuntime) found in its executable or a mapped libpython",
                 pid, exe[0] ? exe : "unknown executable");
        return RUNTIME_NOT_PYTHON;
    }
    uint64_t probe;
    if (remote_read_u64(mem, runtime->runtime_addr, &probe) != 0) {
        if (errno == EPERM || errno == EACCES)
            return runtime_permission(pid, err, err_len);
        if (errno == ESRCH) {
            snprintf(err, err_len, "process %d: no such process", pid);
            return RUNTIME_NO_PROCESS;
        }
        snprintf(err, err_len, "process %d: cannot read _PyRuntime at 0x%llx: %s", pid,
                 (unsigned long long)runtime->runtime_addr, strerror(errno));
        return RUNTIME_UNREADABLE;
    }
    if (runtime->major == 0)
        return runtime_fail(err, err_len, RUNTIME_UNSUPPORTED,
                            "found a CPython runtime but could not tell its version");
    const struct layout *table = layout_for_version(runtime->major, runtime->minor);
    if (!table) {
        snprintf(err, err_len,
                 "process %d runs Python %s (%s), which is not supported; supported: "
                 "CPython 3.%d to 3.%d",
                 pid, runtime->version, runtime->binary, LAYOUT_MIN_MINOR, LAYOUT_MAX_MINOR);
        return RUNTIME_UNSUPPORTED;
    }
    runtime->layout = *table;
    if (runtime->minor >= 13) {
        char why[256];
        if (debug_offsets_apply(mem, runtime->runtime_addr, runtime->minor, &runtime->layout, why,
                                sizeof why) != 0) {
            snprintf(err, err_len, "process %d (Python %s): %s", pid, runtime->version, why);
            return RUNTIME_UNREADABLE;
        }
    }
    return RUNTIME_OK;
}

uint64_t runtime_main_interpreter(struct remote *mem, const struct python_runtime *runtime)
{
    uint64_t interp = 0;
    if (remote_read_ptr(mem, runtime->runtime_addr + runtime->layout.runtime_interpreters_head,
                        &interp) != 0)
        return 0;
    return interp;
}

void runtime_refine_version(struct remote *mem, struct python_runtime *runtime, uint64_t interp)
{
    if (runtime->micro >= 0 || interp == 0)
        return;
    const struct layout *l = &runtime->layout;
    uint64_t modules = 0;
    if (remote_read_ptr(mem, interp + l->interp_modules, &modules) != 0 || modules == 0)
        return;
    uint64_t sys = dict_get_str(mem, l, modules, "sys");
    uint64_t version = sys ? dict_get_str(mem, l, module_dict(mem, l, sys), "version") : 0;
    char text[128];
    int major, minor, micro;
    if (version && string_peek(mem, l, version, text, sizeof text) > 0 &&
        sscanf(text, "%d.%d.%d", &major, &minor, &micro) == 3 && major == runtime->major &&
        minor == runtime->minor && micro >= 0 && micro < 256) {
        runtime->micro = micro;
        runtime->version_hex |= (uint32_t)micro << 8;
        snprintf(runtime->version, sizeof runtime->version, "%d.%d.%d", major, minor, micro);
    }
}
