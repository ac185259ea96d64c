/* diff_test.c - the diff engine and its writers on hand-built profiles.
 *
 * A standalone program (no test framework).  Each test builds small
 * profiles by hand with a known split of samples and checks what the diff
 * concludes: a 70/30 -> 30/70 swap is a 40-point change beyond noise, two
 * draws from one distribution are not, recursion counts once, run-to-run
 * spread widens the interval, different rates compare by share, thread
 * states, the GIL and lock-wait sites move as built; then that the SVG is
 * well-formed XML, the JSON parses (both checked by Python) and the table
 * says what it should.
 *
 *     diff_test [SVG_PATH]   prints "N passed, N failed", exits 1 on failure;
 *                            with a path, also keeps the differential SVG there */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../output/diff.h"

#define MAX_FRAMES 16
#define MAX_STACKS 32
#define MAX_RUNS 3
#define DEEP 5000
#define Z95 1.959963984540054

#include "check.h"

static int near(double a, double b, double tolerance)
{
    return fabs(a - b) <= tolerance;
}

/* ---- building profiles ---------------------------------------------------- */

struct built {
    struct profile profile;
    struct profile_frame frames[MAX_FRAMES];
    struct profile_thread thread;
    struct profile_stack stacks[MAX_STACKS];
    uint32_t *frame_ids[MAX_STACKS];
};

static struct built *built_new(double duration_s, double rate_hz)
{
    struct built *b = calloc(1, sizeof *b);

    if (!b)
        abort();
    b->thread = (struct profile_thread){1001, "MainThread", 0};
    b->profile = (struct profile){.duration_s = duration_s,
                                  .rate_hz = rate_hz,
                                  .frames = b->frames,
                                  .threads = &b->thread,
                                  .thread_count = 1,
                                  .stacks = b->stacks};
    return b;
}

/* The index of (name, file, line), added when new. */
static uint32_t built_frame(struct built *b, const char *name, const char *file, int line)
{
    size_t i;

    for (i = 0; i < b->profile.frame_count; i++)
        if (strcmp(b->frames[i].name, name) == 0 && strcmp(b->frames[i].file, file) == 0 &&
            b->frames[i].line == line)
            return (uint32_t)i;
    if (i == MAX_FRAMES)
        abort();
    b->frames[i] = (struct profile_frame){name, file, line};
    b->profile.frame_count++;
    return (uint32_t)i;
}

/* A stack of depth frames (outermost first) seen count times. */
static void built_stack(struct built *b, uint64_t count, int state, int gil, const uint32_t *frames,
                        uint32_t depth)
{
    size_t i = b->profile.stack_count++;

    if (i == MAX_STACKS || !(b->frame_ids[i] = malloc((depth + 1) * sizeof *frames)))
        abort();
    memcpy(b->frame_ids[i], frames, depth * sizeof *frames);
    b->stacks[i] = (struct profile_stack){0, depth, b->frame_ids[i], count, state, gil, NULL, 0};
    b->profile.samples += count;
}

static void built_free(struct built *b)
{
    for (size_t i = 0; b && i < b->profile.stack_count; i++)
        free(b->frame_ids[i]);
    free(b);
}

/* main -> hot (app.py:10) hot times, main -> cold (app.py:20) cold times. */
static struct built *hot_cold(uint64_t hot, uint64_t cold, double duration_s, double rate_hz)
{
    struct built *b = built_new(duration_s, rate_hz);
    uint32_t m = built_frame(b, "main", "app.py", 3);

    built_stack(b, hot, 0, 0, (const uint32_t[]){m, built_frame(b, "hot", "app.py", 10)}, 2);
    built_stack(b, cold, 0, 0, (const uint32_t[]){m, built_frame(b, "cold", "app.py", 20)}, 2);
    return b;
}

/* waiting samples wait on the lock in critical_section under a task root
 * (a marker), the running ones compute holding the GIL. */
static struct built *locking(uint64_t waiting, uint64_t running)
{
    struct built *b = built_new(10, 100);
    uint32_t m = built_frame(b, "main", "app.py", 1);
    uint32_t cs = built_frame(b, "critical_section", "app.py", 12);
    uint32_t task = built_frame(b, "task:worker", "", 0);

