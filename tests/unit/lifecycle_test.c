/* lifecycle_test.c - the lifecycle report on hand-built evidence.
 *
 * A standalone program (no test framework).  Each test builds the evidence a
 * `record --check-lifecycle` run leaves (lifecycle events, task counts,
 * gauges, phases, stacks) by hand and checks what the report concludes: each
 * finding rule fires on the shape it is for and stays quiet on the look-alikes
 * (a steady series, a warm-up that levels off, a semaphore-bounded workload,
 * a clean shutdown, daemon threads, a short await); the text carries the
 * section words the end-to-end tests read; the JSON parses (a small checker
 * here, and python3's json module for the keys) and agrees with the text;
 * hostile names, NULL strings and huge counts go through unharmed.
 *
 *     lifecycle_test   prints "N passed, N failed", exits 1 on failure */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../output/lifecycle.h"

#define MAX_POINTS 256
#define MAX_EVENTS 64
#define MAX_PHASES 32
#define MAX_FRAMES 16
#define MAX_STACKS 16
#define MAX_DEPTH 8
#define NS 1000000000ull

#include "check.h"

/* ---- building evidence ----------------------------------------------------- */

struct built {
    struct profile profile;
    struct profile_task_count counts[MAX_POINTS];
    struct profile_gauge gauges[3 * MAX_POINTS];
    struct profile_lifecycle_event events[MAX_EVENTS];
    struct profile_phase phases[MAX_PHASES];
    struct profile_frame frames[MAX_FRAMES];
    struct profile_thread thread;
    struct profile_stack stacks[MAX_STACKS];
    uint32_t frame_ids[MAX_STACKS][MAX_DEPTH];
};

static struct built *built_new(void)
{
    struct built *b = calloc(1, sizeof *b);

    if (!b)
        abort();
    b->thread = (struct profile_thread){1001, "MainThread"};
    b->profile = (struct profile){.command = "python app.py",
                                  .python_version = "3.12.1",
                                  .pid = 4242,
                                  .duration_s = 10,
                                  .lifecycle = 1,
                                  .task_counts = b->counts,
                                  .gauges = b->gauges,
                                  .lifecycle_events = b->events,
                                  .phases = b->phases,
                                  .frames = b->frames,
                                  .threads = &b->thread,
                                  .thread_count = 1,
                                  .stacks = b->stacks};
    return b;
}

static void built_count(struct built *b, double time_s, uint32_t pending)
{
    if (b->profile.task_count_count == MAX_POINTS)
        abort();
    b->counts[b->profile.task_count_count++] =
        (struct profile_task_count){(uint64_t)(time_s * 1e9), pending, 0, 0};
}

static void built_gauge(struct built *b, double time_s, const char *name, uint64_t value)
{
    if (b->profile.gauge_count == 3 * MAX_POINTS)
        abort();
    b->gauges[b->profile.gauge_count++] =
        (struct profile_gauge){(uint64_t)(time_s * 1e9), name, value};
}

static void built_event(struct built *b, int kind, double start_s, double duration_s,
                        const char *subject, const char *other, const char *where, uint64_t value)
{
    if (b->profile.lifecycle_event_count == MAX_EVENTS)
        abort();
    b->events[b->profile.lifecycle_event_count++] = (struct profile_lifecycle_event){
        kind, (uint64_t)(start_s * 1e9), (uint64_t)(duration_s * 1e9), subject, other, where, value};
}

static void built_phase(struct built *b, double time_s, const char *name)
{
    if (b->profile.phase_count == MAX_PHASES)
        abort();
    b->phases[b->profile.phase_count++] = (struct profile_phase){(uint64_t)(time_s * 1e9), name};
}

static uint32_t built_frame(struct built *b, const char *name, const char *file, int line)
{
    if (b->profile.frame_count == MAX_FRAMES)
        abort();
    b->frames[b->profile.frame_count] = (struct profile_frame){name, file, line};
    return (uint32_t)b->profile.frame_count++;
}

/* A stack of depth frames, outermost first, seen count times. */
static void built_stack(struct built *b, uint64_t count, const uint32_t *frames, uint32_t depth)
{
    size_t i = b->profile.stack_count++;

    if (i == MAX_STACKS || depth > MAX_DEPTH)
        abort();
    memcpy(b->frame_ids[i], frames, depth * sizeof *frames);
    b->stacks[i] = (struct profile_stack){0, depth, b->frame_ids[i], count, STATE_RUNNING, 1, NULL};
    b->profile.samples += count;
}

/* n points a quarter of a second apart from 0 s; value(i) of each. */
static void built_tasks(struct built *b, size_t n, double (*value)(size_t))
{
    for (size_t i = 0; i < n; i++)
        built_count(b, (double)i / 4, (uint32_t)value(i));
}

static void built_gauges(struct built *b, size_t n, const char *name, double (*value)(size_t))
{
    for (size_t i = 0; i < n; i++)
        built_gauge(b, (double)i / 4, name, (uint64_t)value(i));
}

/* ---- running the writers ---------------------------------------------------- */

static const struct lifecycle_options defaults = {10};

/* The text (color 0/1) or the JSON (color -1); "" when the writer failed.  Caller frees. */
static char *render(const struct profile *profile, const struct lifecycle_options *options,
                    int color)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    int rc;

    if (!out)
        abort();
    rc = color < 0 ? lifecycle_json_write(out, profile, options)
                   : lifecycle_text_write(out, profile, options, color);
    if (fclose(out) != 0 || rc != 0) {
        free(text);
        text = strdup("");
        if (!text)
            abort();
    }
    return text;
}

static int has(const char *text, const char *needle)
{
    return strstr(text, needle) != NULL;
}

/* ---- a small JSON checker: the RFC 8259 grammar, nesting bounded ----------- */

static const char *json_value(const char *s, int depth);

static const char *json_space(const char *s)
{
    while (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r')
        s++;
    return s;
}

static const char *json_string(const char *s)
{
    if (*s++ != '"')
        return NULL;
    for (; *s != '"'; s++) {
        if ((unsigned char)*s < 0x20)
            return NULL; /* also the end of the text */
        if (*s == '\\') {
            s++;
            if (*s == 'u') {
                for (int i = 1; i <= 4; i++)
                    if (!strchr("0123456789abcdefABCDEF", s[i]) || !s[i])
                        return NULL;
                s += 4;
            } else if (!*s || !strchr("\"\\/bfnrt", *s)) {
                return NULL;
            }
        }
    }
    return s + 1;
}

static const char *json_number(const char *s)
{
    const char *start = s;
    if (*s == '-')
        s++;
    if (*s == '0')
        s++;
    else if (*s >= '1' && *s <= '9')
        while (*s >= '0' && *s <= '9')
            s++;
    else
        return NULL;
    if (*s == '.') {
        if (*++s < '0' || *s > '9')
            return NULL;
        while (*s >= '0' && *s <= '9')
            s++;
    }
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '+' || *s == '-')
            s++;
        if (*s < '0' || *s > '9')
            return NULL;
        while (*s >= '0' && *s <= '9')
            s++;
    }
    return s > start ? s : NULL;
}

