/* remote_recorder.c - every successful read of one remote, kept for a snapshot.
 *
 * The recorder slips its own read functions into the remote (keeping the
 * originals to call), so the readers are unchanged.  Reads of the same
 * memory at two moments may differ; the later one wins when regions are
 * merged. */
#include "remote_recorder.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snapshot_format.h"

struct recorded {
    uint64_t addr;
    uint32_t len;
    uint32_t order; /* later reads win */
    unsigned char *data;
};

static struct {
    struct remote *remote;
    int (*read)(struct remote *self, uint64_t addr, void *buf, size_t len);
    size_t (*read_batch)(struct remote *self, struct remote_request *requests, size_t count);
    struct recorded *reads;
    size_t count, capacity;
} recorder;

static void recorder_keep(uint64_t addr, const void *buf, size_t len)
{
    if (len == 0 || len > (1u << 24))
        return;
    if (recorder.count == recorder.capacity) {
        size_t size = recorder.capacity ? recorder.capacity * 2 : 1024;
        struct recorded *bigger = realloc(recorder.reads, size * sizeof *bigger);
        if (!bigger)
            return;
        recorder.reads = bigger;
        recorder.capacity = size;
    }
    unsigned char *data = malloc(len);
    if (!data)
        return;
    memcpy(data, buf, len);
    struct recorded *kept = &recorder.reads[recorder.count];
    kept->addr = addr;
    kept->len = (uint32_t)len;
    kept->order = (uint32_t)recorder.count;
    kept->data = data; /* freed by remote_recorder_save */
    recorder.count++;
}

static int recorder_read(struct remote *self, uint64_t addr, void *buf, size_t len)
{
    int rc = recorder.read(self, addr, buf, len);
    if (rc == 0)
        recorder_keep(addr, buf, len);
    return rc;
}

static size_t recorder_read_batch(struct remote *self, struct remote_request *requests,
                                  size_t count)
{
    size_t done = recorder.read_batch(self, requests, count);
    for (size_t i = 0; i < count; i++)
        if (requests[i].ok)
            recorder_keep(requests[i].addr, requests[i].buf, requests[i].len);
    return done;
}

void remote_recorder_start(struct remote *r)
{
    recorder.remote = r;
    recorder.read = r->read;
    recorder.read_batch = r->read_batch;
    r->read = recorder_read;
    if (r->read_batch)
        r->read_batch = recorder_read_batch;
}

static int by_address(const void *a, const void *b)
{
    const struct recorded *x = a, *y = b;
    if (x->addr != y->addr)
        return x->addr < y->addr ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

static int by_order(const void *a, const void *b)
{
    const struct recorded *x = *(const struct recorded *const *)a;
    const struct recorded *y = *(const struct recorded *const *)b;
    return x->order < y->order ? -1 : x->order > y->order;
}

static void put_le(unsigned char *at, uint64_t value, int bytes)
{
    for (int i = 0; i < bytes; i++)
        at[i] = (unsigned char)(value >> (8 * i));
}

/* Merges overlapping and touching reads into regions, written as they close;
 * within a region the reads are applied oldest first, so the latest read of
 * each byte is what stays.  The count of regions, or -1. */
static int recorder_write(FILE *out)
{
    qsort(recorder.reads, recorder.count, sizeof *recorder.reads, by_address);
    const struct recorded **group = malloc((recorder.count + 1) * sizeof *group);
    if (!group)
        return -1;
    int regions = 0;
    unsigned char head[SNAPSHOT_REGION_HEADER_LEN];
    for (size_t i = 0; i < recorder.count && regions >= 0;) {
        uint64_t start = recorder.reads[i].addr, end = start + recorder.reads[i].len;
        size_t j = i + 1;
        for (; j < recorder.count && recorder.reads[j].addr <= end; j++)
            if (recorder.reads[j].addr + recorder.reads[j].len > end)
                end = recorder.reads[j].addr + recorder.reads[j].len;
        unsigned char *data = end - start <= (1u << 26) ? calloc(1, (size_t)(end - start)) : NULL;
        if (!data) {
            i = j; /* absurd, or no memory: left out */
            continue;
        }
        for (size_t k = i; k < j; k++)
            group[k - i] = &recorder.reads[k];
        qsort(group, j - i, sizeof *group, by_order);
        for (size_t k = 0; k < j - i; k++)
            memcpy(data + (group[k]->addr - start), group[k]->data, group[k]->len);
        put_le(head, start, 8);
        put_le(head + 8, end - start, 4);
        if (fwrite(head, 1, sizeof head, out) != sizeof head ||
            fwrite(data, 1, (size_t)(end - start), out) != (size_t)(end - start))
            regions = -1;
        else
            regions++;
        free(data);
        i = j;
    }
    free(group);
    return regions;
}

int remote_recorder_save(const char *path, int minor, uint64_t runtime, uint64_t interp)
{
    if (recorder.remote) {
        recorder.remote->read = recorder.read;
        recorder.remote->read_batch = recorder.read_batch;
        recorder.remote = NULL;
    }
    FILE *out = fopen(path, "wb");
    if (!out)
        return -1;
    unsigned char head[SNAPSHOT_HEADER_LEN] = {0};
    memcpy(head, SNAPSHOT_MAGIC, SNAPSHOT_MAGIC_LEN);
    head[8] = (unsigned char)minor;
    put_le(head + 16, runtime, 8);
    put_le(head + 24, interp, 8);
    int regions = fwrite(head, 1, sizeof head, out) == sizeof head ? recorder_write(out) : -1;
    if (regions >= 0 && regions <= SNAPSHOT_REGIONS_MAX) {
        unsigned char count[4];
        put_le(count, (uint64_t)regions, 4);
        if (fseek(out, 32, SEEK_SET) != 0 || fwrite(count, 1, 4, out) != 4)
            regions = -1;
    }
    for (size_t k = 0; k < recorder.count; k++)
        free(recorder.reads[k].data);
    free(recorder.reads);
    memset(&recorder, 0, sizeof recorder);
    if (fclose(out) != 0 || regions < 0) {
        errno = errno ? errno : EIO;
        return -1;
    }
    return 0;
}
