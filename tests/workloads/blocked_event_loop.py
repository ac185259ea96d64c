"""An asyncio service whose loop is blocked by a synchronous time.sleep(0.3) in blocker()
about once a second (with --healthy, it awaits asyncio.sleep instead).
Prints {"pid", "python", "threads"} once the loop runs."""
import asyncio
import json
import os
import sys
import threading
import time


def blocker():
    time.sleep(0.3)  # BLOCKS


async def handler(healthy):
    while True:
        if healthy:
            await asyncio.sleep(0.3)
        else:
            blocker()
        await asyncio.sleep(0.7)


async def ticker():
    while True:
        await asyncio.sleep(0.01)


async def main(healthy):
    print(json.dumps({"pid": os.getpid(), "python": "%d.%d.%d" % sys.version_info[:3],
                      "threads": [{"name": "MainThread", "tid": threading.get_native_id()}]}))
    sys.stdout.flush()
    handling = asyncio.ensure_future(handler(healthy))
    handling.set_name("handler")  # the task named in the report under --group task
    await asyncio.gather(handling, ticker())


if __name__ == "__main__":
    asyncio.run(main("--healthy" in sys.argv))
