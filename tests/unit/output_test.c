/* output_test.c - the collapsed and SVG writers on a hand-built profile.
 *
 * A standalone program (no test framework): it builds a small profile by
 * hand - two threads, one of them named in Cyrillic, nested stacks, names
 * with ';', control characters, XML specials and invalid UTF-8, duplicate
 * frames that must merge, and one stack 5,000 frames deep - then checks
 * the exact collapsed text and the shape of the SVG.  A second profile
 * covers a --subprocesses recording (a parent and a pool of three workers)
 * through collapsed, SVG, diff SVG and the contention report.  With an argument it
 * also saves the SVG there, for an XML parser or a browser to look at.
 *
 *     output_test [SVG_PATH]   prints "N passed, N failed", exits 1 on failure */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../output/contention.h"
#include "../../output/diff.h"
#include "../../output/dump.h"
#include "../../output/frame_text.h"
#include "../../output/profile.h"

#define DEEP_DEPTH 5000

#include "check.h"

static size_t count_occurrences(const char *haystack, const char *needle)
{
    size_t count = 0;
    size_t len = strlen(needle);

    for (const char *p = strstr(haystack, needle); p; p = strstr(p + len, needle))
        count++;
    return count;
}

/* Runs a writer into memory; returns the text (caller frees) or NULL. */
static char *render(int (*writer)(FILE *, const struct profile *), const struct profile *profile)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    int rc;

    if (!out)
        return NULL;
    rc = writer(out, profile);
    if (fclose(out) != 0 || rc != 0) {
        free(text);
        return NULL;
    }
    return text;
}

/* ---- the sample profile ------------------------------------------------ */

static const struct profile_frame sample_frames[] = {
    {"main", "app.py", 10},                          /* 0 */
    {"Worker.run", "worker.py", 42},                 /* 1 */
    {"compute;fast", "calc.py", 7},                  /* 2: ';' in the name */
    {"helper", "calc.py", 0},                        /* 3: line 0 (a module prologue) */
    {"[truncated]", "", 0},                          /* 4: marker, no file */
    {"recurse", "deep.py", 3},                       /* 5: the deep stack */
    {"main", "app.py", 10},                          /* 6: prints like 0 */
    {"bad\nname\t<&>\"'", "we;ird.py", 5},           /* 7: controls, XML specials */
    {"x\xff\xc3y", "x.py", 1},                       /* 8: invalid UTF-8 */
};

static const struct profile_thread sample_threads[] = {
    {1001, "MainThread", 0},
    {1002, "работник-1", 0},
};

static const uint32_t stack_main[] = {0};
static const uint32_t stack_main_worker[] = {0, 1};
static const uint32_t stack_main_worker_dup[] = {6, 1};
static const uint32_t stack_helper[] = {1, 2, 3};
static const uint32_t stack_compute[] = {1, 2};
static const uint32_t stack_truncated[] = {4};
static const uint32_t stack_bad[] = {7};
static const uint32_t stack_invalid[] = {8};
static uint32_t stack_deep[DEEP_DEPTH];

static const struct profile_stack sample_stacks[] = {
    {0, 1, stack_main, 5, 0, 0, NULL, 0},
    {0, 2, stack_main_worker, 3, 0, 0, NULL, 0},
    {0, 2, stack_main_worker_dup, 2, 0, 0, NULL, 0}, /* merges with the one above */
    {1, 3, stack_helper, 4, 0, 0, NULL, 0},
    {1, 2, stack_compute, 1, 0, 0, NULL, 0},
    {1, 3, stack_helper, 6, 0, 0, NULL, 0}, /* the same stack again: merges */
    {1, 1, stack_truncated, 1, 0, 0, NULL, 0},
    {0, 1, stack_bad, 1, 0, 0, NULL, 0},
    {0, 1, stack_invalid, 1, 0, 0, NULL, 0},
    {1, DEEP_DEPTH, stack_deep, 2, 0, 0, NULL, 0},
    {0, 0, NULL, 1, 0, 0, NULL, 0},/* thread only, no Python frame */
    {0, 1, stack_main, 0, 0, 0, NULL, 0}, /* no samples: left out */
};

#define SAMPLE_TOTAL 27

static struct profile sample_profile(void)
{
    for (size_t i = 0; i < DEEP_DEPTH; i++)
        stack_deep[i] = 5;
    return (struct profile){
        .command = "python3 app.py --n=<5> & more\x01\xff",
        .python_version = "3.12.1",
        .pid = 4242,
        .duration_s = 12.5,
        .rate_hz = 100,
        .mode = "wall",
        .samples = SAMPLE_TOTAL,
        .frames = sample_frames,
        .frame_count = sizeof sample_frames / sizeof sample_frames[0],
        .threads = sample_threads,
        .thread_count = 2,
        .stacks = sample_stacks,
        .stack_count = sizeof sample_stacks / sizeof sample_stacks[0],
    };
}

/* ---- frame text ---------------------------------------------------------- */

static void test_frame_text_forms(void)
{
    char buf[64];
    struct profile_frame no_name = {NULL, NULL, 3};
    struct profile_thread nameless = {7, NULL, 0};

    frame_text_format(buf, sizeof buf, &sample_frames[1]);
    check(strcmp(buf, "Worker.run (worker.py:42)") == 0, "frame with line prints FILE:LINE");
    frame_text_format(buf, sizeof buf, &sample_frames[3]);
    check(strcmp(buf, "helper (calc.py:0)") == 0, "frame with line 0 prints FILE:0");
    frame_text_format(buf, sizeof buf, &sample_frames[4]);
    check(strcmp(buf, "[truncated]") == 0, "frame without file prints the name only");
    frame_text_format(buf, sizeof buf, &sample_frames[7]);
    check(strcmp(buf, "bad?name?<&>\"' (we,ird.py:5)") == 0, "frame text sanitised");
    frame_text_format(buf, sizeof buf, &no_name);
    check(strcmp(buf, "?") == 0, "NULL name prints ? and NULL file nothing");
    frame_text_thread(buf, sizeof buf, &sample_threads[1]);
    check(strcmp(buf, "thread:работник-1:1002") == 0, "thread root keeps UTF-8");
    frame_text_thread(buf, sizeof buf, &nameless);
    check(strcmp(buf, "thread::7") == 0, "thread root without a name");
}

