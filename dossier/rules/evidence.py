"""Evidence files named in enterprise.yaml: present, inside the project, of a usable kind, each
investment row carrying the documents the notice asks for (合同、发票、付款凭证、银行流水)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from dossier.application import paths
from dossier.rules.context import DOCUMENT_OF, RuleContext
from dossier.util.filenames import missing_hint
from dossier.util.findings import Finding

EVIDENCE_SUFFIXES = {".pdf", ".ofd", ".jpg", ".jpeg", ".png", ".tif", ".tiff"}


def referenced_files(ctx: RuleContext) -> list[tuple[tuple, str, str | None]]:
    """Every evidence path in the application: (yaml path, file as written, password)."""
    refs: list[tuple[tuple, str, str | None]] = []
    for i, row in enumerate(ctx.app.investments):
        for kind, j, ref in row.evidence.items():
            if ref.file:
                refs.append((("investments", i, "evidence", kind, j), ref.file, ref.password))
    for i, ind in enumerate(ctx.app.indicators):
        for j, f in enumerate(ind.evidence):
            refs.append((("indicators", i, "evidence", j), f, None))
    for i, sc in enumerate(ctx.app.scenarios):
        for j, f in enumerate(sc.evidence):
            refs.append((("scenarios", i, "evidence", j), f, None))
    return refs


def files_exist(ctx: RuleContext) -> Iterator[Finding]:
    by_file: dict[str, list[tuple]] = defaultdict(list)
    for path, rel, password in referenced_files(ctx):
        attachment = ctx.attachment(DOCUMENT_OF[path[0]])
        target = ctx.resolve(path, rel)
        shown = paths.normalise(rel)
        by_file[shown].append(path)
        if not target.is_file():
            yield ctx.finding(
                "I-EVIDENCE-MISSING", "error", f"找不到佐证文件“{shown}”{missing_hint(target)}", path, clause="materials_4", attachment=attachment
            )
            continue
        if target.suffix.lower() not in EVIDENCE_SUFFIXES:
            yield ctx.finding(
                "I-EVIDENCE-TYPE", "error", f"佐证文件“{shown}”应为 PDF、OFD 或 JPG/PNG/TIFF 扫描件", path, attachment=attachment
            )
            continue
        if target.stat().st_size == 0:
            yield ctx.finding("I-EVIDENCE-EMPTY", "error", f"佐证文件“{shown}”是空文件", path, attachment=attachment)
            continue
        if target.suffix.lower() == ".pdf":
            problem = _pdf_problem(target, password)
            if problem:
                yield ctx.finding("I-EVIDENCE-PDF", "error", f"佐证文件“{shown}”{problem}", path, attachment=attachment)
        if target.suffix.lower() == ".ofd":
            problem = _ofd_problem(target, shown)
            if problem:
                yield ctx.finding("I-EVIDENCE-OFD", "error", problem, path, attachment=attachment)
    for shown, places in by_file.items():
        if len(places) > 1 and all(p[0] == "investments" for p in places):
            rows = sorted({ctx.app.investments[p[1]].id or str(p[1] + 1) for p in places})
            if len(rows) > 1:
                yield ctx.finding(
                    "I-EVIDENCE-REUSED", "warning",
                    f"同一佐证文件“{shown}”被 {'、'.join(rows)} 共同引用；若一份合同对应多行，请在备注中说明",
                    places[1], clause="materials_4", document="investment_detail",
                )


def _pdf_problem(target: Path, password: str | None) -> str | None:
    """Why a PDF cannot be opened, in Chinese, or None; cached by content (and password), so that a
    repeated check neither imports pikepdf (~0.1 s) nor opens every evidence PDF again (and
    ``dossier watch`` keeps the answer in memory: :func:`dossier.util.cache.remembered_json`)."""
    from dossier.util.cache import remembered_json

    def compute():
        import pikepdf

        from dossier.util import pdf_notes

        pdf_notes.silence()  # the CLI leaves that to check (dossier.cli.main)

        try:
            with pikepdf.open(target, password=password or "") as pdf:
                if len(pdf.pages) == 0:
                    return {"problem": "没有任何页面"}
        except pikepdf.PasswordError:
            return {"problem": "已加密，需要打开密码：请在该文件条目下填写 password，或提供未加密的版本" if not password else "的密码不正确"}
        except Exception:  # noqa: BLE001 - any unreadable PDF is reported, never a traceback
            return {"problem": "无法作为 PDF 打开（文件损坏或不是 PDF）"}
        return {"problem": None}

    return remembered_json("pdf-check", target, compute, extra=f"password:{password or ''}")["problem"]


def kinds_present(ctx: RuleContext) -> Iterator[Finding]:
    for i, row in enumerate(ctx.app.investments):
        group = ctx.figures.rows[i].group
        if group is None:
            continue
        for entry in ctx.programme.evidence_kinds:
            if group in entry.get("required_for", []) and not getattr(row.evidence, entry.key):
                yield ctx.finding(
                    "I-EVIDENCE-KIND", "error", f"{row.id}：缺少{entry.label}（evidence.{entry.key}）",
                    ("investments", i, "evidence"), clause="materials_4", document="investment_detail",
                )
        if group == "rd" and not row.evidence.items():
            yield ctx.finding(
                "I-EVIDENCE-KIND", "error", f"{row.id}：研发投入至少应提供付款凭证或研发辅助账等证明材料",
                ("investments", i, "evidence"), clause="materials_4", document="investment_detail",
            )


def _ofd_problem(target: Path, shown: str) -> str | None:
    """Why an OFD cannot be bound, in Chinese, or None; cached by content like the invoice text."""
    from dossier.util.cache import remembered_json
    from dossier.util.errors import InputError

    def compute():
        from dossier.evidence.ofd import read_ofd

        try:
            read_ofd(target, shown)
        except InputError as exc:
            return {"problem": exc.render().split("\n")[0]}
        return {"problem": None}

    return remembered_json("ofd-check", target, compute, extra=shown)["problem"]


def _invoice_files(ctx: RuleContext):
    """Each investment row's invoice files that exist and can carry text (PDF, OFD):
    ``(row index, row, YAML path, resolved file, name as written)``. Missing files are files_exist's."""
    for i, row in enumerate(ctx.app.investments):
        for j, ref in enumerate(row.evidence.invoice):
            path = ("investments", i, "evidence", "invoice", j)
            if not ref.file or not ref.file.lower().endswith((".pdf", ".ofd")):
                continue
            target = ctx.resolve(path, ref.file)
            if target.is_file():
                yield i, row, path, target, paths.normalise(ref.file)


