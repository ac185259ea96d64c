"""--check-lifecycle: orphaned tasks, awaits with no deadline, unbounded fan-out, threads
holding up exit and leaks by phase, found in wrapped commands on every interpreter
(workloads/lifecycle_*.py hold the truth in their docstrings).

A recording with -o prints the report on standard output after what the command printed:
the first line is the workload's ready line, the rest the report (one JSON object with
--json). Every assertion on a report shows the whole report when it fails.
"""
import contextlib
import json

import pytest

from conftest import FRAME, Finished, Workload, marker_line

BROKEN = "lifecycle_broken.py"
CLEAN = "lifecycle_clean.py"
SHUTDOWN = "lifecycle_shutdown.py"
PHASES = "lifecycle_phases.py"

CHECKS = ("orphans", "stuck-awaits", "fan-out", "shutdown", "leaks")
STUCK_AWAIT_S = "1.5"  # the workloads' stuck await lasts about 4.4 s, every sleep < 1.1 s
FINDINGS = 4  # the exit status of --fail-on when a named check has a finding


class Recording:
    """`python script args` recorded with --check-lifecycle --json into output, started in
    the background: two recordings of one test run side by side (they mostly sleep), which
    halves what the suite waits."""

    def __init__(self, profiler, python, output, script, *args, options=()):
        self.python, self.script = python, script
        self.running = profiler.start("record", "--check-lifecycle", "--json", "-r", 100,
                                      "-o", output, *options, "--", python.path,
                                      Workload.path_of(script), *args)

    def finish(self):
        """The run, the workload's ready line and the report."""
        run = self.running.finish(40)
        workload = Workload.from_output(self.python, self.script, run.stdout)
        return run, workload, parse_report(run, run.stdout.split(b"\n", 1)[1])


def record(profiler, python, output, script, *args, options=()):
    return Recording(profiler, python, output, script, *args, options=options).finish()


def parse_report(run: Finished, text: bytes) -> dict:
    try:
        report = json.loads(text.decode("utf-8"))
    except ValueError as error:
        raise AssertionError("the lifecycle report is not one JSON object (%s):\n%r\n%s" % (
            error, text[:3000], run.describe())) from None
    assert isinstance(report, dict) and report.get("lifecycle") is True, \
        "not a lifecycle report: %r\n%s" % (text[:3000], run.describe())
    return report


@contextlib.contextmanager
def shown_on_failure(report: dict, run: Finished = None):
    """Adds the whole report (and the run's command and stderr) to a failing assertion."""
    try:
        yield
    except AssertionError as error:
        raise AssertionError("%s\n--- the lifecycle report:\n%s%s" % (
            error, json.dumps(report, indent=1)[:40000],
            "\n--- " + run.describe() if run else "")) from None


def frame(text: str):
    """(qualname, file, line) of a frame string `QUALNAME (FILE:LINE)`."""
    match = FRAME.match(text)
    assert match, "frame %r is not QUALNAME (FILE:LINE)" % text
    return match["qualname"], match["file"], int(match["line"])


def names_in(stack) -> list:
    return [frame(text)[0] for text in stack]


def assert_consistent(report: dict):
    """Counts agree with the lists, and the total with the counts."""
    findings = report["findings"]
    assert set(findings) == set(CHECKS), findings
    assert report["total"] == sum(findings.values()), (report["total"], findings)
    assert findings["orphans"] == len(report["orphans"]), findings
    assert findings["stuck-awaits"] == len(report["stuck_awaits"]), findings
    assert findings["fan-out"] == sum(1 for f in report["fan_out"] if f["finding"]), findings


def test_each_lifecycle_bug_of_a_broken_service_is_found_and_none_once_fixed(
        python, profiler, tmp_path):
    raw, clean_raw = tmp_path / "out.pcp", tmp_path / "clean.pcp"
    broken = Recording(profiler, python, raw, BROKEN, options=("--stuck-await-s", STUCK_AWAIT_S))
    clean = Recording(profiler, python, clean_raw, CLEAN,
                      options=("--stuck-await-s", STUCK_AWAIT_S))
    run, workload, report = broken.finish()
    check_broken(profiler, python, raw, run, workload, report)
    run, workload, report = clean.finish()
    check_clean(profiler, clean_raw, run, workload, report)


