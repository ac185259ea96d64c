/* formats_test.c - the speedscope, pprof and Chrome trace writers on hand-built profiles.
 *
 * A standalone program (no test framework).  The sample profile has two
 * threads (one named in Cyrillic), nested stacks that share prefixes, an
 * asyncio task root, a marker frame, a ';' and invalid UTF-8 in names, two
 * frames that print alike, a stack with no samples, and a timeline with
 * repeated stacks and a pause in sampling.  The checks read the outputs
 * back: the JSON ones line by line (each event / sample list is on its own
 * line) and through python3's json module; the pprof one by gunzipping it
 * and walking its protobuf fields.  A second profile is 4,096 frames deep,
 * a third has 100,000 stacks, and broken profiles and a full disk must fail
 * cleanly.  A fourth covers two processes (record --subprocesses).
 *
 *     formats_test [OUTDIR]   prints "N passed, N failed", exits 1 on failure;
 *                             with OUTDIR, leaves the files there (plus
 *                             expect.json) for tests/test_formats_validation.py */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "../../output/profile.h"

#define MS 1000000ull /* nanoseconds */
#define DEEP_DEPTH 4096
#define WIDE_STACKS 100000

#include "check.h"

/* A writer's output in memory. */
struct output {
    char *data;
    size_t size;
    int rc;
    int error; /* errno after a failure */
};

static struct output render(int (*writer)(FILE *, const struct profile *), const struct profile *profile)
{
    struct output o = {NULL, 0, -1, 0};
    FILE *out = open_memstream(&o.data, &o.size);

    if (!out)
        return o;
    errno = 0;
    o.rc = writer(out, profile);
    o.error = errno;
    if (fclose(out) != 0)
        o.rc = -1;
    return o;
}

static int save(const char *dir, const char *name, const struct output *o)
{
    char path[4096];
    FILE *f;

    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "wb");
    if (!f)
        return -1;
    if (fwrite(o->data, 1, o->size, f) != o->size) {
        fclose(f);
        return -1;
    }
    return fclose(f);
}

/* ---- the sample profile ------------------------------------------------ */

static const struct profile_frame frames[] = {
    {"main", "app.py", 10},          /* 0 */
    {"Worker.run", "worker.py", 42}, /* 1 */
    {"compute;fast", "calc.py", 7},  /* 2: ';' in the name */
    {"helper", "calc.py", 0},        /* 3: line 0 is real */
    {"[truncated]", "", 0},          /* 4: marker, no file */
    {"task:fetch", "", 0},           /* 5: task root */
    {"fetch_page", "net.py", -1},    /* 6: unknown line */
    {"main", "app.py", 10},          /* 7: prints like 0, another interned frame */
    {"x\xff\xc3y", "x.py", 1},       /* 8: invalid UTF-8 */
};

static const struct profile_thread threads[] = {{1001, "MainThread", 0}, {1002, "работник-1", 0}};

static const uint32_t s0[] = {0, 1, 2}, s1[] = {0, 1, 3}, s2[] = {0, 1}, s3[] = {0, 5, 6}, s4[] = {7, 8};

static const struct profile_stack stacks[] = {
    {0, 3, s0, 4, STATE_RUNNING, 1, NULL, 0},    /* 0 */
    {0, 3, s1, 2, STATE_GIL_WAIT, 0, NULL, 0},   /* 1 */
    {0, 2, s2, 1, STATE_LOCK_WAIT, 0, NULL, 0},  /* 2 */
    {1, 3, s3, 2, STATE_AWAITING, 0, "fetch", 0}, /* 3 */
    {1, 2, s4, 1, STATE_IO_WAIT, 1, NULL, 0},    /* 4 */
    {1, 3, s0, 0, STATE_RUNNING, 1, NULL, 0},    /* 5: no samples */
};

/* Period 10 ms.  MainThread: S0 x3, S1 x2, S2, then nothing for 50 ms, S0.
 * работник-1: S3 x2, S4, offset by 5 ms. */
static const struct profile_sample timeline[] = {
    {0 * MS, 0},  {5 * MS, 3},  {10 * MS, 0}, {15 * MS, 3}, {20 * MS, 0},
    {25 * MS, 4}, {30 * MS, 1}, {40 * MS, 1}, {50 * MS, 2}, {100 * MS, 0},
};

static struct profile sample_profile(int with_timeline)
{
    struct profile p = {0};

    p.command = "python3 app.py --name \"x\"";
    p.python_version = "3.12.1";
    p.pid = 4242;
    p.duration_s = 0.11;
    p.rate_hz = 100;
    p.mode = "wall";
    p.samples = 10;
    p.frames = frames;
    p.frame_count = sizeof frames / sizeof frames[0];
    p.threads = threads;
    p.thread_count = 2;
    p.stacks = stacks;
    p.stack_count = sizeof stacks / sizeof stacks[0];
    p.interval_ns = 1e7;
    if (with_timeline) {
        p.timeline = timeline;
        p.timeline_count = sizeof timeline / sizeof timeline[0];
    }
    return p;
}

/* ---- reading JSON output back, line by line ---------------------------- */

/* strstr by hand: sanitizers' strstr measures the whole haystack on every
 * call, which makes a walk over a 30 MB trace quadratic. */
