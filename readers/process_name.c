/* process_name.c - multiprocessing.process._current_process._name.
 *
 * multiprocessing sets the module global _current_process to the Process
 * object a child runs (BaseProcess._bootstrap, every start method, every
 * version 3.8-3.15); its instance attribute _name is the name the parent
 * gave ("ForkPoolWorker-3", "SpawnProcess-1", or the user's).  Until the
 * child reaches _bootstrap (a fork child's first moments) the object is the
 * parent's "MainProcess", which we do not report. */
#include "process_name.h"

#include <string.h>

#include "objects.h"
#include "strings.h"

int process_name_read(struct remote *mem, const struct python_runtime *runtime, uint64_t interp,
                      uint64_t *module, char *out, size_t cap)
{
    const struct layout *l = &runtime->layout;
    if (cap == 0 || interp == 0)
        return -1;
    /* a module's dict lives as long as the module: the cached one stays right */
    uint64_t current = *module ? dict_get_str(mem, l, *module, "_current_process") : 0;
    if (current == 0) {
        uint64_t modules = 0;
        if (remote_read_ptr(mem, interp + l->interp_modules, &modules) != 0 || modules == 0)
            return -1;
        uint64_t found = dict_get_str(mem, l, modules, "multiprocessing.process");
        *module = found ? module_dict(mem, l, found) : 0;
        current = *module ? dict_get_str(mem, l, *module, "_current_process") : 0;
    }
    if (current == 0)
        return -1;
    uint64_t name = instance_attr(mem, l, current, "_name");
    if (name == 0 || string_read(mem, l, name, out, cap) < 0 || out[0] == '\0' ||
        strcmp(out, "MainProcess") == 0)
        return -1;
    return 0;
}
