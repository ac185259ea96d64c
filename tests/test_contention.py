"""The contention report: what threads wait for, on every interpreter.
A lock convoy shows as lock-wait at the line that takes the lock; four CPU-bound threads
show a GIL held nearly all the time with each thread mostly waiting for it."""
import json
import os

import pytest

from conftest import Profiler, Workload, marker_line

# Accuracy measured against the clock: run alone, never beside another test (Makefile).
pytestmark = pytest.mark.timing


def contention(python, profiler_binary, tmp_path, script):
    raw = tmp_path / "run.pcp"
    profiler = Profiler(profiler_binary)
    with Workload(python, script) as workload:
        try:
            run = profiler.run("-r", 200, "-d", 2, "--pid", workload.pid, "-o", raw,
                               "--contention", timeout=30)
            assert run.returncode == 0, run.describe()
            assert b"contention report" in run.stdout, run.describe()
            report = profiler.run("report", raw, "--contention", "--json")
            assert report.returncode == 0, report.describe()
        finally:
            profiler.kill_all()
    return json.loads(report.stdout), workload


def test_a_lock_convoy_is_lock_wait_at_the_line_taking_the_lock(python, profiler_binary,
                                                                 tmp_path):
    report, _ = contention(python, profiler_binary, tmp_path, "lock_convoy.py")
    convoy = [t for t in report["threads"] if t["name"].startswith("convoy-")]
    assert len(convoy) == 8, report["threads"]
    waiting = sum(t["states"]["lock-wait"] * t["samples"] for t in convoy) / \
        sum(t["samples"] for t in convoy)
    assert waiting >= 80, convoy  # 7 of 8 threads wait at any moment
    top = report["lock_wait_sites"][0]
    assert top["name"].endswith("takes_the_lock"), report["lock_wait_sites"]
    assert top["line"] == marker_line("lock_convoy.py", "CONVOY"), top
    assert len(top["threads"]) == 8, top
    # the holder is found on the stacks (a Lock records none): always another convoy thread
    assert top["holder_known_samples"] >= 0.8 * top["samples"], top
    tids = {t["tid"] for t in convoy}
    assert top["holders"] and all(h["tid"] in tids for h in top["holders"]), top
    # ... and while the others wait, the holder sleeps in critical_section()
    critical = top["critical_section"]
    assert critical["name"] == "critical_section" and critical["percent"] >= 80, critical
    assert any("lock convoy" in line and "takes_the_lock" in line and
               "its holder is in critical_section" in line for line in report["advice"]), \
        report["advice"]


def test_cpu_bound_threads_fight_over_the_gil(python, profiler_binary, tmp_path):
    report, _ = contention(python, profiler_binary, tmp_path, "four_cpu_threads.py")
    assert report["gil"]["held_percent"] >= 90, report["gil"]
    assert report["gil"]["waited_percent"] >= 80, report["gil"]
    workers = [t for t in report["threads"] if t["name"].startswith("cpu-")]
    assert len(workers) == 4
    for thread in workers:
        assert thread["states"]["gil-wait"] >= 40, thread
    assert report["gil_holders"][0]["name"].endswith("burns_cpu"), report["gil_holders"]
    assert any("waiting for the GIL" in line for line in report["advice"]), report["advice"]


def loop_report(python, profiler_binary, tmp_path, *args, record_args=(), seconds=2.6):
    raw = tmp_path / "loop.pcp"
    profiler = Profiler(profiler_binary)
    with Workload(python, "blocked_event_loop.py", *args) as workload:
        try:
            run = profiler.run("-r", 200, "-d", seconds, "--pid", workload.pid, "-o", raw,
                               *record_args, timeout=30)
            assert run.returncode == 0, run.describe()
            report = profiler.run("report", raw, "--contention", "--json")
            assert report.returncode == 0, report.describe()
        finally:
            profiler.kill_all()
    return json.loads(report.stdout)


def test_a_blocked_event_loop_is_found_naming_the_blocker_and_its_task(python, profiler_binary,
                                                                        tmp_path):
    # Recorded with --group task: the blocked stretch also names the task holding the loop
    # (the loop's own frames are not kept above a running task; the healthy test below
    # covers loops recognised by BaseEventLoop._run_once on the stack).
    report = loop_report(python, profiler_binary, tmp_path, record_args=("--group", "task"))
    stretches = report["blocked_loop"]
    assert 2 <= len(stretches) <= 4, stretches  # one a second for 2.6 s
    for stretch in stretches:
        # each block lasts 300 ms; sampled at 200 Hz, a tick overrun under load (the
        # sanitizer build, two tests at a time) shortens the stretch seen by a few ticks
        assert 180 <= stretch["duration_ms"] <= 380, stretch
        assert stretch["name"] == "blocker", stretch
        assert stretch["line"] == marker_line("blocked_event_loop.py", "BLOCKS"), stretch
        assert stretch["task"] == "handler", stretch
    assert report["loops"] and 15 <= report["loops"][0]["blocked_percent"] <= 45, report["loops"]
    assert any("blocker" in line and "event loop" in line for line in report["advice"]), \
        report["advice"]


def test_a_healthy_event_loop_is_never_blocked(python, profiler_binary, tmp_path):
    report = loop_report(python, profiler_binary, tmp_path, "--healthy", seconds=2)
    assert report["loops"], "the loop thread was not recognised"
    assert report["blocked_loop"] == [], report["blocked_loop"]
    assert not any("event loop" in line for line in report["advice"]), report["advice"]


