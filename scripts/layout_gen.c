/* layout_gen.c - print the `struct layout` table of one CPython minor version.
 *
 * Compiled against a single CPython's installed headers, internal ones
 * included (-DPy_BUILD_CORE), it prints a C definition
 *
 *     static const struct layout layout_3_X = { .field = value, ... };
 *
 * where every offset and size comes from offsetof()/sizeof() on the real
 * structs, enum values and flag bits come from the headers, and the bit
 * positions of PyASCIIObject's state bitfields are found at run time (offsetof
 * cannot see into bitfields: we set one in a zeroed struct and look which bit
 * changed).  Only the knowledge the headers cannot give -- which field means
 * what in which version -- is written here, under #if PY_VERSION_HEX.
 *
 * scripts/gen-layouts compiles this once per minor version and concatenates
 * the outputs into readers/layout_tables.c.  This program runs on the build
 * machine only; the profiler never links it.
 *
 * A struct the installed headers do not define is mirrored below with the
 * CPython source file and tag it was copied from; the output says so too. */

#ifndef Py_BUILD_CORE
#error "compile with -DPy_BUILD_CORE (scripts/gen-layouts does)"
#endif

#include <Python.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if PY_VERSION_HEX < 0x03080000 || PY_VERSION_HEX >= 0x03100000
#error "layout_gen.c knows CPython 3.8 to 3.15; teach it the new version first"
#endif

#if PY_VERSION_HEX < 0x030B0000
#include <frameobject.h>  /* PyFrameObject: not included by Python.h before 3.11 */
#include <longintrepr.h>  /* struct _longobject, PyLong_SHIFT */
#endif

#if PY_VERSION_HEX < 0x03090000
#include "internal/pycore_pystate.h" /* 3.8: _PyRuntimeState, PyInterpreterState, ceval */
#else
#include "internal/pycore_runtime.h"
#include "internal/pycore_interp.h"
#include "internal/pycore_pystate.h"
#endif
#include "internal/pycore_gil.h" /* struct _gil_runtime_state */

#if PY_VERSION_HEX >= 0x030B0000
#include "internal/pycore_code.h"
#include "internal/pycore_dict.h"   /* PyDictKeysObject, entries, PyDictValues */
#include "internal/pycore_frame.h"  /* _PyInterpreterFrame, enum _frameowner */
#include "internal/pycore_object.h" /* managed dict / inline values helpers */
#endif
#if PY_VERSION_HEX >= 0x030E0000
#include "internal/pycore_stackref.h" /* _PyStackRef, Py_TAG_BITS */
#include "internal/pycore_genobject.h" /* PyGenObject moved out of the public headers */
#include "internal/pycore_tstate.h"    /* _PyThreadStateImpl: asyncio fields */
#endif

/* 3.8-3.10 keep the dict keys object in Objects/dict-common.h, which is not
 * installed.  Mirrored from Objects/dict-common.h of the 3.8, 3.9 and 3.10
 * branches (tags v3.8.18, v3.9.18, v3.10.13: the same struct in the three; 3.11
 * replaced dk_size by dk_log2_size and dropped dk_lookup); scripts/check-layouts
 * verifies the offsets on running 3.8-3.10 interpreters.  The public headers
 * only declare the incomplete `typedef struct _dictkeysobject PyDictKeysObject`,
 * so completing it here lets the code below name the fields alike in every
 * version. */
#if PY_VERSION_HEX < 0x030B0000
#define MIRRORED_DICT_COMMON 1
typedef struct {
    Py_hash_t me_hash;
    PyObject *me_key;
    PyObject *me_value;
} PyDictKeyEntry;

struct _dictkeysobject {
    Py_ssize_t dk_refcnt;
    Py_ssize_t dk_size;
    void *dk_lookup; /* dict_lookup_func: a function pointer */
    Py_ssize_t dk_usable;
    Py_ssize_t dk_nentries;
    char dk_indices[];
};
#endif

