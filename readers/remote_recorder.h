/* remote_recorder.h - keep a copy of every successful read of a remote, to
 * save as a snapshot (snapshot_format.h): the fuzzer's seeds come from live
 * interpreters this way (scripts/snapshot-readers). */
#ifndef PYCONC_READERS_REMOTE_RECORDER_H
#define PYCONC_READERS_REMOTE_RECORDER_H

#include <stdint.h>

#include "remote.h"

/* From now on, reads through r are also recorded (one recorder at a time). */
void remote_recorder_start(struct remote *r);

/* Writes what was read to path as a snapshot and stops recording.  0, or -1
 * (errno set). */
int remote_recorder_save(const char *path, int minor, uint64_t runtime, uint64_t interp);

#endif
