/* objects.h - generic reads of a few object kinds: dict, int, module, instance. */
#ifndef PYCONC_READERS_OBJECTS_H
#define PYCONC_READERS_OBJECTS_H

#include <stddef.h>
#include <stdint.h>

#include "layout.h"
#include "remote.h"

/* Dicts with more entries than this are not walked. */
#define OBJECTS_DICT_MAX_ENTRIES (1u << 20)
/* Keys compared by name in one lookup (sys.modules, a module's globals). */
#define OBJECTS_FIND_MAX_KEYS 16384

/* Called per live entry; return non-zero to stop.  key/value are addresses. */
typedef int (*dict_visit_fn)(void *ctx, uint64_t key, uint64_t value);

/* Visits the entries of the dict at addr (split tables too).  0, or -1 on a bad read. */
int dict_each(struct remote *mem, const struct layout *layout, uint64_t dict, dict_visit_fn visit,
              void *ctx);

/* Value of str key `name` in the dict at addr, or 0 when absent/unreadable. */
uint64_t dict_get_str(struct remote *mem, const struct layout *layout, uint64_t dict,
                      const char *name);

/* An int object's value (two's complement for negatives).  0 or -1 (too big, bad read). */
int long_read(struct remote *mem, const struct layout *layout, uint64_t addr, uint64_t *value);

/* The __dict__ of a module object (PyModuleObject.md_dict), 0 on failure. */
uint64_t module_dict(struct remote *mem, const struct layout *layout, uint64_t module);

/* Instance attribute `name` of an ordinary Python object (its __dict__ or
 * inline/split values), 0 when absent/unreadable. */
uint64_t instance_attr(struct remote *mem, const struct layout *layout, uint64_t obj,
                       const char *name);

/* True when the str object at addr equals the UTF-8 text `name` (ASCII names). */
int string_equals(struct remote *mem, const struct layout *layout, uint64_t addr,
                  const char *name);

#endif
