/* target.c - attach to a Python process and read its threads.
 *
 * Attaching never stops the target: we find the runtime (readers/runtime.c),
 * then every tick read the thread list.  Thread names change rarely and cost
 * many reads, so they are kept in a table read again every second and when
 * a thread we cannot name shows up (at most every 5 ms, less and less often
 * while it stays unnamed); each read reads only new threads and, on the
 * one-a-second read, some of the known ones again in turn (renames). */
#include "target.h"
#include "target_tasks.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../readers/thread_ids.h"
#include "proc_info.h"

#define TARGET_CODE_CACHE_SLOTS 16384
#define TARGET_NAME_REFRESH_NS 1000000000ull
#define TARGET_NAME_MISS_RETRY_NS 5000000ull
/* Known threads whose names the one-a-second read reads again: all of up to
 * 64, else an eighth (a thousand threads: 125 a second, each name within 8 s). */
#define TARGET_NAME_RECHECK_MIN 64
#define TARGET_NAME_RECHECK_SHARE 8

static int target_find_interpreter(struct target *target);

uint64_t monotonic_ns(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec;
}

int target_open(struct target *target, int pid, char *err, size_t err_len)
{
    target->pid = pid;
    target->tid_offset = -1;
    pid_namespace_open(&target->pidns, pid);
    target->name_count = 0;
    target->names_refreshed_ns = 0;
    target->names_retry_ns = TARGET_NAME_MISS_RETRY_NS;
    target->names_active = 0;
    target->thread_count = 0;
    target->code_guess_used = 0;
    target->names = target->names_before = NULL;
    target->names_cursor = target->name_hint = 0;
    target->interp = target->gil = target->interp_age = 0;
    remote_live_init(&target->live, pid);
    remote_window_init(&target->window, &target->live.base);
    target->code_headers = malloc((size_t)FRAMES_MAX_DEPTH * CODE_HEADER_MAX);
    target->code_requests = calloc(FRAMES_MAX_DEPTH, sizeof *target->code_requests);
    target->thread_guess = calloc(1, sizeof *target->thread_guess);
    target->code_guess = calloc(THREADS_GUESS_MAX, sizeof *target->code_guess);
    target->ahead = NULL;
    target->ahead_capacity = 0;
    target->ahead_seen = NULL;
    target->ahead_seen_at = NULL;
    target->ahead_seen_size = 0;
    if (!target->code_headers || !target->code_requests || !target->thread_guess ||
        !target->code_guess) {
        snprintf(err, err_len, "out of memory");
        return RUNTIME_UNREADABLE;
    }
    proc_tasks_init(&target->tasks, pid);
    if (code_cache_init(&target->codes, TARGET_CODE_CACHE_SLOTS) != 0) {
        snprintf(err, err_len, "out of memory");
        return RUNTIME_UNREADABLE;
    }
    target->names = calloc(TARGET_MAX_NAMES, sizeof *target->names);
    target->names_before = calloc(TARGET_MAX_NAMES, sizeof *target->names_before);
    if (!target->names || !target->names_before) {
        snprintf(err, err_len, "out of memory");
        return RUNTIME_UNREADABLE;
    }
    proc_command_line(pid, target->command, sizeof target->command);
    int status = runtime_find(pid, &target->live.base, &target->runtime, err, err_len);
    /* Learn the full version (3.8-3.10: from sys.version) before anything is
     * written: a .pcp header carries it. */
    if (status == RUNTIME_OK)
        target_find_interpreter(target);
    return status;
}

