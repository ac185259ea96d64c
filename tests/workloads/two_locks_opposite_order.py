"""Two threads taking two locks in opposite order: a deadlock within a moment.
Prints {"pid", "python", "threads"} once both are stuck."""
import json
import os
import sys
import threading
import time

# one of each kind: a Lock records no owner (its holder is found on the stacks), an RLock does
first, second = threading.Lock(), threading.RLock()


def takes_first_then_second():
    with first:
        time.sleep(0.1)
        with second:  # WAITS_FOR_SECOND
            pass


def takes_second_then_first():
    with second:
        time.sleep(0.1)
        with first:  # WAITS_FOR_FIRST
            pass


def main():
    threads = [threading.Thread(target=takes_first_then_second, name="alpha", daemon=True),
               threading.Thread(target=takes_second_then_first, name="beta", daemon=True)]
    for thread in threads:
        thread.start()
    time.sleep(0.3)
    print(json.dumps({"pid": os.getpid(), "python": "%d.%d.%d" % sys.version_info[:3],
                      "threads": [{"name": t.name, "tid": t.native_id} for t in threads]}))
    sys.stdout.flush()
    time.sleep(120)


if __name__ == "__main__":
    main()
