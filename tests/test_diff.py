"""diff: a change that moves CPU from one function to another is found, beyond noise; two
runs of the same workload differ only by noise; --fail-if-regressed gates on it."""
import json
import xml.dom.minidom

import pytest

from conftest import Profiler, Workload

# Accuracy measured against the clock: run alone, never beside another test (Makefile).
pytestmark = pytest.mark.timing

FIRST, SECOND = "first_function", "second_function"


def record(python, profiler_binary, path, first, second):
    profiler = Profiler(profiler_binary)
    with Workload(python, "split_between_two_functions.py", str(first), str(second)) as workload:
        try:
            run = profiler.run("-r", 400, "-d", 2, "--pid", workload.pid, "-o", path, timeout=30)
        finally:
            profiler.kill_all()
    assert run.returncode == 0, run.describe()


@pytest.fixture(scope="module")
def profiles(any_python, profiler_binary, tmp_path_factory):
    folder = tmp_path_factory.mktemp("diff")
    record(any_python, profiler_binary, folder / "before.pcp", 7, 3)
    record(any_python, profiler_binary, folder / "again.pcp", 7, 3)
    record(any_python, profiler_binary, folder / "after.pcp", 3, 7)
    return folder


def functions(result):
    return {f["name"]: f for f in result["functions"]}


def test_moving_work_between_functions_is_found_beyond_noise(profiles, profiler):
    run = profiler.run("diff", profiles / "before.pcp", profiles / "after.pcp", "--json",
                       "-o", profiles / "diff.svg")
    assert run.returncode == 0, run.describe()
    found = functions(json.loads(run.stdout))
    first, second = found[FIRST]["total"], found[SECOND]["total"]
    assert first["beyond_noise"] and second["beyond_noise"], (first, second)
    assert -55 < first["change"] < -25, first   # 70% -> 30%: about -40 points
    assert 25 < second["change"] < 55, second
    assert first["ci_low"] <= first["change"] <= first["ci_high"] < 0
    xml.dom.minidom.parse(str(profiles / "diff.svg"))  # the differential flamegraph parses


def test_two_runs_of_the_same_workload_differ_only_by_noise(profiles, profiler):
    run = profiler.run("diff", profiles / "before.pcp", profiles / "again.pcp", "--json")
    assert run.returncode == 0, run.describe()
    found = functions(json.loads(run.stdout))
    for name in (FIRST, SECOND):
        total = found[name]["total"]
        # `beyond_noise` is a 95% interval: by construction it excludes zero in one pair
        # of identical runs out of twenty (CI saw one: -5.4 points against a 4.5 half-width).
        # Identical runs must stay within 99.9% (z 3.29) of the standard errors it reports.
        error = (total["se_before"] ** 2 + total["se_after"] ** 2) ** 0.5
        assert abs(total["change"]) < max(3, 3.29 * error), total
        assert total["ci_low"] < total["change"] < total["ci_high"], total


def test_fail_if_regressed_exits_3_only_on_a_real_regression(profiles, profiler):
    regressed = profiler.run("diff", profiles / "before.pcp", profiles / "after.pcp",
                             "--fail-if-regressed", "10")
    assert regressed.returncode == 3, regressed.describe()
    assert SECOND in regressed.stderr, regressed.describe()
    steady = profiler.run("diff", profiles / "before.pcp", profiles / "again.pcp",
                          "--fail-if-regressed", "10")
    assert steady.returncode == 0, steady.describe()


def test_the_table_names_the_functions_and_marks_noise(profiles, profiler):
    run = profiler.run("diff", profiles / "before.pcp", profiles / "after.pcp")
    assert run.returncode == 0, run.describe()
    text = run.stdout.decode()
    assert FIRST in text and SECOND in text and "95% interval" in text, text


def test_several_runs_per_side_are_accepted(profiles, profiler):
    run = profiler.run("diff", "--before", profiles / "before.pcp", profiles / "again.pcp",
                       "--after", profiles / "after.pcp", "--json")
    assert run.returncode == 0, run.describe()
    result = json.loads(run.stdout)
    assert functions(result)[FIRST]["total"]["change"] < -25


def test_diff_of_an_unreadable_profile_exits_2(profiles, profiler, tmp_path):
    bogus = tmp_path / "bogus.pcp"
    bogus.write_text("not a profile")
    run = profiler.run("diff", profiles / "before.pcp", bogus)
    assert run.returncode == 2 and "bogus.pcp" in run.stderr, run.describe()


def test_a_loop_that_stopped_blocking_shows_in_the_concurrency_deltas(any_python, profiler,
                                                                     tmp_path):
    """Before: blocker() holds the loop 300 ms a second; after: it awaits instead."""
    paths = {}
    for side, args in (("before", ()), ("after", ("--healthy",))):
        paths[side] = tmp_path / (side + ".pcp")
        with Workload(any_python, "blocked_event_loop.py", *args) as workload:
            run = profiler.run("-r", 200, "-d", 2.5, "--pid", workload.pid, "-o", paths[side],
                               timeout=30)
        assert run.returncode == 0, run.describe()
    run = profiler.run("diff", paths["before"], paths["after"], "--json")
    assert run.returncode == 0, run.describe()
    loop = json.loads(run.stdout)["loop"]
    assert loop["seconds"][0] > 1 and loop["seconds"][1] > 1, loop
    assert loop["blocked_seconds"][0] >= 0.4, loop  # two or three stretches of 300 ms
    assert loop["blocked_seconds"][1] == 0, loop
    table = profiler.run("diff", paths["before"], paths["after"])
    assert table.returncode == 0, table.describe()
    line = [l for l in table.stdout.decode().splitlines() if "loop blocked" in l]
    assert line and "->    0.0%" in line[0], table.stdout.decode()