    built_stack(b, waiting, STATE_LOCK_WAIT, 0, (const uint32_t[]){task, m, cs}, 3);
    built_stack(b, running, STATE_RUNNING, 1,
                (const uint32_t[]){m, built_frame(b, "compute", "app.py", 30)}, 2);
    return b;
}

/* ---- a diff of up to MAX_RUNS runs per side --------------------------------- */

struct pair {
    struct built *runs[2][MAX_RUNS]; /* [DIFF_BEFORE/AFTER][run], NULL after the last */
    const struct profile *views[2][MAX_RUNS];
    struct diff_side sides[2];
    struct diff_result r;
};

static int pair_compute(struct pair *p)
{
    for (int side = 0; side < 2; side++) {
        size_t n = 0;

        for (; n < MAX_RUNS && p->runs[side][n]; n++)
            p->views[side][n] = &p->runs[side][n]->profile;
        p->sides[side] = (struct diff_side){p->views[side], n};
    }
    return diff_compute(&p->sides[0], &p->sides[1], &p->r);
}

static void pair_free(struct pair *p)
{
    diff_result_free(&p->r);
    for (int side = 0; side < 2; side++)
        for (int i = 0; i < MAX_RUNS; i++)
            built_free(p->runs[side][i]);
}

static const struct diff_function *function_named(const struct diff_result *r, const char *name)
{
    for (size_t i = 0; i < r->function_count; i++)
        if (strcmp(r->functions[i].name, name) == 0)
            return &r->functions[i];
    static const struct diff_function none = {.name = "(missing)", .file = ""};
    check(0, name);
    return &none;
}

static size_t beyond_noise_count(const struct diff_result *r)
{
    size_t n = 0;

    for (size_t i = 0; i < r->function_count; i++)
        n += r->functions[i].total.beyond_noise || r->functions[i].self.beyond_noise;
    return n;
}

enum writer { TABLE, TABLE_COLOR, JSON, SVG };

/* A writer's output as a string (caller frees); "" when it failed. */
static char *render(struct pair *p, enum writer writer, const char *title)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    int rc = -1;

    if (!out)
        abort();
    if (writer == TABLE || writer == TABLE_COLOR)
        rc = diff_table_write(out, &p->r, writer == TABLE_COLOR);
    else if (writer == JSON)
        rc = diff_json_write(out, &p->r);
    else
        rc = diff_svg_write(out, &p->sides[0], &p->sides[1], &p->r, title);
    fclose(out);
    check(rc == 0, "writer succeeds");
    if (rc != 0)
        text[0] = '\0';
    return text;
}

/* Runs a Python one-liner on text saved to path (a temp file when NULL). */
static int python_accepts(const char *text, const char *script, const char *path)
{
    char temp[] = "/tmp/diff_test_XXXXXX";
    int fd = path ? -1 : mkstemp(temp);
    FILE *file = path ? fopen(path, "w") : fd >= 0 ? fdopen(fd, "w") : NULL;
    const char *python = access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
    char command[2048];
    int ok;

    if (!file)
        return 0;
    fputs(text, file);
    fclose(file);
    snprintf(command, sizeof command, "%s -c '%s' '%s'", python, script, path ? path : temp);
    ok = system(command) == 0;
    if (!path)
        unlink(temp);
    return ok;
}

/* The text of the bar whose tooltip starts with title, up to its end. */
static int bar_has(const char *svg, const char *title, const char *needle)
{
    const char *bar = strstr(svg, title);
    const char *found = bar ? strstr(bar, needle) : NULL;

    return found && found < strstr(bar, "</g>");
}

/* ---- the engine ------------------------------------------------------------- */

