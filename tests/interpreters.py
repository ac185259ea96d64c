"""The CPython interpreters the end-to-end tests promise to run on, in one place.

The promise is the list in `PROMISED`: every build of CPython we can get on a Debian 12
machine without PyPI, with the three kinds of binary the profiler must read:

- pyenv builds 3.8-3.13: shared libpython, symbols present;
- Debian's own /usr/bin/python3.11: static libpython, stripped, non-PIE;
- Debian unstable's 3.13, 3.14, 3.15 (fetched by scripts/get-pythons): static, stripped, PIE.

A promised interpreter that is missing is a failure of the suite
(tests/test_interpreters.py), never a skip: a profiler that silently stopped being tested
on 3.8 would look exactly like one that works there.

PYCONC_TEST_PYTHONS=py3.12-pyenv,py3.15-sid narrows the run (quick local runs, the ASan
job); the presence test then checks only those.
"""

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Tuple


@dataclass(frozen=True)
class Interpreter:
    id: str                  # "py3.12-pyenv": the pytest id of every test run on it
    version: Tuple[int, int]  # (3, 12)
    source: str              # "pyenv" | "debian" | "sid"
    path: Optional[str]      # the python executable, None when it is not on this machine
    looked_in: str           # where we looked, for the message when it is missing

    def __str__(self):
        return self.id


def _pyenv_root() -> Optional[Path]:
    """`pyenv root`, or None when pyenv is not installed or does not answer."""
    try:
        done = subprocess.run(["pyenv", "root"], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, timeout=10, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    root = done.stdout.decode().strip()
    return Path(root) if root else None


def _newest_pyenv_build(root: Optional[Path], minor: int) -> Tuple[Optional[str], str]:
    """The newest patch release 3.<minor>.N that pyenv has built (no 't', '-dev' variants)."""
    if root is None:
        return None, "pyenv (not installed: `pyenv root` failed)"
    pattern = re.compile(r"^3\.%d\.(\d+)$" % minor)
    builds = []
    versions = root / "versions"
    if versions.is_dir():
        for entry in versions.iterdir():
            match = pattern.match(entry.name)
            exe = entry / "bin" / ("python3.%d" % minor)
            if match and exe.is_file():
                builds.append((int(match.group(1)), str(exe)))
    looked_in = "%s/versions/3.%d.*/bin/python3.%d" % (root, minor, minor)
    if not builds:
        return None, looked_in
    return max(builds)[1], looked_in


def _sid_dir() -> Path:
    default = Path.home() / ".cache" / "pyconc-prof" / "pythons"
    return Path(os.environ.get("PYCONC_PYTHONS") or default)


def _existing(path: Path) -> Optional[str]:
    return str(path) if path.is_file() and os.access(str(path), os.X_OK) else None


def _find_all() -> List[Interpreter]:
    found = []
    root = _pyenv_root()
    for minor in range(8, 14):
        path, looked_in = _newest_pyenv_build(root, minor)
        found.append(Interpreter("py3.%d-pyenv" % minor, (3, minor), "pyenv", path, looked_in))

    debian = Path("/usr/bin/python3.11")
    found.append(Interpreter("py3.11-debian", (3, 11), "debian", _existing(debian), str(debian)))

    for minor in (13, 14, 15):
        sid = _sid_dir() / ("python3.%d" % minor)
        looked_in = "%s (run scripts/get-pythons)" % sid
        found.append(Interpreter("py3.%d-sid" % minor, (3, minor), "sid", _existing(sid),
                                 looked_in))
    return found


PROMISED: List[Interpreter] = _find_all()
PROMISED_IDS = [interpreter.id for interpreter in PROMISED]


def requested_ids() -> List[str]:
    """The ids this run is asked to cover: PYCONC_TEST_PYTHONS, or every promised one."""
    narrowed = os.environ.get("PYCONC_TEST_PYTHONS", "").strip()
    if not narrowed:
        return list(PROMISED_IDS)
    return [name.strip() for name in narrowed.split(",") if name.strip()]


def selected() -> List[Interpreter]:
    """The requested interpreters that exist here: what the per-interpreter tests run on.

    Missing or misspelled ones are not silently dropped: test_interpreters.py fails on them."""
    wanted = set(requested_ids())
    return [i for i in PROMISED if i.id in wanted and i.path is not None]


def too_old() -> List[Interpreter]:
    """pyenv's 3.6 and 3.7 if present: real CPython processes the profiler must refuse,
    naming the version. Not promised; the test that uses them skips without them."""
    root = _pyenv_root()
    found = []
    for minor in (7, 6):
        path, looked_in = _newest_pyenv_build(root, minor)
        if path is not None:
            found.append(Interpreter("py3.%d-pyenv" % minor, (3, minor), "pyenv", path, looked_in))
    return found
