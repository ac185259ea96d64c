/* lifecycle_tasks.c - the lives of asyncio tasks across snapshots, for the
 * lifecycle checks.
 *
 * Every task snapshot (ten a second under --check-lifecycle) is merged with
 * the previous one by task address (the same address with another coroutine
 * is another task).  Per task we keep:
 *   - its owner: the first task seen awaiting it, else a task seen holding it
 *     in a local variable of a suspended frame (readers/task_frame_refs.c) that
 *     was seen no later than it, else the one task whose code names its
 *     coroutine function (co_names: `create_task(child())`); when the owner ends (done, cancelled, or gone
 *     from the set: finished and freed) while the task stays pending for a
 *     second or more, the task is an orphan;
 *   - its await point: innermost frame, instruction and awaited object; a
 *     point held a second or more is described (chain, awaiters, deadline) and
 *     kept as a stuck-await stretch when the task awaits no other task, the
 *     chain (with every task awaiting it) holds no wait_for, and it is not
 *     asyncio.sleep (which ends by itself);
 *   - whether it was counted as spawned (grouped by coroutine function).
 * Tasks pending while their loop is not running (BaseEventLoop._thread_id is
 * None) and awaited by no task were left behind by a stopped loop.
 * A snapshot cut at --max-tasks is skipped: a task missing from it may just
 * not have been read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../readers/linetable.h"
#include "../readers/objects.h"
#include "lifecycle_watch.h"
#include "sampler_tasks.h"

#define GRACE_NS 1000000000ull       /* an orphan outlives its owner by this much at least */
#define STUCK_MIN_NS 1000000000ull   /* await stretches shorter than this are not kept */
#define YOUNG_NS 1000000000ull       /* ownerless tasks this young make a locals search worthwhile */
#define HOLDER_FRAMES_MAX 4096       /* frames searched for held tasks per snapshot */
#define HOLDINGS_MAX 4096
#define SPAWN_GROUPS 8
#define TEXT_MAX 1024
#define AWAITERS_DEPTH 16
#define LOOPS_MAX 8
#define CREATOR_NAMES 8             /* coroutine functions whose creator is looked for per snapshot */

struct life {
    uint64_t addr, coro;
    uint32_t name;
    uint64_t first_ns;
    int state;
    int spawn_counted, exit_reported, closed;
    int creator_tried; /* its creator was looked for by name (once) */
    uint64_t owner, owner_coro;
    uint32_t owner_name;
    uint64_t owner_end_ns; /* when the owner was first seen ended; 0: alive, or no owner */
    int owner_end;         /* enum lifecycle_end */
    uint64_t await_code, await_obj;
    int64_t await_offset;
    uint64_t await_since_ns, await_last_ns; /* 0: no await point */
    int await_described, await_reportable;
    uint32_t await_where, await_by;
    uint32_t orphan_where; /* its chain when it was found outliving its owner */
};

static struct {
    struct life *lives, *next;
    size_t count, capacity;
    unsigned char *awaiting; /* per task of the snapshot: some task awaits it */
    struct task_holding holdings[HOLDINGS_MAX];
    uint64_t last_ns;
} lt;

