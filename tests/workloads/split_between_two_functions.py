"""CPU work split between two functions by call counts: `first_function` A times and
`second_function` B times per round (same unit of work each).

usage: split_between_two_functions.py A B [--seconds S]
Prints {"pid", "python", "threads"} when it starts working.
"""
import json
import os
import random
import sys
import threading
import time

UNIT = 20000


def burn(iterations):
    total = 0
    for i in range(iterations):
        total += i * i
    return total


def first_function():
    return burn(UNIT)


def second_function():
    return burn(UNIT)


def main():
    first, second = int(sys.argv[1]), int(sys.argv[2])
    seconds = float(sys.argv[sys.argv.index("--seconds") + 1]) if "--seconds" in sys.argv else 120
    print(json.dumps({"pid": os.getpid(), "python": "%d.%d.%d" % sys.version_info[:3],
                      "threads": [{"name": "MainThread", "tid": threading.get_native_id()}]}))
    sys.stdout.flush()
    one_round = [first_function] * first + [second_function] * second
    shuffler = random.Random(1)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        shuffler.shuffle(one_round)
        for function in one_round:
            function()


if __name__ == "__main__":
    main()
