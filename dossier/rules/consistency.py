"""Consistency between attachments (V16, V17): scenarios ↔ systems, equipment, investments and
indicators; systems ↔ investments; the equipment indicators of the chosen type."""

from __future__ import annotations

from collections.abc import Iterator

from dossier.rules.context import RuleContext
from dossier.util.findings import Finding

SOFTWARE_CATEGORIES = {"industrial_software", "it_hardware"}


def _ids(rows) -> set[str]:
    return {r.id for r in rows if r.id}


def scenarios(ctx: RuleContext) -> Iterator[Finding]:
    att = ctx.attachment("scenario_selftest")
    system_ids = _ids(ctx.app.systems)
    system_types = {s.id: (ctx.programme.system_types.find(s.type).key if ctx.programme.system_types.find(s.type) else s.type) for s in ctx.app.systems}
    all_types = {t for t in system_types.values() if t}
    equipment_ids = _ids(ctx.app.equipment.ledger)
    investment_ids = _ids(ctx.app.investments)
    indicator_keys = {f.key for f in ctx.figures.indicators}
    seen: dict[str, int] = {}
    for i, sc in enumerate(ctx.app.scenarios):
        path = ("scenarios", i)
        entry = ctx.programme.scenarios.find(sc.code)
        if entry is None:
            if sc.code:
                yield ctx.finding(
                    "S-UNKNOWN", "error", f"场景“{sc.code}”不在《{ctx.programme.wording('scenario_guide')}》目录中（填写编号如 SC09 或场景名称）",
                    path + ("code",), clause="materials_3", attachment=att,
                )
            continue
        if entry.key in seen:
            yield ctx.finding("S-DUPLICATE", "error", f"场景“{entry.label}”重复填写", path + ("code",), attachment=att)
        seen.setdefault(entry.key, i)
        for name, refs, known, label in (
            ("systems", sc.systems, system_ids, f"附件{ctx.attachment('systems_list')} 系统"),
            ("equipment", sc.equipment, equipment_ids, "装备台账"),
            ("investments", sc.investments, investment_ids, f"附件{ctx.attachment('investment_detail')} 投资"),
        ):
            for j, ref in enumerate(refs):
                if ref not in known:
                    yield ctx.finding(
                        "S-REF", "error", f"场景“{entry.label}”引用的{label}编号“{ref}”不存在",
                        path + (name, j), clause="consistency", attachment=att,
                    )
        for j, key in enumerate(sc.indicators):
            found = ctx.programme.indicators.find(key)
            if (found.key if found else key) not in indicator_keys:
                yield ctx.finding(
                    "S-REF", "error", f"场景“{entry.label}”引用的成效指标“{key}”不在重点指标表中",
                    path + ("indicators", j), clause="consistency", attachment=att,
                )
        if sc.implemented != "yes":
            continue
        if not sc.systems and not sc.equipment:
            yield ctx.finding(
                "S-UNSUPPORTED", "warning", f"已建场景“{entry.label}”没有关联任何系统或装备", path, clause="consistency", attachment=att
            )
        if not sc.indicators:
            yield ctx.finding(
                "S-NO-KPI", "warning", f"已建场景“{entry.label}”没有关联成效指标", path, clause="consistency", attachment=att
            )
        if not sc.description:
            yield ctx.finding("S-NO-TEXT", "warning", f"已建场景“{entry.label}”缺少建设内容简述", path, attachment=att)
        groups = entry.get("requires") or []
        if groups and not any(all(t in all_types for t in group) for group in groups):
            need = " 或 ".join("+".join(g) for g in groups)
            yield ctx.finding(
                "S-SYSTEMS", "warning", f"声明已建“{entry.label}”，但附件{ctx.attachment('systems_list')} 中没有 {need} 类系统",
                path, clause="consistency", attachment=att,
            )
        if ctx.mtype and entry.get(ctx.mtype) == "possible":
            yield ctx.finding(
                "S-TYPE", "info", f"场景“{entry.label}”主要适用于另一类型，{ctx.programme.type_label(ctx.mtype)}企业请写清楚应用方式",
                path, attachment=att,
            )


