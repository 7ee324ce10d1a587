"""OFD evidence: bound as pages with their text kept, read for the e-invoice cross-check, and a
damaged OFD refused in Chinese, naming the file."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import pypdf
import pytest

from dossier.evidence import ofd
from dossier.evidence.einvoice import read_einvoices
from dossier.util.errors import InputError

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "samples" / "guangxin-optics"
NS = "http://www.ofdspec.org/2016"


@pytest.fixture(scope="module")
def sample_ofds() -> tuple[Path, Path]:
    from conftest import require_generated_samples

    require_generated_samples()
    invoice = SAMPLE / "finance" / "发票" / "24442000000007576974.ofd"
    receipts = sorted((SAMPLE / "finance" / "回单").glob("*.ofd"))
    assert invoice.is_file() and receipts
    return invoice, receipts[0]


def _bind(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dossier", "bind", *args], cwd=cwd, capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_an_ofd_invoice_and_an_ofd_receipt_bind_with_their_text(sample_ofds, tmp_path):
    invoice, receipt = sample_ofds
    shutil.copy(invoice, tmp_path / "发票.ofd")
    shutil.copy(receipt, tmp_path / "回单.ofd")
    run = _bind("发票.ofd", "回单.ofd", "-o", "卷.pdf", "--no-guide", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    reader = pypdf.PdfReader(tmp_path / "卷.pdf")
    assert len(reader.pages) == 2
    for page in reader.pages:  # bound on A4 portrait
        assert round(float(page.mediabox.width)) == 595 and round(float(page.mediabox.height)) == 842
    first, second = (p.extract_text() for p in reader.pages)
    assert "24442000000007576974" in first
    assert "深圳市迈锐精密装备有限公司" in first
    assert "¥11,187,000.00" in first
    assert receipt.stem in second and "电子回单" in second


def test_the_cross_check_reads_an_ofd_invoice_like_a_pdf(sample_ofds):
    invoice, _ = sample_ofds
    [facts] = read_einvoices(invoice)
    assert facts.number == "24442000000007576974"
    assert facts.issue_date == dt.date(2024, 3, 26)
    assert facts.total == Decimal("11187000.00")


def _truncated(src: Path, dst: Path) -> Path:
    data = src.read_bytes()
    dst.write_bytes(data[: len(data) // 2])
    return dst


def _without_page(src: Path, dst: Path) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            if "Pages/" not in info.filename:
                zout.writestr(info, zin.read(info))
    return dst


def _broken_xml(src: Path, dst: Path) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            zout.writestr(info, data[: len(data) // 2] if "Content.xml" in info.filename else data)
    return dst


@pytest.mark.slow
@pytest.mark.parametrize("damage", [_truncated, _without_page, _broken_xml])
def test_a_damaged_ofd_is_refused_in_chinese_naming_the_file(sample_ofds, tmp_path, damage):
    invoice, _ = sample_ofds
    damage(invoice, tmp_path / "坏发票.ofd")
    run = _bind("坏发票.ofd", "-o", "卷.pdf", "--no-guide", cwd=tmp_path)
    assert run.returncode == 2
    assert "坏发票.ofd" in run.stderr and "OFD" in run.stderr
    assert "Traceback" not in run.stderr and "内部错误" not in run.stderr
    assert not (tmp_path / "卷.pdf").exists()


def test_a_damaged_ofd_is_a_finding_in_check(sample_ofds, tmp_path):
    from conftest import valid_application, write_project

    from dossier.check import check_project

    data = valid_application()
    data["investments"][0]["evidence"]["other"] = ["evidence/坏回单.ofd"]
    root = write_project(tmp_path / "p", data, evidence=True)
    _truncated(sample_ofds[1], root / "evidence" / "坏回单.ofd")
    found = [f for f in check_project(root).findings if f.code == "I-EVIDENCE-OFD"]
    assert len(found) == 1
    assert found[0].severity == "error" and "坏回单.ofd" in found[0].message and "损坏" in found[0].message


def _ofd(content: str, template: str | None = None) -> bytes:
    tpl_decl = '<ofd:TemplatePage ID="9" BaseLoc="Tpls/Tpl_0/Content.xml"/>' if template else ""
    tpl_use = '<ofd:Template TemplateID="9"/>' if template else ""
    members = {
        "OFD.xml": f'<ofd:OFD xmlns:ofd="{NS}"><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>',
        "Doc_0/Document.xml": (
            f'<ofd:Document xmlns:ofd="{NS}"><ofd:CommonData><ofd:PageArea><ofd:PhysicalBox>0 0 100 50</ofd:PhysicalBox>'
            f"</ofd:PageArea>{tpl_decl}</ofd:CommonData><ofd:Pages>"
            '<ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/></ofd:Pages></ofd:Document>'),
        "Doc_0/Pages/Page_0/Content.xml": (
            f'<ofd:Page xmlns:ofd="{NS}">{tpl_use}<ofd:Content><ofd:Layer ID="2">{content}</ofd:Layer></ofd:Content></ofd:Page>'),
    }
    if template:
        members["Doc_0/Tpls/Tpl_0/Content.xml"] = (
            f'<ofd:Page xmlns:ofd="{NS}"><ofd:Content><ofd:Layer ID="3">{template}</ofd:Layer></ofd:Content></ofd:Page>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, text in members.items():
            z.writestr(name, text)
    return buf.getvalue()


def test_template_pages_compressed_deltas_and_curves_are_read(tmp_path):
    text = ('<ofd:TextObject ID="4" Boundary="10 10 80 10" Font="1" Size="4">'
            '<ofd:TextCode X="0" Y="4" DeltaX="g 3 5">开票日期</ofd:TextCode></ofd:TextObject>')
    frame = ('<ofd:TextObject ID="5" Boundary="10 30 80 10" Font="1" Size="4"><ofd:TextCode X="0" Y="4">模板文字</ofd:TextCode>'
             '</ofd:TextObject><ofd:PathObject ID="6" Boundary="0 0 100 50" LineWidth="0.5">'
             "<ofd:AbbreviatedData>M 1 1 L 99 1 B 99 20 80 49 50 49 Q 20 49 1 25 C</ofd:AbbreviatedData></ofd:PathObject>")
    path = tmp_path / "t.ofd"
    path.write_bytes(_ofd(text, frame))
    [page] = ofd.read_ofd(path)
    assert (page.width, page.height) == (100.0, 50.0)
    assert page.lines() == ["开票日期", "模板文字"]
    glyphs = [g for g in page.items if isinstance(g, ofd.Glyphs) and g.text == "开票日期"][0]
    assert [x for x, _ in glyphs.positions] == [10.0, 15.0, 20.0, 25.0]
    shape = [s for s in page.items if isinstance(s, ofd.PathShape)][0]
    assert [seg[0] for seg in shape.segments] == ["M", "L", "C", "C", "Z"]
    pdf = pypdf.PdfReader(io.BytesIO(ofd.to_pdf([page])))
    box = pdf.pages[0].mediabox
    assert round(float(box.width), 1) == round(100 * 72 / 25.4, 1)
    assert "开票日期" in pdf.pages[0].extract_text()


def test_an_ofd_with_an_entity_declaration_is_refused(tmp_path):
    path = tmp_path / "e.ofd"
    data = _ofd("")
    with zipfile.ZipFile(io.BytesIO(data)) as z, zipfile.ZipFile(path, "w") as out:
        for info in z.infolist():
            body = z.read(info)
            if info.filename == "OFD.xml":
                body = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>' + body
            out.writestr(info, body)
    with pytest.raises(InputError, match="实体"):
        ofd.read_ofd(path, "e.ofd")


def test_check_compares_an_ofd_invoice_with_its_row(sample_ofds, tmp_path):
    from conftest import valid_application, write_project

    from dossier.check import check_project

    data = valid_application()
    row = data["investments"][0]
    row["invoice"] = {"number": "24442000000007576974", "date": "2024-03-26", "gross_wan": "1118.70", "tax_wan": "128.70"}
    row["evidence"]["invoice"] = ["evidence/发票.ofd"]
    root = write_project(tmp_path / "p", data)
    shutil.copy(sample_ofds[0], root / "evidence" / "发票.ofd")
    def codes(root: Path) -> set[str]:  # the findings about this row's invoice (the others are blank PDFs)
        return {f.code for f in check_project(root).findings if f.code.startswith(("I-INVOICE-", "I-EVIDENCE-"))
                and ("发票.ofd" in f.message or f.message.startswith(row["id"] + "："))}

    assert codes(root) == {"I-INVOICE-BUYER"}  # read like a PDF: number, date and total agree; the buyer is the sample's
    row["invoice"]["number"] = "24442000000007576975"
    root = write_project(tmp_path / "q", data)
    shutil.copy(sample_ofds[0], root / "evidence" / "发票.ofd")
    assert codes(root) == {"I-INVOICE-BUYER", "I-INVOICE-NUMBER"}
