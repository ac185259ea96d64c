"""The code cache never names a frame wrongly while the target replaces its code objects.

The profiler resolves each code object once and caches it by address (issue 8).
workloads/replaces_code_objects.py defeats a naive cache: every 20 ms it execs or reloads a
new function of the same shape, which the allocator usually puts where the last one was
freed, with a new name, file name and line table.  One recording of it is checked twice:

- every generated frame is self-consistent: gen_N_lineL comes from `<generated-N>`,
  reloaded_N_lineL from replaced_module.py, both on line L (or L-1, their `def`);
- paused truth: while the recording runs, the test stops the target (SIGSTOP) for 0.3 s
  at a time and takes a `dump` of it, read by a fresh process with no cache; the recording
  must hold that same stack (name, file and line of every frame) for those 0.3 s.  A
  stale cache entry names a function that is no longer running, which is consistent in
  itself and only this check sees.
"""
import json
import os
import re
import signal
import time

from conftest import parse_collapsed

RATE = 1000
PAUSE_SECONDS = 0.3
PAUSES_WANTED = 3   # pauses that caught a generated function running
PAUSES_MAX = 12
GENERATED = re.compile(r"^(gen|reloaded)_(\d+)_line(\d+)$")


def generated_frame_problem(frame):
    """Why a generated frame cannot be what ran, or None."""
    found = GENERATED.match(frame.qualname)
    if not found:
        return None
    kind, n, line = found.group(1), int(found.group(2)), int(found.group(3))
    if kind == "gen" and frame.file != "<generated-%d>" % n:
        return "%s from %s" % (frame, frame.file)
    if kind == "reloaded" and not frame.file.endswith("/replaced_module.py"):
        return "%s from %s" % (frame, frame.file)
    if frame.line not in (line - 1, line):
        return "%s on line %s, not %d" % (frame.qualname, frame.line, line)
    return None


def wait_until_stopped(pid, timeout=5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with open("/proc/%d/stat" % pid) as stat:
            if stat.read().rsplit(")", 1)[1].split()[0] == "T":
                return
        time.sleep(0.005)
    raise AssertionError("process %d did not stop within %ss" % (pid, timeout))


def paused_dump(profiler, pid):
    """Stops pid, dumps it, keeps it stopped PAUSE_SECONDS in all, resumes it; the dump's
    main-thread stack as (name, file, line), outermost first."""
    os.kill(pid, signal.SIGSTOP)
    try:
        wait_until_stopped(pid)
        stopped = time.monotonic()
        dump = profiler.run("dump", "--json", "--pid", pid, timeout=20)
        assert dump.returncode == 0, dump.describe()
        time.sleep(max(0.0, PAUSE_SECONDS - (time.monotonic() - stopped)))
    finally:
        os.kill(pid, signal.SIGCONT)
    thread = next(t for t in json.loads(dump.stdout)["threads"] if t["tid"] == pid)
    return tuple((f["name"], f["file"], f["line"]) for f in reversed(thread["frames"]))


def test_replaced_code_objects_are_named_right(python, profiler, start_workload, tmp_path):
    workload = start_workload(python, "replaces_code_objects.py", "--seconds", "60")
    pid = workload.pid
    output = tmp_path / "churn.txt"
    recording = profiler.start("-r", RATE, "-o", output, "--pid", pid)
    time.sleep(0.5)  # the cache has seen a hundred replaced functions before the first pause
    truths, pauses = [], 0
    while len(truths) < PAUSES_WANTED and pauses < PAUSES_MAX:
        pauses += 1
        stack = paused_dump(profiler, pid)
        if any(GENERATED.match(name) for name, _, _ in stack):
            truths.append(stack)
        time.sleep(0.2)
    os.kill(recording.pid, signal.SIGINT)
    run = recording.finish(timeout=30)
    assert run.returncode == 0, run.describe()
    assert len(truths) == PAUSES_WANTED, \
        "only %d of %d pauses caught a generated function running" % (len(truths), pauses)

    profile = parse_collapsed(output.read_bytes())
    main = profile.of_thread(pid)
    generated = [f for s in main for f in s.frames if GENERATED.match(f.qualname)]
    samples = sum(s.count for s in main if any(GENERATED.match(f.qualname) for f in s.frames))
    assert samples > 500, "too few samples in generated functions: %d\n%s" % (
        samples, run.describe())
    wrong = sorted({p for p in map(generated_frame_problem, generated) if p})
    assert not wrong, "frames named or placed wrongly:\n  %s\n%s" % (
        "\n  ".join(wrong[:20]), run.describe())

    held = {}
    for s in main:
        key = tuple((f.qualname, f.file, f.line) for f in s.frames)
        held[key] = held.get(key, 0) + s.count
    for truth in truths:
        # 0.3 s at 1 kHz is 300 samples; a loaded machine may skip some ticks
        assert held.get(truth, 0) >= 0.3 * PAUSE_SECONDS * RATE, \
            "the paused stack (dump):\n  %s\nhas %d samples in the recording; its most " \
            "sampled stacks holding a generated function:\n  %s\n%s" % (
                "\n  ".join(map(str, truth)), held.get(truth, 0),
                "\n  ".join("%d  %s" % (n, k[-1]) for k, n in sorted(
                    held.items(), key=lambda kv: -kv[1])[:5]), run.describe())
