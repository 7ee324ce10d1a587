"""read_einvoice: 发票号码, 开票日期 and 价税合计 from a 数电发票's text layer.

The PDFs are drawn with reportlab's built-in Adobe-GB1 font (STSong-Light), which pypdf maps back
to Unicode, in the layout of a 数电发票: title, number and date top right, buyer/seller blocks,
items, and the 价税合计 line with the capital and the small-figure amount.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import img2pdf
import pytest
from PIL import Image
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from dossier.evidence.einvoice import read_einvoices
from dossier.media_inspection import read_einvoice
from dossier.util.errors import InputError

pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
SIZE = (595.0, 396.0)  # a 数电发票 is printed on half an A4 sheet (241 × 140 mm area)


def draw_invoice(c: canvas.Canvas, number: str, date_text: str, total: str, *, labels_apart: bool = False,
                 yen: str = "¥", legacy_code: str | None = None) -> None:
    font = "STSong-Light"
    c.setFont(font, 15)
    c.drawCentredString(297, 360, "电子发票（增值税专用发票）")
    c.setFont(font, 9)
    if labels_apart:
        # Values first in the content stream, labels later: extraction separates them.
        c.drawString(470, 350, number)
        c.drawString(470, 336, date_text)
        c.drawString(405, 350, "发票号码：")
        c.drawString(405, 336, "开票日期：")
    else:
        if legacy_code:
            c.drawString(405, 364, f"发票代码：{legacy_code}")
        c.drawString(405, 350, f"发票号码：{number}")
        c.drawString(405, 336, f"开票日期：{date_text}")
    c.drawString(40, 300, "购买方信息  名称：武汉光芯测试科技有限公司")
    c.drawString(40, 286, "统一社会信用代码/纳税人识别号：91420100MA4K8T2Q7X")
    c.drawString(310, 300, "销售方信息  名称：苏州精工装备有限公司")
    c.drawString(310, 286, "开户银行及账号：中国银行苏州分行 62170000123456789012")
    c.drawString(40, 240, "项目名称        规格型号  单位  数量  单价        金额          税率/征收率  税额")
    c.drawString(40, 224, "*专用设备*高速贴片机  XP-200  台  2  500000.00  1000000.00  13%  130000.00")
    c.drawString(40, 180, f"合      计                                  {yen}1000000.00               {yen}130000.00")
    c.drawString(40, 160, "价税合计（大写）")
    c.drawString(130, 160, "ⓧ壹佰壹拾叁万元整")
    c.drawString(400, 160, f"（小写）{yen}{total}")
    c.drawString(40, 60, "开票人：王芳")


def invoice_pdf(path: Path, pages: list[dict]) -> Path:
    c = canvas.Canvas(str(path), pagesize=SIZE, invariant=1)
    for p in pages:
        draw_invoice(c, **p)
        c.showPage()
    c.save()
    return path


NUMBER = "25422000000012345678"


def test_digital_invoice_fields(tmp_path):
    pdf = invoice_pdf(tmp_path / "发票.pdf", [dict(number=NUMBER, date_text="2025年03月15日", total="1130000.00")])
    facts = read_einvoice(pdf)
    assert facts is not None and facts.is_digital
    assert facts.number == NUMBER
    assert facts.issue_date == dt.date(2025, 3, 15)
    assert facts.total == Decimal("1130000.00")


def test_an_aes_encrypted_invoice_without_an_open_password_reads_like_the_plain_one(tmp_path):
    """Platforms hand out PDFs with an owner password only (printing allowed, editing not), often AES:
    pypdf needs the cryptography package for them; without it, check stopped with an internal error."""
    import pikepdf

    from dossier.evidence.invoices import read_invoice_evidence

    plain = invoice_pdf(tmp_path / "发票.pdf", [dict(number=NUMBER, date_text="2025年03月15日", total="1130000.00")])
    locked = tmp_path / "加密发票.pdf"
    with pikepdf.open(plain) as pdf:
        pdf.save(locked, encryption=pikepdf.Encryption(owner="owner-only", user="", R=6))  # AES-256
    with pikepdf.open(locked) as pdf:
        assert pdf.is_encrypted
    a, b = read_invoice_evidence(plain), read_invoice_evidence(locked)
    assert b.einvoices == a.einvoices and b.einvoices_error is None
    assert [f.number for f in b.einvoices] == [NUMBER]


def test_labels_extracted_apart_from_values(tmp_path):
    pdf = invoice_pdf(tmp_path / "f.pdf", [dict(number=NUMBER, date_text="2024年11月02日", total="1130000.00", labels_apart=True)])
    facts = read_einvoice(pdf)
    # the bank account (20 digits) must not be taken for the invoice number
    assert (facts.number, facts.issue_date, facts.total) == (NUMBER, dt.date(2024, 11, 2), Decimal("1130000.00"))


def test_kangxi_radicals_and_fullwidth_yen(tmp_path):
    # Tax-bureau PDFs map 日/月 to Kangxi radicals (⽇ U+2F47, ⽉ U+2F49) and use ￥.
    pdf = invoice_pdf(tmp_path / "f.pdf", [dict(number=NUMBER, date_text="2025年06⽉30⽇", total="1,130,000.00", yen="￥")])
    facts = read_einvoice(pdf)
    assert facts.issue_date == dt.date(2025, 6, 30)
    assert facts.total == Decimal("1130000.00")


def test_legacy_e_invoice_has_code_and_8_digit_number(tmp_path):
    pdf = invoice_pdf(
        tmp_path / "f.pdf", [dict(number="01234567", date_text="2023年12月01日", total="56500.00", legacy_code="042002300111")]
    )
    facts = read_einvoice(pdf)
    assert (facts.code, facts.number, facts.is_digital) == ("042002300111", "01234567", False)
    assert facts.total == Decimal("56500.00")


def test_two_invoices_in_one_pdf(tmp_path):
    other = "25422000000087654321"
    pdf = invoice_pdf(
        tmp_path / "f.pdf",
        [dict(number=NUMBER, date_text="2025年03月15日", total="1130000.00"),
         dict(number=other, date_text="2025年04月01日", total="226000.00")],
    )
    found = read_einvoices(pdf)
    assert [(f.number, f.total, f.page) for f in found] == [(NUMBER, Decimal("1130000.00"), 1), (other, Decimal("226000.00"), 2)]


def test_scan_without_text_layer_is_none(tmp_path):
    buf = io.BytesIO()
    Image.new("RGB", (800, 530), "white").save(buf, "JPEG")
    pdf = tmp_path / "扫描发票.pdf"
    pdf.write_bytes(img2pdf.convert(buf.getvalue()))
    assert read_einvoice(pdf) is None


def test_text_pdf_that_is_not_an_invoice(tmp_path):
    pdf = tmp_path / "合同.pdf"
    c = canvas.Canvas(str(pdf), invariant=1)
    c.setFont("STSong-Light", 12)
    c.drawString(72, 700, "设备采购合同")
    c.save()
    facts = read_einvoice(pdf)
    assert facts is not None and (facts.number, facts.issue_date, facts.total) == (None, None, None)


def test_broken_pdf_is_an_input_error(tmp_path):
    pdf = tmp_path / "坏.pdf"
    pdf.write_bytes(b"%PDF-1.7\n garbage")
    with pytest.raises(InputError):
        read_einvoice(pdf)
