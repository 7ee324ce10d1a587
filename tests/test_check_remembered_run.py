"""``dossier check --no-report`` remembered whole (:mod:`dossier.remembered_check`): an unchanged
project answers what a fresh check answers, and any change to what a check reads (enterprise.yaml,
evidence, media, the date) is checked afresh, never served from the cache. A check that read a
file outside the project folder (``extends``, a programme file) or a folder holding a link is not
remembered at all."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import time
from pathlib import Path

import pytest

import dossier.check
from dossier import remembered_check
from dossier.check import check_project
from dossier.cli.output import check_heading
from dossier.remembered_check import checked, project_key, summarize
from dossier.util import cache

TODAY = dt.date(2025, 9, 1)


@pytest.fixture
def own_cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("DOSSIER_CACHE_DIR", str(folder))
    monkeypatch.setattr(cache, "SETTLE_NS", 0)  # the files here are seconds old: remember at once
    return folder


@pytest.fixture
def runs(monkeypatch) -> list[Path]:
    """The folders check_project ran on (a remembered check runs nothing)."""
    seen: list[Path] = []

    def counted(root, **kw):  # noqa: ANN001, ANN003
        seen.append(Path(root))
        return check_project(root, **kw)

    monkeypatch.setattr(dossier.check, "check_project", counted)
    return seen


def fresh(root: Path, today: dt.date = TODAY):
    return summarize(check_project(root, today=today, media=True), check_heading)


def test_an_unchanged_project_is_answered_from_the_cache_as_a_fresh_check_answers(project, own_cache, runs):
    root = project()
    first = checked(root, check_heading, today=TODAY)
    again = checked(root, check_heading, today=TODAY)
    assert len(runs) == 1  # the second answer came from the cache
    assert again == first == fresh(root)
    assert first.findings and first.data["totals"] and first.heading[0].startswith("项目：")
    checked(root, check_heading, today=TODAY + dt.timedelta(days=1))  # another day: checked afresh
    assert len(runs) == 2


def _same_stat_edit(path: Path, old: str, new: str) -> None:
    """Rewrite ``path`` with ``old`` replaced by ``new`` (same length), its size and mtime put back."""
    st = path.stat()
    text = path.read_text(encoding="utf-8")
    assert old in text and len(old.encode()) == len(new.encode())
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_size == st.st_size


@pytest.mark.parametrize("change", ["yaml-same-size-and-mtime", "evidence-removed", "evidence-added", "media-added", "folder-added"])
def test_a_change_to_what_the_check_reads_is_never_served_stale(project, own_cache, runs, change):
    root = project()
    before = checked(root, check_heading, today=TODAY)
    if change == "yaml-same-size-and-mtime":
        _same_stat_edit(root / "enterprise.yaml", "name: 武汉光芯测试科技有限公司", "name: 武汉光芯测试科技有限公闹")
    elif change == "evidence-removed":
        victim = sorted((root / "evidence").rglob("*.pdf"))[0]
        victim.unlink()
    elif change == "evidence-added":
        shutil.copy(sorted((root / "evidence").rglob("*.pdf"))[0], root / "evidence" / "多余.pdf")
    elif change == "media-added":
        (root / "media").mkdir(exist_ok=True)
        from PIL import Image

        Image.new("RGB", (64, 48), "gray").save(root / "media" / "1.jpg")  # named by enterprise.yaml, missing till now
    else:
        (root / "evidence" / "新文件夹").mkdir()
    after = checked(root, check_heading, today=TODAY)
    assert len(runs) == 2  # checked afresh
    assert after == fresh(root)
    if change in ("yaml-same-size-and-mtime", "evidence-removed", "media-added"):
        assert after != before  # the change shows in what check prints


def test_a_check_that_reads_outside_the_folder_is_not_remembered(project, own_cache, runs, tmp_path):
    def with_extends(data):
        data["extends"] = "../公司资料.yaml"
        data["enterprise"].pop("legal_rep", None)

    root = project(with_extends)
    (tmp_path / "公司资料.yaml").write_text("enterprise:\n  legal_rep: 张伟\n", encoding="utf-8")
    checked(root, check_heading, today=TODAY)
    (tmp_path / "公司资料.yaml").write_text("enterprise:\n  legal_rep: 王芳\n", encoding="utf-8")
    checked(root, check_heading, today=TODAY)
    assert len(runs) == 2
    assert not list(own_cache.glob("check/*"))


def test_a_programme_file_is_not_remembered(project, own_cache, runs, tmp_path):
    root = project(lambda d: d.__setitem__("programme", "../xy.yaml"))
    (tmp_path / "xy.yaml").write_text("extends: wuhan-2025\nid: xiangyang-2026\n", encoding="utf-8")
    first = checked(root, check_heading, today=TODAY)
    assert first.data["programme"] == "xiangyang-2026"
    checked(root, check_heading, today=TODAY)
    assert len(runs) == 2


def test_a_folder_with_a_link_or_a_file_written_just_now_is_not_keyed(project, tmp_path, monkeypatch):
    root = project()
    monkeypatch.setattr(cache, "SETTLE_NS", 10**12)  # every file here was written "just now"
    assert project_key(root, TODAY) is None
    monkeypatch.setattr(cache, "SETTLE_NS", 0)
    key = project_key(root, TODAY)
    assert key is not None and key == project_key(root, TODAY) != project_key(root, TODAY + dt.timedelta(days=1))
    (root / "media").mkdir(exist_ok=True)
    (root / "media" / "外部").symlink_to(tmp_path, target_is_directory=True)
    assert project_key(root, TODAY) is None


def test_a_folder_with_a_file_saved_just_now_is_not_keyed_without_walking_dossier_code(project, monkeypatch):
    root = project()
    walked: list[Path] = []
    tree = remembered_check._tree

    def counted(top, *args, **kw):  # noqa: ANN001, ANN002, ANN003
        walked.append(Path(top))
        return tree(top, *args, **kw)

    monkeypatch.setattr(remembered_check, "_tree", counted)
    monkeypatch.setattr(cache, "SETTLE_NS", 10**12)  # every file here was written "just now"
    assert project_key(root, TODAY) is None and walked == [root]
    monkeypatch.setattr(cache, "SETTLE_NS", 0)
    walked.clear()
    assert project_key(root, TODAY) is not None and walked == [root, Path(remembered_check.__file__).resolve().parent]


def test_a_change_to_dossier_code_gives_another_key(tmp_path):
    package = tmp_path / "pkg"
    (package / "rules").mkdir(parents=True)
    (package / "rules" / "a.py").write_text("X = 1\n")
    (package / "__pycache__").mkdir()
    settled = time.time_ns() + 10**9  # every file here counts as settled
    before = remembered_check._tree(package, settled, package=True)
    (package / "__pycache__" / "a.pyc").write_bytes(b"written on import")  # bytecode is not code
    assert remembered_check._tree(package, settled, package=True) == before
    (package / "rules" / "a.py").write_text("X = 2\n")
    assert remembered_check._tree(package, settled, package=True) != before
    assert remembered_check._tree(package, time.time_ns() - 10**9, package=True) is None  # written just now


def test_the_first_check_of_a_process_freezes_what_its_import_made_and_leaves_the_collector_on(tmp_path):
    """The check's modules and pydantic's classes are imported with the cycle collector paused and
    then frozen (they live as long as the process); the collector is running again afterwards."""
    import subprocess
    import sys

    script = (
        "import gc, json, sys\n"
        "from dossier.remembered_check import checked\n"
        "before = gc.get_freeze_count()\n"
        "summary = checked(__import__('pathlib').Path(sys.argv[1]), lambda r: [])\n"
        "print(json.dumps([before, gc.get_freeze_count(), gc.isenabled(), 'pydantic' in sys.modules, summary.exit_code]))\n"
    )
    from conftest import valid_application, write_project

    root = write_project(tmp_path / "p", valid_application())
    env = {**os.environ, "DOSSIER_CACHE_DIR": str(tmp_path / "cache")}
    out = subprocess.run([sys.executable, "-c", script, str(root)], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    before, frozen, enabled, loaded, _code = json.loads(out.stdout)
    assert before == 0 and frozen > 20_000 and enabled and loaded


@pytest.mark.parametrize("spelling", ["relative", "dot", "absolute", "dotdot"])
def test_the_key_lists_each_entry_by_its_path_relative_to_the_folder_however_the_folder_is_written(tmp_path, monkeypatch, spelling):
    (tmp_path / "p" / "evidence" / "A01").mkdir(parents=True)
    (tmp_path / "p" / "evidence" / "A01" / "合同.pdf").write_bytes(b"%PDF")
    (tmp_path / "p" / "enterprise.yaml").write_text("type: discrete\n", encoding="utf-8")
    (tmp_path / "q").mkdir()
    monkeypatch.chdir(tmp_path / ("p" if spelling == "dot" else "q" if spelling == "dotdot" else "."))
    top = {"relative": Path("p"), "dot": Path("."), "absolute": tmp_path / "p", "dotdot": Path("../p")}[spelling]
    listed = remembered_check._tree(top, time.time_ns() + 10**12).decode()
    names = [line.split("\0")[0] for line in listed.splitlines()]
    assert names == ["enterprise.yaml", "evidence", os.path.join("evidence", "A01"), os.path.join("evidence", "A01", "合同.pdf")]
