"""asyncio tasks: `dump --tasks` names every task, where it waits and who awaits it, and
`record --group task` roots each sample at the task it belongs to.

The truth is in the workloads:
- asyncio_tree.py: a known tree (main -> fetch-N -> parse-N through a TaskGroup, or gather
  before 3.11; gatherer -> g-a, g-b through gather; cruncher burning CPU), every task but
  cruncher parked on a line marked `# awaits: FUNCTION`; --pure-python hides the C
  accelerator, --eager (3.12+) starts tasks eagerly;
- asyncio_split.py: tasks hot and warm burning a loop's CPU 70/30;
- asyncio_two_loops.py: tasks on two loops in two named threads;
- asyncio_churn.py: about 10,000 short tasks a second;
- named_threads.py: a process that never imports asyncio.
Every workload prints the id() of its named tasks in its ready line: a task's id in the
dump is its address, so the two must agree.
"""

import json
import os
import re
import subprocess
import time
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

import pytest

from conftest import (FRAME, ROOT, TRUNCATED, Frame, Profiler, Workload,
                      assert_running_freely, clean_env, marker_line, parse_collapsed,
                      shown_name)
from interpreters import selected

TREE = "asyncio_tree.py"
SPLIT = "asyncio_split.py"
CHURN = "asyncio_churn.py"
TWO_LOOPS = "asyncio_two_loops.py"
NO_ASYNCIO = "named_threads.py"

FETCHES = (1, 2, 3)
TREE_NAMES = ({"main", "gatherer", "cruncher", "g-a", "g-b"}
              | {"fetch-%d" % n for n in FETCHES} | {"parse-%d" % n for n in FETCHES})
# task -> the tasks that await it, by name; no task awaits the others (TREE_ROOTS)
TREE_AWAITED_BY = dict(
    [("fetch-%d" % n, {"main"}) for n in FETCHES]
    + [("parse-%d" % n, {"fetch-%d" % n}) for n in FETCHES]
    + [("g-a", {"gatherer"}), ("g-b", {"gatherer"})])
TREE_ROOTS = {"main", "gatherer", "cruncher"}

STATES = {"pending", "running", "done", "cancelled"}

DUMP_ATTEMPTS = 5   # a snapshot taken while cruncher runs may be torn: take another
CRASH = re.compile(r"Segmentation|AddressSanitizer|LeakSanitizer|runtime error|Assertion|"
                   r"core dumped|internal error|panic", re.IGNORECASE)


# --- reading the task output -----------------------------------------------------------

def dump_tasks(profiler: Profiler, pid: int, *extra) -> Tuple[object, dict]:
    """One `dump --tasks --json`: (the run, the parsed snapshot); fails on anything else."""
    run = profiler.run("dump", "--pid", pid, "--tasks", "--json", *extra)
    assert run.returncode == 0, run.describe()
    try:
        snapshot = json.loads(run.stdout.decode("utf-8"))
    except ValueError as error:
        pytest.fail("dump --tasks --json printed no JSON (%s): %r\n%s" % (
            error, run.stdout[:1000], run.describe()))
    assert isinstance(snapshot, dict), snapshot
    for key in ("pid", "python_version", "threads", "tasks", "task_cycles",
                "tasks_dropped", "tasks_capped"):
        assert key in snapshot, "dump --tasks --json has no %r: %s" % (key, sorted(snapshot))
    assert isinstance(snapshot["tasks"], list), snapshot["tasks"]
    assert isinstance(snapshot["task_cycles"], list), snapshot["task_cycles"]
    assert isinstance(snapshot["tasks_dropped"], int), snapshot["tasks_dropped"]
    assert isinstance(snapshot["tasks_capped"], bool), snapshot["tasks_capped"]
    for task in snapshot["tasks"]:
        assert isinstance(task["id"], int) and isinstance(task["name"], str), task
        assert task["state"] in STATES, task
        assert task["tid"] is None or isinstance(task["tid"], int), task
        assert isinstance(task["awaited_by"], list), task
        for frame in task["coro_frames"]:
            assert isinstance(frame["name"], str) and isinstance(frame["file"], str) \
                and isinstance(frame["line"], int), task
    return run, snapshot


def settled_snapshot(profiler: Profiler, pid: int, names, *extra) -> dict:
    """The first of up to DUMP_ATTEMPTS snapshots that has every name and dropped no task
    (or the last one, for the asserts to show what is wrong with it)."""
    for _ in range(DUMP_ATTEMPTS):
        run, snapshot = dump_tasks(profiler, pid, *extra)
        seen = {t["name"] for t in snapshot["tasks"]}
        if set(names) <= seen and snapshot["tasks_dropped"] == 0:
            break
        time.sleep(0.1)
    return snapshot