static void test_swapped_split_is_a_40_point_change_beyond_noise(void)
{
    struct pair p = {.runs = {{hot_cold(7000, 3000, 10, 1000)}, {hot_cold(3000, 7000, 10, 1000)}}};
    double half = Z95 * sqrt(2 * 0.7 * 0.3 / 10000) * 100;
    char why[256] = "";

    check(pair_compute(&p) == 0 && p.r.function_count == 3, "swap: three functions");
    const struct diff_function *hot = function_named(&p.r, "hot");
    const struct diff_function *m = function_named(&p.r, "main");
    check(near(hot->total.share[0], 70, 1e-9) && near(hot->total.share[1], 30, 1e-9) &&
              hot->total.count[0] == 7000 && hot->total.count[1] == 3000,
          "swap: hot 70% -> 30%");
    check(near(hot->total.change, -40, 1e-9) && near(hot->self.change, -40, 1e-9),
          "swap: hot -40 pp, total and self");
    check(near(hot->total.low, -40 - half, 1e-9) && near(hot->total.high, -40 + half, 1e-9),
          "swap: the two-proportion interval");
    check(hot->total.beyond_noise && function_named(&p.r, "cold")->total.beyond_noise,
          "swap: both changes beyond noise");
    check(near(m->total.share[0], 100, 1e-9) && !m->total.beyond_noise && m->self.count[0] == 0,
          "swap: main stays at 100% total, 0% self, within noise");
    check(strcmp(p.r.functions[0].name, "cold") == 0 && &p.r.functions[2] == m,
          "swap: beyond noise and larger first, ties by name");
    check(diff_regressed(&p.r, 10, why, sizeof why) == 1, "swap: regressed past 10 pp");
    check(strstr(why, "cold (app.py): total share 30.0% -> 70.0%, +40.0 pp") != NULL,
          "swap: why names cold and its numbers");
    check(diff_regressed(&p.r, 45, why, sizeof why) == 0 && diff_regressed(&p.r, 10, NULL, 0),
          "swap: not past 45 pp; why is optional");
    check(p.r.sides[0].samples == 10000 && near(p.r.sides[1].samples_per_second, 1000, 1e-9),
          "swap: side summaries");
    pair_free(&p);
}

static uint64_t prng_state = 0x9E3779B97F4A7C15ULL;

static struct built *drawn_70_30(uint64_t samples) /* xorshift64*, fixed seed */
{
    uint64_t hot = 0;

    for (uint64_t i = 0; i < samples; i++) {
        prng_state ^= prng_state >> 12;
        prng_state ^= prng_state << 25;
        prng_state ^= prng_state >> 27;
        hot += ((prng_state * 2685821657736338717ULL) >> 11) % 1000 < 700;
    }
    return hot_cold(hot, samples - hot, 5, 1000);
}

static void test_two_draws_of_one_distribution_are_within_noise(void)
{
    struct built *first = drawn_70_30(5000); /* initializers are unsequenced */
    struct pair p = {.runs = {{first}, {drawn_70_30(5000)}}};

    check(pair_compute(&p) == 0, "draws: diff computes");
    check(p.runs[0][0]->stacks[0].count != p.runs[1][0]->stacks[0].count, "draws: draws differ");
    check(beyond_noise_count(&p.r) == 0, "draws: nothing beyond noise");
    check(diff_regressed(&p.r, 10, NULL, 0) == 0 && diff_regressed(&p.r, 0, NULL, 0) == 0,
          "draws: no regression, even at 0 pp");
    pair_free(&p);
}

static void test_recursion_counts_once_in_total_share(void)
{
    struct pair p = {.runs = {{built_new(1, 100)}, {hot_cold(50, 50, 1, 100)}}};
    struct built *b = p.runs[0][0];
    uint32_t m = built_frame(b, "main", "app.py", 3);
    uint32_t h10 = built_frame(b, "hot", "app.py", 10);
    uint32_t h12 = built_frame(b, "hot", "app.py", 12); /* another line, the same function */

    built_stack(b, 60, 0, 0, (const uint32_t[]){m, h10, h12, h10, h12}, 5);
    built_stack(b, 40, 0, 0, (const uint32_t[]){m, built_frame(b, "cold", "app.py", 20)}, 2);
    check(pair_compute(&p) == 0 && p.r.function_count == 3,
          "recursion: lines of one function merge");
    const struct diff_function *hot = function_named(&p.r, "hot");
    check(hot->total.count[0] == 60 && near(hot->total.share[0], 60, 1e-9),
          "recursion: 4 hot frames in 60 samples count 60 samples");
    check(near(hot->self.share[0], 60, 1e-9) && near(hot->total.change, -10, 1e-9),
          "recursion: self is the innermost; change by share");
    pair_free(&p);
}

