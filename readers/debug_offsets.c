/* debug_offsets.c - read CPython's self-description of its layout (3.13+).
 *
 * From 3.13 on, _PyRuntimeState starts with _Py_DebugOffsets (cookie
 * "xdebugpy", PY_VERSION_HEX, free_threaded, then offsets of the fields an
 * out-of-process reader needs).  Every field after the cookie is a uint64_t,
 * but the list of fields grows between minor versions, so we keep one C
 * mirror per minor version (Include/internal/pycore_runtime.h in 3.13,
 * Include/internal/pycore_debug_offsets.h in 3.14 and 3.15) and copy the
 * values we use into our own struct layout.  Only the prefix up to the last
 * group we use is mirrored. */
#include "debug_offsets.h"

#include <stdio.h>
#include <string.h>

/* 3.13: Include/internal/pycore_runtime.h, struct _Py_DebugOffsets. */
struct debug_offsets_313 {
    char cookie[8];
    uint64_t version, free_threaded;
    struct { uint64_t size, finalizing, interpreters_head; } runtime_state;
    struct {
        uint64_t size, id, next, threads_head, gc, imports_modules, sysdict, builtins,
            ceval_gil, gil_runtime_state, gil_runtime_state_enabled, gil_runtime_state_locked,
            gil_runtime_state_holder;
    } interpreter_state;
    struct {
        uint64_t size, prev, next, interp, current_frame, thread_id, native_thread_id,
            datastack_chunk, status;
    } thread_state;
    struct { uint64_t size, previous, executable, instr_ptr, localsplus, owner; } interpreter_frame;
    struct {
        uint64_t size, filename, name, qualname, linetable, firstlineno, argcount, localsplusnames,
            localspluskinds, co_code_adaptive;
    } code_object;
    struct { uint64_t size, ob_type; } pyobject;
    struct { uint64_t size, tp_name, tp_repr, tp_flags; } type_object;
    struct { uint64_t size, ob_item, ob_size; } tuple_object;
    struct { uint64_t size, ob_item, ob_size; } list_object;
    struct { uint64_t size, ma_keys, ma_values; } dict_object;
    struct { uint64_t size, ob_fval; } float_object;
    struct { uint64_t size, lv_tag, ob_digit; } long_object;
    struct { uint64_t size, ob_size, ob_sval; } bytes_object;
    struct { uint64_t size, state, length, asciiobject_size; } unicode_object;
};

/* 3.14: Include/internal/pycore_debug_offsets.h; adds threads_main,
 * code_object_generation, tlbc_generation, frame stackpointer/tlbc_index,
 * co_tlbc and a set object group before dict. */
struct debug_offsets_314 {
    char cookie[8];
    uint64_t version, free_threaded;
    struct { uint64_t size, finalizing, interpreters_head; } runtime_state;
    struct {
        uint64_t size, id, next, threads_head, threads_main, gc, imports_modules, sysdict,
            builtins, ceval_gil, gil_runtime_state, gil_runtime_state_enabled,
            gil_runtime_state_locked, gil_runtime_state_holder, code_object_generation,
            tlbc_generation;
    } interpreter_state;
    struct {
        uint64_t size, prev, next, interp, current_frame, thread_id, native_thread_id,
            datastack_chunk, status;
    } thread_state;
    struct {
        uint64_t size, previous, executable, instr_ptr, localsplus, owner, stackpointer,
            tlbc_index;
    } interpreter_frame;
    struct {
        uint64_t size, filename, name, qualname, linetable, firstlineno, argcount, localsplusnames,
            localspluskinds, co_code_adaptive, co_tlbc;
    } code_object;
    struct { uint64_t size, ob_type; } pyobject;
    struct { uint64_t size, tp_name, tp_repr, tp_flags; } type_object;
    struct { uint64_t size, ob_item, ob_size; } tuple_object;
    struct { uint64_t size, ob_item, ob_size; } list_object;
    struct { uint64_t size, used, table, mask; } set_object;
    struct { uint64_t size, ma_keys, ma_values; } dict_object;
    struct { uint64_t size, ob_fval; } float_object;
    struct { uint64_t size, lv_tag, ob_digit; } long_object;
    struct { uint64_t size, ob_size, ob_sval; } bytes_object;
    struct { uint64_t size, state, length, asciiobject_size; } unicode_object;
};

/* 3.15: Include/internal/pycore_debug_offsets.h; thread state gains
 * base_frame, last_profiled_frame(_seq), holds_gil, gil_requested and
 * exception fields, plus err_stackitem; type object gains tp_basicsize and
 * tp_dictoffset, and a heap_type_object group; unicode gains
 * compactunicodeobject_size. */
