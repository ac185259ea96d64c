/* snapshot_format.h - a snapshot of target memory: what the readers read from a
 * live interpreter, saved for the fuzzer (tests/fuzz) to replay and mutate.
 *
 *   file   := magic[8] minor:u8 pad[7] runtime:u64le interp:u64le count:u32le region*
 *   region := addr:u64le len:u32le bytes[len]
 *
 * minor: the CPython 3.x minor version (picks the layout); runtime: the
 * address of _PyRuntime; interp: the main interpreter state.  Regions do not
 * overlap and are sorted by address. */
#ifndef PYCONC_READERS_SNAPSHOT_FORMAT_H
#define PYCONC_READERS_SNAPSHOT_FORMAT_H

#define SNAPSHOT_MAGIC "PCPSNAP1"
#define SNAPSHOT_MAGIC_LEN 8
#define SNAPSHOT_HEADER_LEN 36
#define SNAPSHOT_REGION_HEADER_LEN 12
#define SNAPSHOT_REGIONS_MAX 65536

#endif
