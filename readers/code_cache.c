/* code_cache.c - resolve code objects (names, file, line table) once.
 *
 * A sample needs, per frame, the qualified name, the file and the line of
 * the current instruction.  Reading two strings and a line table per frame
 * per sample would be far too slow, so each code object is resolved once and
 * kept in a bounded direct-mapped cache keyed by its address.  Addresses are
 * reused after a code object dies, so every lookup re-reads the few pointer
 * fields of the header (one small read) and compares them with what was
 * cached: the same address with different filename/name/table pointers is a
 * different code object. */
#include "code_cache.h"

#include <stdlib.h>
#include <string.h>

#include "frames.h"
#include "strings.h"

int code_cache_init(struct code_cache *cache, size_t capacity)
{
    size_t size = 1;
    while (size < capacity)
        size <<= 1;
    cache->slots = calloc(size, sizeof *cache->slots);
    cache->capacity = cache->slots ? size : 0;
    cache->hits = cache->misses = 0;
    cache->generation = 0;
    cache->code_type = 0;
    return cache->slots ? 0 : -1;
}

static void code_info_clear(struct code_info *info)
{
    free(info->name);
    free(info->file);
    linetable_free(&info->lines);
    memset(info, 0, sizeof *info);
}

void code_cache_free(struct code_cache *cache)
{
    for (size_t i = 0; i < cache->capacity; i++)
        code_info_clear(&cache->slots[i]);
    free(cache->slots);
    cache->slots = NULL;
    cache->capacity = 0;
}

static size_t code_cache_slot(const struct code_cache *cache, uint64_t addr)
{
    uint64_t h = addr >> 4;
    h ^= h >> 17;
    h *= UINT64_C(0x9e3779b97f4a7c15);
    return (size_t)(h >> 20) & (cache->capacity - 1);
}

static uint64_t code_field_ptr(const unsigned char *header, uint64_t offset)
{
    uint64_t value;
    memcpy(&value, header + offset, sizeof value);
    return value;
}

static char *code_read_string(struct remote *mem, const struct layout *layout, uint64_t addr)
{
    char text[STRING_MAX_CHARS * 4 + 8];
    if (string_read(mem, layout, addr, text, sizeof text) < 0)
        return NULL;
    return strdup(text);
}

static int code_resolve(struct code_info *info, struct remote *mem, const struct layout *layout,
                        const unsigned char *header, uint64_t addr)
{
    uint64_t filename = code_field_ptr(header, layout->code_filename);
    uint64_t name = code_field_ptr(header, layout->code_name);
    uint64_t table = code_field_ptr(header, layout->code_linetable);
    uint64_t qualname =
        layout->code_qualname != LAYOUT_NONE ? code_field_ptr(header, layout->code_qualname) : 0;
    int32_t firstlineno, firsttraceable = 0;
    memcpy(&firstlineno, header + layout->code_firstlineno, sizeof firstlineno);
    if (layout->code_firsttraceable != LAYOUT_NONE)
        memcpy(&firsttraceable, header + layout->code_firsttraceable, sizeof firsttraceable);
    if (firstlineno < 0 || firsttraceable < 0 || firsttraceable > (1 << 24))
        return -1;
    info->firsttraceable = firsttraceable;
    info->name = code_read_string(mem, layout, qualname ? qualname : name);
    info->file = code_read_string(mem, layout, filename);
    if (!info->name || !info->file)
        return -1;
    unsigned char *bytes;
    size_t len;
    if (bytes_read(mem, layout, table, &bytes, &len) != 0)
        return -1;
    int rc = linetable_decode(layout->linetable_kind, bytes, len, firstlineno, &info->lines);
    free(bytes);
    if (rc != 0)
        return -1;
    /* The fields must not have moved while we followed them: a code object
     * being filled in (or torn down, or given a new co_filename by the
     * import system) could have handed us a string that was already freed. */
    unsigned char again[CODE_HEADER_MAX];
    uint64_t size = code_cache_header_size(layout);
    if (remote_read(mem, addr, again, size) != 0 ||
        !remote_refcount_plausible(code_field_ptr(again, 0)) || /* ob_refcnt: not freed */
        code_field_ptr(again, layout->code_filename) != filename ||
        code_field_ptr(again, layout->code_name) != name ||
        code_field_ptr(again, layout->code_linetable) != table ||
        (layout->code_qualname != LAYOUT_NONE &&
         code_field_ptr(again, layout->code_qualname) != qualname) ||
        memcmp(again + layout->code_firstlineno, header + layout->code_firstlineno, 4) != 0)
        return -1;
    info->addr = addr;
    info->identity[0] = filename;
    info->identity[1] = name;
    info->identity[2] = table;
    info->firstlineno = firstlineno;
    return 0;
}

/* Bytes of the code object header that hold every field we read. */
void code_cache_forget(struct code_cache *cache, uint64_t addr)
{
    struct code_info *info = &cache->slots[code_cache_slot(cache, addr)];
    if (info->addr == addr)
        code_info_clear(info);
}

struct code_info *code_cache_trusted(struct code_cache *cache, uint64_t addr)
{
    struct code_info *info = &cache->slots[code_cache_slot(cache, addr)];
    if (cache->generation == 0 || info->addr != addr || info->generation != cache->generation)
        return NULL;
    cache->hits++;
    return info;
}

uint64_t code_cache_header_size(const struct layout *layout)
{
    uint64_t fields[] = {layout->code_filename,    layout->code_name,
                         layout->code_linetable,   layout->code_firstlineno,
                         layout->code_qualname,    layout->code_firsttraceable,
                         layout->object_type};
    uint64_t end = 0;
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (fields[i] != LAYOUT_NONE && fields[i] + 8 > end)
            end = fields[i] + 8;
    return end;
}

struct code_info *code_cache_get(struct code_cache *cache, struct remote *mem,
                                       const struct layout *layout, uint64_t addr)
{
    unsigned char header[CODE_HEADER_MAX];
    uint64_t size = code_cache_header_size(layout);
    if (size > sizeof header || remote_read(mem, addr, header, size) != 0)
        return NULL;
    return code_cache_get_with_header(cache, mem, layout, addr, header);
}

struct code_info *code_cache_get_with_header(struct code_cache *cache, struct remote *mem,
                                             const struct layout *layout, uint64_t addr,
                                             const unsigned char *header)
{
    struct code_info *info = &cache->slots[code_cache_slot(cache, addr)];
    if (info->addr == addr && info->identity[0] == code_field_ptr(header, layout->code_filename) &&
        info->identity[1] == code_field_ptr(header, layout->code_name) &&
        info->identity[2] == code_field_ptr(header, layout->code_linetable)) {
        cache->hits++;
        info->generation = cache->generation;
        return info;
    }
    cache->misses++;
    code_info_clear(info);
    /* Only a code object is resolved: anything else at a frame's code
     * pointer means the frame changed under the read. */
    if (!frames_check_type(mem, layout, code_field_ptr(header, layout->object_type), "code",
                           &cache->code_type))
        return NULL;
    if (code_resolve(info, mem, layout, header, addr) != 0) {
        code_info_clear(info);
        return NULL;
    }
    info->generation = cache->generation;
    return info;
}