struct debug_offsets_315 {
    char cookie[8];
    uint64_t version, free_threaded;
    struct { uint64_t size, finalizing, interpreters_head; } runtime_state;
    struct {
        uint64_t size, id, next, threads_head, threads_main, gc, imports_modules, sysdict,
            builtins, ceval_gil, gil_runtime_state, gil_runtime_state_enabled,
            gil_runtime_state_locked, gil_runtime_state_holder, code_object_generation,
            tlbc_generation;
    } interpreter_state;
    struct {
        uint64_t size, prev, next, interp, current_frame, base_frame, last_profiled_frame,
            last_profiled_frame_seq, thread_id, native_thread_id, datastack_chunk, status,
            holds_gil, gil_requested, current_exception, exc_state;
    } thread_state;
    struct { uint64_t exc_value; } err_stackitem;
    struct {
        uint64_t size, previous, executable, instr_ptr, localsplus, owner, stackpointer,
            tlbc_index;
    } interpreter_frame;
    struct {
        uint64_t size, filename, name, qualname, linetable, firstlineno, argcount, localsplusnames,
            localspluskinds, co_code_adaptive, co_tlbc;
    } code_object;
    struct { uint64_t size, ob_type; } pyobject;
    struct { uint64_t size, tp_name, tp_repr, tp_flags, tp_basicsize, tp_dictoffset; } type_object;
    struct { uint64_t size, ht_cached_keys; } heap_type_object;
    struct { uint64_t size, ob_item, ob_size; } tuple_object;
    struct { uint64_t size, ob_item, ob_size; } list_object;
    struct { uint64_t size, used, table, mask; } set_object;
    struct { uint64_t size, ma_keys, ma_values; } dict_object;
    struct { uint64_t size, ob_fval; } float_object;
    struct { uint64_t size, lv_tag, ob_digit; } long_object;
    struct { uint64_t size, ob_size, ob_sval; } bytes_object;
    struct { uint64_t size, state, length, asciiobject_size, compactunicodeobject_size; } unicode_object;
};

/* Structs this large are not CPython's: the read was garbage. */
#define DEBUG_OFFSETS_MAX_STRUCT (1u << 20)

/* Copies the fields common to all three mirrors (same names in each). */
#define DEBUG_OFFSETS_COPY_COMMON(l, d)                                             \
    do {                                                                           \
        (l)->runtime_interpreters_head = (d)->runtime_state.interpreters_head;     \
        (l)->interp_next = (d)->interpreter_state.next;                            \
        (l)->interp_threads_head = (d)->interpreter_state.threads_head;            \
        (l)->interp_modules = (d)->interpreter_state.imports_modules;              \
        (l)->interp_gil_ptr = (d)->interpreter_state.ceval_gil;                    \
        (l)->gil_locked = (d)->interpreter_state.gil_runtime_state_locked -        \
                          (d)->interpreter_state.gil_runtime_state;                \
        (l)->gil_last_holder = (d)->interpreter_state.gil_runtime_state_holder -   \
                               (d)->interpreter_state.gil_runtime_state;           \
        (l)->tstate_next = (d)->thread_state.next;                                 \
        (l)->tstate_interp = (d)->thread_state.interp;                             \
        (l)->tstate_current_frame = (d)->thread_state.current_frame;               \
        (l)->tstate_thread_id = (d)->thread_state.thread_id;                       \
        (l)->tstate_native_thread_id = (d)->thread_state.native_thread_id;         \
        (l)->tstate_datastack_chunk = (d)->thread_state.datastack_chunk;           \
        (l)->tstate_size = (d)->thread_state.size;                                 \
        (l)->iframe_previous = (d)->interpreter_frame.previous;                    \
        (l)->iframe_code = (d)->interpreter_frame.executable;                      \
        (l)->iframe_instr = (d)->interpreter_frame.instr_ptr;                      \
        (l)->iframe_owner = (d)->interpreter_frame.owner;                          \
        (l)->iframe_size = (d)->interpreter_frame.size;                            \
        (l)->code_filename = (d)->code_object.filename;                            \
        (l)->code_name = (d)->code_object.name;                                    \
        (l)->code_qualname = (d)->code_object.qualname;                            \
        (l)->code_firstlineno = (d)->code_object.firstlineno;                      \
        (l)->code_linetable = (d)->code_object.linetable;                          \
        (l)->code_code_adaptive = (d)->code_object.co_code_adaptive;               \
        (l)->object_type = (d)->pyobject.ob_type;                                  \
        (l)->type_name = (d)->type_object.tp_name;                                 \
        (l)->type_flags = (d)->type_object.tp_flags;                               \
        (l)->tuple_items = (d)->tuple_object.ob_item;                              \
        (l)->dict_keys = (d)->dict_object.ma_keys;                                 \
        (l)->dict_values = (d)->dict_object.ma_values;                             \
        (l)->long_lv_tag = (d)->long_object.lv_tag;                                \
        (l)->long_digits = (d)->long_object.ob_digit;                              \
        (l)->bytes_data = (d)->bytes_object.ob_sval;                               \
        (l)->unicode_state = (d)->unicode_object.state;                            \
        (l)->unicode_length = (d)->unicode_object.length;                          \
        (l)->unicode_ascii_size = (d)->unicode_object.asciiobject_size;            \
    } while (0)

