"""lifecycle_broken.py with every lifecycle bug fixed: --check-lifecycle finds nothing
(CPython 3.8+).

Prints {"pid", "python", "threads"} at once, runs for RUN_SECONDS and exits by itself
(status 0). The same tasks and threads, by name:
  "parent"       creates "child" in an asyncio.TaskGroup (3.11+; before, it cancels and
                 awaits the child in a `finally`) and is cancelled CANCEL_PARENT_AT s in:
                 the child ends with it.
  "stuck-waiter" awaits a future nobody resolves, under asyncio.wait_for(reply, 60): still
                 waiting at the end, but with a deadline.
  "producer"     takes an asyncio.Semaphore(10) slot before each create_task, and the
                 task gives it back when it ends: at most ten `queued_work` tasks pend.
  "submitter"    takes a threading.BoundedSemaphore(10) slot before each submit to the
                 "slowpool" executor, given back in a done callback: at most ten items.
At the end every task is cancelled and every thread is joined.
"""
import asyncio
import concurrent.futures
import json
import os
import sys
import threading
import time

RUN_SECONDS = 4.5
CANCEL_PARENT_AT = 0.5
SUBMIT_EVERY = 0.01
IN_FLIGHT = 10

stopping = threading.Event()


class SlowConsumer:
    """Serves one request every 0.1 s, in order of arrival: a caller sleeps until its turn."""

    def __init__(self):
        self.next_free = 0.0

    async def serve(self):
        now = asyncio.get_running_loop().time()
        self.next_free = max(now, self.next_free) + 0.1
        await asyncio.sleep(self.next_free - now)


async def queued_work(consumer, slots):
    try:
        await consumer.serve()
    finally:
        slots.release()


async def producer(consumer):
    slots = asyncio.Semaphore(IN_FLIGHT)
    number = 0
    while True:
        await slots.acquire()
        number += 1
        asyncio.create_task(queued_work(consumer, slots), name="work-%d" % number)
        await asyncio.sleep(SUBMIT_EVERY)


async def child_loop():
    while True:
        await asyncio.sleep(0.05)


async def parent():
    if hasattr(asyncio, "TaskGroup"):  # 3.11+
        async with asyncio.TaskGroup() as group:
            group.create_task(child_loop(), name="child")
            await asyncio.sleep(3600)  # cancelled here: the group cancels the child
    else:
        child = asyncio.create_task(child_loop(), name="child")
        try:
            await asyncio.sleep(3600)  # cancelled here
        finally:
            child.cancel()
            try:
                await child
            except asyncio.CancelledError:
                pass


async def wait_for_reply(reply):
    return await asyncio.wait_for(reply, 60)


def slow_item():
    if not stopping.is_set():
        time.sleep(0.1)


def submitter(executor):
    slots = threading.BoundedSemaphore(IN_FLIGHT)
    while not stopping.is_set():
        if not slots.acquire(timeout=0.1):
            continue
        future = executor.submit(slow_item)
        future.add_done_callback(lambda _: slots.release())
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
    asyncio.create_task(wait_for_reply(reply), name="stuck-waiter")
    asyncio.create_task(producer(SlowConsumer()), name="producer")

    await asyncio.sleep(CANCEL_PARENT_AT)
    parent_task.cancel()
    stop = asyncio.Event()  # never set: the deadline ends the wait
    try:
        await asyncio.wait_for(stop.wait(), RUN_SECONDS - (loop.time() - started))
    except asyncio.TimeoutError:
        pass

    stopping.set()
    feeder.join()
    executor.shutdown(wait=True)
    others = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
    for task in others:
        task.cancel()
    await asyncio.gather(*others, return_exceptions=True)


if __name__ == "__main__":
    asyncio.run(main())
