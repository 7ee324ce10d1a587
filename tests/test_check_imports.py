"""``dossier check`` loads only what the run needs: once the facts of the evidence PDFs, photos and
video are in the user cache, a check of a sample imports none of the heavy libraries (moviepy
and numpy, pikepdf, Pillow's image module, python-docx, rich...) nor the programme's schema
models, and says exactly what it said when it had to open every file.

The CLI runs in a subprocess through a small harness that prints the modules loaded at exit.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "samples" / "guangxin-optics"

# Modules that cost tens of milliseconds each to import and that a cached check does not need.
HEAVY = ("moviepy", "numpy", "pikepdf", "PIL.Image", "docx", "docxtpl", "pypdf", "lxml", "jinja2", "rich", "imageio")

HARNESS = """
import json, sys
out, sys.argv = sys.argv[1], ["dossier", *sys.argv[2:]]
try:
    from dossier.cli import main
    main()
except SystemExit as exc:
    code = exc.code
with open(out, "w") as fh:
    json.dump({"exit_code": code, "modules": sorted(sys.modules)}, fh)
"""


def _check(tmp_path: Path, cache: Path, n: int) -> tuple[dict, set[str]]:
    out = tmp_path / f"modules-{n}.json"
    proc = subprocess.run(
        [sys.executable, "-c", HARNESS, str(out), "check", str(SAMPLE), "--json", "--no-report"],
        capture_output=True, text=True, timeout=300, cwd=tmp_path,
        env={**os.environ, "DOSSIER_CACHE_DIR": str(cache), "DOSSIER_DEBUG": ""},
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    harness = json.loads(out.read_text())
    result = json.loads(proc.stdout)
    assert harness["exit_code"] == result["exit_code"]
    return result, set(harness["modules"])


def _loaded(modules: set[str]) -> list[str]:
    return [name for name in HEAVY if any(m == name or m.startswith(name + ".") for m in modules)]


@pytest.fixture(scope="module")
def sample_files() -> None:
    """The sample's evidence and media are generated files: bring them up to date if missing."""
    if not (SAMPLE / "media").is_dir() or not (SAMPLE / "evidence").is_dir():
        proc = subprocess.run([sys.executable, "-m", "samples.generate"], cwd=REPO, capture_output=True, text=True, timeout=900)
        assert proc.returncode == 0, proc.stderr


def test_a_cached_check_imports_no_heavy_module_and_finds_the_same(tmp_path, sample_files):
    cache = tmp_path / "cache"
    first, first_modules = _check(tmp_path, cache, 1)
    # With an empty cache the PDFs, photos and video are opened: the harness sees those imports.
    assert {"pikepdf", "PIL.Image", "moviepy"} <= set(_loaded(first_modules))
    again, modules = _check(tmp_path, cache, 2)
    assert _loaded(modules) == []
    # The programme's validation is remembered: its pydantic schema is not even imported.
    assert "dossier.application.programme_schema" in first_modules
    assert "dossier.application.programme_schema" not in modules
    assert again == first
    assert first["counts"]["error"] == 0 and first["findings"]  # the sample passes, with warnings and notes
