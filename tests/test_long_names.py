"""Strings longer than their cap (README, "Reliability"): a 3,000-character function name
and thread name are cut, marked "..." where the user sees them, and counted in the
summary line, on every interpreter."""
from conftest import parse_collapsed

CODE_NAME_CAP = 1024
THREAD_NAME_CAP = 256


def test_names_over_the_cap_are_cut_marked_and_counted(python, profiler, start_workload,
                                                       tmp_path):
    workload = start_workload(python, "long_names.py")
    output = tmp_path / "long.txt"
    run = profiler.run("record", "--pid", workload.pid, "-d", 1, "-o", output)
    assert run.returncode == 0, run.describe()
    assert " strings cut at their length cap" in run.stderr, run.describe()
    profile = parse_collapsed(output.read_bytes())
    busy = [f.qualname for s in profile.stacks for f in s.frames
            if f.qualname.startswith("busy_xxx")]
    assert busy, "the long-named function was never sampled\n" + run.describe()
    for name in busy:
        assert name.endswith("...") and len(name) <= CODE_NAME_CAP + 3, name[-40:]
        assert len(name) > CODE_NAME_CAP // 2, "cut far below the cap: %d" % len(name)
    for stack in profile.stacks:
        assert stack.thread_name.endswith("...") and len(stack.thread_name) <= THREAD_NAME_CAP + 3
        assert stack.thread_name.startswith("TTTT")
