"""The suite runs on every interpreter it promises (tests/interpreters.py), or fails."""

import subprocess

from interpreters import PROMISED, PROMISED_IDS, requested_ids


def test_every_promised_interpreter_is_present():
    unknown = [name for name in requested_ids() if name not in PROMISED_IDS]
    assert not unknown, "PYCONC_TEST_PYTHONS names interpreters nobody promised: %s " \
                        "(promised: %s)" % (", ".join(unknown), ", ".join(PROMISED_IDS))

    problems = []
    for interpreter in PROMISED:
        if interpreter.id not in requested_ids():
            continue
        if interpreter.path is None:
            problems.append("%s: missing, looked in %s" % (interpreter.id, interpreter.looked_in))
            continue
        try:
            ran = subprocess.run(
                [interpreter.path, "-c", "import sys; print(sys.version_info[:2])"],
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=30)
        except (OSError, subprocess.TimeoutExpired) as error:
            problems.append("%s: %s does not run: %s" % (interpreter.id, interpreter.path, error))
            continue
        reported = ran.stdout.decode(errors="replace").strip()
        if ran.returncode != 0 or reported != str(interpreter.version):
            problems.append("%s: %s says %r, expected %s" % (
                interpreter.id, interpreter.path, reported, interpreter.version))
    assert not problems, "promised interpreters not usable:\n  " + "\n  ".join(problems)
