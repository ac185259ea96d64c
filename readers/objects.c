/* objects.c - dicts, ints, modules and instance attributes in target memory.
 *
 * Used off the hot path (thread names, module lookups), so clarity beats
 * speed here.  Dict internals: <=3.10 keys hold dk_size and 24-byte
 * (hash, key, value) entries after dk_size index slots of 1/2/4/8 bytes;
 * 3.11+ keys hold log2 sizes and, for str-only keys (dk_kind != 0), 16-byte
 * (key, value) entries.  A split table keeps values apart (ma_values), in
 * entry order.  Instance attributes: see enum instance_dict_kind. */
#include "objects.h"

#include <string.h>

#include "strings.h"

#define OBJECTS_CHUNK 128
/* PyModuleObject: PyObject_HEAD then md_dict, the same in 3.8-3.15. */
#define MODULE_MD_DICT_OFFSET 16

struct dict_geometry {
    uint64_t entries;    /* address of entry 0 */
    uint64_t entry_size;
    uint64_t key_at;     /* offset of the key within an entry */
    uint64_t value_at;
    uint64_t nentries;
};

static int dict_keys_geometry(struct remote *mem, const struct layout *l, uint64_t keys,
                              struct dict_geometry *g)
{
    unsigned char head[128];
    uint64_t head_size = l->dictkeys_indices;
    if (head_size == 0 || head_size > sizeof head || remote_read(mem, keys, head, head_size) != 0)
        return -1;
    int64_t nentries;
    memcpy(&nentries, head + l->dictkeys_nentries, sizeof nentries);
    uint64_t index_bytes;
    int general;
    if (l->dictkeys_size != LAYOUT_NONE) {
        int64_t size;
        memcpy(&size, head + l->dictkeys_size, sizeof size);
        if (size <= 0 || size > (int64_t)OBJECTS_DICT_MAX_ENTRIES * 4)
            return -1;
        uint64_t width = size <= 0xff ? 1 : size <= 0xffff ? 2 : size <= 0xffffffffLL ? 4 : 8;
        index_bytes = (uint64_t)size * width;
        general = 1;
    } else {
        unsigned log2_index_bytes = head[l->dictkeys_log2_index_bytes];
        if (log2_index_bytes > 40)
            return -1;
        index_bytes = UINT64_C(1) << log2_index_bytes;
        general = head[l->dictkeys_kind] == 0;
    }
    if (nentries < 0)
        return -1;
    if (nentries > (int64_t)OBJECTS_DICT_MAX_ENTRIES) {
        remote_cap_hit(mem, REMOTE_CAP_CONTAINER);
        return -1;
    }
    g->entries = keys + l->dictkeys_indices + index_bytes;
    g->nentries = (uint64_t)nentries;
    if (general) {
        g->entry_size = l->dict_entry_size;
        g->key_at = 8; /* PyDictKeyEntry: me_hash, me_key, me_value */
        g->value_at = 16;
    } else {
        g->entry_size = l->dict_unicode_entry_size;
        g->key_at = 0; /* PyDictUnicodeEntry: me_key, me_value */
        g->value_at = 8;
    }
    return g->entry_size >= 16 && g->entry_size <= 32 ? 0 : -1;
}

/* Visits keys with values taken from `values` (split) or from the entries. */
static int dict_visit_entries(struct remote *mem, const struct layout *l, uint64_t keys,
                              uint64_t values, dict_visit_fn visit, void *ctx)
{
    struct dict_geometry g;
    if (dict_keys_geometry(mem, l, keys, &g) != 0)
        return -1;
    unsigned char chunk[OBJECTS_CHUNK * 32];
    uint64_t slots[OBJECTS_CHUNK];
    for (uint64_t first = 0; first < g.nentries; first += OBJECTS_CHUNK) {
        uint64_t n = g.nentries - first < OBJECTS_CHUNK ? g.nentries - first : OBJECTS_CHUNK;
        if (remote_read(mem, g.entries + first * g.entry_size, chunk, n * g.entry_size) != 0)
            return -1;
        if (values && remote_read(mem, values + first * 8, slots, n * 8) != 0)
            return -1;
        for (uint64_t i = 0; i < n; i++) {
            uint64_t key, value;
            memcpy(&key, chunk + i * g.entry_size + g.key_at, 8);
            if (values)
                value = slots[i];
            else
                memcpy(&value, chunk + i * g.entry_size + g.value_at, 8);
            if (key != 0 && value != 0 && visit(ctx, key, value))
                return 0;
        }
    }
    return 0;
}

