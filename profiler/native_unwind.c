/* native_unwind.c - unwind a stopped thread's native stack with libunwind.
 *
 * libunwind's remote unwinder walks the thread's stack with the DWARF unwind
 * tables of each mapped file; the thread must be stopped by us (the
 * sampler's blocking_stop).  Registers come through ptrace (libunwind-ptrace's
 * accessors), but two of its accessors are ours, measured 5-10x faster:
 *  - memory: process_vm_readv of whole 4 KiB pages, kept in two small caches
 *    (the stack's pages for one unwind; pages of read-only file mappings, where
 *    the unwind tables live, for the recording) instead of one PTRACE_PEEKDATA
 *    per word;
 *  - finding a pc's unwind entry: a binary search of the file's .eh_frame_hdr
 *    table right in the target's memory (libunwind's own search), where
 *    libunwind-ptrace maps the file from disk and re-reads /proc/PID/maps
 *    whenever the pc moves to another file.  Files without that table (only
 *    .debug_frame) still go through libunwind-ptrace.
 * A thread's ptrace handle (_UPT_create) is made once and kept. */
#include "native_unwind.h"

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <libunwind-ptrace.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "../readers/elf_file.h"

/* libunwind's search of a remote .eh_frame_hdr table: exported by libunwind
 * (libunwind-ptrace calls it) though not in its public headers; x86-64 name. */
extern int _Ux86_64_dwarf_search_unwind_table(unw_addr_space_t as, unw_word_t ip,
                                              unw_dyn_info_t *di, unw_proc_info_t *pi,
                                              int need_unwind_info, void *arg);

#define NATIVE_MAPS_REREAD_NS 100000000ull

/* The unwind under way: the accessors below get libunwind-ptrace's handle as
 * their argument (so its own accessors can be called), and find ours here. */
static struct native_unwinder *native_current;

static uint64_t native_now_ns(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec;
}

static const struct map_entry *native_map_of(struct native_unwinder *u, uint64_t addr)
{
    for (int pass = 0; pass < 2; pass++) {
        const struct map_entry *found = maps_find(&u->maps, addr);
        if (found)
            return found;
        uint64_t now = native_now_ns();
        struct maps fresh;
        if (pass > 0 || now - u->maps_read_ns < NATIVE_MAPS_REREAD_NS ||
            maps_read(u->pid, &fresh) != 0)
            return NULL;
        u->maps_read_ns = now; /* a library loaded since: read the maps again */
        maps_free(&u->maps);
        u->maps = fresh;
    }
    return NULL;
}

static int native_read(struct native_unwinder *u, uint64_t addr, void *out, size_t len)
{
    struct iovec local = {out, len}, remote = {(void *)(uintptr_t)addr, len};
    u->reads++;
    return process_vm_readv(u->pid, &local, 1, &remote, 1, 0) == (ssize_t)len ? 0 : -1;
}

static struct native_page *native_page_in(struct native_page *pages, size_t count, uint64_t page)
{
    struct native_page *slot = &pages[(page / NATIVE_PAGE_SIZE) % count];
    return slot->addr == page ? slot : NULL;
}

static int native_access_mem(unw_addr_space_t as, unw_word_t addr, unw_word_t *val, int write,
                             void *arg)
{
    (void)as;
    (void)arg;
    struct native_unwinder *u = native_current;
    if (write || !u)
        return -UNW_EINVAL;
    uint64_t page = addr & ~(uint64_t)(NATIVE_PAGE_SIZE - 1);
    if (addr - page > NATIVE_PAGE_SIZE - sizeof *val) /* straddles two pages: read it alone */
        return native_read(u, addr, val, sizeof *val) == 0 ? 0 : -UNW_EINVAL;
    struct native_page *slot = native_page_in(u->stack_pages, NATIVE_STACK_PAGES, page);
    if (!slot)
        slot = native_page_in(u->table_pages, NATIVE_TABLE_PAGES, page);
    if (!slot) {
        /* read-only file mappings (code, unwind tables) do not change: keep them */
        const struct map_entry *map = native_map_of(u, addr);
        int stable = map && map->path && map->path[0] == '/' && map->perms[1] != 'w';
        slot = stable ? &u->table_pages[(page / NATIVE_PAGE_SIZE) % NATIVE_TABLE_PAGES]
                      : &u->stack_pages[(page / NATIVE_PAGE_SIZE) % NATIVE_STACK_PAGES];
        slot->addr = 0;
        if (native_read(u, page, slot->bytes, NATIVE_PAGE_SIZE) != 0)
            /* the page is partly unmapped: just the word */
            return native_read(u, addr, val, sizeof *val) == 0 ? 0 : -UNW_EINVAL;
        slot->addr = page;
    }
    memcpy(val, slot->bytes + (addr - page), sizeof *val);
    return 0;
}