static const char *find(const char *from, const char *needle)
{
    size_t len = strlen(needle);

    for (; *from; from++)
        if (*from == *needle && strncmp(from, needle, len) == 0)
            return from;
    return NULL;
}

/* The k-th (0-based) "weights":[...] list: fills w[], returns its length. */
static size_t speedscope_weights(const char *text, size_t k, uint64_t *w, size_t cap)
{
    const char *p = text;
    size_t n = 0;

    for (size_t i = 0; i <= k; i++)
        if (!p || !(p = find(p, "\"weights\":[")))
            return 0;
        else if (i < k)
            p++;
    p += strlen("\"weights\":[");
    while (*p && *p != ']' && n < cap) {
        char *end;
        w[n++] = strtoull(p, &end, 10);
        p = *end == ',' ? end + 1 : end;
    }
    return n;
}

static size_t count_occurrences(const char *haystack, const char *needle)
{
    size_t count = 0;

    for (const char *p = find(haystack, needle); p; p = find(p + 1, needle))
        count++;
    return count;
}

struct x_event {
    uint64_t tid;
    uint64_t ts_ns, dur_ns;
    char name[64];
    char state[16];
};

/* Parses one X event line as chrome_trace.c prints it; 0 on success. */
static int parse_x_event(const char *text, struct x_event *e)
{
    unsigned long long tid, ts_us, dur_us;
    unsigned ts_frac, dur_frac;
    const char *name, *state;
    char line[512];
    size_t len = 0;

    /* a copy of the line: sscanf on the whole output would measure it every time */
    while (text[len] && text[len] != '\n' && len < sizeof line)
        len++;
    if (len >= sizeof line)
        return -1;
    memcpy(line, text, len);
    line[len] = '\0';

    if (sscanf(line, "{\"ph\":\"X\",\"pid\":%*d,\"tid\":%llu,\"ts\":%llu.%3u,\"dur\":%llu.%3u", &tid, &ts_us,
               &ts_frac, &dur_us, &dur_frac) != 5)
        return -1;
    e->tid = tid;
    e->ts_ns = ts_us * 1000 + ts_frac;
    e->dur_ns = dur_us * 1000 + dur_frac;
    name = strstr(line, "\"name\":\"");
    state = strstr(line, "\"state\":\"");
    if (!name || !state)
        return -1;
    sscanf(name + 8, "%63[^\"]", e->name);
    sscanf(state + 9, "%15[^\"]", e->state);
    return 0;
}

/* All X events of a trace, in file order (caller frees); *count gets how many. */
static struct x_event *x_events(const char *text, size_t *count)
{
    size_t cap = count_occurrences(text, "{\"ph\":\"X\"");
    struct x_event *events = calloc(cap ? cap : 1, sizeof *events);

    *count = 0;
    if (!events)
        return NULL;
    for (const char *line = find(text, "{\"ph\":\"X\""); line && *count < cap;
         line = find(line + 1, "{\"ph\":\"X\""))
        if (parse_x_event(line, &events[*count]) == 0)
            (*count)++;
    return events;
}

/* 1 when, thread by thread, the events come parents first in time order
 * and nest: each lies inside the innermost earlier event still open, or
 * after it.  So no two events of a thread partially overlap. */
static int x_events_nest(const struct x_event *e, size_t n)
{
    size_t *open = malloc((n ? n : 1) * sizeof *open);
    size_t depth = 0;
    int ok = open != NULL;

    for (size_t i = 0; i < n && ok; i++) {
        uint64_t start = e[i].ts_ns, end = e[i].ts_ns + e[i].dur_ns;

        if (i > 0 && e[i].tid != e[i - 1].tid)
            depth = 0; /* threads are written one after the other */
        else if (i > 0 && start < e[i - 1].ts_ns)
            ok = 0;
        while (depth > 0 && e[open[depth - 1]].ts_ns + e[open[depth - 1]].dur_ns <= start)
            depth--;
        if (depth > 0 && end > e[open[depth - 1]].ts_ns + e[open[depth - 1]].dur_ns)
            ok = 0;
        if (e[i].dur_ns == 0)
            ok = 0;
        open[depth++] = i;
    }
    free(open);
    return ok;
}

/* ---- reading pprof back: gunzip, then walk the protobuf ---------------- */

#define MAX_LABEL_KEY 4096

struct pprof_summary {
    size_t samples, locations, functions;
    uint64_t totals[2]; /* sums of value[0] (count) and value[1] (wall ns) */
    size_t max_depth;
    uint64_t max_location_id;
    size_t label_keys[MAX_LABEL_KEY]; /* labels seen, by key string id */
    char **strings;                   /* the string table */
    size_t string_count;
};

static int gunzip(const struct output *o, unsigned char **data, size_t *size)
{
    z_stream z = {0};
    size_t cap = 1 << 16;
    int rc = Z_DATA_ERROR;

    *size = 0;
    *data = malloc(cap);
    if (!*data || inflateInit2(&z, 15 + 16) != Z_OK)
        return -1;
    z.next_in = (unsigned char *)o->data;
    z.avail_in = (uInt)o->size;
    for (;;) {
        if (*size == cap) {
            unsigned char *bigger = realloc(*data, cap * 2);
            if (!bigger)
                break;
            *data = bigger;
            cap *= 2;
        }
        z.next_out = *data + *size;
        z.avail_out = (uInt)(cap - *size);
        rc = inflate(&z, Z_NO_FLUSH);
        *size = cap - z.avail_out;
        if (rc != Z_OK)
            break;
    }
    inflateEnd(&z);
    return rc == Z_STREAM_END && z.avail_in == 0 ? 0 : -1;
}

