/* lifecycle_test.c - the lifecycle report on hand-built evidence.
 *
 * A standalone program (no test framework).  Each test builds the evidence a
 * `record --check-lifecycle` run leaves (lifecycle events, task counts,
 * gauges, phases, stacks) by hand and checks what the report concludes: each
 * finding rule of orphans, stuck awaits, fan-out and shutdown fires on the
 * shape it is for and stays quiet on the look-alikes (a steady series, a
 * warm-up that levels off, a semaphore-bounded workload, a clean shutdown,
 * daemon threads, a short await).  lifecycle_report_test.c has the leaks,
 * phases, hostile input and the writers.
 *
 *     lifecycle_test   prints "N passed, N failed", exits 1 on failure */
#include "check.h"
#include "lifecycle_fixture.h"

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

/* ---- fan-out ---------------------------------------------------------------------- */

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
    return check_summary();
}
