"""Project dates: completed and in production at application time (V4)."""

from __future__ import annotations

from collections.abc import Iterator

from dossier.rules.context import RuleContext
from dossier.util.findings import Finding
from dossier.util.formats import fmt_date


def completion(ctx: RuleContext) -> Iterator[Finding]:
    p = ctx.app.project
    applied = ctx.application_date
    if p.commissioning_date and p.commissioning_date > applied:
        yield ctx.finding(
            "P-NOT-COMMISSIONED",
            "error",
            f"竣工投产日期 {fmt_date(p.commissioning_date)} 晚于申报日期 {fmt_date(applied)}：申报时项目须已完工投产并取得实效",
            ("project", "commissioning_date"),
            clause="investment",
            document="application_form",
        )
    if p.construction_start and p.construction_end and p.construction_start > p.construction_end:
        yield ctx.finding(
            "P-DATES",
            "error",
            f"建设开始日期 {fmt_date(p.construction_start)} 晚于建设完成日期 {fmt_date(p.construction_end)}",
            ("project", "construction_start"),
            document="application_form",
        )
    if p.construction_end and p.commissioning_date and p.commissioning_date < p.construction_end:
        yield ctx.finding(
            "P-DATES",
            "warning",
            f"竣工投产日期 {fmt_date(p.commissioning_date)} 早于建设完成日期 {fmt_date(p.construction_end)}，请核对",
            ("project", "commissioning_date"),
            document="application_form",
        )


def total_investment(ctx: RuleContext) -> Iterator[Finding]:
    total = ctx.app.project.total_investment_wan
    if total is not None and total < ctx.figures.qualifying_total_gross:
        yield ctx.finding(
            "P-TOTAL",
            "warning",
            f"项目总投资 {total} 万元小于附件{ctx.attachment('investment_detail')} 计入的投资合计 {ctx.figures.qualifying_total_gross:.2f} 万元，请核对",
            ("project", "total_investment_wan"),
            clause="consistency",
            document="application_form",
        )


RULES = [completion, total_investment]
