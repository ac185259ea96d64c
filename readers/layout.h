/* layout.h - where each field we read lives, for one CPython minor version.
 *
 * Every version difference the readers care about is a value in this struct,
 * chosen once at attach time; the walking code reads `layout->tstate_next`,
 * never `if (minor >= 12)`.  The tables for each minor version are generated
 * by scripts/gen-layouts (a C program compiled against that version's
 * internal headers prints offsetof() of every field) into layout_tables.c.
 * On 3.13+ the fields that _Py_DebugOffsets describes are then overwritten
 * with the values read from the target itself (debug_offsets.c), so a build
 * with a different layout of those structs is still read right.
 *
 * All offsets are byte offsets from the start of the named C struct.
 * LAYOUT_NONE marks a field the version does not have. */
#ifndef PYCONC_READERS_LAYOUT_H
#define PYCONC_READERS_LAYOUT_H

#include <stdint.h>

#define LAYOUT_NONE UINT64_MAX

/* How the line-number table of a code object is encoded. */
enum linetable_kind {
    LINETABLE_LNOTAB = 1,    /* 3.8-3.9: co_lnotab, (byte offset, line delta) pairs */
    LINETABLE_310 = 2,       /* 3.10: co_linetable, (start delta, line delta) pairs */
    LINETABLE_LOCATIONS = 3, /* 3.11+: co_linetable location table (PEP 657) */
};

/* How the thread-state chain reaches the innermost frame. */
enum frame_kind {
    FRAME_OBJECTS = 1,      /* 3.8-3.10: PyFrameObject chain from tstate->frame */
    FRAME_INTERPRETER = 2,  /* 3.11+: _PyInterpreterFrame chain */
};

/* Where an object's instance attributes live (for Thread._name). */
enum instance_dict_kind {
    INSTANCE_DICT_OFFSET = 1,  /* 3.8-3.10: dict pointer at obj + tp_dictoffset */
    INSTANCE_DICT_MANAGED_311 = 2, /* 3.11: dict at obj-3 words, values at obj-4 words */
    INSTANCE_DICT_MANAGED_312 = 3, /* 3.12: dict-or-values word at obj-3 words; low bit set:
                                      the word is values - 1, so values = word + 1 */
    INSTANCE_DICT_INLINE_313 = 4,  /* 3.13+: inline values at obj + tp_basicsize, dict at obj-3 words */
};

/* How a PyLong stores its size and sign. */
enum long_kind {
    LONG_OB_SIZE = 1, /* <=3.11: ob_size is the signed digit count */
    LONG_LV_TAG = 2,  /* 3.12+: lv_tag = ndigits << 3 | sign bits */
};

struct layout {
    int major;
    int minor;

    /* _PyRuntimeState */
    uint64_t runtime_interpreters_head; /* interpreters.head */
    uint64_t runtime_gil;               /* <=3.11: ceval.gil (inline struct _gil_runtime_state) */

    /* PyInterpreterState */
    uint64_t interp_next;
    uint64_t interp_threads_head; /* tstate_head <=3.10, threads.head 3.11+ */
    uint64_t interp_modules;      /* sys.modules dict (modules <=3.11, imports.modules 3.12+) */
    uint64_t interp_gil_ptr;      /* 3.12+: ceval.gil, pointer to the GIL in use */
    uint64_t interp_code_generation; /* 3.14+: _code_object_generation, counts code deallocs */

    /* struct _gil_runtime_state */
    uint64_t gil_locked;
    uint64_t gil_last_holder;
    uint64_t gil_size;

    /* PyThreadState */
    uint64_t tstate_next;
    uint64_t tstate_interp;
    uint64_t tstate_frame;         /* <=3.10: PyFrameObject *frame */
    uint64_t tstate_cframe;        /* 3.11-3.12: _PyCFrame *cframe */
    uint64_t cframe_current_frame; /* 3.11-3.12: _PyCFrame.current_frame */
    uint64_t tstate_current_frame; /* 3.13+: _PyInterpreterFrame *current_frame */
    uint64_t tstate_thread_id;     /* pthread_t, the key of threading._active */
    uint64_t tstate_native_thread_id; /* 3.11+ */
    uint64_t tstate_datastack_chunk;  /* 3.11+ */
    uint64_t tstate_holds_gil;        /* 3.14+ */
    uint64_t tstate_size;

    /* Frames */
    int frame_kind; /* enum frame_kind */
    /* <=3.10 PyFrameObject */
    uint64_t frame_back;
    uint64_t frame_code;
    uint64_t frame_lasti;  /* int f_lasti */
    int frame_lasti_unit;  /* bytes per f_lasti step: 1 (<=3.9 byte offset), 2 (3.10 index) */
    /* 3.11+ _PyInterpreterFrame; owner FRAME_OWNED_BY_GENERATOR is 1 in 3.11-3.15 */
    uint64_t iframe_previous;
    uint64_t iframe_code;        /* f_code (3.11-3.12), f_executable (3.13+) */
    uint64_t iframe_instr;       /* prev_instr (3.11-3.12), instr_ptr (3.13+) */
    uint64_t iframe_owner;       /* char owner */
    uint64_t iframe_is_entry;    /* 3.11 only: bool is_entry */
    uint64_t iframe_size;
    int iframe_owner_shim_min;   /* owner >= this: frame owned by C stack/interpreter, skip; 0 = none */
    uint64_t iframe_code_tag_mask; /* 3.14+: f_executable is a tagged _PyStackRef */

