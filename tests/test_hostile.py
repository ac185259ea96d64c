"""Hostile targets: a target that churns everything at 1 kHz, one that exec's a new
program, one that is stopped, one whose pid is reused, one with 1,000 threads or 10,000
asyncio tasks; hostile outputs (a closed pipe, a full disk); and a profiler SIGKILLed at
random moments. The profiler never crashes, never hangs, never harms the target and says
what happened."""
import math
import os
import random
import re
import signal
import subprocess
import time
from typing import Dict, List, Tuple

import pytest

from conftest import (Frame, Workload, assert_running_freely, cpu_ticks, marker_line,
                      parse_collapsed, task_states)
from interpreters import Interpreter, selected
from test_asyncio_tasks import parse_task_collapsed, show_stacks

CRASH = re.compile(r"Segmentation|AddressSanitizer|LeakSanitizer|runtime error|Assertion|"
                   r"core dumped|internal error|panic", re.IGNORECASE)
CHURN_SECONDS = 6  # 6,000 ticks at 1 kHz; 10 s cost CI 20 s more for no more coverage


def test_a_target_churning_threads_frames_and_coroutines_at_1khz(python, profiler,
                                                                start_workload, tmp_path):
    workload = start_workload(python, "churns_everything.py", "--seconds", CHURN_SECONDS + 20)
    output = tmp_path / "churn.txt"
    run = profiler.run("record", "--pid", workload.pid, "-r", 1000, "-d", CHURN_SECONDS,
                       "-o", output, timeout=CHURN_SECONDS + 30)
    assert run.returncode == 0, run.describe()
    assert not CRASH.search(run.stderr), run.describe()
    assert run.elapsed < CHURN_SECONDS + 10, "took %.1f s: %s" % (run.elapsed, run.describe())
    # Ticks a 4096-frame walk overran are counted as missed (<=3.10 reads one frame
    # object at a time): the recording keeps going, it does not stall.
    summary = run.summary()
    ticks = int(re.search(r"\((\d+) ticks in", run.stderr).group(1))
    assert ticks >= CHURN_SECONDS * 20 and summary["samples"] >= ticks, run.describe()
    profile = parse_collapsed(output.read_bytes())
    deep = [s for s in profile.stacks if sum(1 for f in s.frames if f.qualname == "dive") >= 1000]
    assert deep, "no sample of the 10,000-deep recursion\n%s" % run.describe()
    assert any(s.thread_name == "generators" for s in profile.stacks), run.describe()
    assert_running_freely(workload.pid)


def test_a_target_that_execs_a_new_program_stops_the_recording_cleanly(python, profiler,
                                                                      tmp_path):
    output = tmp_path / "exec.txt"
    run = profiler.run("record", "-o", output, "--", python.path,
                       Workload.path_of("execs_itself.py"), timeout=30)
    assert run.returncode == 0, run.describe()  # the command's own status: it exits 0
    assert not CRASH.search(run.stderr), run.describe()
    assert "exec'd a new program" in run.stderr, run.describe()
    profile = parse_collapsed(output.read_bytes())
    assert profile.samples_containing("busy_before_exec") > 0, \
        "the samples before the exec were lost\n%s" % run.describe()


@pytest.mark.parametrize("blocking", [False, True], ids=["", "blocking"])
def test_a_stopped_target_is_sampled_and_left_stopped(python, profiler, start_workload,
                                                      tmp_path, blocking):
    workload = start_workload(python, "busy_and_sleeping_threads.py")
    os.kill(workload.pid, signal.SIGSTOP)
    try:
        run = profiler.run("record", "--pid", workload.pid, "-d", 1, "-o", tmp_path / "s.txt",
                           *(["--blocking"] if blocking else []), timeout=20)
        assert run.returncode == 0, run.describe()
        assert run.elapsed < 8, run.describe()
        assert run.summary()["samples"] > 0, run.describe()
        states = task_states(workload.pid)
        assert states and all(s == "T" for s in states.values()), \
            "a stopped target must stay stopped as it was: %s" % states
    finally:
        os.kill(workload.pid, signal.SIGCONT)
    time.sleep(0.2)
    assert_running_freely(workload.pid)