void target_close(struct target *target)
{
    target_tasks_close(target);
    lock_watch_free(&target->locks);
    code_cache_free(&target->codes);
    proc_tasks_close(&target->tasks);
    free(target->names);
    free(target->names_before);
    target->names = target->names_before = NULL;
    remote_window_free(&target->window);
    free(target->code_headers);
    target->code_headers = NULL;
    free(target->code_requests);
    target->code_requests = NULL;
    if (target->thread_guess)
        threads_guess_free(target->thread_guess);
    free(target->thread_guess);
    target->thread_guess = NULL;
    /* only the slots used: touching all of the calloc'd array would fault in megabytes */
    for (size_t i = 0; target->code_guess && i < target->code_guess_used; i++) {
        free(target->code_guess[i].ahead_buf);
        free(target->code_guess[i].header);
        free(target->code_guess[i].legacy);
    }
    free(target->code_guess);
    target->code_guess = NULL;
    free(target->ahead);
    target->ahead = NULL;
    free(target->ahead_seen);
    free(target->ahead_seen_at);
    target->ahead_seen = NULL;
    target->ahead_seen_at = NULL;
}

/* The interpreter and its GIL rarely move (never, without subinterpreters):
 * look them up again only now and then, or after a failed read. */
#define TARGET_INTERP_RECHECK 256
/* 3.12+ makes the GIL (interp->ceval.gil) just after the interpreter, and a
 * command we launch is caught in between in a third of launches: until the GIL
 * is known, look again every few ticks (two reads), or the GIL holder and
 * gil-wait stay unknown for the first 256 ticks. */
#define TARGET_INTERP_RECHECK_NO_GIL 4

static int target_find_interpreter(struct target *target)
{
    struct remote *mem = &target->live.base;
    target->interp = runtime_main_interpreter(mem, &target->runtime);
    target->gil = target->interp ? threads_gil_address(mem, &target->runtime, target->interp) : 0;
    target->interp_age = 0;
    runtime_refine_version(mem, &target->runtime, target->interp);
    return target->interp ? 0 : -1;
}

/* Frames from the innermost back to the start of its chunk lie in one range. */
#define TARGET_CHUNK_MAX (1u << 20)

/* Chunk bytes the frames of a thread at innermost need (3.11+). */
static size_t target_chunk_need(const struct layout *layout, uint64_t chunk, uint64_t innermost)
{
    return (size_t)(innermost - chunk + layout->iframe_size);
}

/* Empties the set of code addresses queued this tick, sized for `slots`
 * threads' guesses.  0 when it cannot be had (then nothing is shared). */
static int target_ahead_seen_reset(struct target *target, size_t slots)
{
    size_t codes = 0;
    for (size_t i = 0; i < slots; i++)
        codes += target->code_guess[i].count;
    size_t size = 64;
    while (size < 2 * codes)
        size *= 2;
    if (size > target->ahead_seen_size) {
        uint64_t *seen = realloc(target->ahead_seen, size * sizeof *seen);
        if (seen)
            target->ahead_seen = seen;
        uint32_t *at = realloc(target->ahead_seen_at, size * sizeof *at);
        if (at)
            target->ahead_seen_at = at;
        if (!seen || !at)
            return 0;
        target->ahead_seen_size = size;
    }
    memset(target->ahead_seen, 0, target->ahead_seen_size * sizeof *target->ahead_seen);
    return 1;
}

/* Where addr's code header is queued this tick: `index` when it is new. */
static uint32_t target_ahead_seen(struct target *target, uint64_t addr, uint32_t index)
{
    size_t mask = target->ahead_seen_size - 1;
    size_t at = (size_t)((addr >> 4) * UINT64_C(0x9e3779b97f4a7c15) >> 32) & mask;
    while (target->ahead_seen[at] != 0) {
        if (target->ahead_seen[at] == addr)
            return target->ahead_seen_at[at];
        at = (at + 1) & mask;
    }
    if (addr != 0) {
        target->ahead_seen[at] = addr;
        target->ahead_seen_at[at] = index;
    }
    return index;
}

/* Queues, for every thread slot of last tick, the reads its walk would make
 * (target_walk_frames) into target->ahead, to ride in the thread list's call. */
