/* layout_tables.c - where CPython keeps the fields the readers use, per minor version.
 *
 * GENERATED FILE, do not edit: run scripts/gen-layouts (it compiles
 * scripts/layout_gen.c against each version's headers, internal ones included,
 * and prints offsetof()/sizeof() of every field of struct layout, see layout.h).
 *
 * Generated from the headers of:
 *   3.8.18   pyenv build
 *   3.9.18   pyenv build
 *   3.10.13  pyenv build
 *   3.11.7   pyenv build
 *   3.12.1   pyenv build
 *   3.13.18  Debian unstable libpython3.13-dev
 *   3.14.10  Debian unstable libpython3.14-dev
 *   3.15.2   Debian unstable libpython3.15-dev
 *
 * A field a version does not have is LAYOUT_NONE.  On 3.13+ the fields that
 * _Py_DebugOffsets describes are overwritten at attach time by the target's own. */

#include <stddef.h>

#include "layout.h"

/* CPython 3.8.18 (PY_VERSION_HEX 0x030812f0);
   PyDictKeysObject and PyDictKeyEntry mirrored from Objects/dict-common.h,
   which this version does not install */
static const struct layout layout_3_8 = {
    .major = 3,
    .minor = 8,

    /* _PyRuntimeState */
    .runtime_interpreters_head = 32, /* interpreters.head */
    .runtime_gil = 1152, /* ceval.gil: struct _gil_runtime_state, inline, one per process */

    /* PyInterpreterState (struct _is) */
    .interp_next = 0,
    .interp_threads_head = 8, /* tstate_head */
    .interp_modules = 56, /* modules */
    .interp_gil_ptr = LAYOUT_NONE, /* the GIL is in _PyRuntime before 3.12 */
    .interp_code_generation = LAYOUT_NONE, /* 3.14+: bumped by every code object dealloc */

    /* struct _gil_runtime_state (internal/pycore_gil.h) */
    .gil_locked = 16,
    .gil_last_holder = 8,
    .gil_size = 208,

    /* PyThreadState (struct _ts) */
    .tstate_next = 8,
    .tstate_interp = 16,
    .tstate_frame = 24, /* PyFrameObject *frame */
    .tstate_cframe = LAYOUT_NONE, /* 3.11-3.12 only */
    .cframe_current_frame = LAYOUT_NONE, /* 3.11-3.12 only */
    .tstate_current_frame = LAYOUT_NONE, /* 3.13+ only */
    .tstate_thread_id = 176, /* unsigned long (pthread_t) */
    .tstate_native_thread_id = LAYOUT_NONE, /* 3.11+ */
    .tstate_datastack_chunk = LAYOUT_NONE, /* 3.11+ */
    .tstate_holds_gil = LAYOUT_NONE, /* 3.14+ */
    .tstate_size = 264,

    /* Frames */
    .frame_kind = FRAME_OBJECTS,
    .frame_back = 24, /* PyFrameObject */
    .frame_code = 32, /* PyFrameObject */
    .frame_lasti = 104, /* int f_lasti */
    .frame_lasti_unit = 1, /* f_lasti is a byte offset */
    .iframe_previous = LAYOUT_NONE, /* 3.11+ */
    .iframe_code = LAYOUT_NONE, /* 3.11+ */
    .iframe_instr = LAYOUT_NONE, /* 3.11+ */
    .iframe_owner = LAYOUT_NONE, /* 3.11+ */
    .iframe_is_entry = LAYOUT_NONE, /* 3.11 only */
    .iframe_size = LAYOUT_NONE, /* 3.11+ */
    .iframe_owner_shim_min = 0, /* no interpreter frames */
    .iframe_code_tag_mask = 0,

    /* PyCodeObject */
    .code_filename = 104,
    .code_name = 112,
    .code_qualname = LAYOUT_NONE, /* 3.11+ */
    .code_firstlineno = 40, /* int */
    .code_stacksize = 32, /* int: slots of its value stack */
    .code_names = 64, /* tuple of str: the global and attribute names it uses */
    .code_linetable = 120, /* co_lnotab (bytes) */
    .code_code_adaptive = LAYOUT_NONE, /* 3.11+ */
    .code_firsttraceable = LAYOUT_NONE, /* 3.11+ */
    .linetable_kind = LINETABLE_LNOTAB,

    /* PyObject / PyVarObject / PyTypeObject */
    .object_type = 8,
    .varobject_size = 16,
    .type_name = 24,
    .type_basicsize = 32,
    .type_dictoffset = 288,
    .type_flags = 168,
    .heaptype_cached_keys = LAYOUT_NONE, /* not needed before 3.11: instances have a real dict */
    .type_flag_inline_values = 0x0, /* 3.13+ */
    .type_flag_managed_dict = 0x0, /* 3.11+ */

    /* PyBytesObject */
    .bytes_data = 32, /* ob_sval */

    /* PyUnicodeObject */
    .unicode_length = 16, /* PyASCIIObject */
    .unicode_state = 32, /* PyASCIIObject */
    .unicode_ascii_size = 48, /* sizeof(PyASCIIObject) */
    .unicode_compact_size = 72, /* sizeof(PyCompactUnicodeObject) */
    .unicode_kind_shift = 2, /* found at run time */
    .unicode_compact_shift = 5, /* found at run time */
    .unicode_ascii_shift = 6, /* found at run time */

    /* PyTupleObject */
    .tuple_items = 24,

    /* PyLongObject */
    .long_kind = LONG_OB_SIZE,
    .long_digits = 24, /* ob_digit */
    .long_lv_tag = LAYOUT_NONE, /* 3.12+ */
    .long_digit_bits = 30, /* PyLong_SHIFT */

    /* PyDictObject and PyDictKeysObject */
    .dict_used = 16,
    .dict_keys = 32,
    .dict_values = 40,
    .dictkeys_size = 8, /* mirrored dict-common.h */
    .dictkeys_log2_size = LAYOUT_NONE, /* 3.11+ */
    .dictkeys_log2_index_bytes = LAYOUT_NONE, /* 3.11+ */
    .dictkeys_kind = LAYOUT_NONE, /* 3.11+ */
    .dictkeys_nentries = 32, /* mirrored dict-common.h */
    .dictkeys_indices = 40, /* mirrored dict-common.h */
    .dict_entry_size = 24, /* mirrored dict-common.h */
    .dict_unicode_entry_size = LAYOUT_NONE, /* 3.11+ */
    .dictvalues_values = 0, /* ma_values is a bare PyObject *[] before 3.11 */
    .instance_dict_kind = INSTANCE_DICT_OFFSET,

    /* PySetObject, PyListObject, PyWeakReference, PyMethodObject */
    .set_mask = 32, /* Py_ssize_t mask: table size - 1 */
    .set_table = 40, /* setentry *table */
    .set_entry_size = 16, /* setentry: key, hash */
    .set_entry_key = 0,
    .list_items = 24, /* PyObject **ob_item */
    .weakref_object = 16, /* Py_None once the referent died */
    .method_self = 24, /* bound method's __self__ */
    .function_closure = 48, /* tuple of cells, or NULL */
    .cell_ref = 16, /* the cell's content */
    .rlock_owner = 24, /* _thread.RLock: owner's thread ident, 0 when not owned */
    .lock_semaphore = 16, /* lockobject/rlockobject: PyThread_type_lock, a sem_t * */

    /* PyGenObject / PyCoroObject and the value stack of a suspended frame */
    .gen_frame = 16, /* PyFrameObject *gi_frame (NULL once finished) */
    .gen_iframe = LAYOUT_NONE, /* 3.11+ */
    .gen_frame_state = LAYOUT_NONE, /* 3.11+ */
    .frame_valuestack = 64, /* PyObject **f_valuestack */
    .frame_stacktop = 72, /* PyObject **f_stacktop: set while suspended, NULL while running */
    .frame_stackdepth = LAYOUT_NONE, /* 3.10 only */
    .iframe_localsplus = LAYOUT_NONE, /* 3.11+ */
    .iframe_stacktop = LAYOUT_NONE, /* 3.11-3.13 */
    .iframe_stackpointer = LAYOUT_NONE, /* 3.14+ */
    .code_nlocalsplus = LAYOUT_NONE, /* 3.11+ */
    .gen_state_yield_from_min = 0, /* <=3.10: no gi_frame_state */
    .gen_state_yield_from_max = 0, /*  */
    .gen_state_known = 0,
    .gen_yf_slot = 1, /* the awaited iterator is the top of stack */

    /* asyncio per-thread state (3.14+, _PyThreadStateImpl / PyInterpreterState) */
    .tstate_asyncio_running_loop = LAYOUT_NONE, /* 3.14+ */
    .tstate_asyncio_running_task = LAYOUT_NONE, /* 3.14+ */
    .tstate_asyncio_tasks_head = LAYOUT_NONE, /* 3.14+ */
    .interp_asyncio_tasks_head = LAYOUT_NONE, /* 3.14+ */
};

