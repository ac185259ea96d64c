"""Stopping the profiler: SIGINT and SIGTERM end a recording with complete output and
exit 0; SIGKILL, even in the middle of a --blocking pause, leaves the target running."""

import signal
import time

import pytest

from conftest import assert_running_freely, parse_collapsed, parse_svg_titles, shown_name
from test_named_threads import PARKED_IN, SCRIPT, assert_each_thread_is_parked_where_it_is

RECORD_BEFORE_SIGNAL = 1.0  # seconds


def interrupt(profiler, workload, signal_number, *options):
    """Records workload without -d, then sends the signal; returns the finished run."""
    running = profiler.start("--mode", "wall", *options, "--pid", workload.pid)
    time.sleep(RECORD_BEFORE_SIGNAL)
    assert running.process.poll() is None, running.finish(timeout=1).describe()
    running.process.send_signal(signal_number)
    run = running.finish(timeout=15)
    assert run.returncode == 0, run.describe()
    run.summary()
    return run


def assert_svg_shows_every_thread_and_parking_function(python, data, workload):
    titles = parse_svg_titles(data)
    for name, tid in workload.threads:
        function = shown_name(python, PARKED_IN[name])
        assert any(function in title for title in titles), "no <title> shows %s" % function
        assert any(name in title for title in titles), "no <title> shows thread %s" % name


def test_sigint_ends_recording_with_complete_collapsed_output(python, profiler, start_workload,
                                                             tmp_path):
    workload = start_workload(python, SCRIPT)
    output = tmp_path / "interrupted.txt"
    interrupt(profiler, workload, signal.SIGINT, "-o", output)
    profile = parse_collapsed(output.read_bytes())
    assert profile.roots() == set(workload.threads)
    assert_each_thread_is_parked_where_it_is(python, profile, workload)


def test_sigint_ends_recording_with_a_complete_svg(python, profiler, start_workload, tmp_path):
    workload = start_workload(python, SCRIPT)
    output = tmp_path / "interrupted.svg"
    interrupt(profiler, workload, signal.SIGINT, "-o", output)
    assert_svg_shows_every_thread_and_parking_function(python, output.read_bytes(), workload)


def test_sigterm_ends_recording_to_stdout_with_complete_output(
        any_python, profiler, start_workload):
    workload = start_workload(any_python, SCRIPT)
    run = interrupt(profiler, workload, signal.SIGTERM)
    profile = parse_collapsed(run.stdout)
    assert profile.roots() == set(workload.threads)
    assert_each_thread_is_parked_where_it_is(any_python, profile, workload)


def test_sigterm_ends_recording_with_a_complete_svg(any_python, profiler, start_workload,
                                                    tmp_path):
    workload = start_workload(any_python, SCRIPT)
    output = tmp_path / "terminated.svg"
    interrupt(profiler, workload, signal.SIGTERM, "-o", output)
    assert_svg_shows_every_thread_and_parking_function(any_python, output.read_bytes(),
                                                       workload)


@pytest.mark.parametrize("blocking, kills", [([], [0.7]), (["--blocking"], [0.3, 0.45, 0.6])],
                         ids=["sampling", "blocking"])
def test_sigkill_of_the_profiler_leaves_the_target_running(
        python, profiler, start_workload, tmp_path, blocking, kills):
    """At 1000 Hz with --blocking the target spends much of its time paused; killing the
    profiler at a few different moments must never leave it stopped."""
    workload = start_workload(python, "busy_and_sleeping_threads.py")
    for number, delay in enumerate(kills):
        running = profiler.start("-r", "1000", *blocking, "-o", tmp_path / ("%d.txt" % number),
                                 "--pid", workload.pid)
        time.sleep(delay)
        assert running.process.poll() is None, running.finish(timeout=1).describe()
        running.kill()
        assert_running_freely(workload.pid)