def describe_tasks(snapshot: dict) -> str:
    """The tasks of a snapshot, one a line, for assertion messages."""
    names = {t["id"]: t["name"] for t in snapshot.get("tasks", [])}
    lines = ["tasks_dropped=%s tasks_capped=%s task_cycles=%s" % (
        snapshot.get("tasks_dropped"), snapshot.get("tasks_capped"), snapshot.get("task_cycles"))]
    for task in snapshot.get("tasks", []):
        lines.append("  %s id=%#x state=%s tid=%s awaited_by=%s frames=[%s]" % (
            task["name"], task["id"], task["state"], task["tid"],
            [names.get(i, "%#x" % i) for i in task["awaited_by"]],
            ", ".join("%s (%s:%d)" % (f["name"], os.path.basename(f["file"]), f["line"])
                      for f in task["coro_frames"])))
    return "\n".join(lines)


def by_name(snapshot: dict) -> Dict[str, dict]:
    """{name: task}; fails when a name is there twice."""
    tasks = {}
    for task in snapshot["tasks"]:
        assert task["name"] not in tasks, "two tasks named %r\n%s" % (
            task["name"], describe_tasks(snapshot))
        tasks[task["name"]] = task
    return tasks


@dataclass(frozen=True)
class TaskStack:
    thread_name: str
    tid: int
    tasks: Tuple[str, ...]   # task roots, outermost first
    frames: Tuple[Frame, ...]  # outermost first
    count: int