static void test_frame_text_truncates_like_snprintf(void)
{
    char buf[8];
    size_t full = frame_text_format(NULL, 0, &sample_frames[1]);
    size_t got = frame_text_format(buf, sizeof buf, &sample_frames[1]);

    check(full == strlen("Worker.run (worker.py:42)"), "measure with cap 0");
    check(got == full && strcmp(buf, "Worker.") == 0, "truncated and terminated");
}

static void test_utf8_validation(void)
{
    check(frame_text_utf8_length("\xd1\x80") == 2, "2-byte sequence");
    check(frame_text_utf8_length("\xe2\x82\xac") == 3, "3-byte sequence");
    check(frame_text_utf8_length("\xf0\x9f\x90\x8d") == 4, "4-byte sequence");
    check(frame_text_utf8_length("\xc0\x80") == 0, "overlong rejected");
    check(frame_text_utf8_length("\xed\xa0\x80") == 0, "surrogate rejected");
    check(frame_text_utf8_length("\xef\xbf\xbf") == 0, "U+FFFF rejected");
    check(frame_text_utf8_length("\xe2\x82") == 0, "truncated sequence rejected");
}

/* ---- collapsed ----------------------------------------------------------- */

static char *expected_collapsed(void)
{
    static const char *const head =
        "thread:MainThread:1001 1\n"
        "thread:MainThread:1001;bad?name?<&>\"' (we,ird.py:5) 1\n"
        "thread:MainThread:1001;main (app.py:10) 5\n"
        "thread:MainThread:1001;main (app.py:10);Worker.run (worker.py:42) 5\n"
        "thread:MainThread:1001;x??y (x.py:1) 1\n"
        "thread:работник-1:1002;Worker.run (worker.py:42);compute,fast (calc.py:7) 1\n"
        "thread:работник-1:1002;Worker.run (worker.py:42);compute,fast (calc.py:7);"
        "helper (calc.py:0) 10\n"
        "thread:работник-1:1002;[truncated] 1\n"
        "thread:работник-1:1002";
    static const char *const deep_frame = ";recurse (deep.py:3)";
    size_t len = strlen(head) + DEEP_DEPTH * strlen(deep_frame) + 4;
    char *text = malloc(len);
    char *end;

    if (!text)
        return NULL;
    end = stpcpy(text, head);
    for (int i = 0; i < DEEP_DEPTH; i++)
        end = stpcpy(end, deep_frame);
    memcpy(end, " 2\n", 4);
    return text;
}

static void test_collapsed_exact_lines(void)
{
    struct profile profile = sample_profile();
    char *text = render(collapsed_write, &profile);
    char *expected = expected_collapsed();

    check(text != NULL && expected != NULL, "collapsed writer succeeds");
    if (text && expected) {
        check(strcmp(text, expected) == 0, "collapsed lines exact, merged and sorted");
        check(count_occurrences(text, "\n") == 9, "one line per unique stack");
        check(strstr(text, " 0\n") == NULL, "zero-count stacks left out");
    }
    free(text);
    free(expected);
}

static void test_collapsed_empty_profile(void)
{
    struct profile profile = {0};
    char *text = render(collapsed_write, &profile);

    check(text != NULL && text[0] == '\0', "empty profile gives empty output");
    free(text);
}

/* ---- SVG ----------------------------------------------------------------- */

static void test_svg_document(void)
{
    struct profile profile = sample_profile();
    char *svg = render(svg_write, &profile);

    check(svg != NULL, "svg writer succeeds");
    if (!svg)
        return;
    check(strncmp(svg, "<?xml", 5) == 0, "svg starts with <?xml");
    check(strstr(svg, "</svg>\n") != NULL, "svg is closed");
    check(count_occurrences(svg, "]]>") == 2, "only the style and script CDATA close");
    check(strstr(svg, "python3 app.py --n=&lt;5&gt; &amp; more?" "?</text>") != NULL, "command escaped");
    check(strstr(svg, "Python 3.12.1, pid 4242, wall mode, 12.5 s, 100 Hz, 27 samples") != NULL,
          "title metadata");
    check(strstr(svg, "thread:работник-1:1002\n") != NULL, "UTF-8 thread name kept");
    check(strstr(svg, "compute,fast (calc.py:7)\n11 samples") != NULL, "';' replaced in name");
    check(strstr(svg, "bad?name?&lt;&amp;&gt;&quot;&apos; (we,ird.py:5)") != NULL,
          "XML specials escaped");
    check(strstr(svg, "x??y (x.py:1)") != NULL, "invalid UTF-8 replaced");
    check(strstr(svg, "main (app.py:10)\n10 samples, 37.04%") != NULL, "duplicates merged in svg");
    check(strstr(svg, "<title>all\n27 samples, 100.00%</title>") != NULL, "root counts all");
    check(count_occurrences(svg, "<title>recurse (deep.py:3)\n2 samples") == DEEP_DEPTH,
          "every deep frame drawn");
    check(count_occurrences(svg, "<g class=\"f\"") == 1 + 2 + 4 + 4 + DEEP_DEPTH,
          "one bar per tree node");
    /* 80118 for the bars and headers, 22 for the state legend. */
    check(strstr(svg, "height=\"80140\"") != NULL, "height follows the deepest stack");
    check(strstr(svg, "<g id=\"legend\">") != NULL, "a legend of the states");
    check(strstr(svg, "<script type=\"text/ecmascript\"><![CDATA[") != NULL, "script inlined");
    check(count_occurrences(svg, "http") == 1 && strstr(svg, "http://www.w3.org/2000/svg\""),
          "no external reference, only the SVG namespace name");
    free(svg);
}

