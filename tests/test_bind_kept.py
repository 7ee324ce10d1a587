"""Inputs kept open between bindings (``dossier watch``, :mod:`dossier.bind.kept`): a volume bound
from kept sources is the same file as one bound from scratch, and a changed file, or one a failed
binding left half-read, is never served from what was kept."""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import time

import pikepdf
import pytest
from bind_make import add_page, make_pdf, mixed_set

from dossier.bind import Part, bind_volume, remember
from dossier.bind.kept import KeptSources
from dossier.util import cache
from dossier.util.errors import InputError

PASSWORDS = {"加密-有打开密码.pdf": "1234"}


@pytest.fixture(autouse=True)
def _fresh(tmp_path, monkeypatch):
    monkeypatch.setenv("DOSSIER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(cache, "_DIGESTS", None)
    monkeypatch.setattr(cache, "_DIGESTS_NEW", {})
    # Files made by the test are seconds old at most: remembered at once here (the two-second
    # rule is util.cache's, tested there; a change below is made a clock tick later).
    monkeypatch.setattr(cache, "SETTLE_NS", 0)
    remember.forget()
    yield
    remember.forget()


def _two_streams(path):
    """A page drawn by two content streams (wrapped by ``as_form_xobject``, not in place)."""
    pdf = pikepdf.new()
    page = add_page(pdf, text="two")
    page.obj.Contents = pikepdf.Array([page.obj.Contents, pikepdf.Stream(pdf, b"0 g 10 10 20 20 re f\n")])
    pdf.save(path, deterministic_id=True)
    return path


def _inputs(folder):
    files = [p for p in mixed_set(folder) if p.name != "损坏的交叉引用表.pdf"]
    return [*files, _two_streams(folder / "两个内容流.pdf")]


def _bind(files, out, base, kept=None):
    parts = [Part(p.stem, p.name) for p in files]
    return bind_volume(parts, out, base_dir=base, passwords=PASSWORDS, kept=kept)


def test_a_volume_bound_from_kept_sources_is_the_same_file(tmp_path):
    files = _inputs(tmp_path / "in")
    pdfs = sum(1 for p in files if p.suffix == ".pdf")
    plain = _bind(files, tmp_path / "plain.pdf", tmp_path / "in")

    kept = KeptSources()
    first = _bind(files, tmp_path / "k1.pdf", tmp_path / "in", kept)
    assert kept.reused == 0
    second = _bind(files, tmp_path / "k2.pdf", tmp_path / "in", kept)
    assert kept.reused == pdfs and kept.ahead == 0  # every PDF; the photos and scans are drawn into PDFs afresh
    third = _bind(files, tmp_path / "k3.pdf", tmp_path / "in", kept)
    assert kept.reused == pdfs
    data = (tmp_path / "plain.pdf").read_bytes()
    for name in ("k1.pdf", "k2.pdf", "k3.pdf"):
        assert (tmp_path / name).read_bytes() == data, name
    # The warnings (active content found, forms flattened) are those of the first reading.
    assert first.warnings == second.warnings == third.warnings == plain.warnings
    assert any("JavaScript" in w for w in third.warnings)
    kept.close()


def test_a_changed_file_is_opened_again_and_what_was_kept_for_it_is_closed(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    a = make_pdf(folder / "甲.pdf", [{"text": "old-a"}])
    b = make_pdf(folder / "乙.pdf", [{"text": "b"}])
    kept = KeptSources()
    _bind([a, b], tmp_path / "k1.pdf", folder, kept)

    time.sleep(0.05)  # a later clock tick than the first write
    make_pdf(folder / "甲.pdf", [{"text": "new-a"}, {"text": "new-a2"}])
    result = _bind([a, b], tmp_path / "k2.pdf", folder, kept)
    assert kept.reused == 1  # 乙 only
    assert result.manifest.inputs[0].pages == 2
    assert _bind([a, b], tmp_path / "plain.pdf", folder).manifest.sha256 == result.manifest.sha256
    assert (tmp_path / "k2.pdf").read_bytes() == (tmp_path / "plain.pdf").read_bytes()
    if sys.platform == "linux":  # what was kept for the old content is closed: one file open, the new one
        assert len(_open_files("甲.pdf")) == 1

    # The same content under another name is not served for it either (messages name the file).
    c = folder / "丙.pdf"
    c.write_bytes(b.read_bytes())
    _bind([a, c], tmp_path / "k3.pdf", folder, kept)
    assert kept.reused == 1  # 甲 only
    kept.close()
    if sys.platform == "linux":
        assert _open_files(".pdf") == []


def _open_files(name: str) -> list[str]:
    """The files this process holds open whose path contains ``name`` (Linux)."""
    found = []
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):
            target = os.readlink(f"/proc/self/fd/{fd}")
            if name in target and "/in/" in target:
                found.append(target)
    return found


def _undecodable(path):
    """A well-formed PDF whose second page's content claims Flate but is not (found when binding)."""
    pdf = pikepdf.new()
    add_page(pdf, text="good")
    page = add_page(pdf, text="bad")
    page.obj.Contents = pikepdf.Stream(pdf, b"not deflated at all")
    page.obj.Contents.Filter = pikepdf.Name.FlateDecode
    pdf.save(path, compress_streams=False, stream_decode_level=pikepdf.StreamDecodeLevel.none)
    return path


def test_after_a_failed_binding_the_next_is_the_same_as_from_scratch(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    a = _two_streams(folder / "甲.pdf")
    bad = _undecodable(folder / "坏.pdf")
    kept = KeptSources()
    with pytest.raises(InputError, match="第 2 页"):
        _bind([a, bad], tmp_path / "k1.pdf", folder, kept)
    _bind([a, a], tmp_path / "k2.pdf", folder, kept)
    assert kept.reused == 1  # 甲, wrapped whole before 坏 failed
    _bind([a, a], tmp_path / "plain.pdf", folder)
    assert (tmp_path / "k2.pdf").read_bytes() == (tmp_path / "plain.pdf").read_bytes()
    with pytest.raises(InputError, match="第 2 页"):  # 坏 was not kept as if it were good
        _bind([a, bad], tmp_path / "k3.pdf", folder, kept)
    assert kept.reused == 1  # 甲 again; 坏 opened afresh
    kept.close()


# ------------------------------------------------------------ opened ahead (a build, while LibreOffice converts)


def _parts(files, passwords=None):
    return [Part(p.stem, p.name, password=(passwords or {}).get(p.name)) for p in files]


def test_a_volume_bound_from_sources_opened_ahead_is_the_same_file(tmp_path):
    from dossier.bind.volume import open_ahead

    files = _inputs(tmp_path / "in")
    parts = _parts(files, PASSWORDS)
    pdfs = sum(1 for p in files if p.suffix == ".pdf")
    plain = bind_volume(parts, tmp_path / "plain.pdf", base_dir=tmp_path / "in")
    images = tmp_path / "cache" / "bind-images"
    shutil.rmtree(images)  # the photos and scans drawn by the plain binding
    kept = KeptSources()
    open_ahead(parts, kept, base_dir=tmp_path / "in", skip=lambda path: path.name == "合同-A4.pdf")
    assert len(list(images.glob("*.pdf"))) == 3  # each photo or scan drawn once, for the binding to find
    ahead = bind_volume(parts, tmp_path / "ahead.pdf", base_dir=tmp_path / "in", kept=kept)
    assert kept.ahead == pdfs - 1 and kept.reused == 0  # every PDF but the one skipped (a document being converted)
    assert (tmp_path / "ahead.pdf").read_bytes() == (tmp_path / "plain.pdf").read_bytes()
    assert ahead.warnings == plain.warnings and any("JavaScript" in w for w in ahead.warnings)
    kept.close()


def test_a_file_changed_after_it_was_opened_ahead_is_bound_as_it_is_now(tmp_path):
    from dossier.bind.volume import open_ahead

    folder = tmp_path / "in"
    folder.mkdir()
    a = make_pdf(folder / "甲.pdf", [{"text": "old-a"}])
    b = make_pdf(folder / "乙.pdf", [{"text": "b"}])
    kept = KeptSources()
    open_ahead(_parts([a, b]), kept, base_dir=folder, skip=lambda path: False)
    time.sleep(0.05)  # a later clock tick than the first write
    make_pdf(folder / "甲.pdf", [{"text": "new-a"}, {"text": "new-a2"}])
    result = bind_volume(_parts([a, b]), tmp_path / "ahead.pdf", base_dir=folder, kept=kept)
    assert kept.ahead == 1  # 乙 only
    assert result.manifest.inputs[0].pages == 2
    bind_volume(_parts([a, b]), tmp_path / "plain.pdf", base_dir=folder)
    assert (tmp_path / "ahead.pdf").read_bytes() == (tmp_path / "plain.pdf").read_bytes()
    kept.close()
    if sys.platform == "linux":
        assert _open_files(".pdf") == []


def test_a_damaged_file_opened_ahead_is_left_for_the_binding_to_name(tmp_path):
    from dossier.bind.volume import open_ahead

    folder = tmp_path / "in"
    folder.mkdir()
    bad = _undecodable(folder / "坏.pdf")
    good = make_pdf(folder / "好.pdf", [{"text": "good"}])
    kept = KeptSources()
    open_ahead(_parts([good, bad]), kept, base_dir=folder, skip=lambda path: False)
    with pytest.raises(InputError) as err:
        bind_volume(_parts([good, bad]), tmp_path / "v.pdf", base_dir=folder, kept=kept)
    assert err.value.file == "坏.pdf" and err.value.page == 2
    assert not (tmp_path / "v.pdf").exists()
    kept.close()
    if sys.platform == "linux":
        assert _open_files(".pdf") == []


def test_opening_ahead_stops_when_asked_and_leaves_nothing_open(tmp_path):
    from dossier.bind.volume import open_ahead

    files = _inputs(tmp_path / "in")
    asked = []
    kept = KeptSources()
    open_ahead(_parts(files, PASSWORDS), kept, base_dir=tmp_path / "in", skip=lambda path: False,
               stop=lambda: asked.append(1) or len(asked) > 2)
    bind_volume(_parts(files, PASSWORDS), tmp_path / "v.pdf", base_dir=tmp_path / "in", kept=kept)
    assert kept.ahead == 2  # the two files opened before the stop
    kept.close()
    if sys.platform == "linux":
        assert _open_files(".pdf") == []
