"""What every end-to-end test stands on: the binary under test, the interpreters, running
workloads, and readers of the profiler's output formats.

- `python` is every interpreter of tests/interpreters.py this run covers; a test that takes
  it runs once per interpreter, with ids like `py3.12-pyenv`.
- `profiler` is the binary under test: $PYCONC_PROF, or ./pyconc-prof at the repo root.
- A workload (tests/workloads/) prints one JSON line when it is ready
  ({"pid", "python", "threads": [{"name", "tid"}]}) and then holds still; `Workload` starts
  one, waits for that line and always kills it.
- `parse_collapsed`, `parse_svg_titles` and `parse_text_dump` fail the test, naming the
  offending line, on any output that breaks the format.

Every wait has a timeout, and every process a test starts is killed when the test ends.
"""

import json
import os
import re
import select
import signal
import subprocess
import threading
import time
import xml.dom.minidom
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Tuple
from xml.parsers.expat import ExpatError

import pytest

from interpreters import Interpreter, selected

REPO = Path(__file__).resolve().parent.parent
WORKLOADS = REPO / "tests" / "workloads"

# The last line a recording writes to stderr.
SUMMARY = re.compile(r"(\d+) samples, (\d+) ticks missed, (\d+) torn reads dropped")

READY_TIMEOUT = 30  # seconds for a workload to print its ready line


# --- the binary under test -------------------------------------------------------------

def profiler_path() -> Path:
    configured = os.environ.get("PYCONC_PROF")
    return Path(configured).resolve() if configured else REPO / "pyconc-prof"


def clean_env() -> Dict[str, str]:
    """The environment for workloads and the profiler: no PYTHON* variables, which belong
    to the interpreter running pytest and would confuse the others."""
    return {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}


@dataclass
class Finished:
    """A profiler run that has ended."""
    args: List[str]
    returncode: int
    stdout: bytes
    stderr: str
    elapsed: float

    def __repr__(self):
        return "<pyconc-prof %s: exit %d>" % (" ".join(self.args), self.returncode)

    def describe(self) -> str:
        return "pyconc-prof %s\nexit status %d after %.1fs\nstderr:\n%s" % (
            " ".join(self.args), self.returncode, self.elapsed, self.stderr[-3000:])

    def summary(self) -> Dict[str, int]:
        """The `N samples, M ticks missed, K torn reads dropped` line of stderr."""
        found = SUMMARY.findall(self.stderr)
        assert found, "no summary line on stderr\n" + self.describe()
        samples, missed, torn = (int(n) for n in found[-1])
        return {"samples": samples, "missed": missed, "torn": torn}


class Running:
    """A profiler started in the background (for signals). Kill it with .kill()."""

    def __init__(self, command: List[str], args: List[str]):
        self.args = [str(a) for a in args]
        self.started = time.monotonic()
        self.process = subprocess.Popen(command + self.args, stdin=subprocess.DEVNULL,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        env=clean_env(), start_new_session=True)

    @property
    def pid(self) -> int:
        return self.process.pid

    def finish(self, timeout: float) -> Finished:
        """Waits for the profiler to exit on its own; fails the test if it does not."""
        try:
            stdout, stderr = self.process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            stdout, stderr = self.process.communicate()
            pytest.fail("pyconc-prof %s did not exit within %ss\nstderr:\n%s" % (
                " ".join(self.args), timeout, stderr.decode(errors="replace")[-3000:]))
        return Finished(self.args, self.process.returncode, stdout,
                        stderr.decode(errors="replace"), time.monotonic() - self.started)

    def kill(self):
        """SIGKILL to the profiler and anything it started in its session."""
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass


class Profiler:
    def __init__(self, path: Path, run_as: List[str] = ()):
        self.command = list(run_as) + [str(path)]  # run_as: e.g. setpriv and its options
        self._running: List[Running] = []

    def run(self, *args, timeout: float = 20) -> Finished:
        """Runs the profiler to the end; fails the test if it takes longer than timeout."""
        return self.start(*args).finish(timeout)

    def start(self, *args) -> Running:
        running = Running(self.command, list(args))
        self._running.append(running)
        return running

    def kill_all(self):
        for running in self._running:
            running.kill()


@pytest.fixture(scope="session")
def profiler_binary() -> Path:
    path = profiler_path()
    if not (path.is_file() and os.access(str(path), os.X_OK)):
        pytest.fail("no profiler at %s: build it with `make` at the repo root, or point "
                    "PYCONC_PROF at one" % path)
    return path


@pytest.fixture
def profiler(profiler_binary):
    """The binary under test; everything started through it dies with the test."""
    handle = Profiler(profiler_binary)
    yield handle
    handle.kill_all()


# --- interpreters ----------------------------------------------------------------------