static size_t target_plan_ahead(struct target *target)
{
    const struct layout *layout = &target->runtime.layout;
    int legacy = layout->frame_kind == FRAME_OBJECTS; /* <=3.10: frame objects, no chunk */
    if (!legacy && layout->frame_kind != FRAME_INTERPRETER)
        return 0;
    uint64_t header_size = code_cache_header_size(layout);
    size_t frame_size = frames_read_size(layout);
    int headers = layout->interp_code_generation == LAYOUT_NONE; /* 3.14+ needs none */
    size_t slots = target->thread_count < THREADS_GUESS_MAX ? target->thread_count
                                                            : THREADS_GUESS_MAX;
    if (slots * TARGET_AHEAD_PER_SLOT > target->ahead_capacity) {
        size_t room = slots * TARGET_AHEAD_PER_SLOT;
        struct remote_request *bigger = realloc(target->ahead, room * sizeof *bigger);
        if (!bigger)
            return 0;
        target->ahead = bigger;
        target->ahead_capacity = room;
    }
    int dedupe = headers && target_ahead_seen_reset(target, slots);
    int tids = layout->tstate_native_thread_id == LAYOUT_NONE && target->tid_offset >= 0;
    size_t n = 0;
    for (size_t i = 0; i < slots; i++) {
        struct code_guess *guess = &target->code_guess[i];
        guess->ahead = 0;
        guess->tid_ahead = 0;
        if (guess->tstate != target->threads[i].tstate)
            continue;
        if (tids && guess->pthread != 0) {
            guess->tid_ahead = 1;
            guess->tid_at = n;
            target->ahead[n++] = (struct remote_request){
                guess->pthread + (uint64_t)target->tid_offset, &guess->tid, sizeof guess->tid, 0};
        }
        if (headers && !guess->header)
            continue;
        if (legacy && (!guess->legacy || guess->legacy->count == 0 ||
                       frame_size > REMOTE_WINDOW_EXTRA_SIZE))
            continue;
        if (!legacy) {
            if (guess->chunk_used == 0)
                continue;
            size_t len = guess->chunk_used +
                         (guess->chunk_steady ? TARGET_AHEAD_SLACK_STEADY : TARGET_AHEAD_SLACK);
            if (len > TARGET_CHUNK_MAX)
                continue;
            if (len > guess->ahead_capacity) {
                unsigned char *bigger = realloc(guess->ahead_buf, len);
                if (!bigger)
                    continue;
                guess->ahead_buf = bigger;
                guess->ahead_capacity = len;
            }
            guess->ahead_at = n;
            target->ahead[n++] = (struct remote_request){guess->chunk, guess->ahead_buf, len, 0};
        }
        guess->ahead = 1;
        guess->ahead_codes = headers ? guess->count : 0;
        for (size_t c = 0; c < guess->ahead_codes; c++) {
            uint32_t at = dedupe ? target_ahead_seen(target, guess->addr[c], (uint32_t)n)
                                 : (uint32_t)n;
            guess->ahead_code_at[c] = at;
            if (at == n) /* else another slot's read of the same header serves */
                target->ahead[n++] =
                    (struct remote_request){guess->addr[c], guess->header[c], header_size, 0};
        }
        guess->ahead_frames_at = n;
        if (legacy) {
            struct legacy_frames *frames = guess->legacy;
            guess->ahead_frames = frames->count;
            for (size_t f = 0; f < frames->count; f++)
                target->ahead[n++] =
                    (struct remote_request){frames->addr[f], frames->buf[f], frame_size, 0};
        } else {
            guess->ahead_frames = guess->frame_count;
            for (size_t f = 0; f < guess->ahead_frames; f++)
                target->ahead[n++] = (struct remote_request){
                    guess->frame_addr[f], guess->ahead_frame[f], guess->frame_len[f], 0};
        }
    }
    return n;
}

