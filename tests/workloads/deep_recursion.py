"""A stack --depth frames deep: recurse() calls itself, then parks in a leaf function.

With --depth 500 the main thread's stack is, outermost first: <module> on the line
marked `# calls main`, main on `# calls recurse`, 500 frames of recurse (499 on the line
marked `# recurses`, the innermost on `# calls the leaf`), and parked_in_the_leaf on
the line marked `# parked`. Prints one JSON line
{"pid", "python", "threads", "depth"} once the leaf is reached, and stays there for
--seconds.
"""
import argparse
import json
import os
import sys
import threading
import time


def parked_in_the_leaf(depth, seconds):
    print(json.dumps({
        "pid": os.getpid(),
        "python": "%d.%d.%d" % sys.version_info[:3],
        "threads": [{"name": "MainThread", "tid": threading.get_native_id()}],
        "depth": depth,
    }), flush=True)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        time.sleep(0.5)  # parked


def recurse(levels_left, depth, seconds):
    if levels_left > 1:
        recurse(levels_left - 1, depth, seconds)  # recurses
    else:
        parked_in_the_leaf(depth, seconds)  # calls the leaf


def main(depth, seconds):
    sys.setrecursionlimit(depth + 1000)
    recurse(depth, depth, seconds)  # calls recurse


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--depth", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=120)
    arguments = parser.parse_args()
    main(arguments.depth, arguments.seconds)  # calls main
