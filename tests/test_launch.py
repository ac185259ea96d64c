"""A command launched with `--` is sampled with everything an attach would see, from its
first ticks: on 3.12+ the interpreter exists a moment before its GIL, and a profiler
that launched the command often finds it in between (a third of launches here)."""
import json

from conftest import Profiler

# Two threads that keep the GIL busy for a second, then exit.
CPU_BOUND = """
import threading, time
def burn():
    end = time.monotonic() + 1.0
    while time.monotonic() < end:
        pass
threads = [threading.Thread(target=burn) for _ in range(2)]
for t in threads: t.start()
for t in threads: t.join()
"""


def test_a_launched_command_has_its_gil_holder_from_the_start(python, profiler_binary,
                                                               tmp_path):
    raw = tmp_path / "launched.pcp"
    profiler = Profiler(profiler_binary)
    run = profiler.run("-r", 200, "-o", raw, "--", python.path, "-c", CPU_BOUND, timeout=30)
    assert run.returncode == 0, run.describe()
    report = profiler.run("report", raw, "--contention", "--json")
    assert report.returncode == 0, report.describe()
    gil = json.loads(report.stdout)["gil"]
    # Some thread holds the GIL at nearly every tick of this run; a GIL found late (after
    # 256 ticks, 1.3 s) left the holder unknown for most of it.
    assert gil["held_percent"] >= 75, "%s\n%s" % (gil, run.describe())
