"""--mode wall samples every thread on every tick; --mode cpu only threads on a CPU.

workloads/busy_and_sleeping_threads.py: thread "busy" never leaves the CPU, thread
"sleeper" and the main thread sleep.
"""

import pytest

from conftest import Profiler, Workload, parse_collapsed

# Accuracy measured against the clock: run alone, never beside another test (Makefile).
pytestmark = pytest.mark.timing

RATE = 200


@pytest.fixture(scope="module")
def recordings(python, profiler_binary, tmp_path_factory):
    """One workload recorded for a second in each mode: {mode: (workload, run, profile)}."""
    folder = tmp_path_factory.mktemp("modes")
    profiler = Profiler(profiler_binary)
    found = {}
    with Workload(python, "busy_and_sleeping_threads.py") as workload:
        try:
            for mode in ("wall", "cpu"):
                output = folder / ("%s.txt" % mode)
                run = profiler.run("--mode", mode, "-r", RATE, "-d", "1", "-o", output,
                                   "--pid", workload.pid)
                assert run.returncode == 0, run.describe()
                found[mode] = (run, parse_collapsed(output.read_bytes()))
        finally:
            profiler.kill_all()
    return workload, found


def samples_per_thread(workload, profile):
    return {name: sum(s.count for s in profile.of_thread(tid)) for name, tid in workload.threads}


def test_cpu_mode_samples_the_busy_thread_and_almost_never_the_sleeping_ones(recordings):
    """The sleepers wake every 2 s and are runnable for a moment (longer while they wait
    for a CPU on a loaded machine): a few samples, never a tenth of the busy thread's."""
    workload, found = recordings
    run, profile = found["cpu"]
    counts = samples_per_thread(workload, profile)
    assert counts["busy"] >= 0.25 * RATE, "%s\n%s" % (counts, run.describe())
    for sleeper in ("sleeper", "MainThread"):
        assert counts[sleeper] <= 0.1 * counts["busy"], counts
    assert profile.samples_containing("spins_on_the_cpu") == counts["busy"]


def test_wall_mode_samples_every_thread_on_every_tick(recordings):
    workload, found = recordings
    run, profile = found["wall"]
    counts = samples_per_thread(workload, profile)
    assert counts["busy"] >= 0.25 * RATE, "%s\n%s" % (counts, run.describe())
    for sleeper in ("sleeper", "MainThread"):
        assert counts[sleeper] >= 0.8 * counts["busy"], counts
    assert profile.samples_containing("sleeps_off_the_cpu") == counts["sleeper"]


def test_cpu_mode_under_blocking_samples_the_busy_thread(any_python, profiler, tmp_path):
    """--blocking stops every thread while it is read: a thread stopped outside a system
    call was running, so --mode cpu keeps it (this recorded nothing before 2026-11-30).
    The sampler logic is the same on every version: one interpreter."""
    output = tmp_path / "cpu-blocking.txt"
    with Workload(any_python, "busy_and_sleeping_threads.py") as workload:
        run = profiler.run("--mode", "cpu", "--blocking", "-r", RATE, "-d", "1", "-o", output,
                           "--pid", workload.pid)
    assert run.returncode == 0, run.describe()
    counts = samples_per_thread(workload, parse_collapsed(output.read_bytes()))
    assert counts["busy"] >= 0.25 * RATE, "%s\n%s" % (counts, run.describe())
    for sleeper in ("sleeper", "MainThread"):
        assert counts[sleeper] <= 0.1 * counts["busy"], counts