@pytest.fixture(scope="session", params=selected(), ids=str)
def python(request) -> Interpreter:
    """Each interpreter this run covers (tests/interpreters.py)."""
    return request.param


@pytest.fixture(scope="session")
def any_python() -> Interpreter:
    """One interpreter, for behaviour that does not depend on which (usage, formats)."""
    choices = selected()
    if not choices:
        pytest.fail("no interpreter to run a workload on: see test_interpreters.py")
    preferred = [i for i in choices if i.id == "py3.11-debian"]
    return (preferred or choices)[0]


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "timing: asserts accuracy measured against the clock; the Makefile runs "
                   "these one at a time, after the others, and not in the sanitizer build")
    config.addinivalue_line(
        "markers", "sanitizer_blind: what it checks happens after the profiler is SIGKILLed, "
                   "where no sanitizer can see; not in the sanitizer build")
    config.addinivalue_line(
        "markers", "scale: a 30 s recording of a thousand threads or ten thousand tasks, "
                   "judged on the profiler's memory; not in the sanitizer build (its quarantine "
                   "and shadow memory are not the profiler's)")


def pytest_report_header(config):
    names = ", ".join(i.id for i in selected()) or "none"
    return ["pyconc-prof under test: %s" % profiler_path(), "interpreters: %s" % names]


def shown_name(python: Interpreter, qualname: str) -> str:
    """How a function is named in the output: its co_qualname on 3.11+, where code objects
    have one, else its plain co_name."""
    return qualname if python.version >= (3, 11) else qualname.rsplit(".", 1)[-1]


# --- workloads -------------------------------------------------------------------------

def marker_line(script: str, marker: str) -> int:
    """The number of the one line of a workload that ends with the comment `# MARKER`."""
    lines = (WORKLOADS / script).read_text(encoding="utf-8").splitlines()
    found = [n for n, text in enumerate(lines, 1)
             if text.rstrip().endswith("# " + marker) and not text.lstrip().startswith("#")]
    assert len(found) == 1, "%s: %d lines end with `# %s`" % (script, len(found), marker)
    return found[0]


class Workload:
    """A workload script running on one interpreter, by absolute path, until killed."""

    def __init__(self, python: Interpreter, script: str, *args):
        self.python = python
        self.script = self.path_of(script)
        self.process = subprocess.Popen(
            [python.path, self.script] + [str(a) for a in args],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env=clean_env())
        try:
            self.info = json.loads(self._read_ready_line())
        except BaseException:
            self.kill()
            raise
        # Reap it the moment it exits, as a real parent would: a zombie still has a
        # /proc/PID, and a profiler waiting for its target to go would wait forever.
        threading.Thread(target=self.process.wait, daemon=True).start()

    @staticmethod
    def path_of(script: str) -> str:
        return str(WORKLOADS / script)

    @classmethod
    def from_output(cls, python: Interpreter, script: str, stdout: bytes) -> "Workload":
        """The ready line of a workload that the profiler started itself (wrap mode), read
        from the profiler's stdout, which the command inherits."""
        workload = cls.__new__(cls)
        workload.python, workload.script, workload.process = python, cls.path_of(script), None
        first_line = stdout.split(b"\n", 1)[0]
        try:
            workload.info = json.loads(first_line.decode())
        except ValueError:
            pytest.fail("%s printed no ready line through the profiler; stdout began %r" % (
                script, stdout[:300]))
        return workload

    def _read_ready_line(self) -> str:
        deadline = time.monotonic() + READY_TIMEOUT
        fd = self.process.stdout.fileno()
        data = b""
        while b"\n" not in data:
            left = deadline - time.monotonic()
            if left <= 0:
                pytest.fail("%s on %s printed no ready line in %ss" % (
                    self.script, self.python, READY_TIMEOUT))
            readable, _, _ = select.select([fd], [], [], left)
            if readable:
                chunk = os.read(fd, 4096)
                if not chunk:
                    self.process.wait(timeout=10)
                    pytest.fail("%s on %s exited (%s) before it was ready:\n%s" % (
                        self.script, self.python, self.process.returncode,
                        self.process.stderr.read().decode(errors="replace")))
                data += chunk
        return data.split(b"\n", 1)[0].decode()

    @property
    def pid(self) -> int:
        return self.info["pid"]

    @property
    def threads(self) -> List[Tuple[str, int]]:
        """(name, native tid) of each thread the workload started, main thread first."""
        return [(t["name"], t["tid"]) for t in self.info["threads"]]

    def tid(self, name: str) -> int:
        return dict(self.threads)[name]

    def kill(self):
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.kill()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        for stream in (self.process.stdout, self.process.stderr):
            stream.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.kill()