static void test_run_to_run_spread_widens_the_interval(void)
{
    struct pair many = {.runs = {{hot_cold(600, 400, 1, 1000), hot_cold(800, 200, 1, 1000),
                                  hot_cold(700, 300, 1, 1000)},
                                 {hot_cold(650, 350, 1, 1000), hot_cold(850, 150, 1, 1000),
                                  hot_cold(750, 250, 1, 1000)}}};
    struct pair one = {.runs = {{hot_cold(2100, 900, 3, 1000)}, {hot_cold(2250, 750, 3, 1000)}}};
    struct pair calm = {.runs = {{hot_cold(700, 300, 1, 1000), hot_cold(700, 300, 1, 1000)},
                                 {hot_cold(700, 300, 1, 1000), hot_cold(700, 300, 1, 1000)}}};

    check(pair_compute(&many) == 0 && pair_compute(&one) == 0 && pair_compute(&calm) == 0,
          "runs: diffs compute");
    const struct diff_measure *hm = &function_named(&many.r, "hot")->total;
    const struct diff_measure *h1 = &function_named(&one.r, "hot")->total;
    check(near(hm->change, 5, 1e-9) && near(h1->change, 5, 1e-9), "runs: same pooled change");
    check(h1->beyond_noise, "runs: pooled into one run each, +5 pp of 3000 is beyond noise");
    check(near(hm->se[0], 10 / sqrt(3), 1e-6), "runs: between-run SE is sd / sqrt(runs)");
    check(hm->high - hm->low > 5 * (h1->high - h1->low) && !hm->beyond_noise,
          "runs: the spread widens the interval: +5 pp is noise");
    check(near(function_named(&calm.r, "hot")->total.se[0], sqrt(0.21 / 2000) * 100, 1e-9),
          "runs: identical runs fall back to the binomial SE");
    check(many.r.sides[0].runs == 3 && many.r.sides[0].samples == 3000, "runs: sides pool runs");
    pair_free(&many);
    pair_free(&one);
    pair_free(&calm);
}

static void test_different_rates_compare_by_share(void)
{
    struct pair same = {.runs = {{hot_cold(700, 300, 10, 100)}, {hot_cold(14000, 6000, 20, 1000)}}};
    struct pair moved = {
        .runs = {{hot_cold(700, 300, 10, 100)}, {hot_cold(12000, 8000, 20, 1000)}}};

    check(pair_compute(&same) == 0 && pair_compute(&moved) == 0, "rates: diffs compute");
    check(beyond_noise_count(&same.r) == 0 && function_named(&same.r, "hot")->total.change == 0,
          "rates: the same split at 20x the samples is no change");
    check(near(same.r.sides[0].samples_per_second, 100, 1e-9) &&
              near(same.r.sides[1].samples_per_second, 1000, 1e-9) &&
              near(same.r.sides[1].rate_hz, 1000, 1e-9),
          "rates: samples per second per side");
    check(near(function_named(&moved.r, "hot")->total.change, -10, 1e-9) &&
              function_named(&moved.r, "hot")->total.beyond_noise,
          "rates: a real shift still shows");
    pair_free(&same);
    pair_free(&moved);
}

static void test_states_gil_and_lock_sites_move(void)
{
    struct pair p = {.runs = {{locking(620, 380)}, {locking(80, 920)}}};

    check(pair_compute(&p) == 0, "locks: diff computes");
    const struct diff_measure *wait = &p.r.states[STATE_LOCK_WAIT];
    check(near(wait->share[0], 62, 1e-9) && near(wait->share[1], 8, 1e-9) && wait->beyond_noise,
          "locks: lock-wait 62% -> 8%");
    check(near(p.r.states[STATE_RUNNING].change, 54, 1e-9) &&
              p.r.states[STATE_UNKNOWN].count[1] == 0,
          "locks: running +54 pp, nothing unknown");
    check(near(p.r.gil.share[0], 38, 1e-9) && near(p.r.gil.share[1], 92, 1e-9),
          "locks: GIL held 38% -> 92%");
    check(p.r.lock_site_count == 1 && strcmp(p.r.lock_sites[0].name, "critical_section") == 0 &&
              p.r.lock_sites[0].line == 12 && near(p.r.lock_sites[0].wait.share[0], 62, 1e-9),
          "locks: the site is critical_section (app.py:12)");
    check(p.r.function_count == 3, "locks: a task root is not a function");
    char *table = render(&p, TABLE, NULL);
    check(strstr(table, "\n  lock-wait in critical_section (app.py:12)   62.0% ->   8.0%   "
                        "-54.0  [-57.4, -50.6]    *\n") != NULL,
          "locks: table shows the site");
    check(strstr(table, "\n  lock-wait         62.0% ->   8.0%   -54.0  [-57.4, -50.6]    *\n") &&
              strstr(table, "\n  holding the GIL   38.0% ->  92.0%   +54.0  [+50.6, +57.4]    *\n"),
          "locks: table shows the state and the GIL");
    check(!strstr(table, "no sample has a classified state"), "locks: states classified");
    free(table);
    pair_free(&p);
}

