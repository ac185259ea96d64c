"""Frames and code objects that live for microseconds: each round compiles a fresh
function, calls it through a few short-lived frames, drops it, and re-imports a module.

A sampler that reads a frame while it is being pushed or popped, or a code object while it
is being freed, must drop that sample (a torn read), never print what it half read: every
frame it reports must name a real file and a real line.

Prints one JSON line {"pid", "python", "threads"}, then churns for --seconds.
"""
import argparse
import importlib
import json
import os
import sys
import threading
import time

SOURCE = '''
def fresh_function_{n}(depth):
    if depth:
        return fresh_function_{n}(depth - 1) + 1
    return sum(i for i in range(20))
'''


def compiles_and_calls_a_fresh_function(n):
    namespace = {}
    exec(compile(SOURCE.format(n=n), "<fresh source>", "exec"), namespace)
    return namespace["fresh_function_%d" % n](5)


def reimports_a_module():
    sys.modules.pop("colorsys", None)
    return importlib.import_module("colorsys")


def main(seconds):
    print(json.dumps({
        "pid": os.getpid(),
        "python": "%d.%d.%d" % sys.version_info[:3],
        "threads": [{"name": "MainThread", "tid": threading.get_native_id()}],
    }), flush=True)
    deadline = time.monotonic() + seconds
    n = 0
    while time.monotonic() < deadline:
        n += 1
        compiles_and_calls_a_fresh_function(n)
        reimports_a_module()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=120)
    main(parser.parse_args().seconds)
