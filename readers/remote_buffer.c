/* remote_buffer.c - "target memory" made of captured or crafted buffers.
 *
 * Used by unit tests and the fuzzer: a read succeeds only when it lies
 * entirely inside one region, like a read of a live process fails on an
 * unmapped page. */
#include "remote.h"

#include <string.h>

static int remote_buffer_read(struct remote *self, uint64_t addr, void *buf, size_t len)
{
    struct remote_buffer *buffer = (struct remote_buffer *)self;
    self->read_calls++;
    for (size_t i = 0; i < buffer->region_count; i++) {
        const struct remote_region *region = &buffer->regions[i];
        if (addr >= region->addr && len <= region->len &&
            addr - region->addr <= region->len - len) {
            memcpy(buf, region->data + (addr - region->addr), len);
            return 0;
        }
    }
    self->read_failures++;
    return -1;
}

void remote_buffer_init(struct remote_buffer *buffer, const struct remote_region *regions,
                        size_t count)
{
    buffer->base.read = remote_buffer_read;
    buffer->base.read_batch = NULL;
    buffer->base.read_calls = 0;
    buffer->base.read_failures = 0;
    memset(buffer->base.caps_hit, 0, sizeof buffer->base.caps_hit);
    buffer->base.tally = NULL;
    buffer->regions = regions;
    buffer->region_count = count;
}
