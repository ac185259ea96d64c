/* remote.h - the one door through which readers see target memory.
 *
 * Every reader reads the target through `struct remote`: read N bytes at
 * address A, all or nothing.  One implementation reads a live process with
 * process_vm_readv (remote_live.c); another reads a set of captured buffers
 * (remote_buffer.c), so readers can be unit-tested and fuzzed on crafted
 * memory without a live target.  A failed read is a normal event (the target
 * changes under us): callers drop what they were reading, never crash. */
#ifndef PYCONC_READERS_REMOTE_H
#define PYCONC_READERS_REMOTE_H

#include <stddef.h>
#include <stdint.h>

/* One read of a batch: filled by remote_read_batch. */
struct remote_request {
    uint64_t addr;
    void *buf;
    size_t len;
    int ok; /* 1 when buf holds the len bytes at addr */
};

/* The caps a reader can hit on hostile memory (README, "Reliability").  A
 * hit is not an error: the reader keeps what fits, marks it where the user
 * sees it ("..." after a cut string) and counts it for the summary line. */
enum remote_cap {
    REMOTE_CAP_THREADS,     /* thread states past the per-tick cap, not sampled */
    REMOTE_CAP_STRING,      /* strings cut at STRING_MAX_CHARS */
    REMOTE_CAP_LINETABLE,   /* line tables claiming over 1 MiB (or torn): line unknown */
    REMOTE_CAP_CONTAINER,   /* dicts, lists, sets too big to walk */
    REMOTE_CAP_TASK_CHAIN,  /* await chains cut at TASK_CHAIN_MAX coroutines */
    REMOTE_CAP_TASK_LIST,   /* task list walks stopped at their link cap */
    REMOTE_CAP_COUNT
};

struct remote {
    /* Reads exactly len bytes at addr into buf; returns 0, or -1 on any failure. */
    int (*read)(struct remote *self, uint64_t addr, void *buf, size_t len);
    /* Optional: many reads at once (one syscall for a live process).  Sets
     * each request's ok; returns how many succeeded.  NULL: one by one. */
    size_t (*read_batch)(struct remote *self, struct remote_request *requests, size_t count);
    /* Statistics every implementation keeps. */
    uint64_t read_calls;   /* reads attempted */
    uint64_t read_failures;
    /* Caps hit, counted in `tally` (NULL: this remote); a remote layered on
     * another counts into the one underneath, so the owner sees every hit. */
    uint64_t caps_hit[REMOTE_CAP_COUNT];
    struct remote *tally;
};

static inline void remote_cap_hit(struct remote *r, enum remote_cap cap)
{
    struct remote *owner = r->tally ? r->tally : r;
    owner->caps_hit[cap]++;
}

static inline int remote_read(struct remote *r, uint64_t addr, void *buf, size_t len)
{
    if (len == 0)
        return 0;
    /* Null page and kernel half are never valid user addresses. */
    if (addr < 4096 || addr >= (UINT64_C(1) << 47) || len > (UINT64_C(1) << 30) ||
        addr + len > (UINT64_C(1) << 47)) {
        r->read_failures++;
        return -1;
    }
    return r->read(r, addr, buf, len);
}

/* True for an ob_refcnt word a live str, code or frame object could have.
 * A freed object's memory holds the allocator's free-list pointer (or 0)
 * there: a user-space address, in [2^32, 2^48).  Live objects count below
 * 2^32 (immortal ones: UINT_MAX in 3.12-3.13, 3 << 30 in 3.14+), and 3.14+
 * keeps flags in the top 16 bits, which no user-space pointer has. */
static inline int remote_refcount_plausible(uint64_t refcnt)
{
    return refcnt != 0 && (refcnt < (UINT64_C(1) << 32) || refcnt >= (UINT64_C(1) << 48));
}

/* True for an address range a user-space read could ever satisfy. */
static inline int remote_plausible(uint64_t addr, size_t len)
{
    return addr >= 4096 && addr < (UINT64_C(1) << 47) && len <= (UINT64_C(1) << 30) &&
           addr + len <= (UINT64_C(1) << 47);
}

/* Performs every request it can; implausible addresses fail without a syscall
 * and do not split the call (up to REMOTE_BATCH_STASH of them). */
#define REMOTE_BATCH_STASH 16
size_t remote_read_batch(struct remote *r, struct remote_request *requests, size_t count);

static inline int remote_read_u64(struct remote *r, uint64_t addr, uint64_t *out)
{
    return remote_read(r, addr, out, sizeof *out);
}

static inline int remote_read_ptr(struct remote *r, uint64_t addr, uint64_t *out)
{
    return remote_read(r, addr, out, sizeof *out);
}

/* A live process, read with process_vm_readv. */
struct remote_live {
    struct remote base;
    int pid;
};
void remote_live_init(struct remote_live *live, int pid);

/* A window over another remote: one range read ahead in a single call (a
 * thread's frame stack chunk), then reads inside it are served locally.
 * Reads outside it go to the remote underneath. */
#define REMOTE_WINDOW_EXTRAS 8
#define REMOTE_WINDOW_EXTRA_SIZE 256
struct remote_window {
    struct remote base;
    struct remote *under;
    uint64_t addr;
    size_t len; /* 0: no window loaded */
    const unsigned char *data; /* the range: buf, or a buffer the caller owns */
    unsigned char *buf;
    size_t capacity;
    /* Small extra ranges read in the same batch (3.11+: frames outside the
     * chunk last time; <=3.10: every frame object of last tick), as requests
     * the caller owns (valid while the window is used; the failed ones are
     * skipped); and the small reads that missed every range this time. */
    const struct remote_request *extras;
    size_t extra_count;
    size_t extra_next; /* the extra looked at first: walks read them in order */
    size_t missed_count;
    uint64_t missed_addr[REMOTE_WINDOW_EXTRAS];
    size_t missed_len[REMOTE_WINDOW_EXTRAS];
};
void remote_window_init(struct remote_window *window, struct remote *under);
/* Loads [addr, addr+len) (len capped at the window's maximum); 0 or -1. */
int remote_window_load(struct remote_window *window, uint64_t addr, size_t len);
/* The same in two steps, so the window can share a batch with other reads:
 * prepare fills *request, commit takes its outcome.  0 or -1 (no memory). */
int remote_window_prepare(struct remote_window *window, uint64_t addr, size_t len,
                          struct remote_request *request);
void remote_window_commit(struct remote_window *window, const struct remote_request *request);
/* Serves [addr, addr+len) from data, which the caller owns and keeps. */
void remote_window_use(struct remote_window *window, uint64_t addr, const unsigned char *data,
                       size_t len);
void remote_window_clear(struct remote_window *window);
void remote_window_free(struct remote_window *window);

/* Captured memory: a list of (address, bytes) regions; reads outside fail. */
struct remote_region {
    uint64_t addr;
    const unsigned char *data;
    size_t len;
};
struct remote_buffer {
    struct remote base;
    const struct remote_region *regions;
    size_t region_count;
};
void remote_buffer_init(struct remote_buffer *buffer, const struct remote_region *regions,
                        size_t count);

#endif