def parse_task_collapsed(data: bytes) -> List[TaskStack]:
    """Reads `thread:NAME:TID;task:OUTER;...;task:INNER;QUALNAME (FILE:LINE);... COUNT`
    lines (the task roots may be absent); any line that breaks the format fails the test."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        pytest.fail("collapsed output is not UTF-8: %s" % error)
    stacks = []
    for number, line in enumerate(text.splitlines(), 1):
        where = "collapsed line %d: %r" % (number, line[:500])
        body, space, count = line.rpartition(" ")
        assert space and count.isdigit() and int(count) > 0, where + ": no sample count"
        parts = body.split(";")
        root = ROOT.match(parts[0])
        assert root, where + ": does not start with thread:NAME:TID"
        tasks = []
        position = 1
        while position < len(parts) and parts[position].startswith("task:"):
            assert parts[position][len("task:"):], where + ": empty task name"
            tasks.append(parts[position][len("task:"):])
            position += 1
        frames = []
        for index, part in enumerate(parts[position:]):
            if part == str(TRUNCATED):
                assert index == 0, where + ": [truncated] is not the outermost frame"
                frames.append(TRUNCATED)
                continue
            assert not part.startswith("task:"), where + ": task root after a frame"
            frame = FRAME.match(part)
            assert frame, where + ": frame %r is not QUALNAME (FILE:LINE)" % part
            frames.append(Frame(frame["qualname"], frame["file"], int(frame["line"])))
        stacks.append(TaskStack(root["name"], int(root["tid"]), tuple(tasks), tuple(frames),
                                int(count)))
    return stacks


def show_stacks(stacks: List[TaskStack], limit: int = 25) -> str:
    """The most common stacks, for assertion messages."""
    lines = []
    for stack in sorted(stacks, key=lambda s: -s.count)[:limit]:
        lines.append("  %5d thread:%s:%d;%s%s" % (
            stack.count, stack.thread_name, stack.tid,
            "".join("task:%s;" % t for t in stack.tasks), ";".join(map(str, stack.frames))))
    return "\n".join(lines) + ("\n  ... %d more" % (len(stacks) - limit)
                               if len(stacks) > limit else "")


def is_loop_machinery(frame: Frame) -> bool:
    """A frame of the event loop around a task (run_forever, _run_once, Handle._run, the
    runner) or of what started the loop: none of these belongs in a task's sample. (Other
    asyncio frames may: a task calls into the loop, and a sample torn by the running
    target may end in a stale one.)"""
    if frame.qualname == "<module>":
        return True
    if frame.file is None:
        return False
    function = frame.qualname.rsplit(".", 1)[-1]
    return (frame.file.endswith("/asyncio/base_events.py")
            and function in ("run_forever", "_run_once", "run_until_complete")) or \
        (frame.file.endswith("/asyncio/events.py") and function == "_run") or \
        frame.file.endswith("/asyncio/runners.py")


# --- what the tree workload must look like --------------------------------------------

def marked(python, script: str, function: str, marker: Optional[str] = None):
    """(shown name, absolute file, line) of the line of script marked `# awaits: MARKER`."""
    return (shown_name(python, function), Workload.path_of(script),
            marker_line(script, "awaits: " + (marker or function)))


def frame_tuple(frame: dict):
    return (frame["name"], frame["file"], frame["line"])


def in_script(task: dict, script: str):
    return [frame_tuple(f) for f in task["coro_frames"] if f["file"] == Workload.path_of(script)]


def main_marker(python) -> str:
    return "main" if python.version >= (3, 11) else "main (gather)"


def assert_tree_names_and_ids(workload, snapshot):
    tasks = by_name(snapshot)
    assert set(tasks) == TREE_NAMES, "task names: %s, expected %s\n%s" % (
        sorted(tasks), sorted(TREE_NAMES), describe_tasks(snapshot))
    wrong = {name: (hex(tasks[name]["id"]), hex(address))
             for name, address in workload.info["tasks"].items() if tasks[name]["id"] != address}
    assert not wrong, "ids that are not the task's address (dumped, id()): %s\n%s" % (
        wrong, describe_tasks(snapshot))


def assert_tree_links(snapshot):
    tasks = by_name(snapshot)
    names = {t["id"]: t["name"] for t in snapshot["tasks"]}
    for name in sorted(TREE_NAMES):
        assert name in tasks, "no task %s\n%s" % (name, describe_tasks(snapshot))
        awaiters = {names.get(i, "unknown id %#x" % i) for i in tasks[name]["awaited_by"]}
        expected = TREE_AWAITED_BY.get(name, set())
        assert awaiters == expected, "%s is awaited by %s, expected %s\n%s" % (
            name, sorted(awaiters), sorted(expected), describe_tasks(snapshot))
    assert snapshot["task_cycles"] == [], describe_tasks(snapshot)
    assert snapshot["tasks_dropped"] == 0 and snapshot["tasks_capped"] is False, \
        describe_tasks(snapshot)


def assert_tree_states(snapshot):
    tasks = by_name(snapshot)
    for name in sorted(TREE_NAMES - {"cruncher"}):
        assert tasks[name]["state"] == "pending", "%s is not pending\n%s" % (
            name, describe_tasks(snapshot))
    assert tasks["cruncher"]["state"] in ("pending", "running"), describe_tasks(snapshot)


def asyncio_tail(python, frames: List[dict], pure_python: bool, taskgroup: bool = False):
    """How many innermost frames of a coroutine chain are asyncio's own and allowed there:
    asyncio.sleep (a coroutine too); with pure-Python futures, Future.__await__ (a real
    generator frame there, and none with the C accelerator's futures); for a task in
    `async with TaskGroup()`, the frames of taskgroups.py."""
    count = 0
    for frame in frames:
        sleep = frame["name"] == shown_name(python, "sleep") and \
            frame["file"].endswith("/asyncio/tasks.py")
        await_ = pure_python and frame["name"] == shown_name(python, "Future.__await__") and \
            frame["file"].endswith("/asyncio/futures.py")
        group = taskgroup and frame["file"].endswith("/asyncio/taskgroups.py")
        if not (sleep or await_ or group):
            break
        count += 1
    return count


def assert_waits_in(python, snapshot, name: str, expected: list, pure_python: bool,
                    taskgroup: bool = False):
    """Task NAME's coroutine chain, innermost first, is asyncio's own frames (see
    asyncio_tail), then exactly the expected (name, file, line) frames of the workload,
    the last being the task's own coroutine."""
    frames = by_name(snapshot)[name]["coro_frames"]
    ours = [frame_tuple(f) for f in frames[asyncio_tail(python, frames, pure_python,
                                                          taskgroup):]]
    assert ours == expected, \
        "%s waits in %s, expected (innermost first, after asyncio's own frames) %s\n%s" % (
            name, ours, expected, describe_tasks(snapshot))


def assert_tree_frames(python, snapshot, pure_python: bool = False):
    """Each task's coroutine chain, innermost first, ends at its own coroutine on the
    marked line of the workload."""
    for n in FETCHES:
        assert_waits_in(python, snapshot, "parse-%d" % n,
                        [marked(python, TREE, "parse_body"), marked(python, TREE, "parse")],
                        pure_python)
        assert_waits_in(python, snapshot, "fetch-%d" % n, [marked(python, TREE, "fetch")],
                        pure_python)
    for name in ("g-a", "g-b"):
        assert_waits_in(python, snapshot, name, [marked(python, TREE, "sleeper")], pure_python)
    assert_waits_in(python, snapshot, "gatherer", [marked(python, TREE, "gatherer")],
                    pure_python)
    # main waits in TaskGroup.__aexit__ (3.11+) or on gather
    assert_waits_in(python, snapshot, "main",
                    [marked(python, TREE, "main", main_marker(python))], pure_python,
                    taskgroup=python.version >= (3, 11))
    cruncher = by_name(snapshot)["cruncher"]["coro_frames"]
    assert cruncher and cruncher[-1]["name"] == shown_name(python, "cruncher") and \
        cruncher[-1]["file"] == Workload.path_of(TREE), describe_tasks(snapshot)


def assert_tree_tids(workload, snapshot):
    """One loop, on the main thread: every task is run by it."""
    main_tid = workload.tid("MainThread")
    wrong = {t["name"]: t["tid"] for t in snapshot["tasks"] if t["tid"] != main_tid}
    assert not wrong, "tasks not on the main thread %d: %s\n%s" % (
        main_tid, wrong, describe_tasks(snapshot))


def is_pure_python(workload) -> bool:
    return not workload.info["task_class"].startswith("_asyncio.")


def assert_whole_tree(python, workload, snapshot):
    assert_tree_names_and_ids(workload, snapshot)
    assert_tree_links(snapshot)
    assert_tree_states(snapshot)
    assert_tree_frames(python, snapshot, is_pure_python(workload))
    assert_tree_tids(workload, snapshot)


# --- b. a loop's CPU split between two tasks (first in the file: it wants the CPUs to
# itself, before this interpreter's tree workload, whose cruncher burns one, starts) -----

SPLIT_RATE = 200
SPLIT_SECONDS = 3


@pytest.fixture(scope="module")
def split(python, profiler_binary, tmp_path_factory):
    output = tmp_path_factory.mktemp("asyncio_split") / "split.txt"
    profiler = Profiler(profiler_binary)
    with Workload(python, SPLIT) as workload:
        try:
            run = profiler.run("record", "--pid", workload.pid, "-r", SPLIT_RATE,
                               "-d", SPLIT_SECONDS, "--group", "task", "-o", output,
                               timeout=SPLIT_SECONDS + 20)
        finally:
            profiler.kill_all()
    assert run.returncode == 0, run.describe()
    return workload, run, parse_task_collapsed(output.read_bytes())


@pytest.mark.timing  # a 70/30 split measured against the clock: run alone
def test_task_samples_split_70_30_between_hot_and_warm(split):
    workload, run, stacks = split
    per_task = {}
    for stack in stacks:
        if stack.tasks:
            per_task[stack.tasks[-1]] = per_task.get(stack.tasks[-1], 0) + stack.count
    hot, warm = per_task.get("hot", 0), per_task.get("warm", 0)
    assert set(per_task) <= {"hot", "warm"}, "samples of other tasks: %s\n%s" % (
        per_task, show_stacks(stacks))
    assert hot + warm >= 300, "too few task samples to measure a split: %s\n%s\n%s" % (
        per_task, run.describe(), show_stacks(stacks))
    share = 100.0 * hot / (hot + warm)
    assert 65 <= share <= 75, \
        "task:hot has %.1f%% of %d task samples (%d vs %d), expected 70 +- 5\n%s\n%s" % (
            share, hot + warm, hot, warm, run.describe(), show_stacks(stacks))


@pytest.mark.timing  # a 70/30 split measured against the clock: run alone
def test_task_samples_start_at_the_task_coroutine_without_loop_frames(python, split):
    workload, run, stacks = split
    coroutine = {"hot": "hot_task", "warm": "warm_task"}
    task_stacks = [s for s in stacks if s.tasks]
    assert task_stacks, run.describe()
    for stack in task_stacks:
        assert stack.tasks in (("hot",), ("warm",)), show_stacks([stack])
        assert (stack.thread_name, stack.tid) == ("MainThread", workload.tid("MainThread")), \
            show_stacks([stack])
        first = stack.frames[0]
        assert (first.qualname, first.file) == (
            shown_name(python, coroutine[stack.tasks[0]]), workload.script), \
            "a task:%s sample does not start at %s:\n%s" % (
                stack.tasks[0], coroutine[stack.tasks[0]], show_stacks([stack]))
        assert not any(is_loop_machinery(f) for f in stack.frames), show_stacks([stack])


# --- a, h. the known tree, one workload per interpreter for many looks -----------------

class TreeSession:
    """asyncio_tree.py on one interpreter, with each look at it taken once, when first
    asked for, so that one failing command fails only the tests that need it."""

    def __init__(self, python, profiler_binary, directory):
        self.python = python
        self.directory = directory
        self.profiler = Profiler(profiler_binary)
        self.workload = Workload(python, TREE)
        self._cache = {}

    def close(self):
        self.profiler.kill_all()
        self.workload.kill()

    def _once(self, key, make):
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    @property
    def pid(self):
        return self.workload.pid

    def snapshot(self) -> dict:
        return self._once("snapshot", lambda: settled_snapshot(self.profiler, self.pid,
                                                               TREE_NAMES))

    def text(self) -> str:
        def make():
            for _ in range(DUMP_ATTEMPTS):
                run = self.profiler.run("dump", "--pid", self.pid, "--tasks")
                assert run.returncode == 0, run.describe()
                text = run.stdout.decode("utf-8")
                if all(len(task_lines(text, name)) == 1 for name in TREE_NAMES):
                    break
            return text
        return self._once("text", make)

    def record(self, *args, name: str, seconds: float = 2, rate: int = 200):
        """A recording of the workload with these options into DIRECTORY/NAME."""
        def make():
            output = self.directory / name
            run = self.profiler.run("record", "--pid", self.pid, "-r", rate, "-d", seconds,
                                    "-o", output, *args, timeout=seconds + 30)
            assert run.returncode == 0, run.describe()
            return run, output
        return self._once(("record", name), make)

    def grouped(self):
        """record --group task: (run, stacks)."""
        run, output = self.record("--group", "task", name="grouped.txt")
        return run, parse_task_collapsed(output.read_bytes())

    def all_tasks_raw(self):
        """record --group task --tasks all into a raw profile: (run, path)."""
        return self.record("--group", "task", "--tasks", "all", name="all_tasks.pcp",
                           rate=100)

    def report(self, *filters):
        """report of the --tasks all profile with these filters: (run, stacks)."""
        def make():
            record_run, raw = self.all_tasks_raw()
            output = self.directory / ("report%d.txt" % len(self._cache))
            run = self.profiler.run("report", raw, "-o", output, *filters)
            assert run.returncode == 0, run.describe() + "\nthe recording:\n" + \
                record_run.describe()
            return run, parse_task_collapsed(output.read_bytes())
        return self._once(("report",) + filters, make)


@pytest.fixture(scope="module")
def tree(python, profiler_binary, tmp_path_factory):
    session = TreeSession(python, profiler_binary, tmp_path_factory.mktemp("asyncio_tree"))
    yield session
    session.close()


def test_dump_tasks_lists_every_task_by_name_and_address(tree):
    assert_tree_names_and_ids(tree.workload, tree.snapshot())


def test_dump_tasks_keeps_the_threads_of_the_plain_dump(tree):
    snapshot = tree.snapshot()
    assert snapshot["pid"] == tree.pid
    assert {(t["name"], t["tid"]) for t in snapshot["threads"]} == set(tree.workload.threads), \
        snapshot["threads"]


def test_dump_tasks_knows_who_awaits_whom(tree):
    """TaskGroup (3.11+) or gather: main awaits fetch-N; `await task`: fetch-N awaits
    parse-N; gather: gatherer awaits g-a and g-b. Nothing else, and no cycle."""
    assert_tree_links(tree.snapshot())


def test_dump_tasks_says_suspended_tasks_are_pending(tree):
    assert_tree_states(tree.snapshot())


def test_dump_tasks_sees_the_cruncher_running(tree):
    """cruncher holds the loop ~all the time: some snapshot must catch it running."""
    seen = []
    for _ in range(10):
        run, snapshot = dump_tasks(tree.profiler, tree.pid)
        states = {t["name"]: t["state"] for t in snapshot["tasks"]}
        seen.append(states.get("cruncher"))
        if states.get("cruncher") == "running":
            running = [n for n, s in states.items() if s == "running"]
            assert running == ["cruncher"], describe_tasks(snapshot)
            return
    pytest.fail("cruncher's state in 10 snapshots: %s\nthe last:\n%s" % (
        seen, describe_tasks(snapshot)))


def test_dump_tasks_shows_where_each_task_waits_innermost_first(python, tree):
    assert not is_pure_python(tree.workload), tree.workload.info
    assert_tree_frames(python, tree.snapshot())


def test_dump_tasks_names_the_thread_running_each_task(tree):
    assert_tree_tids(tree.workload, tree.snapshot())


def task_lines(text: str, name: str) -> List[Tuple[int, str]]:
    """(number, line) of each task-tree line naming this task: the name as a word of its
    own, and a task state word."""
    state = re.compile(r"(?<![\w-])(pending|running|done|cancelled)(?![\w-])")
    return [(number, line) for number, line in enumerate(text.splitlines())
            if name_token(name).search(line) and state.search(line)]


def name_token(name: str):
    """The name as a word of its own: between blanks (or tree-drawing characters)."""
    return re.compile(r"(?<![^\s\u2500-\u257f])%s(?![^\s\]\[:])" % re.escape(name))


def test_dump_tasks_text_indents_each_task_under_its_awaiter(tree):
    text = tree.text()
    assert re.search(r"\bMainThread\b", text) and str(tree.workload.tid("MainThread")) in text, \
        "the thread part is missing:\n" + text
    where = {}
    for name in sorted(TREE_NAMES):
        found = task_lines(text, name)
        assert len(found) == 1, "%d task lines for %s:\n%s" % (len(found), name, text)
        number, line = found[0]
        column = name_token(name).search(line).start()
        where[name] = (number, column, line)
    lines = sorted(where.items(), key=lambda item: item[1][0])
    for name, expected in sorted(TREE_AWAITED_BY.items()):
        number, column, line = where[name]
        # the parent: the nearest task line above that is indented less
        above = [(n, other) for other, (n, c, _) in lines if n < number and c < column]
        assert above and above[-1][1] in expected, \
            "%s is not indented under %s:\n%s" % (name, sorted(expected), text)
        assert re.search(r"\S+ \(.+:\d+\)", line), \
            "no `qualname (file:line)` on the line of %s: %r" % (name, line)
    roots_column = min(c for (_, c, _) in where.values())
    for name in sorted(TREE_ROOTS):
        assert where[name][1] == roots_column, "root task %s is indented:\n%s" % (name, text)
    assert "pending" in where["parse-1"][2], where["parse-1"][2]


def test_dump_max_tasks_caps_the_snapshot_without_failing(tree):
    run, snapshot = dump_tasks(tree.profiler, tree.pid, "--max-tasks", 3)
    assert len(snapshot["tasks"]) <= 3, describe_tasks(snapshot)
    assert snapshot["tasks_capped"] is True, describe_tasks(snapshot)


def test_grouped_record_roots_the_running_task_at_its_coroutine(python, tree):
    """Only cruncher ever runs: its samples are thread;task:cruncher;cruncher;burn with no
    event loop frames, and they are most of the main thread's samples."""
    run, stacks = tree.grouped()
    task_stacks = [s for s in stacks if s.tasks]
    assert task_stacks, "no sample under a task root\n%s\n%s" % (run.describe(),
                                                                 show_stacks(stacks))
    for stack in task_stacks:
        assert stack.tasks == ("cruncher",), "a suspended task was sampled without " \
            "--tasks all, or a wrong chain:\n%s" % show_stacks([stack])
        assert (stack.thread_name, stack.tid) == ("MainThread", tree.workload.tid("MainThread"))
        first = stack.frames[0]
        assert (first.qualname, first.file) == (shown_name(python, "cruncher"),
                                                tree.workload.script), \
            "a task:cruncher sample does not start at cruncher:\n%s" % show_stacks([stack])
        assert not any(is_loop_machinery(f) for f in stack.frames), show_stacks([stack])
    under_task = sum(s.count for s in task_stacks)
    total = sum(s.count for s in stacks)
    assert under_task >= 0.8 * total, \
        "only %d of %d samples are under task:cruncher, which holds the loop ~always\n%s" % (
            under_task, total, show_stacks(stacks))
    # Samples of the loop itself keep the whole thread stack, from the module down. A
    # sample torn by the running target may rarely be cut short: 2% of them at most.
    cut_short = [s for s in stacks if not s.tasks and s.frames and s.frames[0] != TRUNCATED
                 and s.frames[0].qualname != "<module>"]
    assert sum(s.count for s in cut_short) <= 0.02 * total, \
        "loop samples that do not start at the module (outside any task root):\n%s" % (
            show_stacks(cut_short))


def test_all_tasks_record_samples_every_suspended_task_as_awaiting(python, tree):
    """--tasks all: each tick, every pending task adds a sample of its await stack: for
    parse-N rooted task:main;task:fetch-N;task:parse-N then parse, parse_body."""
    run, stacks = tree.report("--state", "awaiting")
    record_run, _ = tree.all_tasks_raw()
    context = "\n%s\n%s" % (record_run.describe(), show_stacks(stacks))
    assert stacks, "no awaiting samples" + context
    rootless = [s for s in stacks if not s.tasks]
    assert not rootless, "awaiting samples without a task root:\n%s" % show_stacks(rootless)
    ticks = 100 * 2  # -r 100 -d 2
    parse, parse_body = marked(python, TREE, "parse"), marked(python, TREE, "parse_body")
    for n in FETCHES:
        chain = ("main", "fetch-%d" % n, "parse-%d" % n)
        mine = [s for s in stacks if s.tasks and s.tasks[-1] == "parse-%d" % n]
        assert mine, "no awaiting sample of parse-%d" % n + context
        for stack in mine:
            assert stack.tasks == chain, "parse-%d rooted %s, expected %s%s" % (
                n, stack.tasks, chain, context)
            frames = [(f.qualname, f.file, f.line) for f in stack.frames]
            assert frames[:2] == [parse, parse_body], \
                "parse-%d's await stack %s does not start at parse, parse_body%s" % (
                    n, frames, context)
            assert (stack.thread_name, stack.tid) == \
                ("MainThread", tree.workload.tid("MainThread")), show_stacks([stack])
        count = sum(s.count for s in mine)
        assert count >= 0.5 * ticks, \
            "parse-%d, pending the whole time, has %d awaiting samples in %d ticks%s" % (
                n, count, ticks, context)
    for name in ("g-a", "g-b"):
        mine = [s for s in stacks if s.tasks and s.tasks[-1] == name]
        assert mine and all(s.tasks == ("gatherer", name) for s in mine), \
            "%s is not sampled as awaited by gatherer%s" % (name, context)


def test_all_tasks_record_never_shows_a_suspended_task_running(tree):
    run, stacks = tree.report("--state", "running")
    suspended = [s for s in stacks if s.tasks and s.tasks[-1] != "cruncher"]
    assert not suspended, "suspended tasks sampled as running:\n%s" % show_stacks(suspended)
    assert any(s.tasks == ("cruncher",) for s in stacks), \
        "cruncher has no running sample:\n%s" % show_stacks(stacks)


def test_report_task_filters_by_innermost_task(tree):
    run, stacks = tree.report("--task", "parse-1")
    assert stacks, "report --task parse-1 is empty\n" + run.describe()
    others = [s for s in stacks if not s.tasks or s.tasks[-1] != "parse-1"]
    assert not others, "report --task parse-1 kept:\n%s" % show_stacks(others)
    run, stacks = tree.report("--task", "fetch-1")
    assert not any(s.tasks and s.tasks[-1] == "parse-1" for s in stacks), \
        "report --task fetch-1 kept parse-1's samples:\n%s" % show_stacks(stacks)


def test_record_max_tasks_is_reported_not_an_error(tree):
    run, output = tree.record("--group", "task", "--tasks", "all", "--max-tasks", 2,
                              name="capped.txt", seconds=1)
    # each of about 200 ticks: the main thread and at most 2 tasks, not all 10 pending ones
    assert run.summary()["samples"] <= 3 * 200 * 1.15, \
        "--max-tasks 2 did not cap the task samples\n" + run.describe()
    assert re.search(r"cap|max-tasks", run.stderr, re.IGNORECASE), \
        "hitting --max-tasks 2 with 11 tasks was not reported\n" + run.describe()
    stacks = parse_task_collapsed(output.read_bytes())
    assert stacks, run.describe()


# --- c, d. the same tree with pure-Python tasks, and with eager tasks --------------------

def test_pure_python_tasks_make_the_same_tree(python, profiler, start_workload):
    workload = start_workload(python, TREE, "--pure-python")
    assert is_pure_python(workload), \
        "the C accelerator was not hidden: %s" % workload.info
    snapshot = settled_snapshot(profiler, workload.pid, TREE_NAMES)
    assert_whole_tree(python, workload, snapshot)


# Eager tasks (asyncio.eager_task_factory) exist from 3.12: older interpreters get no case.
EAGER_PYTHONS = [i for i in selected() if i.version >= (3, 12)]


@pytest.fixture(scope="session", params=EAGER_PYTHONS, ids=str)
def eager_python(request):
    return request.param


def test_eager_tasks_make_the_same_tree(eager_python, profiler, start_workload):
    workload = start_workload(eager_python, TREE, "--eager")
    assert workload.info["eager"] and workload.info["eager_started"], \
        "the tasks did not start eagerly: %s" % workload.info
    snapshot = settled_snapshot(profiler, workload.pid, TREE_NAMES)
    assert_whole_tree(eager_python, workload, snapshot)


# --- a. CPython's own view (`python -m asyncio pstree`, 3.14+: older ones have none) -----

PSTREE_PYTHONS = [i for i in selected() if i.version >= (3, 14)]


@pytest.fixture(scope="session", params=PSTREE_PYTHONS, ids=str)
def pstree_python(request):
    return request.param


def pstree_relations(text: str):
    """{(awaiter, awaited)} from the `(T) NAME` lines of pstree's tree: a task's awaiter is
    the nearest task line above it that is indented less."""
    relations, open_tasks = set(), []
    for line in text.splitlines():
        found = re.search(r"\(T\) (?P<name>\S.*?)\s*$", line)
        if not found:
            continue
        column = found.start()
        while open_tasks and open_tasks[-1][0] >= column:
            open_tasks.pop()
        if open_tasks:
            relations.add((open_tasks[-1][1], found["name"]))
        open_tasks.append((column, found["name"]))
    return relations


def test_awaited_by_agrees_with_cpythons_pstree(pstree_python, profiler, start_workload):
    workload = start_workload(pstree_python, TREE)
    snapshot = settled_snapshot(profiler, workload.pid, TREE_NAMES)
    try:
        pstree = subprocess.run([pstree_python.path, "-m", "asyncio", "pstree",
                                 str(workload.pid)], stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=clean_env(), timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail("python -m asyncio pstree %d did not finish in 60s" % workload.pid)
    out = pstree.stdout.decode(errors="replace")
    assert pstree.returncode == 0, "python -m asyncio pstree failed (%d):\n%s\n%s" % (
        pstree.returncode, pstree.stderr.decode(errors="replace"), out)
    relations = pstree_relations(out)
    expected = {(parent, child) for child, parents in TREE_AWAITED_BY.items()
                for parent in parents}
    assert expected <= relations, "pstree's tree is not the one expected (unparsed?):\n" + out
    tasks = by_name(snapshot)
    missing = [(parent, child) for parent, child in sorted(relations)
               if parent not in tasks or child not in tasks
               or tasks[parent]["id"] not in tasks[child]["awaited_by"]]
    assert not missing, "pstree shows these awaits that awaited_by lacks: %s\npstree:\n%s\n" \
        "dump:\n%s" % (missing, out, describe_tasks(snapshot))


# --- e. two loops in two threads --------------------------------------------------------

def test_tasks_of_two_loops_name_their_loop_thread(python, profiler, start_workload):
    workload = start_workload(python, TWO_LOOPS)
    names = set(workload.info["tasks"])
    snapshot = settled_snapshot(profiler, workload.pid, names)
    tasks = by_name(snapshot)
    assert set(tasks) == names, describe_tasks(snapshot)
    wrong = {}
    for name, thread in workload.info["task_threads"].items():
        if tasks[name]["tid"] != workload.tid(thread):
            wrong[name] = "tid %s, expected %s's %d" % (tasks[name]["tid"], thread,
                                                        workload.tid(thread))
        assert tasks[name]["id"] == workload.info["tasks"][name], describe_tasks(snapshot)
    assert not wrong, "%s\nthreads: %s\n%s" % (wrong, workload.threads, describe_tasks(snapshot))
    ids = {name: task["id"] for name, task in tasks.items()}
    for prefix in ("a", "b"):
        for n in (1, 2):
            child = tasks["%s-%d" % (prefix, n)]
            assert child["awaited_by"] == [ids[prefix + "-main"]], describe_tasks(snapshot)
            assert in_script(child, TWO_LOOPS) == [marked(python, TWO_LOOPS, "sleeper")], \
                describe_tasks(snapshot)
        assert tasks[prefix + "-main"]["awaited_by"] == [], describe_tasks(snapshot)


# --- f. churn ---------------------------------------------------------------------------

def test_task_churn_is_recorded_and_dumped_without_failing(python, profiler, start_workload,
                                                           tmp_path):
    workload = start_workload(python, CHURN)
    raw, collapsed = tmp_path / "churn.pcp", tmp_path / "churn.txt"
    # the lifecycle checks ride along: their task bookkeeping under 10,000 tasks/s
    run = profiler.run("record", "--pid", workload.pid, "--group", "task", "--tasks", "all",
                       "--check-lifecycle", "-r", 1000, "-d", 2.5, "-o", raw, timeout=60)
    assert run.returncode == 0, run.describe()
    assert not CRASH.search(run.stderr), run.describe()
    assert run.summary()["samples"] > 0, run.describe()
    assert b"\nVerdict: " in run.stdout, run.describe()
    assert_running_freely(workload.pid, busy=False)  # it churns at ~10% of a CPU

    report = profiler.run("report", raw, "-o", collapsed)
    assert report.returncode == 0, report.describe()
    stacks = parse_task_collapsed(collapsed.read_bytes())
    assert any("churner" in s.tasks for s in stacks), \
        "no sample of task churner\n%s\n%s" % (run.describe(), show_stacks(stacks))

    seen = []
    for _ in range(3):
        run, snapshot = dump_tasks(profiler, workload.pid)
        assert not CRASH.search(run.stderr), run.describe()
        seen.append({t["name"] for t in snapshot["tasks"]})
    assert any("churner" in names for names in seen), \
        "no dump of 3 found task churner: %s" % [sorted(n)[:10] for n in seen]


# --- g. no asyncio ----------------------------------------------------------------------

def test_a_process_without_asyncio_has_no_tasks(python, profiler, start_workload, tmp_path):
    workload = start_workload(python, NO_ASYNCIO)
    run, snapshot = dump_tasks(profiler, workload.pid)
    assert snapshot["tasks"] == [] and snapshot["task_cycles"] == [], describe_tasks(snapshot)
    assert snapshot["tasks_dropped"] == 0 and snapshot["tasks_capped"] is False, \
        describe_tasks(snapshot)
    assert {(t["name"], t["tid"]) for t in snapshot["threads"]} == set(workload.threads)

    output = tmp_path / "plain.txt"
    run = profiler.run("record", "--pid", workload.pid, "-d", 1, "--group", "task",
                       "--tasks", "all", "-o", output)
    assert run.returncode == 0, run.describe()
    # no task roots at all: the plain collapsed format, which parse_collapsed insists on
    profile = parse_collapsed(output.read_bytes())
    assert profile.roots() == set(workload.threads), run.describe()