/* ---- the writers -------------------------------------------------------------- */

static void test_table_has_the_expected_lines(void)
{
    struct pair p = {.runs = {{hot_cold(7000, 3000, 10, 1000)}, {hot_cold(3000, 7000, 10, 1000)}}};
    char *plain, *colored;

    check(pair_compute(&p) == 0, "table: diff computes");
    plain = render(&p, TABLE, NULL);
    colored = render(&p, TABLE_COLOR, NULL);
    check(strstr(plain,
                 "before: 1 run, 10000 samples in 10.0 s, 1000.0 samples/s, 1000 Hz\n"
                 "after:  1 run, 10000 samples in 10.0 s, 1000.0 samples/s, 1000 Hz\n") == plain,
          "table: side summaries");
    check(strstr(plain, "\n\nfunction  file    total before -> after  change  95% interval      "
                        "self before -> after\n"
                        "cold      app.py        30.0% ->  70.0%   +40.0  [+38.7, +41.3]  "
                        "       30.0% ->  70.0%  *\n"
                        "hot       app.py        70.0% ->  30.0%   -40.0  [-41.3, -38.7]  "
                        "       70.0% ->  30.0%  *\n"
                        "main      app.py       100.0% -> 100.0%     0.0  [0.0, 0.0]      "
                        "        0.0% ->   0.0%\n\n") != NULL,
          "table: aligned rows, largest change first, * beyond noise");
    check(strstr(plain, "\n  unknown          100.0% -> 100.0%     0.0  [0.0, 0.0]\n"
                        "  (no sample has a classified state in these profiles)\n") &&
              strstr(plain, "  (no sample waited on a lock)\n"),
          "table: unclassified states still print, with a note");
    check(strchr(plain, '\033') == NULL, "table: no colour unless asked");
    check(strstr(colored, "\033[31mcold") && strstr(colored, "\033[94mhot") &&
              strstr(colored, "\033[2mmain"),
          "table: red grew, blue shrank, dim within noise");
    free(plain);
    free(colored);
    pair_free(&p);
}

static void test_table_cleans_names_from_the_target(void)
{
    struct pair p = {.runs = {{built_new(1, 100)}, {built_new(1, 100)}}};

    for (int side = 0; side < 2; side++) {
        struct built *b = p.runs[side][0];
        built_stack(b, 5, 0, 0,
                    (const uint32_t[]){built_frame(b, "evil\033[2Jname\xff", "ю.py", 1)}, 1);
    }
    check(pair_compute(&p) == 0, "clean: diff computes");
    char *table = render(&p, TABLE, NULL);
    check(strstr(table, "\nevil?[2Jname?  ю.py  ") && !strchr(table, '\033'),
          "clean: control bytes and invalid UTF-8 become ?, UTF-8 counts as one column");
    free(table);
    pair_free(&p);
}

static void test_json_parses_with_every_number(void)
{
    struct pair p = {.runs = {{locking(620, 380)}, {locking(80, 920)}}};

    check(pair_compute(&p) == 0, "json: diff computes");
    char *json = render(&p, JSON, NULL);
    check(
        python_accepts(json,
                       "import json,sys; d=json.load(open(sys.argv[1])); "
                       "f={x[\"name\"]:x for x in d[\"functions\"]}; c=f[\"compute\"][\"total\"]; "
                       "assert abs(c[\"change\"]-54)<1e-6 and c[\"beyond_noise\"] is True; "
                       "assert c[\"samples_before\"]==380 and c[\"ci_low\"]<54<c[\"ci_high\"]; "
                       "s={x[\"state\"]:x for x in d[\"states\"]}; assert len(s)==8; "
                       "assert abs(s[\"lock-wait\"][\"before\"]-62)<1e-6; "
                       "assert abs(d[\"gil\"][\"after\"]-92)<1e-6; w=d[\"lock_wait_sites\"][0]; "
                       "assert w[\"line\"]==12 and abs(w[\"wait\"][\"after\"]-8)<1e-6; "
                       "assert d[\"before\"][\"samples\"]==1000; "
                       "assert d[\"after\"][\"samples_per_second\"]==100",
                       NULL),
        "json: parses and carries every number");
    free(json);
    pair_free(&p);
}