/* CPython 3.9.18 (PY_VERSION_HEX 0x030912f0);
   PyDictKeysObject and PyDictKeyEntry mirrored from Objects/dict-common.h,
   which this version does not install */
static const struct layout layout_3_9 = {
    .major = 3,
    .minor = 9,

    /* _PyRuntimeState */
    .runtime_interpreters_head = 32, /* interpreters.head */
    .runtime_gil = 352, /* ceval.gil: struct _gil_runtime_state, inline, one per process */

    /* PyInterpreterState (struct _is) */
    .interp_next = 0,
    .interp_threads_head = 8, /* tstate_head */
    .interp_modules = 856, /* modules */
    .interp_gil_ptr = LAYOUT_NONE, /* the GIL is in _PyRuntime before 3.12 */
    .interp_code_generation = LAYOUT_NONE, /* 3.14+: bumped by every code object dealloc */

    /* struct _gil_runtime_state (internal/pycore_gil.h) */
    .gil_locked = 16,
    .gil_last_holder = 8,
    .gil_size = 208,

    /* PyThreadState (struct _ts) */
    .tstate_next = 8,
    .tstate_interp = 16,
    .tstate_frame = 24, /* PyFrameObject *frame */
    .tstate_cframe = LAYOUT_NONE, /* 3.11-3.12 only */
    .cframe_current_frame = LAYOUT_NONE, /* 3.11-3.12 only */
    .tstate_current_frame = LAYOUT_NONE, /* 3.13+ only */
    .tstate_thread_id = 176, /* unsigned long (pthread_t) */
    .tstate_native_thread_id = LAYOUT_NONE, /* 3.11+ */
    .tstate_datastack_chunk = LAYOUT_NONE, /* 3.11+ */
    .tstate_holds_gil = LAYOUT_NONE, /* 3.14+ */
    .tstate_size = 264,

    /* Frames */
    .frame_kind = FRAME_OBJECTS,
    .frame_back = 24, /* PyFrameObject */
    .frame_code = 32, /* PyFrameObject */
    .frame_lasti = 104, /* int f_lasti */
    .frame_lasti_unit = 1, /* f_lasti is a byte offset */
    .iframe_previous = LAYOUT_NONE, /* 3.11+ */
    .iframe_code = LAYOUT_NONE, /* 3.11+ */
    .iframe_instr = LAYOUT_NONE, /* 3.11+ */
    .iframe_owner = LAYOUT_NONE, /* 3.11+ */
    .iframe_is_entry = LAYOUT_NONE, /* 3.11 only */
    .iframe_size = LAYOUT_NONE, /* 3.11+ */
    .iframe_owner_shim_min = 0, /* no interpreter frames */
    .iframe_code_tag_mask = 0,

    /* PyCodeObject */
    .code_filename = 104,
    .code_name = 112,
    .code_qualname = LAYOUT_NONE, /* 3.11+ */
    .code_firstlineno = 40, /* int */
    .code_stacksize = 32, /* int: slots of its value stack */
    .code_names = 64, /* tuple of str: the global and attribute names it uses */
    .code_linetable = 120, /* co_lnotab (bytes) */
    .code_code_adaptive = LAYOUT_NONE, /* 3.11+ */
    .code_firsttraceable = LAYOUT_NONE, /* 3.11+ */
    .linetable_kind = LINETABLE_LNOTAB,

    /* PyObject / PyVarObject / PyTypeObject */
    .object_type = 8,
    .varobject_size = 16,
    .type_name = 24,
    .type_basicsize = 32,
    .type_dictoffset = 288,
    .type_flags = 168,
    .heaptype_cached_keys = LAYOUT_NONE, /* not needed before 3.11: instances have a real dict */
    .type_flag_inline_values = 0x0, /* 3.13+ */
    .type_flag_managed_dict = 0x0, /* 3.11+ */

    /* PyBytesObject */
    .bytes_data = 32, /* ob_sval */

    /* PyUnicodeObject */
    .unicode_length = 16, /* PyASCIIObject */
    .unicode_state = 32, /* PyASCIIObject */
    .unicode_ascii_size = 48, /* sizeof(PyASCIIObject) */
    .unicode_compact_size = 72, /* sizeof(PyCompactUnicodeObject) */
    .unicode_kind_shift = 2, /* found at run time */
    .unicode_compact_shift = 5, /* found at run time */
    .unicode_ascii_shift = 6, /* found at run time */

    /* PyTupleObject */
    .tuple_items = 24,

    /* PyLongObject */
    .long_kind = LONG_OB_SIZE,
    .long_digits = 24, /* ob_digit */
    .long_lv_tag = LAYOUT_NONE, /* 3.12+ */
    .long_digit_bits = 30, /* PyLong_SHIFT */

    /* PyDictObject and PyDictKeysObject */
    .dict_used = 16,
    .dict_keys = 32,
    .dict_values = 40,
    .dictkeys_size = 8, /* mirrored dict-common.h */
    .dictkeys_log2_size = LAYOUT_NONE, /* 3.11+ */
    .dictkeys_log2_index_bytes = LAYOUT_NONE, /* 3.11+ */
    .dictkeys_kind = LAYOUT_NONE, /* 3.11+ */
    .dictkeys_nentries = 32, /* mirrored dict-common.h */
    .dictkeys_indices = 40, /* mirrored dict-common.h */
    .dict_entry_size = 24, /* mirrored dict-common.h */
    .dict_unicode_entry_size = LAYOUT_NONE, /* 3.11+ */
    .dictvalues_values = 0, /* ma_values is a bare PyObject *[] before 3.11 */
    .instance_dict_kind = INSTANCE_DICT_OFFSET,

    /* PySetObject, PyListObject, PyWeakReference, PyMethodObject */
    .set_mask = 32, /* Py_ssize_t mask: table size - 1 */
    .set_table = 40, /* setentry *table */
    .set_entry_size = 16, /* setentry: key, hash */
    .set_entry_key = 0,
    .list_items = 24, /* PyObject **ob_item */
    .weakref_object = 16, /* Py_None once the referent died */
    .method_self = 24, /* bound method's __self__ */
    .function_closure = 48, /* tuple of cells, or NULL */
    .cell_ref = 16, /* the cell's content */
    .rlock_owner = 24, /* _thread.RLock: owner's thread ident, 0 when not owned */
    .lock_semaphore = 16, /* lockobject/rlockobject: PyThread_type_lock, a sem_t * */

    /* PyGenObject / PyCoroObject and the value stack of a suspended frame */
    .gen_frame = 16, /* PyFrameObject *gi_frame (NULL once finished) */
    .gen_iframe = LAYOUT_NONE, /* 3.11+ */
    .gen_frame_state = LAYOUT_NONE, /* 3.11+ */
    .frame_valuestack = 64, /* PyObject **f_valuestack */
    .frame_stacktop = 72, /* PyObject **f_stacktop: set while suspended, NULL while running */
    .frame_stackdepth = LAYOUT_NONE, /* 3.10 only */
    .iframe_localsplus = LAYOUT_NONE, /* 3.11+ */
    .iframe_stacktop = LAYOUT_NONE, /* 3.11-3.13 */
    .iframe_stackpointer = LAYOUT_NONE, /* 3.14+ */
    .code_nlocalsplus = LAYOUT_NONE, /* 3.11+ */
    .gen_state_yield_from_min = 0, /* <=3.10: no gi_frame_state */
    .gen_state_yield_from_max = 0, /*  */
    .gen_state_known = 0,
    .gen_yf_slot = 1, /* the awaited iterator is the top of stack */

    /* asyncio per-thread state (3.14+, _PyThreadStateImpl / PyInterpreterState) */
    .tstate_asyncio_running_loop = LAYOUT_NONE, /* 3.14+ */
    .tstate_asyncio_running_task = LAYOUT_NONE, /* 3.14+ */
    .tstate_asyncio_tasks_head = LAYOUT_NONE, /* 3.14+ */
    .interp_asyncio_tasks_head = LAYOUT_NONE, /* 3.14+ */
};