static const char *json_items(const char *s, int depth, char close, int object)
{
    s = json_space(s + 1);
    if (*s == close)
        return s + 1;
    for (;;) {
        if (object) {
            s = json_string(json_space(s));
            if (!s || *(s = json_space(s)) != ':')
                return NULL;
            s++;
        }
        s = json_value(s, depth + 1);
        if (!s)
            return NULL;
        s = json_space(s);
        if (*s == close)
            return s + 1;
        if (*s != ',')
            return NULL;
        s++;
    }
}

static const char *json_value(const char *s, int depth)
{
    if (depth > 64)
        return NULL;
    s = json_space(s);
    if (*s == '{')
        return json_items(s, depth, '}', 1);
    if (*s == '[')
        return json_items(s, depth, ']', 0);
    if (*s == '"')
        return json_string(s);
    if (strncmp(s, "true", 4) == 0 || strncmp(s, "null", 4) == 0)
        return s + 4;
    if (strncmp(s, "false", 5) == 0)
        return s + 5;
    return json_number(s);
}

static int json_valid(const char *text)
{
    const char *end = json_value(text, 0);
    return end && *json_space(end) == '\0';
}

/* python3 runs script with the JSON's path as argv[1]; 1 when it exits 0. */
static int python_accepts(const char *json, const char *script)
{
    char path[] = "/tmp/lifecycle_test_XXXXXX";
    int fd = mkstemp(path);
    FILE *file = fd >= 0 ? fdopen(fd, "w") : NULL;
    const char *python = access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
    char command[4096];
    int ok;

    if (!file)
        return 0;
    fputs(json, file);
    fclose(file);
    snprintf(command, sizeof command, "%s -c '%s' '%s'", python, script, path);
    ok = system(command) == 0;
    unlink(path);
    return ok;
}

/* ---- series shapes (a point every quarter second) --------------------------- */

static double rising_100_per_s(size_t i) { return 3 + 25.0 * (double)i; }
static double steady_50(size_t i) { return 50 + (double)(i % 3); }
static double warm_up_then_steady(size_t i) { return i < 8 ? 25.0 * (double)i : 200; }
static double bounded_by_10(size_t i) { return i == 0 ? 0 : 9 + (double)(i % 2); }
static double threads_leaking(size_t i) { return 1 + (double)i / 2; }
static double threads_pool(size_t i) { return i < 4 ? 1 + (double)i * 2 : 8; }
static double one(size_t i) { return (void)i, 1; }

/* ---- checks parsing ---------------------------------------------------------- */

static void test_checks_parse_names_and_all(void)
{
    unsigned mask = 99;

    check(lifecycle_checks_parse("all", &mask) == 0 && mask == LIFECYCLE_CHECK_ALL,
          "parse: all is every check");
    check(lifecycle_checks_parse("leaks,orphans", &mask) == 0 &&
              mask == (LIFECYCLE_CHECK_LEAKS | LIFECYCLE_CHECK_ORPHANS),
          "parse: two names");
    check(lifecycle_checks_parse("stuck-awaits,shutdown,fan-out", &mask) == 0 &&
              mask == (LIFECYCLE_CHECK_STUCK_AWAITS | LIFECYCLE_CHECK_SHUTDOWN |
                       LIFECYCLE_CHECK_FAN_OUT),
          "parse: the hyphenated names");
    check(lifecycle_checks_parse("leaks,orphans,stuck-awaits,shutdown,fan-out", &mask) == 0 &&
              mask == LIFECYCLE_CHECK_ALL,
          "parse: the five names are all");
    mask = 7;
    check(lifecycle_checks_parse("leaks,bogus", &mask) == -1 && mask == 7,
          "parse: an unknown name is -1 and leaves the mask");
    check(lifecycle_checks_parse("", &mask) == -1, "parse: empty list");
    check(lifecycle_checks_parse("leaks,", &mask) == -1, "parse: empty name after a comma");
    check(lifecycle_checks_parse("leak", &mask) == -1, "parse: a prefix is not a name");
    check(lifecycle_checks_parse("leaksx", &mask) == -1, "parse: a longer word is not a name");
    check(lifecycle_checks_parse(NULL, &mask) == -1, "parse: NULL list");
}

/* ---- no evidence, empty evidence --------------------------------------------- */

static void test_without_lifecycle_evidence_says_how_to_record_it(void)
{
    struct profile profile = {0};
    char *text = render(&profile, &defaults, 0), *json = render(&profile, &defaults, -1);

    check(strcmp(text, "no lifecycle evidence in this recording: record it with "
                       "--check-lifecycle\n") == 0,
          "no evidence: one line of text");
    check(json_valid(json) && has(json, "\"lifecycle\":false") && !has(json, "\"findings\""),
          "no evidence: {\"lifecycle\": false}");
    check(lifecycle_findings(&profile, &defaults) == 0, "no evidence: no findings");
    free(text);
    free(json);
}

static void test_empty_evidence_reports_every_section_with_no_finding(void)
{
    struct profile profile = {.lifecycle = 1}; /* every array NULL, no metadata */
    char *text = render(&profile, NULL, 0), *json = render(&profile, NULL, -1);

    check(has(text, "Lifecycle checks: pid 0, 0.0 s\n") && !has(text, "Python") &&
              !has(text, "command:"),
          "empty: title without version or command");
    check(has(text, "\nOrphaned tasks: no finding\n") &&
              has(text, "\nAwaits with no deadline (>= 10 s): no finding\n") &&
              has(text, "\nUnbounded fan-out: no finding\n") &&
              has(text, "\nShutdown: no finding\n") && has(text, "\nLeaks: no finding\n"),
          "empty: every section title, default threshold 10 s");
    check(has(text, "  the process did not exit during the recording\n"),
          "empty: no SHUTDOWN event, no exit");
    check(has(text, "  threads   not recorded\n") && has(text, "  tasks     not recorded\n"),
          "empty: series not recorded");
    check(has(text, "\nVerdict: no findings (orphans 0, stuck-awaits 0, fan-out 0, shutdown 0, "
                    "leaks 0)\n"),
          "empty: the verdict line");
    check(json_valid(json), "empty: JSON parses");
    check(has(json, "\"lifecycle\":true") && has(json, "\"python_version\":null") &&
              has(json, "\"total\":0") && has(json, "\"orphans\":[]") &&
              has(json, "\"stuck_awaits\":[]") && has(json, "\"fan_out\":[]") &&
              has(json, "\"process_exited\":false") && has(json, "\"main_finished_s\":null") &&
              has(json, "\"threads\":null,\"tasks\":null,\"phases\":[]") &&
              has(json, "\"repeated_phase_growth\":[]"),
          "empty: JSON empty lists and nulls");
    check(lifecycle_findings(&profile, NULL) == 0, "empty: mask 0");
    free(text);
    free(json);
}

