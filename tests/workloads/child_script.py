"""Run by process_tree.py through subprocess.run: 0.3 s of CPU in script_work."""
import time


def script_work(seconds):
    end = time.time() + seconds
    n = 0
    while time.time() < end:
        n += 1
    return n


if __name__ == "__main__":
    script_work(0.3)