/* The enum _frameowner values we rely on: everything above
 * FRAME_OWNED_BY_FRAME_OBJECT is a frame the C code pushed (entry/shim). */
#if PY_VERSION_HEX >= 0x030C0000 && PY_VERSION_HEX < 0x030E0000
_Static_assert(FRAME_OWNED_BY_CSTACK == FRAME_OWNED_BY_FRAME_OBJECT + 1,
               "owners above FRAME_OWNED_BY_FRAME_OBJECT must be the C stack's");
#elif PY_VERSION_HEX >= 0x030E0000 && PY_VERSION_HEX < 0x030F0000
_Static_assert(FRAME_OWNED_BY_INTERPRETER == FRAME_OWNED_BY_FRAME_OBJECT + 1 &&
                   FRAME_OWNED_BY_CSTACK == FRAME_OWNED_BY_INTERPRETER + 1,
               "owners above FRAME_OWNED_BY_FRAME_OBJECT must be shims");
#elif PY_VERSION_HEX >= 0x030F0000
_Static_assert(FRAME_OWNED_BY_INTERPRETER == FRAME_OWNED_BY_FRAME_OBJECT + 1,
               "owners above FRAME_OWNED_BY_FRAME_OBJECT must be shims");
#endif

/* The managed-dict word offsets that enum instance_dict_kind in layout.h
 * promises (non-free-threaded builds). */
#if PY_VERSION_HEX >= 0x030D0000
_Static_assert(MANAGED_DICT_OFFSET == -3 * (Py_ssize_t)sizeof(PyObject *),
               "3.13+: managed dict pointer at obj - 3 words");
#elif PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030C0000
_Static_assert(MANAGED_DICT_OFFSET == -3 * (int)sizeof(PyObject *),
               "3.11: managed dict pointer at obj - 3 words");
#endif

static void put(const char *field, uint64_t value, const char *note)
{
    if (note)
        printf("    .%s = %llu, /* %s */\n", field, (unsigned long long)value, note);
    else
        printf("    .%s = %llu,\n", field, (unsigned long long)value);
}

static void put_hex(const char *field, uint64_t value, const char *note)
{
    printf("    .%s = 0x%llx, /* %s */\n", field, (unsigned long long)value, note);
}

static void put_text(const char *field, const char *text, const char *note)
{
    if (note)
        printf("    .%s = %s, /* %s */\n", field, text, note);
    else
        printf("    .%s = %s,\n", field, text);
}

static void put_signed(const char *field, long long value, const char *note)
{
    printf("    .%s = %lld, /* %s */\n", field, value, note ? note : "");
}

static void put_none(const char *field, const char *note)
{
    put_text(field, "LAYOUT_NONE", note);
}

static void section(const char *title)
{
    printf("\n    /* %s */\n", title);
}

#define OFFSET(field, type, member, note) put(field, offsetof(type, member), note)
#define SIZE(field, type, note) put(field, sizeof(type), note)

/* Index of the lowest set bit in n bytes, counting from bit 0 of byte 0 (the
 * order a little-endian load of the word sees), or -1 if none is set. */
static int lowest_set_bit(const unsigned char *bytes, size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (int b = 0; b < 8; b++)
            if (bytes[i] & (1u << b))
                return (int)(i * 8) + b;
    return -1;
}

static int count_set_bits(const unsigned char *bytes, size_t n)
{
    int count = 0;
    for (size_t i = 0; i < n; i++)
        for (int b = 0; b < 8; b++)
            count += (bytes[i] >> b) & 1;
    return count;
}

/* Set one state bitfield to all ones in a zeroed PyASCIIObject and report
 * where it landed, relative to the first byte of `state`. */
enum state_field { STATE_KIND, STATE_COMPACT, STATE_ASCII };