static void test_svg_is_a_well_formed_differential_flamegraph(const char *keep)
{
    struct pair p = {.runs = {{hot_cold(7000, 3000, 10, 1000)}, {hot_cold(3000, 7000, 10, 1000)}}};

    p.runs[1][0]->thread.tid = 2002; /* another process: threads match by name */
    for (int side = 0; side < 2; side++) {
        struct built *b = p.runs[side][0];
        built_stack(b, 20, 0, 0, (const uint32_t[]){built_frame(b, "<odd> & \"x\"", "x.py", 1)}, 1);
    }
    check(pair_compute(&p) == 0, "svg: diff computes");
    char *svg = render(&p, SVG, "app.py <before & after>");
    check(
        python_accepts(svg, "import xml.dom.minidom,sys; xml.dom.minidom.parse(sys.argv[1])", keep),
        "svg: well-formed XML");
    check(strstr(svg, ">app.py &lt;before &amp; after&gt;</text>") &&
              strstr(svg, "<title>&lt;odd&gt; &amp; &quot;x&quot; (x.py)\n"),
          "svg: title and names escaped");
    check(strstr(svg, "<title>thread:MainThread\nbefore 100.00%, after 100.00%") != NULL,
          "svg: threads match by name across processes");
    check(bar_has(svg, "<title>cold (app.py)\nbefore 29.94%, after 69.86%, +39.92 pp (95% interval",
                  "fill=\"rgb(225,60,45)\""),
          "svg: the grown frame is full red, its tooltip has before, after, change");
    check(bar_has(svg, "<title>hot (app.py)\nbefore 69.86%, after 29.94%, -39.92 pp",
                  "fill=\"rgb(70,120,235)\""),
          "svg: the shrunk frame is full blue");
    check(bar_has(svg, "<title>main (app.py)\n", "within noise") &&
              bar_has(svg, "<title>main (app.py)\n", "fill=\"rgb(200,200,200)\""),
          "svg: the unchanged frame is grey");
    check(strstr(svg, "id=\"legend\"") && strstr(svg, ">shrank<") && strstr(svg, ">grew<") &&
              strstr(svg, "full colour = 39.9 pp; grey = within noise"),
          "svg: a legend explains the colours");
    check(strstr(svg, "Reset zoom") && strstr(svg, "Search (Ctrl-F)") &&
              strstr(svg, "function zoom(target)") && strstr(svg, "data-total=\"10020\""),
          "svg: the main flamegraph's controls and script");
    check(strstr(svg, "before: 1 run, 10020 samples (1002.0/s); after: 1 run, 10020 samples") !=
              NULL,
          "svg: the subtitle summarises both sides");
    free(svg);
    pair_free(&p);
}

static void test_svg_pools_runs_and_their_spread(void)
{
    struct pair p = {.runs = {{hot_cold(600, 400, 1, 1000), hot_cold(800, 200, 1, 1000)},
                              {hot_cold(650, 350, 1, 1000), hot_cold(850, 150, 1, 1000)}}};

    check(pair_compute(&p) == 0, "runs svg: diff computes");
    char *svg = render(&p, SVG, NULL);
    check(strstr(svg, ">Differential flame graph</text>") &&
              strstr(svg, "before: 2 runs, 2000 samples (1000.0/s); after: 2 runs, 2000 samples"),
          "runs svg: runs pooled, default title");
    check(
        bar_has(svg, "<title>hot (app.py)\nbefore 70.00%, after 75.00%, +5.00 pp", "within noise"),
        "runs svg: bars use the run-to-run spread too");
    free(svg);
    pair_free(&p);
}

