"""Runs busy_before_exec() for BUSY_SECONDS, then replaces itself (os.execv) with the same
interpreter running a different program that sleeps AFTER_SECONDS and exits 0 (CPython
3.8+). A profiler must notice the new image and stop cleanly, keeping what came before.
Prints {"pid", "python", "threads"} first.
"""
import json
import os
import sys
import threading
import time

BUSY_SECONDS = 0.8
AFTER_SECONDS = 0.6


def busy_before_exec():
    deadline = time.monotonic() + BUSY_SECONDS
    while time.monotonic() < deadline:
        pass


if __name__ == "__main__":
    print(json.dumps({"pid": os.getpid(), "python": "%d.%d.%d" % sys.version_info[:3],
                      "threads": [{"name": "MainThread",
                                   "tid": threading.main_thread().native_id}]}), flush=True)
    busy_before_exec()
    os.execv(sys.executable, [sys.executable, "-c",
                              "import time; time.sleep(%s)" % AFTER_SECONDS])