static int state_bit(enum state_field which, int width)
{
    PyASCIIObject object;
    memset(&object, 0, sizeof object);
    switch (which) {
    case STATE_KIND:
        object.state.kind = 7;
        break;
    case STATE_COMPACT:
        object.state.compact = 1;
        break;
    case STATE_ASCII:
        object.state.ascii = 1;
        break;
    }
    const unsigned char *state = (const unsigned char *)&object + offsetof(PyASCIIObject, state);
    int bit = lowest_set_bit(state, sizeof object.state);
    if (bit < 0 || count_set_bits(state, sizeof object.state) != width) {
        fprintf(stderr, "layout_gen: cannot locate PyASCIIObject state bitfield %d\n", (int)which);
        exit(1);
    }
    return bit;
}

static void print_runtime(void)
{
    section("_PyRuntimeState");
    OFFSET("runtime_interpreters_head", _PyRuntimeState, interpreters.head, "interpreters.head");
#if PY_VERSION_HEX < 0x030C0000
    OFFSET("runtime_gil", _PyRuntimeState, ceval.gil,
           "ceval.gil: struct _gil_runtime_state, inline, one per process");
#else
    put_none("runtime_gil", "3.12+: the GIL is per interpreter, see interp_gil_ptr");
#endif

    section("PyInterpreterState (struct _is)");
    OFFSET("interp_next", PyInterpreterState, next, NULL);
#if PY_VERSION_HEX < 0x030B0000
    OFFSET("interp_threads_head", PyInterpreterState, tstate_head, "tstate_head");
#else
    OFFSET("interp_threads_head", PyInterpreterState, threads.head, "threads.head");
#endif
#if PY_VERSION_HEX < 0x030C0000
    OFFSET("interp_modules", PyInterpreterState, modules, "modules");
#else
    OFFSET("interp_modules", PyInterpreterState, imports.modules, "imports.modules");
#endif
#if PY_VERSION_HEX < 0x030C0000
    put_none("interp_gil_ptr", "the GIL is in _PyRuntime before 3.12");
#else
    OFFSET("interp_gil_ptr", PyInterpreterState, ceval.gil,
           "ceval.gil: struct _gil_runtime_state *, usually &interp->_gil");
#endif
#if PY_VERSION_HEX < 0x030E0000
    put_none("interp_code_generation", "3.14+: bumped by every code object dealloc");
#else
    OFFSET("interp_code_generation", PyInterpreterState, _code_object_generation,
           "bumped by code_dealloc: cached code objects stay valid while it is unchanged");
#endif

    section("struct _gil_runtime_state (internal/pycore_gil.h)");
    OFFSET("gil_locked", struct _gil_runtime_state, locked, NULL);
    OFFSET("gil_last_holder", struct _gil_runtime_state, last_holder, NULL);
    SIZE("gil_size", struct _gil_runtime_state, NULL);
}

static void print_thread_state(void)
{
    section("PyThreadState (struct _ts)");
    OFFSET("tstate_next", PyThreadState, next, NULL);
    OFFSET("tstate_interp", PyThreadState, interp, NULL);
#if PY_VERSION_HEX < 0x030B0000
    OFFSET("tstate_frame", PyThreadState, frame, "PyFrameObject *frame");
    put_none("tstate_cframe", "3.11-3.12 only");
    put_none("cframe_current_frame", "3.11-3.12 only");
    put_none("tstate_current_frame", "3.13+ only");
#elif PY_VERSION_HEX < 0x030D0000
    put_none("tstate_frame", "<=3.10 only");
    OFFSET("tstate_cframe", PyThreadState, cframe, "_PyCFrame *cframe");
    OFFSET("cframe_current_frame", _PyCFrame, current_frame, NULL);
    put_none("tstate_current_frame", "3.13+ only");
#else
    put_none("tstate_frame", "<=3.10 only");
    put_none("tstate_cframe", "3.11-3.12 only");
    put_none("cframe_current_frame", "3.11-3.12 only");
    OFFSET("tstate_current_frame", PyThreadState, current_frame,
           "struct _PyInterpreterFrame *current_frame");
#endif
    OFFSET("tstate_thread_id", PyThreadState, thread_id, "unsigned long (pthread_t)");
#if PY_VERSION_HEX >= 0x030B0000
    OFFSET("tstate_native_thread_id", PyThreadState, native_thread_id, NULL);
    OFFSET("tstate_datastack_chunk", PyThreadState, datastack_chunk, NULL);
#else
    put_none("tstate_native_thread_id", "3.11+");
    put_none("tstate_datastack_chunk", "3.11+");
#endif
#if PY_VERSION_HEX >= 0x030E0000
    OFFSET("tstate_holds_gil", PyThreadState, holds_gil, "int holds_gil");
#elif PY_VERSION_HEX >= 0x030D0000
    put_none("tstate_holds_gil", "3.13: only a bit in _status (_status.holds_gil:1)");
#else
    put_none("tstate_holds_gil", "3.14+");
#endif
    SIZE("tstate_size", PyThreadState, NULL);
}