@pytest.fixture
def start_workload():
    """start_workload(python, "script.py", args...) -> Workload, killed after the test."""
    started = []

    def start(python, script, *args):
        workload = Workload(python, script, *args)
        started.append(workload)
        return workload

    yield start
    for workload in started:
        workload.kill()


# --- the target process as the kernel sees it -----------------------------------------

def task_states(pid: int) -> Dict[int, str]:
    """Each thread's state letter from /proc/PID/task/TID/stat (R, S, D, t, T, Z...)."""
    states = {}
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/stat" % (pid, tid)) as stat:
                states[int(tid)] = stat.read().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError):
            pass
    return states


def cpu_ticks(pid: int) -> int:
    """utime + stime of the whole process, in clock ticks."""
    with open("/proc/%d/stat" % pid) as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def assert_running_freely(pid: int, busy: bool = True, watch_seconds: float = 0.6):
    """The process is alive, no thread of it is stopped (t/T) at any of several looks, and,
    when it has a busy thread, it keeps using CPU."""
    before = cpu_ticks(pid)
    deadline = time.monotonic() + watch_seconds
    while True:
        states = task_states(pid)
        stopped = {tid: s for tid, s in states.items() if s in "tTZX"}
        assert states and not stopped, "target %d has stopped or dead threads: %s" % (pid, states)
        if time.monotonic() >= deadline:
            break
        time.sleep(0.1)
    used = cpu_ticks(pid) - before
    assert used >= 5 or not busy, \
        "target %d used %d clock ticks of CPU in %.1fs: it is not making progress" % (
            pid, used, watch_seconds)


def unused_pid() -> int:
    """A pid no process has: the highest free one below pid_max."""
    with open("/proc/sys/kernel/pid_max") as f:
        pid = int(f.read()) - 1
    while os.path.exists("/proc/%d" % pid):
        pid -= 1
    return pid


# --- the output formats ----------------------------------------------------------------

@dataclass(frozen=True)
class Frame:
    qualname: str
    file: Optional[str]  # None only for the [truncated] marker
    line: Optional[int]

    def __str__(self):
        return self.qualname if self.file is None else "%s (%s:%d)" % (
            self.qualname, self.file, self.line)


TRUNCATED = Frame("[truncated]", None, None)


@dataclass(frozen=True)
class NativeFrame:
    """A C frame of record --native: a symbol and its file, or FILE+0xOFFSET."""
    qualname: str
    file: str

    @property
    def line(self):
        return None


@dataclass(frozen=True)
class Stack:
    thread_name: str
    tid: int
    frames: Tuple[Frame, ...]  # outermost first
    count: int
    process: Optional[Tuple[int, str]] = None  # (pid, name) under record --subprocesses


@dataclass
class Profile:
    stacks: List[Stack]

    @property
    def total(self) -> int:
        return sum(s.count for s in self.stacks)

    def roots(self) -> set:
        """{(thread name, tid)} of every thread root."""
        return {(s.thread_name, s.tid) for s in self.stacks}

    def of_thread(self, tid: int) -> List[Stack]:
        return [s for s in self.stacks if s.tid == tid]

    def samples_containing(self, qualname: str) -> int:
        return sum(s.count for s in self.stacks
                   if any(f.qualname == qualname for f in s.frames))

    def dominant_stack(self, tid: int) -> Stack:
        stacks = self.of_thread(tid)
        assert stacks, "thread %d has no samples; threads seen: %s" % (tid, sorted(self.roots()))
        return max(stacks, key=lambda s: s.count)


ROOT = re.compile(r"^thread:(?P<name>.*):(?P<tid>\d+)$")
PROCESS_ROOT = re.compile(r"^process:(?P<pid>\d+):(?P<name>.*)$")
# QUALNAME never has " (" in it; FILE may have spaces (`<frozen importlib._bootstrap>`)
FRAME = re.compile(r"^(?P<qualname>.+?) \((?P<file>.+):(?P<line>\d+)\)$")
# --native: a C function in its file ("deflate (libz.so.1)"), an address in a file
# ("libc.so.6+0x1098eb") or in no file ("[anonymous]", "[vdso]")
NATIVE_FRAME = re.compile(r"^(?:(?P<qualname>[^ ]+) \((?P<file>[^()]+)\)|"
                          r"(?P<address>[^ ;]+\+0x[0-9a-f]+|\[[a-z]+\]))$")