int dict_each(struct remote *mem, const struct layout *l, uint64_t dict, dict_visit_fn visit,
              void *ctx)
{
    uint64_t keys, values;
    if (remote_read_ptr(mem, dict + l->dict_keys, &keys) != 0 ||
        remote_read_ptr(mem, dict + l->dict_values, &values) != 0 || keys == 0)
        return -1;
    uint64_t values_array = values ? values + l->dictvalues_values : 0;
    return dict_visit_entries(mem, l, keys, values_array, visit, ctx);
}

/* Names compared here are short ASCII identifiers: one read of the header
 * and as many characters as the name has decides, for a compact ASCII str
 * (every identifier); anything else takes the general path. */
#define OBJECTS_EQUALS_ONE_READ 128

int string_equals(struct remote *mem, const struct layout *l, uint64_t addr, const char *name)
{
    size_t len = strlen(name);
    unsigned char raw[OBJECTS_EQUALS_ONE_READ];
    uint64_t data = l->unicode_ascii_size;
    if (data >= l->unicode_state + 4 && data >= l->unicode_length + 8 &&
        data + len <= sizeof raw && remote_read(mem, addr, raw, data + len) == 0) {
        struct string_header h;
        string_header_decode(l, raw, &h);
        if (!remote_refcount_plausible(h.refcnt))
            return 0;
        int compact_ascii = ((h.state >> l->unicode_compact_shift) & 1u) &&
                            ((h.state >> l->unicode_ascii_shift) & 1u);
        if (compact_ascii)
            return h.length == (int64_t)len && memcmp(raw + data, name, len) == 0;
    }
    char text[256];
    return string_peek(mem, l, addr, text, sizeof text) >= 0 && strcmp(text, name) == 0;
}

struct dict_find {
    struct remote *mem;
    const struct layout *layout;
    const char *name;
    uint64_t found;
    size_t looked;
};

static int dict_find_visit(void *ctx, uint64_t key, uint64_t value)
{
    struct dict_find *find = ctx;
    /* Each key compared costs a read: a garbage dict claiming a million
     * entries would stall the tick for seconds (the fuzzer found it). */
    if (++find->looked > OBJECTS_FIND_MAX_KEYS) {
        remote_cap_hit(find->mem, REMOTE_CAP_CONTAINER);
        return 1;
    }
    if (string_equals(find->mem, find->layout, key, find->name)) {
        find->found = value;
        return 1;
    }
    return 0;
}

uint64_t dict_get_str(struct remote *mem, const struct layout *l, uint64_t dict, const char *name)
{
    struct dict_find find = {mem, l, name, 0, 0};
    if (dict == 0 || dict_each(mem, l, dict, dict_find_visit, &find) != 0)
        return 0;
    return find.found;
}

int long_read(struct remote *mem, const struct layout *l, uint64_t addr, uint64_t *value)
{
    int64_t ndigits;
    int negative;
    if (l->long_kind == LONG_LV_TAG) {
        uint64_t tag;
        if (remote_read_u64(mem, addr + l->long_lv_tag, &tag) != 0)
            return -1;
        ndigits = (int64_t)(tag >> 3); /* 3.12+: sign in the low 2 bits, 2 = negative */
        negative = (tag & 3) == 2;
    } else {
        int64_t size;
        if (remote_read(mem, addr + l->varobject_size, &size, sizeof size) != 0)
            return -1;
        negative = size < 0;
        ndigits = negative ? -size : size;
    }
    int bits = l->long_digit_bits;
    /* At most 3 digits of 30 bits fit the 64-bit values we read (thread idents). */
    if (ndigits < 0 || ndigits > 3 || bits <= 0 || bits > 32 || ndigits * bits > 64 + bits)
        return -1;
    uint32_t digits[4] = {0};
    if (remote_read(mem, addr + l->long_digits, digits, (size_t)ndigits * sizeof digits[0]) != 0)
        return -1;
    uint64_t result = 0;
    for (int64_t i = ndigits - 1; i >= 0; i--)
        result = (result << bits) | digits[i];
    *value = negative ? (uint64_t)0 - result : result;
    return 0;
}

uint64_t module_dict(struct remote *mem, const struct layout *l, uint64_t module)
{
    (void)l;
    uint64_t dict = 0;
    if (remote_read_ptr(mem, module + MODULE_MD_DICT_OFFSET, &dict) != 0)
        return 0;
    return dict;
}

