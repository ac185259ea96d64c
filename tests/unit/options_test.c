/* options_test.c - command lines and what they imply. */
#include <stddef.h>
#include <string.h>

#include "../../profiler/options.h"
#include "check.h"

/* options_states_used for `pyconc-prof ARGS... --pid 1`; -1 when they do not parse. */
static int states_used(const char *const *args)
{
    char *argv[16] = {"pyconc-prof"};
    int argc = 1;
    for (; args[argc - 1] && argc < 13; argc++)
        argv[argc] = (char *)args[argc - 1];
    argv[argc++] = "--pid";
    argv[argc++] = "1";
    struct options options;
    if (options_parse(argc, argv, &options) != 0)
        return -1;
    return options_states_used(&options);
}

static void test_states_are_classified_only_where_something_shows_them(void)
{
    static const struct {
        const char *args[6];
        int used;
    } cases[] = {
        {{NULL}, 0}, /* collapsed on stdout */
        {{"-o", "out.txt", NULL}, 0},
        {{"-o", "out.speedscope.json", NULL}, 0},
        {{"-f", "speedscope", "-o", "out", NULL}, 0},
        {{"-o", "out.txt", "-o", "out.json", NULL}, 0},
        {{"-o", "out.svg", NULL}, 1}, /* frames coloured by state */
        {{"-o", "out.pcp", NULL}, 1},
        {{"-o", "out.pb.gz", NULL}, 1},
        {{"-f", "chrome", "-o", "out", NULL}, 1},
        {{"-o", "out.txt", "-o", "out.svg", NULL}, 1}, /* any one output that shows them */
        {{"--mode", "cpu", NULL}, 1},
        {{"--state", "running", NULL}, 1},
        {{"--contention", NULL}, 1},
        {{"--check-lifecycle", NULL}, 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char what[160] = "states used with:";
        for (const char *const *a = cases[i].args; *a; a++) {
            strncat(what, " ", sizeof what - strlen(what) - 1);
            strncat(what, *a, sizeof what - strlen(what) - 1);
        }
        check(states_used(cases[i].args) == cases[i].used, what);
    }
}

static void test_the_rate_goes_up_to_a_million(void)
{
    static const char *const fast[] = {"-r", "1000000", NULL};
    static const char *const faster[] = {"-r", "1000001", NULL};
    check(states_used(fast) == 0, "-r 1000000 is accepted");
    check(states_used(faster) == -1, "-r 1000001 is refused");
}

int main(void)
{
    test_states_are_classified_only_where_something_shows_them();
    test_the_rate_goes_up_to_a_million();
    return check_summary();
}