static void print_frames(void)
{
    section("Frames");
#if PY_VERSION_HEX < 0x030B0000
    put_text("frame_kind", "FRAME_OBJECTS", NULL);
    OFFSET("frame_back", PyFrameObject, f_back, "PyFrameObject");
    OFFSET("frame_code", PyFrameObject, f_code, "PyFrameObject");
    OFFSET("frame_lasti", PyFrameObject, f_lasti, "int f_lasti");
#if PY_VERSION_HEX < 0x030A0000
    put("frame_lasti_unit", 1, "f_lasti is a byte offset");
#else
    put("frame_lasti_unit", 2, "3.10: f_lasti counts 2-byte code units");
#endif
    put_none("iframe_previous", "3.11+");
    put_none("iframe_code", "3.11+");
    put_none("iframe_instr", "3.11+");
    put_none("iframe_owner", "3.11+");
    put_none("iframe_is_entry", "3.11 only");
    put_none("iframe_size", "3.11+");
    put("iframe_owner_shim_min", 0, "no interpreter frames");
    put("iframe_code_tag_mask", 0, NULL);
#else
    put_text("frame_kind", "FRAME_INTERPRETER", NULL);
    put_none("frame_back", "<=3.10 only");
    put_none("frame_code", "<=3.10 only");
    put_none("frame_lasti", "<=3.10 only");
    put("frame_lasti_unit", 0, "<=3.10 only");
    OFFSET("iframe_previous", _PyInterpreterFrame, previous, "_PyInterpreterFrame");
#if PY_VERSION_HEX < 0x030D0000
    OFFSET("iframe_code", _PyInterpreterFrame, f_code, "PyCodeObject *f_code");
    OFFSET("iframe_instr", _PyInterpreterFrame, prev_instr, "_Py_CODEUNIT *prev_instr");
#else
    OFFSET("iframe_code", _PyInterpreterFrame, f_executable, "f_executable");
    OFFSET("iframe_instr", _PyInterpreterFrame, instr_ptr, "_Py_CODEUNIT *instr_ptr");
#endif
    OFFSET("iframe_owner", _PyInterpreterFrame, owner, "char owner (enum _frameowner)");
#if PY_VERSION_HEX < 0x030C0000
    OFFSET("iframe_is_entry", _PyInterpreterFrame, is_entry, "bool is_entry");
#else
    put_none("iframe_is_entry", "3.11 only; 3.12+ marks entry frames by owner");
#endif
    SIZE("iframe_size", _PyInterpreterFrame, "sizeof, localsplus[1] included");
#if PY_VERSION_HEX < 0x030C0000
    put("iframe_owner_shim_min", 0, "3.11 has no shim owners; see is_entry");
#elif PY_VERSION_HEX < 0x030E0000
    put("iframe_owner_shim_min", FRAME_OWNED_BY_CSTACK, "FRAME_OWNED_BY_CSTACK");
#elif PY_VERSION_HEX < 0x030F0000
    put("iframe_owner_shim_min", FRAME_OWNED_BY_INTERPRETER,
        "FRAME_OWNED_BY_INTERPRETER; FRAME_OWNED_BY_CSTACK is the next value");
#else
    put("iframe_owner_shim_min", FRAME_OWNED_BY_INTERPRETER,
        "FRAME_OWNED_BY_INTERPRETER, the highest owner");
#endif
#if PY_VERSION_HEX >= 0x030E0000
    put("iframe_code_tag_mask", Py_TAG_BITS,
        "Py_TAG_BITS of _PyStackRef, default (GIL) build");
#else
    put("iframe_code_tag_mask", 0, "f_executable is a plain pointer");
#endif
#endif
}

