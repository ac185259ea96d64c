"""Run by process_tree.py through subprocess.run (and by a shell in test_subprocesses.py):
0.3 s (or argv[1] seconds) of CPU in script_work."""
import sys
import time


def script_work(seconds):
    end = time.time() + seconds
    n = 0
    while time.time() < end:
        n += 1
    return n


if __name__ == "__main__":
    script_work(float(sys.argv[1]) if len(sys.argv) > 1 else 0.3)
