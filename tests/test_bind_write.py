"""How the volume is written: to its file directly, then synced and hashed; the bytes do not depend
on where it is written, and the manifest's SHA-256 is that of the bytes on disk."""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

import pikepdf
import pytest

from dossier.bind import bind_files
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


def test_the_hash_follows_a_file_as_it_grows_and_reads_it_to_its_end(tmp_path):
    import threading
    import time

    from dossier.bind.volume import _sha256_following

    path = tmp_path / "growing.pdf"
    path.write_bytes(b"")
    chunks = [bytes([i]) * (300_000 + i) for i in range(12)]
    written = threading.Event()

    def writer():
        with open(path, "ab") as fh:
            for chunk in chunks:
                fh.write(chunk)
                fh.flush()
                time.sleep(0.01)
        written.set()

    thread = threading.Thread(target=writer)
    thread.start()
    digest = _sha256_following(path, written)
    thread.join()
    assert digest == hashlib.sha256(b"".join(chunks)).hexdigest()


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
