/* thread_names.c - read threading._active: {ident: Thread} -> Thread._name.
 *
 * The path is sys.modules["threading"].__dict__["_active"], then each
 * Thread's instance attribute `_name` (a str, possibly non-ASCII).  This
 * costs dozens of reads per thread, so callers do it at attach and when a
 * thread they have not named yet appears, not per sample, and entries that
 * did not change are taken from the last answer (struct thread_names_reuse). */
#include "thread_names.h"

#include "objects.h"
#include "strings.h"

struct thread_names_walk {
    struct remote *mem;
    const struct layout *layout;
    struct thread_name *out;
    size_t max;
    size_t count;
    const struct thread_names_reuse *reuse;
    size_t hint; /* where in reuse->known the next entry is looked for first */
};

/* The known entry for (key, value) when it may be reused, or NULL. */
static const struct thread_name *thread_names_known(struct thread_names_walk *walk, uint64_t key,
                                                    uint64_t value)
{
    const struct thread_names_reuse *reuse = walk->reuse;
    if (!reuse || reuse->known_count == 0)
        return NULL;
    size_t n = reuse->known_count, at = n;
    /* The dict keeps its order: the next entry is usually the one after. */
    if (walk->hint < n && reuse->known[walk->hint].key_object == key)
        at = walk->hint;
    for (size_t i = 0; at == n && i < n; i++)
        if (reuse->known[i].key_object == key)
            at = i;
    if (at == n || reuse->known[at].thread_object != value)
        return NULL;
    walk->hint = at + 1;
    if ((at + n - reuse->cursor % n) % n < reuse->recheck)
        return NULL; /* its turn to be read again */
    return &reuse->known[at];
}

static int thread_names_visit(void *ctx, uint64_t key, uint64_t value)
{
    struct thread_names_walk *walk = ctx;
    if (walk->count >= walk->max)
        return 1;
    const struct thread_name *known = thread_names_known(walk, key, value);
    if (known) {
        walk->out[walk->count++] = *known;
        return 0;
    }
    uint64_t ident;
    if (long_read(walk->mem, walk->layout, key, &ident) != 0)
        return 0;
    uint64_t name = instance_attr(walk->mem, walk->layout, value, "_name");
    struct thread_name *entry = &walk->out[walk->count];
    if (name == 0 ||
        string_read(walk->mem, walk->layout, name, entry->name, sizeof entry->name) < 0)
        return 0;
    entry->thread_id = ident;
    entry->key_object = key;
    entry->thread_object = value;
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
                      uint64_t *active, struct thread_name *out, size_t max,
                      struct thread_names_reuse *reuse)
{
    const struct layout *l = &runtime->layout;
    struct thread_names_walk walk = {mem, l, out, max, 0, reuse, 0};
    if (reuse && reuse->known_count > 0)
        reuse->cursor = (reuse->cursor + reuse->recheck) % reuse->known_count;
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
