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
                      char *out, size_t cap)
{
    const struct layout *l = &runtime->layout;
    uint64_t modules = 0;
    if (cap == 0 || interp == 0 ||
        remote_read_ptr(mem, interp + l->interp_modules, &modules) != 0 || modules == 0)
        return -1;
    uint64_t module = dict_get_str(mem, l, modules, "multiprocessing.process");
    if (module == 0)
        return -1;
    uint64_t current = dict_get_str(mem, l, module_dict(mem, l, module), "_current_process");
    if (current == 0)
        return -1;
    uint64_t name = instance_attr(mem, l, current, "_name");
    if (name == 0 || string_read(mem, l, name, out, cap) < 0 || out[0] == '\0' ||
        strcmp(out, "MainProcess") == 0)
        return -1;
    return 0;
}
