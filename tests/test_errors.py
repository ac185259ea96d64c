"""What the profiler says and does when it cannot do what was asked.

Exit codes: 1 usage error, 2 cannot attach (no such pid, permission, not Python,
unsupported version). Errors say what failed on what, and never harm the target.
"""

import os
import shutil
import subprocess

import pytest

from conftest import (Profiler, Workload, assert_running_freely, parse_collapsed,
                      unused_pid)
from interpreters import too_old

MODES = [pytest.param(["record", "-d", "1"], id="record"), pytest.param(["dump"], id="dump")]


@pytest.fixture(scope="module")
def target(any_python):
    """A sleeping Python process, for arguments that must be refused before any attach."""
    with Workload(any_python, "sleeps_until_killed.py") as workload:
        yield workload


# --- cannot attach: exit 2 --------------------------------------------------------------

@pytest.mark.parametrize("command", MODES)
def test_no_such_process_exits_2_naming_the_pid(profiler, command):
    pid = unused_pid()
    run = profiler.run(*command, "--pid", pid)
    assert run.returncode == 2, run.describe()
    assert str(pid) in run.stderr and "no such process" in run.stderr.lower(), run.describe()


@pytest.mark.parametrize("command", MODES)
def test_a_process_that_is_not_python_exits_2(profiler, command):
    sleeper = subprocess.Popen(["sleep", "30"])
    try:
        run = profiler.run(*command, "--pid", sleeper.pid)
        assert run.returncode == 2, run.describe()
        assert "not a python process" in run.stderr.lower(), run.describe()
        assert sleeper.poll() is None, "the profiler killed the process it was refused"
    finally:
        sleeper.kill()
        sleeper.wait(timeout=10)


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"),
                    reason="needs root to run the profiler as another user")
@pytest.mark.parametrize("command", MODES)
def test_no_permission_exits_2_and_mentions_cap_sys_ptrace(profiler_binary, target, command):
    """The profiler run as `nobody` against root's process."""
    as_nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                 "--inh-caps=-all", "--bounding-set=-all"]
    profiler = Profiler(profiler_binary, run_as=as_nobody)
    try:
        run = profiler.run(*command, "--pid", target.pid)
    finally:
        profiler.kill_all()
    assert run.returncode == 2, run.describe()
    assert "CAP_SYS_PTRACE" in run.stderr, run.describe()
    assert_running_freely(target.pid, busy=False)


FUTURE_PYTHON = r'''
/* Looks like a CPython 3.16 to the profiler: _PyRuntime and Py_Version exported. */
#include <unistd.h>
unsigned char _PyRuntime[65536];
const unsigned int Py_Version = 0x031000f0;
int main(void) { _PyRuntime[0] = 1; pause(); return 0; }
'''


@pytest.mark.parametrize("command", MODES)
def test_a_python_newer_than_supported_exits_2_naming_its_version(profiler, command, tmp_path):
    source = tmp_path / "python316.c"
    source.write_text(FUTURE_PYTHON)
    binary = tmp_path / "python3.16"
    subprocess.run(["cc", "-rdynamic", "-o", str(binary), str(source)], check=True)
    target = subprocess.Popen([str(binary)])
    try:
        run = profiler.run(*command, "--pid", target.pid)
        assert run.returncode == 2, run.describe()
        assert "3.16" in run.stderr and "not supported" in run.stderr, run.describe()
        assert target.poll() is None, "the profiler harmed the process it refused"
    finally:
        target.kill()
        target.wait(timeout=10)


@pytest.mark.parametrize("command", MODES)
def test_older_pythons_found_here_exit_2_naming_their_version(profiler, start_workload, command):
    # pyenv's 3.6 and 3.7, where the machine has them; the fake 3.16 above runs everywhere.
    for old in too_old():
        workload = start_workload(old, "sleeps_until_killed.py")
        run = profiler.run(*command, "--pid", workload.pid)
        assert run.returncode == 2, run.describe()
        assert "3.%d" % old.version[1] in run.stderr, run.describe()