static void test_svg_elides_tiny_frames(void)
{
    static const struct profile_frame frames[] = {{"busy", "a.py", 1}, {"rare", "a.py", 2}};
    static const struct profile_thread threads[] = {{1, "T", 0}};
    static const uint32_t busy[] = {0};
    static const uint32_t rare[] = {1};
    static const struct profile_stack stacks[] = {{0, 1, busy, 2000, 0, 0, NULL, 0},
                                                  {0, 1, rare, 1, 0, 0, NULL, 0}};
    struct profile profile = {.frames = frames, .frame_count = 2, .threads = threads,
                              .thread_count = 1, .stacks = stacks, .stack_count = 2};
    char *svg = render(svg_write, &profile);

    check(svg != NULL, "svg with tiny frame succeeds");
    if (!svg)
        return;
    check(strstr(svg, "rare (a.py:2)") == NULL, "frame under 0.1% elided");
    check(strstr(svg, "<title>all\n2001 samples") != NULL, "elided samples still counted");
    check(strstr(svg, "<title>thread:T:1\n2001 samples") != NULL, "parent keeps exact count");
    check(strstr(svg, "Flame graph") != NULL, "title without a command");
    check(strstr(svg, "Python") == NULL && strstr(svg, " Hz") == NULL, "absent fields omitted");
    free(svg);
}

/* A function half running, half in lock-wait; one only waiting: the legend
 * lists both states and the tooltips split the mixed bar. */
static void test_svg_colours_bars_by_state(void)
{
    static const struct profile_frame frames[] = {{"work", "a.py", 1}, {"wait", "a.py", 2}};
    static const struct profile_thread threads[] = {{1, "T", 0}};
    static const uint32_t work[] = {0};
    static const uint32_t wait[] = {0, 1};
    static const struct profile_stack stacks[] = {{0, 1, work, 50, STATE_RUNNING, 1, NULL, 0},
                                                  {0, 2, wait, 50, STATE_LOCK_WAIT, 0, NULL, 0}};
    struct profile profile = {.frames = frames, .frame_count = 2, .threads = threads,
                              .thread_count = 1, .stacks = stacks, .stack_count = 2};
    char *svg = render(svg_write, &profile);
    check(svg != NULL, "svg with states succeeds");
    if (!svg)
        return;
    check(strstr(svg, ">running 50.0%</text>") != NULL, "legend: running share");
    check(strstr(svg, ">lock-wait 50.0%</text>") != NULL, "legend: lock-wait share");
    check(strstr(svg, ">gil-wait") == NULL, "legend: absent states left out");
    check(strstr(svg, "work (a.py:1)\n100 samples, 100.00%; running 50%; lock-wait 50%") != NULL,
          "mixed bar tooltip splits the states");
    check(strstr(svg, "wait (a.py:2)\n50 samples, 50.00%</title>") != NULL,
          "single-state bar tooltip stays short");
    free(svg);
}

static void test_svg_empty_profile(void)
{
    struct profile profile = {0};
    char *svg = render(svg_write, &profile);

    check(svg != NULL && strstr(svg, "</svg>") != NULL, "empty profile gives a valid svg");
    check(svg != NULL && strstr(svg, "0 samples") != NULL, "empty profile shows 0 samples");
    free(svg);
}

/* ---- errors -------------------------------------------------------------- */

static void test_write_errors_are_reported(void)
{
    struct profile profile = sample_profile();
    FILE *full = fopen("/dev/full", "w");

    if (!full) {
        check(0, "open /dev/full");
        return;
    }
    errno = 0;
    check(collapsed_write(full, &profile) == -1 && errno == ENOSPC, "collapsed reports ENOSPC");
    clearerr(full);
    errno = 0;
    check(svg_write(full, &profile) == -1 && errno == ENOSPC, "svg reports ENOSPC");
    fclose(full);
}

static void test_bad_index_rejected(void)
{
    static const uint32_t frames[] = {99};
    static const struct profile_stack stacks[] = {{0, 1, frames, 1, 0, 0, NULL, 0}};
    struct profile profile = sample_profile();
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);

    profile.stacks = stacks;
    profile.stack_count = 1;
    if (!out) {
        check(0, "open_memstream");
        return;
    }
    errno = 0;
    check(collapsed_write(out, &profile) == -1 && errno == EINVAL, "collapsed rejects bad index");
    errno = 0;
    check(svg_write(out, &profile) == -1 && errno == EINVAL, "svg rejects bad index");
    fclose(out);
    free(text);
}

static int save_svg(const char *path)
{
    struct profile profile = sample_profile();
    FILE *out = fopen(path, "w");
    int rc;

    if (!out)
        return -1;
    rc = svg_write(out, &profile);
    if (fclose(out) != 0)
        rc = -1;
    return rc;
}

/* ---- processes (record --subprocesses) ----------------------------------- */

