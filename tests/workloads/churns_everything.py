"""Everything a sampler reads, changing as fast as it can (CPython 3.8+), for --seconds:

  thread churn      "spawner" starts and joins a short thread about a thousand times a
                    second (each lives a few microseconds to a millisecond);
  recursion swing   "recurser" recurses down to 10,000 frames and back, over and over;
  generator churn   "generators" creates generators and coroutines, advances and drops them
                    in a tight loop, and runs a tiny asyncio loop whose tasks come and go.

A sampler must take what it can, drop what was torn (counted), never crash, never hang,
never leave the target stopped. Prints {"pid", "python", "threads"} once the three run.
"""
import argparse
import asyncio
import json
import os
import sys
import threading
import time

sys.setrecursionlimit(12000)
stop = threading.Event()


def short_life():
    pass


def spawner():
    while not stop.is_set():
        began = time.monotonic()
        thread = threading.Thread(target=short_life)
        thread.start()
        thread.join()
        time.sleep(max(0.0, 0.001 - (time.monotonic() - began)))


def dive(depth):
    if depth == 0:
        return 0
    return dive(depth - 1) + 1


def recurser():
    while not stop.is_set():
        for depth in (10, 1000, 5000, 10000, 100, 0):
            dive(depth)


def numbers(n):
    for i in range(n):
        yield i


async def tiny(n):
    await asyncio.sleep(0)
    return n


async def churn_tasks():
    while not stop.is_set():
        await asyncio.gather(*(tiny(n) for n in range(20)))


def generators():
    loop = asyncio.new_event_loop()
    rounds = 0
    while not stop.is_set():
        for value in numbers(50):
            pass
        coroutine = tiny(rounds)
        coroutine.close()  # created and dropped unstarted
        rounds += 1
        if rounds % 200 == 0:
            loop.run_until_complete(a_few_rounds_of_tasks())
    loop.close()


async def a_few_rounds_of_tasks():
    try:
        await asyncio.wait_for(churn_tasks(), 0.005)
    except asyncio.TimeoutError:
        pass


def main(seconds):
    workers = [threading.Thread(target=f, name=f.__name__) for f in (spawner, recurser, generators)]
    for worker in workers:
        worker.start()
    print(json.dumps({"pid": os.getpid(), "python": "%d.%d.%d" % sys.version_info[:3],
                      "threads": [{"name": t.name, "tid": t.native_id}
                                  for t in [threading.main_thread()] + workers]}), flush=True)
    stop.wait(seconds)
    stop.set()
    for worker in workers:
        worker.join()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=120)
    main(parser.parse_args().seconds)