def check_broken(profiler, python, raw, run, workload, report):
    with shown_on_failure(report, run):
        assert run.returncode == 0, "the workload exits 0 and no --fail-on was given"
        assert report["pid"] == workload.pid
        assert str(report["python_version"]).split(".")[:2] == \
            ["%d" % n for n in python.version]
        assert report["stuck_await_s"] == float(STUCK_AWAIT_S)
        assert 4.0 <= report["duration_s"] <= 8.0  # the workload runs about 4.6 s
        assert_consistent(report)
        findings = report["findings"]

        # "parent" is cancelled 0.5 s in, holding "orphan-child", pending until the end.
        # "dropping-parent" the same with "dropped-child", which it keeps no reference to.
        orphans = {o["task"]: o for o in report["orphans"]}
        assert set(orphans) == {"orphan-child", "dropped-child"}
        for child, owner, function in (("orphan-child", "parent", "orphan_child"),
                                       ("dropped-child", "dropping-parent", "dropped_child")):
            orphan = orphans[child]
            assert (orphan["owner"], orphan["owner_end"]) == (owner, "cancelled")
            assert 0.4 <= orphan["owner_end_s"] <= 2.0
            assert 2.5 <= orphan["outlived_s"] <= 5.0  # about 4 s
            assert function in names_in(orphan["stack"])

        # Only "stuck-waiter": not the main task nor wait_for's inner task (a deadline),
        # not the sleepers (parent, orphan-child, producer, work-N).
        stuck = {s["task"]: s for s in report["stuck_awaits"]}
        assert set(stuck) == {"stuck-waiter"}
        waiter = stuck["stuck-waiter"]
        assert waiter["awaited_by"] is None
        qualname, file, line = frame(waiter["stack"][0])
        assert (qualname, line) == ("wait_for_reply", marker_line(BROKEN, "STUCK"))
        assert file.endswith("/" + BROKEN)
        assert waiter["since_s"] <= 1.5
        assert 3.0 <= waiter["waiting_s"] <= 6.0  # about 4.4 s

        # Two unbounded fan-outs: tasks (about 80 more a second) and the pool's queue.
        fanned = {f["series"]: f for f in report["fan_out"] if f["finding"]}
        pools = [s for s in fanned if s.startswith("executor:slowpool")]
        assert len(pools) == 1 and set(fanned) == {"tasks", pools[0]}
        tasks, pool = fanned["tasks"], fanned[pools[0]]
        for series in (tasks, pool):
            assert series["peak"] - series["start"] >= 150  # about 350 at the end
            assert 30 <= series["per_s"] <= 150
        assert any("queued_work" in s["coroutine"] for s in tasks["spawned"])
        assert findings["orphans"] == 2 and findings["stuck-awaits"] == 1
        assert findings["fan-out"] == 2

    # The raw profile gives the same report, and --fail-on orphans fails on it.
    again = profiler.run("report", "--lifecycle", raw, "--json",
                         "--stuck-await-s", STUCK_AWAIT_S)
    assert again.returncode == 0, again.describe()
    replayed = parse_report(again, again.stdout)
    with shown_on_failure(replayed, again):
        assert replayed["findings"] == findings
        assert sorted(o["task"] for o in replayed["orphans"]) == ["dropped-child", "orphan-child"]
        assert [s["task"] for s in replayed["stuck_awaits"]] == ["stuck-waiter"]
    failing = profiler.run("report", "--lifecycle", raw, "--json",
                           "--stuck-await-s", STUCK_AWAIT_S, "--fail-on", "orphans")
    assert failing.returncode == FINDINGS, failing.describe()
    assert parse_report(failing, failing.stdout)["findings"] == findings

    # The text report: five sections with their counts, then the verdict.
    text = profiler.run("report", "--lifecycle", raw, "--stuck-await-s", STUCK_AWAIT_S)
    assert text.returncode == 0, text.describe()
    lines = text.stdout.decode("utf-8").splitlines()
    titles = [("Orphaned tasks:", "orphans"),
              ("Awaits with no deadline (>= 1.5 s):", "stuck-awaits"),
              ("Unbounded fan-out:", "fan-out"), ("Shutdown:", "shutdown"),
              ("Leaks:", "leaks")]
    where = []
    for title, check in titles:
        found = [n for n, line in enumerate(lines) if line.startswith(title)]
        assert len(found) == 1, "%r: %d lines\n%s" % (title, len(found), "\n".join(lines))
        count = findings[check]
        said = "no finding" if count == 0 else "%d finding%s" % (count, "s" * (count > 1))
        assert said in lines[found[0]], "%r, expected %r\n%s" % (
            lines[found[0]], said, "\n".join(lines))
        where.append(found[0])
    assert where == sorted(where), "\n".join(lines)
    assert lines and lines[-1].startswith("Verdict: "), "\n".join(lines)


def check_clean(profiler, raw, run, workload, report):
    """The same service with its bugs fixed has no finding."""
    with shown_on_failure(report, run):
        assert run.returncode == 0
        assert report["pid"] == workload.pid
        assert_consistent(report)
        assert report["findings"] == {check: 0 for check in CHECKS}
        assert report["total"] == 0
        assert report["orphans"] == [] and report["stuck_awaits"] == []
        # Both series were seen, and held down by the semaphores.
        series = {f["series"]: f for f in report["fan_out"]}
        pools = [s for s in series if s.startswith("executor:slowpool")]
        assert len(pools) == 1 and set(series) == {"tasks", pools[0]}
        assert not series["tasks"]["finding"] and series["tasks"]["peak"] <= 20
        assert not series[pools[0]]["finding"] and series[pools[0]]["peak"] <= 10
    for checks in ("orphans", "all"):
        passing = profiler.run("report", "--lifecycle", raw, "--json",
                               "--stuck-await-s", STUCK_AWAIT_S, "--fail-on", checks)
        assert passing.returncode == 0, passing.describe()


