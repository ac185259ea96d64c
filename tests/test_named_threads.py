"""Every thread shows up under its own name and native tid, in the function it is in.

workloads/named_threads.py parks four threads (one named in Cyrillic with an ß) in four
functions: a plain function, a method and a closure, so qualified names show on 3.11+.
"""

import pytest

from conftest import Profiler, Workload, marker_line, parse_collapsed, shown_name

SCRIPT = "named_threads.py"

# thread name -> the function it is parked in, by co_qualname
PARKED_IN = {
    "MainThread": "main",
    "worker-alpha": "alpha_waits_on_event",
    "worker-beta": "Beta.sleeps_in_a_method",
    "работник-ß": "make_gamma.<locals>.gamma_sleeps_in_a_closure",
}


def parking_frame(python, workload, thread_name):
    """The frame each thread must be in: its function, the script's absolute path, and the
    line marked `# parked: NAME`."""
    return (shown_name(python, PARKED_IN[thread_name]), workload.script,
            marker_line(SCRIPT, "parked: " + thread_name))


def assert_each_thread_is_parked_where_it_is(python, profile, workload):
    for name, tid in workload.threads:
        samples = profile.of_thread(tid)
        total = sum(s.count for s in samples)
        assert total > 0, "no samples of thread %s (%d); roots: %s" % (name, tid, profile.roots())
        wanted = parking_frame(python, workload, name)
        parked = sum(s.count for s in samples
                     if any((f.qualname, f.file, f.line) == wanted for f in s.frames))
        assert parked >= 0.9 * total, (
            "thread %s: only %d of %d samples are in %s (%s:%d); its most common stack:\n  %s"
            % (name, parked, total, wanted[0], wanted[1], wanted[2],
               "\n  ".join(map(str, profile.dominant_stack(tid).frames))))


@pytest.fixture(scope="module")
def attached(python, profiler_binary):
    """One 1-second wall-clock recording of named_threads.py, collapsed on stdout (no -o)."""
    profiler = Profiler(profiler_binary)
    with Workload(python, SCRIPT) as workload:
        try:
            run = profiler.run("record", "--mode", "wall", "-d", "1", "--pid", workload.pid)
        finally:
            profiler.kill_all()
    assert run.returncode == 0, run.describe()
    return workload, run, parse_collapsed(run.stdout)


def test_every_thread_is_a_root_with_its_name_and_native_tid(attached):
    workload, run, profile = attached
    assert profile.roots() == set(workload.threads), run.describe()


def test_every_thread_is_sampled_in_its_parking_function_on_the_parked_line(python, attached):
    workload, run, profile = attached
    assert_each_thread_is_parked_where_it_is(python, profile, workload)


def test_main_thread_stack_starts_at_the_module(python, attached):
    workload, run, profile = attached
    outermost = profile.dominant_stack(workload.tid("MainThread")).frames[0]
    assert (outermost.qualname, outermost.file) == ("<module>", workload.script)


def test_worker_stacks_start_in_the_threading_bootstrap(python, attached):
    workload, run, profile = attached
    for name, tid in workload.threads[1:]:
        outermost = profile.dominant_stack(tid).frames[0]
        assert outermost.qualname == shown_name(python, "Thread._bootstrap"), name
        assert outermost.file.endswith("/threading.py"), name


def test_recording_ends_with_the_summary_line(attached):
    workload, run, profile = attached
    summary = run.summary()
    assert summary["samples"] > 0
    assert profile.total > 0


def test_wrapped_command_shows_its_named_threads(python, profiler, tmp_path):
    output = tmp_path / "threads.txt"
    run = profiler.run("--mode", "wall", "-o", output,
                       "--", python.path, Workload.path_of(SCRIPT), "--seconds", "1.5")
    assert run.returncode == 0, run.describe()
    workload = Workload.from_output(python, SCRIPT, run.stdout)
    profile = parse_collapsed(output.read_bytes())
    assert set(workload.threads) <= profile.roots(), run.describe()
    tids = {tid for _, tid in workload.threads}
    strangers = {root for root in profile.roots() if root[1] not in tids}
    assert not strangers, "threads the workload does not have: %s" % strangers


def test_blocking_recording_sees_the_same_parked_threads(python, profiler, start_workload,
                                                         tmp_path):
    """--blocking pauses the target for each sample; what it records is the same."""
    workload = start_workload(python, SCRIPT)
    output = tmp_path / "blocking.txt"
    run = profiler.run("--blocking", "--mode", "wall", "-d", "1", "-o", output,
                       "--pid", workload.pid)
    assert run.returncode == 0, run.describe()
    profile = parse_collapsed(output.read_bytes())
    assert profile.roots() == set(workload.threads), run.describe()
    assert_each_thread_is_parked_where_it_is(python, profile, workload)