/* app.py (100) maps work over ForkPoolWorker-1..3 (101-103); worker 4 (104)
 * was never sampled.  Worker 1 did 90 running samples of work, workers 2 and
 * 3 five each and otherwise waited on the task queue: imbalance 90 / mean
 * 33.3 = 2.70.  The parent pickles in half its samples.  Thread Stray has a
 * process index out of range: it gets no process root. */
static const struct profile_process pool_processes[] = {
    {100, 1, "app.py"},
    {101, 100, "ForkPoolWorker-1"},
    {102, 100, "ForkPoolWorker-2"},
    {103, 100, "ForkPoolWorker-3"},
    {104, 100, "ForkPoolWorker-4"},
};

static const struct profile_thread pool_threads[] = {
    {100, "MainThread", 0}, {101, "MainThread", 1}, {102, "MainThread", 2},
    {103, "MainThread", 3}, {105, "Stray", 99},
};

static const struct profile_frame pool_frames[] = {
    {"main", "app.py", 3},                                          /* 0 */
    {"Pool.map", "/usr/lib/python3.12/multiprocessing/pool.py", 367}, /* 1 */
    {"worker", "/usr/lib/python3.12/multiprocessing/pool.py", 114},   /* 2 */
    {"SimpleQueue.get", "/usr/lib/python3.12/multiprocessing/queues.py", 387},        /* 3 */
    {"Connection._recv_bytes", "/usr/lib/python3.12/multiprocessing/connection.py", 430}, /* 4 */
    {"work", "app.py", 10},                                         /* 5 */
    {"ForkingPickler.dumps", "/usr/lib/python3.12/multiprocessing/reduction.py", 51}, /* 6 */
};

static const uint32_t pool_pickle[] = {0, 1, 6}, pool_map[] = {0, 1}, pool_work[] = {2, 5},
                      pool_get[] = {2, 3}, pool_get_recv[] = {2, 3, 4}, pool_recv[] = {2, 4},
                      pool_main[] = {0};

static const struct profile_stack pool_stacks[] = {
    {0, 3, pool_pickle, 20, STATE_RUNNING, 1, NULL, 0},
    {0, 2, pool_map, 20, STATE_LOCK_WAIT, 0, NULL, 0},
    {1, 2, pool_work, 80, STATE_RUNNING, 1, NULL, 0},
    {1, 2, pool_get, 10, STATE_RUNNING, 1, NULL, 0}, /* in get but running: not waiting for work */
    {1, 2, pool_get, 10, STATE_LOCK_WAIT, 0, NULL, 0},
    {2, 2, pool_work, 5, STATE_RUNNING, 1, NULL, 0},
    {2, 3, pool_get_recv, 95, STATE_IO_WAIT, 0, NULL, 0},
    {3, 2, pool_work, 5, STATE_RUNNING, 1, NULL, 0},
    {3, 2, pool_recv, 45, STATE_LOCK_WAIT, 0, NULL, 0},
    {4, 1, pool_main, 3, STATE_SLEEPING, 0, NULL, 0},
};

static struct profile pool_profile(void)
{
    return (struct profile){
        .command = "python3 app.py",
        .pid = 100,
        .rate_hz = 100,
        .mode = "wall",
        .samples = 293,
        .frames = pool_frames,
        .frame_count = sizeof pool_frames / sizeof pool_frames[0],
        .threads = pool_threads,
        .thread_count = sizeof pool_threads / sizeof pool_threads[0],
        .stacks = pool_stacks,
        .stack_count = sizeof pool_stacks / sizeof pool_stacks[0],
        .processes = pool_processes,
        .process_count = sizeof pool_processes / sizeof pool_processes[0],
        .process_roots = 1,
    };
}

static const struct contention_options pool_options = {100, 5};
/* The options the two writers below render with (render() takes no options). */
static const struct contention_options *contention_options_used = &pool_options;

static int contention_text(FILE *out, const struct profile *profile)
{
    return contention_text_write(out, profile, contention_options_used);
}

static int contention_json(FILE *out, const struct profile *profile)
{
    return contention_json_write(out, profile, contention_options_used);
}

static void test_frame_text_process(void)
{
    static const struct profile_process odd = {7, 1, "a;b\nc"};
    static const struct profile_process nameless = {8, 1, NULL};
    char buf[64];

    frame_text_process(buf, sizeof buf, &pool_processes[1]);
    check(strcmp(buf, "process:101:ForkPoolWorker-1") == 0, "process root reads process:PID:NAME");
    frame_text_process(buf, sizeof buf, &odd);
    check(strcmp(buf, "process:7:a,b?c") == 0, "process name sanitised like a thread name");
    frame_text_process(buf, sizeof buf, &nameless);
    check(strcmp(buf, "process:8:") == 0, "process root without a name");
}