static struct life *life_find(uint64_t addr)
{
    size_t lo = 0, hi = lt.count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (lt.lives[mid].addr < addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < lt.count && lt.lives[lo].addr == addr ? &lt.lives[lo] : NULL;
}

static void emit(struct store *store, int kind, uint64_t start, uint64_t duration, uint32_t subject,
                 uint32_t other, uint32_t where, uint64_t value)
{
    struct store_lifecycle_event e = {kind, start, duration, subject, other, where, value};
    store_lifecycle_event(store, &e); /* out of memory: the finding is lost, not the recording */
}

/* The await stretch of life ends at end_ns. */
static void life_close_await(struct store *store, struct life *life, uint64_t end_ns)
{
    if (life->await_since_ns && life->await_reportable && end_ns - life->await_since_ns >= STUCK_MIN_NS)
        emit(store, LIFECYCLE_STUCK_AWAIT, life->await_since_ns, end_ns - life->await_since_ns,
             life->name, life->await_by, life->await_where, 0);
    life->await_since_ns = 0;
    life->await_described = 0;
}

/* life stopped being pending at end_ns (finished, or gone). */
static void life_close(struct store *store, struct life *life, uint64_t end_ns)
{
    if (life->closed)
        return;
    life->closed = 1;
    life_close_await(store, life, end_ns);
    if (life->owner_end_ns && end_ns - life->owner_end_ns >= GRACE_NS)
        emit(store, LIFECYCLE_ORPHAN, life->owner_end_ns, end_ns - life->owner_end_ns, life->name,
             life->owner_name, life->orphan_where, (uint64_t)life->owner_end);
}

static int life_room(size_t count)
{
    if (count <= lt.capacity)
        return 0;
    size_t size = count + 256;
    struct life *lives = realloc(lt.lives, size * sizeof *lives);
    if (!lives)
        return -1;
    lt.lives = lives;
    struct life *next = realloc(lt.next, size * sizeof *next);
    if (!next)
        return -1;
    lt.next = next;
    unsigned char *awaiting = realloc(lt.awaiting, size);
    if (!awaiting)
        return -1;
    lt.awaiting = awaiting;
    lt.capacity = size;
    return 0;
}

/* Merges the snapshot into lt.lives: carried over, new, or ended. */
static void lives_merge(struct store *store, struct task_set *set, uint64_t now)
{
    size_t o = 0;
    uint64_t gone_at = lt.last_ns ? lt.last_ns : now; /* last seen */
    for (size_t i = 0; i < set->count; i++) {
        const struct task_info *t = &set->tasks[i];
        while (o < lt.count && lt.lives[o].addr < t->addr)
            life_close(store, &lt.lives[o++], gone_at);
        struct life *life = &lt.next[i];
        if (o < lt.count && lt.lives[o].addr == t->addr && lt.lives[o].coro == t->coro) {
            *life = lt.lives[o++];
        } else {
            if (o < lt.count && lt.lives[o].addr == t->addr)
                life_close(store, &lt.lives[o++], gone_at); /* address reused */
            memset(life, 0, sizeof *life);
            life->addr = t->addr;
            life->coro = t->coro;
            life->first_ns = now;
            life->name = store_string(store, t->name);
            life->owner_name = life->await_where = life->await_by = life->orphan_where =
                STORE_NO_TASK;
        }
        life->state = t->state;
        if (t->state == TASK_DONE || t->state == TASK_CANCELLED)
            life_close(store, life, now);
    }
    while (o < lt.count)
        life_close(store, &lt.lives[o++], gone_at);
    struct life *swap = lt.lives;
    lt.lives = lt.next;
    lt.next = swap;
    lt.count = set->count;
}

static void life_set_owner(struct life *life, const struct life *owner)
{
    life->owner = owner->addr;
    life->owner_coro = owner->coro;
    life->owner_name = owner->name;
}

/* Owners: the first awaiter seen, else a holder seen no later than the task. */
static void lives_owners(struct target *target, struct task_set *set, uint64_t now)
{
    int young = 0;
    for (size_t i = 0; i < set->count; i++) {
        struct life *life = &lt.lives[i];
        if (life->owner || life->closed)
            continue;
        const struct task_info *t = &set->tasks[i];
        const struct life *owner = t->parent_count ? life_find(t->parents[0]) : NULL;
        if (owner && owner != life)
            life_set_owner(life, owner);
        else
            young |= now - life->first_ns <= YOUNG_NS;
    }
    if (!young)
        return;
    size_t n = task_holders_scan(&target->asyncio, &target->live.base, set, HOLDER_FRAMES_MAX,
                                 lt.holdings, HOLDINGS_MAX);
    for (size_t k = 0; k < n; k++) {
        struct life *held = life_find(lt.holdings[k].held);
        const struct life *holder = life_find(lt.holdings[k].holder);
        if (held && holder && !held->owner && !held->closed && holder->first_ns <= held->first_ns)
            life_set_owner(held, holder);
    }
}

/* How a task that left the set ended: 3.14+ unlinks a task from its list
 * when it finishes, so read it if it is still there (same coroutine). */
static int owner_end_of_gone(struct target *target, const struct life *life)
{
    struct task_info info;
    memset(&info, 0, sizeof info);
    if (task_read_one(&target->asyncio, &target->live.base, life->owner, &info) != 0 ||
        info.coro != life->owner_coro)
        return LIFECYCLE_END_GONE;
    return info.state == TASK_CANCELLED ? LIFECYCLE_END_CANCELLED
           : info.state == TASK_DONE    ? LIFECYCLE_END_DONE
                                        : LIFECYCLE_END_GONE;
}

/* co_names answers, by (code object, name): direct-mapped, a collision recomputes. */
static struct {
    uint64_t code;
    uint32_t name_hash;
    int uses;
} names_cache[1024];

static uint32_t name_hash(const char *name)
{
    uint32_t h = 2166136261u;
    for (; *name; name++)
        h = (h ^ (unsigned char)*name) * 16777619u;
    return h;
}

static int code_uses_name_cached(struct target *target, uint64_t code, const char *name)
{
    uint32_t h = name_hash(name);
    size_t slot = (size_t)((code >> 4) ^ h) & 1023;
    if (names_cache[slot].code != code || names_cache[slot].name_hash != h) {
        names_cache[slot].code = code;
        names_cache[slot].name_hash = h;
        names_cache[slot].uses =
            code_uses_name(&target->live.base, target->asyncio.layout, code, name);
    }
    return names_cache[slot].uses;
}

/* A young task with neither awaiter nor holder (asyncio.create_task(child())
 * kept nowhere, or in a global set): its creator is taken to be the one task,
 * seen no later than it, whose suspended frames' code names its coroutine
 * function (co_names).  Two or more such tasks: no owner rather than a guess. */

/* The plain name of frame f's function ("Worker.run" -> "run"), NULL if unreadable. */
static const char *frame_function(struct target *target, size_t f)
{
    struct code_info *code = sampler_tasks_frame_code(target, f);
    if (!code)
        return NULL;
    const char *dot = strrchr(code->name, '.');
    return dot ? dot + 1 : code->name;
}

/* The coroutine function of task i when its creator is still to be looked for, else NULL. */
static const char *creator_wanted(struct target *target, const struct task_set *set, size_t i,
                                  uint64_t now)
{
    const struct life *life = &lt.lives[i];
    const struct task_info *t = &set->tasks[i];
    if (life->owner || life->closed || life->creator_tried || t->frame_count == 0 ||
        now - life->first_ns > YOUNG_NS)
        return NULL;
    return frame_function(target, t->frame_first + t->frame_count - 1);
}

static void lives_creators(struct target *target, struct task_set *set, uint64_t now)
{
    char names[CREATOR_NAMES][128]; /* copies: a code cache entry may be replaced meanwhile */
    uint64_t seen_by[CREATOR_NAMES]; /* the latest first sighting among its tasks */
    int name_count = 0;
    for (size_t i = 0; i < set->count; i++) {
        const struct life *life = &lt.lives[i];
        const char *bare = creator_wanted(target, set, i, now);
        if (!bare)
            continue;
        int k = 0;
        while (k < name_count && strcmp(names[k], bare) != 0)
            k++;
        if (k == name_count) {
            if (name_count == CREATOR_NAMES)
                continue;
            snprintf(names[name_count], sizeof names[name_count], "%s", bare);
            seen_by[name_count++] = 0;
        }
        if (life->first_ns > seen_by[k])
            seen_by[k] = life->first_ns;
    }
    for (int k = 0; k < name_count; k++) {
        const struct life *creator = NULL;
        int candidates = 0;
        for (size_t c = 0; c < set->count && candidates < 2; c++) {
            const struct task_info *t = &set->tasks[c];
            if (lt.lives[c].first_ns > seen_by[k] || t->frame_count == 0)
                continue;
            for (uint32_t f = 0; f < t->frame_count; f++) {
                const char *own = frame_function(target, t->frame_first + f);
                if (own && strcmp(own, names[k]) == 0)
                    break; /* a task of that same function is not its creator */
                if (code_uses_name_cached(target, set->frames[t->frame_first + f].code, names[k])) {
                    creator = &lt.lives[c];
                    candidates++;
                    break;
                }
            }
        }
        for (size_t i = 0; i < set->count; i++) {
            struct life *life = &lt.lives[i];
            const char *bare = creator_wanted(target, set, i, now);
            if (!bare || strcmp(bare, names[k]) != 0)
                continue;
            life->creator_tried = 1;
            if (candidates == 1 && creator != life && creator->first_ns <= life->first_ns)
                life_set_owner(life, creator);
        }
    }
}

/* Marks owners that ended; a task whose owner ended is an orphan candidate. */
static void lives_owner_ends(struct target *target, uint64_t now)
{
    for (size_t i = 0; i < lt.count; i++) {
        struct life *life = &lt.lives[i];
        if (!life->owner || life->owner_end_ns || life->closed)
            continue;
        const struct life *owner = life_find(life->owner);
        if (owner && owner->coro != life->owner_coro)
            owner = NULL; /* the address holds another task now */
        if (!owner)
            life->owner_end = owner_end_of_gone(target, life);
        else if (owner->state == TASK_DONE)
            life->owner_end = LIFECYCLE_END_DONE;
        else if (owner->state == TASK_CANCELLED)
            life->owner_end = LIFECYCLE_END_CANCELLED;
        else
            continue;
        life->owner_end_ns = now;
    }
}

static int code_is(const struct code_info *code, const char *name, const char *file_suffix)
{
    size_t len = strlen(code->file), suffix = strlen(file_suffix);
    return strcmp(code->name, name) == 0 && len >= suffix &&
           strcmp(code->file + len - suffix, file_suffix) == 0;
}

/* Appends "name (file:line)" of every frame of task t's chain, innermost first. */
static size_t chain_text(struct target *target, struct task_set *set,
                         const struct task_info *t, char *out, size_t cap)
{
    size_t len = 0;
    out[0] = '\0';
    for (uint32_t k = 0; k < t->frame_count && len + 1 < cap; k++) {
        size_t f = t->frame_first + k;
        struct code_info *code = sampler_tasks_frame_code(target, f);
        int line = code ? linetable_line(&code->lines, set->frames[f].offset, code->firstlineno) : 0;
        int n = snprintf(out + len, cap - len, "%s%s (%s:%d)", k ? " <- " : "",
                         code ? code->name : "?", code ? code->file : "?", line);
        if (n < 0)
            break;
        len += (size_t)n < cap - len ? (size_t)n : cap - len - 1;
    }
    return len;
}

/* Does task t's chain, or that of a task awaiting it (transitively), hold a deadline? */
static int chain_has_deadline(struct target *target, struct task_set *set,
                              const struct task_info *t)
{
    for (int depth = 0; t && depth < AWAITERS_DEPTH; depth++) {
        for (uint32_t k = 0; k < t->frame_count; k++) {
            struct code_info *code = sampler_tasks_frame_code(target, t->frame_first + k);
            /* asyncio.wait_for: a coroutine frame while it waits (3.8-3.15) */
            if (code && code_is(code, "wait_for", "tasks.py"))
                return 1;
        }
        if (task_frames_hold_timeout(&target->asyncio, &target->live.base, set, t))
            return 1;
        t = t->parent_count ? task_set_find(set, t->parents[0]) : NULL;
    }
    return 0;
}

static void life_describe(struct target *target, struct store *store, struct task_set *set,
                          size_t i, struct life *life)
{
    const struct task_info *t = &set->tasks[i];
    life->await_described = 1;
    struct code_info *inner = sampler_tasks_frame_code(target, t->frame_first);
    int sleeping = inner && code_is(inner, "sleep", "tasks.py");
    life->await_reportable = !lt.awaiting[i] && !sleeping && !chain_has_deadline(target, set, t);
    char text[TEXT_MAX];
    chain_text(target, set, t, text, sizeof text);
    life->await_where = store_string(store, text);
    life->await_by = STORE_NO_TASK;
    size_t len = 0;
    text[0] = '\0';
    for (uint32_t p = 0; p < t->parent_count && len + 1 < sizeof text; p++) {
        const struct task_info *parent = task_set_find(set, t->parents[p]);
        int n = snprintf(text + len, sizeof text - len, "%s%s", p ? ", " : "",
                         parent ? parent->name : "?");
        if (n > 0)
            len += (size_t)n < sizeof text - len ? (size_t)n : sizeof text - len - 1;
    }
    if (len)
        life->await_by = store_string(store, text);
}

/* Await points: a changed point closes the stretch; one held a second is described. */
static void lives_awaits(struct target *target, struct store *store, struct task_set *set,
                         uint64_t now)
{
    memset(lt.awaiting, 0, set->count);
    for (size_t i = 0; i < set->count; i++)
        for (uint32_t p = 0; p < set->tasks[i].parent_count; p++) {
            const struct task_info *parent =
                task_set_find(set, set->tasks[i].parents[p]);
            if (parent)
                lt.awaiting[parent - set->tasks] = 1;
        }
    for (size_t i = 0; i < set->count; i++) {
        const struct task_info *t = &set->tasks[i];
        struct life *life = &lt.lives[i];
        if (life->closed || t->state != TASK_PENDING || t->frame_count == 0) {
            if (!life->closed && life->await_since_ns)
                life_close_await(store, life, now);
            continue;
        }
        const struct raw_frame *inner = &set->frames[t->frame_first];
        uint64_t obj = t->awaits ? t->awaits : t->waiter;
        if (life->await_since_ns && life->await_code == inner->code &&
            life->await_offset == inner->offset && life->await_obj == obj) {
            life->await_last_ns = now;
        } else {
            life_close_await(store, life, now);
            life->await_code = inner->code;
            life->await_offset = inner->offset;
            life->await_obj = obj;
            life->await_since_ns = life->await_last_ns = now;
        }
        if (!life->await_described && now - life->await_since_ns >= STUCK_MIN_NS)
            life_describe(target, store, set, i, life);
        if (life->owner_end_ns && life->orphan_where == STORE_NO_TASK) {
            char text[TEXT_MAX];
            chain_text(target, set, t, text, sizeof text);
            life->orphan_where = store_string(store, text);
        }
    }
}

/* New tasks, grouped by the coroutine function they run. */
static void lives_spawns(struct target *target, struct store *store, struct task_set *set,
                         uint64_t now)
{
    struct spawn_group {
        uint64_t code;
        uint64_t count;
        uint32_t owner;
    } groups[SPAWN_GROUPS];
    int group_count = 0;
    for (size_t i = 0; i < set->count; i++) {
        const struct task_info *t = &set->tasks[i];
        struct life *life = &lt.lives[i];
        if (life->spawn_counted || t->frame_count == 0)
            continue;
        life->spawn_counted = 1;
        uint64_t code = set->frames[t->frame_first + t->frame_count - 1].code;
        int g = 0;
        while (g < group_count && groups[g].code != code)
            g++;
        if (g == group_count) {
            if (group_count == SPAWN_GROUPS)
                continue;
            groups[group_count++] = (struct spawn_group){code, 0, STORE_NO_TASK};
        }
        groups[g].count++;
        if (life->owner)
            groups[g].owner = life->owner_name;
    }
    for (int g = 0; g < group_count; g++) {
        /* the outermost frame of a task with this code: its coroutine function */
        struct code_info *code = NULL;
        for (size_t i = 0; i < set->count && !code; i++) {
            const struct task_info *t = &set->tasks[i];
            size_t f = t->frame_first + t->frame_count - 1;
            if (t->frame_count && set->frames[f].code == groups[g].code)
                code = sampler_tasks_frame_code(target, f);
        }
        char text[TEXT_MAX];
        snprintf(text, sizeof text, "%s (%s:%d)", code ? code->name : "?", code ? code->file : "?",
                 code ? code->firstlineno : 0);
        emit(store, LIFECYCLE_SPAWN, now, 0, store_string(store, text), groups[g].owner,
             STORE_NO_TASK, groups[g].count);
    }
}

/* Loops seen stopped in the previous snapshot. */
static uint64_t stopped_before[LOOPS_MAX];
static int stopped_before_count;

static int was_stopped_before(uint64_t loop)
{
    for (int i = 0; i < stopped_before_count; i++)
        if (stopped_before[i] == loop)
            return 1;
    return 0;
}

/* Tasks pending on a loop that is not running, in two snapshots in a row (a
 * loop is briefly not running between run_until_complete calls, e.g. while
 * asyncio.run starts and ends), suspended in an await, awaited by no task
 * and with no done callback (asyncio.run's main task has one). */
static void lives_stopped_loops(struct target *target, struct store *store,
                                struct task_set *set, uint64_t now)
{
    struct {
        uint64_t loop;
        int running;
    } loops[LOOPS_MAX];
    int loop_count = 0;
    const struct layout *l = target->asyncio.layout;
    for (size_t i = 0; i < set->count; i++) {
        const struct task_info *t = &set->tasks[i];
        struct life *life = &lt.lives[i];
        if (t->state != TASK_PENDING || t->parent_count || life->exit_reported || !t->loop ||
            t->frame_count == 0 || t->callback0 != 0)
            continue;
        int k = 0;
        while (k < loop_count && loops[k].loop != t->loop)
            k++;
        if (k == loop_count) {
            if (loop_count == LOOPS_MAX)
                continue;
            /* BaseEventLoop._thread_id: the running thread's ident, None when stopped */
            uint64_t attr = instance_attr(&target->live.base, l, t->loop, "_thread_id"), ident = 0;
            loops[k].loop = t->loop;
            loops[k].running = attr == 0 || (long_read(&target->live.base, l, attr, &ident) == 0 &&
                                             ident != 0);
            loop_count++;
        }
        if (loops[k].running || !was_stopped_before(t->loop))
            continue;
        char text[TEXT_MAX];
        chain_text(target, set, t, text, sizeof text);
        life->exit_reported = 1;
        emit(store, LIFECYCLE_EXIT_TASK, now, 0, life->name, STORE_NO_TASK,
             store_string(store, text), 0);
    }
    stopped_before_count = 0;
    for (int k = 0; k < loop_count; k++)
        if (!loops[k].running)
            stopped_before[stopped_before_count++] = loops[k].loop;
}

void lifecycle_watch_snapshot(struct target *target, struct store *store, uint64_t now_ns)
{
    struct task_set *set = &target->task_set;
    if (set->capped || life_room(set->count + 1) != 0) /* + 1: never empty arrays */
        return;
    sampler_tasks_read_codes(target);
    lives_merge(store, set, now_ns);
    lives_owners(target, set, now_ns);
    lives_creators(target, set, now_ns);
    lives_owner_ends(target, now_ns);
    lives_awaits(target, store, set, now_ns);
    lives_spawns(target, store, set, now_ns);
    lives_stopped_loops(target, store, set, now_ns);
    lt.last_ns = now_ns;
}

void lifecycle_tasks_finish(struct store *store, uint64_t end_ns)
{
    for (size_t i = 0; i < lt.count; i++)
        if (!lt.lives[i].closed && lt.lives[i].state == TASK_PENDING) {
            /* still open at the end: the stretch and the orphan run to the end */
            struct life *life = &lt.lives[i];
            if (life->await_since_ns)
                life_close_await(store, life, end_ns);
            if (life->owner_end_ns && end_ns - life->owner_end_ns >= GRACE_NS)
                emit(store, LIFECYCLE_ORPHAN, life->owner_end_ns, end_ns - life->owner_end_ns,
                     life->name, life->owner_name, life->orphan_where, (uint64_t)life->owner_end);
            life->closed = 1;
        }
    free(lt.lives);
    free(lt.next);
    free(lt.awaiting);
    memset(&lt, 0, sizeof lt);
}
