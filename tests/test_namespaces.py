"""A target inside its own PID and mount namespaces (a container, made here with
`unshare --fork --pid --mount-proc`) is profiled from outside by the pid the host knows it
by. Inside, the target is pid 1 and its threads have ids the host does not use; its script
lives on a mount only the target sees. The profiler must still tell its threads apart,
classify their states (which needs the host's ids under /proc) and show the file names as
the target sees them."""
import json
import os
import select
import signal
import subprocess
from pathlib import Path

import pytest

from conftest import Workload, clean_env, parse_collapsed

# Mount a tmpfs over a directory the host sees empty, put the workload there, run it.
INSIDE = 'mount -t tmpfs none "$1" && cp "$2" "$1/app.py" && exec "$3" "$1/app.py"'


class Contained:
    """busy_and_sleeping_threads.py as pid 1 of a new PID and mount namespace."""

    def __init__(self, python, directory: Path):
        self.script = directory / "app.py"  # exists only inside
        self.unshare = subprocess.Popen(
            ["unshare", "--fork", "--pid", "--mount-proc", "sh", "-c", INSIDE, "sh",
             str(directory), Workload.path_of("busy_and_sleeping_threads.py"), python.path],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env=clean_env())
        ready, _, _ = select.select([self.unshare.stdout], [], [], 30)
        line = self.unshare.stdout.readline() if ready else b""
        if not line:
            self.kill()
            pytest.fail("the contained workload printed no ready line: %r" %
                        self.unshare.stderr.read())
        self.info = json.loads(line)
        children = Path("/proc/%d/task/%d/children" % (self.unshare.pid, self.unshare.pid))
        self.pid = int(children.read_text().split()[0])  # the host's id of the target

    def host_tid(self, inner_tid: int) -> int:
        for task in os.listdir("/proc/%d/task" % self.pid):
            status = Path("/proc/%d/task/%s/status" % (self.pid, task)).read_text()
            nspid = [line for line in status.splitlines() if line.startswith("NSpid:")][0]
            if int(nspid.split()[-1]) == inner_tid:
                return int(task)
        raise AssertionError("no thread %d inside" % inner_tid)

    def kill(self):
        try:
            os.kill(self.pid, signal.SIGKILL)
        except (AttributeError, ProcessLookupError):
            self.unshare.kill()
        self.unshare.wait(10)
        self.unshare.stdout.close()
        self.unshare.stderr.close()


@pytest.fixture
def contained(python, tmp_path):
    if os.geteuid() != 0:
        pytest.skip("new PID and mount namespaces need root (CAP_SYS_ADMIN)")
    directory = tmp_path / "only-inside"
    directory.mkdir()
    target = Contained(python, directory)
    yield target
    target.kill()


def test_a_contained_target_is_profiled_by_its_host_pid(contained, profiler, tmp_path):
    assert contained.info["pid"] == 1  # it is the init of its own namespace
    output = tmp_path / "contained.txt"
    run = profiler.run("record", "--pid", contained.pid, "-d", 1, "-o", output)
    assert run.returncode == 0, run.describe()
    profile = parse_collapsed(output.read_bytes())
    # Threads by the host's ids (what /proc, top -H and --thread use here).
    expected = {(t["name"], contained.host_tid(t["tid"])) for t in contained.info["threads"]}
    assert profile.roots() == expected, run.describe()
    # File names as the target sees them: a path that on the host is an empty directory.
    assert any(f.file == str(contained.script) for s in profile.stacks for f in s.frames), \
        "no frame in %s:\n%s" % (contained.script, output.read_text()[:2000])
    assert not contained.script.exists()


def test_a_contained_targets_thread_states_are_classified(contained, profiler, tmp_path):
    """States come from /proc/PID/task/TID under the host's ids: a tid taken as the
    target reports it would name another thread, or none."""
    threads = {t["name"]: contained.host_tid(t["tid"]) for t in contained.info["threads"]}
    for state, name in (("running", "busy"), ("sleeping", "sleeper")):
        output = tmp_path / ("%s.txt" % state)
        run = profiler.run("record", "--pid", contained.pid, "-d", 1, "--state", state,
                           "-o", output)
        assert run.returncode == 0, run.describe()
        profile = parse_collapsed(output.read_bytes())
        counts = {tid: sum(s.count for s in profile.of_thread(tid)) for tid in threads.values()}
        assert counts[threads[name]] >= 50, "%s: %s\n%s" % (state, counts, run.describe())
        if state == "running":
            assert counts[threads["sleeper"]] <= 5, counts
        else:
            assert counts[threads["busy"]] <= 5, counts