def invoices_match(ctx: RuleContext) -> Iterator[Finding]:
    """数电发票 PDFs: the 发票号码, 开票日期 and 价税合计 printed on them agree with the row."""
    from dossier.util.errors import InputError
    from dossier.util.formats import TEN_THOUSAND, fmt_date

    for i, row, path, target, shown in _invoice_files(ctx):
        try:
            facts = _einvoices(target)
        except InputError:
            continue  # unreadable, or encrypted (PasswordError): files_exist reports what needs reporting
        if facts is None:
            yield ctx.finding(
                "I-INVOICE-SCAN", "info", f"{row.id}：发票“{shown}”没有文字层（扫描件），无法自动核对号码、日期和金额，请人工核对",
                path, document="investment_detail",
            )
            continue
        invoice = next((f for f in facts if f.number and f.number == (row.invoice.number or "").strip()), None)
        if invoice is None:
            numbers = "、".join(f.number for f in facts if f.number) or "无法识别"
            yield ctx.finding(
                "I-INVOICE-NUMBER", "error",
                f"{row.id}：发票“{shown}”上的发票号码（{numbers}）与填写的 {row.invoice.number or '（未填写）'} 不一致",
                ("investments", i, "invoice", "number"), clause="materials_4", document="investment_detail",
            )
            continue
        if invoice.issue_date and row.invoice.date and invoice.issue_date != row.invoice.date:
            yield ctx.finding(
                "I-INVOICE-DATE", "error",
                f"{row.id}：发票“{shown}”的开票日期为 {fmt_date(invoice.issue_date)}，填写为 {fmt_date(row.invoice.date)}",
                ("investments", i, "invoice", "date"), clause="materials_4", document="investment_detail",
            )
        stated = row.invoice.gross_wan if row.invoice.gross_wan is not None else row.amount_wan
        if invoice.total is not None and stated is not None and len(row.evidence.invoice) == 1:
            if abs(invoice.total - stated * TEN_THOUSAND) > 100:  # 0.01 万元
                yield ctx.finding(
                    "I-INVOICE-AMOUNT", "error",
                    f"{row.id}：发票“{shown}”的价税合计为 {invoice.total:,.2f} 元，填写为 {stated} 万元",
                    ("investments", i, "invoice", "gross_wan") if row.invoice.gross_wan is not None else ("investments", i, "amount_wan"),
                    clause="materials_4", document="investment_detail",
                )


def _einvoices(target: Path):
    """The invoices printed in ``target`` (None for a scan); InputError when it cannot be read.
    Each with the fields of :class:`dossier.evidence.einvoice.EInvoiceFacts`, as a plain namespace:
    importing that module (its patterns and class) was ~1 % of a check whose readings are cached."""
    import datetime as dt
    from decimal import Decimal
    from types import SimpleNamespace

    from dossier.util.errors import InputError

    rows = _reading(target)["einvoices"]
    if rows == "unreadable":
        raise InputError("发票无法读取", file=str(target))
    if rows is None:
        return None
    return [
        SimpleNamespace(
            number=r["number"], issue_date=dt.date.fromisoformat(r["issue_date"]) if r["issue_date"] else None,
            total=Decimal(r["total"]) if r["total"] is not None else None, code=r["code"], page=r["page"],
        )
        for r in rows
    ]