static void test_collapsed_process_roots(void)
{
    struct profile profile = pool_profile();
    char *text = render(collapsed_write, &profile);
    static const char expected[] =
        "process:100:app.py;thread:MainThread:100;main (app.py:3);"
        "Pool.map (/usr/lib/python3.12/multiprocessing/pool.py:367) 20\n"
        "process:100:app.py;thread:MainThread:100;main (app.py:3);"
        "Pool.map (/usr/lib/python3.12/multiprocessing/pool.py:367);"
        "ForkingPickler.dumps (/usr/lib/python3.12/multiprocessing/reduction.py:51) 20\n"
        "process:101:ForkPoolWorker-1;thread:MainThread:101;"
        "worker (/usr/lib/python3.12/multiprocessing/pool.py:114);"
        "SimpleQueue.get (/usr/lib/python3.12/multiprocessing/queues.py:387) 20\n"
        "process:101:ForkPoolWorker-1;thread:MainThread:101;"
        "worker (/usr/lib/python3.12/multiprocessing/pool.py:114);work (app.py:10) 80\n"
        "process:102:ForkPoolWorker-2;thread:MainThread:102;"
        "worker (/usr/lib/python3.12/multiprocessing/pool.py:114);"
        "SimpleQueue.get (/usr/lib/python3.12/multiprocessing/queues.py:387);"
        "Connection._recv_bytes (/usr/lib/python3.12/multiprocessing/connection.py:430) 95\n"
        "process:102:ForkPoolWorker-2;thread:MainThread:102;"
        "worker (/usr/lib/python3.12/multiprocessing/pool.py:114);work (app.py:10) 5\n"
        "process:103:ForkPoolWorker-3;thread:MainThread:103;"
        "worker (/usr/lib/python3.12/multiprocessing/pool.py:114);"
        "Connection._recv_bytes (/usr/lib/python3.12/multiprocessing/connection.py:430) 45\n"
        "process:103:ForkPoolWorker-3;thread:MainThread:103;"
        "worker (/usr/lib/python3.12/multiprocessing/pool.py:114);work (app.py:10) 5\n"
        "thread:Stray:105;main (app.py:3) 3\n";

    check(text != NULL && strcmp(text, expected) == 0,
          "collapsed roots read process:PID:NAME;thread:NAME:TID (none for a bad index)");
    if (text && strcmp(text, expected) != 0)
        printf("%s", text);
    free(text);

    profile.process_roots = 0;
    text = render(collapsed_write, &profile);
    check(text != NULL && strstr(text, "process:") == NULL &&
              strncmp(text, "thread:MainThread:100;main (app.py:3);", 38) == 0,
          "without process roots the processes stay out of the collapsed text");
    free(text);
}

static void test_svg_process_level(void)
{
    struct profile profile = pool_profile();
    char *svg = render(svg_write, &profile);

    check(svg != NULL, "svg with process roots succeeds");
    if (!svg)
        return;
    check(strstr(svg, "<title>process:100:app.py\n40 samples") != NULL, "a bar per process");
    check(strstr(svg, "<title>thread:MainThread:100\n40 samples") != NULL,
          "the thread bar below it reads thread:NAME:TID alone");
    check(strstr(svg, "<title>process:102:ForkPoolWorker-2\n100 samples") != NULL &&
              strstr(svg, "<title>thread:MainThread:102\n100 samples") != NULL,
          "each worker has its process and thread bars");
    check(strstr(svg, ";thread:") == NULL, "no bar joins process and thread");
    check(strstr(svg, "<title>thread:Stray:105\n3 samples") != NULL,
          "a thread without a process stays a root");
    check(strstr(svg, "<title>process:104") == NULL, "a process without samples has no bar");
    /* all + 4 processes + 5 threads + frames: 100: main, Pool.map, dumps;
     * 101: worker, get, work; 102: worker, get, recv, work; 103: worker,
     * recv, work; Stray: main. */
    check(count_occurrences(svg, "<g class=\"f\"") == 1 + 4 + 5 + 3 + 3 + 4 + 3 + 1,
          "one bar per tree node");
    check(strstr(svg, "<title>process:100:app.py\n40 samples, 13.65%; running 50%; lock-wait 50%</title>"
                      "<rect x=\"10.00\"") != NULL,
          "process bars come first (sorted like thread roots)");
    free(svg);
}

/* Process b's bar and the process-less thread U's bar are both children of
 * "all": they must stay two bars even when their texts rank alike in their
 * own kinds (b second of the processes, U second of the threads). */
static void test_svg_process_and_bare_thread_roots_stay_apart(void)
{
    static const struct profile_process processes[] = {{1, 0, "a"}, {2, 0, "b"}};
    static const struct profile_thread threads[] = {{20, "T", 1}, {30, "U", 9}};
    static const struct profile_frame frames[] = {{"f", "a.py", 1}};
    static const uint32_t f[] = {0};
    static const struct profile_stack stacks[] = {{0, 1, f, 5, STATE_RUNNING, 1, NULL, 0},
                                                  {1, 1, f, 3, STATE_RUNNING, 1, NULL, 0}};
    struct profile profile = {.frames = frames, .frame_count = 1, .threads = threads,
                              .thread_count = 2, .stacks = stacks, .stack_count = 2,
                              .processes = processes, .process_count = 2, .process_roots = 1};
    char *svg = render(svg_write, &profile);

    check(svg && strstr(svg, "<title>process:2:b\n5 samples") != NULL &&
              strstr(svg, "<title>thread:T:20\n5 samples") != NULL &&
              strstr(svg, "<title>thread:U:30\n3 samples") != NULL,
          "a process bar and a bare thread bar never merge");
    free(svg);
}

static void test_diff_svg_process_roots(void)
{
    struct profile profile = pool_profile();
    const struct profile *runs[] = {&profile};
    struct diff_side side = {runs, 1};
    struct diff_result result;
    char *text = NULL;
    size_t size = 0;
    FILE *out;

    if (diff_compute(&side, &side, &result) != 0) {
        check(0, "diff of a --subprocesses profile computes");
        return;
    }
    out = open_memstream(&text, &size);
    check(out && diff_svg_write(out, &side, &side, &result, NULL) == 0, "diff svg with process roots");
    if (out)
        fclose(out);
    check(text && strstr(text, "<title>process:ForkPoolWorker-1;thread:MainThread\n") != NULL,
          "diff keys a thread by process and thread name, without pid or tid");
    check(text && strstr(text, "<title>thread:Stray\n") != NULL, "a thread without a process keeps its key");
    free(text);
    diff_result_free(&result);
}

