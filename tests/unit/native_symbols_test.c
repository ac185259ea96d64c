/* native_symbols_test.c - ELF symbols of a small program built here three ways.
 *
 * A C file with a static helper, two exported functions and an assembly
 * function without a size is compiled with -rdynamic; then stripped; then
 * given MiniDebugInfo (an xz-compressed .symtab in .gnu_debugdata, built with
 * Fedora's recipe).  nm says where each function lies, and native_symbol_find
 * must agree: inside a function it names it, at its end it stops, a stripped
 * build loses the static helper and MiniDebugInfo brings it back.
 *
 * binutils (nm, strip, objcopy) and xz-utils must be installed: a missing
 * tool fails the test rather than skipping it.
 *
 *     native_symbols_test   prints "N passed, N failed", exits 1 on failure */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../readers/native_symbols.h"

#include "check.h"

#define UNSIZED_SPAN 256 /* what a size-0 symbol covers */

static const char program[] =
    "__attribute__((noinline)) static int helper(int x) { return x * 3 + 1; }\n"
    "__attribute__((noinline)) int exported_one(int x) { return helper(x) + 2; }\n"
    "__attribute__((noinline)) int exported_two(int x) { return helper(x) * 5; }\n"
    /* no .size: st_size 0; the padding keeps the next function out of its span */
    "__asm__(\".text\\n.globl bare_asm\\n.type bare_asm, @function\\n"
    "bare_asm:\\n\\tret\\n\\t.skip 300\\n\");\n"
    "int main(int argc, char **argv)\n"
    "{\n"
    "    (void)argv;\n"
    "    return exported_one(argc) + exported_two(argc) > 1000;\n"
    "}\n";

struct function {
    const char *name;
    int exported; /* in .dynsym (-rdynamic) */
    uint64_t addr, size;
    int seen; /* by nm */
};

enum { HELPER, EXPORTED_ONE, EXPORTED_TWO, MAIN, BARE_ASM };
static struct function functions[] = {
    [HELPER] = {"helper", 0, 0, 0, 0},
    [EXPORTED_ONE] = {"exported_one", 1, 0, 0, 0},
    [EXPORTED_TWO] = {"exported_two", 1, 0, 0, 0},
    [MAIN] = {"main", 1, 0, 0, 0},
    [BARE_ASM] = {"bare_asm", 1, 0, 0, 0},
};
#define FUNCTION_COUNT (sizeof functions / sizeof functions[0])

/* Runs command in dir with sh; 1 when it exits 0. */
static int run(const char *dir, const char *command)
{
    char line[2048];
    if (snprintf(line, sizeof line, "cd '%s' && LC_ALL=C %s", dir, command) >= (int)sizeof line)
        return 0;
    return system(line) == 0;
}

static int write_file(const char *dir, const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *file = fopen(path, "w");
    if (!file)
        return -1;
    int rc = fputs(text, file) < 0 ? -1 : 0;
    return fclose(file) != 0 ? -1 : rc;
}

/* Fills functions[] from `nm -S` (lines "ADDR [SIZE] TYPE NAME"). */
static int nm_read(const char *dir)
{
    char command[600];
    snprintf(command, sizeof command, "cd '%s' && LC_ALL=C nm -S --defined-only prog", dir);
    FILE *nm = popen(command, "r");
    if (!nm)
        return -1;
    char line[512];
    while (fgets(line, sizeof line, nm)) {
        char field[4][256];
        int n = sscanf(line, "%255s %255s %255s %255s", field[0], field[1], field[2], field[3]);
        const char *name = n == 4 ? field[3] : n == 3 ? field[2] : NULL;
        for (size_t i = 0; name && i < FUNCTION_COUNT; i++) {
            if (strcmp(functions[i].name, name) != 0)
                continue;
            functions[i].addr = strtoull(field[0], NULL, 16);
            functions[i].size = n == 4 ? strtoull(field[1], NULL, 16) : 0;
            functions[i].seen = 1;
        }
    }
    int rc = pclose(nm) == 0 ? 0 : -1;
    for (size_t i = 0; i < FUNCTION_COUNT; i++)
        if (!functions[i].seen)
            rc = -1;
    return rc;
}

/* The name native_symbol_find gives addr, or NULL. */
static const char *name_at(const struct native_symbol_file *f, uint64_t addr)
{
    const struct native_symbol *sym = native_symbol_find(f, addr);
    return sym ? f->names + sym->name : NULL;
}

