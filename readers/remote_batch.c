/* remote_batch.c - many small reads for the price of one call.
 *
 * On a virtual machine a process_vm_readv costs microseconds whatever its
 * size, so reading the headers of every code object of a stack in one call
 * is the difference between 5 and 50 µs per sample. */
#include "remote.h"

size_t remote_read_batch(struct remote *r, struct remote_request *requests, size_t count)
{
    /* Implausible addresses (0 for "not wanted", garbage) fail here without a
     * syscall; the rest go down as one batch, moved together in place and put
     * back where they were (so one unwanted read does not split the call). */
    size_t kept = 0;
    for (size_t i = 0; i < count; i++) {
        if (remote_plausible(requests[i].addr, requests[i].len)) {
            kept++;
        } else {
            requests[i].ok = 0;
            if (requests[i].addr != 0) /* 0: a request not wanted this time */
                r->read_failures++;
        }
    }
    if (kept == 0)
        return 0;
    if (!r->read_batch) {
        size_t done = 0;
        for (size_t i = 0; i < count; i++) {
            if (!remote_plausible(requests[i].addr, requests[i].len))
                continue;
            requests[i].ok = r->read(r, requests[i].addr, requests[i].buf, requests[i].len) == 0;
            done += (size_t)requests[i].ok;
        }
        return done;
    }
    if (kept == count)
        return r->read_batch(r, requests, count);
    /* Stable partition: plausible requests first, the others after, then undo. */
    struct remote_request stash[REMOTE_BATCH_STASH];
    size_t dropped = count - kept;
    if (dropped > REMOTE_BATCH_STASH) {
        size_t done = 0; /* many holes (garbage): one call per run, as they come */
        for (size_t first = 0; first < count;) {
            if (!remote_plausible(requests[first].addr, requests[first].len)) {
                first++;
                continue;
            }
            size_t end = first + 1;
            while (end < count && remote_plausible(requests[end].addr, requests[end].len))
                end++;
            done += r->read_batch(r, requests + first, end - first);
            first = end;
        }
        return done;
    }
    size_t where[REMOTE_BATCH_STASH];
    size_t to = 0, held = 0;
    for (size_t i = 0; i < count; i++) {
        if (remote_plausible(requests[i].addr, requests[i].len)) {
            requests[to++] = requests[i];
        } else {
            where[held] = i;
            stash[held++] = requests[i];
        }
    }
    size_t done = r->read_batch(r, requests, kept);
    /* Back to the original order: walk from the end, placing held ones. */
    size_t src = kept;
    for (size_t i = count, h = held; i-- > 0;) {
        if (h > 0 && where[h - 1] == i)
            requests[i] = stash[--h];
        else
            requests[i] = requests[--src];
    }
    return done;
}
