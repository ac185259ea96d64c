"""Two asyncio tasks on one loop splitting its CPU time 70/30, by construction.

Task "hot" (coroutine hot_task) and task "warm" (coroutine warm_task) take turns: each
burns its share of a round and then yields with `await asyncio.sleep(0)`. With nothing
else on the loop, sleep(0) makes them alternate strictly, so round after round hot burns
7 units and warm 3 units of the same size. The unit size changes from round to round
(0.5-1.5 ms, one seeded sequence both tasks draw from in step), so a sampler ticking at a
fixed rate cannot fall into step with the rounds; within each round the split stays 7:3.

Prints one JSON line {"pid", "python", "threads", "tasks": {NAME: id(task)}} once both
run, then works for --seconds, and at the end tells on stderr how much of a CPU it had.
"""
import argparse
import asyncio
import json
import os
import random
import sys
import threading
import time

UNIT = 20000  # iterations: about a millisecond on a 2020s CPU
SEED = 7030


def burn(iterations):
    total = 0
    for i in range(iterations):
        total += i * i
    return total


def unit_sizes():
    """The same sequence for both tasks: round r's unit size."""
    sizes = random.Random(SEED)
    while True:
        yield sizes.randint(UNIT // 2, UNIT * 3 // 2)


async def hot_task():
    for unit in unit_sizes():
        burn(7 * unit)  # hot burns
        await asyncio.sleep(0)


async def warm_task():
    for unit in unit_sizes():
        burn(3 * unit)  # warm burns
        await asyncio.sleep(0)


async def main(seconds):
    asyncio.current_task().set_name("split-main")
    hot = asyncio.create_task(hot_task(), name="hot")
    warm = asyncio.create_task(warm_task(), name="warm")
    await asyncio.sleep(0)  # both have started their first round
    print(json.dumps({
        "pid": os.getpid(),
        "python": "%d.%d.%d" % sys.version_info[:3],
        "threads": [{"name": "MainThread", "tid": threading.get_native_id()}],
        "tasks": {"hot": id(hot), "warm": id(warm)},
    }), flush=True)
    started, cpu_at_start = time.monotonic(), time.process_time()
    await asyncio.sleep(seconds)
    print("asyncio_split: had %.0f%% of a CPU" % (
        100 * (time.process_time() - cpu_at_start) / (time.monotonic() - started)),
        file=sys.stderr)
    os._exit(0)  # hot and warm never finish


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=120)
    asyncio.run(main(parser.parse_args().seconds))