def test_a_reused_pid_is_not_profiled_as_the_old_process(any_python, profiler, tmp_path):
    if os.geteuid() != 0:
        pytest.skip("reusing a pid on purpose needs root (/proc/sys/kernel/ns_last_pid)")
    sleeper = [any_python.path, "-c", "import time; time.sleep(60)"]
    old = subprocess.Popen(sleeper)
    time.sleep(0.5)
    recording = profiler.start("record", "--pid", old.pid, "-d", 30, "-o", tmp_path / "r.txt")
    new = None
    try:
        time.sleep(1.0)
        os.kill(recording.pid, signal.SIGSTOP)  # it must not see the old process go
        old.kill()
        old.wait()
        for _ in range(20):  # another process may take the pid first: try again
            with open("/proc/sys/kernel/ns_last_pid", "w") as last:
                last.write(str(old.pid - 1))
            new = subprocess.Popen(sleeper)
            if new.pid == old.pid:
                break
            new.kill()
            new.wait()
            new = None
        assert new is not None, "could not get pid %d again" % old.pid
        time.sleep(0.5)
        os.kill(recording.pid, signal.SIGCONT)
        run = recording.finish(20)
        assert run.returncode == 0, run.describe()
        assert run.elapsed < 25, "it went on profiling the new process\n%s" % run.describe()
        assert "pid now belongs to another process" in run.stderr or \
            "target exited" in run.stderr, run.describe()
        assert new.poll() is None and all(s not in "tT" for s in task_states(new.pid).values())
    finally:
        recording.kill()
        for process in (old, new):
            if process and process.poll() is None:
                process.kill()
                process.wait()


def test_a_closed_standard_output_is_an_error(any_python, profiler, start_workload):
    workload = start_workload(any_python, "busy_and_sleeping_threads.py")
    reader, writer = os.pipe()
    os.close(reader)  # nobody will read what it writes
    process = subprocess.Popen(profiler.command + ["record", "--pid", str(workload.pid),
                                                   "-d", "0.5"],
                               stdout=writer, stderr=subprocess.PIPE)
    os.close(writer)
    _, stderr = process.communicate(timeout=20)
    assert process.returncode == 1, stderr
    assert b"cannot write standard output" in stderr, stderr
    assert_running_freely(workload.pid)


def test_a_full_disk_fails_the_output_and_leaves_no_partial_file(any_python, profiler,
                                                                 start_workload, tmp_path):
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", str(disk)],
                             capture_output=True)
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here: %s" % mounted.stderr.decode())
    try:
        (disk / "filler").write_bytes(b"\0" * 12 * 1024)
        workload = start_workload(any_python, "busy_and_sleeping_threads.py")
        run = profiler.run("record", "--pid", workload.pid, "-d", 1, "-o", disk / "out.svg",
                           timeout=20)
        assert run.returncode == 1, run.describe()
        assert "No space left on device" in run.stderr, run.describe()
        assert "removed the incomplete" in run.stderr, run.describe()
        assert not (disk / "out.svg").exists(), "a partial SVG was left behind"
        assert_running_freely(workload.pid)
    finally:
        subprocess.run(["umount", str(disk)], capture_output=True)


# --- SIGKILL at random moments ----------------------------------------------------------

KILLS = 50  # per interpreter and mode: 150 of each mode over the three interpreters
# (--native pauses every thread per tick like --blocking, and unwinds them meanwhile)
KILL_DELAY = (0.001, 0.2)  # seconds, drawn log-uniformly: start-up, attach, first pause, steady
KILL_CHECK_EVERY = 25      # kills between two looks at the target's CPU time
RELEASE_WINDOW = 0.1       # seconds the kernel may take to finish detaching a dead tracer