static void test_contention_processes_json(void)
{
    struct profile profile = pool_profile();
    char *json = render(contention_json, &profile);
    static const char *const rows[] = {
        "{\"pid\":100,\"ppid\":1,\"name\":\"app.py\",\"samples\":40,\"cpu_share\":16.667,\"states\":{"
        "\"unknown\":0.000,\"running\":50.000,\"gil-wait\":0.000,\"lock-wait\":50.000,\"io-wait\":0.000,"
        "\"sleeping\":0.000,\"idle\":0.000,\"awaiting\":0.000},\"waiting_for_work\":0.000,\"pickling\":50.000}",
        "{\"pid\":101,\"ppid\":100,\"name\":\"ForkPoolWorker-1\",\"samples\":100,\"cpu_share\":75.000,"
        "\"states\":{\"unknown\":0.000,\"running\":90.000,\"gil-wait\":0.000,\"lock-wait\":10.000,"
        "\"io-wait\":0.000,\"sleeping\":0.000,\"idle\":0.000,\"awaiting\":0.000},"
        "\"waiting_for_work\":10.000,\"pickling\":0.000}",
        "{\"pid\":102,\"ppid\":100,\"name\":\"ForkPoolWorker-2\",\"samples\":100,\"cpu_share\":4.167,"
        "\"states\":{\"unknown\":0.000,\"running\":5.000,\"gil-wait\":0.000,\"lock-wait\":0.000,"
        "\"io-wait\":95.000,\"sleeping\":0.000,\"idle\":0.000,\"awaiting\":0.000},"
        "\"waiting_for_work\":95.000,\"pickling\":0.000}",
        "{\"pid\":103,\"ppid\":100,\"name\":\"ForkPoolWorker-3\",\"samples\":50,\"cpu_share\":4.167,"
        "\"states\":{\"unknown\":0.000,\"running\":10.000,\"gil-wait\":0.000,\"lock-wait\":90.000,"
        "\"io-wait\":0.000,\"sleeping\":0.000,\"idle\":0.000,\"awaiting\":0.000},"
        "\"waiting_for_work\":90.000,\"pickling\":0.000}]",
    };
    char what[64];

    check(json != NULL, "contention JSON with processes writes");
    if (!json)
        return;
    check(strstr(json, "],\"processes\":[{\"pid\":100,") != NULL, "a processes table after the threads");
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        snprintf(what, sizeof what, "process row %zu: shares, wait-work and pickling", i);
        check(strstr(json, rows[i]) != NULL, what);
    }
    check(strstr(json, "\"pid\":104") == NULL, "a process without samples has no row");
    check(strstr(json, ",\"pools\":[{\"name\":\"ForkPoolWorker\",\"parent\":100,\"members\":[101,102,103],"
                       "\"busy\":[90,5,5],\"imbalance\":2.700}]") != NULL,
          "the pool of three workers, busy 90/5/5: imbalance 2.70");
    check(strstr(json, "{\"tid\":101,\"name\":\"MainThread\",\"pid\":101,") != NULL &&
              strstr(json, "{\"tid\":105,\"name\":\"Stray\",\"pid\":null,") != NULL,
          "threads carry their process pid");
    check(strstr(json, "\"pool ForkPoolWorker of 100 is unbalanced (imbalance 2.7: worker 101 did 90% of "
                       "the work): submit smaller tasks, use chunksize=1 or imap_unordered\"") != NULL,
          "advice: an unbalanced pool");
    check(strstr(json, "\"process 100 (app.py) spends 50% pickling: send less data (shared memory, "
                       "smaller results)\"") != NULL,
          "advice: a process pickling");
    free(json);

    profile.process_roots = 0;
    json = render(contention_json, &profile);
    check(json != NULL && strstr(json, "\"processes\"") == NULL && strstr(json, "\"pid\"") == NULL &&
              strstr(json, "pickling") == NULL,
          "without process roots the JSON has no processes");
    free(json);
}

/* A child process's pool: multiprocessing names its workers by identity,
 * "ForkPoolWorker-7:1"; "Worker-" and "Worker-:1" are no numbered names. */
static void test_contention_pools_of_a_child(void)
{
    static const struct profile_process processes[] = {
        {200, 100, "ForkPoolWorker-7:1"}, {201, 100, "ForkPoolWorker-7:2"},
        {300, 100, "Worker-"},            {301, 100, "Worker-:1"},
    };
    static const struct profile_thread threads[] = {
        {200, "MainThread", 0}, {201, "MainThread", 1}, {300, "MainThread", 2}, {301, "MainThread", 3}};
    static const struct profile_frame frames[] = {{"f", "a.py", 1}};
    static const uint32_t f[] = {0};
    static const struct profile_stack stacks[] = {
        {0, 1, f, 10, STATE_RUNNING, 1, NULL, 0}, {1, 1, f, 10, STATE_RUNNING, 1, NULL, 0},
        {2, 1, f, 10, STATE_RUNNING, 1, NULL, 0}, {3, 1, f, 10, STATE_RUNNING, 1, NULL, 0}};
    struct profile profile = {.samples = 40, .frames = frames, .frame_count = 1, .threads = threads,
                              .thread_count = 4, .stacks = stacks, .stack_count = 4,
                              .processes = processes, .process_count = 4, .process_roots = 1};
    char *json = render(contention_json, &profile);

    check(json && strstr(json, "\"pools\":[{\"name\":\"ForkPoolWorker\",\"parent\":100,"
                               "\"members\":[200,201],\"busy\":[10,10],\"imbalance\":1.000}]") != NULL,
          "a child's pool workers (-7:1, -7:2) form one pool; unnumbered names none");
    free(json);
}