static void print_code(void)
{
    section("PyCodeObject");
    OFFSET("code_filename", PyCodeObject, co_filename, NULL);
    OFFSET("code_name", PyCodeObject, co_name, NULL);
#if PY_VERSION_HEX >= 0x030B0000
    OFFSET("code_qualname", PyCodeObject, co_qualname, NULL);
#else
    put_none("code_qualname", "3.11+");
#endif
    OFFSET("code_firstlineno", PyCodeObject, co_firstlineno, "int");
    OFFSET("code_stacksize", PyCodeObject, co_stacksize, "int: slots of its value stack");
    OFFSET("code_names", PyCodeObject, co_names, "tuple of str: the global and attribute names it uses");
#if PY_VERSION_HEX < 0x030A0000
    OFFSET("code_linetable", PyCodeObject, co_lnotab, "co_lnotab (bytes)");
#else
    OFFSET("code_linetable", PyCodeObject, co_linetable, "co_linetable (bytes)");
#endif
#if PY_VERSION_HEX >= 0x030B0000
    OFFSET("code_code_adaptive", PyCodeObject, co_code_adaptive, NULL);
    OFFSET("code_firsttraceable", PyCodeObject, _co_firsttraceable,
           "int: frames before this instruction are incomplete (entry shims, not started)");
#else
    put_none("code_code_adaptive", "3.11+");
    put_none("code_firsttraceable", "3.11+");
#endif
#if PY_VERSION_HEX < 0x030A0000
    put_text("linetable_kind", "LINETABLE_LNOTAB", NULL);
#elif PY_VERSION_HEX < 0x030B0000
    put_text("linetable_kind", "LINETABLE_310", NULL);
#else
    put_text("linetable_kind", "LINETABLE_LOCATIONS", NULL);
#endif
}

static void print_objects(void)
{
    section("PyObject / PyVarObject / PyTypeObject");
    OFFSET("object_type", PyObject, ob_type, NULL);
    OFFSET("varobject_size", PyVarObject, ob_size, NULL);
    OFFSET("type_name", PyTypeObject, tp_name, NULL);
    OFFSET("type_basicsize", PyTypeObject, tp_basicsize, NULL);
    OFFSET("type_dictoffset", PyTypeObject, tp_dictoffset, NULL);
    OFFSET("type_flags", PyTypeObject, tp_flags, NULL);
#if PY_VERSION_HEX >= 0x030B0000
    OFFSET("heaptype_cached_keys", PyHeapTypeObject, ht_cached_keys, "PyHeapTypeObject");
#else
    put_none("heaptype_cached_keys", "not needed before 3.11: instances have a real dict");
#endif
#if PY_VERSION_HEX >= 0x030D0000
    put_hex("type_flag_inline_values", Py_TPFLAGS_INLINE_VALUES, "Py_TPFLAGS_INLINE_VALUES");
#else
    put_hex("type_flag_inline_values", 0, "3.13+");
#endif
#if PY_VERSION_HEX >= 0x030B0000
    put_hex("type_flag_managed_dict", Py_TPFLAGS_MANAGED_DICT, "Py_TPFLAGS_MANAGED_DICT");
#else
    put_hex("type_flag_managed_dict", 0, "3.11+");
#endif

    section("PyBytesObject");
    OFFSET("bytes_data", PyBytesObject, ob_sval, "ob_sval");

    section("PyUnicodeObject");
    OFFSET("unicode_length", PyASCIIObject, length, "PyASCIIObject");
    OFFSET("unicode_state", PyASCIIObject, state, "PyASCIIObject");
    SIZE("unicode_ascii_size", PyASCIIObject, "sizeof(PyASCIIObject)");
    SIZE("unicode_compact_size", PyCompactUnicodeObject, "sizeof(PyCompactUnicodeObject)");
    put("unicode_kind_shift", (uint64_t)state_bit(STATE_KIND, 3), "found at run time");
    put("unicode_compact_shift", (uint64_t)state_bit(STATE_COMPACT, 1), "found at run time");
    put("unicode_ascii_shift", (uint64_t)state_bit(STATE_ASCII, 1), "found at run time");

    section("PyTupleObject");
    OFFSET("tuple_items", PyTupleObject, ob_item, NULL);

    section("PyLongObject");
#if PY_VERSION_HEX < 0x030C0000
    put_text("long_kind", "LONG_OB_SIZE", NULL);
    OFFSET("long_digits", PyLongObject, ob_digit, "ob_digit");
    put_none("long_lv_tag", "3.12+");
#else
    put_text("long_kind", "LONG_LV_TAG", NULL);
    OFFSET("long_digits", PyLongObject, long_value.ob_digit, "long_value.ob_digit");
    OFFSET("long_lv_tag", PyLongObject, long_value.lv_tag, "long_value.lv_tag");
#endif
    put("long_digit_bits", PyLong_SHIFT, "PyLong_SHIFT");
}

