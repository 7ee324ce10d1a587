"""No dead code in dossier/: vulture reports nothing outside tests/vulture_whitelist.py.

``--min-confidence 60``: vulture rates every unused function, class, method, property, variable and
attribute at 60 %, unused imports at 90 % and unreachable code and unused arguments at 100 %, so 60
keeps all of its reports and the whitelist (each name with the reason it is live) is the only filter.
A higher threshold would let exactly the dead functions and attributes through.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_vulture_finds_nothing_outside_the_whitelist():
    run = subprocess.run(
        [sys.executable, "-m", "vulture", "dossier", "tests/vulture_whitelist.py", "--min-confidence", "60"],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )
    assert run.returncode == 0 and run.stdout == "", (
        "dead code (delete it, or whitelist it in tests/vulture_whitelist.py with the reason it is used):\n" + run.stdout + run.stderr
    )


def test_vulture_does_report_an_unused_function(tmp_path):
    """The check is live: the same call finds a function nothing calls."""
    (tmp_path / "mod.py").write_text("def used():\n    return 1\n\n\ndef never_called():\n    return 2\n\n\nused()\n")
    run = subprocess.run([sys.executable, "-m", "vulture", str(tmp_path / "mod.py"), "tests/vulture_whitelist.py",
                          "--min-confidence", "60"], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert run.returncode == 3 and "never_called" in run.stdout and "'used'" not in run.stdout
