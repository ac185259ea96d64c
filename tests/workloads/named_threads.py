"""Threads with distinct names, one of them non-ASCII, each parked in its own function.

Prints one JSON line: {"pid", "python", "threads": [{"name", "tid"}]}, then every thread
stays parked on the line marked `# parked: NAME` until --seconds have passed (attach-mode
tests kill it sooner). The parking functions are a plain function, a method and a closure,
so qualified names (co_qualname, 3.11+) show in the output.
"""
import argparse
import json
import os
import sys
import threading
import time


def alpha_waits_on_event(parked, never_set):
    parked.set()
    while True:
        never_set.wait(0.5)  # parked: worker-alpha


class Beta:
    def sleeps_in_a_method(self, parked):
        parked.set()
        while True:
            time.sleep(0.5)  # parked: worker-beta


def make_gamma():
    def gamma_sleeps_in_a_closure(parked):
        parked.set()
        while True:
            time.sleep(0.5)  # parked: работник-ß
    return gamma_sleeps_in_a_closure


def main(seconds):
    never_set = threading.Event()
    workers = [
        ("worker-alpha", alpha_waits_on_event, (never_set,)),
        ("worker-beta", Beta().sleeps_in_a_method, ()),
        ("работник-ß", make_gamma(), ()),
    ]
    threads = []
    for name, function, args in workers:
        parked = threading.Event()
        thread = threading.Thread(target=function, args=(parked,) + args, name=name, daemon=True)
        thread.start()
        if not parked.wait(30):
            sys.exit("thread %s did not start" % name)
        threads.append(thread)
    time.sleep(0.05)  # let the last one reach its parking line

    everyone = [threading.main_thread()] + threads
    print(json.dumps({
        "pid": os.getpid(),
        "python": "%d.%d.%d" % sys.version_info[:3],
        "threads": [{"name": t.name, "tid": t.native_id} for t in everyone],
    }), flush=True)

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        time.sleep(0.5)  # parked: MainThread


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=120)
    main(parser.parse_args().seconds)
