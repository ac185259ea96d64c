/* thread_names.c - read threading._active: {ident: Thread} -> Thread._name.
 *
 * The path is sys.modules["threading"].__dict__["_active"], then each
 * Thread's instance attribute `_name` (a str, possibly non-ASCII).  This
 * costs dozens of reads, so callers do it at attach and when a thread they
 * have not named yet appears, not per sample. */
#include "thread_names.h"

#include "objects.h"
#include "strings.h"

struct thread_names_walk {
    struct remote *mem;
    const struct layout *layout;
    struct thread_name *out;
    size_t max;
    size_t count;
};

static int thread_names_visit(void *ctx, uint64_t key, uint64_t value)
{
    struct thread_names_walk *walk = ctx;
    if (walk->count >= walk->max)
        return 1;
    uint64_t ident;
    if (long_read(walk->mem, walk->layout, key, &ident) != 0)
        return 0;
    uint64_t name = instance_attr(walk->mem, walk->layout, value, "_name");
    struct thread_name *entry = &walk->out[walk->count];
    if (name == 0 ||
        string_read(walk->mem, walk->layout, name, entry->name, sizeof entry->name) < 0)
        return 0;
    entry->thread_id = ident;
    /* _daemonic is True or False, ints underneath */
    uint64_t daemonic = instance_attr(walk->mem, walk->layout, value, "_daemonic"), flag;
    entry->daemon = daemonic && long_read(walk->mem, walk->layout, daemonic, &flag) == 0
                        ? flag != 0
                        : -1;
    walk->count++;
    return 0;
}

static uint64_t thread_names_find_active(struct remote *mem, const struct layout *l,
                                         uint64_t interp)
{
    uint64_t modules = 0;
    if (remote_read_ptr(mem, interp + l->interp_modules, &modules) != 0 || modules == 0)
        return 0;
    uint64_t threading = dict_get_str(mem, l, modules, "threading");
    if (threading == 0)
        return 0;
    return dict_get_str(mem, l, module_dict(mem, l, threading), "_active");
}

int thread_names_read(struct remote *mem, const struct python_runtime *runtime, uint64_t interp,
                      uint64_t *active, struct thread_name *out, size_t max)
{
    const struct layout *l = &runtime->layout;
    struct thread_names_walk walk = {mem, l, out, max, 0};
    /* threading._active is assigned once per process: the cached dict stays right. */
    if (*active != 0 && dict_each(mem, l, *active, thread_names_visit, &walk) == 0 &&
        walk.count > 0)
        return (int)walk.count;
    walk.count = 0;
    *active = thread_names_find_active(mem, l, interp);
    if (*active == 0)
        return 0;
    if (dict_each(mem, l, *active, thread_names_visit, &walk) != 0) {
        *active = 0;
        return -1;
    }
    return (int)walk.count;
}
