"""record/dump --subprocesses on every interpreter: a parent and every kind of child.

One wrapped run of tests/workloads/process_tree.py covers a balanced fork Pool(4), a
spawn ProcessPoolExecutor, subprocess.run of another script, ten 50 ms forkserver
children, a `sleep` child and an unbalanced pool owned by a child; the profile, the .pcp
and the contention report made from it are checked against what the workload did. A
second test attaches (--pid) to an idle pool and dumps the whole tree."""
import json
import re

from conftest import Workload, parse_collapsed

# multiprocessing's default names of pool and executor workers
POOL_WORKER = re.compile(r"^ForkPoolWorker-\d+$")
CHILD_POOL_WORKER = re.compile(r"^ForkPoolWorker-\d+:\d+$")  # a child's pool: "-7:1"
SPAWNED = re.compile(r"^SpawnProcess-\d+$")


def processes_by_name(profile):
    """{(pid, name): samples} over the process roots; every stack must have one."""
    seen = {}
    for stack in profile.stacks:
        assert stack.process is not None, "a stack without a process root: %r" % (stack,)
        seen[stack.process] = seen.get(stack.process, 0) + stack.count
    return seen


def has_frame(profile, pid, qualname):
    return any(s.process[0] == pid and any(f.qualname == qualname for f in s.frames)
               for s in profile.stacks)


def test_a_parent_and_all_its_kinds_of_children_are_profiled(python, profiler, tmp_path):
    folded, raw = tmp_path / "tree.txt", tmp_path / "tree.pcp"
    trace = tmp_path / "tree.trace.json"
    run = profiler.run("record", "--subprocesses", "-r", 100, "-o", folded, "-o", raw,
                       "-o", trace, "--", python.path, Workload.path_of("process_tree.py"),
                       "all", timeout=90)
    assert run.returncode == 0, run.describe()
    assert b"phase unbalanced done" in run.stdout, run.describe()
    assert "child processes sampled" in run.stderr, run.describe()
    profile = parse_collapsed(folded.read_bytes())
    processes = processes_by_name(profile)
    roots = [p for p in processes if p[1] == "process_tree.py"]
    parent = min(pid for pid, _ in roots)  # forked copies before an exec share the name

    # 1. the balanced pool: four workers, each sampled in pool_work
    workers = [p for p in processes if POOL_WORKER.match(p[1])]
    assert len(workers) == 4, sorted(processes)
    for pid, _ in workers:
        assert has_frame(profile, pid, "pool_work"), (pid, sorted(processes))
    # 2. spawn: found afresh (a new interpreter, not a copy of the parent)
    spawned = [p for p in processes if SPAWNED.match(p[1])]
    assert spawned and any(has_frame(profile, pid, "executor_work") for pid, _ in spawned), \
        sorted(processes)
    # 3. subprocess.run of another script: named by its script
    scripts = [p for p in processes if p[1] == "child_script.py"]
    assert scripts and has_frame(profile, scripts[0][0], "script_work"), sorted(processes)
    # 4. 50 ms children: sampled or counted, never an error
    short = [p for p in processes if p[1].startswith("short-")]
    gone = re.search(r"(\d+) exited before their interpreter was ready", run.stderr)
    assert short or gone, run.describe()
    # 5. not Python: skipped, and said so; never a root
    assert re.search(r"[1-9]\d* not Python \(skipped\)", run.stderr), run.describe()
    assert not any(name == "sleep" for _, name in processes), sorted(processes)
    # 6. the unbalanced pool: three workers of the owner
    owner = [p for p in processes if p[1] == "unbalanced-owner"]
    assert len(owner) == 1, sorted(processes)
    assert len([p for p in processes if CHILD_POOL_WORKER.match(p[1])]) == 3, sorted(processes)

    # the contention report, from the .pcp: per process and per pool
    report = profiler.run("report", raw, "--contention", "--json")
    assert report.returncode == 0, report.describe()
    data = json.loads(report.stdout)
    rows = {row["pid"]: row for row in data["processes"]}
    for pid, _ in workers:
        assert rows[pid]["ppid"] == parent, rows[pid]
        assert rows[pid]["states"]["running"] >= 60, rows[pid]  # mostly running
    assert rows[parent]["states"]["running"] <= 40, rows[parent]  # mostly waiting
    pools = {(pool["name"], pool["parent"]): pool for pool in data["pools"]}
    balanced = pools[("ForkPoolWorker", parent)]
    assert sorted(balanced["members"]) == sorted(pid for pid, _ in workers), balanced
    assert balanced["imbalance"] < 1.5, balanced
    unbalanced = pools[("ForkPoolWorker", owner[0][0])]
    assert len(unbalanced["members"]) == 3, unbalanced
    # one worker ran ten 0.12 s tasks, the other two twenty 2 ms ones between them: 2.9
    # when alone; a loaded machine adds start-up and runnable time to the idle two
    assert unbalanced["imbalance"] >= 1.6, unbalanced
    idle = [rows[pid] for pid in unbalanced["members"]
            if rows[pid]["states"]["running"] < 50]
    assert len(idle) == 2 and all(row["waiting_for_work"] >= 50 for row in idle), idle
    assert any("unbalanced" in line for line in data["advice"]), data["advice"]

    # the Chrome trace: one process per pid, named
    events = json.loads(trace.read_text())
    events = events["traceEvents"] if isinstance(events, dict) else events
    named = {e["pid"] for e in events if e.get("name") == "process_name"}
    assert {pid for pid, _ in workers} | {parent} <= named, named


