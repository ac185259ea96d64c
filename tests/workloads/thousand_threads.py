"""A thousand parked threads and two busy ones: a target with many threads to sample for
a long time.

Threads "event-N" wait on an Event that is never set, "lock-N" block acquiring a Lock
the main thread holds, "sleep-N" sleep in a loop (a third each, 1,000 in all); threads
"busy-0" and "busy-1" spin on the CPU. Prints one JSON line {"pid", "python", "threads"}
(main thread first) once every thread has started, then holds still until --seconds have
passed.

usage: thousand_threads.py [--parked N] [--seconds S]
"""
import argparse
import json
import os
import sys
import threading
import time

never = threading.Event()
held = threading.Lock()
held.acquire()


class Countdown:
    """Set once `count` threads have checked in."""

    def __init__(self, count):
        self.left = count
        self.lock = threading.Lock()
        self.done = threading.Event()

    def check_in(self):
        with self.lock:
            self.left -= 1
            if self.left == 0:
                self.done.set()


def waits_on_the_event(ready):
    ready.check_in()
    never.wait()  # parked: event


def waits_on_the_lock(ready):
    ready.check_in()
    held.acquire()  # parked: lock


def sleeps_in_a_loop(ready):
    ready.check_in()
    while True:
        time.sleep(1)  # parked: sleep


def spins_on_the_cpu(ready):
    ready.check_in()
    total = 0
    while True:
        for i in range(10000):
            total += i  # busy


def main(parked, seconds):
    threading.stack_size(512 * 1024)  # 1,000 default 8 MB stacks is a lot of address space
    kinds = [("event", waits_on_the_event), ("lock", waits_on_the_lock),
             ("sleep", sleeps_in_a_loop)]
    jobs = [("%s-%d" % (kinds[n % 3][0], n), kinds[n % 3][1]) for n in range(parked)]
    jobs += [("busy-0", spins_on_the_cpu), ("busy-1", spins_on_the_cpu)]
    ready = Countdown(len(jobs))
    threads = [threading.Thread(target=function, args=(ready,), name=name, daemon=True)
               for name, function in jobs]
    for thread in threads:
        thread.start()
    if not ready.done.wait(60):
        sys.exit("only %d of %d threads started" % (len(jobs) - ready.left, len(jobs)))
    time.sleep(0.2)  # the last to check in reach their wait

    everyone = [threading.main_thread()] + threads
    print(json.dumps({
        "pid": os.getpid(),
        "python": "%d.%d.%d" % sys.version_info[:3],
        "threads": [{"name": t.name, "tid": t.native_id} for t in everyone],
    }), flush=True)

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        time.sleep(max(0.0, min(2.0, deadline - time.monotonic())))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--parked", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=120)
    arguments = parser.parse_args()
    main(arguments.parked, arguments.seconds)