/* ---- orphans ------------------------------------------------------------------ */

static void test_orphans_are_one_finding_each(void)
{
    struct built *b = built_new();
    built_event(b, LIFECYCLE_ORPHAN, 1.1, 3.2, "child-worker", "parent-task",
                "spin (app.py:12) <- child (app.py:20)", LIFECYCLE_END_CANCELLED);
    built_event(b, LIFECYCLE_ORPHAN, 2, 1.5, "t2", "p2", NULL, LIFECYCLE_END_GONE);
    built_event(b, LIFECYCLE_ORPHAN, 2, 1.5, "t3", "p3", "x (a.py:1)", LIFECYCLE_END_DONE);
    char *text = render(&b->profile, &defaults, 0), *json = render(&b->profile, &defaults, -1);

    check(has(text, "\nOrphaned tasks: 3 findings\n"), "orphans: three findings");
    check(has(text, "\n  child-worker  pending 3.2 s after its owner parent-task was cancelled "
                    "(at 1.1 s)\n      at spin (app.py:12) <- child (app.py:20)\n"),
          "orphans: the line and its await chain");
    check(has(text, "\n  t2            pending 1.5 s after its owner p2 was finished and freed "
                    "(at 2.0 s)\n  t3 "),
          "orphans: names aligned, no chain line without a chain");
    check(has(text, "owner p3 was finished (at 2.0 s)"), "orphans: a done owner");
    check(json_valid(json), "orphans: JSON parses");
    check(has(json, "{\"task\":\"child-worker\",\"owner\":\"parent-task\",\"owner_end\":"
                    "\"cancelled\",\"owner_end_s\":1.100000,\"outlived_s\":3.200000,\"stack\":"
                    "[\"spin (app.py:12)\",\"child (app.py:20)\"]}"),
          "orphans: JSON entry with the chain split");
    check(has(json, "\"owner_end\":\"gone\"") && has(json, "\"owner_end\":\"done\"") &&
              has(json, "\"stack\":[]"),
          "orphans: JSON end names, empty stack");
    check(has(text, "Verdict: 3 findings (orphans 3, stuck-awaits 0,"), "orphans: verdict");
    check(lifecycle_findings(&b->profile, &defaults) == LIFECYCLE_CHECK_ORPHANS, "orphans: mask");
    free(text);
    free(json);
    free(b);
}

/* ---- stuck awaits --------------------------------------------------------------- */

static void test_stuck_awaits_over_the_threshold_only(void)
{
    struct built *b = built_new();
    built_event(b, LIFECYCLE_STUCK_AWAIT, 3, 12, "reader", "main, supervisor",
                "Queue.get (queues.py:158) <- reader (app.py:7)", 0);
    built_event(b, LIFECYCLE_STUCK_AWAIT, 1, 5, "short", NULL, "x (a.py:1)", 0);
    built_event(b, LIFECYCLE_STUCK_AWAIT, 0, 15, "waiter", NULL, "Event.wait (locks.py:1)", 0);
    built_event(b, LIFECYCLE_STUCK_AWAIT, 16, 11, "waiter", NULL, "Future (app.py:3)", 0);
    char *text = render(&b->profile, NULL, 0), *json = render(&b->profile, NULL, -1);

    check(has(text, "\nAwaits with no deadline (>= 10 s): 3 findings\n"),
          "stuck: three over the default 10 s");
    check(has(text, "\n  reader  waiting 12.0 s since 3.0 s, awaited by main, supervisor\n"
                    "      at Queue.get (queues.py:158) <- reader (app.py:7)\n"),
          "stuck: the line, who awaits, the chain");
    check(has(text, "\n  waiter  waiting 15.0 s since 0.0 s\n") &&
              has(text, "\n  waiter  waiting 11.0 s since 16.0 s\n"),
          "stuck: one task at two await points is two findings");
    check(!has(text, "short"), "stuck: 5 s is under the threshold");
    check(json_valid(json) && has(json, "\"awaited_by\":null") &&
              has(json, "{\"task\":\"reader\",\"since_s\":3.000000,\"waiting_s\":12.000000,"
                        "\"awaited_by\":\"main, supervisor\",\"tasks_here\":1,\"stack\":[\"Queue.get "
                        "(queues.py:158)\",\"reader (app.py:7)\"]}"),
          "stuck: JSON entry");
    free(text);
    free(json);

    struct lifecycle_options low = {2.5};
    text = render(&b->profile, &low, 0);
    check(has(text, "\nAwaits with no deadline (>= 2.5 s): 4 findings\n"),
          "stuck: a lower threshold takes the 5 s one too");
    free(text);

    struct lifecycle_options high = {20};
    text = render(&b->profile, &high, 0);
    check(has(text, "\nAwaits with no deadline (>= 20 s): no finding\n") &&
              lifecycle_findings(&b->profile, &high) == 0,
          "stuck: nothing as long as 20 s");
    free(text);
    free(b);
}

/* ---- fan-out ---------------------------------------------------------------------- */

/* Tasks queued at one await point (a lock, a queue) are one finding: the point,
 * its longest wait and how many tasks waited there; a task seen twice there counts once. */
