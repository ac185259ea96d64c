/* lifecycle_fixture.h - hand-built lifecycle evidence and a JSON checker, for
 * the lifecycle report's unit tests (lifecycle_test.c, lifecycle_report_test.c). */
#ifndef PYCONC_TESTS_UNIT_LIFECYCLE_FIXTURE_H
#define PYCONC_TESTS_UNIT_LIFECYCLE_FIXTURE_H

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

static inline struct built *built_new(void)
{
    struct built *b = calloc(1, sizeof *b);

    if (!b)
        abort();
    b->thread = (struct profile_thread){1001, "MainThread", 0};
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

static inline void built_count(struct built *b, double time_s, uint32_t pending)
{
    if (b->profile.task_count_count == MAX_POINTS)
        abort();
    b->counts[b->profile.task_count_count++] =
        (struct profile_task_count){(uint64_t)(time_s * 1e9), pending, 0, 0};
}

static inline void built_gauge(struct built *b, double time_s, const char *name, uint64_t value)
{
    if (b->profile.gauge_count == 3 * MAX_POINTS)
        abort();
    b->gauges[b->profile.gauge_count++] =
        (struct profile_gauge){(uint64_t)(time_s * 1e9), name, value};
}

static inline void built_event(struct built *b, int kind, double start_s, double duration_s,
                        const char *subject, const char *other, const char *where, uint64_t value)
{
    if (b->profile.lifecycle_event_count == MAX_EVENTS)
        abort();
    b->events[b->profile.lifecycle_event_count++] = (struct profile_lifecycle_event){
        kind, (uint64_t)(start_s * 1e9), (uint64_t)(duration_s * 1e9), subject, other, where, value};
}

static inline void built_phase(struct built *b, double time_s, const char *name)
{
    if (b->profile.phase_count == MAX_PHASES)
        abort();
    b->phases[b->profile.phase_count++] = (struct profile_phase){(uint64_t)(time_s * 1e9), name};
}

static inline uint32_t built_frame(struct built *b, const char *name, const char *file, int line)
{
    if (b->profile.frame_count == MAX_FRAMES)
        abort();
    b->frames[b->profile.frame_count] = (struct profile_frame){name, file, line};
    return (uint32_t)b->profile.frame_count++;
}

/* A stack of depth frames, outermost first, seen count times. */
static inline void built_stack(struct built *b, uint64_t count, const uint32_t *frames, uint32_t depth)
{
    size_t i = b->profile.stack_count++;

    if (i == MAX_STACKS || depth > MAX_DEPTH)
        abort();
    memcpy(b->frame_ids[i], frames, depth * sizeof *frames);
    b->stacks[i] = (struct profile_stack){0, depth, b->frame_ids[i], count, STATE_RUNNING, 1, NULL, 0};
    b->profile.samples += count;
}

/* n points a quarter of a second apart from 0 s; value(i) of each. */
static inline void built_tasks(struct built *b, size_t n, double (*value)(size_t))
{
    for (size_t i = 0; i < n; i++)
        built_count(b, (double)i / 4, (uint32_t)value(i));
}

static inline void built_gauges(struct built *b, size_t n, const char *name, double (*value)(size_t))
{
    for (size_t i = 0; i < n; i++)
        built_gauge(b, (double)i / 4, name, (uint64_t)value(i));
}

/* ---- running the writers ---------------------------------------------------- */

static const struct lifecycle_options defaults = {10};

/* The text (color 0/1) or the JSON (color -1); "" when the writer failed.  Caller frees. */
static inline char *render(const struct profile *profile, const struct lifecycle_options *options,
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

static inline int has(const char *text, const char *needle)
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

static inline int json_valid(const char *text)
{
    const char *end = json_value(text, 0);
    return end && *json_space(end) == '\0';
}

/* python3 runs script with the JSON's path as argv[1]; 1 when it exits 0. */
static inline int python_accepts(const char *json, const char *script)
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

static inline double rising_100_per_s(size_t i) { return 3 + 25.0 * (double)i; }
static inline double steady_50(size_t i) { return 50 + (double)(i % 3); }
static inline double warm_up_then_steady(size_t i) { return i < 8 ? 25.0 * (double)i : 200; }
static inline double bounded_by_10(size_t i) { return i == 0 ? 0 : 9 + (double)(i % 2); }
static inline double threads_leaking(size_t i) { return 1 + (double)i / 2; }
static inline double threads_pool(size_t i) { return i < 4 ? 1 + (double)i * 2 : 8; }
static inline double one(size_t i) { return (void)i, 1; }

#endif