def test_attach_to_an_idle_pool_and_dump_the_tree(python, profiler, start_workload, tmp_path):
    workload = start_workload(python, "process_tree.py", "idle-pool")
    folded = tmp_path / "idle.txt"
    run = profiler.run("record", "--pid", workload.pid, "--subprocesses", "-d", 1,
                       "-o", folded, timeout=30)
    assert run.returncode == 0, run.describe()
    processes = processes_by_name(parse_collapsed(folded.read_bytes()))
    workers = [p for p in processes if POOL_WORKER.match(p[1])]
    assert sorted(pid for pid, _ in workers) == sorted(workload.info["workers"]), \
        sorted(processes)
    assert (workload.pid, "process_tree.py") in processes, sorted(processes)

    # the cap: one worker followed, the other reported
    capped = profiler.run("record", "--pid", workload.pid, "--subprocesses", "--max-processes",
                          1, "-d", 0.5, "-o", tmp_path / "capped.txt", timeout=30)
    assert capped.returncode == 0, capped.describe()
    assert "1 not followed (over --max-processes 1)" in capped.stderr, capped.describe()
    processes = processes_by_name(parse_collapsed((tmp_path / "capped.txt").read_bytes()))
    assert len([p for p in processes if POOL_WORKER.match(p[1])]) == 1, sorted(processes)

    dump = profiler.run("dump", "--pid", workload.pid, "--subprocesses", "--json")
    assert dump.returncode == 0, dump.describe()
    tree = json.loads(dump.stdout)["processes"]
    assert tree[0]["pid"] == workload.pid, [p["pid"] for p in tree]
    assert {pid for pid, _ in workers} <= {p["pid"] for p in tree}, [p["pid"] for p in tree]
    waiting = [p for p in tree if p["pid"] in {pid for pid, _ in workers}]
    for process in waiting:  # each worker waits for work in its queue
        names = [f["name"] for t in process["threads"] for f in t["frames"]]
        assert "worker" in names, names


def test_a_shell_that_launches_python_is_followed_through(python, profiler, tmp_path):
    folded = tmp_path / "shell.txt"
    script = Workload.path_of("child_script.py")
    command = "'%s' '%s' 1 & '%s' '%s' 1; wait" % (python.path, script, python.path, script)
    run = profiler.run("record", "--subprocesses", "-o", folded, "--", "sh", "-c", command,
                       timeout=30)
    assert run.returncode == 0, run.describe()
    assert "is not Python; sampling its Python descendants" in run.stderr, run.describe()
    profile = parse_collapsed(folded.read_bytes())
    scripts = {p for p in processes_by_name(profile) if p[1] == "child_script.py"}
    assert len(scripts) == 2, run.describe()
    for pid, _ in scripts:
        assert has_frame(profile, pid, "script_work"), (pid, run.describe())
