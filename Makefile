# pyconc-prof - see README.md.  `make` builds ./pyconc-prof; `make test` installs
# what is missing (Debian packages, test interpreters), builds and runs every test.
CC ?= cc
# Debian's python3 runs the test suite (python3-pytest); a pyenv shim may shadow it.
PYTEST ?= /usr/bin/python3 -m pytest
PREFIX ?= /usr/local
CFLAGS ?= -O2 -g
WARNINGS := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wvla
LDLIBS := -lelf -lz -lm
BUILD ?= build
BIN ?= pyconc-prof

SOURCES := $(wildcard profiler/*.c readers/*.c output/*.c)
OBJECTS := $(patsubst %.c,$(BUILD)/%.o,$(SOURCES))
LIB_OBJECTS := $(filter-out $(BUILD)/profiler/main.o,$(OBJECTS))
UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/*.c))

.PHONY: all test unit-test e2e-test asan-test demo install deps pythons format lint clean

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
TEST_JOBS ?= 2
PYTEST_JOBS := $(if $(filter-out 1,$(TEST_JOBS)),-n $(TEST_JOBS))

e2e-test: pyconc-prof
	$(PYTEST) -q $(PYTEST_JOBS) tests $(PYTEST_ARGS)

test: deps pythons
	$(MAKE) all
	$(MAKE) unit-test
	$(MAKE) e2e-test

# The same suite built with AddressSanitizer and UndefinedBehaviorSanitizer.
# ASAN_PYTHONS narrows the interpreters (one per layout family by default).
ASAN_PYTHONS ?= py3.9-pyenv,py3.12-pyenv,py3.15-sid
ASAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
asan-test: deps pythons
	$(MAKE) all unit-test BUILD=build-asan BIN=build-asan/pyconc-prof CFLAGS="$(ASAN_FLAGS)" LDFLAGS="-fsanitize=address,undefined"
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 PYCONC_PROF=build-asan/pyconc-prof \
	  PYCONC_TEST_PYTHONS=$(ASAN_PYTHONS) $(PYTEST) -q $(PYTEST_JOBS) tests $(PYTEST_ARGS)

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
	rm -rf $(BUILD) build-asan pyconc-prof

clean: clean-build
