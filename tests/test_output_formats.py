"""The output format follows -o's extension unless -f says otherwise; with no -o the
profile goes to stdout, collapsed. (Recordings here use --mode wall so that parked threads
are sampled.)"""

import pytest

from conftest import Workload, parse_collapsed, parse_svg_titles, shown_name
from test_named_threads import PARKED_IN, SCRIPT


@pytest.fixture(scope="module")
def target(any_python):
    with Workload(any_python, SCRIPT) as workload:
        yield workload


def record(profiler, target, *options):
    run = profiler.run("--mode", "wall", "-d", "1", *options, "--pid", target.pid)
    assert run.returncode == 0, run.describe()
    return run


def assert_is_collapsed_of(data, target):
    assert parse_collapsed(data).roots() == set(target.threads)


def assert_is_svg_of(data, target):
    titles = parse_svg_titles(data)
    function = shown_name(target.python, PARKED_IN["работник-ß"])
    assert any(function in title for title in titles), titles[:20]


@pytest.mark.parametrize("extension", [".txt", ".folded", ".collapsed"])
def test_collapsed_extensions_write_collapsed(profiler, target, tmp_path, extension):
    output = tmp_path / ("profile" + extension)
    record(profiler, target, "-o", output)
    assert_is_collapsed_of(output.read_bytes(), target)


def test_svg_extension_writes_svg(profiler, target, tmp_path):
    output = tmp_path / "profile.svg"
    record(profiler, target, "-o", output)
    assert_is_svg_of(output.read_bytes(), target)


def test_format_flag_wins_over_the_extension(profiler, target, tmp_path):
    svg_named_txt, collapsed_named_svg = tmp_path / "svg.txt", tmp_path / "collapsed.svg"
    record(profiler, target, "-f", "svg", "-o", svg_named_txt)
    record(profiler, target, "--format", "collapsed", "--output", collapsed_named_svg)
    assert_is_svg_of(svg_named_txt.read_bytes(), target)
    assert_is_collapsed_of(collapsed_named_svg.read_bytes(), target)


def test_no_output_file_means_collapsed_on_stdout(profiler, target):
    run = record(profiler, target)
    assert_is_collapsed_of(run.stdout, target)


def test_svg_to_stdout_with_format_flag(profiler, target):
    run = record(profiler, target, "-f", "svg")
    assert_is_svg_of(run.stdout, target)


def test_long_options_and_the_record_subcommand_are_the_same_as_the_short_ones(
        profiler, target, tmp_path):
    output = tmp_path / "long.txt"
    run = profiler.run("record", "--mode", "wall", "--rate", "50", "--duration", "1",
                       "--output", output, "--pid", target.pid)
    assert run.returncode == 0, run.describe()
    profile = parse_collapsed(output.read_bytes())
    assert profile.roots() == set(target.threads)
    # 4 parked threads, 50 Hz, 1 second: about 200 stacks, not the default rate's 400
    assert 100 <= profile.total <= 260, profile.total
