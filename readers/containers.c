/* containers.c - set and list walks and type names.
 *
 * PySetObject (Include/cpython/setobject.h, the same in 3.8-3.15 default
 * builds): `table` points at mask + 1 setentry {key, hash}; a NULL key is an
 * empty slot and the key `dummy` (a private static object) a deleted one.
 * The dummy is told apart by having no readable type name of a real object:
 * callers check the type of what they get anyway, so an entry that is not
 * what they expect is skipped, never trusted.  PyListObject keeps ob_item, a
 * PyObject *[ob_size]. */
#include "containers.h"

#include <string.h>

#define CONTAINERS_CHUNK 256

long set_each(struct remote *mem, const struct layout *l, uint64_t set, item_visit_fn visit,
              void *ctx)
{
    uint64_t mask, table;
    if (remote_read_ptr(mem, set + l->set_mask, &mask) != 0 ||
        remote_read_ptr(mem, set + l->set_table, &table) != 0 || table == 0 ||
        mask >= CONTAINERS_MAX_ITEMS * 2 || ((mask + 1) & mask) != 0)
        return -1;
    uint64_t entry = l->set_entry_size;
    if (entry < 16 || entry > 32)
        return -1;
    unsigned char chunk[CONTAINERS_CHUNK * 32];
    long visited = 0;
    for (uint64_t first = 0; first <= mask; first += CONTAINERS_CHUNK) {
        uint64_t n = mask + 1 - first < CONTAINERS_CHUNK ? mask + 1 - first : CONTAINERS_CHUNK;
        if (remote_read(mem, table + first * entry, chunk, n * entry) != 0)
            return -1;
        for (uint64_t i = 0; i < n; i++) {
            uint64_t key;
            int64_t hash;
            memcpy(&key, chunk + i * entry + l->set_entry_key, sizeof key);
            /* setentry is {key, hash} (3.8-3.15); a deleted entry keeps the
             * `dummy` key with hash -1, which no live entry has (CPython
             * turns a hash of -1 into -2).  A WeakSet that lost many tasks
             * is full of them: they are not items. */
            memcpy(&hash, chunk + i * entry + (l->set_entry_key == 0 ? 8 : 0), sizeof hash);
            if (key == 0 || hash == -1)
                continue;
            visited++;
            if (visit(ctx, key) != 0)
                return visited;
        }
    }
    return visited;
}

long list_each(struct remote *mem, const struct layout *l, uint64_t list, size_t max,
               item_visit_fn visit, void *ctx)
{
    uint64_t size, items;
    if (remote_read_ptr(mem, list + l->varobject_size, &size) != 0 ||
        remote_read_ptr(mem, list + l->list_items, &items) != 0 ||
        (size > 0 && items == 0))
        return -1;
    if (size > CONTAINERS_MAX_ITEMS) {
        remote_cap_hit(mem, REMOTE_CAP_CONTAINER);
        return -1;
    }
    if (size > max)
        size = max;
    uint64_t chunk[CONTAINERS_CHUNK];
    long visited = 0;
    for (uint64_t first = 0; first < size; first += CONTAINERS_CHUNK) {
        uint64_t n = size - first < CONTAINERS_CHUNK ? size - first : CONTAINERS_CHUNK;
        if (remote_read(mem, items + first * 8, chunk, n * 8) != 0)
            return -1;
        for (uint64_t i = 0; i < n; i++) {
            if (chunk[i] == 0)
                continue;
            visited++;
            if (visit(ctx, chunk[i]) != 0)
                return visited;
        }
    }
    return visited;
}

int type_name_read(struct remote *mem, const struct layout *l, uint64_t type, char *out,
                   size_t cap)
{
    uint64_t name;
    if (cap == 0 || type == 0 || remote_read_ptr(mem, type + l->type_name, &name) != 0 ||
        name == 0)
        return -1;
    /* tp_name is a C string of unknown length: read a bounded prefix that does
     * not cross a page (the next page may be unmapped); longer names are cut. */
    size_t want = cap - 1 < 64 ? cap - 1 : 64;
    size_t to_page = 4096 - (size_t)(name & 4095);
    if (want > to_page)
        want = to_page;
    if (remote_read(mem, name, out, want) != 0)
        return -1;
    out[want] = '\0';
    return 0;
}
