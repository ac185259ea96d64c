"""Works on the CPU for --seconds, then exits with the status given: what a wrapping
profiler must pass on as its own exit status."""
import argparse
import sys
import time


def works_then_exits(seconds, status):
    deadline = time.monotonic() + seconds
    total = 0
    while time.monotonic() < deadline:
        for i in range(10000):
            total += i
    sys.exit(status)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("status", type=int)
    parser.add_argument("--seconds", type=float, default=0.5)
    arguments = parser.parse_args()
    works_then_exits(arguments.seconds, arguments.status)