def kill_seed() -> int:
    """PYCONC_KILL_SEED replays a failed run; otherwise a fresh seed each run."""
    configured = os.environ.get("PYCONC_KILL_SEED")
    return int(configured) if configured else random.SystemRandom().randrange(2 ** 32)


def stopped_or_traced(pid: int) -> Dict[str, Tuple[str, int]]:
    """{where: (State, TracerPid)} of the process and of each of its threads that is stopped
    (T), in a tracing stop (t) or has a tracer, from /proc/PID/status and
    /proc/PID/task/TID/status."""
    held = {}
    paths = ["/proc/%d/status" % pid] + ["/proc/%d/task/%s/status" % (pid, tid)
                                          for tid in os.listdir("/proc/%d/task" % pid)]
    for path in paths:
        try:
            with open(path) as status:
                fields = dict(line.split(":", 1) for line in status if ":" in line)
        except (FileNotFoundError, ProcessLookupError):
            continue  # a thread that just ended
        state, tracer = fields["State"].split()[0], int(fields["TracerPid"])
        if state in "tT" or tracer != 0:
            held[path] = (state, tracer)
    return held


def assert_released(pid: int, context: str):
    """Within RELEASE_WINDOW, no thread of pid is stopped or traced: the kernel detached
    the dead profiler and nothing is left paused."""
    deadline = time.monotonic() + RELEASE_WINDOW
    while True:
        assert os.path.exists("/proc/%d" % pid), "the target died\n" + context
        held = stopped_or_traced(pid)
        if not held:
            return
        if time.monotonic() >= deadline:
            pytest.fail("%.0f ms after the profiler was reaped, the target is still held "
                        "(State, TracerPid): %s\n%s" % (RELEASE_WINDOW * 1000, held, context))
        time.sleep(0.002)


def assert_cpu_grows(pid: int, context: str, ticks: int = 3, within: float = 3.0):
    """The target's CPU time grows by `ticks` clock ticks within `within` seconds (its busy
    thread gets them in ~30 ms when it runs)."""
    before = cpu_ticks(pid)
    deadline = time.monotonic() + within
    while cpu_ticks(pid) - before < ticks:
        assert time.monotonic() < deadline, \
            "target %d used %d clock ticks of CPU in %.1f s: it is not making progress\n%s" % (
                pid, cpu_ticks(pid) - before, within, context)
        time.sleep(0.005)


def kill_interpreters() -> List[Interpreter]:
    """The kernel undoes a dead tracer's stops the same way whatever the target runs: the
    oldest and newest pyenv builds and the newest Debian one carry the test (CI time);
    those of them this run covers, else the first interpreter it covers."""
    covered = selected()
    wanted = ("py3.8-pyenv", "py3.13-pyenv", "py3.15-sid")
    return [i for i in covered if i.id in wanted] or covered[:1]