int target_read_threads(struct target *target)
{
    struct remote *mem = &target->live.base;
    unsigned recheck = target->gil ? TARGET_INTERP_RECHECK : TARGET_INTERP_RECHECK_NO_GIL;
    if ((target->interp == 0 || ++target->interp_age > recheck) &&
        target_find_interpreter(target) != 0)
        return -1;
    target->thread_guess->along_count = target_plan_ahead(target); /* may move target->ahead */
    target->thread_guess->along = target->ahead;
    uint64_t generation = 0;
    int count = threads_read_guessing(mem, &target->runtime, target->interp, target->gil,
                                      target->thread_guess, target->threads, TARGET_MAX_THREADS,
                                      &target->gil_holder, &generation);
    /* Entries checked before a code object died must be checked again. */
    target->codes.generation = generation;
    if (count < 0) {
        target->interp = 0; /* look it up again next time */
        return -1;
    }
    target->thread_count = (size_t)count;
    if (target->thread_count > target->code_guess_used)
        target->code_guess_used =
            target->thread_count < THREADS_GUESS_MAX ? target->thread_count : THREADS_GUESS_MAX;
    return 0;
}

/* A code request whose cache entry needs no header (see code_cache_trusted). */
#define TARGET_CODE_TRUSTED 2


/* Last tick's code guess for thread slot index, or NULL. */
static struct code_guess *target_code_guess(struct target *target, size_t index)
{
    if (index >= THREADS_GUESS_MAX)
        return NULL;
    struct code_guess *guess = &target->code_guess[index];
    if (!guess->header && target->runtime.layout.interp_code_generation == LAYOUT_NONE) {
        guess->header = malloc((size_t)TARGET_GUESS_CODES * CODE_HEADER_MAX);
        if (!guess->header)
            return NULL;
    }
    if (guess->tstate != target->threads[index].tstate) {
        guess->tstate = target->threads[index].tstate;
        guess->count = 0;
        guess->frame_count = 0;
        guess->chunk_used = 0;
        guess->chunk_steady = 0;
        guess->ahead = 0;
        if (guess->legacy)
            guess->legacy->count = 0;
    }
    return guess;
}

/* Serves this tick's walk from the reads made ahead for its slot, when the
 * thread's chunk is the one read and its stack fits in what was read
 * (<=3.10, legacy: no chunk, last tick's frame objects). */
static int target_use_ahead(struct target *target, struct code_guess *guess, uint64_t chunk,
                            size_t need, int legacy)
{
    if (!guess || !guess->ahead)
        return 0;
    struct remote_window *window = &target->window;
    if (!legacy) {
        const struct remote_request *read = &target->ahead[guess->ahead_at];
        if (guess->chunk != chunk || !read->ok || need > read->len)
            return 0;
        remote_window_use(window, chunk, read->buf, read->len);
        if (need > window->len)
            return 0;
    }
    /* Code headers: usable only where the generation does not vouch for the cache. */
    size_t codes = target->codes.generation == 0 ? guess->ahead_codes : 0;
    for (size_t i = 0; i < guess->count; i++) {
        if (i < codes)
            guess->request[i] = target->ahead[guess->ahead_code_at[i]];
        else
            guess->request[i].ok = 0;
    }
    window->extras = &target->ahead[guess->ahead_frames_at];
    window->extra_count = guess->ahead_frames;
    return 1;
}

/* Reads now, in one call, what the walk needs that was not read ahead: the
 * chunk (when windowed: its request prepared in requests[0]), last tick's
 * code headers and its frames outside the chunk. */
static void target_read_now(struct target *target, struct code_guess *guess, int windowed,
                            struct remote_request *requests)
{
    uint64_t header_size = code_cache_header_size(&target->runtime.layout);
    struct remote_window *window = &target->window;
    size_t n = windowed ? 1 : 0;
    size_t codes_at = n;
    /* No code headers are needed when the generation says the cache holds. */
    size_t guessed_codes =
        guess && guess->header && target->codes.generation == 0 ? guess->count : 0;
    for (size_t i = 0; i < guessed_codes; i++)
        requests[n++] = (struct remote_request){guess->addr[i], guess->header[i], header_size, 0};
    size_t frames_at = n;
    for (size_t i = 0; windowed && guess && i < guess->frame_count; i++)
        requests[n++] = (struct remote_request){guess->frame_addr[i], guess->ahead_frame[i],
                                                guess->frame_len[i], 0};
    if (n > 0)
        remote_read_batch(&target->live.base, requests, n);
    for (size_t i = 0; guess && i < guess->count; i++) {
        if (i < guessed_codes)
            guess->request[i] = requests[codes_at + i];
        else
            guess->request[i].ok = 0;
    }
    if (windowed) {
        remote_window_commit(window, &requests[0]);
        window->extras = &requests[frames_at];
        window->extra_count = n - frames_at;
    }
}