/* Each offset must fall inside the struct whose size the same table gives. */
static int debug_offsets_plausible(const struct layout *l, uint64_t tstate_size,
                                   uint64_t frame_size, uint64_t code_size)
{
    if (tstate_size == 0 || tstate_size > DEBUG_OFFSETS_MAX_STRUCT || frame_size == 0 ||
        frame_size > DEBUG_OFFSETS_MAX_STRUCT || code_size == 0 ||
        code_size > DEBUG_OFFSETS_MAX_STRUCT)
        return 0;
    const uint64_t tstate_fields[] = {l->tstate_next, l->tstate_interp, l->tstate_current_frame,
                                      l->tstate_thread_id, l->tstate_native_thread_id};
    for (size_t i = 0; i < sizeof tstate_fields / sizeof tstate_fields[0]; i++)
        if (tstate_fields[i] + 8 > tstate_size)
            return 0;
    const uint64_t frame_fields[] = {l->iframe_previous, l->iframe_code, l->iframe_instr,
                                     l->iframe_owner};
    for (size_t i = 0; i < sizeof frame_fields / sizeof frame_fields[0]; i++)
        if (frame_fields[i] >= frame_size)
            return 0;
    const uint64_t code_fields[] = {l->code_filename, l->code_name, l->code_qualname,
                                    l->code_firstlineno, l->code_linetable};
    for (size_t i = 0; i < sizeof code_fields / sizeof code_fields[0]; i++)
        if (code_fields[i] >= code_size)
            return 0;
    return l->code_code_adaptive <= code_size + 64;
}

int debug_offsets_apply(struct remote *mem, uint64_t addr, int minor, struct layout *layout,
                        char *err, size_t err_len)
{
    union {
        struct debug_offsets_313 v313;
        struct debug_offsets_314 v314;
        struct debug_offsets_315 v315;
    } raw;
    size_t size = minor == 13 ? sizeof raw.v313 : minor == 14 ? sizeof raw.v314 : sizeof raw.v315;
    if (remote_read(mem, addr, &raw, size) != 0) {
        snprintf(err, err_len, "cannot read _Py_DebugOffsets at 0x%llx",
                 (unsigned long long)addr);
        return -1;
    }
    if (memcmp(raw.v313.cookie, DEBUG_OFFSETS_COOKIE, 8) != 0) {
        snprintf(err, err_len, "_Py_DebugOffsets cookie missing at 0x%llx",
                 (unsigned long long)addr);
        return -1;
    }
    uint64_t tstate_size, frame_size, code_size;
    if (minor == 13) {
        DEBUG_OFFSETS_COPY_COMMON(layout, &raw.v313);
        tstate_size = raw.v313.thread_state.size;
        frame_size = raw.v313.interpreter_frame.size;
        code_size = raw.v313.code_object.size;
    } else if (minor == 14) {
        DEBUG_OFFSETS_COPY_COMMON(layout, &raw.v314);
        layout->interp_code_generation = raw.v314.interpreter_state.code_object_generation;
        tstate_size = raw.v314.thread_state.size;
        frame_size = raw.v314.interpreter_frame.size;
        code_size = raw.v314.code_object.size;
    } else {
        DEBUG_OFFSETS_COPY_COMMON(layout, &raw.v315);
        layout->interp_code_generation = raw.v315.interpreter_state.code_object_generation;
        layout->tstate_holds_gil = raw.v315.thread_state.holds_gil;
        layout->type_basicsize = raw.v315.type_object.tp_basicsize;
        layout->type_dictoffset = raw.v315.type_object.tp_dictoffset;
        layout->heaptype_cached_keys = raw.v315.heap_type_object.ht_cached_keys;
        layout->unicode_compact_size = raw.v315.unicode_object.compactunicodeobject_size;
        tstate_size = raw.v315.thread_state.size;
        frame_size = raw.v315.interpreter_frame.size;
        code_size = raw.v315.code_object.size;
    }
    if (!debug_offsets_plausible(layout, tstate_size, frame_size, code_size)) {
        snprintf(err, err_len, "_Py_DebugOffsets at 0x%llx hold implausible offsets",
                 (unsigned long long)addr);
        return -1;
    }
    return 0;
}
