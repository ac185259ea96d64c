"""Starts two threads a second that never end and, on its asyncio loop, twenty tasks a
second that never end (with --steady: a fixed pool of ten threads, and twenty short
tasks a second that each finish within 100 ms, so the pending count holds still).
Prints {"pid", "python", "threads"} when it starts."""
import asyncio
import json
import os
import sys
import threading

forever = threading.Event()
kept = []  # the leaked tasks stay referenced, as leaked tasks in a service do


def parked():
    forever.wait()


def start(n):
    for _ in range(n):
        threading.Thread(target=parked, daemon=True).start()


async def lingers(seconds):
    await asyncio.sleep(seconds)


async def main():
    steady = "--steady" in sys.argv
    start(10 if steady else 0)
    print(json.dumps({"pid": os.getpid(), "python": "%d.%d.%d" % sys.version_info[:3],
                      "threads": [{"name": "MainThread", "tid": threading.get_native_id()}]}))
    sys.stdout.flush()
    tick = 0
    while True:
        await asyncio.sleep(0.05)
        kept.append(asyncio.ensure_future(lingers(0.1 if steady else 3600)))
        if steady:
            del kept[:-4]
        tick += 1
        if not steady and tick % 10 == 0:
            start(1)


if __name__ == "__main__":
    asyncio.run(main())