/* CPython 3.10.13 (PY_VERSION_HEX 0x030a0df0);
   PyDictKeysObject and PyDictKeyEntry mirrored from Objects/dict-common.h,
   which this version does not install */
static const struct layout layout_3_10 = {
    .major = 3,
    .minor = 10,

    /* _PyRuntimeState */
    .runtime_interpreters_head = 32, /* interpreters.head */
    .runtime_gil = 352, /* ceval.gil: struct _gil_runtime_state, inline, one per process */

    /* PyInterpreterState (struct _is) */
    .interp_next = 0,
    .interp_threads_head = 8, /* tstate_head */
    .interp_modules = 856, /* modules */
    .interp_gil_ptr = LAYOUT_NONE, /* the GIL is in _PyRuntime before 3.12 */
    .interp_code_generation = LAYOUT_NONE, /* 3.14+: bumped by every code object dealloc */

    /* struct _gil_runtime_state (internal/pycore_gil.h) */
    .gil_locked = 16,
    .gil_last_holder = 8,
    .gil_size = 208,

    /* PyThreadState (struct _ts) */
    .tstate_next = 8,
    .tstate_interp = 16,
    .tstate_frame = 24, /* PyFrameObject *frame */
    .tstate_cframe = LAYOUT_NONE, /* 3.11-3.12 only */
    .cframe_current_frame = LAYOUT_NONE, /* 3.11-3.12 only */
    .tstate_current_frame = LAYOUT_NONE, /* 3.13+ only */
    .tstate_thread_id = 176, /* unsigned long (pthread_t) */
    .tstate_native_thread_id = LAYOUT_NONE, /* 3.11+ */
    .tstate_datastack_chunk = LAYOUT_NONE, /* 3.11+ */
    .tstate_holds_gil = LAYOUT_NONE, /* 3.14+ */
    .tstate_size = 280,

    /* Frames */
    .frame_kind = FRAME_OBJECTS,
    .frame_back = 24, /* PyFrameObject */
    .frame_code = 32, /* PyFrameObject */
    .frame_lasti = 96, /* int f_lasti */
    .frame_lasti_unit = 2, /* 3.10: f_lasti counts 2-byte code units */
    .iframe_previous = LAYOUT_NONE, /* 3.11+ */
    .iframe_code = LAYOUT_NONE, /* 3.11+ */
    .iframe_instr = LAYOUT_NONE, /* 3.11+ */
    .iframe_owner = LAYOUT_NONE, /* 3.11+ */
    .iframe_is_entry = LAYOUT_NONE, /* 3.11 only */
    .iframe_size = LAYOUT_NONE, /* 3.11+ */
    .iframe_owner_shim_min = 0, /* no interpreter frames */
    .iframe_code_tag_mask = 0,

    /* PyCodeObject */
    .code_filename = 104,
    .code_name = 112,
    .code_qualname = LAYOUT_NONE, /* 3.11+ */
    .code_firstlineno = 40, /* int */
    .code_stacksize = 32, /* int: slots of its value stack */
    .code_names = 64, /* tuple of str: the global and attribute names it uses */
    .code_linetable = 120, /* co_linetable (bytes) */
    .code_code_adaptive = LAYOUT_NONE, /* 3.11+ */
    .code_firsttraceable = LAYOUT_NONE, /* 3.11+ */
    .linetable_kind = LINETABLE_310,

    /* PyObject / PyVarObject / PyTypeObject */
    .object_type = 8,
    .varobject_size = 16,
    .type_name = 24,
    .type_basicsize = 32,
    .type_dictoffset = 288,
    .type_flags = 168,
    .heaptype_cached_keys = LAYOUT_NONE, /* not needed before 3.11: instances have a real dict */
    .type_flag_inline_values = 0x0, /* 3.13+ */
    .type_flag_managed_dict = 0x0, /* 3.11+ */

    /* PyBytesObject */
    .bytes_data = 32, /* ob_sval */

    /* PyUnicodeObject */
    .unicode_length = 16, /* PyASCIIObject */
    .unicode_state = 32, /* PyASCIIObject */
    .unicode_ascii_size = 48, /* sizeof(PyASCIIObject) */
    .unicode_compact_size = 72, /* sizeof(PyCompactUnicodeObject) */
    .unicode_kind_shift = 2, /* found at run time */
    .unicode_compact_shift = 5, /* found at run time */
    .unicode_ascii_shift = 6, /* found at run time */

    /* PyTupleObject */
    .tuple_items = 24,

    /* PyLongObject */
    .long_kind = LONG_OB_SIZE,
    .long_digits = 24, /* ob_digit */
    .long_lv_tag = LAYOUT_NONE, /* 3.12+ */
    .long_digit_bits = 30, /* PyLong_SHIFT */

    /* PyDictObject and PyDictKeysObject */
    .dict_used = 16,
    .dict_keys = 32,
    .dict_values = 40,
    .dictkeys_size = 8, /* mirrored dict-common.h */
    .dictkeys_log2_size = LAYOUT_NONE, /* 3.11+ */
    .dictkeys_log2_index_bytes = LAYOUT_NONE, /* 3.11+ */
    .dictkeys_kind = LAYOUT_NONE, /* 3.11+ */
    .dictkeys_nentries = 32, /* mirrored dict-common.h */
    .dictkeys_indices = 40, /* mirrored dict-common.h */
    .dict_entry_size = 24, /* mirrored dict-common.h */
    .dict_unicode_entry_size = LAYOUT_NONE, /* 3.11+ */
    .dictvalues_values = 0, /* ma_values is a bare PyObject *[] before 3.11 */
    .instance_dict_kind = INSTANCE_DICT_OFFSET,

    /* PySetObject, PyListObject, PyWeakReference, PyMethodObject */
    .set_mask = 32, /* Py_ssize_t mask: table size - 1 */
    .set_table = 40, /* setentry *table */
    .set_entry_size = 16, /* setentry: key, hash */
    .set_entry_key = 0,
    .list_items = 24, /* PyObject **ob_item */
    .weakref_object = 16, /* Py_None once the referent died */
    .method_self = 24, /* bound method's __self__ */
    .function_closure = 72, /* tuple of cells, or NULL */
    .cell_ref = 16, /* the cell's content */
    .rlock_owner = 24, /* _thread.RLock: owner's thread ident, 0 when not owned */
    .lock_semaphore = 16, /* lockobject/rlockobject: PyThread_type_lock, a sem_t * */

    /* PyGenObject / PyCoroObject and the value stack of a suspended frame */
    .gen_frame = 16, /* PyFrameObject *gi_frame (NULL once finished) */
    .gen_iframe = LAYOUT_NONE, /* 3.11+ */
    .gen_frame_state = LAYOUT_NONE, /* 3.11+ */
    .frame_valuestack = 64, /* PyObject **f_valuestack */
    .frame_stacktop = LAYOUT_NONE, /* 3.8-3.9 only */
    .frame_stackdepth = 80, /* int f_stackdepth */
    .iframe_localsplus = LAYOUT_NONE, /* 3.11+ */
    .iframe_stacktop = LAYOUT_NONE, /* 3.11-3.13 */
    .iframe_stackpointer = LAYOUT_NONE, /* 3.14+ */
    .code_nlocalsplus = LAYOUT_NONE, /* 3.11+ */
    .gen_state_yield_from_min = 0, /* <=3.10: no gi_frame_state */
    .gen_state_yield_from_max = 0, /*  */
    .gen_state_known = 0,
    .gen_yf_slot = 1, /* the awaited iterator is the top of stack */

    /* asyncio per-thread state (3.14+, _PyThreadStateImpl / PyInterpreterState) */
    .tstate_asyncio_running_loop = LAYOUT_NONE, /* 3.14+ */
    .tstate_asyncio_running_task = LAYOUT_NONE, /* 3.14+ */
    .tstate_asyncio_tasks_head = LAYOUT_NONE, /* 3.14+ */
    .interp_asyncio_tasks_head = LAYOUT_NONE, /* 3.14+ */
};