/* Size of a DWARF pointer encoding's value (the ones .eh_frame_hdr uses), 0 unknown. */
static size_t native_encoded_size(unsigned char encoding)
{
    switch (encoding & 0x0f) {
    case 0x03: /* udata4 */
    case 0x0b: /* sdata4 */
        return 4;
    case 0x00: /* absptr */
    case 0x04: /* udata8 */
    case 0x0c: /* sdata8 */
        return 8;
    default:
        return 0;
    }
}

/* The .eh_frame_hdr of the file mapped at map: where it is in the target and
 * how many entries its table has (hdr 0 when unusable). */
static void native_table_read(struct native_unwinder *u, const struct map_entry *map,
                              struct native_table *t)
{
    char on_disk[PATH_MAX + 32];
    snprintf(on_disk, sizeof on_disk, "/proc/%d/root%s", u->pid, map->path);
    int fd = open(on_disk, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        fd = open(map->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || elf_version(EV_CURRENT) == EV_NONE) {
        if (fd >= 0)
            close(fd);
        return;
    }
    Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
    uint64_t vaddr = 0;
    size_t phnum = 0;
    if (elf && elf_getphdrnum(elf, &phnum) == 0)
        for (size_t i = 0; i < phnum; i++) {
            GElf_Phdr ph;
            if (gelf_getphdr(elf, (int)i, &ph) && ph.p_type == PT_GNU_EH_FRAME)
                vaddr = ph.p_vaddr;
        }
    if (elf)
        elf_end(elf);
    close(fd);
    struct elf_info info;
    uint64_t bias;
    unsigned char head[20];
    if (vaddr == 0 || elf_inspect_mapped(u->pid, &u->maps, map->path, &info, &bias) != 0 ||
        native_read(u, bias + vaddr, head, sizeof head) != 0)
        return;
    /* version 1, eh_frame_ptr encoding, fde_count encoding, table encoding
     * (datarel|sdata4: pairs of 32-bit offsets from the header, what
     * libunwind searches), then eh_frame_ptr and fde_count */
    size_t ptr_size = native_encoded_size(head[1]), count_size = native_encoded_size(head[2]);
    if (head[0] != 1 || head[3] != 0x3b || !ptr_size || !count_size || (head[2] & 0x70) != 0)
        return;
    uint64_t count = 0;
    memcpy(&count, head + 4 + ptr_size, count_size); /* little-endian */
    if (count == 0 || count > (1u << 24))
        return;
    t->hdr = bias + vaddr;
    t->fde_count = count;
    t->table = t->hdr + 4 + ptr_size + count_size;
}

static const struct native_table *native_table_of(struct native_unwinder *u,
                                                  const struct map_entry *map)
{
    for (int i = 0; i < u->table_count; i++)
        if (strcmp(u->tables[i].path, map->path) == 0)
            return &u->tables[i];
    if (u->table_count >= NATIVE_TABLE_FILES)
        return NULL;
    struct native_table *t = &u->tables[u->table_count];
    memset(t, 0, sizeof *t);
    if (!(t->path = strdup(map->path)))
        return NULL;
    u->table_count++;
    native_table_read(u, map, t);
    return t;
}

static int native_find_proc_info(unw_addr_space_t as, unw_word_t ip, unw_proc_info_t *pi,
                                 int need_unwind_info, void *arg)
{
    struct native_unwinder *u = native_current;
    const struct map_entry *map = u ? native_map_of(u, ip) : NULL;
    const struct native_table *t =
        map && map->path && map->path[0] == '/' ? native_table_of(u, map) : NULL;
    if (t && t->hdr) {
        unw_dyn_info_t di;
        memset(&di, 0, sizeof di);
        di.start_ip = map->start;
        di.end_ip = map->end;
        di.format = UNW_INFO_FORMAT_REMOTE_TABLE;
        di.u.rti.segbase = t->hdr;
        di.u.rti.table_len = t->fde_count * 8 / sizeof(unw_word_t);
        di.u.rti.table_data = t->table;
        if (_Ux86_64_dwarf_search_unwind_table(as, ip, &di, pi, need_unwind_info, arg) == 0)
            return 0;
    }
    return _UPT_find_proc_info(as, ip, pi, need_unwind_info, arg);
}

int native_unwinder_open(struct native_unwinder *u, int pid)
{
    static unw_accessors_t accessors;
    accessors = _UPT_accessors;
    accessors.find_proc_info = native_find_proc_info;
    accessors.access_mem = native_access_mem;
    accessors.get_proc_name = NULL; /* readers/native_symbols.c names frames */
    memset(u, 0, sizeof *u);
    u->pid = pid;
    u->stack_pages = calloc(NATIVE_STACK_PAGES, sizeof *u->stack_pages);
    u->table_pages = calloc(NATIVE_TABLE_PAGES, sizeof *u->table_pages);
    if (!u->stack_pages || !u->table_pages || maps_read(pid, &u->maps) != 0) {
        native_unwinder_close(u);
        return -1;
    }
    u->maps_read_ns = native_now_ns();
    unw_addr_space_t space = unw_create_addr_space(&accessors, 0);
    if (!space) {
        native_unwinder_close(u);
        return -1;
    }
    unw_set_caching_policy(space, UNW_CACHE_GLOBAL);
    u->space = space;
    return 0;
}

void native_unwinder_close(struct native_unwinder *u)
{
    for (int i = 0; i < u->count; i++)
        _UPT_destroy(u->threads[i].upt);
    free(u->threads);
    if (u->space)
        unw_destroy_addr_space((unw_addr_space_t)u->space);
    for (int i = 0; i < u->table_count; i++)
        free(u->tables[i].path);
    free(u->stack_pages);
    free(u->table_pages);
    maps_free(&u->maps);
    u->stack_pages = u->table_pages = NULL;
    u->table_count = 0;
    u->threads = NULL;
    u->count = 0;
    u->space = NULL;
}

static void *native_thread_handle(struct native_unwinder *u, int tid)
{
    for (int i = 0; i < u->count; i++)
        if (u->threads[i].tid == tid)
            return u->threads[i].upt;
    if (u->count >= NATIVE_MAX_THREADS)
        return NULL;
    if (u->count % 64 == 0) {
        struct native_thread *bigger = realloc(u->threads, (size_t)(u->count + 64) * sizeof *bigger);
        if (!bigger)
            return NULL;
        u->threads = bigger;
    }
    void *upt = _UPT_create(tid);
    if (!upt)
        return NULL;
    u->threads[u->count++] = (struct native_thread){tid, upt};
    return upt;
}

int native_unwind_fault(void)
{
    static long every = -1, calls = 0;
    if (every < 0) {
        const char *value = getenv("PYCONC_NATIVE_FAIL_EVERY");
        every = value && *value ? strtol(value, NULL, 10) : 0;
    }
    return every > 0 && ++calls % every == 0;
}

int native_unwind(struct native_unwinder *u, int tid, uint64_t *ips, uint64_t *sps, int max)
{
    u->unwinds++;
    void *upt = u->space ? native_thread_handle(u, tid) : NULL;
    unw_cursor_t cursor;
    for (int i = 0; i < NATIVE_STACK_PAGES; i++)
        u->stack_pages[i].addr = 0; /* the thread ran since: its stack changed */
    native_current = u;
    if (!upt || native_unwind_fault() ||
        unw_init_remote(&cursor, (unw_addr_space_t)u->space, upt) != 0) {
        native_current = NULL;
        u->failures++;
        return -1;
    }
    int n = 0;
    while (n < max) {
        unw_word_t ip = 0, sp = 0;
        if (unw_get_reg(&cursor, UNW_REG_IP, &ip) != 0 || ip == 0 ||
            unw_get_reg(&cursor, UNW_REG_SP, &sp) != 0)
            break;
        ips[n] = (uint64_t)ip;
        sps[n++] = (uint64_t)sp;
        /* unw_step: > 0 stepped, 0 the outermost frame, < 0 no unwind info / bad stack */
        if (unw_step(&cursor) <= 0)
            break;
    }
    native_current = NULL;
    if (n == 0) {
        u->failures++;
        return -1;
    }
    return n;
}