/* <=3.10: remembers the walk's frame objects, to read them ahead next tick. */
static void target_remember_legacy(struct code_guess *guess, const struct frame_walk *walk)
{
    if (!guess->legacy) {
        guess->legacy = malloc(sizeof *guess->legacy);
        if (!guess->legacy)
            return;
    }
    size_t count = walk->depth < TARGET_LEGACY_FRAMES ? walk->depth : TARGET_LEGACY_FRAMES;
    for (size_t i = 0; i < count; i++)
        guess->legacy->addr[i] = walk->frames[i].addr;
    guess->legacy->count = count;
}

int target_walk_frames(struct target *target, size_t index)
{
    const struct thread_state_info *thread = &target->threads[index];
    const struct layout *layout = &target->runtime.layout;
    struct code_guess *guess = target_code_guess(target, index);
    struct remote_request requests[TARGET_GUESS_CODES + 1 + REMOTE_WINDOW_EXTRAS];
    struct remote_window *window = &target->window;
    remote_window_clear(window);
    uint64_t chunk = thread->datastack_chunk;
    int legacy = layout->frame_kind == FRAME_OBJECTS;
    int windowed = layout->frame_kind == FRAME_INTERPRETER && chunk != 0 &&
                   thread->innermost > chunk && thread->innermost - chunk < TARGET_CHUNK_MAX;
    size_t need = windowed ? target_chunk_need(layout, chunk, thread->innermost) : 0;
    int ahead = (windowed || legacy) && target_use_ahead(target, guess, chunk, need, legacy);
    if (!ahead) {
        windowed = windowed && remote_window_prepare(window, chunk, need, &requests[0]) == 0;
        target_read_now(target, guess, windowed, requests);
    }
    if (guess) {
        guess->ahead = 0;
        guess->chunk = chunk;
        guess->chunk_steady = windowed && guess->chunk_used == need;
        guess->chunk_used = windowed ? need : 0;
    }
    struct remote *mem = windowed || legacy ? &window->base : &target->live.base;
    int rc = frames_walk(mem, layout, thread->innermost, &target->walk);
    if (guess && legacy && rc == 0)
        target_remember_legacy(guess, &target->walk);
    if (guess && windowed) {
        /* Frames that were outside every range: read them ahead next time. */
        if (window->missed_count > 0 || rc != 0) {
            guess->frame_count = window->missed_count;
            memcpy(guess->frame_addr, window->missed_addr, sizeof window->missed_addr);
            memcpy(guess->frame_len, window->missed_len, sizeof window->missed_len);
        }
    }
    remote_window_clear(window);
    return rc;
}

/* Index of addr among the guessed code objects, or -1; `hint` is tried first
 * (a stack that did not change finds each code object at the same place). */
static int target_guess_find(const struct code_guess *guess, uint64_t addr, size_t hint)
{
    if (hint < guess->count && guess->addr[hint] == addr)
        return (int)hint;
    for (size_t i = 0; i < guess->count; i++)
        if (guess->addr[i] == addr)
            return (int)i;
    return -1;
}

