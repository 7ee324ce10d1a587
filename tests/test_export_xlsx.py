"""``dossier export xlsx``: live formulas, formats and print set-up; recalculated by LibreOffice,
the totals are those printed in 附件6's PDF."""

from __future__ import annotations

import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pypdf
import pytest
from openpyxl import load_workbook

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "samples" / "guangxin-optics"


def _export(out: Path) -> Path:
    run = subprocess.run([sys.executable, "-m", "dossier", "export", "xlsx", str(SAMPLE), "-o", str(out)],
                         cwd=REPO, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    return out


@pytest.mark.slow
def test_workbook_has_formulas_formats_frozen_headers_and_a4_landscape(tmp_path):
    first = _export(tmp_path / "a.xlsx")
    assert _export(tmp_path / "b.xlsx").read_bytes() == first.read_bytes()  # same input, same bytes
    wb = load_workbook(first)
    assert wb.sheetnames[:3] == ["附件6 汇总", "附件6 设备投资", "附件6 研发投入"]
    assert "附件7 信息化系统" in wb.sheetnames and any(n.endswith("装备指标") for n in wb.sheetnames)
    eq = wb["附件6 设备投资"]
    assert eq.cell(2, 9).value.startswith("金额")
    assert eq["I3"].value == "=F3*H3"  # 数量 × 单价 where the stated amount is exactly that
    assert eq["I3"].number_format == "#,##0.00" and eq["H3"].number_format == "#,##0.00"
    total_row = [r for r in range(3, eq.max_row + 1) if eq.cell(r, 1).value == "合计"][0]
    assert eq.cell(total_row, 10).value == f"=SUM(J3:J{total_row - 1})"
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A3"
        assert ws.page_setup.orientation == "landscape" and str(ws.page_setup.paperSize) == "9"
        assert ws.print_title_rows == "$1:$2"
    summary = wb["附件6 汇总"]
    labels = [summary.cell(r, 1).value for r in range(3, summary.max_row + 1)]
    assert "计入投资总额" in labels


def _money(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


@pytest.mark.slow
def test_libreoffice_recalculated_totals_equal_the_attachment_6_pdf(tmp_path):
    from dossier.application.figures import compute
    from dossier.application.load import load_project
    from dossier.application.programme import load_programme
    from dossier.documents.context import document_contexts
    from dossier.documents.convert import convert_all
    from dossier.documents.render import render_docx, template_path

    exported = _export(tmp_path / "x.xlsx")
    outdir = tmp_path / "lo"
    run = subprocess.run(["soffice", "--headless", "--calc", "--convert-to", "xlsx", "--outdir", str(outdir), str(exported)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    # openpyxl writes formulas without cached values: every number read here was computed by LibreOffice.
    values = load_workbook(outdir / "x.xlsx", data_only=True)["附件6 汇总"]
    got = {values.cell(r, 1).value: values.cell(r, 2).value for r in range(3, values.max_row + 1)}

    app = load_project(SAMPLE).app
    programme = load_programme(app.programme)
    context = document_contexts(app, programme, compute(app, programme))["investment_detail"]
    docx = tmp_path / "附件6.docx"
    docx.write_bytes(render_docx(template_path("investment_detail"), context))
    convert_all([(docx, tmp_path / "附件6.pdf")])
    text = "".join(p.extract_text() for p in pypdf.PdfReader(tmp_path / "附件6.pdf").pages)
    text = re.sub(r"\s+", "", text)
    printed_equipment = _money(re.search(r"生产性设备购置与改造投资合计([\d,]+\.\d{2})", text).group(1))
    printed_rd = _money(re.search(r"项目相关研发投入合计([\d,]+\.\d{2})", text).group(1))
    assert round(Decimal(repr(got["设备购置与改造投资合计"])), 2) == printed_equipment
    assert round(Decimal(repr(got["项目相关研发投入合计"])), 2) == printed_rd
    assert round(Decimal(repr(got["计入投资总额"])), 2) == printed_equipment + printed_rd
    assert printed_equipment + printed_rd == Decimal("7770.98")  # the sample excludes its works/services rows (A12, A21)
