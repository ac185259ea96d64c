"""record --native on every interpreter: C frames merged with Python frames.

One recording of tests/workloads/native_threads.py per interpreter (shared libpython and
static builds, stripped and not): zlib's deflate under the Python frame that called
zlib.compress; ctypes' qsort between the Python frame that called it and the Python
comparison it calls back; the blocking call innermost for time.sleep, Lock.acquire and
socket.recv.  A second recording makes every seventh unwind fail (PYCONC_NATIVE_FAIL_EVERY)
and checks those samples keep their Python frames and are counted."""
import json
import re

from conftest import NativeFrame, Profiler, parse_collapsed


def stacks_of(profile, thread):
    return [s for s in profile.stacks if s.thread_name == thread]


def names(stack):
    return [f.qualname for f in stack.frames]


def index_of(stack, predicate, start=0):
    for i, frame in enumerate(stack.frames[start:], start):
        if predicate(frame):
            return i
    return -1


def python_frame(name):
    return lambda f: not isinstance(f, NativeFrame) and f.qualname.endswith(name)


def native_frame(pattern):
    return lambda f: isinstance(f, NativeFrame) and re.search(pattern, f.qualname)


def innermost_native(stack, n):
    return [f.qualname for f in stack.frames if isinstance(f, NativeFrame)][-n:]


def record(profiler, workload, tmp_path, name):
    output = tmp_path / name
    run = profiler.run("record", "--native", "--pid", workload.pid, "-d", 1.5, "-r", 50,
                       "--stats", "-o", output, "-o", tmp_path / (name + ".pcp"), timeout=60)
    assert run.returncode == 0, run.describe()
    return run, parse_collapsed(output.read_bytes(), native=True)


def test_native_frames_sit_where_the_python_code_called_them(python, profiler, start_workload,
                                                             tmp_path):
    workload = start_workload(python, "native_threads.py")
    run, profile = record(profiler, workload, tmp_path, "native.txt")
    context = run.describe()

    # zlib.compress: libz's frames inside the Python frame that called it
    zipper = [s for s in stacks_of(profile, "zipper")
              if 0 <= index_of(s, python_frame("zip_loop"))
              < index_of(s, lambda f: isinstance(f, NativeFrame) and f.file.startswith("libz"))]
    assert zipper, "no libz frame under zip_loop\n%s" % context

    # ctypes qsort: Python -> qsort -> Python callback, in that order on one stack
    def callback_order(stack):
        outer = index_of(stack, python_frame("sort_loop"))
        middle = index_of(stack, native_frame(r"qsort"), max(outer, 0))
        inner = index_of(stack, python_frame("compare"), max(middle, 0))
        return 0 <= outer < middle < inner
    assert any(callback_order(s) for s in stacks_of(profile, "sorter")), \
        "no sort_loop -> qsort -> compare stack\n%s" % "\n".join(
            ";".join(names(s)) for s in stacks_of(profile, "sorter")[:5])

    # blocking calls: the innermost native frames name them in most samples (the rest: just
    # woken, taking the GIL back from the zipper and the sorter, which a stripped build
    # shows as an unnamed address: take_gil is not exported)
    waits = {"sleeper": (r"sleep|select", "sleep_loop"),
             # 3.13+ parks the thread: _PyParkingLot_Park, _PySemaphore_Wait
             "locker": (r"PyThread_acquire_lock|ParkingLot|Semaphore|sem_|pthread_cond",
                        "lock_wait"),
             "receiver": (r"recv|poll", "recv_wait")}
    for thread, (pattern, caller) in waits.items():
        stacks = stacks_of(profile, thread)
        assert stacks, "no samples of %s\n%s" % (thread, context)
        def named(stack, wanted):
            return any(re.search(wanted, n) for n in innermost_native(stack, 6)) and \
                index_of(stack, python_frame(caller)) >= 0
        blocked = sum(s.count for s in stacks if named(s, pattern))
        total = sum(s.count for s in stacks)
        shown = [innermost_native(s, 4) for s in stacks[:6]]
        assert blocked >= 0.4 * total, (thread, blocked, total, shown)
        assert all(index_of(s, python_frame(caller)) >= 0 for s in stacks), shown
    assert "native unwinds failed" not in run.stderr, context

    # the thread states stay right while every thread is stopped for its unwind
    report = profiler.run("report", tmp_path / "native.txt.pcp", "--contention", "--json")
    assert report.returncode == 0, report.describe()
    states = {t["name"]: t["states"] for t in json.loads(report.stdout)["threads"]}
    assert states["zipper"]["running"] >= 70, states["zipper"]  # in deflate, GIL released
    assert states["locker"]["lock-wait"] >= 80, states["locker"]
    assert states["receiver"]["io-wait"] >= 80, states["receiver"]
    assert states["sleeper"]["sleeping"] + states["sleeper"]["gil-wait"] >= 80, states["sleeper"]
    assert re.search(r"target paused per tick \(every thread\): median [\d.]+ us", run.stderr), \
        context


def test_a_failed_unwind_keeps_the_python_frames_and_is_counted(python, profiler_binary,
                                                               start_workload, tmp_path):
    workload = start_workload(python, "native_threads.py")
    failing = Profiler(profiler_binary, run_as=["env", "PYCONC_NATIVE_FAIL_EVERY=7"])
    try:
        run, profile = record(failing, workload, tmp_path, "failing.txt")
    finally:
        failing.kill_all()
    failed = re.search(r"(\d+) native unwinds failed \(their Python frames kept\)", run.stderr)
    assert failed and int(failed.group(1)) > 0, run.describe()
    sleeper = stacks_of(profile, "sleeper")
    python_only = [s for s in sleeper if not any(isinstance(f, NativeFrame) for f in s.frames)]
    merged = [s for s in sleeper if any(isinstance(f, NativeFrame) for f in s.frames)]
    assert python_only and merged, run.describe()
    for stack in python_only:
        assert index_of(stack, python_frame("sleep_loop")) >= 0, names(stack)
