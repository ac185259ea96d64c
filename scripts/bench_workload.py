"""Workloads for scripts/bench (runs on CPython 3.8+).

  bench_workload.py forever DEPTH     recurse to DEPTH, then spin on CPU until killed
  bench_workload.py fixed DEPTH N     recurse to DEPTH, do N units of CPU work, print the
                                      wall and CPU seconds it took
"""
import sys
import time


def unit_of_work():
    total = 0
    for i in range(2000):
        total += i * i
    return total


def descend(depth, leaf):
    if depth <= 1:
        return leaf()
    return descend(depth - 1, leaf)


def spin_forever():
    print("ready", flush=True)
    while True:
        unit_of_work()


def main():
    mode, depth = sys.argv[1], int(sys.argv[2])
    sys.setrecursionlimit(max(1000, depth + 100))
    if mode == "forever":
        descend(depth, spin_forever)
    else:
        units = int(sys.argv[3])

        def fixed():
            start, cpu = time.perf_counter(), time.process_time()
            for _ in range(units):
                unit_of_work()
            return time.perf_counter() - start, time.process_time() - cpu

        print("%.6f %.6f" % descend(depth, fixed), flush=True)


main()
