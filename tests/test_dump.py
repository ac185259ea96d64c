"""`dump` takes one snapshot of every thread, as JSON or as a traceback, and tells the truth.

The truth is workloads/named_threads.py: four named threads, each parked on a marked line
of its own function; and workloads/busy_and_sleeping_threads.py for who holds the GIL.
"""

import json
import re

import pytest

from conftest import (Profiler, Workload, assert_running_freely, marker_line,
                      parse_text_dump, shown_name)
from test_named_threads import PARKED_IN, SCRIPT


@pytest.fixture(scope="module")
def parked(python, profiler_binary):
    """named_threads.py, dumped once as JSON and once as text while it stays parked."""
    profiler = Profiler(profiler_binary)
    with Workload(python, SCRIPT) as workload:
        try:
            as_json = profiler.run("dump", "--json", "--pid", workload.pid)
            as_text = profiler.run("dump", "--pid", workload.pid)
        finally:
            profiler.kill_all()
    for run in (as_json, as_text):
        assert run.returncode == 0, run.describe()
    try:
        snapshot = json.loads(as_json.stdout.decode("utf-8"))
    except ValueError as error:
        pytest.fail("dump --json printed no JSON (%s): %r" % (error, as_json.stdout[:500]))
    return workload, snapshot, as_text.stdout.decode("utf-8")


def parked_where(python, workload, name):
    return (shown_name(python, PARKED_IN[name]), workload.script,
            marker_line(SCRIPT, "parked: " + name))


def test_dump_json_names_the_process_and_its_python_version(parked):
    workload, snapshot, text = parked
    assert snapshot["pid"] == workload.pid
    assert re.match(r"^%s(?:[abc+].*)?$" % re.escape(workload.info["python"]),
                    snapshot["python_version"]), snapshot["python_version"]


def test_dump_json_lists_every_thread_by_name_and_native_tid(parked):
    workload, snapshot, text = parked
    assert {(t["name"], t["tid"]) for t in snapshot["threads"]} == set(workload.threads)


def test_dump_json_shows_each_thread_in_its_parking_function_innermost_first(python, parked):
    workload, snapshot, text = parked
    for thread in snapshot["threads"]:
        frames = [(f["name"], f["file"], f["line"]) for f in thread["frames"]]
        in_script = [frame for frame in frames if frame[1] == workload.script]
        assert in_script, "%s has no frame in %s: %s" % (thread["name"], SCRIPT, frames)
        # the innermost frame of the script is where the thread is parked
        assert in_script[0] == parked_where(python, workload, thread["name"]), frames


def test_dump_json_ends_each_stack_at_its_outermost_frame(python, parked):
    workload, snapshot, text = parked
    for thread in snapshot["threads"]:
        outermost = thread["frames"][-1]
        if thread["name"] == "MainThread":
            assert (outermost["name"], outermost["file"]) == ("<module>", workload.script)
        else:
            assert outermost["name"] == shown_name(python, "Thread._bootstrap"), thread
            assert outermost["file"].endswith("/threading.py"), thread


def test_dump_json_says_no_sleeping_thread_holds_the_gil(parked):
    workload, snapshot, text = parked
    assert [t["holds_gil"] for t in snapshot["threads"]] == [False] * len(workload.threads)


def header_of(blocks, name, tid):
    """The one header line naming this thread and its tid."""
    headers = [b.header for b in blocks if name in b.header and re.search(r"\b%d\b" % tid,
                                                                          b.header)]
    assert len(headers) == 1, "no single header for %s (%d) among %s" % (
        name, tid, [b.header for b in blocks])
    return headers[0]


def test_dump_text_has_a_header_per_thread_naming_it_and_its_tid(parked):
    workload, snapshot, text = parked
    blocks = parse_text_dump(text)
    with_frames = [b for b in blocks if b.frames]
    assert len(with_frames) == len(workload.threads), text
    for name, tid in workload.threads:
        assert header_of(with_frames, name, tid)


def test_dump_text_reads_like_a_traceback_innermost_last_with_source(python, parked):
    workload, snapshot, text = parked
    for thread in [b for b in parse_text_dump(text) if b.frames]:
        names = [n for n, tid in workload.threads if n in thread.header]
        assert len(names) == 1, "header names no single thread: %r" % thread.header
        name = names[0]
        in_script = [f for f in thread.frames if f.file == workload.script]
        assert in_script, thread
        # innermost last: the last frame of the script is the parking one
        innermost = in_script[-1]
        assert (innermost.name, innermost.file, innermost.line) == \
            parked_where(python, workload, name), thread
        assert innermost.source is not None and "parked: " + name in innermost.source, thread
        # ... and the outermost frame comes first
        first = thread.frames[0]
        if name == "MainThread":
            assert (first.name, first.file) == ("<module>", workload.script), thread
        else:
            assert first.file.endswith("/threading.py"), thread
        # every frame whose file is readable has its source line
        missing = [f for f in thread.frames if f.source is None]
        assert not missing, "frames without their source line: %s" % missing


def test_dump_leaves_a_busy_target_running(python, profiler, start_workload):
    workload = start_workload(python, "busy_and_sleeping_threads.py")
    for _ in range(3):
        run = profiler.run("dump", "--pid", workload.pid)
        assert run.returncode == 0, run.describe()
    assert_running_freely(workload.pid)


def test_dump_json_says_the_busy_thread_holds_the_gil(python, profiler, start_workload):
    """A thread that never sleeps holds the GIL nearly always; a sleeping one (almost)
    never does. Five snapshots: the busy one holds it in at least one, the others in none."""
    workload = start_workload(python, "busy_and_sleeping_threads.py")
    holders = []
    for _ in range(5):
        run = profiler.run("dump", "--json", "--pid", workload.pid)
        assert run.returncode == 0, run.describe()
        snapshot = json.loads(run.stdout.decode("utf-8"))
        holders.append(sorted(t["name"] for t in snapshot["threads"] if t["holds_gil"] is True))
        assert all(isinstance(t["holds_gil"], bool) for t in snapshot["threads"]), snapshot
    assert any(h == ["busy"] for h in holders), "GIL holders in 5 dumps: %s" % holders
    assert all(h in ([], ["busy"]) for h in holders), "GIL holders in 5 dumps: %s" % holders


def test_dump_text_header_says_whether_the_thread_holds_the_gil(python, profiler, start_workload):
    """The busy thread's header mentions the GIL when it holds it, and reads differently
    from the sleeper's, which does not."""
    workload = start_workload(python, "busy_and_sleeping_threads.py")
    seen = []
    for _ in range(5):
        run = profiler.run("dump", "--pid", workload.pid)
        assert run.returncode == 0, run.describe()
        blocks = parse_text_dump(run.stdout.decode("utf-8"))
        busy, sleeper = (header_of(blocks, name, workload.tid(name))
                         for name in ("busy", "sleeper"))
        seen.append((busy, sleeper))
        anonymous = [h.replace(name, "NAME").replace(str(workload.tid(name)), "TID")
                     for h, name in ((busy, "busy"), (sleeper, "sleeper"))]
        if "gil" in busy.lower() and anonymous[0] != anonymous[1]:
            return
    pytest.fail("in 5 dumps the busy thread's header never said it holds the GIL apart from "
                "the sleeper's: %s" % seen)
