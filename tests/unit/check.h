/* check.h - the unit tests' one assertion: count it, name it when it fails,
 * and a summary line at the end (what CI reads). */
#ifndef PYCONC_TESTS_UNIT_CHECK_H
#define PYCONC_TESTS_UNIT_CHECK_H

#include <stdio.h>

static int passed;
static int failed;

static inline void check(int ok, const char *what)
{
    if (ok) {
        passed++;
    } else {
        failed++;
        printf("FAIL: %s\n", what);
    }
}

/* Prints "N passed, N failed"; the exit status for main. */
static inline int check_summary(void)
{
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}

#endif
