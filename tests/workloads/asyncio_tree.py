"""A known tree of asyncio tasks on one event loop, parked on marked lines.

    main                      (the asyncio.run task, renamed)
      fetch-1, fetch-2, fetch-3   created in a TaskGroup (3.11+) or awaited with gather
        parse-N                   fetch-N does `await create_task(parse(N), name="parse-N")`
                                  parse -> parse_body -> asyncio.sleep(3600)
    gatherer                  awaits asyncio.gather(g-a, g-b)
      g-a, g-b                    both asleep
    cruncher                  burns CPU in ~1 ms chunks, `await asyncio.sleep(0)` between

Every task but cruncher stays suspended on the line marked `# awaits: FUNCTION`.
Options (either or both):
  --pure-python  hide the C accelerator (`sys.modules['_asyncio'] = None`) before asyncio
                 is imported: every task and future is the pure-Python one;
  --eager        (3.12+) loop.set_task_factory(asyncio.eager_task_factory): the tasks
                 main creates start running inside create_task.

Prints one JSON line once every task exists and every task but cruncher waits on a future:
{"pid", "python", "threads": [{"name", "tid"}], "tasks": {NAME: id(task)},
 "task_class": "module.qualname" of main's task, "eager": bool,
 "eager_started": whether fetch-1 had started before create_task returned}
and then holds still (cruncher aside) until killed or --seconds have passed.
"""
import argparse
import json
import os
import sys
import threading

if "--pure-python" in sys.argv:
    sys.modules["_asyncio"] = None  # asyncio falls back to its pure-Python Task and Future

import asyncio  # noqa: E402

UNIT = 20000  # iterations: about a millisecond on a 2020s CPU
LONG = 3600

FETCHES = (1, 2, 3)
NAMES = (["main", "gatherer", "cruncher", "g-a", "g-b"]
         + ["fetch-%d" % n for n in FETCHES] + ["parse-%d" % n for n in FETCHES])

started = {}  # fetch name -> True once its coroutine has begun


def burn(iterations):
    total = 0
    for i in range(iterations):
        total += i * i
    return total


async def parse_body(n):
    await asyncio.sleep(LONG)  # awaits: parse_body


async def parse(n):
    await parse_body(n)  # awaits: parse


async def fetch(n):
    started["fetch-%d" % n] = True
    await asyncio.create_task(parse(n), name="parse-%d" % n)  # awaits: fetch


async def sleeper():
    await asyncio.sleep(LONG)  # awaits: sleeper


async def gatherer():
    first = asyncio.create_task(sleeper(), name="g-a")
    second = asyncio.create_task(sleeper(), name="g-b")
    await asyncio.gather(first, second)  # awaits: gatherer


async def cruncher():
    while True:
        burn(UNIT)  # crunches
        await asyncio.sleep(0)  # awaits: cruncher


def announce_when_parked(loop, seconds, eager, eager_started):
    """Polls (as a loop callback, not a task) until every named task exists and all but
    cruncher wait on a future; then prints the ready line and arms the deadline."""
    tasks = {t.get_name(): t for t in asyncio.all_tasks(loop)}
    parked = all(name in tasks and (name == "cruncher"
                                    or getattr(tasks[name], "_fut_waiter", None) is not None)
                 for name in NAMES)
    if not parked:
        loop.call_later(0.01, announce_when_parked, loop, seconds, eager, eager_started)
        return
    task_type = type(tasks["main"])
    print(json.dumps({
        "pid": os.getpid(),
        "python": "%d.%d.%d" % sys.version_info[:3],
        "threads": [{"name": "MainThread", "tid": threading.get_native_id()}],
        "tasks": {name: id(tasks[name]) for name in NAMES},
        "task_class": "%s.%s" % (task_type.__module__, task_type.__qualname__),
        "eager": eager,
        "eager_started": eager_started,
    }), flush=True)
    loop.call_later(seconds, os._exit, 0)  # every task still pending: no clean way out


async def main(seconds, eager):
    loop = asyncio.get_running_loop()
    asyncio.current_task().set_name("main")
    asyncio.create_task(gatherer(), name="gatherer")
    asyncio.create_task(cruncher(), name="cruncher")
    if hasattr(asyncio, "TaskGroup"):
        async with asyncio.TaskGroup() as group:  # awaits: main
            for n in FETCHES:
                group.create_task(fetch(n), name="fetch-%d" % n)
                if n == 1:
                    eager_started = started.get("fetch-1", False)
                    loop.call_soon(announce_when_parked, loop, seconds, eager, eager_started)
    else:
        fetches = [asyncio.create_task(fetch(n), name="fetch-%d" % n) for n in FETCHES]
        loop.call_soon(announce_when_parked, loop, seconds, eager, False)
        await asyncio.gather(*fetches)  # awaits: main (gather)


def run(seconds, eager):
    loop = asyncio.new_event_loop()
    if eager:
        loop.set_task_factory(asyncio.eager_task_factory)
    loop.run_until_complete(main(seconds, eager))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--pure-python", action="store_true")
    parser.add_argument("--eager", action="store_true")
    arguments = parser.parse_args()
    if arguments.eager and not hasattr(asyncio, "eager_task_factory"):
        sys.exit("asyncio_tree.py: --eager needs Python 3.12+")
    run(arguments.seconds, arguments.eager)