/* CPython 3.11.7 (PY_VERSION_HEX 0x030b07f0) */
static const struct layout layout_3_11 = {
    .major = 3,
    .minor = 11,

    /* _PyRuntimeState */
    .runtime_interpreters_head = 40, /* interpreters.head */
    .runtime_gil = 360, /* ceval.gil: struct _gil_runtime_state, inline, one per process */

    /* PyInterpreterState (struct _is) */
    .interp_next = 0,
    .interp_threads_head = 16, /* threads.head */
    .interp_modules = 888, /* modules */
    .interp_gil_ptr = LAYOUT_NONE, /* the GIL is in _PyRuntime before 3.12 */
    .interp_code_generation = LAYOUT_NONE, /* 3.14+: bumped by every code object dealloc */

    /* struct _gil_runtime_state (internal/pycore_gil.h) */
    .gil_locked = 16,
    .gil_last_holder = 8,
    .gil_size = 208,

    /* PyThreadState (struct _ts) */
    .tstate_next = 8,
    .tstate_interp = 16,
    .tstate_frame = LAYOUT_NONE, /* <=3.10 only */
    .tstate_cframe = 56, /* _PyCFrame *cframe */
    .cframe_current_frame = 8,
    .tstate_current_frame = LAYOUT_NONE, /* 3.13+ only */
    .tstate_thread_id = 152, /* unsigned long (pthread_t) */
    .tstate_native_thread_id = 160,
    .tstate_datastack_chunk = 296,
    .tstate_holds_gil = LAYOUT_NONE, /* 3.14+ */
    .tstate_size = 360,

    /* Frames */
    .frame_kind = FRAME_INTERPRETER,
    .frame_back = LAYOUT_NONE, /* <=3.10 only */
    .frame_code = LAYOUT_NONE, /* <=3.10 only */
    .frame_lasti = LAYOUT_NONE, /* <=3.10 only */
    .frame_lasti_unit = 0, /* <=3.10 only */
    .iframe_previous = 48, /* _PyInterpreterFrame */
    .iframe_code = 32, /* PyCodeObject *f_code */
    .iframe_instr = 56, /* _Py_CODEUNIT *prev_instr */
    .iframe_owner = 69, /* char owner (enum _frameowner) */
    .iframe_is_entry = 68, /* bool is_entry */
    .iframe_size = 80, /* sizeof, localsplus[1] included */
    .iframe_owner_shim_min = 0, /* 3.11 has no shim owners; see is_entry */
    .iframe_code_tag_mask = 0, /* f_executable is a plain pointer */

    /* PyCodeObject */
    .code_filename = 112,
    .code_name = 120,
    .code_qualname = 128,
    .code_firstlineno = 72, /* int */
    .code_stacksize = 68, /* int: slots of its value stack */
    .code_names = 32, /* tuple of str: the global and attribute names it uses */
    .code_linetable = 136, /* co_linetable (bytes) */
    .code_code_adaptive = 184,
    .code_firsttraceable = 168, /* int: frames before this instruction are incomplete (entry shims, not started) */
    .linetable_kind = LINETABLE_LOCATIONS,

    /* PyObject / PyVarObject / PyTypeObject */
    .object_type = 8,
    .varobject_size = 16,
    .type_name = 24,
    .type_basicsize = 32,
    .type_dictoffset = 288,
    .type_flags = 168,
    .heaptype_cached_keys = 872, /* PyHeapTypeObject */
    .type_flag_inline_values = 0x0, /* 3.13+ */
    .type_flag_managed_dict = 0x10, /* Py_TPFLAGS_MANAGED_DICT */

    /* PyBytesObject */
    .bytes_data = 32, /* ob_sval */

    /* PyUnicodeObject */
    .unicode_length = 16, /* PyASCIIObject */
    .unicode_state = 32, /* PyASCIIObject */
    .unicode_ascii_size = 48, /* sizeof(PyASCIIObject) */
    .unicode_compact_size = 72, /* sizeof(PyCompactUnicodeObject) */
    .unicode_kind_shift = 2, /* found at run time */
    .unicode_compact_shift = 5, /* found at run time */
    .unicode_ascii_shift = 6, /* found at run time */

    /* PyTupleObject */
    .tuple_items = 24,

    /* PyLongObject */
    .long_kind = LONG_OB_SIZE,
    .long_digits = 24, /* ob_digit */
    .long_lv_tag = LAYOUT_NONE, /* 3.12+ */
    .long_digit_bits = 30, /* PyLong_SHIFT */

    /* PyDictObject and PyDictKeysObject */
    .dict_used = 16,
    .dict_keys = 32,
    .dict_values = 40,
    .dictkeys_size = LAYOUT_NONE, /* <=3.10 only */
    .dictkeys_log2_size = 8, /* uint8_t */
    .dictkeys_log2_index_bytes = 9, /* uint8_t */
    .dictkeys_kind = 10, /* uint8_t, DICT_KEYS_GENERAL = 0 */
    .dictkeys_nentries = 24,
    .dictkeys_indices = 32,
    .dict_entry_size = 24,
    .dict_unicode_entry_size = 16,
    .dictvalues_values = 0, /* PyDictValues */
    .instance_dict_kind = INSTANCE_DICT_MANAGED_311,

    /* PySetObject, PyListObject, PyWeakReference, PyMethodObject */
    .set_mask = 32, /* Py_ssize_t mask: table size - 1 */
    .set_table = 40, /* setentry *table */
    .set_entry_size = 16, /* setentry: key, hash */
    .set_entry_key = 0,
    .list_items = 24, /* PyObject **ob_item */
    .weakref_object = 16, /* Py_None once the referent died */
    .method_self = 24, /* bound method's __self__ */
    .function_closure = 72, /* tuple of cells, or NULL */
    .cell_ref = 16, /* the cell's content */
    .rlock_owner = 24, /* _thread.RLock: owner's thread ident, 0 when not owned */
    .lock_semaphore = 16, /* lockobject/rlockobject: PyThread_type_lock, a sem_t * */

    /* PyGenObject / PyCoroObject and the value stack of a suspended frame */
    .gen_frame = LAYOUT_NONE, /* <=3.10 only */
    .gen_iframe = 80, /* the coroutine's _PyInterpreterFrame, inline */
    .gen_frame_state = 75, /* int8_t gi_frame_state */
    .frame_valuestack = LAYOUT_NONE, /* <=3.10 only */
    .frame_stacktop = LAYOUT_NONE, /* 3.8-3.9 only */
    .frame_stackdepth = LAYOUT_NONE, /* 3.10 only */
    .iframe_localsplus = 72, /* locals, then the value stack */
    .iframe_stacktop = 64, /* int stacktop: index of the top of stack + 1 in localsplus */
    .iframe_stackpointer = LAYOUT_NONE, /* 3.14+ */
    .code_nlocalsplus = 76, /* int: the value stack starts here */
    .gen_state_yield_from_min = -1, /* 3.11-3.12: only FRAME_SUSPENDED; the value stack tells `yield from` */
    .gen_state_yield_from_max = -1, /*  */
    .gen_state_known = 0,
    .gen_yf_slot = 1, /* the awaited iterator is the top of stack */

    /* asyncio per-thread state (3.14+, _PyThreadStateImpl / PyInterpreterState) */
    .tstate_asyncio_running_loop = LAYOUT_NONE, /* 3.14+ */
    .tstate_asyncio_running_task = LAYOUT_NONE, /* 3.14+ */
    .tstate_asyncio_tasks_head = LAYOUT_NONE, /* 3.14+ */
    .interp_asyncio_tasks_head = LAYOUT_NONE, /* 3.14+ */
};

