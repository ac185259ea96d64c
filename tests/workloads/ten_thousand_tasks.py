"""Ten thousand pending asyncio tasks on one loop, a few of them churning: a target with
many tasks to sample for a long time.

Tasks "waiter-N" await an asyncio.Event that is never set (in waits_for_the_event),
"sleeper-N" sleep 5-15 s at a time in a loop (in sleeps_in_a_loop), and each of the
"churn-N" tasks (in churns) awaits one short-lived task after another ("short-N", in
lives_briefly, 50-200 ms each), so tasks keep finishing and being replaced. The names are
reused, so the profile does not grow with the churn. Pending at any moment: the --tasks
waiters, sleepers and churners, up to CHURNERS short-lived ones, and the main task "main".

Prints one JSON line {"pid", "python", "threads", "tasks": {"pending", "waiters", "sleepers",
"churners"}} ("pending": every task but main at that moment) once every task exists and
has started, then holds still until --seconds have passed.

usage: ten_thousand_tasks.py [--tasks N] [--seconds S]
"""
import argparse
import asyncio
import json
import os
import random
import sys
import threading

CHURNERS = 100  # each with one short-lived task alive at a time (nearly always)
SLEEPERS_SHARE = 0.4


async def waits_for_the_event(never, started):
    started()
    await never.wait()  # awaits: event


async def sleeps_in_a_loop(started):
    started()
    pace = random.Random()
    while True:
        await asyncio.sleep(pace.uniform(5, 15))  # awaits: sleep


async def lives_briefly(pace):
    await asyncio.sleep(pace.uniform(0.05, 0.2))  # awaits: brief


async def churns(slot, started):
    started()
    pace = random.Random(slot)
    while True:
        short = asyncio.create_task(lives_briefly(pace), name="short-%d" % slot)
        await short  # awaits: churn


async def main(pending, seconds):
    asyncio.current_task().set_name("main")
    never = asyncio.Event()
    running = 0

    def started():
        nonlocal running
        running += 1

    churners = CHURNERS
    sleepers = int((pending - churners) * SLEEPERS_SHARE)
    waiters = pending - churners - sleepers
    tasks = []
    for n in range(waiters):
        tasks.append(asyncio.create_task(waits_for_the_event(never, started),
                                         name="waiter-%d" % n))
    for n in range(sleepers):
        tasks.append(asyncio.create_task(sleeps_in_a_loop(started), name="sleeper-%d" % n))
    for n in range(churners):
        tasks.append(asyncio.create_task(churns(n, started), name="churn-%d" % n))
    while running < len(tasks):
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.1)  # every churner has its first short-lived task

    alive = len(asyncio.all_tasks()) - 1  # all but main
    print(json.dumps({
        "pid": os.getpid(),
        "python": "%d.%d.%d" % sys.version_info[:3],
        "threads": [{"name": "MainThread", "tid": threading.get_native_id()}],
        "tasks": {"pending": alive, "waiters": waiters, "sleepers": sleepers,
                  "churners": churners},
    }), flush=True)
    await asyncio.sleep(seconds)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tasks", type=int, default=10000)
    parser.add_argument("--seconds", type=float, default=120)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.tasks, arguments.seconds))
