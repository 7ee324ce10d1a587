"""A build or a bind killed with SIGKILL at any moment leaves the previous outputs intact and no
half-written file under a final name; inputs are never modified (hashed before and after).

The ``dossier build`` cases start LibreOffice: marked ``slow`` and kept to a few kills."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pikepdf
import pytest
from bind_make import mixed_set
from conftest import dump_yaml, valid_application, write_project
from hostile.hostile_util import ROOT, snapshot, tally
from media_fixtures import jpeg_of_size, pptx_file, video

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX")


def buildable_project(root: Path, name: str = "武汉光芯测试科技有限公司") -> Path:
    """The valid project with its item-9 media on disk, so that `dossier build` runs to the end."""
    data = valid_application()
    data["enterprise"]["name"] = name
    write_project(root, data)
    media = root / "media"
    media.mkdir(exist_ok=True)
    for i in (1, 2, 3):
        jpeg_of_size(media / f"{i}.jpg", 1_100_000 + i)
    pptx_file(media / "汇报.pptx")
    video(media / "视频.mp4", "3")
    return root


def inputs_of(root: Path) -> dict[str, str]:
    """The project's files but the output folder and what a killed build leaves beside it (its
    staging folder and lock, ``.build.dossier-*``, cleared by the next build)."""
    return {k: v for k, v in snapshot(root).items() if not k.startswith(("build/", ".build.dossier-"))}


def final_files(folder: Path) -> dict[str, str]:
    """Files under their final names (temporary ones start with '.' or end with '.tmp')."""
    return {
        k: v for k, v in snapshot(folder).items()
        if not any(part.startswith(".") for part in k.split("/")) and not k.endswith(".tmp")
    }


def assert_whole(path: Path) -> None:
    """The file is complete: PDFs open, .docx are whole zips, JSON parses."""
    if path.suffix == ".pdf":
        with pikepdf.open(path) as pdf:
            assert len(pdf.pages) > 0
    elif path.suffix == ".docx":
        with zipfile.ZipFile(path) as zf:
            assert zf.testzip() is None
    elif path.suffix == ".json":
        json.loads(path.read_text("utf-8"))
    elif path.suffix == ".html":
        assert path.read_text("utf-8").rstrip().endswith("</html>")


def kill_at(cmd: list[str], delay: float) -> int | None:
    """Start ``cmd`` in its own process group, SIGKILL the group after ``delay`` s; its exit code if it
    finished first."""
    env = {k: v for k, v in os.environ.items() if k != "DOSSIER_DEBUG"}
    env["PYTHONPATH"] = str(ROOT)
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        return proc.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # LibreOffice children included
        proc.wait()
        return None


def check_after_kill(out: Path, before: dict[str, str]) -> None:
    after = final_files(out)
    for name, digest in after.items():
        if before.get(name) != digest:  # new or rewritten: must be a whole file
            assert_whole(out / name)
    for name in before:
        if name not in after:
            # A file may only disappear when a build removes a stale document it no longer makes.
            pytest.fail(f"{name} vanished after the kill")


@pytest.mark.slow
def test_bind_killed_at_random_moments(tmp_path):
    files = mixed_set(tmp_path / "in")
    inputs = snapshot(tmp_path / "in")
    out = tmp_path / "out" / "卷.pdf"
    base = [sys.executable, "-m", "dossier", "bind", *map(str, files), "-o", str(out), "--password", "加密-有打开密码.pdf=1234"]
    assert subprocess.run([*base, "--cover", "第一版"], env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True).returncode == 0
    previous = final_files(out.parent)
    rng = random.Random(11)
    finished = 0
    for _ in range(8):
        code = kill_at([*base, "--cover", "第二版", "--duplex"], rng.uniform(0.2, 2.5))
        tally("kill")
        finished += code is not None
        check_after_kill(out.parent, previous)
        after = final_files(out.parent)
        if after[out.name] != previous[out.name]:  # the new volume landed: the set moved on together
            previous = after
    assert snapshot(tmp_path / "in") == inputs


@pytest.mark.slow
def test_build_killed_at_random_moments(tmp_path):
    root = buildable_project(tmp_path / "proj")
    cmd = [sys.executable, "-m", "dossier", "build", str(root)]
    started = time.monotonic()
    res = subprocess.run(cmd, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True)
    full = time.monotonic() - started
    assert res.returncode == 0, res.stdout + res.stderr
    out = root / "build"
    inputs = inputs_of(root)
    previous = final_files(out)
    assert any(k.endswith(".pdf") for k in previous)
    rng = random.Random(3)
    for i in range(3):
        # A different enterprise name: every document changes, nothing comes from the cache.
        data = valid_application()
        data["enterprise"]["name"] = f"武汉光芯测试科技有限公司{i}"
        (root / "enterprise.yaml").write_text(dump_yaml(data), "utf-8")
        inputs = inputs_of(root)
        kill_at(cmd, rng.uniform(0.3, full * 0.9))
        tally("kill")
        check_after_kill(out, previous)
        previous = final_files(out)
        assert inputs_of(root) == inputs  # inputs never touched, even by a killed build
    # After the kills, a build completes and its manifest matches the files on disk.
    res = subprocess.run(cmd, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    for doc in manifest["documents"]:
        assert_whole(out / doc["pdf"])
    assert inputs_of(root) == inputs
    assert not [p.name for p in root.iterdir() if p.name.startswith(".build.dossier-")]  # cleared
