"""Two event loops in two threads, each with its own parked tasks.

Thread "loop-A" runs a loop whose main task ("a-main") creates tasks a-1 and a-2 and
awaits them with gather; thread "loop-B" does the same with b-main, b-1, b-2. Every task
sleeps on the line marked `# awaits: sleeper`; the main thread only waits.

Prints one JSON line once every task of both loops waits on a future:
{"pid", "python", "threads": [{"name", "tid"}] (MainThread, loop-A, loop-B),
 "tasks": {NAME: id(task)}, "task_threads": {NAME: the name of the thread running its loop}}
then holds still until killed or --seconds have passed.
"""
import argparse
import asyncio
import json
import os
import sys
import threading
import time

LONG = 3600
LOOPS = {"loop-A": "a", "loop-B": "b"}


async def sleeper():
    await asyncio.sleep(LONG)  # awaits: sleeper


async def loop_main(prefix, parked, found):
    me = asyncio.current_task()
    me.set_name(prefix + "-main")
    children = [asyncio.create_task(sleeper(), name="%s-%d" % (prefix, n)) for n in (1, 2)]
    waiting = asyncio.ensure_future(asyncio.gather(*children))
    while not all(getattr(t, "_fut_waiter", None) is not None for t in children):
        await asyncio.sleep(0.01)
    found.update({t.get_name(): t for t in children + [me]})
    # main's own wait starts below; the main thread gives it time before announcing
    asyncio.get_running_loop().call_soon(parked.set)
    await waiting  # awaits: loop_main


def run_loop(prefix, parked, found):
    asyncio.run(loop_main(prefix, parked, found))


def main(seconds):
    threads, found = [], {}
    for thread_name, prefix in LOOPS.items():
        parked = threading.Event()
        thread = threading.Thread(target=run_loop, args=(prefix, parked, found),
                                  name=thread_name, daemon=True)
        thread.start()
        if not parked.wait(30):
            sys.exit("asyncio_two_loops.py: %s did not park its tasks" % thread_name)
        threads.append(thread)
    deadline = time.monotonic() + 5
    while not all(getattr(t, "_fut_waiter", None) is not None for t in found.values()):
        if time.monotonic() > deadline:
            sys.exit("asyncio_two_loops.py: the loop main tasks did not park")
        time.sleep(0.01)
    print(json.dumps({
        "pid": os.getpid(),
        "python": "%d.%d.%d" % sys.version_info[:3],
        "threads": [{"name": t.name, "tid": t.native_id}
                    for t in [threading.main_thread()] + threads],
        "tasks": {name: id(task) for name, task in sorted(found.items())},
        "task_threads": {name: "loop-" + name[0].upper() for name in sorted(found)},
    }), flush=True)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        time.sleep(0.5)  # parked: MainThread


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=120)
    main(parser.parse_args().seconds)
