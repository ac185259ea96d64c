/* maps.c - parse /proc/PID/maps.
 *
 * Read once at attach (and again when the target loads something new); the
 * per-sample path never touches it.  Paths are kept as the kernel prints
 * them; " (deleted)" suffixes are left on so a replaced file is visible. */
#include "maps.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A target with more mappings than this is refused rather than parsed forever. */
#define MAPS_MAX_ENTRIES 1000000

static int maps_parse_line(char *line, struct map_entry *entry)
{
    uint64_t start, end, offset;
    char perms[5];
    int path_at = 0;
    if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %4s %" SCNx64 " %*s %*s %n", &start, &end, perms,
               &offset, &path_at) < 4)
        return -1;
    entry->start = start;
    entry->end = end;
    entry->offset = offset;
    memcpy(entry->perms, perms, sizeof entry->perms);
    entry->path = NULL;
    if (path_at > 0) {
        char *path = line + path_at;
        path[strcspn(path, "\n")] = '\0';
        if (path[0] != '\0') {
            entry->path = strdup(path);
            if (!entry->path)
                return -1;
        }
    }
    return 0;
}

int maps_read(int pid, struct maps *maps)
{
    char name[64];
    snprintf(name, sizeof name, "/proc/%d/maps", pid);
    maps->entries = NULL;
    maps->count = 0;
    FILE *file = fopen(name, "re");
    if (!file)
        return -1;
    size_t capacity = 0;
    char *line = NULL;
    size_t line_cap = 0;
    int result = 0;
    while (getline(&line, &line_cap, file) > 0) {
        if (maps->count == capacity) {
            if (capacity >= MAPS_MAX_ENTRIES) {
                errno = E2BIG;
                result = -1;
                break;
            }
            size_t grown = capacity ? capacity * 2 : 256;
            struct map_entry *bigger = realloc(maps->entries, grown * sizeof *bigger);
            if (!bigger) {
                result = -1;
                break;
            }
            maps->entries = bigger;
            capacity = grown;
        }
        if (maps_parse_line(line, &maps->entries[maps->count]) == 0)
            maps->count++;
    }
    free(line);
    fclose(file);
    if (result != 0)
        maps_free(maps);
    return result;
}

void maps_free(struct maps *maps)
{
    for (size_t i = 0; i < maps->count; i++)
        free(maps->entries[i].path);
    free(maps->entries);
    maps->entries = NULL;
    maps->count = 0;
}

const struct map_entry *maps_first_of(const struct maps *maps, const char *path)
{
    const struct map_entry *first = NULL;
    for (size_t i = 0; i < maps->count; i++) {
        const struct map_entry *entry = &maps->entries[i];
        if (entry->path && strcmp(entry->path, path) == 0 && (!first || entry->start < first->start))
            first = entry;
    }
    return first;
}

const struct map_entry *maps_find(const struct maps *maps, uint64_t addr)
{
    size_t lo = 0, hi = maps->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (maps->entries[mid].end <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < maps->count && maps->entries[lo].start <= addr ? &maps->entries[lo] : NULL;
}

int maps_contains(const struct maps *maps, uint64_t addr, uint64_t len)
{
    for (size_t i = 0; i < maps->count; i++) {
        const struct map_entry *entry = &maps->entries[i];
        if (addr >= entry->start && addr < entry->end)
            return entry->perms[0] == 'r' && len <= entry->end - addr;
    }
    return 0;
}
