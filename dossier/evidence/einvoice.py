"""Read 发票号码, 开票日期 and 价税合计 from a digital e-invoice PDF's text layer (pypdf) or an OFD's text.

A 数电发票 (全电发票, issued since 2023) has a 20-digit 发票号码 and no 发票代码; the older
增值税电子发票 has a 12-digit 发票代码 plus an 8-digit 发票号码 — both are read. A scanned
invoice has no text layer: :func:`read_einvoice` returns None and the caller says so (info).

Pitfalls handled: tax-bureau PDFs often map glyphs to Kangxi radicals (``⽇`` U+2F47 for 日) and
use full-width ``：（）￥``; the text is NFKC-normalised first. Extraction may separate labels
from values (all labels, then all values) or space out characters; labels are matched with
optional white space and values are looked for after the label, then anywhere.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from dossier.util.errors import InputError, PasswordError

MAX_PAGES = 50  # an evidence PDF of invoices; beyond this it is not an invoice file


@dataclass(frozen=True)
class EInvoiceFacts:
    """What the text layer says. ``total`` is 价税合计（小写）in yuan; any field may be None."""

    number: str | None
    issue_date: dt.date | None
    total: Decimal | None
    code: str | None = None  # 发票代码: legacy e-invoices only
    page: int = 1  # first page of this invoice in the PDF (1-based)

    @property
    def is_digital(self) -> bool:
        """A 数电 / 全电 invoice: 20-digit number, no 发票代码."""
        return self.number is not None and len(self.number) == 20 and self.code is None


def _label(text: str) -> str:
    return r"\s*".join(map(re.escape, text))


_NUMBER_LABEL = re.compile(_label("发票号码") + r"\s*:?\s*")
_CODE = re.compile(_label("发票代码") + r"\s*:?\s*(\d{12})(?!\d)")
_DATE_LABEL = re.compile(_label("开票日期") + r"\s*:?\s*")
_DATE = re.compile(r"(\d{4})\s*(?:年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日|-(\d{1,2})-(\d{1,2}))")
_AMOUNT = r"(-?\s*[\d,]+\.\d{2})(?!\d)"
_TOTAL_SMALL = re.compile(r"\(\s*小\s*写\s*\)\s*:?\s*¥?\s*" + _AMOUNT)
_TOTAL_LABEL = re.compile(_label("价税合计") + r".{0,200}?¥\s*" + _AMOUNT, re.S)
_YEN = re.compile(r"¥\s*" + _AMOUNT)
_DIGITS20 = re.compile(r"(?<!\d)(\d{20})(?!\d)")
_DIGITS8 = re.compile(r"(?<!\d)(\d{8})(?!\d)")


def normalise(text: str) -> str:
    """NFKC (Kangxi radicals → 汉字, full-width → ASCII, ￥ → ¥), white space runs → one space."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text))


def parse_invoice_text(text: str, page: int = 1) -> EInvoiceFacts | None:
    """The fields found in one page's text; None when nothing invoice-like is there."""
    text = normalise(text)
    code_match = _CODE.search(text)
    code = code_match.group(1) if code_match else None
    number = _number(text, legacy=code is not None)
    issue_date = _date(text)
    total = _total(text)
    if number is None and code is None and total is None:
        return None
    return EInvoiceFacts(number, issue_date, total, code, page)


def _number(text: str, *, legacy: bool) -> str | None:
    """发票号码: right after its label, else the first plausible 20-digit run.

    When labels and values are extracted apart, the run after the label may be a bank account
    (开户银行及账号) or a taxpayer number: runs after 账号 / 识别号 are skipped, and a 数电 number
    starts with its two-digit issue year.
    """
    m = _NUMBER_LABEL.search(text)
    if m:
        adjacent = re.match(r"(\d{8})(?!\d)" if legacy else r"(\d{20})(?!\d)", text[m.end():])
        if adjacent:
            return adjacent.group(1)
    if legacy:
        found = _DIGITS8.search(text, m.end()) if m else None
        return found.group(1) if found else None
    if "发票" not in text:
        return None
    this_year = dt.date.today().year % 100
    for c in _DIGITS20.finditer(text):
        before = text[max(0, c.start() - 40) : c.start()]
        if re.search(r"账\s*号|账\s*户|识\s*别\s*号|代\s*码", before):
            continue
        if 20 <= int(c.group(1)[:2]) <= this_year + 1:
            return c.group(1)
    return None