static void test_stuck_awaits_at_one_point_are_one_finding(void)
{
    struct built *b = built_new();
    const char *lock = "Lock.acquire (locks.py:113) <- work (app.py:18)";
    built_event(b, LIFECYCLE_STUCK_AWAIT, 1, 11, "w1", NULL, lock, 0);
    built_event(b, LIFECYCLE_STUCK_AWAIT, 2, 14, "w2", NULL, lock, 0);
    built_event(b, LIFECYCLE_STUCK_AWAIT, 20, 12, "w2", NULL, lock, 0); /* w2 again */
    built_event(b, LIFECYCLE_STUCK_AWAIT, 3, 13, "w3", NULL, lock, 0);
    built_event(b, LIFECYCLE_STUCK_AWAIT, 0, 20, "lonely", NULL, "wait (app.py:3)", 0);
    char *text = render(&b->profile, &defaults, 0), *json = render(&b->profile, &defaults, -1);

    check(has(text, "\nAwaits with no deadline (>= 10 s): 2 findings\n"),
          "stuck grouping: two await points, two findings");
    check(has(text, "w2      waiting 14.0 s since 2.0 s (3 tasks waited here)\n"),
          "stuck grouping: the longest wait of the point, and three distinct tasks");
    check(json_valid(json) && has(json, "\"task\":\"lonely\"") &&
              has(json, "\"tasks_here\":3") && has(json, "\"tasks_here\":1"),
          "stuck grouping: JSON tasks_here");
    check(strstr(json, "lonely") < strstr(json, "\"task\":\"w2\""),
          "stuck grouping: the longest wait first");
    free(text);
    free(json);
    free(b);
}

static void test_fan_out_fires_on_tasks_growing_faster_than_they_drain(void)
{
    struct built *b = built_new();
    built_tasks(b, 17, rising_100_per_s); /* 3 -> 403 over 4 s */
    built_gauges(b, 17, "executor:ThreadPoolExecutor-0 queue", rising_100_per_s);
    built_gauges(b, 17, "executor:ThreadPoolExecutor-1 queue", steady_50);
    built_event(b, LIFECYCLE_SPAWN, 0.25, 0, "work (app.py:40)", "main", NULL, 900);
    built_event(b, LIFECYCLE_SPAWN, 0.5, 0, "work (app.py:40)", "other", NULL, 50);
    built_event(b, LIFECYCLE_SPAWN, 0.75, 0, "work (app.py:40)", NULL, NULL, 30);
    built_event(b, LIFECYCLE_SPAWN, 0.5, 0, "tick (app.py:5)", NULL, NULL, 3);
    built_event(b, LIFECYCLE_SPAWN, 0.5, 0, "rarest (app.py:11)", "main", NULL, 1);
    built_event(b, LIFECYCLE_SPAWN, 0.5, 0, "rare (app.py:9)", "main", NULL, 1);
    built_event(b, LIFECYCLE_SPAWN, 0.5, 0, NULL, NULL, NULL, 7);
    uint32_t main_f = built_frame(b, "main", "app.py", 1);
    uint32_t producer = built_frame(b, "producer", "app.py", 50);
    uint32_t create = built_frame(b, "create_task", "tasks.py", 400);
    uint32_t group = built_frame(b, "TaskGroup.create_task", "taskgroups.py", 190);
    uint32_t loop_create = built_frame(b, "BaseEventLoop.create_task", "base_events.py", 430);
    uint32_t feeder = built_frame(b, "feeder", "app.py", 60);
    uint32_t submit = built_frame(b, "ThreadPoolExecutor.submit", "thread.py", 160);
    uint32_t not_it = built_frame(b, "create_tasks", "app.py", 70);
    built_stack(b, 50, (const uint32_t[]){main_f, producer, create}, 3);
    built_stack(b, 7, (const uint32_t[]){main_f, group, loop_create}, 3);
    built_stack(b, 9, (const uint32_t[]){create}, 1); /* no outer neighbour */
    built_stack(b, 20, (const uint32_t[]){main_f, feeder, submit}, 3);
    built_stack(b, 99, (const uint32_t[]){main_f, not_it}, 2);
    char *text = render(&b->profile, &defaults, 0), *json = render(&b->profile, &defaults, -1);

    check(has(text, "\nUnbounded fan-out: 2 findings\n"), "fan-out: tasks and one executor");
    check(has(text, "\n  pending tasks                         3 -> 403 (peak 403), +100.0/s\n"),
          "fan-out: the tasks line, aligned to the longest series name");
    check(has(text, "      spawned: work (app.py:40) x 980 (by main)\n"
                    "      spawned: tick (app.py:5) x 3\n"
                    "      spawned: rare (app.py:9) x 1 (by main)\n"),
          "fan-out: top 3 spawned, summed, with the most common owner");
    check(!has(text, "rarest") && !has(text, "spawned: ?"),
          "fan-out: only the top 3, none without a coroutine name");
    check(has(text, "      call site: producer (app.py:50)  (50 samples)\n"
                    "      call site: main (app.py:1)  (7 samples)\n"),
          "fan-out: call sites outside the outermost spawning frame");
    check(has(text, "\n  executor:ThreadPoolExecutor-0 queue   3 -> 403 (peak 403), +100.0/s\n"
                    "      call site: feeder (app.py:60)  (20 samples)\n"),
          "fan-out: the executor with its submit call site");
    check(has(text, "\n  executor:ThreadPoolExecutor-1 queue   steady (50 -> 51, peak 52)\n"),
          "fan-out: a steady executor shown as steady");
    check(!has(text, "create_tasks"), "fan-out: a name that only starts like create_task");
    check(json_valid(json), "fan-out: JSON parses");
    check(has(json, "{\"series\":\"tasks\",\"finding\":true,\"start\":3.000,\"end\":403.000,"
                    "\"peak\":403,\"per_s\":100.000,\"spawned\":[{\"coroutine\":\"work "
                    "(app.py:40)\",\"count\":980,\"owner\":\"main\"},{\"coroutine\":\"tick "
                    "(app.py:5)\",\"count\":3,\"owner\":null},"),
          "fan-out: JSON tasks series");
    check(has(json, "\"call_sites\":[{\"frame\":\"producer (app.py:50)\",\"samples\":50},"),
          "fan-out: JSON call sites");
    check(has(json, "{\"series\":\"executor:ThreadPoolExecutor-1 queue\",\"finding\":false,") &&
              has(json, "\"spawned\":[],\"call_sites\":[{\"frame\":\"feeder (app.py:60)\""),
          "fan-out: JSON executor series");
    int mask = lifecycle_findings(&b->profile, &defaults);
    check(mask >= 0 && (mask & LIFECYCLE_CHECK_FAN_OUT), "fan-out: in the mask");
    free(text);
    free(json);
    free(b);
}

/* The program cancels its backlog as it stops: the fall in its last second
 * is not the queue keeping up. */