@pytest.mark.sanitizer_blind
@pytest.mark.parametrize("python", kill_interpreters(), ids=str)
@pytest.mark.parametrize("mode", ["", "--blocking", "--native"], ids=["sampling", "blocking", "native"])
def test_sigkill_of_the_profiler_at_random_moments_never_leaves_the_target_stopped(
        python, profiler, start_workload, tmp_path, mode):
    """A hundred recordings at 1000 Hz, each SIGKILLed after a random 1-200 ms: during its
    start-up, its attach, its first pause (--blocking) or steady sampling. After each, once
    the profiler is reaped, no thread of the target is stopped or still traced, and every
    KILL_CHECK_EVERY kills the target is seen using CPU: the kernel's cleanup of a dead
    tracer is all the profiler may rely on, and it must be enough at any moment."""
    seed = kill_seed()
    draw = random.Random(seed)
    low, high = (math.log(d) for d in KILL_DELAY)
    workload = start_workload(python, "busy_and_sleeping_threads.py")
    options = [mode] if mode else []
    kills_while_attached = 0
    for number in range(1, KILLS + 1):
        delay = math.exp(draw.uniform(low, high))
        running = profiler.start("record", "-r", 1000, *options, "--pid", workload.pid,
                                 "-o", tmp_path / ("kill-%03d.txt" % number))
        time.sleep(delay)
        exited_early = running.process.poll() is not None
        if mode and any(tracer == running.pid
                        for _, tracer in stopped_or_traced(workload.pid).values()):
            kills_while_attached += 1
        os.killpg(running.pid, signal.SIGKILL)  # it leads its own session (Running)
        _, stderr = running.process.communicate(timeout=10)  # reaps it
        context = "kill %d of %d, %.1f ms after the start of `pyconc-prof %s` " \
                  "(PYCONC_KILL_SEED=%d); its stderr:\n%s" % (
                      number, KILLS, delay * 1000, " ".join(running.args), seed,
                      stderr.decode(errors="replace")[-2000:])
        assert not exited_early, "the profiler exited before it was killed\n" + context
        assert_released(workload.pid, context)
        if number % KILL_CHECK_EVERY == 0:  # the last kill too
            assert_cpu_grows(workload.pid, context)
    if mode:
        print("seed %d: %d of %d kills landed while the target was seized" % (
            seed, kills_while_attached, KILLS))
        # the peek before each kill is a lower bound: it proves the attached case was hit
        assert kills_while_attached >= 1, \
            "only %d of %d kills landed while the profiler had the target seized " \
            "(PYCONC_KILL_SEED=%d): the test no longer covers attach and pauses" % (
                kills_while_attached, KILLS, seed)


# --- scale: a thousand threads, ten thousand tasks ---------------------------------------

# Each long recording runs on one interpreter (CI time): the thousand threads on the newest,
# the ten thousand tasks on an old one, whose task set is a WeakSet full of deleted entries.
THREADS_SCALE_ID = "py3.15-sid"
TASKS_SCALE_ID = "py3.9-pyenv"
SCALE_SECONDS = 30
SCALE_RATE = 100
RSS_LIMIT_MIB = 256
RSS_SETTLED_AT = 10.0  # seconds into the run: from here to the end of the recording,
                       # memory must stay flat (writing the output afterwards may add some)
RSS_GROWTH = 0.2       # at most this share of the peak RSS by then...
RSS_GROWTH_MIB = 4     # ...or this many MiB, whichever is larger


def scale_interpreter(wanted: str) -> List[Interpreter]:
    """[the interpreter `wanted`] when this run covers it (PYCONC_TEST_PYTHONS narrows the
    run), else [the first one it covers]."""
    covered = selected()
    return [i for i in covered if i.id == wanted] or covered[:1]


@pytest.fixture
def small_asan_quarantine(monkeypatch):
    """Under AddressSanitizer (`make asan-test`) freed memory waits in a 256 MB quarantine,
    which a 30 s recording fills: resident memory the profiler does not use. A 16 MB one
    keeps RSS about the profiler; builds without ASan ignore ASAN_OPTIONS."""
    options = os.environ.get("ASAN_OPTIONS")
    monkeypatch.setenv("ASAN_OPTIONS", (options + ":" if options else "") +
                       "quarantine_size_mb=16")


def memory_kib(pid: int) -> Dict[str, int]:
    """VmRSS and VmHWM (peak RSS) of a live process, in KiB; {} once it is gone."""
    try:
        with open("/proc/%d/status" % pid) as status:
            return {line.split(":")[0]: int(line.split()[1]) for line in status
                    if line.startswith(("VmRSS:", "VmHWM:"))}
    except (FileNotFoundError, ProcessLookupError):
        return {}


def record_watching_memory(profiler, *args):
    """Records for SCALE_SECONDS, reading the profiler's memory every 0.5 s:
    (the finished run, [(seconds since start, VmRSS KiB, VmHWM KiB)])."""
    running = profiler.start("record", "-r", SCALE_RATE, "-d", SCALE_SECONDS, *args)
    readings = []
    deadline = running.started + SCALE_SECONDS + 60
    while running.process.poll() is None and time.monotonic() < deadline:
        memory = memory_kib(running.pid)
        if "VmRSS" in memory:  # not yet a zombie
            readings.append((time.monotonic() - running.started, memory["VmRSS"],
                             memory["VmHWM"]))
        time.sleep(0.5)
    run = running.finish(timeout=max(1.0, deadline - time.monotonic()))
    return run, readings


