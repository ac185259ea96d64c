"""An asyncio service with four lifecycle bugs, for --check-lifecycle (CPython 3.8+).
lifecycle_clean.py is the same service with every bug fixed.

Prints {"pid", "python", "threads"} at once, runs for RUN_SECONDS and exits by itself
(status 0). The truth, by task and thread name:
  orphan       "parent" creates "orphan-child", keeps it in a local variable and is
               cancelled CANCEL_PARENT_AT s in; "orphan-child" (short sleeps in a loop)
               stays pending until the end. The same for "dropping-parent" and
               "dropped-child", except that the parent keeps no reference to it (a
               module-level set does).
  stuck await  "stuck-waiter" awaits, in wait_for_reply() at `# STUCK`, a future nobody
               ever resolves, with no deadline anywhere on its chain.
  task fan-out "producer" creates (at `# SPAWNS`) a `queued_work` task ("work-N") a
               hundred times a second with no bound; a slow consumer serves ten a second
               (each task sleeps until its turn): the pending task count grows by about
               80 a second.
  pool fan-out the thread "submitter" submits (at `# SUBMITS`) a hundred slow_item()s
               (0.1 s each) a second to ThreadPoolExecutor(max_workers=2,
               thread_name_prefix="slowpool"), which runs twenty a second: its queue
               grows by about 80 a second.
Not bugs: the main task waits with a deadline (asyncio.wait_for(stop.wait(), ...), which
before 3.12 runs stop.wait() in an unnamed task of its own); "parent", "orphan-child",
"producer" and the work-N tasks only ever await asyncio.sleep. At the end every task is
cancelled, the queued items return at once and every thread is joined.
asyncio is imported with a pause inside asyncio.tasks (pause_in_asyncio_import.py): the
tasks must be found anyway.
"""
import pause_in_asyncio_import  # noqa: F401  (before asyncio, see the docstring)
import asyncio
import concurrent.futures
import json
import os
import sys
import threading
import time

RUN_SECONDS = 4.5
CANCEL_PARENT_AT = 0.5
SUBMIT_EVERY = 0.01  # s: a hundred items, and a hundred tasks, a second

stopping = threading.Event()


class SlowConsumer:
    """Serves one request every 0.1 s, in order of arrival: a caller sleeps until its turn."""

    def __init__(self):
        self.next_free = 0.0

    async def serve(self):
        now = asyncio.get_running_loop().time()
        self.next_free = max(now, self.next_free) + 0.1
        await asyncio.sleep(self.next_free - now)


async def queued_work(consumer):
    await consumer.serve()


async def producer(consumer):
    number = 0
    while True:
        number += 1
        asyncio.create_task(queued_work(consumer), name="work-%d" % number)  # SPAWNS
        await asyncio.sleep(SUBMIT_EVERY)


async def orphan_child():
    while True:
        await asyncio.sleep(0.05)


async def parent():
    child = asyncio.create_task(orphan_child(), name="orphan-child")
    await asyncio.sleep(3600)  # cancelled here: nothing ever cancels the child


background = set()  # keeps fire-and-forget tasks alive, as asyncio's docs advise


async def dropped_child():
    while True:
        await asyncio.sleep(0.05)


async def dropping_parent():
    task = asyncio.create_task(dropped_child(), name="dropped-child")
    background.add(task)
    del task  # no local refers to it: only the code that created it says who did
    await asyncio.sleep(3600)
    await child


async def wait_for_reply(reply):
    return await reply  # STUCK


def slow_item():
    if not stopping.is_set():
        time.sleep(0.1)


def submitter(executor):
    while not stopping.is_set():
        executor.submit(slow_item)  # SUBMITS
        stopping.wait(SUBMIT_EVERY)


async def main():
    print(json.dumps({"pid": os.getpid(), "python": "%d.%d.%d" % sys.version_info[:3],
                      "threads": [{"name": "MainThread",
                                   "tid": threading.main_thread().native_id}]}), flush=True)
    loop = asyncio.get_running_loop()
    started = loop.time()
    executor = concurrent.futures.ThreadPoolExecutor(max_workers=2,
                                                     thread_name_prefix="slowpool")
    feeder = threading.Thread(target=submitter, args=(executor,), name="submitter")
    feeder.start()

    reply = loop.create_future()
    parent_task = asyncio.create_task(parent(), name="parent")
    dropping_task = asyncio.create_task(dropping_parent(), name="dropping-parent")
    asyncio.create_task(wait_for_reply(reply), name="stuck-waiter")
    asyncio.create_task(producer(SlowConsumer()), name="producer")

    await asyncio.sleep(CANCEL_PARENT_AT)
    parent_task.cancel()
    dropping_task.cancel()
    stop = asyncio.Event()  # never set: the deadline ends the wait
    try:
        await asyncio.wait_for(stop.wait(), RUN_SECONDS - (loop.time() - started))
    except asyncio.TimeoutError:
        pass

    stopping.set()
    feeder.join()
    executor.shutdown(wait=True)  # the queued items return at once
    others = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
    for task in others:
        task.cancel()
    await asyncio.gather(*others, return_exceptions=True)


if __name__ == "__main__":
    asyncio.run(main())