/* CPython 3.12.1 (PY_VERSION_HEX 0x030c01f0) */
static const struct layout layout_3_12 = {
    .major = 3,
    .minor = 12,

    /* _PyRuntimeState */
    .runtime_interpreters_head = 40, /* interpreters.head */
    .runtime_gil = LAYOUT_NONE, /* 3.12+: the GIL is per interpreter, see interp_gil_ptr */

    /* PyInterpreterState (struct _is) */
    .interp_next = 0,
    .interp_threads_head = 72, /* threads.head */
    .interp_modules = 944, /* imports.modules */
    .interp_gil_ptr = 384, /* ceval.gil: struct _gil_runtime_state *, usually &interp->_gil */
    .interp_code_generation = LAYOUT_NONE, /* 3.14+: bumped by every code object dealloc */

    /* struct _gil_runtime_state (internal/pycore_gil.h) */
    .gil_locked = 16,
    .gil_last_holder = 8,
    .gil_size = 208,

    /* PyThreadState (struct _ts) */
    .tstate_next = 8,
    .tstate_interp = 16,
    .tstate_frame = LAYOUT_NONE, /* <=3.10 only */
    .tstate_cframe = 56, /* _PyCFrame *cframe */
    .cframe_current_frame = 0,
    .tstate_current_frame = LAYOUT_NONE, /* 3.13+ only */
    .tstate_thread_id = 136, /* unsigned long (pthread_t) */
    .tstate_native_thread_id = 144,
    .tstate_datastack_chunk = 232,
    .tstate_holds_gil = LAYOUT_NONE, /* 3.14+ */
    .tstate_size = 288,

    /* Frames */
    .frame_kind = FRAME_INTERPRETER,
    .frame_back = LAYOUT_NONE, /* <=3.10 only */
    .frame_code = LAYOUT_NONE, /* <=3.10 only */
    .frame_lasti = LAYOUT_NONE, /* <=3.10 only */
    .frame_lasti_unit = 0, /* <=3.10 only */
    .iframe_previous = 8, /* _PyInterpreterFrame */
    .iframe_code = 0, /* PyCodeObject *f_code */
    .iframe_instr = 56, /* _Py_CODEUNIT *prev_instr */
    .iframe_owner = 70, /* char owner (enum _frameowner) */
    .iframe_is_entry = LAYOUT_NONE, /* 3.11 only; 3.12+ marks entry frames by owner */
    .iframe_size = 80, /* sizeof, localsplus[1] included */
    .iframe_owner_shim_min = 3, /* FRAME_OWNED_BY_CSTACK */
    .iframe_code_tag_mask = 0, /* f_executable is a plain pointer */

    /* PyCodeObject */
    .code_filename = 112,
    .code_name = 120,
    .code_qualname = 128,
    .code_firstlineno = 68, /* int */
    .code_stacksize = 64, /* int: slots of its value stack */
    .code_names = 32, /* tuple of str: the global and attribute names it uses */
    .code_linetable = 136, /* co_linetable (bytes) */
    .code_code_adaptive = 192,
    .code_firsttraceable = 176, /* int: frames before this instruction are incomplete (entry shims, not started) */
    .linetable_kind = LINETABLE_LOCATIONS,

    /* PyObject / PyVarObject / PyTypeObject */
    .object_type = 8,
    .varobject_size = 16,
    .type_name = 24,
    .type_basicsize = 32,
    .type_dictoffset = 288,
    .type_flags = 168,
    .heaptype_cached_keys = 880, /* PyHeapTypeObject */
    .type_flag_inline_values = 0x0, /* 3.13+ */
    .type_flag_managed_dict = 0x10, /* Py_TPFLAGS_MANAGED_DICT */

    /* PyBytesObject */
    .bytes_data = 32, /* ob_sval */

    /* PyUnicodeObject */
    .unicode_length = 16, /* PyASCIIObject */
    .unicode_state = 32, /* PyASCIIObject */
    .unicode_ascii_size = 40, /* sizeof(PyASCIIObject) */
    .unicode_compact_size = 56, /* sizeof(PyCompactUnicodeObject) */
    .unicode_kind_shift = 2, /* found at run time */
    .unicode_compact_shift = 5, /* found at run time */
    .unicode_ascii_shift = 6, /* found at run time */

    /* PyTupleObject */
    .tuple_items = 24,

    /* PyLongObject */
    .long_kind = LONG_LV_TAG,
    .long_digits = 24, /* long_value.ob_digit */
    .long_lv_tag = 16, /* long_value.lv_tag */
    .long_digit_bits = 30, /* PyLong_SHIFT */

    /* PyDictObject and PyDictKeysObject */
    .dict_used = 16,
    .dict_keys = 32,
    .dict_values = 40,
    .dictkeys_size = LAYOUT_NONE, /* <=3.10 only */
    .dictkeys_log2_size = 8, /* uint8_t */
    .dictkeys_log2_index_bytes = 9, /* uint8_t */
    .dictkeys_kind = 10, /* uint8_t, DICT_KEYS_GENERAL = 0 */
    .dictkeys_nentries = 24,
    .dictkeys_indices = 32,
    .dict_entry_size = 24,
    .dict_unicode_entry_size = 16,
    .dictvalues_values = 0, /* PyDictValues */
    .instance_dict_kind = INSTANCE_DICT_MANAGED_312,

    /* PySetObject, PyListObject, PyWeakReference, PyMethodObject */
    .set_mask = 32, /* Py_ssize_t mask: table size - 1 */
    .set_table = 40, /* setentry *table */
    .set_entry_size = 16, /* setentry: key, hash */
    .set_entry_key = 0,
    .list_items = 24, /* PyObject **ob_item */
    .weakref_object = 16, /* Py_None once the referent died */
    .method_self = 24, /* bound method's __self__ */
    .function_closure = 72, /* tuple of cells, or NULL */
    .cell_ref = 16, /* the cell's content */
    .rlock_owner = 24, /* _thread.RLock: owner's thread ident, 0 when not owned */
    .lock_semaphore = 16, /* lockobject/rlockobject: PyThread_type_lock, a sem_t * */

    /* PyGenObject / PyCoroObject and the value stack of a suspended frame */
    .gen_frame = LAYOUT_NONE, /* <=3.10 only */
    .gen_iframe = 72, /* the coroutine's _PyInterpreterFrame, inline */
    .gen_frame_state = 67, /* int8_t gi_frame_state */
    .frame_valuestack = LAYOUT_NONE, /* <=3.10 only */
    .frame_stacktop = LAYOUT_NONE, /* 3.8-3.9 only */
    .frame_stackdepth = LAYOUT_NONE, /* 3.10 only */
    .iframe_localsplus = 72, /* locals, then the value stack */
    .iframe_stacktop = 64, /* int stacktop: index of the top of stack + 1 in localsplus */
    .iframe_stackpointer = LAYOUT_NONE, /* 3.14+ */
    .code_nlocalsplus = 72, /* int: the value stack starts here */
    .gen_state_yield_from_min = -1, /* 3.11-3.12: only FRAME_SUSPENDED; the value stack tells `yield from` */
    .gen_state_yield_from_max = -1, /*  */
    .gen_state_known = 0,
    .gen_yf_slot = 1, /* the awaited iterator is the top of stack */

    /* asyncio per-thread state (3.14+, _PyThreadStateImpl / PyInterpreterState) */
    .tstate_asyncio_running_loop = LAYOUT_NONE, /* 3.14+ */
    .tstate_asyncio_running_task = LAYOUT_NONE, /* 3.14+ */
    .tstate_asyncio_tasks_head = LAYOUT_NONE, /* 3.14+ */
    .interp_asyncio_tasks_head = LAYOUT_NONE, /* 3.14+ */
};

