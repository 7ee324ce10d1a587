"""Investment details, attachment 6: window (V1), threshold (V2), R&D share (V3), arithmetic (V18),
related parties and second-hand equipment (V19)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal

from dossier.application.figures import BASIS_LABEL, DATE_LABEL
from dossier.rules.context import RuleContext
from dossier.util.findings import Finding
from dossier.util.formats import fmt_date, fmt_unit_price, fmt_wan, printed_unit_price, uscc_problem, wan

TOLERANCE = Decimal("0.01")  # 万元: forms round each figure to two decimals


def categories(ctx: RuleContext) -> Iterator[Finding]:
    labels = "、".join(ctx.programme.investment_categories.labels())
    for i, row in enumerate(ctx.app.investments):
        if row.category and ctx.programme.investment_categories.find(row.category) is None:
            yield ctx.finding(
                "I-CATEGORY", "error", f"{row.id or i + 1}：类别“{row.category}”无法识别；可填：{labels}",
                ("investments", i, "category"), clause="materials_4", document="investment_detail",
            )
        fig = ctx.figures.rows[i]
        if fig.group == "rd":
            if not row.rd_subject:
                yield ctx.finding(
                    "I-RD-SUBJECT", "warning", f"{row.id}：研发投入应注明费用科目（rd_subject，如 人员人工费用、直接投入费用）",
                    ("investments", i), document="investment_detail",
                )
            elif ctx.programme.rd_subjects.find(row.rd_subject) is None:
                yield ctx.finding(
                    "I-RD-SUBJECT", "warning",
                    f"{row.id}：研发费用科目“{row.rd_subject}”不在加计扣除口径的科目中（{'、'.join(ctx.programme.rd_subjects.labels())}）",
                    ("investments", i, "rd_subject"), document="investment_detail",
                )


def window(ctx: RuleContext) -> Iterator[Finding]:
    start, end = ctx.programme.window_start, ctx.programme.window_end
    chosen = ctx.figures.readings.window_date
    for i, row in enumerate(ctx.app.investments):
        fig = ctx.figures.rows[i]
        dates = {"contract": row.contract.date, "invoice": row.invoice.date, "payment": row.payment.date}
        path_of = {"contract": ("contract", "date"), "invoice": ("invoice", "date"), "payment": ("payment", "date")}
        if fig.window_basis != chosen and fig.window_date is not None:
            yield ctx.finding(
                "I-WINDOW-BASIS", "info",
                f"{row.id}：研发投入没有发票，以{DATE_LABEL[fig.window_basis]} {fmt_date(fig.window_date)} 判断是否在窗口期内",
                ("investments", i, "payment", "date"), clause="investment", document="investment_detail",
            )
        elif dates[chosen] is None and fig.group is not None:
            yield ctx.finding(
                "I-WINDOW-DATE", "error",
                f"{row.id}：未填写{DATE_LABEL[chosen]}，无法判断是否在投资窗口期（{fmt_date(start)}至{fmt_date(end)}）内",
                ("investments", i), clause="investment", document="investment_detail",
            )
            continue
        for which, day in dates.items():
            if day is None or start <= day <= end:
                continue
            counted = which == fig.window_basis
            text = f"{row.id}：{DATE_LABEL[which]} {fmt_date(day)} 不在投资窗口期（{fmt_date(start)}至{fmt_date(end)}）内"
            if counted:
                text += "，该行不计入合计"
            elif fig.in_window:
                text += f"（按{DATE_LABEL[fig.window_basis]}判断仍计入，审计口径不同时可能被剔除）"
            # else: the row is already out by the reading's own date (its own finding says so); no second verdict.
            yield ctx.finding(
                "I-WINDOW", "warning", text, ("investments", i) + path_of[which], clause="investment", document="investment_detail"
            )


def threshold(ctx: RuleContext) -> Iterator[Finding]:
    f = ctx.figures
    floor = ctx.programme.threshold_wan
    basis = BASIS_LABEL[f.readings.amount_basis]
    both = f"含税 {fmt_wan(f.qualifying_total_gross)} 万元"
    both += f"，不含税 {fmt_wan(f.qualifying_total_net)} 万元" if f.qualifying_total_net is not None else "，不含税口径缺税额无法计算"
    if f.qualifying_total < floor:
        yield ctx.finding(
            "I-THRESHOLD", "error",
            f"窗口期内生产性设备购置与改造投资及研发投入合计 {fmt_wan(f.qualifying_total)} 万元（{basis}），低于 {fmt_wan(floor)} 万元（{both}）",
            ("investments",), clause="investment", document="investment_detail",
        )
    elif f.qualifying_total_net is not None and f.qualifying_total_net < floor <= f.qualifying_total_gross:
        yield ctx.finding(
            "I-THRESHOLD-BASIS", "warning",
            f"含税合计达到 {fmt_wan(floor)} 万元，但不含税合计仅 {fmt_wan(f.qualifying_total_net)} 万元：若专项审计按不含税口径，将达不到门槛",
            ("investments",), clause="investment", document="investment_detail",
        )


def rd_share(ctx: RuleContext) -> Iterator[Finding]:
    f = ctx.figures
    if f.rd_ratio is not None and f.rd_excess > 0:
        cap = ctx.programme.rd_cap_ratio * 100
        yield ctx.finding(
            "I-RD-CAP", "warning",
            f"研发投入占设备投资 {f.rd_ratio}%，超过 {cap:.0f}%；扣除超出部分 {fmt_wan(f.rd_excess)} 万元后合计为 {fmt_wan(f.total_after_cap)} 万元"
            + ("，将低于门槛" if f.total_after_cap < ctx.programme.threshold_wan else ""),
            ("investments",), clause="rd_cap", document="investment_detail",
        )


def arithmetic(ctx: RuleContext) -> Iterator[Finding]:
    for i, row in enumerate(ctx.app.investments):
        base = ("investments", i)
        if row.quantity is not None and row.unit_price_wan is not None and row.amount_wan is not None:
            expected = row.quantity * row.unit_price_wan
            if abs(expected - row.amount_wan) > TOLERANCE:
                yield ctx.finding(
                    "I-ARITH", "error",
                    f"{row.id}：金额 {row.amount_wan} 万元 ≠ 数量 {row.quantity} × 单价 {row.unit_price_wan} 万元 = {expected:.2f} 万元",
                    base + ("amount_wan",), clause="arithmetic", document="investment_detail",
                )
            else:
                # A reviewer recomputes from the printed figures: 数量 × printed 单价 must give printed 金额.
                on_paper = wan(row.quantity * printed_unit_price(row.unit_price_wan))
                if on_paper != wan(row.amount_wan):
                    yield ctx.finding(
                        "I-ARITH-PRINT", "warning",
                        f"{row.id}：按表中打印的数字复核，数量 {row.quantity} × 单价 {fmt_unit_price(row.unit_price_wan)} = "
                        f"{fmt_wan(on_paper)} 万元，与打印的金额 {fmt_wan(row.amount_wan)} 万元不符（单价最多打印 4 位小数）；"
                        "请按合同填写更精确的单价或拆分该行",
                        base + ("unit_price_wan",), clause="arithmetic", document="investment_detail",
                    )
        inv = row.invoice
        if inv.gross_wan is not None and row.amount_wan is not None and abs(inv.gross_wan - row.amount_wan) > TOLERANCE:
            yield ctx.finding(
                "I-ARITH", "warning",
                f"{row.id}：发票价税合计 {inv.gross_wan} 万元与明细金额 {row.amount_wan} 万元不一致（分批开票时请在备注说明）",
                base + ("invoice", "gross_wan"), clause="arithmetic", document="investment_detail",
            )
        if inv.tax_wan is not None and inv.gross_wan is not None and not (0 <= inv.tax_wan <= inv.gross_wan):
            yield ctx.finding(
                "I-ARITH", "error", f"{row.id}：税额 {inv.tax_wan} 万元不在 0 与价税合计之间",
                base + ("invoice", "tax_wan"), clause="arithmetic", document="investment_detail",
            )
        gross = inv.gross_wan if inv.gross_wan is not None else row.amount_wan
        if row.payment.amount_wan is not None and gross is not None and row.payment.amount_wan > gross + TOLERANCE:
            yield ctx.finding(
                "I-ARITH", "error",
                f"{row.id}：已付款 {row.payment.amount_wan} 万元大于发票金额 {gross} 万元",
                base + ("payment", "amount_wan"), clause="arithmetic", document="investment_detail",
            )
        if row.contract.amount_wan is not None and row.amount_wan is not None and row.amount_wan > row.contract.amount_wan + TOLERANCE:
            yield ctx.finding(
                "I-ARITH", "warning",
                f"{row.id}：明细金额 {row.amount_wan} 万元大于合同金额 {row.contract.amount_wan} 万元",
                base + ("amount_wan",), clause="arithmetic", document="investment_detail",
            )
        if row.amount_wan is not None and row.amount_wan <= 0:
            yield ctx.finding("I-ARITH", "error", f"{row.id}：金额应大于 0", base + ("amount_wan",), document="investment_detail")


def identifiers(ctx: RuleContext) -> Iterator[Finding]:
    seen_ids: dict[str, int] = {}
    invoices: dict[str, list[int]] = defaultdict(list)
    for i, row in enumerate(ctx.app.investments):
        if row.id:
            if row.id in seen_ids:
                yield ctx.finding(
                    "I-DUPLICATE-ID", "error", f"编号“{row.id}”重复（第 {seen_ids[row.id] + 1} 行已使用）",
                    ("investments", i, "id"), document="investment_detail",
                )
            seen_ids.setdefault(row.id, i)
        if row.invoice.number:
            invoices[row.invoice.number.strip()].append(i)
        if row.supplier_uscc:
            problem = uscc_problem(row.supplier_uscc)
            if problem:
                yield ctx.finding(
                    "I-SUPPLIER-USCC", "error", f"{row.id}：供应商统一社会信用代码 {row.supplier_uscc} 无效：{problem}",
                    ("investments", i, "supplier_uscc"), clause="uscc", document="investment_detail",
                )
    for number, rows in invoices.items():
        if len(rows) > 1:
            ids = "、".join(ctx.app.investments[r].id or str(r + 1) for r in rows)
            for r in rows[1:]:
                yield ctx.finding(
                    "I-DUPLICATE-INVOICE", "error", f"发票号码 {number} 在 {ids} 中重复出现，同一张发票不能重复计入",
                    ("investments", r, "invoice", "number"), clause="arithmetic", document="investment_detail",
                )


def related_and_second_hand(ctx: RuleContext) -> Iterator[Finding]:
    own = (ctx.app.enterprise.uscc or "").strip().upper()
    related = {r.strip().upper() for r in ctx.app.enterprise.related_parties} | ({own} if own else set())
    for i, row in enumerate(ctx.app.investments):
        if row.supplier_uscc and row.supplier_uscc.strip().upper() in related:
            yield ctx.finding(
                "I-RELATED", "warning", f"{row.id}：供应商为申报企业本身或其关联方，关联交易投资可能不予认定",
                ("investments", i, "supplier_uscc"), clause="related_party", document="investment_detail",
            )
        if row.second_hand:
            yield ctx.finding(
                "I-SECOND-HAND", "warning", f"{row.id}：二手设备投资可能不予认定",
                ("investments", i, "second_hand"), clause="related_party", document="investment_detail",
            )
        fig = ctx.figures.rows[i]
        if fig.non_productive_mark and row.productive:
            excluded = ctx.figures.readings.non_productive == "exclude"
            verdict = "已按设置（settings.non_productive: exclude）不计入合计" if excluded else "目前计入合计"
            yield ctx.finding(
                "I-NON-PRODUCTIVE-KIND", "info" if excluded else "warning",
                f"{row.id}：{fig.non_productive_mark}，看起来是土建、装修、安装工程或服务，而不是生产性设备，{verdict}"
                + ("" if excluded else "；审核时可能被剔除（设置 settings.non_productive: exclude 可按不计入口径复核）"),
                ("investments", i), clause="productive", document="investment_detail",
            )
        if not row.productive:
            yield ctx.finding(
                "I-NON-PRODUCTIVE", "info", f"{row.id}：标为非生产性（productive: false），不计入合计",
                ("investments", i, "productive"), clause="investment", document="investment_detail",
            )


RULES = [categories, window, threshold, rd_share, arithmetic, identifiers, related_and_second_hand]
