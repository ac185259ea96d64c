/* containers.h - sets, lists and type names in target memory (the asyncio reader's walks). */
#ifndef PYCONC_READERS_CONTAINERS_H
#define PYCONC_READERS_CONTAINERS_H

#include <stddef.h>
#include <stdint.h>

#include "layout.h"
#include "remote.h"

/* Sets or lists larger than this are read only up to it (the caller counts the cut). */
#define CONTAINERS_MAX_ITEMS (1u << 20)

/* Called per item (an object address); return non-zero to stop. */
typedef int (*item_visit_fn)(void *ctx, uint64_t item);

/* Visits the live keys of the set object at `set`.  Returns the number of
 * items visited, or -1 on a bad read (a set being resized under us). */
long set_each(struct remote *mem, const struct layout *layout, uint64_t set, item_visit_fn visit,
              void *ctx);

/* Visits the items of the list object at `list`, at most `max`.  Count or -1. */
long list_each(struct remote *mem, const struct layout *layout, uint64_t list, size_t max,
               item_visit_fn visit, void *ctx);

/* Writes the tp_name of the type object at `type` into out (cut to cap-1 bytes). 0 or -1. */
int type_name_read(struct remote *mem, const struct layout *layout, uint64_t type, char *out,
                   size_t cap);

#endif
