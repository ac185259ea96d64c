/* pcp_format.h - the raw profile file (.pcp): layout shared by writer and reader.
 *
 *   file    := magic[8] version:u32le header_len:u32le header block*
 *   header  := field*            field := key:u8 len:varint bytes[len]
 *   block   := "BLK1" raw_len:u32le packed_len:u32le crc32(packed):u32le packed
 *              (packed = zlib of raw_len bytes of records)
 *   record  := type:u8 fields (unsigned LEB128 varints; svarint = zigzag)
 *
 * A block is self-contained for reading: every id a record uses was defined
 * in this block or an earlier one.  Blocks are flushed about once a second,
 * so a recording cut short (SIGKILL, crash, power) loses at most the last
 * second and the file still reads up to its last complete block.  Ids are
 * dense and assigned in order of definition, so a reader that interns in
 * file order gets the same ids the recorder had. */
#ifndef PYCONC_OUTPUT_PCP_FORMAT_H
#define PYCONC_OUTPUT_PCP_FORMAT_H

#define PCP_MAGIC "\x89PCP\r\n\x1a\n"
#define PCP_MAGIC_LEN 8
/* 2: + PCP_TASKS; 3: + lifecycle records; 4: + processes (PCP_PROCESS,
 * PCP_THREAD_IN); 5: + PCP_STACK_HELD; older files still read */
#define PCP_VERSION 5
#define PCP_BLOCK_MAGIC "BLK1"
/* Blocks larger than this (raw or packed) are corrupt. */
#define PCP_BLOCK_MAX (64u << 20)
/* A block is flushed once its records reach this size, or every second. */
#define PCP_BLOCK_TARGET (256u << 10)

enum pcp_header_key {
    PCP_HEADER_COMMAND = 1,        /* text */
    PCP_HEADER_PID = 2,            /* decimal text */
    PCP_HEADER_PYTHON_VERSION = 3, /* text */
    PCP_HEADER_RATE_HZ = 4,        /* decimal text */
    PCP_HEADER_MODE = 5,           /* "wall" | "cpu" */
    PCP_HEADER_START_UNIX_NS = 6,  /* decimal text: wall-clock start */
    PCP_HEADER_PROFILER = 7,       /* "pyconc-prof 0.1.0" */
    PCP_HEADER_LIFECYCLE = 8,      /* "1": recorded with --check-lifecycle */
    PCP_HEADER_PROCESS_ROOTS = 9,  /* "1": recorded with --subprocesses (version 4) */
};

enum pcp_record {
    PCP_STRING = 1, /* id, len, bytes */
    PCP_FRAME = 2,  /* id, name string id, file string id, line (svarint) */
    PCP_THREAD = 3, /* id, tid, name string id, from_python (0/1); repeated on rename */
    PCP_STACK = 4,  /* id, thread id, state, holds_gil, task string id + 1 (0: none), depth, frame ids */
    PCP_TICK = 5,   /* time delta ns since the previous tick, count, stack ids */
    PCP_END = 6,    /* duration ns, ticks, ticks missed, torn, truncated */
    PCP_TASKS = 7,  /* asyncio task counts: time ns since start, pending, done, created */
    PCP_TASK_CYCLE = 8, /* await cycle seen: time ns since start, string id of "a -> b -> a" */
    /* lifecycle evidence (version 3): kind, start ns, duration ns, subject, other and
     * where as string id + 1 (0: none), value */
    PCP_LIFECYCLE = 9,
    PCP_GAUGE = 10,  /* time ns, name string id, value */
    PCP_PHASE = 11,  /* time ns, name string id */
    PCP_EXITED = 12, /* the recording ended because the target exited (no fields) */
    /* version 4: a process (id, pid, ppid, name string id; repeated on rename)
     * and a thread in one (PCP_THREAD's fields, then the process id) */
    PCP_PROCESS = 13,
    PCP_THREAD_IN = 14,
    /* version 5: a lock-wait stack whose lock's holder is known: PCP_STACK's
     * fields with the holder's thread id after the task */
    PCP_STACK_HELD = 15,
};

#endif