def trends_report(python, profiler_binary, tmp_path, script, *args, seconds=3, record_args=()):
    raw = tmp_path / "trends.pcp"
    profiler = Profiler(profiler_binary)
    with Workload(python, script, *args) as workload:
        try:
            run = profiler.run("-r", 50, "-d", seconds, "--pid", workload.pid, "-o", raw,
                               *record_args, timeout=30)
            assert run.returncode == 0, run.describe()
            report = profiler.run("report", raw, "--contention", "--json", "--stuck-s", "1")
            assert report.returncode == 0, report.describe()
        finally:
            profiler.kill_all()
    return json.loads(report.stdout)


def test_leaking_threads_and_tasks_are_found_growing(python, profiler_binary, tmp_path):
    report = trends_report(python, profiler_binary, tmp_path, "leaks_threads.py",
                           record_args=("--group", "task"))
    count = report["thread_count"]
    assert count["growing"], count
    assert count["end"] - count["start"] >= 3, count
    assert count["per_minute"] > 30, count  # two a second: about 120 a minute
    assert any("thread count grew" in line for line in report["advice"]), report["advice"]
    tasks = report["task_count"]  # twenty a second: about 1,200 a minute
    assert tasks["growing"] and tasks["end"] - tasks["start"] >= 30, tasks
    assert 600 <= tasks["per_minute"] <= 1800, tasks
    assert any("task count grew" in line for line in report["advice"]), report["advice"]


def test_a_steady_pool_is_never_flagged(python, profiler_binary, tmp_path):
    report = trends_report(python, profiler_binary, tmp_path, "leaks_threads.py", "--steady",
                           record_args=("--group", "task"))
    assert not report["thread_count"]["growing"], report["thread_count"]
    tasks = report["task_count"]
    assert not tasks["growing"] and tasks["peak"] <= 10, tasks
    # New tasks keep being seen (a lower bound: tasks that live and die between two
    # snapshots, or reuse a freed task's address, are not counted).
    assert tasks["created"] >= 3, tasks
    # The pool waits on an Event with nobody running: waiting for a signal, not a deadlock.
    assert report["stuck"] == [], report["stuck"]


def test_two_threads_locking_in_opposite_order_get_a_deadlock_hint(python, profiler_binary,
                                                                  tmp_path):
    report = trends_report(python, profiler_binary, tmp_path, "two_locks_opposite_order.py",
                           seconds=2)
    stuck = {s["thread"]: s for s in report["stuck"]}
    assert set(stuck) >= {"alpha", "beta"}, report["stuck"]
    assert stuck["alpha"]["line"] == marker_line("two_locks_opposite_order.py",
                                                 "WAITS_FOR_SECOND")
    assert stuck["beta"]["line"] == marker_line("two_locks_opposite_order.py", "WAITS_FOR_FIRST")
    # who holds what each waits for: alpha waits for an RLock (its owner field names beta),
    # beta for a Lock (found on alpha's stack)
    sites = {s["line"]: s for s in report["lock_wait_sites"]}
    for marker, holder in (("WAITS_FOR_SECOND", "beta"), ("WAITS_FOR_FIRST", "alpha")):
        site = sites[marker_line("two_locks_opposite_order.py", marker)]
        assert [h["name"] for h in site["holders"]] == [holder], site
        assert site["holder_known_samples"] >= 0.9 * site["samples"], site
    assert stuck["alpha"]["held_by"] == "beta" and stuck["beta"]["held_by"] == "alpha", stuck
    assert report["lock_cycle"] in ("alpha -> beta -> alpha", "beta -> alpha -> beta"), report
    assert any("locks held by each other" in line for line in report["advice"]), report["advice"]
    assert any("deadlock" in line for line in report["advice"]), report["advice"]


def run_in_terminal(argv, env):
    """Runs argv with a pseudo-terminal as its stdout; returns everything it printed."""
    import pty
    import subprocess
    leader, follower = pty.openpty()
    try:
        done = subprocess.run(argv, stdout=follower, stderr=subprocess.DEVNULL, env=env,
                              timeout=30)
    finally:
        os.close(follower)
    output = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    os.close(leader)
    assert done.returncode == 0, output
    return output


def test_the_report_is_coloured_on_a_terminal_only(any_python, profiler_binary, tmp_path):
    raw = tmp_path / "leak.pcp"
    profiler = Profiler(profiler_binary)
    with Workload(any_python, "leaks_threads.py") as workload:
        try:
            run = profiler.run("-r", 50, "-d", 2.5, "--pid", workload.pid, "-o", raw, timeout=30)
            assert run.returncode == 0, run.describe()
        finally:
            profiler.kill_all()
    argv = [str(profiler_binary), "report", str(raw), "--contention"]
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    coloured = run_in_terminal(argv, env)
    assert b"\x1b[1mthreads\x1b[0m" in coloured, coloured[:400]  # a bold heading
    assert b"\x1b[31m" in coloured and b"GROWING" in coloured, coloured  # a red verdict
    plain = profiler.run("report", raw, "--contention")
    assert plain.returncode == 0 and b"\x1b[" not in plain.stdout, plain.describe()
    assert b"\x1b[" not in run_in_terminal(argv, dict(env, NO_COLOR="1"))
