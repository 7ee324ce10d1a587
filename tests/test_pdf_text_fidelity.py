"""Every printed character is the one in the source: the PDF's text equals its .docx's text.

Fast tests exercise the comparison on texts; the slow ones convert with the real LibreOffice: the
stress document (each Chinese mark at every position of a line, in body text and table cells),
a PDF missing one 、, and both samples built end to end.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from docx import Document
from typography_fixtures import MARKS, stress_docx, wide_gaps

from dossier.documents.fidelity import DocxText, bare_pages, check_documents, check_pdf, compare, docx_text, normalise

REPO = Path(__file__).resolve().parents[1]


def _source(body: str, rows=(), footer=r"—[0-9]+—") -> DocxText:
    return DocxText(normalise(body), (), (re.compile(footer),), tuple(normalise(r) for r in rows))


def test_equal_texts_pass_whatever_the_white_space_and_width_forms():
    source = _source("近两年未发生重大安全、环保、质量事故。ABC 123")
    assert compare(source, ["近两年未发生重大安全、环保、\n质量事故。 — 1 —", "ＡＢＣ　１２３\n— 2 —"]) is None


def test_a_dropped_mark_is_found_with_its_page_and_context():
    source = _source("第一页的文字。" + "近两年未发生重大安全、环保、质量事故；申报项目已完工投产。")
    m = compare(source, ["第一页的文字。\n— 1 —", "近两年未发生重大安全、环保\n质量事故；申报项目已完工投产。\n— 2 —"])
    assert m is not None and m.page == 2
    assert "环保▲、质量" in m.expected and "环保▲质量" in m.printed


def test_missing_text_at_the_end_is_a_mismatch():
    m = compare(_source("特此承诺。法定代表人（签字）："), ["特此承诺。\n— 1 —"])
    assert m is not None and m.page == 1 and "▲法定代表人" in m.expected


def test_repeated_table_header_rows_on_a_new_page_are_not_a_difference():
    source = _source("表A序号名称金额1设备甲10.002设备乙20.00", rows=["序号名称金额"])
    assert compare(source, ["表A 序号 名称 金额 1 设备甲 10.00 — 1 —", "序号 名称 金额 2 设备乙 20.00 — 2 —"]) is None


def test_a_glyph_drawn_later_on_its_line_is_not_a_difference_but_a_lost_one_is():
    source = _source("碳排放0.218吨CO₂/吨")
    assert compare(source, ["碳排放0.218吨CO/₂吨 — 1 —"]) is None
    assert compare(source, ["碳排放0.218吨CO/吨 — 1 —"]) is not None


def test_a_page_without_the_documents_text_is_bare():
    source = _source("表A序号名称金额1设备甲10.002设备乙20.00落款", rows=["序号名称金额"])
    pages = ["表A 序号 名称 金额 1 设备甲 10.00 — 1 —", "序号 名称 金额 2 设备乙 20.00 — 2 —", "序号 名称 金额 — 3 —",
             "落款 — 4 —", "\n — 5 —", ""]
    assert bare_pages(source, pages) == [3, 5, 6]
    assert bare_pages(source, pages[:2]) == []


@pytest.mark.slow
def test_a_build_warns_of_a_blank_page_libreoffice_printed(tmp_path):
    from docx.enum.text import WD_BREAK

    from dossier.documents.convert import convert_all

    doc = Document()
    doc.add_paragraph("企业提供资料真实性承诺书正文。")
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    doc.add_paragraph()  # an empty paragraph pushed onto a page of its own
    doc.save(str(tmp_path / "blank.docx"))
    convert_all([(tmp_path / "blank.docx", tmp_path / "blank.pdf")])
    [finding] = check_documents([(tmp_path / "blank.docx", tmp_path / "blank.pdf", "承诺书")])
    assert (finding.code, finding.severity, finding.page) == ("PDF-BARE-PAGE", "warning", 2)
    assert "“承诺书”的 PDF 第 2 页没有正文" in finding.message


def test_docx_text_reads_paragraphs_and_cells_in_order_and_the_footer_as_a_pattern(tmp_path):
    doc = Document(str(REPO / "templates" / "authenticity_pledge.docx"))
    for run in doc.sections[0].footer.paragraphs[0].runs:
        if "{%" in run.text:
            run.text = ""  # the footer as rendered outside a volume: "— PAGE —"
    doc.add_paragraph("正文一段。")
    table = doc.add_table(rows=2, cols=2)
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row.cells):
            cell.text = f"格{r}{c}"
    doc.add_paragraph("表后一段。")
    doc.save(str(tmp_path / "t.docx"))
    text = docx_text(tmp_path / "t.docx")
    assert text.body.endswith("正文一段。格00格01格10格11表后一段。")
    assert any(p.fullmatch("—12—") for p in text.footers)


@pytest.mark.slow
def test_stress_document_and_a_pdf_missing_one_mark(tmp_path):
    from dossier.documents.convert import convert_all

    docx = stress_docx(tmp_path / "stress.docx")
    # The same document with its first 、 (page 1, first body paragraph) taken out, converted alongside.
    doc = Document(str(docx))
    target = next(p for p in doc.paragraphs if "、" in p.text)
    run = next(r for r in target.runs if "、" in r.text)
    run.text = run.text.replace("、", "", 1)
    doc.save(str(tmp_path / "missing.docx"))
    convert_all([(docx, tmp_path / "stress.pdf"), (tmp_path / "missing.docx", tmp_path / "missing.pdf")])

    assert set(normalise(MARKS)) <= set(docx_text(docx).body)  # every mark is in the document
    assert check_pdf(docx, tmp_path / "stress.pdf") is None
    assert wide_gaps(tmp_path / "stress.pdf") == []

    [finding] = check_documents([(docx, tmp_path / "missing.pdf", "压力测试")])
    assert finding.code == "PDF-TEXT-MISMATCH" and finding.severity == "error" and finding.page == 1
    assert "“压力测试”的 PDF 第 1 页" in finding.message
    assert re.search(r"Word 为“…[^”]*▲、", finding.message), finding.message


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from dossier.build import build_project

    results = {}
    for name in ("guangxin-optics", "huaxin-materials"):
        results[name] = build_project(REPO / "samples" / name, tmp_path_factory.mktemp(name) / "out")
    return results


@pytest.mark.slow
@pytest.mark.parametrize("name", ["guangxin-optics", "huaxin-materials"])
def test_every_sample_pdf_prints_its_docx_and_no_running_line_is_stretched(built, name):
    result = built[name]
    assert not result.refused and result.exit_code == 0
    assert result.mismatches == []
    assert len(result.documents) == 10
    for d in result.documents:
        assert check_pdf(d.docx, d.pdf) is None, d.pdf.name
        assert wide_gaps(d.pdf) == [], d.pdf.name


@pytest.mark.slow
def test_a_build_names_a_pdf_that_lost_a_mark(built, tmp_path):
    result = built["guangxin-optics"]
    pledge = next(d for d in result.documents if d.name == "authenticity_pledge")
    assert check_documents([(pledge.docx, pledge.pdf, pledge.title)]) == []
    other = next(d for d in result.documents if d.name == "summary")
    [finding] = check_documents([(pledge.docx, other.pdf, pledge.title)])
    assert finding.page == 1 and finding.file == other.pdf.name
