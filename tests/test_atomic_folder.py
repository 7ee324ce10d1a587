"""``atomic.staged_folder``: a folder replaced whole, the user's files carried over, leftovers of a
killed run cleared, one writer at a time."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from dossier.util import atomic


def tree(folder) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(params=["exchange", "two renames"])
def swap(request, monkeypatch):
    """Both ways of swapping: Linux's atomic exchange and the fallback used elsewhere."""
    if request.param == "two renames":
        monkeypatch.setattr(atomic, "_exchange", lambda a, b: False)
    return request.param


def test_new_folder_replaces_old_and_carries_only_what_is_kept(tmp_path, swap):
    out = tmp_path / "build"
    (out / "package").mkdir(parents=True)
    (out / "package" / "a.zip").write_text("包", encoding="utf-8")
    (out / "note.txt").write_text("用户的", encoding="utf-8")
    (out / "old.pdf").write_text("旧", encoding="utf-8")
    (out / "same.pdf").write_text("旧", encoding="utf-8")
    with atomic.staged_folder(out, carry=lambda name: name != "old.pdf") as stage:
        assert stage.parent == tmp_path and stage.name.startswith(".build.dossier-new-")
        (stage / "same.pdf").write_text("新", encoding="utf-8")
        assert tree(out)["same.pdf"] == "旧"  # nothing visible before the end
    assert tree(out) == {"package/a.zip": "包", "note.txt": "用户的", "same.pdf": "新"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build"]  # no staging, old folder or lock


def test_an_exception_leaves_the_old_folder_and_no_staging(tmp_path, swap):
    out = tmp_path / "build"
    out.mkdir()
    (out / "a.pdf").write_text("旧", encoding="utf-8")
    with pytest.raises(KeyboardInterrupt), atomic.staged_folder(out) as stage:
        (stage / "a.pdf").write_text("新", encoding="utf-8")
        raise KeyboardInterrupt
    assert tree(out) == {"a.pdf": "旧"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build"]


def test_first_build_creates_the_folder(tmp_path, swap):
    with atomic.staged_folder(tmp_path / "sub" / "build") as stage:
        (stage / "a.pdf").write_text("新", encoding="utf-8")
    assert tree(tmp_path / "sub" / "build") == {"a.pdf": "新"}


def test_a_run_killed_between_the_two_renames_is_put_back(tmp_path):
    # What a SIGKILL between the fallback's renames leaves: no OUT, the previous one set aside,
    # the staging folder complete.
    (tmp_path / ".build.dossier-old-x1").mkdir()
    (tmp_path / ".build.dossier-old-x1" / "a.pdf").write_text("旧", encoding="utf-8")
    (tmp_path / ".build.dossier-new-x1").mkdir()
    with atomic.staged_folder(tmp_path / "build", carry=lambda name: True) as stage:
        assert tree(tmp_path / "build") == {"a.pdf": "旧"}
        assert not (tmp_path / ".build.dossier-new-x1").exists()
        (stage / "b.pdf").write_text("新", encoding="utf-8")
    assert tree(tmp_path / "build") == {"a.pdf": "旧", "b.pdf": "新"}


def test_a_second_writer_waits_until_the_first_is_done(tmp_path):
    out = tmp_path / "build"
    # Another process (the lock is the operating system's, per open file).
    code = (
        "from dossier.util import atomic\n"
        "with atomic.staged_folder(%r, carry=lambda n: True, waiting=lambda: print('等待', flush=True)) as s:\n"
        "    (s / 'second.txt').write_text('2', encoding='utf-8')\n" % str(out)
    )
    with atomic.staged_folder(out) as stage:
        (stage / "first.txt").write_text("1", encoding="utf-8")
        second = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
        assert second.stdout.readline().strip() == "等待"  # told, and waiting
        time.sleep(0.3)
        assert second.poll() is None
    assert second.wait(timeout=60) == 0
    assert tree(out) == {"first.txt": "1", "second.txt": "2"}  # one after the other, the first carried
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build"]  # the lock file is gone too


@pytest.mark.skipif(os.name == "nt", reason="symlinks need privileges on Windows")
def test_a_symlinked_out_is_swapped_where_it_points(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "link"
    link.symlink_to(real)
    with atomic.staged_folder(link) as stage:
        (stage / "a.pdf").write_text("新", encoding="utf-8")
    assert link.is_symlink() and tree(real) == {"a.pdf": "新"}