def systems(ctx: RuleContext) -> Iterator[Finding]:
    investment_ids = _ids(ctx.app.investments)
    system_ids = _ids(ctx.app.systems)
    referenced: set[str] = set()
    seen: set[str] = set()
    for i, s in enumerate(ctx.app.systems):
        path = ("systems", i)
        if s.id in seen:
            yield ctx.finding("Y-DUPLICATE-ID", "error", f"系统编号“{s.id}”重复", path + ("id",), document="systems_list")
        seen.add(s.id or "")
        if s.type and ctx.programme.system_types.find(s.type) is None:
            yield ctx.finding(
                "Y-TYPE", "warning", f"系统类型“{s.type}”不在目录中，将按“其他”归类", path + ("type",), document="systems_list"
            )
        for j, ref in enumerate(s.investments):
            referenced.add(ref)
            if ref not in investment_ids:
                yield ctx.finding(
                    "Y-REF", "error", f"系统“{s.name}”引用的附件{ctx.attachment('investment_detail')} 编号“{ref}”不存在", path + ("investments", j), clause="consistency", document="systems_list"
                )
        for j, ref in enumerate(s.integrates_with):
            if ref not in system_ids:
                yield ctx.finding(
                    "Y-REF", "error", f"系统“{s.name}”集成的系统编号“{ref}”不存在", path + ("integrates_with", j), document="systems_list"
                )
        if s.status in ("new", "upgraded") and not s.investments:
            yield ctx.finding(
                "Y-NO-INVESTMENT", "warning", f"本项目{'新建' if s.status == 'new' else '升级'}的系统“{s.name}”没有对应附件{ctx.attachment('investment_detail')} 的投资行",
                path, clause="consistency", document="systems_list",
            )
    for i, row in enumerate(ctx.app.investments):
        entry = ctx.programme.investment_categories.find(row.category)
        if entry and entry.key in SOFTWARE_CATEGORIES and row.id not in referenced:
            yield ctx.finding(
                "I-NO-SYSTEM", "warning", f"{row.id}：{entry.label}投资没有出现在附件{ctx.attachment('systems_list')} 任何新建或升级系统的关联投资中",
                ("investments", i), clause="consistency", document="investment_detail",
            )


def equipment(ctx: RuleContext) -> Iterator[Finding]:
    mtype = ctx.mtype
    if not mtype:
        return
    att = ctx.attachment("equipment_indicators")
    counts = ctx.app.equipment.counts
    other = "process" if mtype == "discrete" else "discrete"
    for entry in ctx.programme.equipment_counts:
        types = entry.get("types", [])
        if mtype in types and counts.get(entry.key) is None:
            yield ctx.finding(
                "Q-COUNT-MISSING", "error", f"附件{att} 缺少“{entry.label}”（equipment.counts.{entry.key}）",
                ("equipment", "counts", entry.key), clause="materials_6", attachment=att,
            )
        elif entry.key in counts and mtype not in types and other in types:
            yield ctx.finding(
                "Q-COUNT-TYPE", "warning", f"“{entry.label}”属于{ctx.programme.type_label(other)}的装备指标，本表不使用",
                ("equipment", "counts", entry.key), attachment=att,
            )
    for key in counts:
        if ctx.programme.equipment_counts.find(key) is None:
            yield ctx.finding(
                "Q-COUNT-UNKNOWN", "error", f"未知的装备基础数“{key}”", ("equipment", "counts", key), attachment=att
            )
        elif counts[key] is not None and counts[key] < 0:
            yield ctx.finding("Q-COUNT-NEGATIVE", "error", f"“{key}”不能为负数", ("equipment", "counts", key), attachment=att)
    for rate in ctx.figures.rates:
        if rate.value is None:
            continue
        if rate.unit == "%" and rate.value > 100:
            yield ctx.finding(
                "Q-RATE-RANGE", "error", f"{rate.label}为 {rate.value}%，超过 100%：分子不能大于分母（{rate.formula}）",
                ("equipment", "counts"), clause="plausibility", attachment=att,
            )
        if rate.minimum is not None and rate.value < rate.minimum:
            yield ctx.finding(
                "Q-RATE-LOW", "warning", f"{rate.label}为 {rate.value}%，低于{rate.minimum_source}的 {rate.minimum}%",
                ("equipment", "counts"), attachment=att,
            )
    investment_ids = _ids(ctx.app.investments)
    for i, item in enumerate(ctx.app.equipment.ledger):
        if item.investment and item.investment not in investment_ids:
            yield ctx.finding(
                "Q-REF", "error", f"装备台账“{item.name}”对应的附件{ctx.attachment('investment_detail')} 编号“{item.investment}”不存在",
                ("equipment", "ledger", i, "investment"), clause="consistency", attachment=att,
            )


RULES = [scenarios, systems, equipment]
