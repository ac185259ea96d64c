/* remote_window.c - serve reads from one range read ahead of time.
 *
 * From 3.11 a thread's frames live side by side in its data-stack chunk; one
 * read of the used part of the chunk replaces one read per frame.  The walker
 * does not know: it reads through this window as through any remote. */
#include "remote.h"

#include <stdlib.h>
#include <string.h>

/* Larger windows are not worth one read: fall back to reads per frame. */
#define REMOTE_WINDOW_MAX (1u << 20)

static int remote_window_read(struct remote *self, uint64_t addr, void *buf, size_t len)
{
    struct remote_window *window = (struct remote_window *)self;
    if (window->len > 0 && addr >= window->addr && len <= window->len &&
        addr - window->addr <= window->len - len) {
        memcpy(buf, window->buf + (addr - window->addr), len);
        return 0;
    }
    return remote_read(window->under, addr, buf, len);
}

static size_t remote_window_read_batch(struct remote *self, struct remote_request *requests,
                                       size_t count)
{
    struct remote_window *window = (struct remote_window *)self;
    return remote_read_batch(window->under, requests, count);
}

void remote_window_init(struct remote_window *window, struct remote *under)
{
    memset(window, 0, sizeof *window);
    window->base.read = remote_window_read;
    window->base.read_batch = remote_window_read_batch;
    window->under = under;
}

int remote_window_load(struct remote_window *window, uint64_t addr, size_t len)
{
    window->len = 0;
    if (len > REMOTE_WINDOW_MAX)
        len = REMOTE_WINDOW_MAX;
    if (len > window->capacity) {
        unsigned char *bigger = realloc(window->buf, len);
        if (!bigger)
            return -1;
        window->buf = bigger;
        window->capacity = len;
    }
    if (remote_read(window->under, addr, window->buf, len) != 0)
        return -1;
    window->addr = addr;
    window->len = len;
    return 0;
}

void remote_window_clear(struct remote_window *window)
{
    window->len = 0;
}

void remote_window_free(struct remote_window *window)
{
    free(window->buf);
    window->buf = NULL;
    window->capacity = 0;
    window->len = 0;
}
