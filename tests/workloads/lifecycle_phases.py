"""A service that names its phases in the module global PYCONC_PHASE of __main__
(CPython 3.8+): "warmup", then "request" three times, each followed by "idle";
each phase lasts PHASE_SECONDS.

Each "request" phase starts two threads, REQUEST_THREAD_AT s into it: 0.1 s or more
after a reader looking four times a second has seen the phase begin, and before its
last look inside the phase. By default they are daemon threads parked on an Event for
good: two threads leaked by every request, none ever by "warmup" or "idle". With
--joined each thread works for 0.05 s and is joined at once: nothing leaks.
Prints {"pid", "python", "threads"} at once; exits after the last "idle" (about 5.6 s).
"""
import json
import os
import sys
import threading
import time

PYCONC_PHASE = "warmup"

PHASE_SECONDS = 0.8
REQUEST_THREAD_AT = (0.35, 0.45)
REQUESTS = 3

forever = threading.Event()


def set_phase(name):
    global PYCONC_PHASE
    PYCONC_PHASE = name


def parked_for_good():
    forever.wait()


def handles_part_of_a_request():
    time.sleep(0.05)


def request(joined):
    began = time.monotonic()
    for at in REQUEST_THREAD_AT:
        time.sleep(max(0.0, began + at - time.monotonic()))
        if joined:
            helper = threading.Thread(target=handles_part_of_a_request)
            helper.start()
            helper.join()
        else:
            threading.Thread(target=parked_for_good, daemon=True).start()  # leaks
    time.sleep(max(0.0, began + PHASE_SECONDS - time.monotonic()))


def main(joined):
    print(json.dumps({"pid": os.getpid(), "python": "%d.%d.%d" % sys.version_info[:3],
                      "threads": [{"name": "MainThread",
                                   "tid": threading.main_thread().native_id}]}), flush=True)
    time.sleep(PHASE_SECONDS)  # warmup
    for _ in range(REQUESTS):
        set_phase("request")
        request(joined)
        set_phase("idle")
        time.sleep(PHASE_SECONDS)


if __name__ == "__main__":
    main("--joined" in sys.argv[1:])
