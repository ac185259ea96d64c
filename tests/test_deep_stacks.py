"""Deep stacks come out whole: every frame, in order, with the right lines.

workloads/deep_recursion.py recurses --depth frames and parks in a leaf. Stacks up to
4096 frames are complete; past that the outermost frames may give way to one
`[truncated]` frame, never the innermost ones.
"""

import json

import pytest

from conftest import Profiler, TRUNCATED, Workload, marker_line, parse_collapsed

SCRIPT = "deep_recursion.py"


def expected_stack(script_path, depth):
    """(qualname, file, line) of the main thread, outermost first."""
    def at(name, marker):
        return (name, script_path, marker_line(SCRIPT, marker))
    return ([at("<module>", "calls main"), at("main", "calls recurse")]
            + [at("recurse", "recurses")] * (depth - 1)
            + [at("recurse", "calls the leaf"), at("parked_in_the_leaf", "parked")])


def as_tuples(frames):
    return [(f.qualname, f.file, f.line) for f in frames]


def first_difference(got, wanted):
    for index, (a, b) in enumerate(zip(got, wanted)):
        if a != b:
            return "first difference at frame %d (outermost is 0): got %s, expected %s" % (
                index, a, b)
    return "lengths differ: got %d frames, expected %d" % (len(got), len(wanted))


def assert_complete_stack(profile, workload, depth):
    stack = profile.dominant_stack(workload.tid("MainThread"))
    got, wanted = as_tuples(stack.frames), expected_stack(workload.script, depth)
    assert got == wanted, first_difference(got, wanted)


def record_attached(python, profiler_binary, output, depth):
    profiler = Profiler(profiler_binary)
    with Workload(python, SCRIPT, "--depth", depth) as workload:
        try:
            run = profiler.run("--mode", "wall", "-d", "1", "-o", output, "--pid", workload.pid,
                               timeout=40)
            dump = profiler.run("dump", "--json", "--pid", workload.pid, timeout=30)
        finally:
            profiler.kill_all()
    assert run.returncode == 0, run.describe()
    return workload, run, parse_collapsed(output.read_bytes()), dump


@pytest.fixture(scope="module", params=[500, 1200], ids=lambda depth: "depth%d" % depth)
def attached(request, python, profiler_binary, tmp_path_factory):
    output = tmp_path_factory.mktemp("deep") / "deep.txt"
    return (request.param,) + record_attached(python, profiler_binary, output, request.param)


def test_every_recursive_frame_is_in_the_stack_on_its_line(attached):
    depth, workload, run, profile, dump = attached
    assert_complete_stack(profile, workload, depth)


def test_stacks_under_4096_frames_are_never_truncated(attached):
    depth, workload, run, profile, dump = attached
    truncated = [s for s in profile.stacks if TRUNCATED in s.frames]
    assert not truncated, "%d stacks truncated at depth %d" % (len(truncated), depth)


def test_dump_json_shows_the_whole_deep_stack_innermost_first(attached):
    depth, workload, run, profile, dump = attached
    assert dump.returncode == 0, dump.describe()
    threads = json.loads(dump.stdout.decode("utf-8"))["threads"]
    main = [t for t in threads if t["tid"] == workload.tid("MainThread")]
    assert main, "no main thread in dump: %s" % [(t["name"], t["tid"]) for t in threads]
    got = [(f["name"], f["file"], f["line"]) for f in main[0]["frames"]]
    wanted = expected_stack(workload.script, depth)[::-1]
    assert got == wanted, first_difference(got, wanted)


def test_deep_stack_of_a_wrapped_command_is_complete(python, profiler, tmp_path):
    output = tmp_path / "deep.txt"
    run = profiler.run("--mode", "wall", "-o", output, "--", python.path, Workload.path_of(SCRIPT),
                       "--depth", "500", "--seconds", "1.5", timeout=40)
    assert run.returncode == 0, run.describe()
    workload = Workload.from_output(python, SCRIPT, run.stdout)
    assert_complete_stack(parse_collapsed(output.read_bytes()), workload, 500)


def test_stacks_past_4096_frames_keep_their_innermost_frames(python, profiler_binary, tmp_path):
    """At depth 5000 a stack is either complete, or `[truncated]` followed by the
    innermost frames (at least 4000 of them, at most 4096) exactly as they are."""
    depth = 5000
    workload, run, profile, dump = record_attached(python, profiler_binary,
                                                   tmp_path / "deeper.txt", depth)
    stack = profile.dominant_stack(workload.tid("MainThread"))
    wanted = expected_stack(workload.script, depth)
    got = as_tuples(stack.frames)
    if stack.frames[0] != TRUNCATED:
        assert got == wanted, first_difference(got, wanted)
        return
    kept = got[1:]
    assert 4000 <= len(kept) <= 4096, "%d frames kept after [truncated]" % len(kept)
    assert kept == wanted[-len(kept):], first_difference(kept, wanted[-len(kept):])
