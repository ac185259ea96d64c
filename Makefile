# pyconc-prof - see README.md.  `make` builds ./pyconc-prof; `make test` installs
# what is missing (Debian packages, test interpreters), builds and runs every test.
CC ?= cc
# Debian's python3 runs the test suite (python3-pytest); a pyenv shim may shadow it.
PYTEST ?= /usr/bin/python3 -m pytest
PREFIX ?= /usr/local
CFLAGS ?= -O2 -g
WARNINGS := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wvla
LDLIBS := -lelf -lz -lm -lunwind-ptrace -lunwind-generic -lunwind -llzma
BUILD ?= build
BIN ?= pyconc-prof

SOURCES := $(wildcard profiler/*.c readers/*.c output/*.c)
OBJECTS := $(patsubst %.c,$(BUILD)/%.o,$(SOURCES))
LIB_OBJECTS := $(filter-out $(BUILD)/profiler/main.o,$(OBJECTS))
UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/*.c))

.PHONY: all test unit-test e2e-test asan-test fuzz demo install deps pythons format lint clean

all: $(BIN)

$(BIN): $(OBJECTS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/%.o: %.c $(wildcard */*.h)
	@mkdir -p $(dir $@)
	$(CC) $(WARNINGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(LIB_OBJECTS)
	@mkdir -p $(dir $@)
	$(CC) $(WARNINGS) $(CFLAGS) -o $@ $^ $(LDLIBS)

# Debian packages and the test interpreters (cached outside the repository).
deps:
	scripts/install-deps

pythons:
	scripts/get-pythons >/dev/null

unit-test: $(UNIT_TESTS)
	@set -e; for t in $(UNIT_TESTS); do echo "== $$t"; $$t; done

# Two tests at a time (pytest-xdist): they mostly wait on workloads that sleep, so
# this halves the suite's time on two cores; TEST_JOBS=1 runs them one by one.
# Tests marked `timing` (accuracy against the clock: CPU splits, blocked-loop
# lengths, run-to-run noise) run afterwards, one at a time, alone on the machine.
# Each part ends with its ten slowest tests (the CI budget is 20 minutes).
TEST_JOBS ?= 2
PYTEST_JOBS := $(if $(filter-out 1,$(TEST_JOBS)),-n $(TEST_JOBS))

e2e-test: pyconc-prof
	$(PYTEST) -q --durations=10 $(PYTEST_JOBS) -m "not timing" tests $(PYTEST_ARGS)
	$(PYTEST) -q --durations=10 -m timing tests $(PYTEST_ARGS)

test: deps pythons
	$(MAKE) all
	$(MAKE) unit-test
	$(MAKE) fuzz FUZZ_SECONDS=20
	$(MAKE) e2e-test

# The same suite built with AddressSanitizer and UndefinedBehaviorSanitizer (not the
# `timing` tests: the sanitizer build is slower, and they measure accuracy, not safety).
# ASAN_PYTHONS narrows the interpreters (one per layout family by default).
ASAN_PYTHONS ?= py3.9-pyenv,py3.12-pyenv,py3.15-sid
ASAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
asan-test: deps pythons
	$(MAKE) all unit-test BUILD=build-asan BIN=build-asan/pyconc-prof CFLAGS="$(ASAN_FLAGS)" LDFLAGS="-fsanitize=address,undefined"
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 PYCONC_PROF=build-asan/pyconc-prof \
	  PYCONC_TEST_PYTHONS=$(ASAN_PYTHONS) $(PYTEST) -q $(PYTEST_JOBS) -m "not timing and not scale and not sanitizer_blind" tests $(PYTEST_ARGS)

# The readers' fuzzer (libFuzzer, Debian's clang) under ASan and UBSan: the
# regression inputs first, then FUZZ_SECONDS of fuzzing from seed snapshots of
# live interpreters (taken once into build-fuzz/seeds: they hold this machine's
# paths, so they are not kept in the repository).  New interesting inputs go to
# build-fuzz/corpus; a crash or hang leaves its input in build-fuzz/.
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
FUZZ_FLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined \
  -fno-sanitize-recover=all
fuzz: deps pythons all
	@mkdir -p build-fuzz/corpus build-fuzz/seeds
	$(FUZZ_CC) $(WARNINGS) $(FUZZ_FLAGS) -o build-fuzz/readers_fuzz tests/fuzz/readers_fuzz.c \
	  $(wildcard readers/*.c) $(LDLIBS)
	@[ -n "$$(ls build-fuzz/seeds)" ] || scripts/snapshot-readers build-fuzz/seeds
	@set -e; for input in tests/fuzz/regressions/*.snap; do \
	  [ -e "$$input" ] || continue; build-fuzz/readers_fuzz "$$input" 2>&1 | tail -1; done
	@echo "fuzzing the readers for $(FUZZ_SECONDS) s (log: build-fuzz/fuzz.log)"
	@build-fuzz/readers_fuzz -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
	  -artifact_prefix=build-fuzz/ -print_final_stats=1 build-fuzz/corpus build-fuzz/seeds \
	  > build-fuzz/fuzz.log 2>&1; rc=$$?; \
	  if [ $$rc -ne 0 ]; then tail -60 build-fuzz/fuzz.log; fi; \
	  grep -E "^stat::(number_of_executed_units|peak_rss_mb)|DONE" build-fuzz/fuzz.log; \
	  echo "fuzz: exit $$rc ($$(ls build-fuzz/corpus | wc -l) inputs in build-fuzz/corpus)"; exit $$rc

demo: deps all
	scripts/demo

install: pyconc-prof
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 pyconc-prof $(DESTDIR)$(PREFIX)/bin/pyconc-prof
	install -m 644 profiler/pyconc-prof.1 $(DESTDIR)$(PREFIX)/share/man/man1/pyconc-prof.1

format:
	clang-format -i $(SOURCES) $(wildcard */*.h tests/unit/*.c)

lint:
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
	  --suppress=missingIncludeSystem -D_GNU_SOURCE $(SOURCES)

clean-build:
	rm -rf $(BUILD) build-asan build-fuzz pyconc-prof

clean: clean-build
