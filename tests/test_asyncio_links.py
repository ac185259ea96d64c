"""Who awaits whom through shield and wait_for, and a cycle of awaits reported as a
likely deadlock, on every interpreter (workloads/asyncio_links.py holds the truth).

Before 3.14 neither shield nor wait_for (3.8-3.11) leaves a direct link: the awaiting
task is blocked on an outer future, and the inner task only holds, in a done callback,
that future (a closure cell for shield, a functools.partial argument for wait_for)."""

import json

from conftest import Profiler

LINKS = "asyncio_links.py"


def snapshot(profiler: Profiler, pid: int) -> dict:
    run = profiler.run("dump", "--pid", pid, "--tasks", "--json")
    assert run.returncode == 0, run.describe()
    return json.loads(run.stdout.decode("utf-8"))


def names_by_id(tasks: list) -> dict:
    return {task["id"]: task["name"] for task in tasks}


def test_shield_and_wait_for_link_the_inner_task_to_its_awaiter(python, profiler,
                                                                start_workload):
    workload = start_workload(python, LINKS)
    dump = snapshot(profiler, workload.info["pid"])
    tasks = {task["name"]: task for task in dump["tasks"]}
    ids = names_by_id(dump["tasks"])
    for inner, outer in (("shielded", "shielder"), ("waited", "waiter")):
        assert inner in tasks and outer in tasks, json.dumps(dump["tasks"], indent=1)
        assert tasks[inner]["id"] == workload.info["tasks"][inner]
        awaiters = {ids.get(i, "?") for i in tasks[inner]["awaited_by"]}
        assert outer in awaiters, "%s awaited by %s, expected %s\n%s" % (
            inner, awaiters, outer, json.dumps(dump["tasks"], indent=1))
        assert tasks[outer]["awaited_by"] == [], tasks[outer]


def test_tasks_awaiting_each_other_are_a_likely_deadlock(python, profiler, start_workload):
    workload = start_workload(python, LINKS)
    pid = workload.info["pid"]
    dump = snapshot(profiler, pid)
    ids = names_by_id(dump["tasks"])
    cycles = [sorted(ids.get(i, "?") for i in cycle) for cycle in dump["task_cycles"]]
    assert cycles == [["cyc-a", "cyc-b"]], "cycles %s\n%s" % (
        cycles, json.dumps(dump["tasks"], indent=1))
    text = profiler.run("dump", "--pid", pid, "--tasks")
    assert text.returncode == 0, text.describe()
    out = text.stdout.decode("utf-8")
    assert "likely deadlock" in out and "cyc-a" in out and "cyc-b" in out, out
    assert "<- cycle" in out, out


def test_the_contention_report_names_the_await_cycle(python, profiler, start_workload,
                                                     tmp_path):
    workload = start_workload(python, LINKS)
    raw = tmp_path / "cycle.pcp"
    run = profiler.run("record", "--pid", workload.info["pid"], "-r", 50, "-d", 1.5,
                       "--group", "task", "-o", raw)
    assert run.returncode == 0, run.describe()
    report = profiler.run("report", raw, "--contention", "--json")
    assert report.returncode == 0, report.describe()
    found = json.loads(report.stdout.decode("utf-8"))
    cycles = [c["tasks"] for c in found["task_cycles"]]
    assert len(cycles) == 1, found["task_cycles"]
    names = cycles[0].split(" -> ")
    assert sorted(set(names)) == ["cyc-a", "cyc-b"] and names[0] == names[-1], cycles
    assert found["task_cycles"][0]["last_s"] >= 1.0, found["task_cycles"]  # seen throughout
    assert any("await each other" in line for line in found["advice"]), found["advice"]