static void test_fan_out_still_fires_when_the_backlog_is_dropped_at_exit(void)
{
    struct built *b = built_new();
    built_gauges(b, 17, "executor:slowpool queue", rising_100_per_s);
    built_gauge(b, 4.25, "executor:slowpool queue", 1);
    built_gauge(b, 4.5, "executor:slowpool queue", 0);
    char *text = render(&b->profile, &defaults, 0);
    check(has(text, "\n  executor:slowpool queue   3 -> 403 (peak 403), +100.0/s; fell to 0 in "
                    "the last 0.5 s\n"),
          "fan-out: a fall in the last second is left out");
    free(text);

    built_gauge(b, 6, "executor:slowpool queue", 0); /* the fall lasts 2 s: it drains */
    text = render(&b->profile, &defaults, 0);
    check(has(text, "\nUnbounded fan-out: no finding\n"), "fan-out: a longer fall is draining");
    free(text);
    free(b);
}

/* Shapes that rise but are not unbounded fan-out. */
static void test_fan_out_stays_quiet_on_bounded_shapes(void)
{
    static const struct {
        double (*value)(size_t);
        size_t points;
        const char *what;
        const char *line;
    } shapes[] = {
        {steady_50, 40, "fan-out: a steady series", "steady (50.8 -> 50.8, peak 52)"},
        {warm_up_then_steady, 40, "fan-out: a warm-up that levels off",
         "steady (37.5 -> 200, peak 200)"},
        {bounded_by_10, 40, "fan-out: a semaphore-bounded ~10", "steady (7.2 -> 9.5, peak 10)"},
        {rising_100_per_s, 7, "fan-out: 7 points are too few", "too short to judge"},
        {rising_100_per_s, 8, "fan-out: 8 points over 1.75 s are too short", "too short to judge"},
    };
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        struct built *b = built_new();
        built_tasks(b, shapes[s].points, shapes[s].value);
        char *text = render(&b->profile, &defaults, 0);
        int mask = lifecycle_findings(&b->profile, &defaults);
        check(has(text, "\nUnbounded fan-out: no finding\n") && has(text, shapes[s].line) &&
                  mask >= 0 && !(mask & LIFECYCLE_CHECK_FAN_OUT),
              shapes[s].what);
        free(text);
        free(b);
    }
}

/* ---- shutdown ------------------------------------------------------------------------ */

static void test_shutdown_names_what_held_exit_up(void)
{
    struct built *b = built_new();
    built_event(b, LIFECYCLE_SHUTDOWN, 1, 0.5, NULL, NULL, NULL, 0); /* superseded */
    built_event(b, LIFECYCLE_SHUTDOWN, 3, 2.01, NULL, NULL, NULL, 1);
    built_event(b, LIFECYCLE_EXIT_THREAD, 3, 2, "slow-worker", "ended", "linger (app.py:10)", 1234);
    built_event(b, LIFECYCLE_EXIT_THREAD, 3, 1.5, "ThreadPoolExecutor-0_0", "ended", NULL, 1236);
    built_event(b, LIFECYCLE_EXIT_THREAD, 3, 2, "ticker", "alive", "tick (app.py:3)", 1235);
    built_event(b, LIFECYCLE_EXIT_TASK, 4.9, 0, "forgotten", NULL,
                "sleep (tasks.py:600) <- forgotten (app.py:30)", 0);
    char *text = render(&b->profile, &defaults, 0), *json = render(&b->profile, &defaults, -1);

    check(has(text, "\nShutdown: 3 findings\n"
                    "  main thread finished at 3.0 s; the process exited 2.01 s later\n"
                    "  thread slow-worker (tid 1234) held exit up for 2.00 s\n"
                    "      at linger (app.py:10)\n"
                    "  thread ThreadPoolExecutor-0_0 (tid 1236) held exit up for 1.50 s "
                    "(executor worker)\n"
                    "  task forgotten was left pending by its stopped event loop, awaited by nothing\n"
                    "      at sleep (tasks.py:600) <- forgotten (app.py:30)\n"
                    "  daemon thread ticker (tid 1235) was still running at exit\n"),
          "shutdown: the last SHUTDOWN, threads, the task, daemons as information");
    check(!has(text, "exit took"), "shutdown: a culprit replaces the slow-exit finding");
    check(json_valid(json), "shutdown: JSON parses");
    check(has(json, "\"shutdown\":{\"process_exited\":true,\"main_finished_s\":3.000000,"
                    "\"exit_after_s\":2.010000,\"threads\":[{\"name\":\"slow-worker\",\"tid\":1234,"
                    "\"held_exit\":true,\"for_s\":2.000000,\"executor_worker\":false,\"stack\":"
                    "[\"linger (app.py:10)\"]},"),
          "shutdown: JSON threads");
    check(has(json, "{\"name\":\"ticker\",\"tid\":1235,\"held_exit\":false,") &&
              has(json, "\"executor_worker\":true") &&
              has(json, "\"tasks\":[{\"task\":\"forgotten\",\"stack\":[\"sleep (tasks.py:600)\","
                        "\"forgotten (app.py:30)\"]}]}"),
          "shutdown: JSON daemon and task");
    check(lifecycle_findings(&b->profile, &defaults) == LIFECYCLE_CHECK_SHUTDOWN, "shutdown: mask");
    free(text);
    free(json);
    free(b);
}

static void test_shutdown_slow_exit_with_nothing_to_blame(void)
{
    struct built *b = built_new();
    built_event(b, LIFECYCLE_SHUTDOWN, 3, 1.5, NULL, NULL, NULL, 1);
    built_event(b, LIFECYCLE_EXIT_THREAD, 3, 1.4, "ticker", "alive", NULL, 7);
    char *text = render(&b->profile, &defaults, 0);
    check(has(text, "\nShutdown: 1 finding\n") &&
              has(text, "  exit took 1.50 s after the main thread finished") &&
              has(text, "daemon thread ticker (tid 7) was still running at exit"),
          "shutdown: a 1.5 s exit with only a daemon thread is one finding");
    free(text);
    free(b);
}

static void test_shutdown_quiet_cases(void)
{
    struct built *b = built_new();
    built_event(b, LIFECYCLE_SHUTDOWN, 3, 0.2, NULL, NULL, NULL, 1);
    char *text = render(&b->profile, &defaults, 0);
    check(has(text, "\nShutdown: no finding\n  main thread finished at 3.0 s; the process exited "
                    "0.20 s later\n\n"),
          "shutdown: a clean, quick exit");
    free(text);

    built_event(b, LIFECYCLE_EXIT_THREAD, 3, 0.1, NULL, "alive", NULL, 8);
    text = render(&b->profile, &defaults, 0);
    check(has(text, "\nShutdown: no finding\n") &&
              has(text, "  daemon thread ? (tid 8) was still running at exit\n"),
          "shutdown: daemon threads only are no finding");
    free(text);

    b->events[0].value = 0; /* the recording ended first */
    b->events[0].duration_ns = 30 * NS;
    text = render(&b->profile, &defaults, 0);
    check(has(text, "\nShutdown: no finding\n  main thread finished at 3.0 s; the recording ended "
                    "30.00 s later, before the process exited\n"),
          "shutdown: the recording ended first");
    free(text);

    b->profile.lifecycle_event_count = 0;
    b->profile.target_exited = 1;
    text = render(&b->profile, &defaults, 0);
    char *json = render(&b->profile, &defaults, -1);
    check(has(text, "\nShutdown: no finding\n  the process exited without its main thread being "
                    "seen to finish"),
          "shutdown: exited without a SHUTDOWN event");
    check(has(json, "\"process_exited\":true") && has(json, "\"main_finished_s\":null"),
          "shutdown: without the event, the target's exit still shows");
    free(text);
    free(json);
    free(b);
}

