/* lifecycle_report_test.c - the lifecycle report on hand-built evidence, part two:
 * leaks and phases (growing series, a pool that warms up, a phase that leaves
 * threads behind each time), hostile input (names with control characters,
 * NULL strings, huge counts), and the writers (colour, text, JSON and the
 * finding mask agree; python3 reads the JSON; errors are reported).
 *
 *     lifecycle_report_test   prints "N passed, N failed", exits 1 on failure */
#include "check.h"
#include "lifecycle_fixture.h"

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
