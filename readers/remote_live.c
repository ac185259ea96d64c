/* remote_live.c - read a live process's memory with process_vm_readv.
 *
 * process_vm_readv never stops the target and needs only ptrace-read
 * permission.  A read that straddles an unmapped page returns a short count:
 * we treat anything short as a failure, since half a struct is worse than
 * none. */
#include "remote.h"

#include <sys/uio.h>

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

void remote_live_init(struct remote_live *live, int pid)
{
    live->base.read = remote_live_read;
    live->base.read_calls = 0;
    live->base.read_failures = 0;
    live->pid = pid;
}
