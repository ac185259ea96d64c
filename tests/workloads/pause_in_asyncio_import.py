"""Imported before asyncio: makes the import of asyncio.tasks pause PAUSE_S seconds
just before its last statement, `from _asyncio import (..., _current_tasks, ...)`.

Until that statement asyncio.tasks holds the pure-Python task collections
(_all_tasks or _scheduled_tasks, _current_tasks); the statement replaces them with
the C module's, which every task then enters.  A profiler that looks for the tasks
during the pause (it looks every 200 ms) and keeps what it saw finds no task ever
after: the pause makes that moment certain instead of a millisecond's bad luck.

Works on CPython 3.8-3.15 (each tasks.py ends with that import); tracing stops at
the pause, so the workload itself runs untraced."""
import linecache
import sys
import time

PAUSE_S = 0.6


def _trace_tasks_module(frame, event, arg):
    if not frame.f_code.co_filename.endswith("asyncio/tasks.py") or \
            frame.f_code.co_name != "<module>":
        return None
    return _pause_before_c_import


def _pause_before_c_import(frame, event, arg):
    line = linecache.getline(frame.f_code.co_filename, frame.f_lineno).strip()
    if event == "line" and line.startswith("from _asyncio import"):
        sys.settrace(None)
        time.sleep(PAUSE_S)
        return None
    return _pause_before_c_import


if "asyncio" not in sys.modules:
    sys.settrace(_trace_tasks_module)