def assert_memory_bounded(run, readings: List[Tuple[float, int, int]]) -> str:
    """Peak RSS under RSS_LIMIT_MIB, and the peak grows by no more than RSS_GROWTH (or
    RSS_GROWTH_MIB) from RSS_SETTLED_AT seconds to the end of the recording (SCALE_SECONDS
    after the profiler started is before it, as attaching comes first). Peaks, not RSS
    itself: the allocator hands memory back and takes it again, a few MiB either way.
    Returns the figures, for messages."""
    settled = [hwm for at, _, hwm in readings if RSS_SETTLED_AT <= at <= SCALE_SECONDS]
    assert len(settled) >= 10, "too few memory readings while recording: %s\n%s" % (
        readings, run.describe())
    peak = readings[-1][2]
    shown = "profiler RSS: peak %.1f MiB; peak %.1f MiB at %.0f s, %.1f MiB at %d s" % (
        peak / 1024, settled[0] / 1024, RSS_SETTLED_AT, settled[-1] / 1024, SCALE_SECONDS)
    assert peak < RSS_LIMIT_MIB * 1024, \
        "%s: over %d MiB\n%s" % (shown, RSS_LIMIT_MIB, run.describe())
    allowed = max(settled[0] * RSS_GROWTH, RSS_GROWTH_MIB * 1024)
    assert settled[-1] - settled[0] <= allowed, \
        "%s: it grows while sampling a target that does not\nreadings (s, VmRSS KiB, " \
        "VmHWM KiB): %s\n%s" % (shown, readings, run.describe())
    return shown


def assert_recorded_without_failing(run) -> Dict[str, float]:
    """Exit 0, no crash, a summary line; returns its figures with the ticks and Hz."""
    assert run.returncode == 0, run.describe()
    assert not CRASH.search(run.stderr), run.describe()
    summary = run.summary()
    rate = re.search(r"\((\d+) ticks in ([\d.]+) s, ([\d.]+) Hz achieved", run.stderr)
    assert rate, "no `(N ticks in S s, H Hz achieved` on stderr\n" + run.describe()
    summary.update(ticks=int(rate.group(1)), hz=float(rate.group(3)))
    assert summary["samples"] > 0 and summary["ticks"] > 0, run.describe()
    return summary


@pytest.mark.scale
@pytest.mark.parametrize("scale_python", scale_interpreter(THREADS_SCALE_ID), ids=str)
def test_a_target_with_1000_threads_is_sampled_for_30_s_with_bounded_memory(
        scale_python, profiler, start_workload, tmp_path, small_asan_quarantine):
    """1,000 parked threads and 2 busy ones, recorded for 30 s at 100 Hz: the profiler may
    fall behind (missed ticks are counted), but it samples nearly every thread under its
    own name and tid, invents none, keeps its memory flat, and leaves the target running."""
    workload = start_workload(scale_python, "thousand_threads.py")
    assert len(workload.threads) == 1003, "the workload started %d threads" % len(
        workload.threads)
    output = tmp_path / "threads.txt"
    run, readings = record_watching_memory(profiler, "--pid", workload.pid, "-o", output)
    summary = assert_recorded_without_failing(run)
    memory = assert_memory_bounded(run, readings)
    print("%s; %s" % (summary, memory))
    profile = parse_collapsed(output.read_bytes())
    invented = profile.roots() - set(workload.threads)
    assert not invented, "thread roots that are no thread of the target (name, tid): %s" % (
        sorted(invented)[:20])
    seen = {tid for _, tid in profile.roots()}
    assert len(seen) >= 900, "only %d of the %d threads were sampled (%s; %s)\n%s" % (
        len(seen), len(workload.threads), summary, memory, run.describe())
    assert_running_freely(workload.pid)


