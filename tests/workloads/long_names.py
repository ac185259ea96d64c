"""A function whose name is 3,000 characters long, run by a thread whose name is too.

The names are longer than the profiler's string caps (1,024 characters for code names,
256 for thread names): it must cut them, mark the cut with "..." and count it in its
summary line. Prints one JSON line {"pid", "python", "threads", "name_length"} and keeps
the main thread busy inside the long-named function for --seconds.
"""
import argparse
import json
import os
import sys
import threading
import time

NAME_LENGTH = 3000
LONG_NAME = "busy_" + "x" * (NAME_LENGTH - 5)

source = (
    "def %s(seconds):\n"
    "    deadline = time.monotonic() + seconds\n"
    "    total = 0\n"
    "    while time.monotonic() < deadline:\n"
    "        total += 1\n"
    "    return total\n" % LONG_NAME)
namespace = {"time": time}
exec(compile(source, "long_names_generated.py", "exec"), namespace)
busy_with_a_long_name = namespace[LONG_NAME]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60)
    seconds = parser.parse_args().seconds
    threading.current_thread().name = "T" * NAME_LENGTH
    print(json.dumps({
        "pid": os.getpid(),
        "python": "%d.%d.%d" % sys.version_info[:3],
        "threads": [{"name": threading.current_thread().name,
                     "tid": threading.get_native_id()}],
        "name_length": NAME_LENGTH,
    }), flush=True)
    busy_with_a_long_name(seconds)


if __name__ == "__main__":
    main()