static int names(const struct native_symbol_file *f, uint64_t addr, const char *name)
{
    const char *found = name_at(f, addr);
    return found && strcmp(found, name) == 0;
}

static int load(struct native_symbol_file *f, const char *dir, const char *file)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    memset(f, 0, sizeof *f);
    return native_symbol_file_load(f, path);
}

/* ---- setup ------------------------------------------------------------- */

static int tools_are_installed(void)
{
    static const char *const tools[][2] = {
        {"cc", "a C compiler"}, {"nm", "binutils"},  {"strip", "binutils"},
        {"objcopy", "binutils"}, {"xz", "xz-utils"}, {"awk", "awk"},
        {"comm", "coreutils"},   {"sort", "coreutils"},
    };
    int all = 1;
    for (size_t i = 0; i < sizeof tools / sizeof tools[0]; i++) {
        char command[128], what[160];
        snprintf(command, sizeof command, "command -v %s >/dev/null 2>&1", tools[i][0]);
        snprintf(what, sizeof what, "%s is on PATH (Debian package %s)", tools[i][0], tools[i][1]);
        int found = system(command) == 0;
        check(found, what);
        all &= found;
    }
    return all;
}

static int build_programs(const char *dir)
{
    int ok = write_file(dir, "src.c", program) == 0;
    check(ok, "write src.c");
    ok = ok && run(dir, "cc -O1 -g -fno-inline -rdynamic -o prog src.c");
    check(ok, "cc -O1 -g -fno-inline -rdynamic -o prog src.c");
    ok = ok && nm_read(dir) == 0;
    check(ok, "nm -S finds helper, exported_one, exported_two, main and bare_asm in prog");
    ok = ok && run(dir, "strip -o prog.stripped prog");
    check(ok, "strip -o prog.stripped prog");
    /* Fedora's MiniDebugInfo: the function symbols .dynsym lacks, xz-compressed */
    ok = ok &&
         run(dir, "nm -D prog --format=posix --defined-only | awk '{print $1}' | sort > dynsyms && "
                  "nm prog --format=posix --defined-only | awk '$2 ~ /[Tt]/ {print $1}' | sort > funcsyms && "
                  "comm -13 dynsyms funcsyms > keep && "
                  "objcopy --only-keep-debug prog prog.debug && "
                  "objcopy -S --remove-section .gdb_index --remove-section .comment "
                  "--keep-symbols=keep prog.debug mini && "
                  "xz -f mini && "
                  "objcopy --add-section .gnu_debugdata=mini.xz prog.stripped prog.mini");
    check(ok, "build prog.mini (prog.stripped + .gnu_debugdata)");
    ok = ok && run(dir, "grep -qx helper keep && ! grep -qx exported_one keep");
    check(ok, "the MiniDebugInfo keeps helper and not the exported functions");
    return ok;
}

/* ---- the cases --------------------------------------------------------- */

static void check_sorted_one_per_address(const struct native_symbol_file *f, const char *file)
{
    char what[160];
    int sorted = 1;
    for (size_t i = 1; i < f->count; i++)
        if (f->symbols[i - 1].addr >= f->symbols[i].addr)
            sorted = 0;
    snprintf(what, sizeof what, "%s: symbols sorted, one per address", file);
    check(f->count > 0 && sorted, what);
    int last_name_ends = f->names_len > 0 && f->names[f->names_len - 1] == '\0';
    snprintf(what, sizeof what, "%s: the name pool ends with a NUL", file);
    check(last_name_ends, what);
}

/* Checks fn at its start, inside, at its last byte and just past its end. */
static void check_function_found(const struct native_symbol_file *f, const char *file,
                                 const struct function *fn)
{
    char what[256];
    snprintf(what, sizeof what, "%s: %s is found at its address", file, fn->name);
    check(names(f, fn->addr, fn->name), what);
    snprintf(what, sizeof what, "%s: %s is found at its address + 1", file, fn->name);
    check(names(f, fn->addr + 1, fn->name), what);
    uint64_t span = fn->size ? fn->size : UNSIZED_SPAN;
    snprintf(what, sizeof what, "%s: %s is found at its last byte (+%llu)", file, fn->name,
             (unsigned long long)(span - 1));
    check(names(f, fn->addr + span - 1, fn->name), what);
    snprintf(what, sizeof what, "%s: %s is not found just past its end (+%llu)", file, fn->name,
             (unsigned long long)span);
    check(!names(f, fn->addr + span, fn->name), what);
}