/* ---- leaks ------------------------------------------------------------------------------ */

static void test_leaks_growing_threads_and_tasks(void)
{
    struct built *b = built_new();
    built_gauges(b, 40, "threads", threads_leaking); /* 1 -> 20.5 over 10 s */
    built_tasks(b, 40, rising_100_per_s);
    char *text = render(&b->profile, &defaults, 0), *json = render(&b->profile, &defaults, -1);

    check(has(text, "\nLeaks: 1 finding\n"
                    "  threads   start 1.5, peak 20, end 19.5, +119.1/min, growing\n"
                    "  tasks     start 40.5, peak 978, end 940.5, +6000.0/min, growing "
                    "(counted as the fan-out above)\n"),
          "leaks: both series growing; the task growth is the fan-out finding, counted once");
    check(json_valid(json) &&
              has(json, "\"leaks\":{\"threads\":{\"start\":1.500,\"peak\":20,\"end\":19.500,"
                        "\"per_minute\":119.098,\"growing\":true},\"tasks\":{"),
          "leaks: JSON threads trend");
    int mask = lifecycle_findings(&b->profile, &defaults);
    check(mask == (LIFECYCLE_CHECK_LEAKS | LIFECYCLE_CHECK_FAN_OUT), "leaks: mask with fan-out");
    free(text);
    free(json);
    free(b);
}

static void test_leaks_quiet_on_a_pool_that_warms_up(void)
{
    struct built *b = built_new();
    built_gauges(b, 40, "threads", threads_pool);
    built_tasks(b, 40, warm_up_then_steady);
    char *text = render(&b->profile, &defaults, 0);
    check(has(text, "\nLeaks: no finding\n  threads   start 4, peak 8, end 8, +0.0/min, steady\n"
                    "  tasks     start 37.5, peak 200, end 200, +0.0/min, steady\n"),
          "leaks: warm-up then steady is steady");
    free(text);
    b->profile.gauge_count = 5;
    b->profile.task_count_count = 0;
    text = render(&b->profile, &defaults, 0);
    check(has(text, "  threads   start 1, peak 8, end 8, ") && has(text, "too short to judge\n") &&
              has(text, "  tasks     not recorded\n"),
          "leaks: 5 points are too few for a verdict");
    free(text);
    free(b);
}

/* Each 'request' phase starts three threads that never end (one every half
 * second); the 'idle' phases after them only inherit the count. */
static double threads_per_request(size_t i)
{
    static const double starts[] = {2, 5, 8}, bases[] = {1, 4, 7};
    double t = (double)i / 4;
    for (int k = 2; k >= 0; k--)
        if (t >= starts[k]) {
            double into = t - starts[k];
            return bases[k] + (into >= 0.5) + (into >= 1.0) + (into >= 1.5);
        }
    return 1;
}

static void test_phases_and_repeated_phase_growth(void)
{
    struct built *b = built_new();
    b->profile.duration_s = 10.5;
    built_gauges(b, 42, "threads", threads_per_request);
    built_phase(b, 0, "warmup");
    built_phase(b, 2, "request");
    built_phase(b, 4, "idle");
    built_phase(b, 5, "request");
    built_phase(b, 7, "idle");
    built_phase(b, 8, "request");
    built_phase(b, 10, "");
    char *text = render(&b->profile, &defaults, 0), *json = render(&b->profile, &defaults, -1);

    check(has(text, "  threads grow by 3 per 'request' phase (3 runs; 4 at the end of the first, "
                    "10 at the end of the last)\n"),
          "phases: a repeated phase that adds threads each run is a leak");
    check(has(text, "\n  phase        start   span  threads start/end/peak  tasks start/end/peak\n"
                    "  warmup       0.0 s  2.0 s  1/1/1                   -\n"
                    "  request      2.0 s  2.0 s  1/4/4                   -\n"
                    "  idle         4.0 s  1.0 s  4/4/4                   -\n"
                    "  request      5.0 s  2.0 s  4/7/7                   -\n"
                    "  idle         7.0 s  1.0 s  7/7/7                   -\n"
                    "  request      8.0 s  2.0 s  7/10/10                 -\n"
                    "  (no phase)  10.0 s  0.5 s  10/10/10                -\n"),
          "phases: the table, '-' without task counts, the last to the end");
    check(json_valid(json), "phases: JSON parses");
    check(has(json, "{\"name\":\"request\",\"start_s\":2.000000,\"span_s\":2.000000,\"threads\":"
                    "{\"start\":1,\"end\":4,\"peak\":4},\"tasks\":null}") &&
              has(json, "\"repeated_phase_growth\":[{\"phase\":\"request\",\"series\":\"threads\","
                        "\"growth\":6}]"),
          "phases: JSON rows and growth");
    check(!has(text, "'idle' phase") && !has(text, "'warmup' phase"),
          "phases: phases that only inherit the count, and single runs, are not blamed");
    int mask = lifecycle_findings(&b->profile, &defaults);
    check(mask >= 0 && (mask & LIFECYCLE_CHECK_LEAKS), "phases: growth in the mask");
    free(text);
    free(json);
    free(b);
}

/* ---- hostile input ----------------------------------------------------------------------- */

