"""One thread always on the CPU, one always asleep: what --mode cpu tells apart.

Prints one JSON line {"pid", "python", "threads"}; thread "busy" spins in
spins_on_the_cpu, thread "sleeper" sleeps in sleeps_off_the_cpu, the main thread
sleeps too, until --seconds have passed.
"""
import argparse
import json
import os
import sys
import threading
import time


def spins_on_the_cpu(started):
    started.set()
    total = 0
    while True:
        for i in range(10000):
            total += i  # busy


def sleeps_off_the_cpu(started):
    started.set()
    while True:
        time.sleep(2)  # asleep


def main(seconds):
    threads = []
    for name, function in (("busy", spins_on_the_cpu), ("sleeper", sleeps_off_the_cpu)):
        started = threading.Event()
        thread = threading.Thread(target=function, args=(started,), name=name, daemon=True)
        thread.start()
        if not started.wait(30):
            sys.exit("thread %s did not start" % name)
        threads.append(thread)

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
    parser.add_argument("--seconds", type=float, default=120)
    main(parser.parse_args().seconds)