/* CPython 3.13.18 (PY_VERSION_HEX 0x030d12f0) */
static const struct layout layout_3_13 = {
    .major = 3,
    .minor = 13,

    /* _PyRuntimeState */
    .runtime_interpreters_head = 632, /* interpreters.head */
    .runtime_gil = LAYOUT_NONE, /* 3.12+: the GIL is per interpreter, see interp_gil_ptr */

    /* PyInterpreterState (struct _is) */
    .interp_next = 7264,
    .interp_threads_head = 7344, /* threads.head */
    .interp_modules = 7656, /* imports.modules */
    .interp_gil_ptr = 16, /* ceval.gil: struct _gil_runtime_state *, usually &interp->_gil */
    .interp_code_generation = LAYOUT_NONE, /* 3.14+: bumped by every code object dealloc */

    /* struct _gil_runtime_state (internal/pycore_gil.h) */
    .gil_locked = 16,
    .gil_last_holder = 8,
    .gil_size = 208,

    /* PyThreadState (struct _ts) */
    .tstate_next = 8,
    .tstate_interp = 16,
    .tstate_frame = LAYOUT_NONE, /* <=3.10 only */
    .tstate_cframe = LAYOUT_NONE, /* 3.11-3.12 only */
    .cframe_current_frame = LAYOUT_NONE, /* 3.11-3.12 only */
    .tstate_current_frame = 72, /* struct _PyInterpreterFrame *current_frame */
    .tstate_thread_id = 152, /* unsigned long (pthread_t) */
    .tstate_native_thread_id = 160,
    .tstate_datastack_chunk = 232,
    .tstate_holds_gil = LAYOUT_NONE, /* 3.13: only a bit in _status (_status.holds_gil:1) */
    .tstate_size = 312,

    /* Frames */
    .frame_kind = FRAME_INTERPRETER,
    .frame_back = LAYOUT_NONE, /* <=3.10 only */
    .frame_code = LAYOUT_NONE, /* <=3.10 only */
    .frame_lasti = LAYOUT_NONE, /* <=3.10 only */
    .frame_lasti_unit = 0, /* <=3.10 only */
    .iframe_previous = 8, /* _PyInterpreterFrame */
    .iframe_code = 0, /* f_executable */
    .iframe_instr = 56, /* _Py_CODEUNIT *instr_ptr */
    .iframe_owner = 70, /* char owner (enum _frameowner) */
    .iframe_is_entry = LAYOUT_NONE, /* 3.11 only; 3.12+ marks entry frames by owner */
    .iframe_size = 80, /* sizeof, localsplus[1] included */
    .iframe_owner_shim_min = 3, /* FRAME_OWNED_BY_CSTACK */
    .iframe_code_tag_mask = 0, /* f_executable is a plain pointer */

    /* PyCodeObject */
    .code_filename = 112,
    .code_name = 120,
    .code_qualname = 128,
    .code_firstlineno = 68, /* int */
    .code_stacksize = 64, /* int: slots of its value stack */
    .code_names = 32, /* tuple of str: the global and attribute names it uses */
    .code_linetable = 136, /* co_linetable (bytes) */
    .code_code_adaptive = 200,
    .code_firsttraceable = 184, /* int: frames before this instruction are incomplete (entry shims, not started) */
    .linetable_kind = LINETABLE_LOCATIONS,

    /* PyObject / PyVarObject / PyTypeObject */
    .object_type = 8,
    .varobject_size = 16,
    .type_name = 24,
    .type_basicsize = 32,
    .type_dictoffset = 288,
    .type_flags = 168,
    .heaptype_cached_keys = 880, /* PyHeapTypeObject */
    .type_flag_inline_values = 0x4, /* Py_TPFLAGS_INLINE_VALUES */
    .type_flag_managed_dict = 0x10, /* Py_TPFLAGS_MANAGED_DICT */

    /* PyBytesObject */
    .bytes_data = 32, /* ob_sval */

    /* PyUnicodeObject */
    .unicode_length = 16, /* PyASCIIObject */
    .unicode_state = 32, /* PyASCIIObject */
    .unicode_ascii_size = 40, /* sizeof(PyASCIIObject) */
    .unicode_compact_size = 56, /* sizeof(PyCompactUnicodeObject) */
    .unicode_kind_shift = 2, /* found at run time */
    .unicode_compact_shift = 5, /* found at run time */
    .unicode_ascii_shift = 6, /* found at run time */

    /* PyTupleObject */
    .tuple_items = 24,

    /* PyLongObject */
    .long_kind = LONG_LV_TAG,
    .long_digits = 24, /* long_value.ob_digit */
    .long_lv_tag = 16, /* long_value.lv_tag */
    .long_digit_bits = 30, /* PyLong_SHIFT */

    /* PyDictObject and PyDictKeysObject */
    .dict_used = 16,
    .dict_keys = 32,
    .dict_values = 40,
    .dictkeys_size = LAYOUT_NONE, /* <=3.10 only */
    .dictkeys_log2_size = 8, /* uint8_t */
    .dictkeys_log2_index_bytes = 9, /* uint8_t */
    .dictkeys_kind = 10, /* uint8_t, DICT_KEYS_GENERAL = 0 */
    .dictkeys_nentries = 24,
    .dictkeys_indices = 32,
    .dict_entry_size = 24,
    .dict_unicode_entry_size = 16,
    .dictvalues_values = 8, /* PyDictValues: capacity, size, embedded, valid come first */
    .instance_dict_kind = INSTANCE_DICT_INLINE_313,

    /* PySetObject, PyListObject, PyWeakReference, PyMethodObject */
    .set_mask = 32, /* Py_ssize_t mask: table size - 1 */
    .set_table = 40, /* setentry *table */
    .set_entry_size = 16, /* setentry: key, hash */
    .set_entry_key = 0,
    .list_items = 24, /* PyObject **ob_item */
    .weakref_object = 16, /* Py_None once the referent died */
    .method_self = 24, /* bound method's __self__ */
    .function_closure = 72, /* tuple of cells, or NULL */
    .cell_ref = 16, /* the cell's content */
    .rlock_owner = 24, /* _thread.RLock: owner's thread ident, 0 when not owned */
    .lock_semaphore = LAYOUT_NONE, /* <=3.12: 3.13+ locks are a PyMutex */

    /* PyGenObject / PyCoroObject and the value stack of a suspended frame */
    .gen_frame = LAYOUT_NONE, /* <=3.10 only */
    .gen_iframe = 72, /* the coroutine's _PyInterpreterFrame, inline */
    .gen_frame_state = 67, /* int8_t gi_frame_state */
    .frame_valuestack = LAYOUT_NONE, /* <=3.10 only */
    .frame_stacktop = LAYOUT_NONE, /* 3.8-3.9 only */
    .frame_stackdepth = LAYOUT_NONE, /* 3.10 only */
    .iframe_localsplus = 72, /* locals, then the value stack */
    .iframe_stacktop = 64, /* int stacktop: index of the top of stack + 1 in localsplus */
    .iframe_stackpointer = LAYOUT_NONE, /* 3.14+ */
    .code_nlocalsplus = 72, /* int: the value stack starts here */
    .gen_state_yield_from_min = -1, /* gi_frame_state: suspended in `await`/`yield from` (signed int8) */
    .gen_state_yield_from_max = -1, /*  */
    .gen_state_known = 1, /* 3.13+ tells `yield from` apart in the state */
    .gen_yf_slot = 1, /* the awaited iterator is the top of stack */

    /* asyncio per-thread state (3.14+, _PyThreadStateImpl / PyInterpreterState) */
    .tstate_asyncio_running_loop = LAYOUT_NONE, /* 3.14+ */
    .tstate_asyncio_running_task = LAYOUT_NONE, /* 3.14+ */
    .tstate_asyncio_tasks_head = LAYOUT_NONE, /* 3.14+ */
    .interp_asyncio_tasks_head = LAYOUT_NONE, /* 3.14+ */
};

