/* sample_state.c - the names of thread states, shared by every writer and the CLI. */
#include <string.h>

#include "profile.h"

static const char *const sample_state_names[STATE_COUNT] = {
    [STATE_UNKNOWN] = "unknown",     [STATE_RUNNING] = "running",
    [STATE_GIL_WAIT] = "gil-wait",   [STATE_LOCK_WAIT] = "lock-wait",
    [STATE_IO_WAIT] = "io-wait",     [STATE_SLEEPING] = "sleeping",
    [STATE_IDLE] = "idle",           [STATE_AWAITING] = "awaiting",
};

const char *sample_state_name(int state)
{
    return state >= 0 && state < STATE_COUNT ? sample_state_names[state] : "unknown";
}

int sample_state_from_name(const char *name)
{
    for (int state = 0; state < STATE_COUNT; state++)
        if (strcmp(sample_state_names[state], name) == 0)
            return state;
    return -1;
}
