"""CPU time split 70/30 between two functions, by iteration counts, not by sleeps.

Both functions do the same unit of work; each round calls one 7 times and the other 3
times, in a shuffled order so a sampler ticking at a fixed rate cannot fall into step
with the rounds. A profiler's samples whose stack contains each function must split 70/30.

Prints one JSON line {"pid", "python", "threads"}, then works for --seconds, and at the end
tells on stderr how much of a CPU it had.
"""
import argparse
import json
import os
import random
import sys
import threading
import time

UNIT = 20000  # iterations: about a millisecond on a 2020s CPU


def burn(iterations):
    total = 0
    for i in range(iterations):
        total += i * i
    return total


def called_seven_times_per_round():
    return burn(UNIT)


def called_three_times_per_round():
    return burn(UNIT)


def main(seconds):
    print(json.dumps({
        "pid": os.getpid(),
        "python": "%d.%d.%d" % sys.version_info[:3],
        "threads": [{"name": "MainThread", "tid": threading.get_native_id()}],
    }), flush=True)

    one_round = [called_seven_times_per_round] * 7 + [called_three_times_per_round] * 3
    shuffler = random.Random(7030)
    started, cpu_at_start = time.monotonic(), time.process_time()
    deadline = started + seconds
    while time.monotonic() < deadline:
        shuffler.shuffle(one_round)
        for function in one_round:
            function()
    # A split measured on a machine that starved us is noise; say how much CPU we had.
    print("cpu_split_70_30: had %.0f%% of a CPU" % (
        100 * (time.process_time() - cpu_at_start) / (time.monotonic() - started)),
        file=sys.stderr)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=120)
    main(parser.parse_args().seconds)