TASKS = "ten_thousand_tasks.py"
TASKS_CUT = re.compile(r"(\d+) task snapshots cut at --max-tasks")
TASKS_NOT_READ = re.compile(r"(\d+) tasks not read \(torn or over the cap\), "
                            r"(\d+) task reads torn")


@pytest.mark.scale
@pytest.mark.parametrize("scale_python", scale_interpreter(TASKS_SCALE_ID), ids=str)
def test_a_target_with_10000_tasks_is_sampled_for_30_s_with_bounded_memory(
        scale_python, profiler, start_workload, tmp_path, small_asan_quarantine):
    """10,000 pending asyncio tasks (parked on an Event, sleeping, or churning short-lived
    tasks), the short-lived ones and the main task, recorded for 30 s at 100 Hz with every
    suspended task's await stack: more than the default --max-tasks 10000, so snapshots are
    cut, which the summary reports while the recording succeeds. Each kind of task is
    sampled at its own await line, and the profiler's memory stays flat though tasks keep
    coming and going."""
    workload = start_workload(scale_python, TASKS)
    pending = workload.info["tasks"]["pending"]
    assert pending >= 10000, "the workload has only %d pending tasks" % pending
    output = tmp_path / "tasks.txt"
    run, readings = record_watching_memory(profiler, "--pid", workload.pid, "--group",
                                           "task", "--tasks", "all", "-o", output)
    summary = assert_recorded_without_failing(run)
    memory = assert_memory_bounded(run, readings)
    over = pending + 1 - 10000  # the main task is one more
    cut_clause, not_read_clause = TASKS_CUT.search(run.stderr), TASKS_NOT_READ.search(run.stderr)
    assert cut_clause and not_read_clause, "the summary does not tell of the %d tasks over " \
        "--max-tasks 10000\n%s" % (over, run.describe())
    cut = int(cut_clause.group(1))
    not_read, torn = (int(n) for n in not_read_clause.groups())
    print("%s; %d snapshots cut, %d tasks not read, %d task reads torn; %s" % (
        summary, cut, not_read, torn, memory))
    assert 0 < cut <= summary["ticks"] and not_read >= cut, \
        "%d tasks are over --max-tasks 10000, yet %d of %d snapshots were cut and %d tasks " \
        "not read\n%s" % (over, cut, summary["ticks"], not_read, run.describe())
    # Only tasks truly over the cap go unread: the workload's 100 short-lived ones at most
    # beyond `over` (not a WeakSet's dead entries, which once took thousands of places).
    assert not_read <= cut * (over + 150), \
        "%d tasks not read in %d cut snapshots: more than the %d over --max-tasks each\n%s" % (
            not_read, cut, over, run.describe())

    stacks = parse_task_collapsed(output.read_bytes())
    innermost = {s.tasks[-1] for s in stacks if s.tasks}
    assert len(innermost) >= 9000, "only %d distinct tasks were sampled\n%s" % (
        len(innermost), show_stacks(stacks))
    path = Workload.path_of(TASKS)
    # Which tasks a cut snapshot leaves out depends on the interpreter (3.14+ keep a list
    # in creation order: the newest, the short-lived ones, fall past the cap), so only the
    # long-lived kinds are sure to be sampled.
    for prefix, function, marker in (("waiter-", "waits_for_the_event", "event"),
                                     ("sleeper-", "sleeps_in_a_loop", "sleep"),
                                     ("churn-", "churns", "churn")):
        line = marker_line(TASKS, "awaits: " + marker)
        assert any(s.tasks and s.tasks[-1].startswith(prefix)
                   and Frame(function, path, line) in s.frames for s in stacks), \
            "no sample of a task %sN awaiting in %s at line %d\n%s" % (
                prefix, function, line, show_stacks(stacks))
    assert_running_freely(workload.pid, busy=False)
