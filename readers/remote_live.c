/* remote_live.c - read a live process's memory with process_vm_readv.
 *
 * process_vm_readv never stops the target and needs only ptrace-read
 * permission.  A read that straddles an unmapped page returns a short count:
 * we treat anything short as a failure, since half a struct is worse than
 * none. */
#include "remote.h"

#include <string.h>
#include <sys/uio.h>

/* Requests per process_vm_readv call (IOV_MAX is 1024 on Linux). */
#define REMOTE_LIVE_BATCH 1024

static int remote_live_read(struct remote *self, uint64_t addr, void *buf, size_t len)
{
    struct remote_live *live = (struct remote_live *)self;
    struct iovec local = {.iov_base = buf, .iov_len = len};
    struct iovec remote = {.iov_base = (void *)(uintptr_t)addr, .iov_len = len};
    self->read_calls++;
    ssize_t got = process_vm_readv(live->pid, &local, 1, &remote, 1, 0);
    if (got != (ssize_t)len) {
        self->read_failures++;
        return -1;
    }
    return 0;
}

/* One process_vm_readv for up to IOV_MAX requests.  The kernel stops at the
 * first remote range it cannot read; everything before it is complete, and
 * the rest is retried one by one so one bad pointer fails only its request. */
static size_t remote_live_read_batch(struct remote *self, struct remote_request *requests,
                                     size_t count)
{
    struct remote_live *live = (struct remote_live *)self;
    struct iovec local[REMOTE_LIVE_BATCH], remote[REMOTE_LIVE_BATCH];
    size_t done = 0;
    for (size_t first = 0; first < count;) {
        size_t n = count - first < REMOTE_LIVE_BATCH ? count - first : REMOTE_LIVE_BATCH;
        for (size_t i = 0; i < n; i++) {
            requests[first + i].ok = 0;
            local[i].iov_base = requests[first + i].buf;
            local[i].iov_len = requests[first + i].len;
            remote[i].iov_base = (void *)(uintptr_t)requests[first + i].addr;
            remote[i].iov_len = requests[first + i].len;
        }
        self->read_calls++;
        ssize_t got = process_vm_readv(live->pid, local, n, remote, n, 0);
        size_t complete = 0;
        size_t bytes = got > 0 ? (size_t)got : 0;
        while (complete < n && bytes >= requests[first + complete].len) {
            bytes -= requests[first + complete].len;
            requests[first + complete].ok = 1;
            complete++;
        }
        done += complete;
        if (complete < n) {
            /* The request that stopped the kernel failed; go on after it. */
            self->read_failures++;
            requests[first + complete].ok = 0;
            first += complete + 1;
        } else {
            first += n;
        }
    }
    return done;
}

void remote_live_init(struct remote_live *live, int pid)
{
    live->base.read = remote_live_read;
    live->base.read_batch = remote_live_read_batch;
    live->base.read_calls = 0;
    live->base.read_failures = 0;
    memset(live->base.caps_hit, 0, sizeof live->base.caps_hit);
    live->base.tally = NULL;
    live->pid = pid;
}
