"""Task churn: about 10,000 short-lived asyncio tasks a second, on one loop.

Task "churner" (the asyncio.run task, renamed) gathers batches of BATCH tiny coroutines
(each a task that yields once and returns), paced to --rate tasks a second (flat out when
the machine cannot keep up). A profiler reading the task list meets tasks being created,
finishing and being freed all the time.

Prints one JSON line {"pid", "python", "threads", "tasks": {"churner": id}} once the churn
has begun, then churns for --seconds; at the end it tells on stderr how many tasks it ran.
"""
import argparse
import asyncio
import json
import os
import sys
import threading
import time

BATCH = 100


async def tiny(n):
    await asyncio.sleep(0)
    return n


async def churn_batch():
    results = await asyncio.gather(*(tiny(n) for n in range(BATCH)))  # churns
    assert len(results) == BATCH


async def main(seconds, rate):
    churner = asyncio.current_task()
    churner.set_name("churner")
    await churn_batch()
    print(json.dumps({
        "pid": os.getpid(),
        "python": "%d.%d.%d" % sys.version_info[:3],
        "threads": [{"name": "MainThread", "tid": threading.get_native_id()}],
        "tasks": {"churner": id(churner)},
    }), flush=True)
    started = time.monotonic()
    done = 0
    while time.monotonic() - started < seconds:
        await churn_batch()
        done += BATCH
        ahead = done / rate - (time.monotonic() - started)
        await asyncio.sleep(max(ahead, 0))
    print("asyncio_churn: %d tasks in %.1fs" % (done, time.monotonic() - started),
          file=sys.stderr)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--rate", type=float, default=10000, help="tasks per second")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.seconds, arguments.rate))
