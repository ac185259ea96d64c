"""Raw profiles (.pcp): one recording, rendered later into any format, identical to what the
recording would have written directly; files cut short still read; corrupt ones fail cleanly.
"""
import gzip
import json
import random
import struct

import pytest

from conftest import Profiler, Workload, parse_collapsed

FORMATS = [".folded", ".svg", ".speedscope.json", ".pb.gz", ".trace.json"]


@pytest.fixture(scope="module")
def recorded(any_python, profiler_binary, tmp_path_factory):
    """One 2 s recording of a 70/30 workload, written as .pcp and every direct format."""
    folder = tmp_path_factory.mktemp("raw")
    profiler = Profiler(profiler_binary)
    outputs = []
    for suffix in [".pcp"] + FORMATS:
        outputs += ["-o", folder / ("direct" + suffix)]
    with Workload(any_python, "cpu_split_70_30.py") as workload:
        try:
            run = profiler.run("-r", 200, "-d", 2, "--pid", workload.pid, *outputs, timeout=30)
        finally:
            profiler.kill_all()
    assert run.returncode == 0, run.describe()
    return folder, run, profiler


@pytest.mark.parametrize("suffix", FORMATS)
def test_report_of_a_raw_profile_equals_the_direct_output(recorded, suffix):
    folder, _, profiler = recorded
    run = profiler.run("report", folder / "direct.pcp", "-o", folder / ("again" + suffix))
    assert run.returncode == 0, run.describe()
    direct = (folder / ("direct" + suffix)).read_bytes()
    again = (folder / ("again" + suffix)).read_bytes()
    if suffix == ".pb.gz":  # gzip headers carry no time here, but compare the payload anyway
        direct, again = gzip.decompress(direct), gzip.decompress(again)
    assert direct == again, "report of direct.pcp differs from the direct %s output" % suffix


def test_report_without_output_prints_collapsed_stacks(recorded):
    folder, run, profiler = recorded
    again = profiler.run("report", folder / "direct.pcp")
    assert again.returncode == 0, again.describe()
    profile = parse_collapsed(again.stdout)
    assert profile.total == run.summary()["samples"]


def test_report_filters_by_thread_and_time(recorded):
    folder, _, profiler = recorded
    everything = parse_collapsed(profiler.run("report", folder / "direct.pcp").stdout)
    main = profiler.run("report", folder / "direct.pcp", "--thread", "MainThread")
    assert main.returncode == 0, main.describe()
    assert parse_collapsed(main.stdout).total == everything.total  # one thread only
    nobody = profiler.run("report", folder / "direct.pcp", "--thread", "no-such-thread")
    assert nobody.returncode == 0 and nobody.stdout.strip() == b""
    first_half = parse_collapsed(
        profiler.run("report", folder / "direct.pcp", "--until", "1").stdout).total
    second_half = parse_collapsed(
        profiler.run("report", folder / "direct.pcp", "--since", "1.000000001").stdout).total
    assert first_half + second_half == everything.total
    assert 0.3 * everything.total < first_half < 0.7 * everything.total


def test_a_recording_cut_short_reads_up_to_its_last_whole_block(recorded, tmp_path):
    folder, _, profiler = recorded
    data = (folder / "direct.pcp").read_bytes()
    rng = random.Random(1)
    for cut in sorted(rng.sample(range(40, len(data)), 12)) + [len(data) - 1]:
        cut_file = tmp_path / "cut.pcp"
        cut_file.write_bytes(data[:cut])
        run = profiler.run("report", cut_file)
        assert run.returncode == 0, "cut at %d of %d bytes\n%s" % (cut, len(data), run.describe())
        assert "warning" in run.stderr and "cut short" in run.stderr, run.describe()
        parse_collapsed(run.stdout)  # whatever was read is well-formed


def test_corrupt_profiles_fail_with_a_message_and_never_crash(recorded, tmp_path):
    folder, _, profiler = recorded
    data = bytearray((folder / "direct.pcp").read_bytes())
    rng = random.Random(2)
    for attempt in range(40):
        broken = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            broken[rng.randrange(len(broken))] = rng.randrange(256)
        path = tmp_path / ("broken%d.pcp" % attempt)
        path.write_bytes(bytes(broken))
        run = profiler.run("report", path)
        # Either the damage missed everything we read (a header text field), or it is refused.
        assert run.returncode in (0, 2), run.describe()
        if run.returncode == 2:
            assert "pyconc-prof:" in run.stderr and str(path) in run.stderr, run.describe()


def test_not_a_profile_and_a_newer_format_are_refused(recorded, tmp_path):
    folder, _, profiler = recorded
    text = tmp_path / "notes.pcp"
    text.write_text("hello\n")
    run = profiler.run("report", text)
    assert run.returncode == 2 and "not a pyconc-prof raw profile" in run.stderr, run.describe()
    data = bytearray((folder / "direct.pcp").read_bytes())
    struct.pack_into("<I", data, 8, 99)  # the format version after the 8-byte magic
    newer = tmp_path / "newer.pcp"
    newer.write_bytes(bytes(data))
    run = profiler.run("report", newer)
    assert run.returncode == 2, run.describe()
    assert "newer pyconc-prof" in run.stderr and "99" in run.stderr, run.describe()
    run = profiler.run("report", tmp_path / "missing.pcp")
    assert run.returncode == 2 and "missing.pcp" in run.stderr, run.describe()


def test_an_hour_of_a_50_thread_service_stays_a_few_megabytes(any_python, profiler, tmp_path):
    out = tmp_path / "pool.pcp"
    with Workload(any_python, "parked_thread_pool.py", "50") as workload:
        run = profiler.run("-r", 100, "-d", 5, "--pid", workload.pid, "-o", out, timeout=30)
    assert run.returncode == 0, run.describe()
    samples = run.summary()["samples"]
    assert samples >= 50 * 100 * 5 * 0.8, run.describe()
    per_sample = out.stat().st_size / samples
    hour = per_sample * 50 * 100 * 3600
    assert hour < 8e6, "%.2f bytes per sample: an hour would be %.1f MB" % (per_sample, hour / 1e6)
