"""Eight threads convoying on one threading.Lock, each holding it 20 ms in
critical_section(). Prints {"pid", "python", "threads"}."""
import json
import os
import sys
import threading
import time

lock = threading.Lock()


def critical_section():
    time.sleep(0.02)


def takes_the_lock():
    while True:
        with lock:  # CONVOY
            critical_section()


def main():
    threads = [threading.Thread(target=takes_the_lock, name="convoy-%d" % i, daemon=True)
               for i in range(8)]
    for thread in threads:
        thread.start()
    print(json.dumps({"pid": os.getpid(), "python": "%d.%d.%d" % sys.version_info[:3],
                      "threads": [{"name": t.name, "tid": t.native_id} for t in threads]}))
    sys.stdout.flush()
    time.sleep(120)


if __name__ == "__main__":
    main()
