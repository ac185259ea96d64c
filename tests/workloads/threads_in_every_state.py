"""Threads parked in known states: `locker` waits on a held threading.Lock, `sleeper` in
time.sleep, `reader` in recv on a socketpair, `selector` in select on it, and two CPU-bound
`spinner-N` threads taking turns with the GIL. Prints {"pid", "python", "threads"}.
"""
import json
import os
import select
import socket
import sys
import threading
import time

held = threading.Lock()
held.acquire()
left, right = socket.socketpair()
other_left, other_right = socket.socketpair()


def waits_on_lock():
    held.acquire()


def sleeps():
    while True:
        time.sleep(0.5)


def reads_socket():
    left.recv(10)


def selects_on_socket():
    select.select([other_left], [], [])


def spins():
    while True:
        total = 0
        for i in range(100000):
            total += i


def main():
    jobs = [(waits_on_lock, "locker"), (sleeps, "sleeper"), (reads_socket, "reader"),
            (selects_on_socket, "selector"), (spins, "spinner-1"), (spins, "spinner-2")]
    threads = [threading.Thread(target=job, name=name, daemon=True) for job, name in jobs]
    for thread in threads:
        thread.start()
    time.sleep(0.3)  # everyone reaches its wait
    print(json.dumps({"pid": os.getpid(), "python": "%d.%d.%d" % sys.version_info[:3],
                      "threads": [{"name": t.name, "tid": t.native_id} for t in threads]}))
    sys.stdout.flush()
    seconds = float(sys.argv[sys.argv.index("--seconds") + 1]) if "--seconds" in sys.argv else 120
    time.sleep(seconds)


if __name__ == "__main__":
    main()