static int pb_varint(const unsigned char **p, const unsigned char *end, uint64_t *value)
{
    *value = 0;
    for (int shift = 0; *p < end && shift < 64; shift += 7) {
        unsigned char byte = *(*p)++;
        *value |= (uint64_t)(byte & 0x7f) << shift;
        if (!(byte & 0x80))
            return 0;
    }
    return -1;
}

/* One field: its number, and its varint value or its bytes [*sub, *sub_end). */
static int pb_field(const unsigned char **p, const unsigned char *end, uint32_t *field, uint64_t *value,
                    const unsigned char **sub, const unsigned char **sub_end)
{
    uint64_t key, len;

    if (pb_varint(p, end, &key) < 0)
        return -1;
    *field = (uint32_t)(key >> 3);
    if ((key & 7) == 0)
        return pb_varint(p, end, value);
    if ((key & 7) != 2 || pb_varint(p, end, &len) < 0 || len > (uint64_t)(end - *p))
        return -1;
    *sub = *p;
    *sub_end = *p += len;
    return 0;
}

static int pprof_read_sample(struct pprof_summary *s, const unsigned char *p, const unsigned char *end)
{
    uint32_t field;
    uint64_t v;
    const unsigned char *q = NULL, *q_end = NULL;
    size_t values = 0, depth = 0;

    while (p < end) {
        if (pb_field(&p, end, &field, &v, &q, &q_end) < 0)
            return -1;
        if (field == 1)
            for (; q < q_end && pb_varint(&q, q_end, &v) == 0; depth++)
                if (v > s->max_location_id)
                    s->max_location_id = v;
        if (field == 2)
            for (; q < q_end && pb_varint(&q, q_end, &v) == 0; values++)
                if (values < 2)
                    s->totals[values] += v;
        if (field == 3) { /* a label: key = 1 */
            uint32_t f;
            const unsigned char *r, *r_end;
            while (q < q_end && pb_field(&q, q_end, &f, &v, &r, &r_end) == 0)
                if (f == 1 && v < MAX_LABEL_KEY)
                    s->label_keys[v]++;
        }
    }
    if (depth > s->max_depth)
        s->max_depth = depth;
    s->samples++;
    return values == 2 ? 0 : -1;
}

static int pprof_read_string(struct pprof_summary *s, const unsigned char *q, const unsigned char *q_end)
{
    char **bigger = realloc(s->strings, (s->string_count + 1) * sizeof *bigger);
    char *text;

    if (!bigger)
        return -1;
    s->strings = bigger;
    text = strndup((const char *)q, (size_t)(q_end - q));
    if (!text)
        return -1;
    s->strings[s->string_count++] = text;
    return 0;
}

static int pprof_summarize(const struct output *o, struct pprof_summary *s)
{
    unsigned char *data = NULL;
    size_t size;
    const unsigned char *p, *end;

    memset(s, 0, sizeof *s);
    if (o->size < 18 || (unsigned char)o->data[0] != 0x1f || (unsigned char)o->data[1] != 0x8b)
        return -1;
    if (gunzip(o, &data, &size) < 0) {
        free(data);
        return -1;
    }
    p = data;
    end = data + size;
    while (p < end) {
        uint32_t field;
        uint64_t v;
        const unsigned char *q = NULL, *q_end = NULL;

        if (pb_field(&p, end, &field, &v, &q, &q_end) < 0)
            break;
        if (field == 2 && pprof_read_sample(s, q, q_end) < 0)
            break;
        if (field == 6 && pprof_read_string(s, q, q_end) < 0)
            break;
        s->locations += field == 4;
        s->functions += field == 5;
    }
    free(data);
    return p == end ? 0 : -1;
}

static void pprof_summary_free(struct pprof_summary *s)
{
    for (size_t i = 0; i < s->string_count; i++)
        free(s->strings[i]);
    free(s->strings);
}

/* The string table id of text, or -1. */
static long pprof_string_id(const struct pprof_summary *s, const char *text)
{
    for (size_t i = 0; i < s->string_count; i++)
        if (strcmp(s->strings[i], text) == 0)
            return (long)i;
    return -1;
}

static size_t pprof_labels(const struct pprof_summary *s, const char *key)
{
    long id = pprof_string_id(s, key);

    return id > 0 && id < MAX_LABEL_KEY ? s->label_keys[id] : 0;
}

/* ---- the sample profile through each writer ----------------------------- */