void target_prefetch_codes(struct target *target, size_t index)
{
    uint64_t size = code_cache_header_size(&target->runtime.layout);
    struct code_guess *guess = index < THREADS_GUESS_MAX ? &target->code_guess[index] : NULL;
    struct remote_request missing[FRAMES_MAX_DEPTH];
    uint32_t missing_frame[FRAMES_MAX_DEPTH];
    size_t missing_count = 0;
    uint64_t next[TARGET_GUESS_CODES];
    size_t next_count = 0;
    for (uint32_t i = 0; i < target->walk.depth; i++) {
        uint64_t addr = target->walk.frames[i].code;
        struct remote_request *request = &target->code_requests[i];
        int at = guess ? target_guess_find(guess, addr, next_count) : -1;
        if (code_cache_trusted(&target->codes, addr)) {
            *request = (struct remote_request){addr, NULL, 0, TARGET_CODE_TRUSTED};
        } else if (at >= 0 && guess->request[at].ok) {
            *request = guess->request[at];
        } else {
            *request = (struct remote_request){addr, target->code_headers + (size_t)i * CODE_HEADER_MAX,
                                               (size_t)size, 0};
            missing[missing_count] = *request;
            missing_frame[missing_count++] = i;
        }
        /* Next tick's guess: this stack's distinct code objects, innermost first. */
        int seen = 0;
        for (size_t j = 0; j < next_count && !seen; j++)
            seen = next[j] == addr;
        if (!seen && next_count < TARGET_GUESS_CODES)
            next[next_count++] = addr;
    }
    if (missing_count > 0) {
        remote_read_batch(&target->live.base, missing, missing_count);
        for (size_t i = 0; i < missing_count; i++)
            target->code_requests[missing_frame[i]].ok = missing[i].ok;
    }
    if (guess) {
        /* Headers already read stay where they are until the next batch. */
        memcpy(guess->addr, next, next_count * sizeof next[0]);
        guess->count = next_count;
    }
}

struct code_info *target_code(struct target *target, uint32_t index)
{
    const struct remote_request *request = &target->code_requests[index];
    if (request->ok == TARGET_CODE_TRUSTED) {
        /* Trusted when prefetched; still so unless another frame evicted it. */
        struct code_info *info = code_cache_trusted(&target->codes, request->addr);
        return info ? info
                    : code_cache_get(&target->codes, &target->live.base, &target->runtime.layout,
                                     request->addr);
    }
    if (!request->ok)
        return NULL;
    return code_cache_get_with_header(&target->codes, &target->live.base,
                                      &target->runtime.layout, request->addr, request->buf);
}

int target_ready(struct target *target)
{
    return target_read_threads(target) == 0 && target->thread_count > 0;
}

uint64_t target_native_tid(struct target *target, const struct thread_state_info *thread)
{
    if (target->runtime.layout.tstate_native_thread_id != LAYOUT_NONE)
        return pid_namespace_host_tid(&target->pidns, thread->native_tid);
    if (target->tid_offset < 0) {
        uint64_t pthreads[64];
        size_t n = target->thread_count < 64 ? target->thread_count : 64;
        for (size_t i = 0; i < n; i++)
            pthreads[i] = target->threads[i].thread_id;
        target->tid_offset = thread_ids_find_offset(&target->live.base, target->pid, pthreads, n);
        if (target->tid_offset < 0)
            return 0;
    }
    /* Its slot, when thread is one of target->threads (by address: callers
     * may pass a copy, and pointers into two arrays must not be subtracted). */
    uintptr_t at = (uintptr_t)thread, base = (uintptr_t)target->threads;
    size_t index = at >= base && at - base < sizeof target->threads &&
                           (at - base) % sizeof *thread == 0
                       ? (at - base) / sizeof *thread
                       : SIZE_MAX;
    struct code_guess *guess =
        index < target->thread_count && index < THREADS_GUESS_MAX ? &target->code_guess[index] : NULL;
    uint64_t tid;
    if (guess && guess->tid_ahead && guess->pthread == thread->thread_id &&
        target->ahead[guess->tid_at].ok)
        tid = guess->tid > 0 ? (uint64_t)guess->tid : 0;
    else
        tid = thread_ids_native(&target->live.base, target->tid_offset, thread->thread_id);
    if (guess) {
        guess->pthread = thread->thread_id;
        guess->tid_ahead = 0;
    }
    return pid_namespace_host_tid(&target->pidns, tid);
}

