"""The speedscope, pprof and Chrome trace writers checked by other people's readers.

build/tests/formats_test (tests/unit/formats_test.c) writes its hand-built profiles
into a folder when given one, with expect.json saying what they hold.  Here:
- speedscope files are validated against the JSON schema shipped in the `speedscope`
  npm package (with `ajv`), and their per-thread sample counts and weights checked;
- pprof files are gunzipped and decoded by the `pprof-format` npm package
  (`Profile.decode`), and their totals, tables and labels checked;
- Chrome traces are loaded as JSON and every thread's X events checked to nest.

The npm packages are installed once into ~/.cache/pyconc-prof/npm (outside the repo;
PYCONC_NPM_CACHE moves it).  Without the npm registry these tests fail, not skip.
PYCONC_FORMATS_TEST names a prebuilt formats_test; by default a sanitizer build's
(next to $PYCONC_PROF) is used when present, else `make build/tests/formats_test`.
"""

import json
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
NPM_PACKAGES = {"speedscope": "1.25.0", "pprof-format": "2.3.2", "ajv": "8.20.0"}
NPM_CACHE = Path(os.environ.get("PYCONC_NPM_CACHE", Path.home() / ".cache" / "pyconc-prof" / "npm"))

# Reads every *.speedscope.json and *.pb.gz of a folder with the npm packages and
# prints one JSON summary: schema verdicts, and pprof profiles with strings resolved.
VALIDATOR = r"""
const fs = require('fs'), path = require('path'), zlib = require('zlib');
const [modules, dir] = process.argv.slice(2);
const Ajv = require(path.join(modules, 'ajv'));
const { Profile } = require(path.join(modules, 'pprof-format'));
const schemaFile = path.join(modules, 'speedscope', 'dist', 'release', 'file-format-schema.json');
const validate = new Ajv({ allErrors: true, strict: false })
  .compile(JSON.parse(fs.readFileSync(schemaFile, 'utf8')));
const result = { speedscope: {}, pprof: {} };
for (const f of fs.readdirSync(dir).sort()) {
  const file = path.join(dir, f);
  if (f.endsWith('.speedscope.json')) {
    const ok = validate(JSON.parse(fs.readFileSync(file, 'utf8')));
    result.speedscope[f] = { valid: ok, errors: validate.errors || [] };
  } else if (f.endsWith('.pb.gz')) {
    const p = Profile.decode(zlib.gunzipSync(fs.readFileSync(file)));
    const strings = p.stringTable.strings;
    const s = (i) => strings[Number(i)];
    result.pprof[f] = {
      strings,
      sampleType: p.sampleType.map((t) => [s(t.type), s(t.unit)]),
      periodType: p.periodType ? [s(p.periodType.type), s(p.periodType.unit)] : null,
      period: Number(p.period),
      durationNanos: Number(p.durationNanos),
      comments: p.comment.map(s),
      functions: p.function.map((fn) => ({ id: Number(fn.id), name: s(fn.name),
        systemName: s(fn.systemName), filename: s(fn.filename) })),
      locations: p.location.map((l) => ({ id: Number(l.id),
        lines: l.line.map((x) => ({ functionId: Number(x.functionId), line: Number(x.line) })) })),
      samples: p.sample.map((x) => ({ locationIds: x.locationId.map(Number), values: x.value.map(Number),
        labels: x.label.map((l) => ({ key: s(l.key), str: s(l.str), num: Number(l.num) })) })),
    };
  }
}
console.log(JSON.stringify(result));
"""