/* Index of str key `name` among the shared keys of a type, or -1. */
/* Attributes of one class looked through (more: not found). */
#define SHARED_KEYS_READ_MAX 256

static int64_t shared_key_index(struct remote *mem, const struct layout *l, uint64_t keys,
                                const char *name)
{
    struct dict_geometry g;
    if (dict_keys_geometry(mem, l, keys, &g) != 0)
        return -1;
    /* The entries in one read (an instance's attributes: a few dozen). */
    unsigned char chunk[SHARED_KEYS_READ_MAX * 32];
    uint64_t n = g.nentries < SHARED_KEYS_READ_MAX ? g.nentries : SHARED_KEYS_READ_MAX;
    if (g.entry_size > 32 || g.key_at + 8 > g.entry_size ||
        remote_read(mem, g.entries, chunk, n * g.entry_size) != 0)
        return -1;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t key;
        memcpy(&key, chunk + i * g.entry_size + g.key_at, sizeof key);
        if (key && string_equals(mem, l, key, name))
            return (int64_t)i;
    }
    return -1;
}

static uint64_t split_value(struct remote *mem, const struct layout *l, uint64_t type,
                            uint64_t values, const char *name)
{
    uint64_t keys;
    if (l->heaptype_cached_keys == LAYOUT_NONE ||
        remote_read_ptr(mem, type + l->heaptype_cached_keys, &keys) != 0 || keys == 0)
        return 0;
    int64_t index = shared_key_index(mem, l, keys, name);
    uint64_t value = 0;
    if (index < 0 ||
        remote_read_ptr(mem, values + l->dictvalues_values + (uint64_t)index * 8, &value) != 0)
        return 0;
    return value;
}

uint64_t instance_attr(struct remote *mem, const struct layout *l, uint64_t obj, const char *name)
{
    uint64_t type;
    if (remote_read_ptr(mem, obj + l->object_type, &type) != 0 || type == 0)
        return 0;
    uint64_t flags = 0;
    if (remote_read_u64(mem, type + l->type_flags, &flags) != 0)
        return 0;
    uint64_t word = 0;
    int kind = l->instance_dict_kind;
    /* 3.11+: a class without a managed dict (a Python subclass of a C type
     * that has its own dict slot, e.g. _GatheringFuture on 3.11-3.12) keeps
     * its dict at tp_dictoffset as before. */
    if (l->type_flag_managed_dict != 0 && !(flags & l->type_flag_managed_dict))
        kind = INSTANCE_DICT_OFFSET;
    switch (kind) {
    case INSTANCE_DICT_OFFSET: {
        int64_t offset;
        if (remote_read(mem, type + l->type_dictoffset, &offset, sizeof offset) != 0 ||
            offset <= 0 || offset > 4096 || remote_read_ptr(mem, obj + (uint64_t)offset, &word) != 0)
            return 0;
        return dict_get_str(mem, l, word, name);
    }
    case INSTANCE_DICT_MANAGED_311: {
        if (remote_read_ptr(mem, obj - 24, &word) != 0)
            return 0;
        if (word != 0)
            return dict_get_str(mem, l, word, name);
        uint64_t values;
        if (remote_read_ptr(mem, obj - 32, &values) != 0 || values == 0)
            return 0;
        return split_value(mem, l, type, values, name);
    }
    case INSTANCE_DICT_MANAGED_312:
        if (remote_read_ptr(mem, obj - 24, &word) != 0 || word == 0)
            return 0;
        if (word & 1) /* tagged: values pointer minus one */
            return split_value(mem, l, type, word + 1, name);
        return dict_get_str(mem, l, word, name);
    case INSTANCE_DICT_INLINE_313:
        if (remote_read_ptr(mem, obj - 24, &word) == 0 && word != 0)
            return dict_get_str(mem, l, word, name);
        if (flags & l->type_flag_inline_values) {
            uint64_t basicsize;
            unsigned char valid;
            if (remote_read_u64(mem, type + l->type_basicsize, &basicsize) != 0 ||
                basicsize > 4096)
                return 0;
            /* PyDictValues header: capacity, size, embedded, valid (3.13+). */
            if (remote_read(mem, obj + basicsize + 3, &valid, 1) != 0 || !valid)
                return 0;
            return split_value(mem, l, type, obj + basicsize, name);
        }
        return 0;
    default:
        return 0;
    }
}
