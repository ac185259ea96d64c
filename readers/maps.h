/* maps.h - the target's memory map, from /proc/PID/maps. */
#ifndef PYCONC_READERS_MAPS_H
#define PYCONC_READERS_MAPS_H

#include <stddef.h>
#include <stdint.h>

struct map_entry {
    uint64_t start;
    uint64_t end;
    uint64_t offset; /* file offset of start */
    char perms[5];   /* "r-xp" */
    char *path;      /* NULL for anonymous mappings */
};

struct maps {
    struct map_entry *entries;
    size_t count;
};

/* Reads /proc/PID/maps; 0 on success, -1 with errno set on failure. */
int maps_read(int pid, struct maps *maps);
void maps_free(struct maps *maps);

/* The lowest-address mapping of the file at `path`, or NULL. */
const struct map_entry *maps_first_of(const struct maps *maps, const char *path);

/* The mapping that holds addr (binary search: the kernel lists them in
 * address order), or NULL. */
const struct map_entry *maps_find(const struct maps *maps, uint64_t addr);

/* True when [addr, addr+len) lies inside one readable mapping. */
int maps_contains(const struct maps *maps, uint64_t addr, uint64_t len);

#endif