static void print_dicts(void)
{
    section("PyDictObject and PyDictKeysObject");
    OFFSET("dict_used", PyDictObject, ma_used, NULL);
    OFFSET("dict_keys", PyDictObject, ma_keys, NULL);
    OFFSET("dict_values", PyDictObject, ma_values, NULL);
#if PY_VERSION_HEX < 0x030B0000
    OFFSET("dictkeys_size", PyDictKeysObject, dk_size, "mirrored dict-common.h");
    put_none("dictkeys_log2_size", "3.11+");
    put_none("dictkeys_log2_index_bytes", "3.11+");
    put_none("dictkeys_kind", "3.11+");
    OFFSET("dictkeys_nentries", PyDictKeysObject, dk_nentries, "mirrored dict-common.h");
    OFFSET("dictkeys_indices", PyDictKeysObject, dk_indices, "mirrored dict-common.h");
    SIZE("dict_entry_size", PyDictKeyEntry, "mirrored dict-common.h");
    put_none("dict_unicode_entry_size", "3.11+");
    put("dictvalues_values", 0, "ma_values is a bare PyObject *[] before 3.11");
    put_text("instance_dict_kind", "INSTANCE_DICT_OFFSET", NULL);
#else
    put_none("dictkeys_size", "<=3.10 only");
    OFFSET("dictkeys_log2_size", PyDictKeysObject, dk_log2_size, "uint8_t");
    OFFSET("dictkeys_log2_index_bytes", PyDictKeysObject, dk_log2_index_bytes, "uint8_t");
    OFFSET("dictkeys_kind", PyDictKeysObject, dk_kind, "uint8_t, DICT_KEYS_GENERAL = 0");
    OFFSET("dictkeys_nentries", PyDictKeysObject, dk_nentries, NULL);
    OFFSET("dictkeys_indices", PyDictKeysObject, dk_indices, NULL);
    SIZE("dict_entry_size", PyDictKeyEntry, NULL);
    SIZE("dict_unicode_entry_size", PyDictUnicodeEntry, NULL);
#if PY_VERSION_HEX < 0x030D0000
    OFFSET("dictvalues_values", PyDictValues, values, "PyDictValues");
#else
    OFFSET("dictvalues_values", PyDictValues, values,
           "PyDictValues: capacity, size, embedded, valid come first");
#endif
#if PY_VERSION_HEX < 0x030C0000
    put_text("instance_dict_kind", "INSTANCE_DICT_MANAGED_311", NULL);
#elif PY_VERSION_HEX < 0x030D0000
    put_text("instance_dict_kind", "INSTANCE_DICT_MANAGED_312", NULL);
#else
    put_text("instance_dict_kind", "INSTANCE_DICT_INLINE_313", NULL);
#endif
#endif
}