def parse_collapsed(data: bytes, native: bool = False) -> Profile:
    """Reads `thread:NAME:TID;QUALNAME (FILE:LINE);... COUNT` lines (after a
    `process:PID:NAME;` root under --subprocesses); any line that breaks the format fails
    the test.  native=True (record --native) also reads C frames, as NativeFrame."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        pytest.fail("collapsed output is not UTF-8: %s" % error)
    stacks = []
    for number, line in enumerate(text.splitlines(), 1):
        where = "collapsed line %d: %r" % (number, line[:500])
        body, space, count = line.rpartition(" ")
        assert space and count.isdigit() and int(count) > 0, where + ": no sample count"
        parts = body.split(";")
        process = PROCESS_ROOT.match(parts[0])
        if process:
            parts = parts[1:]
        root = ROOT.match(parts[0])
        assert root, where + ": does not start with thread:NAME:TID"
        frames = []
        for position, part in enumerate(parts[1:]):
            if part == str(TRUNCATED):
                assert position == 0, where + ": [truncated] is not the outermost frame"
                frames.append(TRUNCATED)
                continue
            frame = FRAME.match(part)
            if not frame and native:
                frame = NATIVE_FRAME.match(part)
                assert frame, where + ": frame %r is neither QUALNAME (FILE:LINE) nor native" % part
                frames.append(NativeFrame(frame["qualname"] or frame["address"],
                                          frame["file"] or ""))
                continue
            assert frame, where + ": frame %r is not QUALNAME (FILE:LINE)" % part
            frames.append(Frame(frame["qualname"], frame["file"], int(frame["line"])))
        stacks.append(Stack(root["name"], int(root["tid"]), tuple(frames), int(count),
                            (int(process["pid"]), process["name"]) if process else None))
    return Profile(stacks)


_line_counts: Dict[str, int] = {}


def _lines_in(path: str) -> Optional[int]:
    if path not in _line_counts:
        try:
            with open(path, "rb") as source:
                _line_counts[path] = source.read().count(b"\n") + 1
        except OSError:
            _line_counts[path] = -1
    return _line_counts[path] if _line_counts[path] >= 0 else None


def unreal_frames(profile: Profile) -> List[str]:
    """Frames that are not Python code the target ran: a torn read printed as if whole, or
    one of CPython's internal shim frames, which a reader must skip. Caught by: a file that
    is neither an existing absolute path nor a `<...>` pseudo-file (`<frozen x>`, `<string>`),
    or a line past the end of its file. That includes 3.12's C-entry frame
    `<interpreter trampoline> (<shim>:1)` (flagged by name) and 3.13+'s `__init__` cleanup
    frame, whose file is `__init__`. Every workload here runs from absolute paths."""
    found = set()
    for stack in profile.stacks:
        for frame in stack.frames:
            if frame == TRUNCATED:
                continue
            if frame.file == "<shim>":
                found.add(str(frame))
            elif frame.file.startswith("<") and frame.file.endswith(">"):
                continue
            elif not frame.file.startswith("/"):
                found.add(str(frame))
            else:
                lines = _lines_in(frame.file)
                if lines is None or frame.line > lines:
                    found.add(str(frame))
    return sorted(found)


def parse_svg_titles(data: bytes) -> List[str]:
    """The text of every <title> of a self-contained SVG document; fails on anything else."""
    try:
        document = xml.dom.minidom.parseString(data)
    except ExpatError as error:
        pytest.fail("SVG output does not parse as XML: %s\nfirst bytes: %r" % (error, data[:300]))
    root = document.documentElement
    assert root.tagName == "svg", "the document element is <%s>, not <svg>" % root.tagName
    titles = []
    for title in document.getElementsByTagName("title"):
        titles.append("".join(node.data for node in title.childNodes
                              if node.nodeType in (node.TEXT_NODE, node.CDATA_SECTION_NODE)))
    return titles


@dataclass
class DumpedFrame:
    file: str
    line: int
    name: str
    source: Optional[str]  # the source line text, when the file was readable


@dataclass
class DumpedThread:
    header: str
    frames: List[DumpedFrame]  # innermost LAST, as in a traceback


DUMP_FILE_LINE = re.compile(r'^  File "(?P<file>.+)", line (?P<line>\d+), in (?P<name>.+)$')


def parse_text_dump(text: str) -> List[DumpedThread]:
    """Reads `dump` text: per thread a header line, then traceback-style
    `  File "F", line N, in NAME` lines, each followed by its indented source line."""
    threads = []
    for number, line in enumerate(text.splitlines(), 1):
        where = "dump line %d: %r" % (number, line)
        if not line.strip():
            continue
        if not line[0].isspace():
            threads.append(DumpedThread(line, []))
            continue
        assert threads, where + ": indented line before any thread header"
        file_line = DUMP_FILE_LINE.match(line)
        if file_line:
            threads[-1].frames.append(DumpedFrame(file_line["file"], int(file_line["line"]),
                                                  file_line["name"], None))
            continue
        assert line.startswith("    ") and line.strip(), where + ": not a File line or source"
        frames = threads[-1].frames
        assert frames and frames[-1].source is None, where + ": source line without a File line"
        frames[-1].source = line.strip()
    return threads