/* CPython 3.14.10 (PY_VERSION_HEX 0x030e0af0) */
static const struct layout layout_3_14 = {
    .major = 3,
    .minor = 14,

    /* _PyRuntimeState */
    .runtime_interpreters_head = 808, /* interpreters.head */
    .runtime_gil = LAYOUT_NONE, /* 3.12+: the GIL is per interpreter, see interp_gil_ptr */

    /* PyInterpreterState (struct _is) */
    .interp_next = 7272,
    .interp_threads_head = 7344, /* threads.head */
    .interp_modules = 7688, /* imports.modules */
    .interp_gil_ptr = 16, /* ceval.gil: struct _gil_runtime_state *, usually &interp->_gil */
    .interp_code_generation = 7992, /* bumped by code_dealloc: cached code objects stay valid while it is unchanged */

    /* struct _gil_runtime_state (internal/pycore_gil.h) */
    .gil_locked = 16,
    .gil_last_holder = 8,
    .gil_size = 208,

    /* PyThreadState (struct _ts) */
    .tstate_next = 8,
    .tstate_interp = 16,
    .tstate_frame = LAYOUT_NONE, /* <=3.10 only */
    .tstate_cframe = LAYOUT_NONE, /* 3.11-3.12 only */
    .cframe_current_frame = LAYOUT_NONE, /* 3.11-3.12 only */
    .tstate_current_frame = 72, /* struct _PyInterpreterFrame *current_frame */
    .tstate_thread_id = 152, /* unsigned long (pthread_t) */
    .tstate_native_thread_id = 160,
    .tstate_datastack_chunk = 232,
    .tstate_holds_gil = 36, /* int holds_gil */
    .tstate_size = 832,

    /* Frames */
    .frame_kind = FRAME_INTERPRETER,
    .frame_back = LAYOUT_NONE, /* <=3.10 only */
    .frame_code = LAYOUT_NONE, /* <=3.10 only */
    .frame_lasti = LAYOUT_NONE, /* <=3.10 only */
    .frame_lasti_unit = 0, /* <=3.10 only */
    .iframe_previous = 8, /* _PyInterpreterFrame */
    .iframe_code = 0, /* f_executable */
    .iframe_instr = 56, /* _Py_CODEUNIT *instr_ptr */
    .iframe_owner = 74, /* char owner (enum _frameowner) */
    .iframe_is_entry = LAYOUT_NONE, /* 3.11 only; 3.12+ marks entry frames by owner */
    .iframe_size = 88, /* sizeof, localsplus[1] included */
    .iframe_owner_shim_min = 3, /* FRAME_OWNED_BY_INTERPRETER; FRAME_OWNED_BY_CSTACK is the next value */
    .iframe_code_tag_mask = 3, /* Py_TAG_BITS of _PyStackRef, default (GIL) build */

    /* PyCodeObject */
    .code_filename = 112,
    .code_name = 120,
    .code_qualname = 128,
    .code_firstlineno = 68, /* int */
    .code_stacksize = 64, /* int: slots of its value stack */
    .code_names = 32, /* tuple of str: the global and attribute names it uses */
    .code_linetable = 136, /* co_linetable (bytes) */
    .code_code_adaptive = 208,
    .code_firsttraceable = 192, /* int: frames before this instruction are incomplete (entry shims, not started) */
    .linetable_kind = LINETABLE_LOCATIONS,

    /* PyObject / PyVarObject / PyTypeObject */
    .object_type = 8,
    .varobject_size = 16,
    .type_name = 24,
    .type_basicsize = 32,
    .type_dictoffset = 288,
    .type_flags = 168,
    .heaptype_cached_keys = 880, /* PyHeapTypeObject */
    .type_flag_inline_values = 0x4, /* Py_TPFLAGS_INLINE_VALUES */
    .type_flag_managed_dict = 0x10, /* Py_TPFLAGS_MANAGED_DICT */

    /* PyBytesObject */
    .bytes_data = 32, /* ob_sval */

    /* PyUnicodeObject */
    .unicode_length = 16, /* PyASCIIObject */
    .unicode_state = 32, /* PyASCIIObject */
    .unicode_ascii_size = 40, /* sizeof(PyASCIIObject) */
    .unicode_compact_size = 56, /* sizeof(PyCompactUnicodeObject) */
    .unicode_kind_shift = 2, /* found at run time */
    .unicode_compact_shift = 5, /* found at run time */
    .unicode_ascii_shift = 6, /* found at run time */

    /* PyTupleObject */
    .tuple_items = 32,

    /* PyLongObject */
    .long_kind = LONG_LV_TAG,
    .long_digits = 24, /* long_value.ob_digit */
    .long_lv_tag = 16, /* long_value.lv_tag */
    .long_digit_bits = 30, /* PyLong_SHIFT */

    /* PyDictObject and PyDictKeysObject */
    .dict_used = 16,
    .dict_keys = 32,
    .dict_values = 40,
    .dictkeys_size = LAYOUT_NONE, /* <=3.10 only */
    .dictkeys_log2_size = 8, /* uint8_t */
    .dictkeys_log2_index_bytes = 9, /* uint8_t */
    .dictkeys_kind = 10, /* uint8_t, DICT_KEYS_GENERAL = 0 */
    .dictkeys_nentries = 24,
    .dictkeys_indices = 32,
    .dict_entry_size = 24,
    .dict_unicode_entry_size = 16,
    .dictvalues_values = 8, /* PyDictValues: capacity, size, embedded, valid come first */
    .instance_dict_kind = INSTANCE_DICT_INLINE_313,

    /* PySetObject, PyListObject, PyWeakReference, PyMethodObject */
    .set_mask = 32, /* Py_ssize_t mask: table size - 1 */
    .set_table = 40, /* setentry *table */
    .set_entry_size = 16, /* setentry: key, hash */
    .set_entry_key = 0,
    .list_items = 24, /* PyObject **ob_item */
    .weakref_object = 16, /* Py_None once the referent died */
    .method_self = 24, /* bound method's __self__ */
    .function_closure = 72, /* tuple of cells, or NULL */
    .cell_ref = 16, /* the cell's content */
    .rlock_owner = 24, /* _thread.RLock: owner's thread ident, 0 when not owned */
    .lock_semaphore = LAYOUT_NONE, /* <=3.12: 3.13+ locks are a PyMutex */

    /* PyGenObject / PyCoroObject and the value stack of a suspended frame */
    .gen_frame = LAYOUT_NONE, /* <=3.10 only */
    .gen_iframe = 72, /* the coroutine's _PyInterpreterFrame, inline */
    .gen_frame_state = 67, /* int8_t gi_frame_state */
    .frame_valuestack = LAYOUT_NONE, /* <=3.10 only */
    .frame_stacktop = LAYOUT_NONE, /* 3.8-3.9 only */
    .frame_stackdepth = LAYOUT_NONE, /* 3.10 only */
    .iframe_localsplus = 80, /* locals, then the value stack */
    .iframe_stacktop = LAYOUT_NONE, /* 3.11-3.13 */
    .iframe_stackpointer = 64, /* _PyStackRef *stackpointer: one past the top of stack */
    .code_nlocalsplus = 72, /* int: the value stack starts here */
    .gen_state_yield_from_min = -1, /* gi_frame_state: suspended in `await`/`yield from` (signed int8) */
    .gen_state_yield_from_max = -1, /*  */
    .gen_state_known = 1, /* 3.13+ tells `yield from` apart in the state */
    .gen_yf_slot = 1, /* the awaited iterator is the top of stack */

    /* asyncio per-thread state (3.14+, _PyThreadStateImpl / PyInterpreterState) */
    .tstate_asyncio_running_loop = 864,
    .tstate_asyncio_running_task = 872,
    .tstate_asyncio_tasks_head = 880, /* struct llist_node: the thread's native tasks */
    .interp_asyncio_tasks_head = 10880, /* struct llist_node: tasks of threads that have exited */
};