/* Containers and small objects the asyncio reader walks: task sets
 * (set/WeakSet), gather's children (list), done callbacks (bound methods). */
static void print_containers(void)
{
    section("PySetObject, PyListObject, PyWeakReference, PyMethodObject");
    OFFSET("set_mask", PySetObject, mask, "Py_ssize_t mask: table size - 1");
    OFFSET("set_table", PySetObject, table, "setentry *table");
    SIZE("set_entry_size", setentry, "setentry: key, hash");
    OFFSET("set_entry_key", setentry, key, NULL);
    OFFSET("list_items", PyListObject, ob_item, "PyObject **ob_item");
    OFFSET("weakref_object", PyWeakReference, wr_object, "Py_None once the referent died");
    OFFSET("method_self", PyMethodObject, im_self, "bound method's __self__");
    OFFSET("function_closure", PyFunctionObject, func_closure, "tuple of cells, or NULL");
    OFFSET("cell_ref", PyCellObject, ob_ref, "the cell's content");
    /* _thread's lock objects are private to Modules/_threadmodule.c: no header
     * to take offsetof from; the values were checked on every build with
     * ctypes (readers/lock_refs.c) */
    put("rlock_owner", 24, "_thread.RLock: owner's thread ident, 0 when not owned");
#if PY_VERSION_HEX < 0x030D0000
    put("lock_semaphore", 16, "lockobject/rlockobject: PyThread_type_lock, a sem_t *");
#else
    put_none("lock_semaphore", "<=3.12: 3.13+ locks are a PyMutex");
#endif
}

/* What the asyncio reader needs to follow a suspended coroutine to the object
 * it awaits (what CPython's `cr_await` getter, _PyGen_yf, computes): the
 * coroutine's frame and that frame's top of value stack. */
