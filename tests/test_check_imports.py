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


def _check(tmp_path: Path, cache: Path, n: int, *, raw: list[str] | None = None) -> tuple[dict, set[str]]:
    out = tmp_path / f"modules-{n}.json"
    proc = subprocess.run(
        [sys.executable, "-c", HARNESS, str(out), "check", str(SAMPLE), "--json", "--no-report"],
        capture_output=True, text=True, timeout=300, cwd=tmp_path,
        env={**os.environ, "DOSSIER_CACHE_DIR": str(cache), "DOSSIER_DEBUG": ""},
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    if raw is not None:
        raw.append(proc.stdout)
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
    printed: list[str] = []
    first, first_modules = _check(tmp_path, cache, 1, raw=printed)
    # With an empty cache the PDFs and photos are opened: the harness sees those imports. The video
    # is read from ffmpeg's banner without moviepy and numpy (media_inspection.video.read_banner).
    assert {"pikepdf", "PIL.Image"} <= set(_loaded(first_modules))
    assert not {"moviepy", "numpy"} & set(_loaded(first_modules))
    again, modules = _check(tmp_path, cache, 2, raw=printed)
    assert _loaded(modules) == []
    # Nothing changed: the check is remembered whole (dossier.remembered_check), printed byte for byte
    # as the first run printed it, without loading the application or importing the other verbs.
    assert printed[0] == printed[1]
    assert not {"pydantic", "dossier.check", "dossier.application.model", "dossier.cli.build", "dossier.cli.watch"} & modules
    assert "dossier.check" in first_modules
    # The programme's validation is remembered: its pydantic schema is not even imported.
    assert "dossier.application.programme_schema" in first_modules
    assert "dossier.application.programme_schema" not in modules
    assert again == first
    assert first["counts"]["error"] == 0 and first["findings"]  # the sample passes, with warnings and notes


def test_each_verb_is_registered_by_the_module_the_cli_names_for_it():
    """``dossier.cli.VERBS`` names the module that registers each verb (a run imports only that one):
    every verb registered is named there, by the module that registers it."""
    from dossier.cli import VERBS, main

    registered = {name: cmd.callback.__module__ for name, cmd in main.commands.items()}
    assert registered == {name: f"dossier.cli.{module}" for name, module in VERBS.items()}
    registering = {p.stem for p in (REPO / "dossier" / "cli").glob("*.py")
                   if any(line.startswith("@main.") for line in p.read_text(encoding="utf-8").splitlines())}
    assert registering == set(VERBS.values())
