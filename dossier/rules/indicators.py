"""Key indicators, attachments 2 / 4: the core indicators present, change rates computable, the
after-period later than commissioning (V4), plausibility (V20)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from dossier.rules.context import RuleContext
from dossier.util.findings import Finding
from dossier.util.formats import fmt_date, parse_period

HUNDRED = Decimal(100)


def catalogue_and_core(ctx: RuleContext) -> Iterator[Finding]:
    att = ctx.attachment("kpi_selftest")
    present = set()
    for i, ind in enumerate(ctx.app.indicators):
        entry = ctx.programme.indicators.find(ind.key)
        if entry is None and ind.key:
            if not (ind.name and ind.unit is not None and ind.direction and ind.formula):
                yield ctx.finding(
                    "K-UNKNOWN", "error",
                    f"指标“{ind.key}”不在指标目录中；自定义指标须同时填写 name、unit、direction 和 formula",
                    ("indicators", i, "key"), clause="materials_3", attachment=att,
                )
            continue
        if entry is None:
            continue
        present.add(entry.key)
        if ctx.mtype and ctx.mtype not in entry.get("types", []):
            yield ctx.finding(
                "K-TYPE", "warning", f"指标“{entry.label}”一般不用于{ctx.programme.type_label(ctx.mtype)}",
                ("indicators", i, "key"), attachment=att,
            )
    if ctx.mtype and ctx.app.indicators:
        for entry in ctx.programme.indicators:
            if ctx.mtype in entry.get("core", []) and entry.key not in present:
                yield ctx.finding(
                    "K-CORE-MISSING", "error", f"缺少核心指标“{entry.label}”", ("indicators",), clause="materials_3", attachment=att
                )


def rates(ctx: RuleContext) -> Iterator[Finding]:
    att = ctx.attachment("kpi_selftest")
    for fig in ctx.figures.indicators:
        path = ("indicators", fig.index)
        if fig.baseline is not None and fig.baseline == 0 and fig.current is not None:
            yield ctx.finding(
                "K-ZERO-BASELINE", "error", f"“{fig.name}”改造前值为 0，无法计算变化率；请换用可计算的口径",
                path + ("baseline",), attachment=att,
            )
        if fig.is_ratio:
            for name, value in (("baseline", fig.baseline), ("current", fig.current)):
                if value is not None and not (0 <= value <= 100):
                    yield ctx.finding(
                        "K-RATIO-RANGE", "error", f"“{fig.name}”是比率指标，数值 {value} 应在 0–100（%）之间",
                        path + (name,), clause="plausibility", attachment=att,
                    )
        if fig.change_rate is None:
            continue
        if fig.change_rate < 0:
            yield ctx.finding(
                "K-WORSE", "warning", f"“{fig.name}”改造后变差（变化率 {fig.change_rate}%），与“取得实效”不符，请核对数据或方向",
                path, clause="investment", attachment=att,
            )
        if fig.direction == "lower_better" and fig.change_rate >= 100:
            yield ctx.finding(
                "K-IMPLAUSIBLE", "warning", f"“{fig.name}”降低 {fig.change_rate}%，达到或超过 100%，请复核",
                path, clause="plausibility", attachment=att,
            )
        elif fig.reference is not None and fig.change_rate > fig.reference * 3:
            yield ctx.finding(
                "K-IMPLAUSIBLE", "warning",
                f"“{fig.name}”改善 {fig.change_rate}%，超过全国卓越级智能工厂平均水平（{fig.reference}%）的 3 倍，评审时可能被重点核查",
                path, clause="plausibility", attachment=att,
            )


def periods(ctx: RuleContext) -> Iterator[Finding]:
    att = ctx.attachment("kpi_selftest")
    commissioning = ctx.app.project.commissioning_date
    early = []
    for i, ind in enumerate(ctx.app.indicators):
        before = parse_period(ind.baseline_period)
        after = parse_period(ind.current_period)
        for name, text, parsed in (("baseline_period", ind.baseline_period, before), ("current_period", ind.current_period, after)):
            if text and parsed is None:
                yield ctx.finding(
                    "K-PERIOD", "warning",
                    f"统计期“{text}”无法识别，建议写成“2023年”“2025年1-9月”或“2024-10-01..2025-09-30”",
                    ("indicators", i, name), attachment=att,
                )
        if after and commissioning and after[0] < commissioning:
            early.append((i, ind))
        if before and after and before[1] >= after[0]:
            yield ctx.finding(
                "K-PERIOD-ORDER", "error", "改造前统计期应早于改造后统计期",
                ("indicators", i, "baseline_period"), attachment=att,
            )
        start = ctx.app.project.construction_start
        if before and start and before[0] > start:
            yield ctx.finding(
                "K-PERIOD-BEFORE", "warning",
                f"改造前统计期（{ind.baseline_period}）开始于建设开始日期 {fmt_date(start)} 之后，可能已受改造影响",
                ("indicators", i, "baseline_period"), attachment=att,
            )
    if len(early) == 1:
        i, ind = early[0]
        yield ctx.finding(
            "K-PERIOD-AFTER", "error",
            f"改造后统计期（{ind.current_period}）应晚于竣工投产日期 {fmt_date(commissioning)}",
            ("indicators", i, "current_period"), clause="investment", attachment=att,
        )
    elif early:
        # One cause, one finding: a late 竣工投产日期 (or early periods) affects every indicator at once.
        names = "、".join(ctx.figures.indicators[i].name for i, _ in early)
        yield ctx.finding(
            "K-PERIOD-AFTER", "error",
            f"改造后统计期早于竣工投产日期 {fmt_date(commissioning)}，影响 {len(early)} 项指标（{names}）："
            "请核对竣工投产日期，或把这些指标的改造后统计期改到投产之后",
            ("project", "commissioning_date"), clause="investment", attachment=att,
        )


RULES = [catalogue_and_core, rates, periods]
