"""The full content of a 数电发票 or an older 增值税电子发票, from its XML, OFD or PDF.

XML (the tax bureau's ``EInvoice`` file) is read by element names. OFD and PDF are read from
their text: header fields with the patterns of :mod:`dossier.evidence.einvoice`, parties as the
``名称`` / ``纳税人识别号`` pairs (buyer first, as printed), and item lines between the column
headers and ``合计`` by their horizontal position: the 项目名称 column starts with ``*类别*``, a
specification is text at another position, and the row ends with 单位, 数量, 单价, 金额, 税率 and
税额. Amounts are yuan, as printed (callers convert to 万元).

``check`` reads each invoice PDF or OFD once for both of its invoice rules
(:func:`read_invoice_evidence`): the e-invoice facts and the full content from one text extraction.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from xml.etree import ElementTree as ET

from dossier.evidence import einvoice
from dossier.util.errors import InputError

USCC = re.compile(r"(?<![0-9A-Z])([0-9A-HJ-NP-RTUW-Y]{2}\d{6}[0-9A-HJ-NP-RTUW-Y]{10})(?![0-9A-Z])")
# Tax categories (the *…* prefix) that are construction or services, not equipment.
SERVICE_WORDS = ("建筑服务", "工程服务", "安装服务", "设计服务", "研发和技术服务", "信息技术服务", "现代服务", "技术服务", "咨询服务", "劳务")


@dataclass(frozen=True)
class InvoiceLine:
    name: str  # 项目名称 without the *类别* prefix
    category: str | None  # the *类别* of the tax classification
    model: str | None
    unit: str | None
    quantity: Decimal | None
    unit_price: Decimal | None  # 不含税, yuan
    amount: Decimal | None  # 不含税, yuan
    tax_rate: str | None  # "13%", "免税"
    tax: Decimal | None

    @property
    def is_service(self) -> bool:
        """Construction or a service by its tax category (建筑服务, 信息技术服务 …)."""
        return bool(self.category) and any(w in self.category for w in SERVICE_WORDS)


@dataclass(frozen=True)
class InvoiceDetails:
    file: str
    number: str | None
    date: dt.date | None
    seller_name: str | None
    seller_uscc: str | None
    buyer_name: str | None
    buyer_uscc: str | None
    net: Decimal | None
    tax: Decimal | None
    gross: Decimal | None
    code: str | None = None
    contract_number: str | None = None
    lines: list[InvoiceLine] = field(default_factory=list)


def _dec(raw: str | None) -> Decimal | None:
    if raw is None:
        return None
    try:
        return Decimal(re.sub(r"[\s,¥￥]", "", raw))
    except InvalidOperation:
        return None


def _split_category(name: str) -> tuple[str | None, str]:
    m = re.match(r"\s*\*([^*]+)\*\s*(.*)", name, re.S)
    return (m.group(1), m.group(2).strip()) if m else (None, name.strip())


def _rate(raw: str | None) -> str | None:
    if raw is None or not raw.strip():
        return None
    raw = raw.strip()
    if raw.endswith("%"):
        return raw
    value = _dec(raw)
    if value is None:
        return raw
    return f"{(value * 100 if value < 1 else value).normalize():f}%"


def read_invoice(path: str | Path, file: str | None = None) -> InvoiceDetails:
    """Everything the invoice says. :class:`InputError` names ``file`` when it cannot be read or is no invoice."""
    path = Path(path)
    file = file or str(path)
    suffix = path.suffix.lower()
    if not path.is_file():
        raise InputError("文件不存在。", file=file, hint="检查文件名和路径。")
    if suffix == ".xml":
        details = _from_xml(path, file)
    elif suffix in (".pdf", ".ofd"):
        details = _from_layout(path, file)
    else:
        raise InputError("不是发票文件（应为 PDF、OFD 或 XML）。", file=file)
    if details.number is None:
        raise _no_number(file)
    return details


# ---------------------------------------------------------------- XML


def _from_xml(path: Path, file: str) -> InvoiceDetails:
    data = path.read_bytes()
    if b"<!ENTITY" in data[:4096]:
        raise InputError("发票 XML 含实体声明，拒绝处理。", file=file)
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise InputError(f"发票 XML 不完整或已损坏（{exc}）。", file=file, hint="从开票平台重新下载 XML 版发票。") from None
    by_name: dict[str, list[ET.Element]] = {}
    for el in root.iter():
        by_name.setdefault(el.tag.rsplit("}", 1)[-1], []).append(el)

    def first(*names: str) -> str | None:
        for n in names:
            for el in by_name.get(n, []):
                if el.text and el.text.strip():
                    return el.text.strip()
        return None

    def under(parent: ET.Element, *names: str) -> str | None:
        for el in parent.iter():
            if el.tag.rsplit("}", 1)[-1] in names and el.text and el.text.strip():
                return el.text.strip()
        return None

    lines = []
    for item in by_name.get("IssuItemInformation", []) + by_name.get("IssueItemInformation", []):
        category, name = _split_category(under(item, "ItemName") or "")
        lines.append(InvoiceLine(
            name, category, under(item, "SpecMod"), under(item, "MeaUnits"), _dec(under(item, "Quantity")),
            _dec(under(item, "UnPrice")), _dec(under(item, "Amount")), _rate(under(item, "TaxRate")), _dec(under(item, "ComTaxAm")),
        ))
    date_text = first("IssueTime", "RequestTime", "IssueDate")
    date = einvoice._date(date_text) if date_text else None
    contract = re.search(r"合同编号[:：]\s*(\S+?)(?:[；;，,\s]|$)", first("Remark", "Note") or "")
    return InvoiceDetails(
        file=file,
        number=first("InvoiceNumber", "EIid"),
        date=date,
        seller_name=first("SellerName"),
        seller_uscc=first("SellerIdNum", "SellerTaxID"),
        buyer_name=first("BuyerName"),
        buyer_uscc=first("BuyerIdNum", "BuyerTaxID"),
        net=_dec(first("TotalAmWithoutTax")),
        tax=_dec(first("TotalTaxAm")),
        gross=_dec(first("TotalTax-includedAmount", "TotalTaxIncludedAmount")),
        code=first("InvoiceCode"),
        contract_number=contract.group(1) if contract else None,
        lines=lines,
    )


# ---------------------------------------------------------------- one reading for the rules


@dataclass(frozen=True)
class InvoiceReading:
    """An invoice PDF or OFD read once for both cross-checks of ``check``: what
    :func:`dossier.evidence.einvoice.read_einvoices` and :func:`read_invoice` give for it (their
    value, or the :class:`InputError` they raise), from a single text extraction."""

    einvoices: list[einvoice.EInvoiceFacts] | None  # None: no text layer (a scan)
    einvoices_error: InputError | None
    details: InvoiceDetails | None
    details_error: InputError | None


def read_invoice_evidence(path: str | Path) -> InvoiceReading:
    """Read the invoice at ``path`` (an existing .pdf or .ofd) once, and parse it both ways.

    Text extraction is most of the cost of an invoice (~20 ms a page), and each of the two used to
    extract it again. A PDF's first page is extracted with positions (for :func:`read_invoice`),
    the others as text only, and only up to :data:`~dossier.evidence.einvoice.MAX_PAGES`, as
    ``read_einvoices`` does; an error on one side is kept for that side alone.
    """
    path = Path(path)
    file = str(path)
    if path.suffix.lower() == ".ofd":
        from dossier.evidence.ofd import read_ofd

        try:
            pages = read_ofd(path, file)
        except InputError as exc:
            return InvoiceReading(None, exc, None, exc)
        texts = [p.text() for p in pages]
        pieces = _ofd_pieces(pages[0]) if pages else None
    else:
        texts, pieces, failure = _pdf_layer(path, file)
        if failure is not None:
            return InvoiceReading(None, failure[0], None, failure[1])
    einvoices, einvoices_error = None, None
    if isinstance(texts, InputError):
        einvoices_error = texts
    else:
        einvoices = einvoice.facts_of_pages(texts)
    if isinstance(pieces, InputError):
        return InvoiceReading(einvoices, einvoices_error, None, pieces)
    if pieces is None:
        return InvoiceReading(einvoices, einvoices_error, None, _unreadable(IndexError(), file))
    details = _details_of_pieces(pieces, file)
    if details.number is None:
        return InvoiceReading(einvoices, einvoices_error, None, _no_number(file))
    return InvoiceReading(einvoices, einvoices_error, details, None)


def _pdf_layer(path: Path, file: str):
    """(every page's text or the error reading them, the first page's pieces or the error, the
    errors of both sides when the PDF cannot be opened at all), from one pass over the PDF. Each
    error is the one ``read_einvoices`` / :func:`read_invoice` raises."""
    import pypdf
    from pypdf.errors import FileNotDecryptedError, PdfReadError

    from dossier.util.errors import PasswordError

    def unreadable(exc: BaseException) -> InputError:  # read_einvoices' words
        return InputError(f"发票 PDF 无法读取（{type(exc).__name__}）", file=file, hint="请确认文件完整，可从开票平台重新下载")

    try:
        reader = pypdf.PdfReader(path, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            return None, None, (
                PasswordError("发票 PDF 已加密，无法读取", file=file, hint="请提供未加密的原始发票文件"),
                InputError("发票 PDF 已加密，无法读取。", file=file, hint="请提供未加密的原始发票文件。"),
            )
        count = len(reader.pages)
    except FileNotDecryptedError as exc:
        return None, None, (PasswordError("发票 PDF 已加密，无法读取", file=file), _unreadable(exc, file))
    except (PdfReadError, *_PDF_ERRORS) as exc:
        return None, None, (unreadable(exc), _unreadable(exc, file))
    if count == 0:
        return [], None, None
    pieces: list[_Piece] | InputError
    try:
        first, pieces = _page_pieces(reader.pages[0])
    except (PdfReadError, *_PDF_ERRORS) as exc:
        pieces, first = _unreadable(exc, file), None
    if count > einvoice.MAX_PAGES:
        return InputError(f"发票 PDF 有 {count} 页，不像发票文件", file=file), pieces, None
    try:
        if first is None:  # the positions failed: the plain text may not
            first = reader.pages[0].extract_text() or ""
        texts = [first] + [page.extract_text() or "" for page in list(reader.pages)[1:]]
    except (PdfReadError, *_PDF_ERRORS) as exc:
        return unreadable(exc), pieces, None
    return texts, pieces, None


def _no_number(file: str) -> InputError:
    return InputError("文件里找不到发票号码，不像电子发票。", file=file, hint="扫描件无法自动读取，请手工填写。")


# ---------------------------------------------------------------- OFD / PDF


@dataclass(frozen=True)
class _Piece:
    x: float  # left edge, mm from the page's left
    y: float  # baseline, mm from the page's top
    text: str


def _pieces(path: Path, file: str) -> list[_Piece]:
    """The first page's text pieces with their positions."""
    if path.suffix.lower() == ".ofd":
        from dossier.evidence.ofd import read_ofd

        return _ofd_pieces(read_ofd(path, file)[0])
    import pypdf
    from pypdf.errors import PdfReadError

    try:
        reader = pypdf.PdfReader(path, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError("发票 PDF 已加密，无法读取。", file=file, hint="请提供未加密的原始发票文件。")
        return _page_pieces(reader.pages[0])[1]
    except InputError:
        raise
    except (PdfReadError, *_PDF_ERRORS) as exc:
        raise _unreadable(exc, file) from None


# What a damaged PDF makes pypdf raise, besides its own PdfReadError.
_PDF_ERRORS = (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError)


def _unreadable(exc: BaseException, file: str) -> InputError:
    return InputError(f"发票 PDF 无法读取（{type(exc).__name__}）。", file=file, hint="请确认文件完整，可从开票平台重新下载。")


def _page_pieces(page) -> tuple[str, list[_Piece]]:
    """A pypdf page's text (as ``extract_text()`` gives it) and its pieces with their positions."""
    out: list[_Piece] = []
    height = float(page.mediabox.top)
    mm = 72 / 25.4

    def visit(text, cm, tm, _font, _size):
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            out.append(_Piece(x / mm, (height - y) / mm, text))

    text = page.extract_text(visitor_text=visit)
    return text or "", out


def _ofd_pieces(page) -> list[_Piece]:
    from dossier.evidence.ofd import Glyphs

    return [_Piece(g.positions[0][0], g.positions[0][1], g.text) for g in page.items if isinstance(g, Glyphs) and g.text.strip()]


def _norm(s: str) -> str:
    """Kangxi radicals (⽇ for 日) and the full-width yen sign normalised (NFKC); other
    full-width characters kept as printed (names use （）). Ends kept, so wrapped text joins."""
    return "".join(unicodedata.normalize("NFKC", ch) if "\u2e80" <= ch <= "\u2fdf" or ch == "￥" else ch
                   for ch in s.replace("\n", ""))


def _from_layout(path: Path, file: str) -> InvoiceDetails:
    return _details_of_pieces(_pieces(path, file), file)


def _details_of_pieces(raw: list[_Piece], file: str) -> InvoiceDetails:
    pieces = [_Piece(p.x, p.y, _norm(p.text)) for p in raw]
    flat = "\n".join(p.text for p in sorted(pieces, key=lambda p: (round(p.y), p.x)))
    head = einvoice.parse_invoice_text(flat)
    names = [p for p in pieces if re.match(r"\s*名\s*称\s*[:：]", p.text)]
    usccs = [(p, m.group(1)) for p in pieces for m in [USCC.search(p.text)] if m and ("识别号" in p.text or "代码" in p.text)]
    # Buyer first: left of the seller (数电) or above it (older 增值税电子发票).
    names.sort(key=lambda p: (p.x > 120 if abs(p.x - names[0].x) > 30 else p.y) if names else 0)
    usccs.sort(key=lambda t: (t[0].x > 120 if abs(t[0].x - usccs[0][0].x) > 30 else t[0].y) if usccs else 0)
    party_names = [re.sub(r"^\s*名\s*称\s*[:：]\s*", "", p.text).strip() for p in names]
    totals = _totals(pieces)
    contract = re.search(r"合同编号\s*[:：]\s*(\S+?)(?:[;；，,\s]|$)", flat)
    return InvoiceDetails(
        file=file,
        number=head.number if head else None,
        date=head.issue_date if head else None,
        buyer_name=party_names[0] if party_names else None,
        seller_name=party_names[1] if len(party_names) > 1 else None,
        buyer_uscc=usccs[0][1] if usccs else None,
        seller_uscc=usccs[1][1] if len(usccs) > 1 else None,
        net=totals[0],
        tax=totals[1],
        gross=head.total if head else None,
        code=head.code if head else None,
        contract_number=contract.group(1) if contract else None,
        lines=_lines(pieces),
    )


_NUMBER = re.compile(r"^-?[\d,]+(?:\.\d+)?$")


def _totals(pieces: list[_Piece]) -> tuple[Decimal | None, Decimal | None]:
    """合计 row: 金额 then 税额 (yuan amounts on the 合计 baseline)."""
    total = next((p for p in pieces if re.fullmatch(r"合\s*计", p.text.strip())), None)
    if total is None:
        return None, None
    amounts = sorted((p for p in pieces if abs(p.y - total.y) < 1.5 and p.text.lstrip().startswith("¥")), key=lambda p: p.x)
    values = [_dec(p.text) for p in amounts]
    return (values[0] if values else None, values[1] if len(values) > 1 else None)


def _lines(pieces: list[_Piece]) -> list[InvoiceLine]:
    header = next((p for p in pieces if re.sub(r"\s", "", p.text) in ("项目名称", "货物或应税劳务、服务名称", "货物或应税劳务名称")), None)
    total = next((p for p in pieces if re.fullmatch(r"合\s*计", p.text.strip())), None)
    if header is None:
        return []
    bottom = total.y if total is not None and total.y > header.y else header.y + 120
    body = sorted((p for p in pieces if header.y + 0.5 < p.y < bottom - 0.5), key=lambda p: (p.y, p.x))
    starts = [p for p in body if p.text.lstrip().startswith("*")]
    if not starts:
        return []
    name_x = starts[0].x
    starts = [p for p in starts if abs(p.x - name_x) < 2]
    rows: list[list[_Piece]] = [[s] for s in starts]
    for p in body:
        if p in starts:
            continue
        owner = [i for i, s in enumerate(starts) if s.y <= p.y + 1.0]
        if owner:
            rows[owner[-1]].append(p)
    return [line for line in (_line(_chained(r), name_x) for r in rows) if line is not None]


def _chained(row: list[_Piece]) -> list[_Piece]:
    """The row's own pieces: on its first baseline or wrapped below it line by line; text
    further down (a watermark, a stamp) is not part of the item."""
    top = row[0].y
    kept = [p for p in row if p.y <= top + 1.0]
    for p in sorted((p for p in row if p.y > top + 1.0), key=lambda p: p.y):
        if p.y - max(k.y for k in kept) <= 6.0:
            kept.append(p)
    return kept


def _line(row: list[_Piece], name_x: float) -> InvoiceLine | None:
    name_parts = [p.text for p in row if abs(p.x - name_x) < 2]
    rest = sorted((p for p in row if abs(p.x - name_x) >= 2), key=lambda p: (p.x, p.y))
    rest = [_Piece(p.x, p.y, p.text.strip()) if _NUMBER.match(p.text.strip()) or p.text.strip().endswith("%") else p for p in rest]
    top = row[0].y  # amounts sit on the row's first baseline; a digit wrapped below is text
    numbers = [p for p in rest if p.y <= top + 1.0 and (_NUMBER.match(p.text) or p.text.endswith("%") or p.text.strip() in ("免税", "不征税"))]
    words = [p for p in rest if p not in numbers]
    rate_piece = next((p for p in numbers if p.text.endswith("%") or p.text.strip() in ("免税", "不征税")), None)
    if rate_piece is None:
        return None
    before = [_dec(p.text) for p in numbers if p.x < rate_piece.x]
    after = [_dec(p.text) for p in numbers if p.x > rate_piece.x]
    amount = before[-1] if before else None
    price = before[-2] if len(before) > 1 else None
    qty = before[-3] if len(before) > 2 else None
    # Words: the specification (one column, maybe wrapped) and the unit (short, in its own column).
    unit = None
    if words:
        last_x = max(p.x for p in words)
        unit_pieces = [p for p in words if abs(p.x - last_x) < 1]
        if len({round(p.x) for p in words}) > 1 or (len(unit_pieces[0].text) <= 2 and not re.search(r"[\dA-Za-z]", unit_pieces[0].text)):
            unit = unit_pieces[0].text.strip()
            words = [p for p in words if p not in unit_pieces]
    model = "".join(p.text for p in sorted(words, key=lambda p: (p.y, p.x))).strip() or None
    category, name = _split_category("".join(name_parts).strip())
    return InvoiceLine(name, category, model, unit, qty, price, amount, rate_piece.text.strip(), after[0] if after else None)
