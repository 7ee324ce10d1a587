"""The user cache: outside the output folder, capped, oldest entries evicted first, shown and
emptied by ``dossier cache info`` / ``dossier cache clear``."""

from __future__ import annotations

import json
import os
import time

from click.testing import CliRunner

from dossier.cli import main
from dossier.util import cache


def _entry(path, size: int, age_s: float):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x" * size)
    t = time.time() - age_s
    os.utime(path, (t, t))
    return path


def test_location_is_the_platform_cache_folder_unless_overridden(monkeypatch, tmp_path):
    import platformdirs

    monkeypatch.delenv("DOSSIER_CACHE_DIR", raising=False)
    assert cache.root() == type(cache.root())(platformdirs.user_cache_dir("dossier", appauthor=False))
    monkeypatch.setenv("DOSSIER_CACHE_DIR", str(tmp_path))
    assert cache.cache_dir("pdf") == tmp_path / "pdf"


def test_prune_removes_the_oldest_until_under_the_cap(tmp_path):
    old = _entry(tmp_path / "pdf" / "old.pdf", 4000, 3 * 86400)
    mid = _entry(tmp_path / "fonts" / "mid.json", 4000, 2 * 86400)
    new = _entry(tmp_path / "pdf" / "new.pdf", 4000, 86400)
    profile = tmp_path / "pdf" / "profile-abc"
    _entry(profile / "user" / "registrymodifications.xcu", 1000, 4 * 86400)
    os.utime(profile, (time.time() - 4 * 86400,) * 2)
    removed = cache.prune(limit=8000, base=tmp_path)
    assert [e.path for e in removed] == [profile, old]  # a folder is one entry, oldest first
    assert not old.exists() and not profile.exists() and mid.exists() and new.exists()
    assert cache.prune(limit=8000, base=tmp_path) == []


def test_prune_keeps_what_a_running_build_just_wrote(tmp_path):
    fresh = _entry(tmp_path / "pdf" / "fresh.pdf", 10_000, 0)
    assert cache.prune(limit=0, base=tmp_path) == [] and fresh.exists()


def test_a_cache_hit_counts_as_recent_use(tmp_path, monkeypatch):
    monkeypatch.setenv("DOSSIER_CACHE_DIR", str(tmp_path))
    src = tmp_path / "input.txt"
    src.write_text("x")
    assert cache.cached_json("einvoice", src, lambda: {"a": 1}) == {"a": 1}
    (entry,) = (tmp_path / "einvoice").iterdir()
    os.utime(entry, (1, 1))
    assert cache.cached_json("einvoice", src, lambda: {"a": 2}) == {"a": 1}  # from the cache
    assert entry.stat().st_mtime > time.time() - 60


def test_an_entry_cut_short_is_computed_again(tmp_path, monkeypatch):
    # Entries are not fsynced: after a power cut one may be empty or cut short.
    monkeypatch.setenv("DOSSIER_CACHE_DIR", str(tmp_path))
    src = tmp_path / "input.txt"
    src.write_text("x")
    assert cache.cached_json("einvoice", src, lambda: {"a": 1}) == {"a": 1}
    (entry,) = (tmp_path / "einvoice").iterdir()
    for cut in (entry.read_bytes()[:-3], b""):
        entry.write_bytes(cut)
        assert cache.cached_json("einvoice", src, lambda: {"a": 2}) == {"a": 2}
        assert json.loads(entry.read_text(encoding="utf-8")) == {"value": {"a": 2}}  # written whole again
    assert [p.name for p in (tmp_path / "einvoice").iterdir()] == [entry.name]  # no temporary file left


def test_cache_info_and_clear(tmp_path, monkeypatch):
    monkeypatch.setenv("DOSSIER_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("DOSSIER_CACHE_MAX_MB", "2")
    _entry(tmp_path / "pdf" / "a.pdf", 300_000, 100)
    _entry(tmp_path / "fonts" / "b.json", 100_000, 100)
    res = CliRunner().invoke(main, ["cache", "info"])
    assert res.exit_code == 0
    assert str(tmp_path) in res.output and "pdf：1 项" in res.output and "上限 2.0 MB" in res.output
    data = json.loads(CliRunner().invoke(main, ["cache", "info", "--json"]).output)
    assert data["bytes"] == 400_000 and data["kinds"]["fonts"] == {"entries": 1, "bytes": 100_000}
    res = CliRunner().invoke(main, ["cache", "clear"])
    assert res.exit_code == 0 and "释放 0.4 MB" in res.output
    assert cache.entries(tmp_path) == []


def test_prune_due_prunes_at_most_once_in_its_interval_across_processes(tmp_path):
    """Builds prune through prune_due: one stats every entry (~0.2 s), so not on every rebuild."""
    old = _entry(tmp_path / "pdf" / "old.pdf", 4000, 3 * 86400)
    assert [e.path for e in cache.prune_due(600, limit=0, base=tmp_path)] == [old]
    again = _entry(tmp_path / "pdf" / "again.pdf", 4000, 2 * 86400)
    assert cache.prune_due(600, limit=0, base=tmp_path) == [] and again.exists()  # pruned a moment ago
    stamp = tmp_path / cache.PRUNE_STAMP
    os.utime(stamp, (time.time() - 601,) * 2)  # as another process finds it ten minutes later
    assert [e.path for e in cache.prune_due(600, limit=0, base=tmp_path)] == [again]
    assert stamp.is_file() and not any(e.path == stamp for e in cache.entries(tmp_path))