static void test_names_from_the_target_are_cleaned_and_cut(void)
{
    static char longest[5001];
    memset(longest, 'n', sizeof longest - 1);
    struct built *b = built_new();
    b->profile.command = "python \033[31mevil\n";
    b->profile.python_version = "3.12\x01";
    built_event(b, LIFECYCLE_ORPHAN, 1, 2, "bad\033]0;title\007name", "owner\nwith newline",
                "f (a.py:1)\r\n <- g", 2);
    built_event(b, LIFECYCLE_ORPHAN, 1, 2, longest, "x\xff\xc3y", longest, 9);
    built_event(b, LIFECYCLE_STUCK_AWAIT, 1, 20, "работник", "\t", "\x7f", 0);
    built_event(b, LIFECYCLE_EXIT_TASK, 1, 0, "t\"q\\", NULL, "a \"b\" <- c\\d", 0);
    built_phase(b, 0, "phase\033[2J");
    built_gauges(b, 10, "threads", one);
    char *text = render(&b->profile, &defaults, 0), *json = render(&b->profile, &defaults, -1);

    check(!has(text, "\033") && !has(text, "\007") && !has(text, "\r") && !has(text, "\x7f"),
          "hostile: no control bytes reach the terminal");
    check(has(text, "  command: python ?[31mevil?\n") && has(text, ", Python 3.12?\n"),
          "hostile: command and version cleaned");
    check(has(text, "bad?]0,title?name") == 0 && has(text, "bad?]0;title?name"),
          "hostile: control bytes become '?', other bytes kept");
    check(has(text, "owner owner?with newline was cancelled"), "hostile: a newline in a name");
    check(has(text, "x??y ended (at 1.0 s)"), "hostile: invalid UTF-8 and an unknown end");
    const char *chain = strstr(text, "\n      at nnn");
    check(has(text, "\n  nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn..  pending") && chain &&
              strcspn(chain + 1, "\n") == strlen("      at ") + 400 &&
              strncmp(chain + 1 + strlen("      at ") + 398, "..\n", 3) == 0,
          "hostile: a 5000-character name cut to 40, its chain to 400");
    check(has(text, "  работник  waiting 20.0 s since 1.0 s, awaited by ?\n      at ?\n"),
          "hostile: UTF-8 kept, tab and DEL replaced");
    check(has(text, "(no phase)") == 0 && has(text, "  phase?[2J  "), "hostile: phase name");
    check(json_valid(json), "hostile: JSON parses");
    check(has(json, "\"task\":\"bad\\u001b]0;title\\u0007name\"") &&
              has(json, "\"owner\":\"x\\ufffd\\ufffdy\"") && has(json, "\"owner_end\":\"unknown\"") &&
              has(json, "\"task\":\"t\\\"q\\\\\",\"stack\":[\"a \\\"b\\\"\",\"c\\\\d\"]"),
          "hostile: JSON escapes, U+FFFD, chain split");
    free(text);
    free(json);
    free(b);
}

static void test_null_strings_everywhere(void)
{
    struct built *b = built_new();
    b->profile.command = NULL;
    b->profile.python_version = NULL;
    for (int kind = LIFECYCLE_ORPHAN; kind <= LIFECYCLE_SPAWN; kind++)
        built_event(b, kind, 1, 30, NULL, NULL, NULL, 1);
    built_event(b, 99, 1, 30, NULL, NULL, NULL, 1); /* a kind from a newer sampler */
    built_event(b, -1, 1, 30, NULL, NULL, NULL, 1);
    built_gauge(b, 0, NULL, 5);
    built_phase(b, 0, NULL);
    uint32_t nameless = built_frame(b, NULL, NULL, -1);
    uint32_t submit = built_frame(b, "submit", NULL, -1);
    built_stack(b, 3, (const uint32_t[]){nameless, submit}, 2);
    built_tasks(b, 20, rising_100_per_s);
    built_gauges(b, 20, "executor:P pending", rising_100_per_s);
    char *text = render(&b->profile, &defaults, 0), *json = render(&b->profile, &defaults, -1);

    check(text[0] != '\0' && json_valid(json), "null strings: both writers succeed");
    check(has(text, "\n  ?  pending 30.0 s after its owner ? was finished (at 1.0 s)\n") &&
              has(text, "\n  ?  waiting 30.0 s since 1.0 s\n") &&
              has(text, "\n  thread ? (tid 1) was still running at exit\n") &&
              has(text, "\n  task ? was left pending by its stopped event loop, awaited by nothing\n"),
          "null strings: '?' for every absent name");
    check(!has(text, "spawned:") && has(text, "      call site: ?  (3 samples)\n"),
          "null strings: a spawn without a name is left out; a nameless call site");
    check(has(json, "\"orphans\":[{\"task\":null,\"owner\":null,") &&
              has(json, "\"awaited_by\":null,\"tasks_here\":1,\"stack\":[]") &&
              has(json, "{\"name\":\"\",\"start_s\":0.000000"),
          "null strings: JSON nulls and empty stacks");
    free(text);
    free(json);
    free(b);
}

static void test_huge_counts(void)
{
    struct built *b = built_new();
    for (size_t i = 0; i < 20; i++) {
        built_count(b, (double)i / 4, i % 2 ? UINT32_MAX : 0);
        built_gauge(b, (double)i / 4, "threads", i % 2 ? UINT64_MAX : 0);
        built_gauge(b, (double)i / 4, "executor:X queue", UINT64_MAX - i);
    }
    built_event(b, LIFECYCLE_SPAWN, 1, 0, "w", "o", NULL, UINT64_MAX);
    built_event(b, LIFECYCLE_SPAWN, 2, 0, "w", "o", NULL, UINT64_MAX);
    built_event(b, LIFECYCLE_ORPHAN, 1, 0, "t", "o", NULL, UINT64_MAX);
    b->events[b->profile.lifecycle_event_count - 1].duration_ns = UINT64_MAX;
    b->events[b->profile.lifecycle_event_count - 1].start_ns = UINT64_MAX;
    built_event(b, LIFECYCLE_SHUTDOWN, 1, 0, NULL, NULL, NULL, UINT64_MAX);
    b->events[b->profile.lifecycle_event_count - 1].duration_ns = UINT64_MAX;
    built_phase(b, 0, "a");
    built_phase(b, 1e9, "a"); /* a phase after the last point, far out */
    uint32_t f = built_frame(b, "f", "a.py", 1), s = built_frame(b, "submit", "t.py", 2);
    built_stack(b, UINT64_MAX, (const uint32_t[]){f, s}, 2);
    built_stack(b, UINT64_MAX, (const uint32_t[]){f, s}, 2);
    b->profile.duration_s = 1e300;
    char *text = render(&b->profile, &defaults, 0), *json = render(&b->profile, &defaults, -1);

    check(text[0] != '\0' && json_valid(json), "huge: both writers succeed, JSON parses");
    check(has(json, "\"count\":18446744073709551615") &&
              has(json, "\"samples\":18446744073709551615"),
          "huge: sums saturate instead of wrapping");
    free(text);
    free(json);
    b->profile.duration_s = 0.0 / 0.0; /* NaN */
    json = render(&b->profile, &defaults, -1);
    check(json_valid(json) && has(json, "\"duration_s\":null"), "huge: a NaN duration is null");
    free(json);
    free(b);
}

