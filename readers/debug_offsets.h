/* debug_offsets.h - apply the target's own _Py_DebugOffsets (3.13+) to a layout. */
#ifndef PYCONC_READERS_DEBUG_OFFSETS_H
#define PYCONC_READERS_DEBUG_OFFSETS_H

#include "layout.h"
#include "remote.h"

#define DEBUG_OFFSETS_COOKIE "xdebugpy"

/* Reads _Py_DebugOffsets at addr (the start of _PyRuntime) and overwrites the
 * fields of `layout` it describes.  The struct's own shape depends on the
 * minor version, which the caller has read from the version field.  Returns 0,
 * or -1 when the read fails or the offsets are implausible (message in err). */
int debug_offsets_apply(struct remote *mem, uint64_t addr, int minor, struct layout *layout,
                        char *err, size_t err_len);

#endif