static const char *target_lookup_name(struct target *target, uint64_t thread_id)
{
    /* Threads are looked up in the same order every tick: try next to the
     * last one found (either way: the thread list is newest first, the
     * table oldest first) before the whole table. */
    size_t n = target->name_count, hint = target->name_hint;
    const size_t near[3] = {hint, hint + 1, hint - 1}; /* hint - 1 may wrap: then >= n */
    for (int k = 0; k < 3; k++)
        if (near[k] < n && target->names[near[k]].thread_id == thread_id) {
            target->name_hint = near[k];
            return target->names[near[k]].name;
        }
    for (size_t i = 0; i < n; i++)
        if (target->names[i].thread_id == thread_id) {
            target->name_hint = i;
            return target->names[i].name;
        }
    return NULL;
}

int target_thread_daemon(const struct target *target, const struct thread_state_info *thread)
{
    for (size_t i = 0; i < target->name_count; i++)
        if (target->names[i].thread_id == thread->thread_id)
            return target->names[i].daemon;
    return -1;
}

/* /proc/PID/task/TID/comm (15 bytes, set by 3.14+ and by prctl), as a fallback. */
static const char *target_comm_name(struct target *target, uint64_t native_tid, char *buf,
                                    size_t cap)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/task/%llu/comm", target->pid,
             (unsigned long long)native_tid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    ssize_t got = read(fd, buf, cap - 1);
    close(fd);
    if (got <= 0)
        return NULL;
    buf[got] = '\0';
    buf[strcspn(buf, "\n")] = '\0';
    return buf;
}

/* Reads the name table again; `recheck`: also read known names again in turn. */
static void target_refresh_names(struct target *target, uint64_t now, int recheck)
{
    target->names_refreshed_ns = now;
    uint64_t interp = target->interp ? target->interp
                                     : runtime_main_interpreter(&target->live.base, &target->runtime);
    size_t share = target->name_count / TARGET_NAME_RECHECK_SHARE;
    struct thread_names_reuse reuse = {
        target->names, target->name_count,
        recheck ? (share > TARGET_NAME_RECHECK_MIN ? share : TARGET_NAME_RECHECK_MIN) : 0,
        target->names_cursor};
    int count = interp ? thread_names_read(&target->live.base, &target->runtime, interp,
                                           &target->names_active, target->names_before,
                                           TARGET_MAX_NAMES, &reuse)
                       : -1;
    if (count >= 0) {
        struct thread_name *read = target->names_before;
        target->names_before = target->names;
        target->names = read;
        target->name_count = (size_t)count;
        target->names_cursor = reuse.cursor;
    }
}

void target_read_names(struct target *target)
{
    if (target->names_refreshed_ns == 0)
        target_refresh_names(target, monotonic_ns(), 0);
}

const char *target_thread_name(struct target *target, const struct thread_state_info *thread,
                               uint64_t native_tid, int *from_python)
{
    uint64_t now = monotonic_ns();
    uint64_t age = now - target->names_refreshed_ns;
    if (target->names_refreshed_ns == 0 || age > TARGET_NAME_REFRESH_NS)
        target_refresh_names(target, now, 1);
    const char *name = target_lookup_name(target, thread->thread_id);
    /* A thread not (yet) in threading._active: look again soon, then less and
     * less often (a process that never imports threading would otherwise
     * have sys.modules walked every few milliseconds). */
    if (!name && now - target->names_refreshed_ns > target->names_retry_ns) {
        target_refresh_names(target, now, 0);
        name = target_lookup_name(target, thread->thread_id);
        if (name)
            target->names_retry_ns = TARGET_NAME_MISS_RETRY_NS; /* new threads: keep up */
        else if (target->names_retry_ns < TARGET_NAME_REFRESH_NS)
            target->names_retry_ns *= 2;
    }
    *from_python = name != NULL;
    if (name)
        return name;
    /* Not (yet) in threading._active: the kernel's name. */
    static char comm[64];
    if (native_tid != 0 && (uint64_t)target->pid == native_tid)
        return "MainThread";
    if (native_tid != 0 && target_comm_name(target, native_tid, comm, sizeof comm))
        return comm;
    return "Thread";
}
