"""Checklist reminders that no data can prove: copies, seals, deadline, district step (V13–V15, V21)."""

from __future__ import annotations

from collections.abc import Iterator

from dossier.rules.context import RuleContext
from dossier.util.findings import Finding
from dossier.util.formats import fmt_date


def reminders(ctx: RuleContext) -> Iterator[Finding]:
    raw = ctx.programme.raw
    deadline = raw["district_deadline"]
    yield ctx.finding(
        "C-BINDING", "info",
        f"申报资料装订成册，封面加盖企业公章，整本加盖骑缝章，一式 {raw['copies']} 份（每份都要盖章）",
        clause="binding",
    )
    yield ctx.finding(
        "C-DEADLINE", "info",
        f"区经信部门须于 {fmt_date(deadline)} 前完成核查推荐；企业报区的时间以区经信部门通知为准，请按更早的日期准备",
        clause="deadline",
    )
    if ctx.application_date > deadline:
        yield ctx.finding(
            "C-LATE", "warning", f"申报日期 {fmt_date(ctx.application_date)} 已晚于 {fmt_date(deadline)}",
            ("settings", "application_date"), clause="deadline",
        )
    yield ctx.finding(
        "C-DISTRICT", "info", "申报表留有区经信部门审核意见栏，由区经信部门填写盖章并正式行文报市经信局", clause="district", document="application_form"
    )


def operations(ctx: RuleContext) -> Iterator[Finding]:
    ops = ctx.app.operations
    r = ops.ranking
    if r.rank is not None and r.peers is not None and r.rank > r.peers:
        yield ctx.finding(
            "O-RANKING", "error", f"排名第 {r.rank} 位大于参与排名的企业数 {r.peers}", ("operations", "ranking", "rank"),
            clause="materials_7", item=7,
        )
    if not ops.years:
        yield ctx.finding(
            "O-YEARS", "error", "生产经营情况说明须至少填写近两个年度的经营数据（operations.years）", ("operations",),
            clause="materials_7", item=7,
        )


RULES = [reminders, operations]