# --- usage errors: exit 1 ---------------------------------------------------------------

USAGE_ERRORS = [
    pytest.param([], id="nothing-to-profile"),
    pytest.param(["record"], id="record-without-pid-or-command"),
    pytest.param(["dump"], id="dump-without-pid"),
    pytest.param(["--pid"], id="pid-without-value"),
    pytest.param(["--pid", "abc"], id="pid-not-a-number"),
    pytest.param(["--no-such-flag", "--pid", "{pid}", "-d", "1"], id="unknown-flag"),
    pytest.param(["-r", "0", "--pid", "{pid}", "-d", "1"], id="rate-zero"),
    pytest.param(["-r", "abc", "--pid", "{pid}", "-d", "1"], id="rate-not-a-number"),
    pytest.param(["--rate", "-5", "--pid", "{pid}", "-d", "1"], id="rate-negative"),
    pytest.param(["-d", "abc", "--pid", "{pid}"], id="duration-not-a-number"),
    pytest.param(["-f", "jpeg", "--pid", "{pid}", "-d", "1"], id="unknown-format"),
    pytest.param(["--mode", "sideways", "--pid", "{pid}", "-d", "1"], id="unknown-mode"),
    pytest.param(["dump", "--pid", "{pid}", "--no-such-flag"], id="dump-unknown-flag"),
]


@pytest.mark.parametrize("arguments", USAGE_ERRORS)
def test_usage_errors_exit_1_and_leave_the_target_alone(profiler, target, arguments):
    run = profiler.run(*[a.replace("{pid}", str(target.pid)) for a in arguments])
    assert run.returncode == 1, run.describe()
    assert run.stderr.strip(), "a usage error must say what is wrong on stderr"
    assert run.elapsed < 5, "a usage error must be found before any sampling\n" + run.describe()
    assert target.process.poll() is None
    assert_running_freely(target.pid, busy=False, watch_seconds=0)


@pytest.mark.parametrize("path", ["/nonexistent-dir/profile.svg", "/nonexistent-dir/profile.txt"])
def test_unwritable_output_fails_before_sampling_and_leaves_the_target_alone(
        profiler, start_workload, any_python, path):
    """No -d: a profiler that only found out at the end would run into the timeout."""
    workload = start_workload(any_python, "busy_and_sleeping_threads.py")
    run = profiler.run("-o", path, "--pid", workload.pid, timeout=10)
    assert run.returncode in (1, 2), run.describe()
    assert "/nonexistent-dir" in run.stderr, run.describe()
    assert run.elapsed < 5, run.describe()
    assert not run.stdout, "nothing may be written elsewhere: %r" % run.stdout[:200]
    assert_running_freely(workload.pid)


# --- the target's own end ---------------------------------------------------------------

def test_wrapping_passes_on_the_commands_exit_status(python, profiler, tmp_path):
    output = tmp_path / "exits.txt"
    run = profiler.run("-o", output, "--", python.path,
                       Workload.path_of("exits_with_status.py"), "3", "--seconds", "0.5")
    assert run.returncode == 3, run.describe()
    profile = parse_collapsed(output.read_bytes())
    assert profile.samples_containing("works_then_exits") > 0, run.describe()


def test_target_exiting_mid_recording_ends_it_with_output_and_exit_0(
        python, profiler, start_workload, tmp_path):
    workload = start_workload(python, "named_threads.py", "--seconds", "1.5")
    output = tmp_path / "cut-short.txt"
    run = profiler.run("--mode", "wall", "-d", "60", "-o", output, "--pid", workload.pid,
                       timeout=20)
    assert run.returncode == 0, run.describe()
    assert run.elapsed < 15, "the profiler went on after its target exited\n" + run.describe()
    profile = parse_collapsed(output.read_bytes())
    assert set(workload.threads) <= profile.roots(), run.describe()
    run.summary()