static int weights_are(const char *text, size_t k, const uint64_t *expected, size_t n)
{
    uint64_t got[64];
    size_t count = speedscope_weights(text, k, got, 64);

    if (count != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (got[i] != expected[i] * MS)
            return 0;
    return 1;
}

static void test_speedscope_timeline(const char *dir)
{
    struct profile p = sample_profile(1);
    struct output o = render(speedscope_write, &p);
    static const uint64_t main_weights[] = {10, 10, 10, 10, 10, 50, 10}; /* uncapped to the next sample */
    static const uint64_t worker_weights[] = {10, 10, 10};

    check(o.rc == 0 && o.data, "speedscope with a timeline writes");
    if (o.rc != 0 || !o.data)
        return;
    check(strstr(o.data, "{\"$schema\":\"https://www.speedscope.app/file-format-schema.json\"") == o.data,
          "speedscope starts with its $schema");
    check(strstr(o.data, "\"exporter\":\"pyconc-prof\"") != NULL, "speedscope exporter");
    check(strstr(o.data, "\"name\":\"python3 app.py --name \\\"x\\\"\"") != NULL, "speedscope name is the escaped command");
    check(strstr(o.data, "\"activeProfileIndex\":0") != NULL, "busiest thread is the active profile");
    check(count_occurrences(o.data, "\"type\":\"sampled\"") == 2, "one sampled profile per thread");
    check(strstr(o.data, "\"name\":\"MainThread (tid 1001)\",\"unit\":\"nanoseconds\",\"startValue\":0,"
                         "\"endValue\":110000000") != NULL, "main thread profile name and range");
    check(strstr(o.data, "\"name\":\"работник-1 (tid 1002)\",\"unit\":\"nanoseconds\",\"startValue\":5000000,"
                         "\"endValue\":35000000") != NULL, "UTF-8 thread profile name and range");
    check(weights_are(o.data, 0, main_weights, 7), "main thread weights: time to the next sample");
    check(weights_are(o.data, 1, worker_weights, 3), "second thread weights");
    check(strstr(o.data, "\"samples\":[\n[0,1,2],\n[0,1,2],\n[0,1,2],\n[0,1,3],\n[0,1,3],\n[0,1],\n[0,1,2]]") != NULL,
          "main thread samples in time order, outermost first");
    check(strstr(o.data, "{\"name\":\"[truncated]\"}") != NULL, "a marker has no file or line");
    check(strstr(o.data, "{\"name\":\"task:fetch\"}") != NULL, "a task root has no file or line");
    check(strstr(o.data, "{\"name\":\"fetch_page\",\"file\":\"net.py\"}") != NULL, "an unknown line is left out");
    check(strstr(o.data, "{\"name\":\"helper\",\"file\":\"calc.py\",\"line\":0}") != NULL, "line 0 is kept");
    check(strstr(o.data, "{\"name\":\"compute;fast\",") != NULL, "';' kept in speedscope names");
    check(strstr(o.data, "{\"name\":\"x\\ufffd\\ufffdy\",") != NULL, "invalid UTF-8 becomes U+FFFD");
    if (dir)
        check(save(dir, "timeline.speedscope.json", &o) == 0, "save timeline.speedscope.json");
    free(o.data);
}

static void test_speedscope_aggregated(const char *dir)
{
    struct profile p = sample_profile(0);
    struct output o = render(speedscope_write, &p);
    static const uint64_t main_weights[] = {40, 20, 10}; /* count * period */
    static const uint64_t worker_weights[] = {20, 10};

    check(o.rc == 0 && o.data, "speedscope without a timeline writes");
    if (o.rc != 0 || !o.data)
        return;
    check(count_occurrences(o.data, "\"type\":\"sampled\"") == 2, "aggregated: one profile per thread");
    check(weights_are(o.data, 0, main_weights, 3), "aggregated main weights are count * period");
    check(weights_are(o.data, 1, worker_weights, 2), "aggregated weights skip stacks without samples");
    check(strstr(o.data, "\"startValue\":0,\"endValue\":70000000") != NULL, "aggregated range is the weight sum");
    if (dir)
        check(save(dir, "aggregated.speedscope.json", &o) == 0, "save aggregated.speedscope.json");
    free(o.data);
}

struct expected_event {
    uint64_t tid;
    uint64_t ts_ms, dur_ms;
    const char *name;
    const char *state;
};

/* Pre-order: parents first, then by time.  MainThread's run 0-70 ms merges
 * S0 x3, S1 x2 and S2 (S2 capped at 2 periods: sampling paused until 100). */
static const struct expected_event expected_events[] = {
    {1001, 0, 70, "main", "mixed"},
    {1001, 0, 70, "Worker.run", "mixed"},
    {1001, 0, 30, "compute;fast", "running"},
    {1001, 30, 20, "helper", "gil-wait"},
    {1001, 100, 10, "main", "running"},
    {1001, 100, 10, "Worker.run", "running"},
    {1001, 100, 10, "compute;fast", "running"},
    {1002, 5, 20, "main", "awaiting"},
    {1002, 5, 20, "task:fetch", "awaiting"},
    {1002, 5, 20, "fetch_page", "awaiting"},
    {1002, 25, 10, "main", "io-wait"}, /* frame 7: another frame, so a new event */
    {1002, 25, 10, "x\\ufffd\\ufffdy", "io-wait"},
};

static void test_chrome_trace(const char *dir)
{
    struct profile p = sample_profile(1);
    struct output o = render(chrome_trace_write, &p);
    size_t expected_count = sizeof expected_events / sizeof expected_events[0];
    struct x_event *events;
    size_t n;
    int same = 1;

    check(o.rc == 0 && o.data, "chrome trace writes");
    if (o.rc != 0 || !o.data)
        return;
    check(strstr(o.data, "{\"traceEvents\":[\n") == o.data, "chrome trace starts with traceEvents");
    check(strstr(o.data, "\"displayTimeUnit\":\"ms\"}") != NULL, "chrome trace display unit");
    check(count_occurrences(o.data, "\"ph\":\"M\"") == 3, "process and thread metadata");
    check(strstr(o.data, "\"name\":\"process_name\",\"args\":{\"name\":\"python3 app.py --name \\\"x\\\"\"}") != NULL,
          "process named after the command");
    check(strstr(o.data, "\"tid\":1002,\"name\":\"thread_name\",\"args\":{\"name\":\"работник-1\"}") != NULL,
          "UTF-8 thread name metadata");
    events = x_events(o.data, &n);
    check(events && n == count_occurrences(o.data, "\"ph\":\"X\""), "every X event line parses");
    check(n == expected_count, "X events: one per frame level and run");
    for (size_t i = 0; i < n && i < expected_count; i++) {
        const struct expected_event *e = &expected_events[i];
        if (events[i].tid != e->tid || events[i].ts_ns != e->ts_ms * MS || events[i].dur_ns != e->dur_ms * MS ||
            strcmp(events[i].name, e->name) != 0 || strcmp(events[i].state, e->state) != 0) {
            printf("  event %zu: tid %" PRIu64 " ts %" PRIu64 " dur %" PRIu64 " %s %s\n", i, events[i].tid,
                   events[i].ts_ns, events[i].dur_ns, events[i].name, events[i].state);
            same = 0;
        }
    }
    check(same, "X events: times, names and states as expected");
    check(x_events_nest(events, n), "X events of a thread nest, never partially overlap");
    free(events);
    check(count_occurrences(o.data, "\"task\":\"fetch\"") == 3, "task in the args of the task's frames");
    check(strstr(o.data, "\"name\":\"task:fetch\",\"cat\":\"python\",\"args\":{\"state\":\"awaiting\",\"task\":\"fetch\"}}") != NULL,
          "a task root has no file or line");
    check(strstr(o.data, "\"args\":{\"file\":\"calc.py\",\"line\":0,\"state\":\"gil-wait\"}") != NULL,
          "file and line 0 in args");
    check(strstr(o.data, "\"args\":{\"file\":\"net.py\",\"state\":\"awaiting\",\"task\":\"fetch\"}") != NULL,
          "unknown line left out of args");
    if (dir)
        check(save(dir, "profile.trace.json", &o) == 0, "save profile.trace.json");
    free(o.data);

    p = sample_profile(0);
    o = render(chrome_trace_write, &p);
    check(o.rc == -1 && o.error == EINVAL, "chrome trace without a timeline fails with EINVAL");
    free(o.data);
}

static void test_pprof(const char *dir)
{
    struct profile p = sample_profile(1);
    struct output o = render(pprof_write, &p);
    struct pprof_summary s;

    check(o.rc == 0 && o.data, "pprof writes");
    if (o.rc != 0 || !o.data)
        return;
    check(pprof_summarize(&o, &s) == 0, "pprof gunzips and parses as protobuf");
    check(s.samples == 5, "one pprof sample per stack with samples");
    check(s.totals[0] == 10, "pprof sample counts add up to the profile's");
    check(s.totals[1] == 10 * 10 * MS, "pprof wall values are count * period");
    check(s.string_count > 0 && s.strings[0][0] == '\0', "string_table[0] is empty");
    check(s.functions == 8, "one function per distinct (name, file)");
    check(s.locations == 8, "one location per distinct (function, line)");
    check(s.max_location_id == 8, "location ids count from 1");
    check(s.max_depth == 3, "samples carry their stack");
    check(pprof_labels(&s, "thread") == 5 && pprof_labels(&s, "thread_id") == 5 &&
              pprof_labels(&s, "state") == 5, "thread, thread_id and state labels on every sample");
    check(pprof_labels(&s, "task") == 1, "task label on the task's sample only");
    check(pprof_string_id(&s, "pid") < 0 && pprof_string_id(&s, "process") < 0,
          "no process labels without process roots");
    check(pprof_string_id(&s, "работник-1") > 0, "UTF-8 thread name in the string table");
    check(pprof_string_id(&s, "compute;fast") > 0, "';' kept in pprof names");
    check(pprof_string_id(&s, "x??y") > 0, "invalid UTF-8 cleaned to '?'");
    check(pprof_string_id(&s, "gil-wait") > 0 && pprof_string_id(&s, "samples") > 0 &&
              pprof_string_id(&s, "nanoseconds") > 0, "state and sample type names");
    if (dir)
        check(save(dir, "profile.pb.gz", &o) == 0, "save profile.pb.gz");
    pprof_summary_free(&s);
    free(o.data);
}

/* ---- two processes (record --subprocesses) ------------------------------ */

/* app.py (4242) with MainThread and Thread-1, and its worker
 * ForkPoolWorker-1 (4250), listed between the parent's two threads so the
 * writers must group by process themselves. */
static const struct profile_process two_processes[] = {{4242, 1, "app.py"},
                                                       {4250, 4242, "ForkPoolWorker-1"}};
static const struct profile_thread two_process_threads[] = {
    {4242, "MainThread", 0}, {4250, "MainThread", 1}, {4244, "Thread-1", 0}};
static const struct profile_frame two_process_frames[] = {{"main", "app.py", 3}, {"work", "app.py", 10}};
static const uint32_t tp_main[] = {0}, tp_work[] = {0, 1};
static const struct profile_stack two_process_stacks[] = {
    {0, 1, tp_main, 3, STATE_RUNNING, 1, NULL, 0},
    {1, 2, tp_work, 4, STATE_RUNNING, 1, NULL, 0},
    {2, 1, tp_main, 2, STATE_SLEEPING, 0, NULL, 0},
};
static const struct profile_sample two_process_timeline[] = {
    {0 * MS, 0},  {0 * MS, 1},  {0 * MS, 2},  {10 * MS, 0}, {10 * MS, 1},
    {10 * MS, 2}, {20 * MS, 0}, {20 * MS, 1}, {30 * MS, 1},
};

static struct profile two_process_profile(void)
{
    struct profile p = {0};

    p.command = "python3 app.py";
    p.pid = 4242;
    p.rate_hz = 100;
    p.interval_ns = 1e7;
    p.samples = 9;
    p.frames = two_process_frames;
    p.frame_count = 2;
    p.threads = two_process_threads;
    p.thread_count = 3;
    p.stacks = two_process_stacks;
    p.stack_count = 3;
    p.timeline = two_process_timeline;
    p.timeline_count = sizeof two_process_timeline / sizeof two_process_timeline[0];
    p.processes = two_processes;
    p.process_count = 2;
    p.process_roots = 1;
    return p;
}

static void test_chrome_trace_per_process(const char *dir)
{
    struct profile p = two_process_profile();
    struct output o = render(chrome_trace_write, &p);

    check(o.rc == 0 && o.data, "chrome trace of two processes writes");
    if (o.rc != 0 || !o.data)
        return;
    check(count_occurrences(o.data, "\"name\":\"process_name\"") == 2, "one process_name per process");
    check(strstr(o.data, "{\"ph\":\"M\",\"pid\":4242,\"tid\":0,\"name\":\"process_name\","
                         "\"args\":{\"name\":\"app.py (4242)\"}}") != NULL,
          "the parent is named NAME (PID)");
    check(strstr(o.data, "{\"ph\":\"M\",\"pid\":4250,\"tid\":0,\"name\":\"process_name\","
                         "\"args\":{\"name\":\"ForkPoolWorker-1 (4250)\"}}") != NULL,
          "the worker is named NAME (PID)");
    check(strstr(o.data, "python3 app.py") == NULL, "no process named after the command");
    check(strstr(o.data, "{\"ph\":\"M\",\"pid\":4250,\"tid\":4250,\"name\":\"thread_name\"") != NULL &&
              strstr(o.data, "{\"ph\":\"M\",\"pid\":4242,\"tid\":4244,\"name\":\"thread_name\"") != NULL,
          "thread_name carries the thread's process pid");
    check(count_occurrences(o.data, "{\"ph\":\"X\",\"pid\":4250,\"tid\":4250,") == 2 &&
              count_occurrences(o.data, "{\"ph\":\"X\",\"pid\":4242,\"tid\":4242,") == 1 &&
              count_occurrences(o.data, "{\"ph\":\"X\",\"pid\":4242,\"tid\":4244,") == 1,
          "X events carry the thread's process pid");
    check(count_occurrences(o.data, "\"pid\":4242,\"tid\":4250") == 0, "no worker thread under the parent");
    if (dir)
        check(save(dir, "processes.trace.json", &o) == 0, "save processes.trace.json");
    free(o.data);
}

static void test_speedscope_per_process(const char *dir)
{
    struct profile p = two_process_profile();
    struct output o = render(speedscope_write, &p);
    const char *parent_main, *parent_thread, *worker;

    check(o.rc == 0 && o.data, "speedscope of two processes writes");
    if (o.rc != 0 || !o.data)
        return;
    parent_main = strstr(o.data, "\"name\":\"process:4242:app.py thread:MainThread:4242\"");
    parent_thread = strstr(o.data, "\"name\":\"process:4242:app.py thread:Thread-1:4244\"");
    worker = strstr(o.data, "\"name\":\"process:4250:ForkPoolWorker-1 thread:MainThread:4250\"");
    check(parent_main && parent_thread && worker, "profiles named process:PID:NAME thread:NAME:TID");
    check(parent_main < parent_thread && parent_thread < worker, "profiles grouped by process");
    check(strstr(o.data, "\"activeProfileIndex\":2") != NULL,
          "the busiest (the worker) is active, counted in written order");
    if (dir)
        check(save(dir, "processes.speedscope.json", &o) == 0, "save processes.speedscope.json");
    free(o.data);
}

static void test_pprof_per_process(void)
{
    struct profile p = two_process_profile();
    struct output o = render(pprof_write, &p);
    struct pprof_summary s;

    check(o.rc == 0 && pprof_summarize(&o, &s) == 0, "pprof of two processes parses");
    check(pprof_labels(&s, "pid") == 3 && pprof_labels(&s, "process") == 3,
          "pid and process labels on every sample");
    check(pprof_string_id(&s, "ForkPoolWorker-1") > 0 && pprof_string_id(&s, "app.py") > 0,
          "process names in the string table");
    pprof_summary_free(&s);
    free(o.data);

    /* A thread whose process index is out of range has no process labels. */
    static const struct profile_thread stray[] = {
        {4242, "MainThread", 0}, {4250, "MainThread", 7}, {4244, "Thread-1", 0}};
    p.threads = stray;
    o = render(pprof_write, &p);
    check(o.rc == 0 && pprof_summarize(&o, &s) == 0 && pprof_labels(&s, "pid") == 2,
          "a bad process index means no process, not a crash");
    pprof_summary_free(&s);
    free(o.data);
}

/* ---- a stack 4,096 frames deep ----------------------------------------- */

static const struct profile_frame deep_frames[] = {{"[truncated]", "", 0}, {"recurse", "deep.py", 3}};
static const struct profile_thread deep_threads[] = {{7, "deep", 0}};

static void test_deep(const char *dir)
{
    static uint32_t deep_stack[DEEP_DEPTH];
    static const struct profile_sample deep_timeline[] = {{0, 0}, {10 * MS, 0}};
    struct profile_stack stack = {0, DEEP_DEPTH, deep_stack, 2, STATE_RUNNING, 1, NULL, 0};
    struct profile p = {0};
    struct output o;
    struct pprof_summary s;
    struct x_event *events;
    size_t n;

    for (size_t i = 1; i < DEEP_DEPTH; i++)
        deep_stack[i] = 1;
    p.pid = 1;
    p.samples = 2;
    p.frames = deep_frames;
    p.frame_count = 2;
    p.threads = deep_threads;
    p.thread_count = 1;
    p.stacks = &stack;
    p.stack_count = 1;
    p.timeline = deep_timeline;
    p.timeline_count = 2;
    p.interval_ns = 1e7;

    o = render(speedscope_write, &p);
    check(o.rc == 0 && o.data && strstr(o.data, "\n[0,1,1,1,") && count_occurrences(o.data, ",1") >= 2 * (DEEP_DEPTH - 1),
          "deep stack in speedscope");
    if (dir && o.rc == 0)
        check(save(dir, "deep.speedscope.json", &o) == 0, "save deep.speedscope.json");
    free(o.data);

    o = render(chrome_trace_write, &p);
    events = o.rc == 0 && o.data ? x_events(o.data, &n) : NULL;
    check(events && n == DEEP_DEPTH, "deep stack: one X event per level, both samples merged");
    check(events && x_events_nest(events, n) && events[DEEP_DEPTH - 1].dur_ns == 20 * MS, "deep X events nest");
    free(events);
    if (dir && o.rc == 0)
        check(save(dir, "deep.trace.json", &o) == 0, "save deep.trace.json");
    free(o.data);

    o = render(pprof_write, &p);
    check(o.rc == 0 && pprof_summarize(&o, &s) == 0 && s.max_depth == DEEP_DEPTH && s.locations == 2 &&
              s.totals[0] == 2,
          "deep stack in pprof");
    if (dir && o.rc == 0)
        check(save(dir, "deep.pb.gz", &o) == 0, "save deep.pb.gz");
    pprof_summary_free(&s);
    free(o.data);
}

/* ---- 100,000 stacks on 64 threads, 100,000 samples --------------------- */

static void test_wide(void)
{
    enum { THREADS = 64, FRAMES = 1000, SAMPLES = WIDE_STACKS };
    static char names[FRAMES][16];
    static struct profile_frame wide_frames[FRAMES];
    static struct profile_thread wide_threads[THREADS];
    static uint32_t ids[WIDE_STACKS][3];
    static struct profile_stack wide_stacks[WIDE_STACKS];
    static struct profile_sample wide_timeline[SAMPLES];
    struct profile p = {0};
    struct output o;
    struct pprof_summary s;
    struct x_event *events;
    size_t n;

    for (int i = 0; i < FRAMES; i++) {
        snprintf(names[i], sizeof names[i], "f%d", i);
        wide_frames[i] = (struct profile_frame){names[i], "wide.py", i};
    }
    for (int t = 0; t < THREADS; t++)
        wide_threads[t] = (struct profile_thread){(uint64_t)(5000 + t), "w", 0};
    for (uint32_t i = 0; i < WIDE_STACKS; i++) {
        ids[i][0] = 0; /* one root: the chrome trace merges it */
        ids[i][1] = (i / 10) % FRAMES;
        ids[i][2] = (i / 100) % FRAMES;
        wide_stacks[i] = (struct profile_stack){i % THREADS, 3, ids[i], 0, (int)(i % STATE_COUNT), 0, NULL, 0};
    }
    for (uint32_t i = 0; i < SAMPLES; i++) {
        uint32_t stack = (uint32_t)(((uint64_t)i * 7919) % WIDE_STACKS);
        wide_timeline[i] = (struct profile_sample){(uint64_t)i * 100000, stack};
        wide_stacks[stack].count++;
    }
    p.pid = 2;
    p.samples = SAMPLES;
    p.frames = wide_frames;
    p.frame_count = FRAMES;
    p.threads = wide_threads;
    p.thread_count = THREADS;
    p.stacks = wide_stacks;
    p.stack_count = WIDE_STACKS;
    p.timeline = wide_timeline;
    p.timeline_count = SAMPLES;
    p.interval_ns = 1e7;

    o = render(speedscope_write, &p);
    check(o.rc == 0 && o.data && count_occurrences(o.data, "\"type\":\"sampled\"") == THREADS, "wide speedscope");
    free(o.data);
    o = render(chrome_trace_write, &p);
    events = o.rc == 0 && o.data ? x_events(o.data, &n) : NULL;
    check(events && n > 0 && x_events_nest(events, n), "wide chrome trace nests");
    free(events);
    free(o.data);
    o = render(pprof_write, &p);
    check(o.rc == 0 && pprof_summarize(&o, &s) == 0 && s.samples == WIDE_STACKS && s.totals[0] == SAMPLES &&
              s.functions == FRAMES && s.locations == FRAMES,
          "wide pprof: every stack, every frame");
    pprof_summary_free(&s);
    free(o.data);
}

/* ---- failures ----------------------------------------------------------- */

static void test_failures(const char *dir)
{
    static const uint32_t bad_frames[] = {0, 99};
    static const struct profile_stack bad_stack[] = {{0, 2, bad_frames, 1, STATE_RUNNING, 0, NULL, 0}};
    static const struct profile_sample bad_timeline[] = {{0, 17}};
    int (*writers[])(FILE *, const struct profile *) = {speedscope_write, pprof_write, chrome_trace_write};
    const char *names[] = {"speedscope", "pprof", "chrome"};
    struct profile p;
    char what[128];

    for (int w = 0; w < 3; w++) {
        struct output o;
        FILE *full;

        p = sample_profile(1);
        p.stacks = bad_stack;
        p.stack_count = 1;
        p.timeline = NULL;
        p.timeline_count = 0;
        o = render(writers[w], &p);
        snprintf(what, sizeof what, "%s: a frame index out of range is EINVAL", names[w]);
        check(o.rc == -1 && o.error == EINVAL, what);
        free(o.data);

        p = sample_profile(1);
        p.timeline = bad_timeline;
        p.timeline_count = 1;
        o = render(writers[w], &p);
        snprintf(what, sizeof what, "%s: a timeline stack out of range is EINVAL", names[w]);
        check(o.rc == -1 && o.error == EINVAL, what);
        free(o.data);

        p = sample_profile(1);
        full = fopen("/dev/full", "w");
        snprintf(what, sizeof what, "%s: a full disk is an error", names[w]);
        check(full && writers[w](full, &p) == -1, what);
        if (full)
            fclose(full);

        memset(&p, 0, sizeof p);
        o = render(writers[w], &p);
        snprintf(what, sizeof what, "%s: an empty profile writes", names[w]);
        check(o.rc == 0 && o.size > 0, what);
        if (dir && o.rc == 0 && w != 1) {
            snprintf(what, sizeof what, "empty.%s.json", names[w]);
            check(save(dir, what, &o) == 0, "save an empty profile");
        }
        free(o.data);
    }
}

/* ---- the JSON files parse; what the pytest should find ------------------ */

static void test_json_parses(const char *dir)
{
    char command[8192];
    int rc;

    snprintf(command, sizeof command,
             "cd '%s' && python3 -c 'import json,sys; [json.load(open(f, encoding=\"utf-8\")) for f in sys.argv[1:]]' "
             "*.json",
             dir);
    rc = system(command);
    check(rc == 0, "every JSON output parses with python3's json module");
}

static void write_expectations(const char *dir)
{
    static const char expect[] =
        "{\"pid\": 4242, \"interval_ns\": 10000000, \"total_samples\": 10, \"pprof_samples\": 5,\n"
        " \"threads\": {\"1001\": {\"name\": \"MainThread\", \"timeline_samples\": 7, \"weight_ns\": 110000000,\n"
        "                        \"aggregated_samples\": 3, \"aggregated_weight_ns\": 70000000, \"x_events\": 7},\n"
        "             \"1002\": {\"name\": \"работник-1\", \"timeline_samples\": 3, \"weight_ns\": 30000000,\n"
        "                        \"aggregated_samples\": 2, \"aggregated_weight_ns\": 30000000, \"x_events\": 5}},\n"
        " \"deep_depth\": 4096}\n";
    struct output o = {(char *)expect, sizeof expect - 1, 0, 0};

    check(save(dir, "expect.json", &o) == 0, "save expect.json");
}

int main(int argc, char **argv)
{
    char scratch[] = "/tmp/formats_test.XXXXXX";
    const char *dir = argc > 1 ? argv[1] : mkdtemp(scratch);

    check(dir != NULL, "a directory for the outputs");
    test_speedscope_timeline(dir);
    test_speedscope_aggregated(dir);
    test_chrome_trace(dir);
    test_pprof(dir);
    test_deep(dir);
    test_wide();
    test_failures(dir);
    test_chrome_trace_per_process(dir);
    test_speedscope_per_process(dir);
    test_pprof_per_process();
    if (dir) {
        test_json_parses(dir);
        write_expectations(dir);
    }
    if (dir && argc <= 1) {
        char command[256];
        snprintf(command, sizeof command, "rm -rf '%s'", dir);
        if (system(command) != 0)
            printf("note: could not remove %s\n", dir);
    }
    return check_summary();
}
