"""The fonts a .docx asks for are remembered in the user cache by the document's SHA-256 (a build's
office warm-up reads every template during the check): a new process reads them from the cache,
and a document with other bytes is read afresh."""

from __future__ import annotations

import io
import zipfile

import pytest

from dossier.documents import fontmap
from dossier.util import cache


def docx(font: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", f'<w:document><w:r><w:rPr><w:rFonts w:eastAsia="{font}"/></w:rPr></w:r></w:document>')
    return buf.getvalue()


@pytest.fixture
def own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("DOSSIER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(fontmap, "_FONTS_OF", {})
    return tmp_path / "cache"


def test_a_documents_fonts_come_from_the_cache_in_a_new_process_and_other_bytes_are_read_afresh(own_cache, monkeypatch):
    assert fontmap._fonts_of(docx("仿宋_GB2312")) == {"仿宋_GB2312"}
    assert len(list((own_cache / "docx-fonts").glob("*.json"))) == 1
    monkeypatch.setattr(fontmap, "_FONTS_OF", {})  # as in a new process
    read = []
    original = fontmap.document_fonts
    monkeypatch.setattr(fontmap, "document_fonts", lambda data: read.append(1) or original(data))
    assert fontmap._fonts_of(docx("仿宋_GB2312")) == {"仿宋_GB2312"}
    assert read == []  # from the user cache
    assert fontmap._fonts_of(docx("方正小标宋简体")) == {"方正小标宋简体"}  # other bytes: read
    assert read == [1]
