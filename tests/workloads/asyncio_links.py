"""asyncio awaits that hide who waits for whom, and a deadlock (CPython 3.8+).

Tasks, by name:
  shielder     awaits asyncio.shield(shielded)     -> shielder awaits shielded
  waiter       awaits asyncio.wait_for(waited, 3600) -> waiter awaits waited
  cyc-a, cyc-b await each other: a cycle, a deadlock asyncio never notices
Every task but these is parked too.  The ready line (JSON) gives the pid and the id()
of each named task once all are suspended.
"""
import asyncio
import json
import os

LONG = 3600


async def nap():
    await asyncio.sleep(LONG)


async def shielder():
    inner = asyncio.ensure_future(nap())
    inner.set_name("shielded")
    await asyncio.shield(inner)


async def waiter():
    inner = asyncio.ensure_future(nap())
    inner.set_name("waited")
    await asyncio.wait_for(inner, LONG)


holder = {}


async def cycle_a():
    await asyncio.sleep(0.05)
    await holder["cyc-b"]


async def cycle_b():
    await asyncio.sleep(0.05)
    await holder["cyc-a"]


async def main():
    names = ("shielder", "shielded", "waiter", "waited", "cyc-a", "cyc-b")
    for name, coroutine in (("shielder", shielder()), ("waiter", waiter()),
                            ("cyc-a", cycle_a()), ("cyc-b", cycle_b())):
        task = asyncio.ensure_future(coroutine)
        task.set_name(name)
        holder[name] = task
    await asyncio.sleep(0.3)  # everyone parked: the cycle formed after 50 ms
    tasks = {t.get_name(): t for t in asyncio.all_tasks()}
    print(json.dumps({"pid": os.getpid(), "tasks": {n: id(tasks[n]) for n in names}}),
          flush=True)
    await asyncio.sleep(LONG)


asyncio.run(main())
