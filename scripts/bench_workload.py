"""Workloads for scripts/bench (runs on CPython 3.8+).

  bench_workload.py forever DEPTH     recurse to DEPTH, then spin on CPU until killed
  bench_workload.py fixed DEPTH N     pinned to the last CPU, recurse to DEPTH, do N units
                                      of CPU work, print the wall and CPU seconds it took
  bench_workload.py tasks N           an asyncio loop with N named tasks suspended three
                                      coroutines deep and one task spinning on CPU
  bench_workload.py threads N         N threads in every state: a quarter each spinning,
                                      sleeping, waiting on a lock, reading a socket
  bench_workload.py parked-threads N  N threads: 2 spinning, the rest sleeping, waiting on
                                      a lock or reading a socket
"""
import os
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


def run_threads(count, spinners=None):
    """count threads, a quarter in each state; or, with spinners, that many spinning
    and the rest parked (sleeping, on a lock, on a socket), the spinners started last
    (a thousand threads start slowly while hundreds hold the GIL)."""
    import socket
    import threading

    lock = threading.Lock()
    lock.acquire()  # never released: its waiters stay in lock-wait
    readers = []

    def spin():
        while True:
            unit_of_work()

    def nap():
        while True:
            time.sleep(1)

    def wait_lock():
        lock.acquire()

    def read():
        left, right = socket.socketpair()
        readers.append(right)
        left.recv(1)

    if spinners is None:
        jobs = [(spin, nap, wait_lock, read)[i % 4] for i in range(count)]
    else:
        jobs = [(nap, wait_lock, read)[i % 3] for i in range(count - spinners)]
        jobs += [spin] * spinners
    for job in jobs:
        threading.Thread(target=job, daemon=True).start()
    time.sleep(0.2)
    print("ready", flush=True)
    while True:
        time.sleep(1)


def run_tasks(count):
    import asyncio

    async def leaf():
        await asyncio.sleep(3600)

    async def middle():
        await leaf()

    async def outer():
        await middle()

    async def spinner():
        while True:
            unit_of_work()
            await asyncio.sleep(0)

    async def main():
        for i in range(count):
            asyncio.ensure_future(outer()).set_name("waiter-%d" % i)
        asyncio.ensure_future(spinner()).set_name("spinner")
        await asyncio.sleep(0.1)
        print("ready", flush=True)
        await asyncio.sleep(3600)

    asyncio.run(main())


def main():
    if sys.argv[1] == "tasks":
        run_tasks(int(sys.argv[2]))
        return
    if sys.argv[1] == "threads":
        run_threads(int(sys.argv[2]))
        return
    if sys.argv[1] == "parked-threads":
        run_threads(int(sys.argv[2]), spinners=2)
        return
    mode, depth = sys.argv[1], int(sys.argv[2])
    sys.setrecursionlimit(max(1000, depth + 100))
    if mode == "forever":
        descend(depth, spin_forever)
    else:
        units = int(sys.argv[3])
        # One CPU, the same every run: this CI VM's two vCPUs run this loop at
        # 1.7 s and 3.0 s, which made the slowdown figures noise.
        if hasattr(os, "sched_setaffinity"):
            os.sched_setaffinity(0, {max(os.sched_getaffinity(0))})

        def fixed():
            start, cpu = time.perf_counter(), time.process_time()
            for _ in range(units):
                unit_of_work()
            return time.perf_counter() - start, time.process_time() - cpu

        print("%.6f %.6f" % descend(depth, fixed), flush=True)


main()
