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

static int remote_window_inside(uint64_t base, size_t size, uint64_t addr, size_t len)
{
    return size > 0 && addr >= base && len <= size && addr - base <= size - len;
}

static int remote_window_read(struct remote *self, uint64_t addr, void *buf, size_t len)
{
    struct remote_window *window = (struct remote_window *)self;
    if (remote_window_inside(window->addr, window->len, addr, len)) {
        memcpy(buf, window->data + (addr - window->addr), len);
        return 0;
    }
    for (size_t k = 0, n = window->extra_count; k < n; k++) {
        size_t i = (window->extra_next + k) % n;
        const struct remote_request *extra = &window->extras[i];
        if (extra->ok && remote_window_inside(extra->addr, extra->len, addr, len)) {
            memcpy(buf, (const unsigned char *)extra->buf + (addr - extra->addr), len);
            window->extra_next = i + 1;
            return 0;
        }
    }
    if (len <= REMOTE_WINDOW_EXTRA_SIZE && window->missed_count < REMOTE_WINDOW_EXTRAS) {
        window->missed_addr[window->missed_count] = addr;
        window->missed_len[window->missed_count++] = len;
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
    window->base.tally = under->tally ? under->tally : under;
}

int remote_window_prepare(struct remote_window *window, uint64_t addr, size_t len,
                          struct remote_request *request)
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
    *request = (struct remote_request){addr, window->buf, len, 0};
    return 0;
}

void remote_window_commit(struct remote_window *window, const struct remote_request *request)
{
    window->addr = request->addr;
    window->data = window->buf;
    window->len = request->ok ? request->len : 0;
}

void remote_window_use(struct remote_window *window, uint64_t addr, const unsigned char *data,
                       size_t len)
{
    window->addr = addr;
    window->data = data;
    window->len = len > REMOTE_WINDOW_MAX ? REMOTE_WINDOW_MAX : len;
}

int remote_window_load(struct remote_window *window, uint64_t addr, size_t len)
{
    struct remote_request request;
    if (remote_window_prepare(window, addr, len, &request) != 0)
        return -1;
    request.ok = remote_read(window->under, addr, request.buf, request.len) == 0;
    remote_window_commit(window, &request);
    return request.ok ? 0 : -1;
}

void remote_window_clear(struct remote_window *window)
{
    window->len = 0;
    window->extras = NULL;
    window->extra_count = 0;
    window->extra_next = 0;
    window->missed_count = 0;
}

void remote_window_free(struct remote_window *window)
{
    free(window->buf);
    window->buf = NULL;
    window->capacity = 0;
    window->len = 0;
}
