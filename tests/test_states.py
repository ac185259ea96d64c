"""Every sample carries what its thread was doing: a thread parked on a lock is lock-wait,
in time.sleep sleeping, in recv or select io-wait; CPU-bound threads are running or wait
for the GIL. Checked through `report --state` on a raw profile, on every interpreter."""
import pytest

from conftest import Profiler, Workload, parse_collapsed

# Accuracy measured against the clock: run alone, never beside another test (Makefile).
pytestmark = pytest.mark.timing

STATES = ["running", "gil-wait", "lock-wait", "io-wait", "sleeping", "idle", "unknown"]


@pytest.fixture(scope="module")
def shares(python, profiler_binary, tmp_path_factory):
    """{thread name: {state: share of that thread's samples}} of a 2 s recording."""
    raw = tmp_path_factory.mktemp("states") / "states.pcp"
    profiler = Profiler(profiler_binary)
    with Workload(python, "threads_in_every_state.py") as workload:
        try:
            run = profiler.run("-r", 200, "-d", 2, "--pid", workload.pid, "-o", raw, timeout=30)
            assert run.returncode == 0, run.describe()
            counts = {}
            for state in STATES:
                report = profiler.run("report", raw, "--state", state)
                assert report.returncode == 0, report.describe()
                for stack in parse_collapsed(report.stdout).stacks:
                    per_thread = counts.setdefault(stack.thread_name, {})
                    per_thread[state] = per_thread.get(state, 0) + stack.count
        finally:
            profiler.kill_all()
    return {name: {state: n / sum(per.values()) for state, n in per.items()}
            for name, per in counts.items()}


@pytest.mark.parametrize("thread,state", [
    ("locker", "lock-wait"),
    ("reader", "io-wait"),
    ("selector", "io-wait"),
])
def test_a_parked_thread_is_in_its_state(shares, thread, state):
    assert shares[thread].get(state, 0) >= 0.9, shares[thread]


def test_a_sleeping_thread_sleeps_and_queues_for_the_gil_when_it_wakes(shares):
    # Each wake-up from time.sleep must take the GIL back from the two spinners: that wait
    # is real gil-wait, a few switch intervals per wake-up.
    sleeper = shares["sleeper"]
    assert sleeper.get("sleeping", 0) >= 0.7, sleeper
    assert sleeper.get("sleeping", 0) + sleeper.get("gil-wait", 0) + \
        sleeper.get("running", 0) >= 0.97, sleeper


def test_cpu_bound_threads_run_or_wait_for_the_gil(shares):
    for thread in ("spinner-1", "spinner-2"):
        busy = shares[thread].get("running", 0) + shares[thread].get("gil-wait", 0)
        assert busy >= 0.9, shares[thread]
    # Two threads share one GIL: each waits for it a good part of the time.
    assert shares["spinner-1"].get("gil-wait", 0) + shares["spinner-2"].get("gil-wait", 0) >= 0.3, \
        (shares["spinner-1"], shares["spinner-2"])


def test_record_state_keeps_only_those_states(python, profiler_binary, tmp_path):
    """`record --state` filters at the source: every output holds only those samples."""
    out = tmp_path / "io.txt"
    profiler = Profiler(profiler_binary)
    with Workload(python, "threads_in_every_state.py") as workload:
        try:
            run = profiler.run("-r", 200, "-d", 1, "--pid", workload.pid, "--state",
                               "io-wait,lock-wait", "-o", out, timeout=30)
            assert run.returncode == 0, run.describe()
        finally:
            profiler.kill_all()
    threads = {stack.thread_name for stack in parse_collapsed(out.read_bytes()).stacks}
    assert {"reader", "selector", "locker"} <= threads, threads
    assert not threads & {"spinner-1", "spinner-2"}, threads