/* ---- the writers ----------------------------------------------------------------------------- */

/* Orphan, fan-out and leak evidence together, for the tests below. */
static struct built *mixed(void)
{
    struct built *b = built_new();
    built_event(b, LIFECYCLE_ORPHAN, 1.1, 3.2, "child-worker", "parent-task", "spin (app.py:12)", 2);
    built_event(b, LIFECYCLE_STUCK_AWAIT, 1, 3, "brief", NULL, NULL, 0);
    built_event(b, LIFECYCLE_SHUTDOWN, 9, 0.1, NULL, NULL, NULL, 1);
    built_tasks(b, 40, rising_100_per_s);
    built_gauges(b, 40, "threads", threads_pool);
    return b;
}

static void test_color_marks_headings_and_findings(void)
{
    struct built *b = mixed();
    char *plain = render(&b->profile, &defaults, 0), *color = render(&b->profile, &defaults, 1);

    check(!has(plain, "\033"), "color: none when not asked");
    check(has(color, "\033[1mLifecycle checks: pid 4242, 10.0 s, Python 3.12.1\033[0m\n") &&
              has(color, "\n\033[1mOrphaned tasks:\033[0m \033[31m1 finding\033[0m\n") &&
              has(color, "\n\033[1mShutdown:\033[0m no finding\n") &&
              has(color, ", \033[31mgrowing\033[0m (counted as the fan-out above)\n") &&
              has(color, "\n\033[1mVerdict:\033[0m \033[31m2 findings\033[0m (orphans 1,"),
          "color: bold headings, red counts and verdicts");
    free(plain);
    free(color);
    free(b);
}

static void test_text_json_and_mask_agree(void)
{
    struct built *b = mixed();
    char *text = render(&b->profile, &defaults, 0), *json = render(&b->profile, &defaults, -1);

    check(has(text, "\nVerdict: 2 findings (orphans 1, stuck-awaits 0, fan-out 1, shutdown 0, "
                    "leaks 0)\n"),
          "agree: the text verdict (the growing task count is the fan-out, counted once)");
    check(has(json, "\"findings\":{\"orphans\":1,\"stuck-awaits\":0,\"fan-out\":1,\"shutdown\":0,"
                    "\"leaks\":0},\"total\":2,"),
          "agree: the JSON findings");
    check(lifecycle_findings(&b->profile, &defaults) ==
              (LIFECYCLE_CHECK_ORPHANS | LIFECYCLE_CHECK_FAN_OUT),
          "agree: the mask");
    check(python_accepts(json,
                         "import json,sys; d=json.load(open(sys.argv[1])); "
                         "assert set(d)=={\"lifecycle\",\"pid\",\"python_version\",\"duration_s\","
                         "\"stuck_await_s\",\"findings\",\"total\",\"orphans\",\"stuck_awaits\","
                         "\"fan_out\",\"shutdown\",\"leaks\"}; "
                         "assert d[\"lifecycle\"] is True and d[\"pid\"]==4242; "
                         "assert d[\"total\"]==sum(d[\"findings\"].values())==2; "
                         "o=d[\"orphans\"][0]; assert o[\"stack\"]==[\"spin (app.py:12)\"]; "
                         "assert set(o)=={\"task\",\"owner\",\"owner_end\",\"owner_end_s\","
                         "\"outlived_s\",\"stack\"}; "
                         "f=d[\"fan_out\"][0]; assert f[\"series\"]==\"tasks\" and f[\"finding\"]; "
                         "assert set(f)=={\"series\",\"finding\",\"start\",\"end\",\"peak\","
                         "\"per_s\",\"spawned\",\"call_sites\"}; "
                         "s=d[\"shutdown\"]; assert s[\"process_exited\"] is True; "
                         "assert set(s)=={\"process_exited\",\"main_finished_s\",\"exit_after_s\","
                         "\"threads\",\"tasks\"}; "
                         "l=d[\"leaks\"]; assert l[\"tasks\"][\"growing\"] is True; "
                         "assert l[\"threads\"][\"growing\"] is False; "
                         "assert set(l)=={\"threads\",\"tasks\",\"phases\",\"repeated_phase_growth\"}"),
          "agree: python3 reads the JSON and its keys");
    free(text);
    free(json);
    free(b);
}

static void test_errors_are_reported(void)
{
    struct built *b = mixed();
    FILE *full = fopen("/dev/full", "w");

    if (full) {
        errno = 0;
        check(lifecycle_text_write(full, &b->profile, &defaults, 0) == -1 && errno == ENOSPC,
              "errors: text ENOSPC");
        clearerr(full);
        errno = 0;
        check(lifecycle_json_write(full, &b->profile, &defaults) == -1 && errno == ENOSPC,
              "errors: json ENOSPC");
        fclose(full);
    } else {
        check(0, "errors: open /dev/full");
    }
    uint32_t f = built_frame(b, "f", "a.py", 1);
    built_stack(b, 1, (const uint32_t[]){f}, 1);
    b->frame_ids[b->profile.stack_count - 1][0] = 99; /* out of range */
    errno = 0;
    check(lifecycle_findings(&b->profile, &defaults) == -1 && errno == EINVAL,
          "errors: a frame index out of range is EINVAL");
    errno = 0;
    check(lifecycle_json_write(stdout, &b->profile, &defaults) == -1 && errno == EINVAL,
          "errors: the writers reject it too");
    free(b);
}

int main(void)
{
    test_checks_parse_names_and_all();
    test_without_lifecycle_evidence_says_how_to_record_it();
    test_empty_evidence_reports_every_section_with_no_finding();
    test_orphans_are_one_finding_each();
    test_stuck_awaits_over_the_threshold_only();
    test_stuck_awaits_at_one_point_are_one_finding();
    test_fan_out_fires_on_tasks_growing_faster_than_they_drain();
    test_fan_out_still_fires_when_the_backlog_is_dropped_at_exit();
    test_fan_out_stays_quiet_on_bounded_shapes();
    test_shutdown_names_what_held_exit_up();
    test_shutdown_slow_exit_with_nothing_to_blame();
    test_shutdown_quiet_cases();
    test_leaks_growing_threads_and_tasks();
    test_leaks_quiet_on_a_pool_that_warms_up();
    test_phases_and_repeated_phase_growth();
    test_names_from_the_target_are_cleaned_and_cut();
    test_null_strings_everywhere();
    test_huge_counts();
    test_color_marks_headings_and_findings();
    test_text_json_and_mask_agree();
    test_errors_are_reported();
    return check_summary();
}