static void test_deep_stacks_do_not_recurse(void)
{
    struct pair p = {.runs = {{built_new(1, 100)}, {built_new(1, 100)}}};
    uint32_t *frames = malloc(DEEP * sizeof *frames);

    if (!frames)
        abort();
    for (int side = 0; side < 2; side++) {
        for (int i = 0; i < DEEP; i++)
            frames[i] = built_frame(p.runs[side][0], "recurse", "deep.py", 3 + (i + side) % 2);
        built_stack(p.runs[side][0], 10, 0, 0, frames, DEEP);
    }
    check(pair_compute(&p) == 0 && p.r.function_count == 1 && p.r.functions[0].total.count[0] == 10,
          "deep: 5000 recursive frames count once");
    char *svg = render(&p, SVG, NULL);
    check(strstr(svg, "</svg>") != NULL, "deep: a 5000-level svg");
    free(svg);
    free(frames);
    pair_free(&p);
}

static void test_errors_are_reported(void)
{
    struct pair bad = {.runs = {{hot_cold(70, 30, 1, 100)}, {hot_cold(70, 30, 1, 100)}}};
    struct pair empty = {.runs = {{NULL}, {hot_cold(70, 30, 1, 100)}}};
    FILE *full = fopen("/dev/full", "w");

    bad.runs[1][0]->frame_ids[0][1] = 99;
    errno = 0;
    check(pair_compute(&bad) == -1 && errno == EINVAL && bad.r.function_count == 0,
          "errors: a frame index out of range is EINVAL");
    errno = 0;
    check(diff_svg_write(stdout, &bad.sides[0], &bad.sides[1], NULL, NULL) == -1 && errno == EINVAL,
          "errors: the svg rejects it too");
    check(diff_compute(NULL, &bad.sides[0], &bad.r) == -1 && errno == EINVAL, "errors: NULL side");
    check(pair_compute(&empty) == 0 && empty.r.function_count == 3,
          "errors: an empty side computes");
    check(!empty.r.functions[0].total.beyond_noise && empty.r.functions[0].total.low == -100 &&
              empty.r.functions[0].total.high == 100 && !diff_regressed(&empty.r, 0, NULL, 0),
          "errors: without samples on a side nothing is beyond noise");
    if (full) {
        errno = 0;
        check(diff_table_write(full, &empty.r, 0) == -1 && errno == ENOSPC, "errors: table ENOSPC");
        clearerr(full);
        errno = 0;
        check(diff_json_write(full, &empty.r) == -1 && errno == ENOSPC, "errors: json ENOSPC");
        clearerr(full);
        errno = 0;
        check(diff_svg_write(full, &empty.sides[0], &empty.sides[1], &empty.r, NULL) == -1 &&
                  errno == ENOSPC,
              "errors: svg ENOSPC");
        fclose(full);
    }
    pair_free(&bad);
    pair_free(&empty);
}

static void test_numbers_ignore_the_locale(void)
{
    char b[48];

    check(strcmp(diff_format_number(b, sizeof b, 12.345678, 2, 1), "+12.35") == 0 &&
              strcmp(diff_format_number(b, sizeof b, -0.04, 1, 1), "0.0") == 0 &&
              strcmp(diff_format_number(b, sizeof b, -7.5, 0, 0), "-8") == 0 &&
              strcmp(diff_format_number(b, sizeof b, 0.0000015, 6, 0), "0.000002") == 0 &&
              strcmp(diff_format_number(b, sizeof b, NAN, 2, 0), "0.00") == 0 &&
              strcmp(diff_format_number(b, sizeof b, 3e12, 2, 0), "3000000000000") == 0,
          "numbers: signs, rounding, NaN and huge values without printf's %f");
}

int main(int argc, char **argv)
{
    test_swapped_split_is_a_40_point_change_beyond_noise();
    test_two_draws_of_one_distribution_are_within_noise();
    test_recursion_counts_once_in_total_share();
    test_run_to_run_spread_widens_the_interval();
    test_different_rates_compare_by_share();
    test_states_gil_and_lock_sites_move();
    test_table_has_the_expected_lines();
    test_table_cleans_names_from_the_target();
    test_json_parses_with_every_number();
    test_svg_is_a_well_formed_differential_flamegraph(argc > 1 ? argv[1] : NULL);
    test_svg_pools_runs_and_their_spread();
    test_deep_stacks_do_not_recurse();
    test_errors_are_reported();
    test_numbers_ignore_the_locale();
    return check_summary();
}