def _reading(target: Path) -> dict:
    """What both invoice rules need of ``target``, from one reading of it
    (:func:`dossier.evidence.invoices.read_invoice_evidence`), cached by content: text extraction
    costs ~20 ms a page and a dossier has dozens of invoices. ``einvoices``: the invoices printed
    (None for a scan, ``"unreadable"``); ``parties``: buyer and service lines (None when unreadable
    or no e-invoice). Remembered in memory too (:func:`dossier.util.cache.remembered_json`): the
    value is shared, and read only."""
    from dossier.util.cache import remembered_json

    def compute():
        from dossier.evidence.invoices import read_invoice_evidence  # only when not cached: ~20 ms to import
        from dossier.util import pdf_notes

        pdf_notes.silence()  # the CLI leaves that to check (dossier.cli.main)

        reading = read_invoice_evidence(target)
        if reading.einvoices_error is not None:
            einvoices = "unreadable"
        elif reading.einvoices is None:
            einvoices = None
        else:
            einvoices = [
                {"number": f.number, "issue_date": f.issue_date.isoformat() if f.issue_date else None,
                 "total": str(f.total) if f.total is not None else None, "code": f.code, "page": f.page}
                for f in reading.einvoices
            ]
        d = reading.details
        parties = None if d is None else {
            "buyer_uscc": d.buyer_uscc, "buyer_name": d.buyer_name,
            "services": [f"“*{ln.category}*{ln.name}”" for ln in d.lines if ln.is_service],
        }
        return {"einvoices": einvoices, "parties": parties}

    return remembered_json("invoice-reading", target, compute)


def invoice_parties(ctx: RuleContext) -> Iterator[Finding]:
    """The buyer on each invoice is the applicant; construction and service lines are named
    (the notice counts productive equipment, not works or services)."""
    from dossier.util.errors import InputError

    applicant = (ctx.app.enterprise.uscc or "").strip()
    for i, row, path, target, shown in _invoice_files(ctx):
        try:
            facts = _invoice_parties(target)
        except InputError:
            continue  # a scan or unreadable file: reported by the other rules
        buyer = facts["buyer_uscc"]
        if applicant and buyer and buyer != applicant:
            yield ctx.finding(
                "I-INVOICE-BUYER", "error",
                f"{row.id}：发票购买方不是申报企业：发票“{shown}”的购买方为 {facts['buyer_name'] or '—'}（{buyer}），"
                f"申报企业统一社会信用代码为 {applicant}",
                path, clause="materials_4", document="investment_detail",
            )
        services = facts["services"]
        # R&D services are R&D input; a row I-NON-PRODUCTIVE-KIND already names is not named twice.
        marked = ctx.figures.rows[i].non_productive_mark is not None
        if services and row.productive and row.category != "研发投入" and not marked:
            yield ctx.finding(
                "I-INVOICE-SERVICE", "info",
                f"{row.id}：发票“{shown}”的项目{'、'.join(services)}按税收分类属建筑或服务类，不是设备；"
                "请确认属于生产性设备的改造或配套，否则标 productive: false（不计入合计）",
                ("investments", i, "productive"), document="investment_detail",
            )


def _invoice_parties(target: Path) -> dict:
    """Buyer and service lines of an invoice; InputError when it cannot be read."""
    from dossier.util.errors import InputError

    found = _reading(target)["parties"]
    if found is None:
        raise InputError("发票无法读取", file=str(target))
    return found


def proof_for_claims(ctx: RuleContext) -> Iterator[Finding]:
    """资料清单第3项 asks for 证明材料 of the self-tests: every key indicator and every built or partly
    built scenario names at least one evidence file."""
    kpi, scenario = ctx.attachment("kpi_selftest"), ctx.attachment("scenario_selftest")
    for i, ind in enumerate(ctx.app.indicators):
        if not ind.evidence:
            name = ctx.figures.indicators[i].name if i < len(ctx.figures.indicators) else (ind.key or str(i + 1))
            yield ctx.finding(
                "K-EVIDENCE-NONE", "warning",
                f"重点指标“{name}”没有证明材料（evidence）：请附系统报表、统计表等能核对改造前后数值的文件",
                ("indicators", i), clause="materials_3", attachment=kpi,
            )
    for i, sc in enumerate(ctx.app.scenarios):
        if sc.implemented in ("yes", "partial") and not sc.evidence:
            entry = ctx.programme.scenarios.find(sc.code)
            name = f"{entry.label}（{entry.key}）" if entry else (sc.code or str(i + 1))
            built = "已建设" if sc.implemented == "yes" else "部分建设"
            yield ctx.finding(
                "S-EVIDENCE-NONE", "warning",
                f"{built}的场景“{name}”没有证明材料（evidence）：请附系统截图、运行记录或验收报告",
                ("scenarios", i), clause="materials_3", attachment=scenario,
            )


RULES = [files_exist, kinds_present, invoices_match, invoice_parties, proof_for_claims]
