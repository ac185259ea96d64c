"""Samples are proportional to CPU time: a 70/30 split of work is measured as 70/30.

workloads/cpu_split_70_30.py calls two functions that do the same unit of work, 7 and 3
times a round. Of the samples whose stack contains either, 70% (within 5 points) must
contain the first.

The statistics assume the workload has a CPU to itself: on a machine busy with other work,
the workload sits preempted for milliseconds at a time, every sample taken meanwhile sees
the same frozen stack, and the split gets as noisy as a much shorter recording.
"""

import pytest

import os
import time

from conftest import Profiler, Workload, cpu_ticks, parse_collapsed

# Accuracy measured against the clock: run alone, never beside another test (Makefile).
pytestmark = pytest.mark.timing

SCRIPT = "cpu_split_70_30.py"
RATE = 500
SECONDS = 3
SEVEN = "called_seven_times_per_round"
THREE = "called_three_times_per_round"


def assert_split_is_70_30(profile, run, cpu_share=""):
    seven, three = profile.samples_containing(SEVEN), profile.samples_containing(THREE)
    measured = seven + three
    assert measured >= 300, "too few samples to measure a split: %d and %d\n%s" % (
        seven, three, run.describe())
    share = 100.0 * seven / measured
    assert 65 <= share <= 75, "%s has %.1f%% of %d samples (%d vs %d), expected 70 +- 5%s\n%s" % (
        SEVEN, share, measured, seven, three, cpu_share, run.describe())


@pytest.fixture(scope="module")
def attached(python, profiler_binary, tmp_path_factory):
    output = tmp_path_factory.mktemp("cpu_split") / "split.folded"
    profiler = Profiler(profiler_binary)
    with Workload(python, SCRIPT) as workload:
        ticks_before, started = cpu_ticks(workload.pid), time.monotonic()
        try:
            run = profiler.run("-r", RATE, "-d", SECONDS, "-o", output, "--pid", workload.pid,
                               timeout=SECONDS + 20)
        finally:
            profiler.kill_all()
        used = (cpu_ticks(workload.pid) - ticks_before) / os.sysconf("SC_CLK_TCK")
        cpu_share = "\n(the workload had %.0f%% of a CPU)" % (
            100 * used / (time.monotonic() - started))
    assert run.returncode == 0, run.describe()
    return workload, run, parse_collapsed(output.read_bytes()), cpu_share


def test_cpu_split_70_30_when_attached(attached):
    workload, run, profile, cpu_share = attached
    assert_split_is_70_30(profile, run, cpu_share)


def test_attached_recording_honours_rate_and_duration(attached):
    workload, run, profile, cpu_share = attached
    summary = run.summary()
    ticks = summary["samples"] + summary["missed"] + summary["torn"]
    expected = RATE * SECONDS
    assert 0.7 * expected <= ticks <= 1.15 * expected, \
        "%d ticks at -r %d -d %d, expected about %d\n%s" % (ticks, RATE, SECONDS, expected,
                                                            run.describe())
    assert SECONDS - 0.2 <= run.elapsed <= SECONDS + 5, run.describe()


def test_collapsed_counts_add_up_to_the_samples_reported(attached):
    """One thread, so each sample is one stack: the counts in the file sum to the
    `N samples` of the summary line."""
    workload, run, profile, cpu_share = attached
    assert profile.total == run.summary()["samples"], run.describe()
    assert profile.roots() == set(workload.threads)


def test_cpu_split_70_30_when_wrapping(python, profiler, tmp_path):
    output = tmp_path / "split.collapsed"
    run = profiler.run("-r", RATE, "-o", output, "--", python.path, Workload.path_of(SCRIPT),
                       "--seconds", SECONDS, timeout=SECONDS + 20)
    assert run.returncode == 0, run.describe()
    assert_split_is_70_30(parse_collapsed(output.read_bytes()), run)