static void print_generators(void)
{
    section("PyGenObject / PyCoroObject and the value stack of a suspended frame");
#if PY_VERSION_HEX < 0x030B0000
    OFFSET("gen_frame", PyGenObject, gi_frame, "PyFrameObject *gi_frame (NULL once finished)");
    put_none("gen_iframe", "3.11+");
    put_none("gen_frame_state", "3.11+");
    OFFSET("frame_valuestack", PyFrameObject, f_valuestack, "PyObject **f_valuestack");
#if PY_VERSION_HEX < 0x030A0000
    OFFSET("frame_stacktop", PyFrameObject, f_stacktop,
           "PyObject **f_stacktop: set while suspended, NULL while running");
    put_none("frame_stackdepth", "3.10 only");
#else
    put_none("frame_stacktop", "3.8-3.9 only");
    OFFSET("frame_stackdepth", PyFrameObject, f_stackdepth, "int f_stackdepth");
#endif
    put_none("iframe_localsplus", "3.11+");
    put_none("iframe_stacktop", "3.11-3.13");
    put_none("iframe_stackpointer", "3.14+");
    put_none("code_nlocalsplus", "3.11+");
#else
    put_none("gen_frame", "<=3.10 only");
    OFFSET("gen_iframe", PyGenObject, gi_iframe, "the coroutine's _PyInterpreterFrame, inline");
    OFFSET("gen_frame_state", PyGenObject, gi_frame_state, "int8_t gi_frame_state");
    put_none("frame_valuestack", "<=3.10 only");
    put_none("frame_stacktop", "3.8-3.9 only");
    put_none("frame_stackdepth", "3.10 only");
    OFFSET("iframe_localsplus", _PyInterpreterFrame, localsplus, "locals, then the value stack");
#if PY_VERSION_HEX < 0x030E0000
    OFFSET("iframe_stacktop", _PyInterpreterFrame, stacktop,
           "int stacktop: index of the top of stack + 1 in localsplus");
    put_none("iframe_stackpointer", "3.14+");
#else
    put_none("iframe_stacktop", "3.11-3.13");
    OFFSET("iframe_stackpointer", _PyInterpreterFrame, stackpointer,
           "_PyStackRef *stackpointer: one past the top of stack");
#endif
    OFFSET("code_nlocalsplus", PyCodeObject, co_nlocalsplus, "int: the value stack starts here");
#endif
#if PY_VERSION_HEX >= 0x030D0000
    put_signed("gen_state_yield_from_min", FRAME_SUSPENDED_YIELD_FROM,
        "gi_frame_state: suspended in `await`/`yield from` (signed int8)");
#if PY_VERSION_HEX >= 0x030F0000
    put_signed("gen_state_yield_from_max", FRAME_SUSPENDED_YIELD_FROM_LOCKED,
        "3.15 FRAME_SUSPENDED_YIELD_FROM_LOCKED");
#else
    put_signed("gen_state_yield_from_max", FRAME_SUSPENDED_YIELD_FROM, NULL);
#endif
    put("gen_state_known", 1, "3.13+ tells `yield from` apart in the state");
#if PY_VERSION_HEX >= 0x030F0000
    put("gen_yf_slot", 2, "3.15: the sent value stays above the awaited iterator "
                          "(checked on 3.15.2: the stack is [..., iter, value])");
#else
    put("gen_yf_slot", 1, "the awaited iterator is the top of stack");
#endif
#elif PY_VERSION_HEX >= 0x030B0000
    put_signed("gen_state_yield_from_min", FRAME_SUSPENDED,
               "3.11-3.12: only FRAME_SUSPENDED; the value stack tells `yield from`");
    put_signed("gen_state_yield_from_max", FRAME_SUSPENDED, NULL);
    put("gen_state_known", 0, NULL);
    put("gen_yf_slot", 1, "the awaited iterator is the top of stack");
#else
    put_signed("gen_state_yield_from_min", 0, "<=3.10: no gi_frame_state");
    put_signed("gen_state_yield_from_max", 0, NULL);
    put("gen_state_known", 0, NULL);
    put("gen_yf_slot", 1, "the awaited iterator is the top of stack");
#endif

    section("asyncio per-thread state (3.14+, _PyThreadStateImpl / PyInterpreterState)");
#if PY_VERSION_HEX >= 0x030E0000
    OFFSET("tstate_asyncio_running_loop", _PyThreadStateImpl, asyncio_running_loop, NULL);
    OFFSET("tstate_asyncio_running_task", _PyThreadStateImpl, asyncio_running_task, NULL);
    OFFSET("tstate_asyncio_tasks_head", _PyThreadStateImpl, asyncio_tasks_head,
           "struct llist_node: the thread's native tasks");
    OFFSET("interp_asyncio_tasks_head", PyInterpreterState, asyncio_tasks_head,
           "struct llist_node: tasks of threads that have exited");
#else
    put_none("tstate_asyncio_running_loop", "3.14+");
    put_none("tstate_asyncio_running_task", "3.14+");
    put_none("tstate_asyncio_tasks_head", "3.14+");
    put_none("interp_asyncio_tasks_head", "3.14+");
#endif
}

int main(void)
{
    printf("/* CPython %s (PY_VERSION_HEX 0x%08lx)", PY_VERSION, (unsigned long)PY_VERSION_HEX);
#ifdef MIRRORED_DICT_COMMON
    printf(";\n   PyDictKeysObject and PyDictKeyEntry mirrored from Objects/dict-common.h,\n"
           "   which this version does not install");
#endif
    printf(" */\n");
    printf("static const struct layout layout_%d_%d = {\n", PY_MAJOR_VERSION, PY_MINOR_VERSION);
    put("major", PY_MAJOR_VERSION, NULL);
    put("minor", PY_MINOR_VERSION, NULL);
    print_runtime();
    print_thread_state();
    print_frames();
    print_code();
    print_objects();
    print_dicts();
    print_containers();
    print_generators();
    printf("};\n");
    return ferror(stdout) ? 1 : 0;
}
