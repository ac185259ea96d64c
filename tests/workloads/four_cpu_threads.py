"""Four CPU-bound threads sharing one GIL. Prints {"pid", "python", "threads"}."""
import json
import os
import sys
import threading
import time


def burns_cpu():
    while True:
        total = 0
        for i in range(100000):
            total += i


def main():
    threads = [threading.Thread(target=burns_cpu, name="cpu-%d" % i, daemon=True)
               for i in range(4)]
    for thread in threads:
        thread.start()
    print(json.dumps({"pid": os.getpid(), "python": "%d.%d.%d" % sys.version_info[:3],
                      "threads": [{"name": t.name, "tid": t.native_id} for t in threads]}))
    sys.stdout.flush()
    time.sleep(120)


if __name__ == "__main__":
    main()
