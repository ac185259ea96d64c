"""Hostile targets: a target that churns everything at 1 kHz, one that exec's a new
program, one that is stopped, one whose pid is reused; and hostile outputs (a closed
pipe, a full disk). The profiler never crashes, never hangs, never harms the target and
says what happened."""
import os
import re
import signal
import subprocess
import time

import pytest

from conftest import Workload, assert_running_freely, parse_collapsed, task_states

CRASH = re.compile(r"Segmentation|AddressSanitizer|LeakSanitizer|runtime error|Assertion|"
                   r"core dumped|internal error|panic", re.IGNORECASE)
CHURN_SECONDS = 10


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
