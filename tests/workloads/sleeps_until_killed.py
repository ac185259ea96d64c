"""The smallest Python target: prints {"pid", "python"} and sleeps until killed (or for
--seconds). Written for any CPython 3, so it can also stand in as a too-old interpreter."""
import json
import os
import sys
import time


def sleeps_until_killed(seconds):
    print(json.dumps({"pid": os.getpid(), "python": "%d.%d.%d" % sys.version_info[:3]}))
    sys.stdout.flush()
    deadline = time.time() + seconds
    while time.time() < deadline:
        time.sleep(0.5)


if __name__ == "__main__":
    seconds = float(sys.argv[sys.argv.index("--seconds") + 1]) if "--seconds" in sys.argv else 120
    sleeps_until_killed(seconds)