static void test_contention_processes_text(void)
{
    struct profile profile = pool_profile();
    char *text = render(contention_text, &profile);

    check(text != NULL, "contention text with processes writes");
    if (!text)
        return;
    check(strstr(text, "\nthreads\nthread (tid)                  pid    samples") != NULL,
          "threads table gets a pid column");
    check(strstr(text, "\nMainThread (101)              101        100") != NULL &&
              strstr(text, "\nStray (105)                     ?          3") != NULL,
          "each thread row shows its pid");
    check(strstr(text, "\n     pid     ppid name                        samples      cpu    running   gil-wait"
                       "  lock-wait    io-wait   sleeping       idle  wait-work   pickling\n") != NULL,
          "processes table header");
    check(strstr(text, "\n     101      100 ForkPoolWorker-1                100    75.0%      90.0%       0.0%"
                       "      10.0%       0.0%       0.0%       0.0%      10.0%       0.0%\n") != NULL,
          "processes table row, aligned");
    check(strstr(text, "\n  pool ForkPoolWorker of 100 (3 workers): running samples 101:90 102:5 103:5, "
                       "imbalance 2.70\n") != NULL,
          "pool line");
    free(text);

    profile.process_roots = 0;
    text = render(contention_text, &profile);
    check(text != NULL && strstr(text, "processes") == NULL &&
              strstr(text, "\nthreads\nthread (tid)                samples") != NULL,
          "without process roots the text report is as before");
    free(text);
}

/* Tasks a -> b -> c -> a await each other; d awaits a from outside the cycle. */
static void test_task_cycles_are_found_once(void)
{
    static const uint64_t by_c[] = {3}, by_a[] = {1}, by_b[] = {2}, by_a_and_d[] = {3, 4};
    struct dump_task tasks[4];
    memset(tasks, 0, sizeof tasks);
    const char *names[] = {"a", "b", "c", "d"};
    for (int i = 0; i < 4; i++) {
        tasks[i].id = (uint64_t)i + 1;
        tasks[i].name = names[i];
        tasks[i].state = "pending";
    }
    /* awaited_by: a is awaited by c and d, b by a, c by b. */
    tasks[0].awaited_by = by_a_and_d, tasks[0].awaited_by_count = 2;
    tasks[1].awaited_by = by_a, tasks[1].awaited_by_count = 1;
    tasks[2].awaited_by = by_b, tasks[2].awaited_by_count = 1;
    (void)by_c;
    struct dump dump;
    memset(&dump, 0, sizeof dump);
    dump.tasks = tasks;
    dump.task_count = 4;
    size_t cycles[16];
    check(dump_task_cycles(&dump, cycles, 16) == 1, "dump_task_cycles(&dump, cycles, 16) == 1");
    int seen[4] = {0};
    size_t k = 0;
    for (; cycles[k] != SIZE_MAX; k++)
        seen[cycles[k]]++;
    check(k == 3 && seen[0] == 1 && seen[1] == 1 && seen[2] == 1 && seen[3] == 0, "k == 3 && seen[0] == 1 && seen[1] == 1 && seen[2] == 1 && seen[3] == 0");
    /* No cycle once c stops awaiting a. */
    tasks[0].awaited_by_count = 0;
    check(dump_task_cycles(&dump, cycles, 16) == 0, "dump_task_cycles(&dump, cycles, 16) == 0");
}

/* Two threads each waiting 1 s for a lock the other holds, the holder found on
 * every other tick only (the sampler searches at most 200 ticks a second): one
 * stretch each, not a hundred, and the cycle named. */
static void test_lock_cycle_of_two_stuck_threads(void)
{
    static const struct profile_frame frames[] = {{"takes_a_then_b", "/srv/app.py", 16},
                                                  {"takes_b_then_a", "/srv/app.py", 23}};
    static const struct profile_thread threads[] = {{11, "alpha", 0}, {12, "beta", 0}};
    static const uint32_t wa[] = {0}, wb[] = {1};
    /* holder: thread index + 1 */
    static const struct profile_stack stacks[] = {{0, 1, wa, 50, STATE_LOCK_WAIT, 0, NULL, 2},
                                                  {0, 1, wa, 50, STATE_LOCK_WAIT, 0, NULL, 0},
                                                  {1, 1, wb, 50, STATE_LOCK_WAIT, 0, NULL, 1},
                                                  {1, 1, wb, 50, STATE_LOCK_WAIT, 0, NULL, 0}};
    static struct profile_sample timeline[200];
    for (uint32_t tick = 0; tick < 100; tick++) {
        uint64_t at = (uint64_t)tick * 10000000u;
        timeline[2 * tick] = (struct profile_sample){at, tick % 2};
        timeline[2 * tick + 1] = (struct profile_sample){at, 2 + tick % 2};
    }
    struct profile profile = {.frames = frames, .frame_count = 2, .threads = threads,
                              .thread_count = 2, .stacks = stacks, .stack_count = 4,
                              .timeline = timeline, .timeline_count = 200, .samples = 200,
                              .rate_hz = 100, .duration_s = 1, .mode = "wall"};
    static const struct contention_options stuck_options = {100, 0.5};
    contention_options_used = &stuck_options;
    char *text = render(contention_text, &profile);
    char *json = render(contention_json, &profile);
    contention_options_used = &pool_options;
    check(text && strstr(text, "deadlock: threads waiting for locks held by each other: "
                               "alpha -> beta -> alpha\n"),
          "lock cycle: text");
    check(text && strstr(text, "alpha (11) stuck 1.0 s") &&
              strstr(text, "(/srv/app.py:16), waiting for a lock beta holds\n"),
          "stuck: one stretch, with its holder");
    check(text && strstr(text, "held by beta 100%\n") && strstr(text, "held by alpha 100%\n"),
          "lock-wait sites: the holders");
    check(json && strstr(json, "\"lock_cycle\":\"alpha -> beta -> alpha\"") &&
              strstr(json, "\"held_by\":\"beta\"") &&
              strstr(json, "\"holder_known_samples\":50,\"holders\":[{\"tid\":12,\"name\":"
                           "\"beta\",\"samples\":50}]"),
          "lock cycle, holders: JSON");
    free(text);
    free(json);
}