def _date(text: str) -> dt.date | None:
    m = _DATE_LABEL.search(text)
    candidates = [_DATE.search(text, m.end())] if m else []
    candidates.append(_DATE.search(text))
    for c in candidates:
        if c is None:
            continue
        year, month, day = int(c.group(1)), int(c.group(2) or c.group(4)), int(c.group(3) or c.group(5))
        try:
            return dt.date(year, month, day)
        except ValueError:
            continue
    return None


def _decimal(raw: str) -> Decimal | None:
    try:
        return Decimal(re.sub(r"[\s,]", "", raw))
    except InvalidOperation:
        return None


def _total(text: str) -> Decimal | None:
    for pattern in (_TOTAL_SMALL, _TOTAL_LABEL):
        m = pattern.search(text)
        if m:
            return _decimal(m.group(1))
    # Last resort: 价税合计 is the largest amount on the invoice (合计金额 + 合计税额).
    amounts = [a for a in (_decimal(m.group(1)) for m in _YEN.finditer(text)) if a is not None]
    return max(amounts, key=abs) if amounts else None


def _page_texts(pdf_path: Path) -> list[str]:
    if pdf_path.suffix.lower() == ".ofd":
        from dossier.evidence.ofd import page_texts

        return page_texts(pdf_path)
    import pypdf
    from pypdf.errors import FileNotDecryptedError, PdfReadError

    try:
        reader = pypdf.PdfReader(pdf_path, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise PasswordError("发票 PDF 已加密，无法读取", file=pdf_path, hint="请提供未加密的原始发票文件")
        if len(reader.pages) > MAX_PAGES:
            raise InputError(f"发票 PDF 有 {len(reader.pages)} 页，不像发票文件", file=pdf_path)
        return [page.extract_text() or "" for page in reader.pages]
    except FileNotDecryptedError as exc:
        raise PasswordError("发票 PDF 已加密，无法读取", file=pdf_path) from exc
    except (PdfReadError, OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise InputError(
            f"发票 PDF 无法读取（{type(exc).__name__}）", file=pdf_path, hint="请确认文件完整，可从开票平台重新下载"
        ) from exc


def read_einvoices(pdf_path: str | Path) -> list[EInvoiceFacts] | None:
    """Every invoice in the PDF, one per distinct 发票号码 (continuation pages merged), in order.

    None when no page has a text layer (a scan). Raises :class:`InputError` / :class:`PasswordError`
    for a PDF that cannot be opened.
    """
    return facts_of_pages(_page_texts(Path(pdf_path)))


def facts_of_pages(texts: list[str]) -> list[EInvoiceFacts] | None:
    """:func:`read_einvoices` of the pages' texts, already extracted."""
    if not any(t.strip() for t in texts):
        return None
    merged: dict[str, EInvoiceFacts] = {}
    loose: list[EInvoiceFacts] = []
    for i, text in enumerate(texts, start=1):
        facts = parse_invoice_text(text, page=i)
        if facts is None:
            continue
        key = facts.number
        if key is None:
            loose.append(facts)
        elif key in merged:
            old = merged[key]
            merged[key] = EInvoiceFacts(
                key,
                old.issue_date or facts.issue_date,
                old.total if old.total is not None else facts.total,
                old.code or facts.code,
                old.page,
            )
        else:
            merged[key] = facts
    return sorted([*merged.values(), *loose], key=lambda f: f.page)


def read_einvoice(pdf_path: str | Path) -> EInvoiceFacts | None:
    """发票号码, 开票日期 and 价税合计 of the (first) invoice in a digital e-invoice PDF.

    None when the PDF has no text layer (a scan: the caller reports an info finding). When the
    text layer holds nothing invoice-like, an ``EInvoiceFacts`` with every field None is returned,
    so the caller can tell "scan" from "not an invoice".
    """
    found = read_einvoices(pdf_path)
    if found is None:
        return None
    return found[0] if found else EInvoiceFacts(None, None, None)
