"""Shared by the hostile-input suite: the case tally, the CLI run as a user runs it, snapshots.

A *case* is one hostile input tried: a parametrized example, a hypothesis example or one fuzz
iteration. Each test adds its cases to :data:`TALLY` under an input kind; the suite's conftest
prints the per-kind counts at the end of the run.
"""

from __future__ import annotations

import collections
import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

TALLY: collections.Counter[str] = collections.Counter()
FOUND: list[str] = []  # failures a fuzz target found (kept for the summary; the test fails too)

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u4e00-\u9fff]")


def tally(kind: str, n: int = 1) -> None:
    TALLY[kind] += n


def run_cli(*args: str | os.PathLike, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """``python -m dossier ARGS`` in a fresh process, as a user runs it: DOSSIER_DEBUG unset."""
    env = {k: v for k, v in os.environ.items() if k != "DOSSIER_DEBUG"}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "dossier", *map(str, args)],
        cwd=cwd or ROOT, env=env, capture_output=True, text=True, encoding="utf-8", errors="replace", timeout=timeout,
    )


def assert_refused(res: subprocess.CompletedProcess, name: str, *words: str) -> str:
    """Exit 2, a Chinese message naming ``name`` (and ``words``), no traceback, not an internal error."""
    out = res.stdout + res.stderr
    assert res.returncode == 2, f"exit {res.returncode}\n{out}"
    assert "Traceback" not in out, out
    assert "内部错误" not in out, f"an internal error is a bug, not a refusal:\n{out}"
    assert name in res.stderr, f"message does not name {name!r}:\n{out}"
    assert CJK.search(res.stderr), out
    for w in words:
        assert w in out, f"{w!r} missing:\n{out}"
    return res.stderr


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (hidden ones too) → SHA-256: compare before/after a run."""
    out = {}
    if not folder.exists():
        return out
    for p in sorted(folder.rglob("*")):
        if p.is_file() and not p.is_symlink():
            out[p.relative_to(folder).as_posix()] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def files_under(folder: Path) -> list[str]:
    """Files left in ``folder`` (empty folders do not count as output)."""
    return sorted(snapshot(folder))


# ---------------------------------------------------------------- pytest plugin (registered in tests/conftest.py)

def pytest_configure(config):
    from hypothesis import HealthCheck, settings

    # Reproducible in CI: the same examples every run, no time-based deadline on a loaded 2-core machine.
    settings.register_profile(
        "hostile", derandomize=True, deadline=None, database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    )


def pytest_terminal_summary(terminalreporter):
    if not TALLY:
        return
    kinds = ", ".join(f"{k}: {v}" for k, v in sorted(TALLY.items()))
    terminalreporter.write_sep("-", "hostile inputs")
    terminalreporter.write_line(f"hostile-input cases: {sum(TALLY.values())} ({kinds})")
    for line in FOUND:
        terminalreporter.write_line(f"  found: {line}")
