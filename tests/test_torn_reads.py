"""The profiler reads a target that keeps running: a frame may be popped, or a code object
freed, in the middle of a read. Such a sample must be dropped (and counted as a torn read),
never printed: every frame in the output is one the target really ran.

Two workloads make torn reads likely: interpreter start-up with its burst of imports
(workloads/imports_many_modules.py, wrapped six times) and a loop that compiles, calls and
drops fresh functions (workloads/churns_code_objects.py). The check itself is
conftest.unreal_frames: files that do not exist, lines past the end of a file, internal
C-entry frames.
"""

from conftest import Workload, parse_collapsed, unreal_frames

STARTUPS = 6


def test_frames_during_startup_are_real_or_dropped(python, profiler, tmp_path):
    unreal = []
    sampled = 0
    for number in range(STARTUPS):
        output = tmp_path / ("startup-%d.txt" % number)
        run = profiler.run("-r", "5000", "-o", output,
                           "--", python.path, Workload.path_of("imports_many_modules.py"))
        if run.returncode == 2 and "exited before a CPython runtime was found" in run.stderr:
            continue  # the 0.1 s command outran a loaded machine (an ASan run): nothing read
        assert run.returncode == 0, run.describe()
        sampled += 1
        unreal += unreal_frames(parse_collapsed(output.read_bytes()))
    assert sampled >= STARTUPS // 2, "only %d of %d start-ups were sampled" % (sampled, STARTUPS)
    assert not unreal, "frames the target never ran, in %d wrapped start-ups:\n  %s" % (
        STARTUPS, "\n  ".join(sorted(set(unreal))))


def test_frames_of_short_lived_code_are_real_or_dropped(python, profiler, start_workload,
                                                        tmp_path):
    workload = start_workload(python, "churns_code_objects.py")
    output = tmp_path / "churn.txt"
    run = profiler.run("-r", "2000", "-d", "1", "-o", output, "--pid", workload.pid)
    assert run.returncode == 0, run.describe()
    profile = parse_collapsed(output.read_bytes())
    assert profile.samples_containing("compiles_and_calls_a_fresh_function") > 0, run.describe()
    assert not unreal_frames(profile), "frames the target never ran:\n  %s\n%s" % (
        "\n  ".join(unreal_frames(profile)), run.describe())