/* a awaits b and c, which both await d: d is expanded once, named under the other. */
static void test_task_tree_shows_a_shared_task_once(void)
{
    static const uint64_t by_a[] = {1}, by_b_and_c[] = {2, 3};
    struct dump_task tasks[4];
    memset(tasks, 0, sizeof tasks);
    const char *names[] = {"a", "b", "c", "d"};
    for (int i = 0; i < 4; i++) {
        tasks[i].id = (uint64_t)i + 1;
        tasks[i].name = names[i];
        tasks[i].state = "pending";
    }
    tasks[1].awaited_by = by_a, tasks[1].awaited_by_count = 1;
    tasks[2].awaited_by = by_a, tasks[2].awaited_by_count = 1;
    tasks[3].awaited_by = by_b_and_c, tasks[3].awaited_by_count = 2;
    struct dump dump;
    memset(&dump, 0, sizeof dump);
    dump.tasks = tasks;
    dump.task_count = 4;
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    check(out != NULL && dump_tasks_text_write(out, &dump) == 0, "task tree written");
    if (out)
        fclose(out);
    check(text && count_occurrences(text, "d [pending]") == 2, "d under b and under c");
    check(text && count_occurrences(text, "(shown above)") == 1, "expanded once");
    check(text && strstr(text, "\n  a [pending]") != NULL, "a is the only root");
    check(text && strstr(text, "likely deadlock") == NULL, "no cycle");
    free(text);
}

/* Ticks woken late are left out of the GIL figures (output/tick_timing.h):
 * 90 ticks 50 µs after their grid point see the GIL held, 10 ticks 2 ms
 * late see it free.  When every tick is equally late none is left out. */
static void test_gil_figures_leave_late_ticks_out(void)
{
    static const struct profile_thread threads[] = {{11, "hot", 1}, {12, "cold", 2}};
    static const struct profile_frame frames[] = {{"burn", "/srv/app.py", 3}};
    static const uint32_t f[] = {0};
    static const struct profile_stack stacks[] = {{0, 1, f, 90, STATE_RUNNING, 1, NULL, 0},
                                                  {1, 1, f, 90, STATE_GIL_WAIT, 0, NULL, 0},
                                                  {0, 1, f, 10, STATE_GIL_WAIT, 0, NULL, 0},
                                                  {1, 1, f, 10, STATE_RUNNING, 0, NULL, 0}};
    static struct profile_sample timeline[200];
    struct profile profile = {.frames = frames, .frame_count = 1, .threads = threads,
                              .thread_count = 2, .stacks = stacks, .stack_count = 4,
                              .timeline = timeline, .timeline_count = 200, .samples = 200,
                              .rate_hz = 200, .duration_s = 0.5, .mode = "wall"};
    for (int uniform = 0; uniform < 2; uniform++) {
        for (uint32_t tick = 0; tick < 100; tick++) {
            int late = tick % 10 == 9;
            uint64_t at = (uint64_t)tick * 5000000u + (late || uniform ? 2000000u : 50000u);
            timeline[2 * tick] = (struct profile_sample){at, late ? 2u : 0u};
            timeline[2 * tick + 1] = (struct profile_sample){at, late ? 3u : 1u};
        }
        char *json = render(contention_json, &profile);
        char *text = render(contention_text, &profile);
        if (!uniform) {
            check(json && strstr(json, "\"gil\":{\"ticks\":90,\"held_percent\":100.000,"
                                       "\"waited_percent\":100.000,\"parallelism\":1.000,"
                                       "\"late_ticks\":10}"),
                  "late ticks: out of the GIL figures");
            check(text && strstr(text, "(10 ticks woken late left out"), "late ticks: said");
        } else {
            check(json && strstr(json, "\"gil\":{\"ticks\":100,\"held_percent\":90.000,") &&
                      strstr(json, "\"late_ticks\":0}"),
                  "ticks all equally late: none left out");
            check(text && !strstr(text, "woken late"), "no late ticks: nothing said");
        }
        free(json);
        free(text);
    }
}

int main(int argc, char **argv)
{
    test_task_tree_shows_a_shared_task_once();
    test_task_cycles_are_found_once();
    test_lock_cycle_of_two_stuck_threads();
    test_gil_figures_leave_late_ticks_out();
    test_svg_colours_bars_by_state();
    test_frame_text_forms();
    test_frame_text_truncates_like_snprintf();
    test_utf8_validation();
    test_collapsed_exact_lines();
    test_collapsed_empty_profile();
    test_svg_document();
    test_svg_elides_tiny_frames();
    test_svg_empty_profile();
    test_write_errors_are_reported();
    test_bad_index_rejected();
    test_frame_text_process();
    test_collapsed_process_roots();
    test_svg_process_level();
    test_svg_process_and_bare_thread_roots_stay_apart();
    test_diff_svg_process_roots();
    test_contention_processes_json();
    test_contention_processes_text();
    test_contention_pools_of_a_child();
    if (argc > 1)
        check(save_svg(argv[1]) == 0, "svg saved");
    return check_summary();
}
