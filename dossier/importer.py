"""Investment rows from e-invoices: what ``dossier import invoices`` prints or writes.

One row per invoice: 价税合计 is the row's amount (含税, 万元, exact Decimal), the goods line gives
name, specification, quantity and unit, the seller is the supplier; the invoice file becomes the
row's invoice evidence. An existing row with the same 发票号码 gets the invoice's facts and keeps
everything else the user wrote.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from dossier.evidence.invoices import InvoiceDetails, read_invoice
from dossier.util.errors import InputError

TEN_THOUSAND = Decimal(10000)
INVOICE_SUFFIXES = (".pdf", ".ofd", ".xml")


def wan(yuan: Decimal | None) -> Decimal | None:
    """元 → 万元, exact (1,118,700.00 元 → 111.87)."""
    return None if yuan is None else (yuan / TEN_THOUSAND).normalize()


def _exact_div(a: Decimal, b: Decimal) -> Decimal:
    q = a / b
    return q.quantize(Decimal("0.000001")).normalize() if len(q.as_tuple().digits) > 20 else q.normalize()


def category_of(details: InvoiceDetails) -> str:
    """附件6 类别 from the tax category of the goods lines."""
    cats = " ".join(line.category or "" for line in details.lines)
    if "建筑" in cats or "安装" in cats:
        return "设备改造"
    if "软件" in cats or "信息技术服务" in cats:
        return "工业软件"
    if "计算机" in cats or "网络设备" in cats:
        return "信息化硬件"
    if "研发" in cats:
        return "研发投入"
    return "设备购置"


def evidence_path(file: Path, project: Path) -> str:
    """The file as enterprise.yaml names evidence: relative to the project, with /."""
    try:
        return Path(os.path.relpath(file.resolve(), project.resolve())).as_posix()
    except ValueError:  # another drive (Windows)
        return file.resolve().as_posix()


def row_from_invoice(details: InvoiceDetails, evidence: str) -> dict:
    goods = details.lines
    row: dict = {}
    if len(goods) == 1:
        line = goods[0]
        row["name"] = line.name
        row["model"] = line.model
        row["quantity"] = line.quantity.normalize() if line.quantity is not None else None
        row["unit"] = line.unit
    elif goods:
        row["name"] = f"{goods[0].name}等 {len(goods)} 项"
    row["category"] = category_of(details)
    gross = wan(details.gross)
    row["amount_wan"] = gross
    if len(goods) == 1 and gross is not None and goods[0].quantity:
        row["unit_price_wan"] = _exact_div(gross, goods[0].quantity)
    row["supplier"] = details.seller_name
    row["supplier_uscc"] = details.seller_uscc
    if details.contract_number:
        row["contract"] = {"number": details.contract_number}
    row["invoice"] = {"number": details.number, "date": details.date, "gross_wan": gross, "tax_wan": wan(details.tax)}
    row["evidence"] = {"invoice": [evidence]}
    order = ["category", "name", "model", "quantity", "unit", "unit_price_wan", "amount_wan", "supplier", "supplier_uscc",
             "contract", "invoice", "evidence"]
    return {k: row[k] for k in order if k in row and row[k] is not None}


@dataclass
class InvoiceImport:
    rows: list[dict] = field(default_factory=list)
    invoices: list[InvoiceDetails] = field(default_factory=list)
    problems: list[tuple[str, str, str]] = field(default_factory=list)  # (severity, file, Chinese message)


def read_invoices(files: list[Path], project: Path, applicant_uscc: str | None) -> InvoiceImport:
    """Every file read; an unreadable one is a problem naming it, not the end of the import."""
    out = InvoiceImport()
    seen: set[str] = set()
    for file in files:
        shown = str(file)
        if file.suffix.lower() not in INVOICE_SUFFIXES:
            out.problems.append(("error", shown, "不是发票文件（应为 PDF、OFD 或 XML），已跳过"))
            continue
        try:
            details = read_invoice(file, shown)
        except InputError as exc:
            out.problems.append(("error", shown, exc.message))
            continue
        if details.number in seen:
            out.problems.append(("info", shown, f"发票 {details.number} 已从另一个文件读取（同一张发票的 PDF/OFD/XML），不重复导入"))
            continue
        seen.add(details.number or "")
        if applicant_uscc and details.buyer_uscc and details.buyer_uscc != applicant_uscc:
            out.problems.append(("error", shown, f"发票购买方不是申报企业：购买方为 {details.buyer_name or '—'}（{details.buyer_uscc}），"
                                               f"申报企业统一社会信用代码为 {applicant_uscc}"))
        for line in details.lines:
            if line.is_service:
                out.problems.append(("warning", shown, f"发票项目“*{line.category}*{line.name}”属建筑或服务类，"
                                                       "按通知不属于生产性设备投入，请确认是否计入（productive）"))
        out.invoices.append(details)
        evidence = evidence_path(file, project)
        if evidence.startswith("../") or Path(evidence).is_absolute():
            out.problems.append(("warning", shown, "发票文件不在项目文件夹内：请复制到项目的 evidence/ 下再导入，装订时才能找到它"))
        out.rows.append(row_from_invoice(details, evidence))
    return out


def invoice_match(existing: dict, row: dict) -> bool:
    number = (row.get("invoice") or {}).get("number")
    current = existing.get("invoice")
    return bool(number) and isinstance(current, dict) and str(current.get("number") or "").strip() == number


INVOICE_FACTS = {"invoice"}  # an invoice's own facts replace what was typed; the rest fills blanks only