def npm_modules() -> Path:
    """The npm packages' node_modules folder, installing them on first use."""
    modules = NPM_CACHE / "node_modules"

    def installed():
        for name, version in NPM_PACKAGES.items():
            manifest = modules / name / "package.json"
            if not manifest.exists() or json.loads(manifest.read_text()).get("version") != version:
                return False
        return True

    if not installed():
        NPM_CACHE.mkdir(parents=True, exist_ok=True)
        specs = ["%s@%s" % item for item in NPM_PACKAGES.items()]
        try:
            run = subprocess.run(["npm", "install", "--prefix", str(NPM_CACHE), "--no-audit", "--no-fund"] + specs,
                                 capture_output=True, text=True, timeout=300)
        except (OSError, subprocess.TimeoutExpired) as error:
            pytest.fail("cannot install the npm packages %s into %s: %s" % (specs, NPM_CACHE, error))
        if run.returncode != 0 or not installed():
            pytest.fail("cannot install the npm packages %s into %s (is the npm registry reachable?)\n%s"
                        % (specs, NPM_CACHE, run.stderr[-3000:]))
    return modules


def formats_test_binary() -> Path:
    configured = os.environ.get("PYCONC_FORMATS_TEST")
    if configured:
        return Path(configured).resolve()
    profiler = os.environ.get("PYCONC_PROF")
    if profiler:
        sibling = Path(profiler).resolve().parent / "tests" / "formats_test"
        if sibling.exists():
            return sibling
    build = subprocess.run(["make", "build/tests/formats_test"], cwd=REPO, capture_output=True, text=True,
                           timeout=300)
    assert build.returncode == 0, "make build/tests/formats_test failed:\n" + build.stdout[-2000:] + build.stderr[-3000:]
    return REPO / "build" / "tests" / "formats_test"


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    """The folder formats_test wrote its files into, its expectations and the npm verdicts."""
    folder = tmp_path_factory.mktemp("formats")
    run = subprocess.run([str(formats_test_binary()), str(folder)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, "formats_test failed:\n" + run.stdout[-3000:] + run.stderr[-3000:]
    expect = json.loads((folder / "expect.json").read_text(encoding="utf-8"))
    validator = tmp_path_factory.mktemp("validator") / "validate_formats.js"
    validator.write_text(VALIDATOR, encoding="utf-8")
    check = subprocess.run(["node", str(validator), str(npm_modules()), str(folder)],
                           capture_output=True, text=True, timeout=120)
    assert check.returncode == 0, "the node validator failed:\n" + check.stderr[-3000:]
    return folder, expect, json.loads(check.stdout)


def load(folder: Path, name: str):
    return json.loads((folder / name).read_text(encoding="utf-8"))


def test_speedscope_files_match_the_schema(outputs):
    _, _, verdicts = outputs
    files = verdicts["speedscope"]
    assert set(files) >= {"timeline.speedscope.json", "aggregated.speedscope.json", "deep.speedscope.json",
                          "empty.speedscope.json"}
    for name, verdict in files.items():
        assert verdict["valid"], "%s breaks the speedscope schema: %s" % (name, verdict["errors"][:5])


@pytest.mark.parametrize("name,samples_key,weight_key", [
    ("timeline.speedscope.json", "timeline_samples", "weight_ns"),
    ("aggregated.speedscope.json", "aggregated_samples", "aggregated_weight_ns"),
])
def test_speedscope_samples_and_weights_per_thread(outputs, name, samples_key, weight_key):
    folder, expect, _ = outputs
    doc = load(folder, name)
    assert doc["exporter"] == "pyconc-prof" and doc["name"].startswith("python3 app.py")
    assert 0 <= doc["activeProfileIndex"] < len(doc["profiles"])
    frame_count = len(doc["shared"]["frames"])
    seen = {}
    for profile in doc["profiles"]:
        assert profile["type"] == "sampled" and profile["unit"] == "nanoseconds"
        tid = profile["name"].rsplit("(tid ", 1)[1].rstrip(")")
        thread = expect["threads"][tid]
        assert profile["name"] == "%s (tid %s)" % (thread["name"], tid)
        assert len(profile["samples"]) == len(profile["weights"]) == thread[samples_key]
        assert sum(profile["weights"]) == thread[weight_key]
        assert profile["endValue"] - profile["startValue"] == thread[weight_key]
        assert all(0 <= f < frame_count for stack in profile["samples"] for f in stack)
        seen[tid] = True
    assert set(seen) == set(expect["threads"])


def pprof_stacks(profile):
    """Each sample as (names innermost first, values, labels by key)."""
    functions = {f["id"]: f for f in profile["functions"]}
    locations = {l["id"]: l for l in profile["locations"]}
    for sample in profile["samples"]:
        names = []
        for location_id in sample["locationIds"]:
            lines = locations[location_id]["lines"]
            assert len(lines) == 1
            names.append(functions[lines[0]["functionId"]]["name"])
        yield names, sample["values"], {label["key"]: label for label in sample["labels"]}


def test_pprof_decodes_with_matching_totals(outputs):
    _, expect, verdicts = outputs
    profile = verdicts["pprof"]["profile.pb.gz"]
    interval = expect["interval_ns"]
    assert profile["strings"][0] == ""
    assert profile["sampleType"] == [["samples", "count"], ["wall", "nanoseconds"]]
    assert profile["periodType"] == ["wall", "nanoseconds"] and profile["period"] == interval
    assert profile["durationNanos"] > 0
    assert "python3 app.py --name \"x\"" in profile["comments"]
    assert len(profile["samples"]) == expect["pprof_samples"]
    assert sorted(l["id"] for l in profile["locations"]) == list(range(1, len(profile["locations"]) + 1))
    assert sorted(f["id"] for f in profile["functions"]) == list(range(1, len(profile["functions"]) + 1))
    assert len({(f["name"], f["filename"]) for f in profile["functions"]}) == len(profile["functions"])
    assert all(f["systemName"] == f["name"] for f in profile["functions"])

    per_thread = {}
    stacks = list(pprof_stacks(profile))
    for names, values, labels in stacks:
        assert values[1] == values[0] * interval
        assert {"thread", "thread_id", "state"} <= set(labels)
        tid = str(labels["thread_id"]["num"])
        assert labels["thread"]["str"] == expect["threads"][tid]["name"]
        per_thread[tid] = per_thread.get(tid, 0) + values[0]
        if "task:fetch" in names:
            assert labels["task"]["str"] == "fetch" and labels["state"]["str"] == "awaiting"
        else:
            assert "task" not in labels
    assert sum(per_thread.values()) == expect["total_samples"]
    assert per_thread == {tid: t["timeline_samples"] for tid, t in expect["threads"].items()}
    assert (["compute;fast", "Worker.run", "main"], [4, 4 * interval]) in [(n, v) for n, v, _ in stacks]


def test_pprof_keeps_a_deep_stack(outputs):
    _, expect, verdicts = outputs
    profile = verdicts["pprof"]["deep.pb.gz"]
    [(names, values, _)] = list(pprof_stacks(profile))
    assert len(names) == expect["deep_depth"]
    assert names[0] == "recurse" and names[-1] == "[truncated]"  # innermost first
    assert values[0] == 2


def x_events_by_thread(trace):
    threads = {}
    for event in trace["traceEvents"]:
        if event["ph"] == "X":
            start = round(event["ts"] * 1000)
            threads.setdefault(event["tid"], []).append((start, start + round(event["dur"] * 1000), event))
    return threads


def assert_nested(events, tid):
    """No two events partially overlap: sorted by start (longest first), each lies
    inside the innermost open event or after it."""
    open_ends = []
    for start, end, event in sorted(events, key=lambda e: (e[0], -(e[1] - e[0]))):
        assert end > start, "empty X event on thread %s: %s" % (tid, event)
        while open_ends and open_ends[-1] <= start:
            open_ends.pop()
        assert not open_ends or end <= open_ends[-1], "X event partially overlaps its parent on %s: %s" % (tid, event)
        open_ends.append(end)


@pytest.mark.parametrize("name", ["profile.trace.json", "deep.trace.json", "empty.chrome.json"])
def test_chrome_trace_loads_and_nests(outputs, name):
    folder, expect, _ = outputs
    trace = load(folder, name)
    assert trace["displayTimeUnit"] == "ms"
    threads = x_events_by_thread(trace)
    for tid, events in threads.items():
        assert_nested(events, tid)
        assert all(e["cat"] == "python" and "state" in e["args"] for _, _, e in events)
    if name == "profile.trace.json":
        metadata = {(e["name"], e["tid"]): e["args"]["name"] for e in trace["traceEvents"] if e["ph"] == "M"}
        assert metadata[("process_name", 0)].startswith("python3 app.py")
        assert all(e["pid"] == expect["pid"] for e in trace["traceEvents"])
        for tid, thread in expect["threads"].items():
            assert metadata[("thread_name", int(tid))] == thread["name"]
            assert len(threads[int(tid)]) == thread["x_events"]
    if name == "deep.trace.json":
        [(tid, events)] = threads.items()
        assert len(events) == expect["deep_depth"]


# --- the same checks on a real recording ------------------------------------------------

@pytest.fixture(scope="module")
def live(any_python, profiler_binary, tmp_path_factory):
    """One recording of a live two-thread workload written in every format at once."""
    from conftest import Profiler, Workload
    folder = tmp_path_factory.mktemp("live")
    profiler = Profiler(profiler_binary)
    names = ["live.folded", "live.pb.gz", "live.speedscope.json", "live.trace.json"]
    outputs = []
    for name in names:
        outputs += ["-o", folder / name]
    with Workload(any_python, "named_threads.py") as workload:
        try:
            run = profiler.run("-r", 200, "-d", 2, "--mode", "wall", "--pid", workload.pid,
                               *outputs, timeout=30)
        finally:
            profiler.kill_all()
    assert run.returncode == 0, run.describe()
    validator = tmp_path_factory.mktemp("live-validator") / "validate_formats.js"
    validator.write_text(VALIDATOR, encoding="utf-8")
    check = subprocess.run(["node", str(validator), str(npm_modules()), str(folder)],
                           capture_output=True, text=True, timeout=120)
    assert check.returncode == 0, "the node validator failed:\n" + check.stderr[-3000:]
    from conftest import parse_collapsed
    return folder, parse_collapsed((folder / "live.folded").read_bytes()), json.loads(check.stdout)


def test_live_speedscope_matches_the_schema_and_the_collapsed_totals(live):
    folder, collapsed, verdicts = live
    verdict = verdicts["speedscope"]["live.speedscope.json"]
    assert verdict["valid"], verdict["errors"]
    speedscope = load(folder, "live.speedscope.json")
    assert sum(len(p["samples"]) for p in speedscope["profiles"]) == collapsed.total
    assert len(speedscope["profiles"]) == len(collapsed.roots())


def test_live_pprof_decodes_with_the_collapsed_totals_per_thread(live):
    _, collapsed, verdicts = live
    pprof = verdicts["pprof"]["live.pb.gz"]
    assert pprof["sampleType"] == [["samples", "count"], ["wall", "nanoseconds"]]
    per_thread = {}
    for sample in pprof["samples"]:
        tid = [l["num"] for l in sample["labels"] if l["key"] == "thread_id"][0]
        per_thread[tid] = per_thread.get(tid, 0) + sample["values"][0]
    expected = {}
    for stack in collapsed.stacks:
        expected[stack.tid] = expected.get(stack.tid, 0) + stack.count
    assert per_thread == expected


def test_live_chrome_trace_has_thread_names_and_nested_events(live):
    folder, collapsed, _ = live
    trace = load(folder, "live.trace.json")
    named = {e["tid"]: e["args"]["name"] for e in trace["traceEvents"]
             if e.get("ph") == "M" and e.get("name") == "thread_name"}
    assert {(name, tid) for tid, name in named.items()} == collapsed.roots()
    for tid, events in x_events_by_thread(trace).items():
        assert_nested(events, tid)
