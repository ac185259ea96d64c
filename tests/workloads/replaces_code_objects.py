"""Code objects replaced all the time, at addresses the allocator hands out again.

Each round execs a freshly generated function, calls it for 20 ms and drops it; every other round rewrites a module on disk and reloads it instead.  Consecutive
functions have the same shape, so a new code object (and its name, file name and line
table) usually lands where the last one was freed: a profiler that caches code objects by
address must notice.

Every generated function carries its truth in its name: gen_<N>_line<L> is compiled from
the file name <generated-N> and spins on line L; reloaded_<N>_line<L> is defined in
replaced_module.py (in a temporary directory) and spins on line L.  Its `def` line is L-1.

Prints one JSON line {"pid", "python", "threads"}, then churns for --seconds; at the end
prints {"functions": N, "reused_addresses": M} (how many code objects sat where an
earlier one had been).
"""
import argparse
import importlib
import json
import os
import sys
import tempfile
import threading
import time

SPIN_SECONDS = 0.02  # most of the time in a generated function, even on a loaded machine
PADDINGS = 40  # the def line moves through 1..40, so consecutive functions differ in line
GENERATED = "{pad}def gen_{n}_line{line}(until):\n    while perf_counter() < until: pass\n"
RELOADED = ("from time import perf_counter\n{pad}def reloaded_{n}_line{line}(until):\n"
            "    while perf_counter() < until: pass\n")


def generated_function(n):
    pad = n % PADDINGS
    source = GENERATED.format(pad="\n" * pad, n=n, line=pad + 2)
    namespace = {"perf_counter": time.perf_counter}
    exec(compile(source, "<generated-%d>" % n, "exec"), namespace)
    return namespace.pop("gen_%d_line%d" % (n, pad + 2))  # no cycle: freed when dropped


def reloaded_function(n, module_dir):
    pad = n % PADDINGS
    path = os.path.join(module_dir, "replaced_module.py")
    with open(path, "w") as source:
        source.write(RELOADED.format(pad="\n" * pad, n=n, line=pad + 3))
    module = sys.modules.get("replaced_module")
    module = importlib.reload(module) if module else importlib.import_module("replaced_module")
    return getattr(module, "reloaded_%d_line%d" % (n, pad + 3))


def runs_one(function):
    function(time.perf_counter() + SPIN_SECONDS)


def main(seconds):
    sys.dont_write_bytecode = True  # a reload within the same second must read the source
    module_dir = tempfile.mkdtemp(prefix="replaced-module-")
    sys.path.insert(0, module_dir)
    print(json.dumps({
        "pid": os.getpid(),
        "python": "%d.%d.%d" % sys.version_info[:3],
        "threads": [{"name": "MainThread", "tid": threading.get_native_id()}],
    }), flush=True)
    seen, reused, n = set(), 0, 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        n += 1
        function = reloaded_function(n, module_dir) if n % 2 else generated_function(n)
        address = id(function.__code__)
        reused += address in seen
        seen.add(address)
        runs_one(function)
        del function
    print(json.dumps({"functions": n, "reused_addresses": reused}), flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=120)
    main(parser.parse_args().seconds)
