"""A document's PDF does not depend on what the same LibreOffice converted before it (the Type 1
font /UniqueID counter), so `dossier watch`'s long-running office and `dossier build` agree."""

from __future__ import annotations

import re

import pikepdf
import pytest
from docx import Document

from dossier.documents.convert import convert_all


def _docx(path, text):
    doc = Document()
    doc.add_paragraph(text)
    doc.save(path)
    return path


@pytest.mark.slow
def test_same_document_same_bytes_whatever_was_converted_before(tmp_path):
    a = _docx(tmp_path / "a.docx", "企业智能工厂建设情况文字简介：高速光模块。")
    b = _docx(tmp_path / "b.docx", "企业提供资料真实性承诺书：本企业承诺所提供资料真实。")
    convert_all([(b, tmp_path / "alone.pdf")])
    convert_all([(a, tmp_path / "first.pdf"), (b, tmp_path / "second.pdf")])
    alone, second = (tmp_path / "alone.pdf").read_bytes(), (tmp_path / "second.pdf").read_bytes()
    with pikepdf.open(tmp_path / "second.pdf") as pdf:
        type1 = [o for o in pdf.objects if isinstance(o, pikepdf.Dictionary) and "/FontFile" in o]
        assert type1, "the CJK text should be embedded as Type 1 fonts (what this test is about)"
        ids = {re.search(rb"/UniqueID (\d+)", o.FontFile.read_bytes()[: int(o.FontFile.Length1)]).group(1) for o in type1}
        assert all(4_000_000 <= int(i) < 5_000_000 for i in ids)
    assert alone == second
