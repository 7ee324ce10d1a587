"""How the ``dossier`` process ends (dossier.cli.run): after a failed or interrupted verb, without the
interpreter's teardown (a daemon thread unwound out of pikepdf's C++ there aborted the process), but
only once its other threads have ended, its exit functions have run and what it left in reference
cycles has been finalised."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

SCRIPT = textwrap.dedent("""
    import atexit, sys, threading, time
    from pathlib import Path

    import dossier.cli

    marks = Path(sys.argv[1])

    def mark(name):
        with open(marks, "a", encoding="utf-8") as f:
            f.write(name + "\\n")

    def abandoned():
        try:
            yield
        finally:
            mark("collected")

    import gc
    gc.disable()  # as during a binding (dossier.bind.volume._collector_paused): no collection on the way
    cycle = {"generator": abandoned()}
    next(cycle["generator"])
    cycle["self"] = cycle  # a suspended generator in a reference cycle: only the collector frees it
    del cycle

    atexit.register(mark, "atexit")
    threading.Thread(target=lambda: (time.sleep(0.3), mark("thread"))).start()
    threading.Thread(target=lambda: time.sleep(60), daemon=True).start()
    sys.argv = ["dossier", *sys.argv[2:]]
    dossier.cli.run()
""")


def _run(tmp_path: Path, *args: str) -> tuple[int, list[str], bool]:
    """Exit status, what the thread and the exit function marked, and whether the interpreter tore
    its modules down (``python -v`` says so as it does: "# cleanup[...")."""
    marks = tmp_path / "marks.txt"
    marks.touch()
    proc = subprocess.run([sys.executable, "-v", "-c", SCRIPT, str(marks), *args], capture_output=True, text=True,
                          timeout=60)
    torn_down = any(line.startswith("# cleanup[") for line in proc.stderr.splitlines())
    return proc.returncode, marks.read_text(encoding="utf-8").split(), torn_down


def test_a_failed_verb_ends_after_its_threads_and_exit_functions_without_teardown(tmp_path):
    status, marks, torn_down = _run(tmp_path, "check", str(tmp_path / "no-such-project"))
    assert status == 2
    assert marks == ["thread", "atexit", "collected"]  # what was left in cycles is finalised first
    assert not torn_down


@pytest.mark.parametrize("args", [["--version"], ["check", "--help"]])
def test_a_verb_that_succeeds_ends_with_the_usual_teardown(tmp_path, args):
    status, marks, torn_down = _run(tmp_path, *args)
    assert status == 0
    assert marks[:2] == ["thread", "atexit"]
    assert torn_down