@pytest.mark.timing  # what it finds depends on snapshots landing in a window: run alone
def test_a_thread_left_running_after_main_holds_up_exit(python, profiler, tmp_path):
    slow = Recording(profiler, python, tmp_path / "slow.txt", SHUTDOWN, "slow",
                     options=("--fail-on", "shutdown"))
    clean = Recording(profiler, python, tmp_path / "clean.txt", SHUTDOWN, "clean",
                      options=("--fail-on", "shutdown"))
    run, workload, report = slow.finish()
    with shown_on_failure(report, run):
        assert run.returncode == FINDINGS
        assert report["findings"]["shutdown"] >= 1
        shutdown = report["shutdown"]
        assert shutdown["process_exited"] is True
        assert 1.0 <= shutdown["exit_after_s"] <= 3.5  # the linger thread sleeps 2 s
        assert shutdown["main_finished_s"] <= 2.0
        held = [t for t in shutdown["threads"] if t["held_exit"]]
        assert [t["name"] for t in held] == ["linger"]  # not the daemon thread
        linger = held[0]
        assert linger["tid"] == workload.tid("linger")
        assert 1.0 <= linger["for_s"] <= 3.5
        assert linger["executor_worker"] is False
        qualname, file, line = frame(linger["stack"][0])  # innermost first
        assert (qualname, line) == ("linger_after_main", marker_line(SHUTDOWN, "LINGERS"))
        assert file.endswith("/" + SHUTDOWN)
        # its event loop was stopped with "left-behind" still awaiting
        assert [t["task"] for t in shutdown["tasks"]] == ["left-behind"]
        assert names_in(shutdown["tasks"][0]["stack"])[0] == "waits_for_nothing"
        assert report["findings"]["shutdown"] == 2

    run, workload, report = clean.finish()
    with shown_on_failure(report, run):
        assert run.returncode == 0
        assert report["findings"]["shutdown"] == 0
        assert not [t for t in report["shutdown"]["threads"] if t["held_exit"]]
    assert (tmp_path / "slow.txt").stat().st_size > 0  # the profile itself was written


def phases_seen(leaks):
    """The phases, without a last "" one: __main__'s globals are cleared while the
    interpreter exits, and a look at that moment sees the marker removed."""
    phases = leaks["phases"]
    return phases[:-1] if phases and phases[-1]["name"] == "" else phases


def test_threads_leaked_by_every_request_phase_are_found(any_python, profiler, tmp_path):
    expected = ["warmup"] + ["request", "idle"] * 3
    run, _, report = record(profiler, any_python, tmp_path / "leaks.pcp", PHASES,
                            options=("--fail-on", "leaks"))
    with shown_on_failure(report, run):
        assert run.returncode == FINDINGS
        leaks = report["leaks"]
        assert [p["name"] for p in phases_seen(leaks)] == expected
        for phase in phases_seen(leaks):
            grew = phase["threads"]["end"] - phase["threads"]["start"]
            assert grew == (2 if phase["name"] == "request" else 0), phase
        assert report["findings"]["leaks"] >= 1
        assert leaks["threads"]["end"] - leaks["threads"]["start"] == 6
        growth = leaks["repeated_phase_growth"]
        assert any(g.get("phase") == "request" and g.get("series") == "threads"
                   for g in growth)
        assert not any(g.get("phase") in ("warmup", "idle") for g in growth)

    run, _, report = record(profiler, any_python, tmp_path / "joined.pcp", PHASES, "--joined",
                            options=("--fail-on", "leaks"))
    with shown_on_failure(report, run):
        assert run.returncode == 0
        assert [p["name"] for p in phases_seen(report["leaks"])] == expected
        assert report["findings"]["leaks"] == 0
        assert report["leaks"]["repeated_phase_growth"] == []


def test_an_unknown_check_name_is_a_usage_error_naming_the_valid_ones(any_python, profiler,
                                                                      tmp_path):
    ran = tmp_path / "ran"
    run = profiler.run("record", "--fail-on", "orphans,bogus", "-o", tmp_path / "x.pcp",
                       "--", any_python.path, "-c", "open(%r, 'w')" % str(ran))
    assert run.returncode == 1, run.describe()
    assert "bogus" in run.stderr, run.describe()
    for check in CHECKS:
        assert check in run.stderr, "%r not named\n%s" % (check, run.describe())
    assert not ran.exists(), "the command ran despite the usage error"