/* CPython 3.15.2 (PY_VERSION_HEX 0x030f02f0) */
static const struct layout layout_3_15 = {
    .major = 3,
    .minor = 15,

    /* _PyRuntimeState */
    .runtime_interpreters_head = 936, /* interpreters.head */
    .runtime_gil = LAYOUT_NONE, /* 3.12+: the GIL is per interpreter, see interp_gil_ptr */

    /* PyInterpreterState (struct _is) */
    .interp_next = 7264,
    .interp_threads_head = 7336, /* threads.head */
    .interp_modules = 7592, /* imports.modules */
    .interp_gil_ptr = 16, /* ceval.gil: struct _gil_runtime_state *, usually &interp->_gil */
    .interp_code_generation = 7944, /* bumped by code_dealloc: cached code objects stay valid while it is unchanged */

    /* struct _gil_runtime_state (internal/pycore_gil.h) */
    .gil_locked = 16,
    .gil_last_holder = 8,
    .gil_size = 208,

    /* PyThreadState (struct _ts) */
    .tstate_next = 8,
    .tstate_interp = 16,
    .tstate_frame = LAYOUT_NONE, /* <=3.10 only */
    .tstate_cframe = LAYOUT_NONE, /* 3.11-3.12 only */
    .cframe_current_frame = LAYOUT_NONE, /* 3.11-3.12 only */
    .tstate_current_frame = 72, /* struct _PyInterpreterFrame *current_frame */
    .tstate_thread_id = 176, /* unsigned long (pthread_t) */
    .tstate_native_thread_id = 184,
    .tstate_datastack_chunk = 256,
    .tstate_holds_gil = 36, /* int holds_gil */
    .tstate_size = 888,

    /* Frames */
    .frame_kind = FRAME_INTERPRETER,
    .frame_back = LAYOUT_NONE, /* <=3.10 only */
    .frame_code = LAYOUT_NONE, /* <=3.10 only */
    .frame_lasti = LAYOUT_NONE, /* <=3.10 only */
    .frame_lasti_unit = 0, /* <=3.10 only */
    .iframe_previous = 8, /* _PyInterpreterFrame */
    .iframe_code = 0, /* f_executable */
    .iframe_instr = 56, /* _Py_CODEUNIT *instr_ptr */
    .iframe_owner = 74, /* char owner (enum _frameowner) */
    .iframe_is_entry = LAYOUT_NONE, /* 3.11 only; 3.12+ marks entry frames by owner */
    .iframe_size = 88, /* sizeof, localsplus[1] included */
    .iframe_owner_shim_min = 3, /* FRAME_OWNED_BY_INTERPRETER, the highest owner */
    .iframe_code_tag_mask = 3, /* Py_TAG_BITS of _PyStackRef, default (GIL) build */

    /* PyCodeObject */
    .code_filename = 112,
    .code_name = 120,
    .code_qualname = 128,
    .code_firstlineno = 68, /* int */
    .code_stacksize = 64, /* int: slots of its value stack */
    .code_names = 32, /* tuple of str: the global and attribute names it uses */
    .code_linetable = 136, /* co_linetable (bytes) */
    .code_code_adaptive = 208,
    .code_firsttraceable = 192, /* int: frames before this instruction are incomplete (entry shims, not started) */
    .linetable_kind = LINETABLE_LOCATIONS,

    /* PyObject / PyVarObject / PyTypeObject */
    .object_type = 8,
    .varobject_size = 16,
    .type_name = 24,
    .type_basicsize = 32,
    .type_dictoffset = 288,
    .type_flags = 168,
    .heaptype_cached_keys = 888, /* PyHeapTypeObject */
    .type_flag_inline_values = 0x4, /* Py_TPFLAGS_INLINE_VALUES */
    .type_flag_managed_dict = 0x10, /* Py_TPFLAGS_MANAGED_DICT */

    /* PyBytesObject */
    .bytes_data = 32, /* ob_sval */

    /* PyUnicodeObject */
    .unicode_length = 16, /* PyASCIIObject */
    .unicode_state = 32, /* PyASCIIObject */
    .unicode_ascii_size = 40, /* sizeof(PyASCIIObject) */
    .unicode_compact_size = 56, /* sizeof(PyCompactUnicodeObject) */
    .unicode_kind_shift = 2, /* found at run time */
    .unicode_compact_shift = 5, /* found at run time */
    .unicode_ascii_shift = 6, /* found at run time */

    /* PyTupleObject */
    .tuple_items = 32,

    /* PyLongObject */
    .long_kind = LONG_LV_TAG,
    .long_digits = 24, /* long_value.ob_digit */
    .long_lv_tag = 16, /* long_value.lv_tag */
    .long_digit_bits = 30, /* PyLong_SHIFT */

    /* PyDictObject and PyDictKeysObject */
    .dict_used = 16,
    .dict_keys = 32,
    .dict_values = 40,
    .dictkeys_size = LAYOUT_NONE, /* <=3.10 only */
    .dictkeys_log2_size = 8, /* uint8_t */
    .dictkeys_log2_index_bytes = 9, /* uint8_t */
    .dictkeys_kind = 10, /* uint8_t, DICT_KEYS_GENERAL = 0 */
    .dictkeys_nentries = 24,
    .dictkeys_indices = 32,
    .dict_entry_size = 24,
    .dict_unicode_entry_size = 16,
    .dictvalues_values = 8, /* PyDictValues: capacity, size, embedded, valid come first */
    .instance_dict_kind = INSTANCE_DICT_INLINE_313,

    /* PySetObject, PyListObject, PyWeakReference, PyMethodObject */
    .set_mask = 32, /* Py_ssize_t mask: table size - 1 */
    .set_table = 40, /* setentry *table */
    .set_entry_size = 16, /* setentry: key, hash */
    .set_entry_key = 0,
    .list_items = 24, /* PyObject **ob_item */
    .weakref_object = 16, /* Py_None once the referent died */
    .method_self = 24, /* bound method's __self__ */
    .function_closure = 72, /* tuple of cells, or NULL */
    .cell_ref = 16, /* the cell's content */
    .rlock_owner = 24, /* _thread.RLock: owner's thread ident, 0 when not owned */
    .lock_semaphore = LAYOUT_NONE, /* <=3.12: 3.13+ locks are a PyMutex */

    /* PyGenObject / PyCoroObject and the value stack of a suspended frame */
    .gen_frame = LAYOUT_NONE, /* <=3.10 only */
    .gen_iframe = 72, /* the coroutine's _PyInterpreterFrame, inline */
    .gen_frame_state = 67, /* int8_t gi_frame_state */
    .frame_valuestack = LAYOUT_NONE, /* <=3.10 only */
    .frame_stacktop = LAYOUT_NONE, /* 3.8-3.9 only */
    .frame_stackdepth = LAYOUT_NONE, /* 3.10 only */
    .iframe_localsplus = 80, /* locals, then the value stack */
    .iframe_stacktop = LAYOUT_NONE, /* 3.11-3.13 */
    .iframe_stackpointer = 64, /* _PyStackRef *stackpointer: one past the top of stack */
    .code_nlocalsplus = 72, /* int: the value stack starts here */
    .gen_state_yield_from_min = 2, /* gi_frame_state: suspended in `await`/`yield from` (signed int8) */
    .gen_state_yield_from_max = 3, /* 3.15 FRAME_SUSPENDED_YIELD_FROM_LOCKED */
    .gen_state_known = 1, /* 3.13+ tells `yield from` apart in the state */
    .gen_yf_slot = 2, /* 3.15: the sent value stays above the awaited iterator (checked on 3.15.2: the stack is [..., iter, value]) */

    /* asyncio per-thread state (3.14+, _PyThreadStateImpl / PyInterpreterState) */
    .tstate_asyncio_running_loop = 1024,
    .tstate_asyncio_running_task = 1032,
    .tstate_asyncio_tasks_head = 1048, /* struct llist_node: the thread's native tasks */
    .interp_asyncio_tasks_head = 10856, /* struct llist_node: tasks of threads that have exited */
};

const struct layout *layout_for_version(int major, int minor)
{
    if (major != 3)
        return NULL;
    switch (minor) {
    case 8:
        return &layout_3_8;
    case 9:
        return &layout_3_9;
    case 10:
        return &layout_3_10;
    case 11:
        return &layout_3_11;
    case 12:
        return &layout_3_12;
    case 13:
        return &layout_3_13;
    case 14:
        return &layout_3_14;
    case 15:
        return &layout_3_15;
    default:
        return NULL;
    }
}
