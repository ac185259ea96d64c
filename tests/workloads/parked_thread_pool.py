"""A steady service shape: N named threads parked on an Event, plus a main thread that
does a little CPU work. Prints {"pid", "python", "threads"} when every thread is up.

usage: parked_thread_pool.py N [--seconds S]
"""
import json
import os
import sys
import threading
import time


def parked_worker(stop):
    stop.wait()


def main_loop(deadline):
    total = 0
    while time.time() < deadline:
        for i in range(5000):
            total += i
        time.sleep(0.001)


def main():
    count = int(sys.argv[1])
    seconds = float(sys.argv[sys.argv.index("--seconds") + 1]) if "--seconds" in sys.argv else 120
    stop = threading.Event()
    workers = [threading.Thread(target=parked_worker, args=(stop,), name="worker-%d" % i,
                                daemon=True) for i in range(count)]
    for worker in workers:
        worker.start()
    print(json.dumps({"pid": os.getpid(), "python": "%d.%d.%d" % sys.version_info[:3],
                      "threads": [{"name": w.name, "tid": w.native_id} for w in workers]}))
    sys.stdout.flush()
    main_loop(time.time() + seconds)
    stop.set()


if __name__ == "__main__":
    main()
