"""PPT: a .pptx must open and have slides; read from the zip without python-pptx."""

from __future__ import annotations

import zipfile

from media_fixtures import pptx_file

from dossier.media_inspection import inspect_media


def codes(report) -> dict[str, str]:
    return {f.code: f.severity for f in report.findings}


def test_deck_with_slides_passes(tmp_path):
    report = inspect_media(pptx_file(tmp_path / "汇报.pptx", slides=4))
    assert report.findings == () and report.facts["slides"] == 4


def test_deck_without_slides_fails(tmp_path):
    report = inspect_media(pptx_file(tmp_path / "空.pptx", slides=0))
    assert codes(report) == {"M-PPT-EMPTY": "error"}
    assert "空.pptx" in report.findings[0].message


def test_password_protected_deck_fails(tmp_path):
    path = tmp_path / "加密.pptx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4000)  # OLE: EncryptedPackage
    assert codes(inspect_media(path)) == {"M-PPT-ENCRYPTED": "error"}


def test_truncated_deck_fails(tmp_path):
    data = pptx_file(tmp_path / "a.pptx").read_bytes()
    cut = tmp_path / "截断.pptx"
    cut.write_bytes(data[: len(data) // 2])
    assert codes(inspect_media(cut)) == {"M-PPT-UNREADABLE": "error"}


def test_zip_that_is_not_a_deck_fails(tmp_path):
    path = tmp_path / "其实是压缩包.pptx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "hello")
    assert codes(inspect_media(path)) == {"M-PPT-UNREADABLE": "error"}


def test_legacy_ppt_is_warned(tmp_path):
    path = tmp_path / "旧.ppt"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4000)
    assert codes(inspect_media(path)) == {"M-PPT-LEGACY": "warning"}


def test_a_deck_counted_once_is_not_opened_again_until_it_changes(tmp_path, monkeypatch):
    import os

    from dossier.media_inspection import inspect as inspect_module

    monkeypatch.setenv("DOSSIER_CACHE_DIR", str(tmp_path / "cache"))
    path = pptx_file(tmp_path / "汇报.pptx", slides=4)
    assert inspect_media(path).facts["slides"] == 4
    monkeypatch.setattr(inspect_module, "_MEMO", {})  # the whole inspection, as in a new process
    monkeypatch.setattr(zipfile, "ZipFile", None)  # a second reading of the zip would fail
    assert inspect_media(path).facts["slides"] == 4
    monkeypatch.undo()
    monkeypatch.setenv("DOSSIER_CACHE_DIR", str(tmp_path / "cache"))
    st = path.stat()
    pptx_file(path, slides=6)  # rewritten, with its old mtime put back
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    monkeypatch.setattr(inspect_module, "_MEMO", {})
    assert inspect_media(path).facts["slides"] == 6
