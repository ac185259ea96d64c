"""A script whose main code ends while a non-daemon thread still runs (CPython 3.8+).

  slow   starts a daemon thread "parked-daemon" (parked on an Event for good) and, just
         before the main code returns, a non-daemon thread "linger" that sleeps
         LINGER_SECONDS in linger_after_main(): the interpreter's shutdown waits for it,
         so the process exits about LINGER_SECONDS after the main code finished.
         Before that it runs an asyncio event loop until a task "left-behind" is
         suspended on a future nothing resolves, and stops it there: that task is still
         pending when the process exits.
  clean  starts nothing: the process exits as soon as the main code returns.
Both first do WORK_SECONDS of nothing (so a profiler that starts the script is surely
attached when the main code ends), then print {"pid", "python", "threads"} and return.
"""
import asyncio
import json
import os
import sys
import threading
import time

WORK_SECONDS = 0.3
LINGER_SECONDS = 2.0


def linger_after_main():
    time.sleep(LINGER_SECONDS)  # LINGERS


def parked_for_good(never_set):
    never_set.wait()


async def waits_for_nothing():
    await asyncio.get_event_loop().create_future()


async def start_and_leave_behind():
    asyncio.get_event_loop().create_task(waits_for_nothing(), name="left-behind")
    await asyncio.sleep(0.05)


def main(variant):
    if variant == "slow":
        asyncio.new_event_loop().run_until_complete(start_and_leave_behind())
    time.sleep(WORK_SECONDS)
    threads = [threading.main_thread()]
    if variant == "slow":
        daemon = threading.Thread(target=parked_for_good, args=(threading.Event(),),
                                  name="parked-daemon", daemon=True)
        linger = threading.Thread(target=linger_after_main, name="linger")
        for thread in (daemon, linger):
            thread.start()
        threads += [daemon, linger]
    print(json.dumps({"pid": os.getpid(), "python": "%d.%d.%d" % sys.version_info[:3],
                      "threads": [{"name": t.name, "tid": t.native_id} for t in threads]}),
          flush=True)


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in ("slow", "clean"):
        sys.exit("usage: lifecycle_shutdown.py slow|clean")
    main(sys.argv[1])
