"""How the volume is written: to its file directly, hashed (a large one by a child process as it is
written), then synced; the bytes do not depend on where it is written, and the manifest's SHA-256
is that of the bytes on disk."""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

import pikepdf
import pytest

from dossier.bind import bind_files
from dossier.util.errors import InputError
from tests.bind_make import add_page


def _inputs(folder: Path) -> list[Path]:
    folder.mkdir()
    paths = []
    for i, rotate in enumerate((0, 90, 270)):
        pdf = pikepdf.new()
        add_page(pdf, rotate=rotate, text=f"file {i}")
        add_page(pdf, size=(842, 595), text=f"landscape {i}")
        path = folder / f"证据{i}.pdf"
        pdf.save(path, deterministic_id=True)
        paths.append(path)
    return paths


@pytest.mark.skipif(sys.platform != "linux", reason="needs a file system that takes any bytes in a name")
def test_the_same_bytes_in_any_folder_and_the_manifest_hashes_what_is_on_disk(tmp_path):
    inputs = _inputs(tmp_path / "in")
    plain = tmp_path / "plain" / "卷.pdf"
    odd = tmp_path / os.fsdecode(b"odd-\xff") / "卷.pdf"  # a folder name that is not UTF-8
    first = bind_files(inputs, plain, cover_title="申报材料")
    second = bind_files(inputs, odd, cover_title="申报材料")
    assert plain.read_bytes() == odd.read_bytes()
    for path, result in ((plain, first), (odd, second)):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert result.manifest.sha256 == digest
        written = json.loads(path.with_name("卷.manifest.json").read_text("utf-8"))
        assert written["sha256"] == digest
    with pikepdf.open(plain) as pdf:
        assert len(pdf.pages) == 2 + 6 and pdf.pdf_version == "1.7"
        assert pdf.trailer.ID[0] != pdf.trailer.ID[1]  # our own first word, qpdf's fixed second one


def test_the_garbage_collector_is_paused_while_binding_and_running_again_after(tmp_path, monkeypatch):
    import gc

    import dossier.bind.volume as volume

    inputs = _inputs(tmp_path / "in")
    seen = []
    compose = volume._compose

    def watching(*args, **kwargs):
        seen.append(gc.isenabled())
        return compose(*args, **kwargs)

    monkeypatch.setattr(volume, "_compose", watching)
    assert gc.isenabled()
    bind_files(inputs, tmp_path / "卷.pdf")
    assert seen == [False] and gc.isenabled()

    def failing(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(volume, "_compose", failing)
    with pytest.raises(RuntimeError):
        bind_files(inputs, tmp_path / "卷2.pdf")
    assert gc.isenabled()
    gc.disable()
    try:
        monkeypatch.setattr(volume, "_compose", watching)
        bind_files(inputs, tmp_path / "卷3.pdf")
        assert not gc.isenabled()  # left as the caller had it
    finally:
        gc.enable()


def _grow(path: Path, chunks: list[bytes]) -> None:
    """Append ``chunks`` to ``path`` one by one, a little apart, as a slow writer would."""
    import time

    with open(path, "ab") as fh:
        for chunk in chunks:
            fh.write(chunk)
            fh.flush()
            time.sleep(0.01)


def test_a_child_hashes_a_file_as_it_grows_and_reads_it_to_its_end(tmp_path):
    import threading

    from dossier.util.following_digest import follow

    path = tmp_path / "growing.pdf"
    path.write_bytes(b"")
    chunks = [bytes([i]) * (300_000 + i) for i in range(12)]
    following = follow(path)
    writer = threading.Thread(target=_grow, args=(path, chunks))
    writer.start()
    writer.join()
    assert following.child is not None  # a process of its own: pikepdf's save keeps this one's GIL
    assert following.result() == hashlib.sha256(b"".join(chunks)).hexdigest()
    assert following.child.returncode == 0


@pytest.mark.parametrize("child", ["import sys; sys.stdout.write('nonsense')", "raise SystemExit(3)", None])
def test_the_file_is_hashed_here_when_the_child_fails_or_cannot_start(tmp_path, monkeypatch, child):
    import dossier.util.following_digest as following_digest

    if child is None:
        monkeypatch.setattr(sys, "executable", str(tmp_path / "no-python-here"))
    else:
        monkeypatch.setattr(following_digest, "_CHILD", child)
    path = tmp_path / "卷.pdf"
    path.write_bytes(b"")
    following = following_digest.follow(path)
    _grow(path, [b"%PDF-1.7\n", b"x" * 100_000])
    assert (following.child is None) == (child is None)
    assert following.result() == hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_large_volume_is_hashed_by_a_child_and_a_failed_save_stops_it(tmp_path, monkeypatch):
    import dossier.bind.volume as volume

    inputs = _inputs(tmp_path / "in")
    started = []
    real_follow = volume.follow

    def follow(path):
        started.append(real_follow(path))
        return started[-1]

    monkeypatch.setattr(volume, "FOLLOW_MIN_BYTES", 0)  # this small volume counts as large
    monkeypatch.setattr(volume, "follow", follow)
    result = bind_files(inputs, tmp_path / "卷.pdf")
    assert len(started) == 1 and started[0].child is not None and started[0].child.returncode == 0
    assert result.manifest.sha256 == hashlib.sha256((tmp_path / "卷.pdf").read_bytes()).hexdigest()

    def failing_save(self, *args, **kwargs):
        raise RuntimeError("qpdf: the disk is full")

    monkeypatch.setattr(pikepdf.Pdf, "save", failing_save)
    with pytest.raises(InputError):
        bind_files(inputs, tmp_path / "卷2.pdf")
    assert len(started) == 2 and started[1].child.returncode is not None  # stopped, not left running
    assert not (tmp_path / "卷2.pdf").exists()


def test_build_volume_hashes_what_it_wrote_whether_the_target_existed_or_not(tmp_path):
    from dossier.bind import Part, build_volume

    inputs = _inputs(tmp_path / "in")
    parts = [Part(p.name, source=str(p)) for p in inputs]
    fresh = tmp_path / "fresh.pdf"
    stale = tmp_path / "stale.pdf"
    stale.write_bytes(b"%PDF-1.4 an older volume, longer than nothing\n" * 50_000)
    for target in (fresh, stale):
        result = build_volume(parts, target, volume_name="卷.pdf", seal_group=20)
        assert result.manifest.sha256 == hashlib.sha256(target.read_bytes()).hexdigest()
    assert fresh.read_bytes() == stale.read_bytes()
