"""Starts two threads a second that never end (with --steady: a fixed pool of ten).
Prints {"pid", "python", "threads"} when it starts."""
import json
import os
import sys
import threading
import time

forever = threading.Event()


def parked():
    forever.wait()


def start(n):
    for _ in range(n):
        threading.Thread(target=parked, daemon=True).start()


def main():
    steady = "--steady" in sys.argv
    start(10 if steady else 0)
    print(json.dumps({"pid": os.getpid(), "python": "%d.%d.%d" % sys.version_info[:3],
                      "threads": [{"name": "MainThread", "tid": threading.get_native_id()}]}))
    sys.stdout.flush()
    while True:
        time.sleep(0.5)
        if not steady:
            start(1)


if __name__ == "__main__":
    main()