static void test_unstripped_names_every_function(const char *dir)
{
    struct native_symbol_file f;
    check(load(&f, dir, "prog") == 0, "prog: loads");
    check_sorted_one_per_address(&f, "prog");
    for (size_t i = 0; i < FUNCTION_COUNT; i++)
        check_function_found(&f, "prog", &functions[i]);
    check(functions[BARE_ASM].size == 0, "bare_asm has no size (the 256-byte span is what is tested)");
    size_t copies = 0;
    for (size_t i = 0; i < f.count; i++)
        copies += strcmp(f.names + f.symbols[i].name, "exported_one") == 0;
    check(copies == 1, "prog: exported_one (.symtab and .dynsym) is kept once");
    check(name_at(&f, 0) == NULL, "prog: address 0 names nothing");
    native_symbol_file_free(&f);
}

static void test_stripped_names_only_exported_functions(const char *dir)
{
    struct native_symbol_file f;
    check(load(&f, dir, "prog.stripped") == 0, "prog.stripped: loads");
    check_sorted_one_per_address(&f, "prog.stripped");
    const struct function *helper = &functions[HELPER];
    check(!names(&f, helper->addr, "helper") && !names(&f, helper->addr + 1, "helper"),
          "prog.stripped: the static helper is not found (no .symtab)");
    check(name_at(&f, helper->addr) == NULL,
          "prog.stripped: helper's address is not claimed by a symbol before it");
    for (size_t i = 0; i < FUNCTION_COUNT; i++)
        if (functions[i].exported)
            check_function_found(&f, "prog.stripped", &functions[i]);
    native_symbol_file_free(&f);
}

static void test_minidebuginfo_brings_back_static_functions(const char *dir)
{
    struct native_symbol_file f;
    check(load(&f, dir, "prog.mini") == 0, "prog.mini: loads");
    check_sorted_one_per_address(&f, "prog.mini");
    for (size_t i = 0; i < FUNCTION_COUNT; i++)
        check_function_found(&f, "prog.mini", &functions[i]);
    native_symbol_file_free(&f);
}

static void test_not_elf_and_missing_files_fail(const char *dir)
{
    struct native_symbol_file f;
    check(write_file(dir, "notes.txt", "not an ELF file, just text\n") == 0, "write notes.txt");
    check(load(&f, dir, "notes.txt") == -1, "a text file does not load (-1)");
    check(f.symbols == NULL && f.count == 0, "a text file leaves no symbols");
    check(load(&f, dir, "no-such-file") == -1, "a missing file does not load (-1)");
    check(write_file(dir, "empty", "") == 0 && load(&f, dir, "empty") == -1,
          "an empty file does not load (-1)");
}

static void test_free_leaves_the_struct_zeroed(void)
{
    struct native_symbol_file f, zero;
    memset(&zero, 0, sizeof zero);
    memset(&f, 0, sizeof f);
    /* this test program itself: unstripped ELF, whatever the tools */
    check(native_symbol_file_load(&f, "/proc/self/exe") == 0 && f.count > 0,
          "/proc/self/exe loads with symbols");
    f.path = strdup("/proc/self/exe");
    f.base = f.path + 6;
    f.bias = 0x1000;
    native_symbol_file_free(&f);
    check(memcmp(&f, &zero, sizeof f) == 0, "native_symbol_file_free zeroes the struct");
    check(native_symbol_find(&f, 0x1000) == NULL, "a freed file names nothing");
    if (memcmp(&f, &zero, sizeof f) != 0)
        return; /* a second free would free the same buffers again */
    native_symbol_file_free(&f);
    check(memcmp(&f, &zero, sizeof f) == 0, "freeing twice keeps the struct zeroed");
}

int main(void)
{
    char scratch[] = "/tmp/native_symbols_test.XXXXXX";
    const char *dir = mkdtemp(scratch);

    check(dir != NULL, "a scratch directory under /tmp");
    if (dir && tools_are_installed() && build_programs(dir)) {
        test_unstripped_names_every_function(dir);
        test_stripped_names_only_exported_functions(dir);
        test_minidebuginfo_brings_back_static_functions(dir);
    }
    if (dir)
        test_not_elf_and_missing_files_fail(dir);
    test_free_leaves_the_struct_zeroed();
    if (dir) {
        char command[128];
        snprintf(command, sizeof command, "rm -rf -- '%s'", dir);
        if (system(command) != 0)
            printf("note: could not remove %s\n", dir);
    }
    return check_summary();
}