    /* PyCodeObject */
    uint64_t code_filename;
    uint64_t code_name;
    uint64_t code_qualname; /* 3.11+ */
    uint64_t code_firstlineno;
    uint64_t code_stacksize;  /* int co_stacksize (the lock-holder scan bounds a frame's stack) */
    uint64_t code_names;     /* co_names: tuple of the global and attribute names it uses */
    uint64_t code_linetable; /* co_lnotab <=3.9, co_linetable 3.10+ */
    uint64_t code_code_adaptive; /* 3.11+: first code unit is at code + this */
    uint64_t code_firsttraceable; /* 3.11+: int _co_firsttraceable (see frames.h) */
    int linetable_kind;          /* enum linetable_kind */

    /* PyObject / PyVarObject / PyTypeObject */
    uint64_t object_type;     /* ob_type */
    uint64_t varobject_size;  /* ob_size */
    uint64_t type_name;       /* tp_name (const char *) */
    uint64_t type_basicsize;
    uint64_t type_dictoffset;
    uint64_t type_flags;
    uint64_t heaptype_cached_keys; /* 3.11+: ht_cached_keys (shared keys of instances) */
    uint64_t type_flag_inline_values; /* 3.13+: Py_TPFLAGS_INLINE_VALUES bit, 0 before */
    uint64_t type_flag_managed_dict;  /* 3.11+: Py_TPFLAGS_MANAGED_DICT bit, 0 before */

    /* PyBytesObject */
    uint64_t bytes_data; /* ob_sval */

    /* PyUnicodeObject (PEP 393 compact forms only) */
    uint64_t unicode_length;
    uint64_t unicode_state;
    uint64_t unicode_ascii_size;   /* sizeof(PyASCIIObject): data of compact ASCII */
    uint64_t unicode_compact_size; /* sizeof(PyCompactUnicodeObject): data of compact non-ASCII */
    int unicode_kind_shift;    /* bit position of state.kind (3 bits) */
    int unicode_compact_shift; /* bit position of state.compact */
    int unicode_ascii_shift;   /* bit position of state.ascii */

    /* PyTupleObject */
    uint64_t tuple_items;

    /* PyLongObject */
    int long_kind; /* enum long_kind */
    uint64_t long_digits;
    uint64_t long_lv_tag; /* 3.12+ */
    int long_digit_bits;  /* PyLong_SHIFT: 30 on 64-bit builds */

    /* PyDictObject and PyDictKeysObject */
    uint64_t dict_used;
    uint64_t dict_keys;
    uint64_t dict_values;
    uint64_t dictkeys_size;        /* <=3.10: Py_ssize_t dk_size */
    uint64_t dictkeys_log2_size;   /* 3.11+: uint8_t dk_log2_size */
    uint64_t dictkeys_log2_index_bytes; /* 3.11+: uint8_t dk_log2_index_bytes */
    uint64_t dictkeys_kind;        /* 3.11+: uint8_t dk_kind (0 = general, else unicode keys) */
    uint64_t dictkeys_nentries;
    uint64_t dictkeys_indices;     /* offset of dk_indices[] */
    uint64_t dict_entry_size;         /* sizeof(PyDictKeyEntry): hash, key, value */
    uint64_t dict_unicode_entry_size; /* 3.11+: sizeof(PyDictUnicodeEntry): key, value */
    uint64_t dictvalues_values;    /* offset of values[] in PyDictValues (0 before 3.11,
                                      where ma_values is a bare PyObject *[]) */
    int instance_dict_kind;        /* enum instance_dict_kind */

    /* Containers the asyncio reader walks */
    uint64_t set_mask;
    uint64_t set_table;
    uint64_t set_entry_size;
    uint64_t set_entry_key;
    uint64_t list_items;
    uint64_t weakref_object;
    uint64_t method_self;
    uint64_t function_closure;
    uint64_t cell_ref;
    uint64_t rlock_owner;    /* _thread.RLock: owner's ident (unsigned long / long long) */
    uint64_t lock_semaphore; /* <=3.12: _thread.lock/RLock's PyThread_type_lock (sem_t *) */

    /* Coroutines and the top of a suspended frame's value stack (asyncio) */
    uint64_t gen_frame;          /* <=3.10: PyFrameObject *gi_frame */
    uint64_t gen_iframe;         /* 3.11+: inline _PyInterpreterFrame gi_iframe */
    uint64_t gen_frame_state;    /* 3.11+: int8_t gi_frame_state */
    uint64_t frame_valuestack;   /* <=3.10: PyObject **f_valuestack */
    uint64_t frame_stacktop;     /* 3.8-3.9: PyObject **f_stacktop (suspended frames) */
    uint64_t frame_stackdepth;   /* 3.10: int f_stackdepth */
    uint64_t iframe_localsplus;  /* 3.11+ */
    uint64_t iframe_stacktop;    /* 3.11-3.13: int index into localsplus */
    uint64_t iframe_stackpointer; /* 3.14+: _PyStackRef * */
    uint64_t code_nlocalsplus;   /* 3.11+: int */
    /* 3.11+: the coroutine is suspended (3.13+: in `await`/`yield from`)
     * when min <= gi_frame_state <= max */
    int64_t gen_state_yield_from_min;
    int64_t gen_state_yield_from_max;
    int gen_state_known;         /* 3.13+: the state tells yield-from (before: the stack does) */
    int gen_yf_slot;             /* the awaited iterator is this many slots below the stack end */

    /* 3.14+: asyncio's running loop/task and task lists in the thread state */
    uint64_t tstate_asyncio_running_loop;
    uint64_t tstate_asyncio_running_task;
    uint64_t tstate_asyncio_tasks_head;
    uint64_t interp_asyncio_tasks_head;
};

/* The generated table for a minor version of CPython 3, or NULL if unsupported. */
const struct layout *layout_for_version(int major, int minor);

/* Lowest and highest minor version of Python 3 with a table. */
#define LAYOUT_MIN_MINOR 8
#define LAYOUT_MAX_MINOR 15

#endif
