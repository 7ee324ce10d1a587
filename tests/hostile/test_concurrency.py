"""Builds running at the same time never collide: LibreOffice profiles, the conversion cache and
temporary files are private to each run; outputs written at once stay whole and consistent."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from bind_make import make_pdf
from hostile.hostile_util import ROOT, tally
from test_crash_safety import assert_whole, buildable_project, final_files


def _start(*args: str | os.PathLike) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "DOSSIER_DEBUG"}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.Popen([sys.executable, "-m", "dossier", *map(str, args)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _finish(procs: list[subprocess.Popen]) -> list[tuple[int, str]]:
    return [(p.wait(timeout=600), p.communicate()[1]) for p in procs]


def _consistent(out: Path) -> dict:
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    import hashlib

    for doc in manifest["documents"]:
        assert_whole(out / doc["pdf"])
        assert hashlib.sha256((out / doc["pdf"]).read_bytes()).hexdigest() == doc["pdf_sha256"], doc["pdf"]
    assert not [k for k in final_files(out) if k.endswith(".tmp")]
    return manifest


def _pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-l", "2", str(path), "-"], capture_output=True, text=True, timeout=60).stdout


@pytest.mark.slow
def test_two_projects_built_at_once(tmp_path):
    a = buildable_project(tmp_path / "甲", "武汉甲光电科技有限公司")
    b = buildable_project(tmp_path / "乙", "武汉乙材料科技有限公司")
    results = _finish([_start("build", a), _start("build", b)])
    tally("concurrent", 2)
    assert [code for code, _ in results] == [0, 0], results
    for root, name, other in ((a, "武汉甲光电", "武汉乙材料"), (b, "武汉乙材料", "武汉甲光电")):
        manifest = _consistent(root / "build")
        text = _pdf_text(root / "build" / manifest["documents"][0]["pdf"])
        assert name in text and other not in text  # no cross-talk between the two runs


@pytest.mark.slow
def test_same_project_built_twice_at_once(tmp_path):
    root = buildable_project(tmp_path / "proj")
    results = _finish([_start("build", root), _start("build", root)])
    tally("concurrent", 2)
    assert [code for code, _ in results] == [0, 0], results
    _consistent(root / "build")


@pytest.mark.slow
def test_same_volume_bound_four_times_at_once(tmp_path):
    src = [make_pdf(tmp_path / f"{i}.pdf", [{"text": str(i)}] * 3) for i in range(3)]
    out = tmp_path / "out" / "卷.pdf"
    results = _finish([_start("bind", *src, "-o", out, "--cover", "同一卷") for _ in range(4)])
    tally("concurrent", 4)
    assert [code for code, _ in results] == [0] * 4, results
    manifest = json.loads((tmp_path / "out" / "卷.manifest.json").read_text("utf-8"))
    import hashlib

    assert hashlib.sha256(out.read_bytes()).hexdigest() == manifest["sha256"]  # same input → same bytes
    assert sorted(final_files(tmp_path / "out")) == ["卷.manifest.json", "卷.pdf", "卷.盖章指引.pdf"]
