"""Documents as data: Application + Programme + Figures → one plain dict per document.

Every value a template prints is already a Chinese string here: 万元 with two decimals
(:func:`~dossier.util.formats.fmt_wan`), dates as 2025年9月30日, 大写 amounts, catalogue labels instead of
YAML keys (``yes`` → 是, ``on_premise`` → 本地部署, ``optoelectronics`` → 光电子信息). Derived numbers
(totals, change rates, equipment rates, ratios) are read from :class:`~dossier.application.figures.Figures` and
never recomputed. Templates therefore contain no logic beyond loops, so a district's own forms can
replace them without touching code.

An empty value prints as :data:`BLANK` (an optional field left out) or :data:`MISSING` (a required
field not filled in — only possible in a draft built with ``--force``), never as an empty cell.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import PurePosixPath
from typing import Any

from dossier.application import narrative
from dossier.application.figures import DATE_LABEL, Figures, IndicatorFigures, RateFigures, RowFigures, pct
from dossier.application.model import Application
from dossier.application.programme import Programme
from dossier.util.errors import InputError
from dossier.util.formats import daxie_yuan, fmt_date, fmt_percent, fmt_unit_price, fmt_wan, wan, word_count

BLANK = "—"
MISSING = "（未填写）"
DATE_TO_FILL = "　　年　　月　　日"
NUMERALS = "一二三四五六七八九十"

IMPLEMENTED = {"yes": "是", "partial": "部分", "no": "否"}
DEPLOYMENT = {"on_premise": "本地部署", "private_cloud": "私有云", "public_cloud": "公有云（SaaS）", "hybrid": "混合部署"}
STATUS = {"new": "本项目新建", "upgraded": "本项目升级", "existing": "原有"}
ORIGIN = {"domestic": "国产", "imported": "进口"}
LEGAL_ENTITY = {"independent": "独立法人", "non_independent": "非独立法人"}


@dataclass(frozen=True)
class DocumentSpec:
    """One generated document: its template, its place in the materials list, its attachment number."""

    name: str  # template name without .docx, also the output file stem
    item: int  # 资料清单 item 1–9
    attachment: int | None  # 附件 1–9, None for documents that are not an attachment form
    title: str


def document_specs(programme: Programme, mtype: str) -> list[DocumentSpec]:
    """The documents of a ``discrete`` or ``process`` application, in binding order.

    Which documents, their 资料清单 items, 附件 numbers and titles are the programme's ``documents``
    (:meth:`~dossier.application.programme.Programme.documents_for`); for 2025 the attachments are 离散型 1, 2, 3,
    6, 7, 8 and 流程型 1, 4, 5, 6, 7, 9.
    """
    return [DocumentSpec(d["name"], d["item"], d["attachment"], d["title"]) for d in programme.documents_for(mtype)]


# ---------------------------------------------------------------- small formatters


def text(value: Any, default: str = BLANK) -> str:
    if value is None:
        return default
    s = str(value).strip()
    return s if s else default


def need(value: Any) -> str:
    """A required value: prints 未填写 when missing (only a ``--force`` draft gets that far)."""
    return text(value, MISSING)


def yes_no(value: bool | None, yes: str = "是", no: str = "否", default: str = MISSING) -> str:
    if value is None:
        return default
    return yes if value else no


def money(value: Decimal | None, default: str = BLANK) -> str:
    return default if value is None else fmt_wan(value)


def number(value: Decimal | int | None, default: str = BLANK) -> str:
    """A measured value as written (``12.50`` stays ``12.50``), never in exponent form."""
    if value is None:
        return default
    if isinstance(value, Decimal):
        s = format(value, "f")
        return s
    return str(value)


def date(value: dt.date | None, default: str = BLANK) -> str:
    return fmt_date(value) if value else default


def paragraphs(value: str | None) -> list[str]:
    """Text from YAML split into paragraphs (one per non-empty line); a missing text is one 未填写."""
    if not value or not value.strip():
        return [MISSING]
    return [line.strip() for line in value.splitlines() if line.strip()]


def joined(values: list[str], sep: str = "、", default: str = BLANK) -> str:
    items = [v for v in values if v]
    return sep.join(items) if items else default


def file_label(rel: str) -> str:
    """``evidence/合同/HT-01 五轴.pdf`` → ``HT-01 五轴``: what a reviewer needs to find the page."""
    return PurePosixPath(rel.replace("\\", "/")).stem


def two(value: Decimal) -> str:
    return format(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), "f")


# ---------------------------------------------------------------- derived-figure phrases


def change_text(ind: IndicatorFigures) -> str:
    """``提升 22.30%`` / ``降低 50.00%（−1.00 个百分点）``: the relative change, as Figures computed it."""
    if ind.change_rate is None:
        return BLANK
    rate = ind.change_rate
    if ind.direction == "lower_better":
        word = ind.decrease_word if rate >= 0 else ("延长" if ind.decrease_word == "缩短" else "上升")
    else:
        word = "提升" if rate >= 0 else "下降"
    out = f"{word}{fmt_percent(abs(rate))}"
    if ind.is_ratio and ind.absolute_change is not None:
        sign = "+" if ind.absolute_change > 0 else ("−" if ind.absolute_change < 0 else "")
        out += f"\n（{sign}{two(abs(ind.absolute_change))}个百分点）"
    return out


def rate_value(rate: RateFigures) -> str:
    if rate.value is None:
        return BLANK
    return f"{two(rate.value)}%" if rate.unit == "%" else f"{two(rate.value)} {rate.unit}"


# ---------------------------------------------------------------- the contexts


def base_context(app: Application, programme: Programme, figures: Figures, draft: bool) -> dict[str, Any]:
    """What every document may print: enterprise, project, programme, dates, the draft mark."""
    e, p, c = app.enterprise, app.project, app.enterprise.contact
    district = programme.districts.find(e.district)
    industry = programme.industries.find(e.key_industry)
    awards = e.awards
    award, demonstration = programme.wording("award"), programme.wording("demonstration")
    if awards.benchmark_year:
        award_text = f"{awards.benchmark_year}年获评{award}"
    elif awards.demonstration_this_year:
        award_text = f"当年度已获评{demonstration}"
    else:
        award_text = f"往年度未获评{award}，当年度未获评{demonstration}"
    if awards.note:
        award_text += f"（{awards.note}）"
    start, end = programme.window_start, programme.window_end
    return {
        "draft": draft,
        "programme": {
            "title": programme.title,
            "issuer": programme.raw.get("issuer", ""),
            "notice": programme.raw.get("notice", ""),
            "window": f"{fmt_date(start)}至{fmt_date(end)}",
            "threshold": fmt_wan(programme.threshold_wan),
            "city": programme.wording("city"),
            "guidance_catalogue": programme.wording("guidance_catalogue"),
            "scenario_guide": programme.wording("scenario_guide"),
            "summary_chars": str(programme.media["summary"]["max_chars"]),
            # The investment table's 附件 number, as the programme numbers it (2025: 附件6).
            "investment_form": f"附件{programme.attachment_of('investment_detail', app.type)}",
        },
        "type_label": programme.type_label(app.type) if app.type else MISSING,
        "filled_date": date(app.settings.application_date, DATE_TO_FILL),
        "enterprise": {
            "name": need(e.name),
            "uscc": need(e.uscc),
            "registered_address": need(e.registered_address),
            "district": district.label if district else need(e.district),
            "legal_entity": LEGAL_ENTITY.get(e.legal_entity or "", MISSING),
            "prior_year_output": money(e.prior_year_output_wan),
            "pays_tax_in_wuhan": yes_no(e.pays_tax_in_wuhan, default=BLANK),
            "above_designated_size": yes_no(e.above_designated_size),
            "key_industry": industry.label if industry else need(e.key_industry),
            "nic_code": text(e.nic_code),
            "ownership": text(e.ownership),
            "founded": date(e.founded),
            "registered_capital": money(e.registered_capital_wan),
            "legal_rep": need(e.legal_rep),
            "contact_name": need(c.name),
            "contact_title": need(c.title),
            "contact_mobile": need(c.mobile),
            "contact_email": need(c.email),
            "contact_phone": text(c.phone),
            "revenue": money(e.revenue_prev_year_wan, MISSING),
            "output": money(e.output_prev_year_wan, MISSING),
            "profit": money(e.profit_prev_year_wan),
            "tax": money(e.tax_prev_year_wan),
            "employees": number(e.employees, MISSING),
            "main_products": need(e.main_products),
            "major_incident": yes_no(e.no_major_incident_2y, yes="无", no="有"),
            "awards": award_text,
        },
        "project": {
            "name": need(p.name),
            "factory_name": need(p.factory_name),
            "factory_address": need(p.factory_address),
            "construction_start": date(p.construction_start, MISSING),
            "construction_end": date(p.construction_end, MISSING),
            "commissioning_date": date(p.commissioning_date, MISSING),
            "filing_code": text(p.filing_code),
            "in_stats": yes_no(p.in_stats),
            "stats_project_code": text(p.stats_project_code),
            "guidance_catalog_item": need(p.guidance_catalog_item),
            "total_investment": money(p.total_investment_wan, MISSING),
            "summary": need(narrative.render(p.summary, figures)),
        },
    }


def totals_context(figures: Figures) -> dict[str, str]:
    return {
        "equipment": fmt_wan(figures.equipment_total),
        "rd": fmt_wan(figures.rd_total),
        "total": fmt_wan(figures.qualifying_total),
        "total_daxie": daxie_yuan(figures.qualifying_total),
        "total_gross": fmt_wan(figures.qualifying_total_gross),
        "total_net": money(figures.qualifying_total_net),
        "rd_ratio": fmt_percent(figures.rd_ratio),
        "reading": figures.readings.describe(),
        "basis": "含税" if figures.readings.amount_basis == "gross" else "不含税",
    }


def indicator_rows(app: Application, figures: Figures) -> list[dict[str, str]]:
    rows = []
    for ind, src in zip(figures.indicators, app.indicators, strict=True):
        rows.append(
            {
                "seq": str(ind.index + 1),
                "category": text(ind.category),
                "name": need(ind.name) + ("★" if ind.core else ""),
                "formula": text(ind.formula),
                "unit": text(ind.unit),
                "direction": "越低越好" if ind.direction == "lower_better" else "越高越好",
                "baseline": number(ind.baseline, MISSING),
                "baseline_period": need(src.baseline_period),
                "current": number(ind.current, MISSING),
                "current_period": need(src.current_period),
                "change": change_text(ind),
                "source": text(src.data_source),
                "source_evidence": joined([text(src.data_source, ""), *(file_label(f) for f in src.evidence)], "\n"),
                "evidence": joined([file_label(f) for f in src.evidence], "\n"),
                "note": text(src.note),
            }
        )
    return rows


def _names_by_id(items: list[Any]) -> dict[str, str]:
    return {i.id: i.name for i in items if i.id and i.name}


def scenario_investments(app: Application, programme: Programme, figures: Figures) -> dict[str, Decimal]:
    """Per scenario (catalogue key), the 计入金额 of the 附件6 rows linked to it — from either side
    (``scenarios[].investments`` or ``investments[].scenarios``). Each row counts once overall: for
    the first scenario, in the form's order, that names it."""
    counted = {inv.id: fig.counted for inv, fig in zip(app.investments, figures.rows, strict=True) if inv.id}
    links: dict[str, list[str]] = {}
    for sc in app.scenarios:
        entry = programme.scenarios.find(sc.code)
        if entry is not None:
            links.setdefault(entry.key, []).extend(sc.investments)
    for inv in app.investments:
        for code in inv.scenarios:
            entry = programme.scenarios.find(code)
            if entry is not None and inv.id:
                links.setdefault(entry.key, []).append(inv.id)
    used: set[str] = set()
    out: dict[str, Decimal] = {}
    for entry in programme.scenarios:
        total = Decimal(0)
        for rid in links.get(entry.key, []):
            if rid in counted and rid not in used:
                used.add(rid)
                total += counted[rid]
        if entry.key in links:
            out[entry.key] = total
    return out


def scenario_rows(app: Application, programme: Programme, figures: Figures) -> list[dict[str, str]]:
    """The type's whole scenario catalogue, in catalogue order: the declared ones with what was
    declared, the others as 否 (a self-test form answers every line)."""
    mtype = app.type or "discrete"
    equipment = _names_by_id(app.equipment.ledger)
    systems = _names_by_id(app.systems)
    indicators = {ind.key: ind for ind in figures.indicators}
    amounts = scenario_investments(app, programme, figures)
    declared = {}
    unknown = []
    for sc in app.scenarios:
        entry = programme.scenarios.find(sc.code)
        if entry is None:
            unknown.append(sc)
        else:
            declared.setdefault(entry.key, sc)
    rows = []

    def row(entry, sc) -> dict[str, str]:
        effects = []
        for key in sc.indicators if sc else []:
            ind = indicators.get(key) or next((x for x in figures.indicators if x.name == key), None)
            effects.append(f"{ind.name}{change_text(ind)}" if ind else key)
        key = entry.key if entry else None
        return {
            "seq": str(len(rows) + 1),
            "stage": entry.get("stage", BLANK) if entry else BLANK,
            "code": entry.key if entry else need(sc.code),
            "name": entry.label if entry else need(sc.code),
            "implemented": IMPLEMENTED.get(sc.implemented or "", MISSING) if sc else "否",
            "description": text(narrative.render(sc.description, figures)) if sc else BLANK,
            "equipment": joined([equipment.get(x, x) for x in sc.equipment]) if sc else BLANK,
            "systems": joined([systems.get(x, x) for x in sc.systems]) if sc else BLANK,
            "equipment_systems": joined(
                [
                    "装备：" + "、".join(equipment.get(x, x) for x in sc.equipment) if sc and sc.equipment else "",
                    "系统：" + "、".join(systems.get(x, x) for x in sc.systems) if sc and sc.systems else "",
                ],
                "\n",
            ),
            "technologies": joined(sc.technologies) if sc else BLANK,
            "go_live": date(sc.go_live) if sc else BLANK,
            "effects": joined(effects, "；"),
            "self_level": text(sc.self_level) if sc else BLANK,
            "evidence": joined([file_label(f) for f in sc.evidence], "\n") if sc else BLANK,
            "investment": fmt_wan(amounts[key]) if key in amounts else BLANK,
        }

    for entry in programme.scenarios:
        sc = declared.get(entry.key)
        if sc is None and entry.get(mtype) is None:
            continue  # not a scenario of this type
        rows.append(row(entry, sc))
    for sc in unknown:
        rows.append(row(None, sc))
    return rows


def _counted_text(row: RowFigures) -> str:
    return fmt_wan(row.counted) if row.counted else "0.00"


def remark(inv, fig: RowFigures) -> str:
    """备注: why a row counts less than its amount (window, category, non-productive, unpaid part), then the user's note."""
    reasons = []
    if fig.group is None:
        reasons.append("类别不计入合计")
    elif not inv.productive:
        reasons.append("非生产性，不计入")
    elif not fig.in_window:
        day = f"{fmt_date(fig.window_date)}" if fig.window_date else "未填写"
        reasons.append(f"{DATE_LABEL[fig.window_basis]}{day}在窗口期外，不计入")
    if fig.non_productive_mark:
        counted = "不计入" if not fig.counted else "已计入，可能被认定为非生产性"
        reasons.append(f"{fig.non_productive_mark}，{counted}")
    paid = inv.payment.amount_wan
    if fig.counted and paid is not None and fig.gross is not None and paid < fig.gross:
        # From the two figures as printed: a payment of 461.605 prints 461.61, and the unpaid part
        # must be 24.29 beside 485.90, not the 24.30 that rounding 24.295 gives.
        reasons.append(f"已付款{fmt_wan(paid)}，未付{fmt_wan(wan(fig.gross) - wan(paid))}")
    if inv.note:
        reasons.append(inv.note.strip())
    return "；".join(reasons) if reasons else BLANK


def investment_rows(app: Application, programme: Programme, figures: Figures) -> tuple[list[dict], list[dict]]:
    equipment, rd = [], []
    for inv, fig in zip(app.investments, figures.rows, strict=True):
        common = {
            "id": need(inv.id),
            "category": text(fig.category_label, MISSING),
            "name": need(inv.name),
            "amount": money(inv.amount_wan, MISSING),
            "counted": _counted_text(fig),
            "note": text(inv.note),
            "remark": remark(inv, fig),
            "invoice": joined([text(inv.invoice.number, ""), date(inv.invoice.date, "")], "\n"),
        }
        if fig.group == "rd":
            subject = programme.rd_subjects.find(inv.rd_subject)
            rd.append(
                {
                    **common,
                    "seq": str(len(rd) + 1),
                    "rd_project": text(inv.rd_project),
                    "rd_subject": subject.label if subject else text(inv.rd_subject),
                    "payment": joined([text(inv.payment.voucher_no, ""), date(inv.payment.date, "")], "\n"),
                    "scenarios": joined([_scenario_name(programme, s) for s in inv.scenarios]),
                }
            )
        else:
            qty = number(inv.quantity, "")
            equipment.append(
                {
                    **common,
                    "seq": str(len(equipment) + 1),
                    "model": text(inv.model),
                    "quantity": f"{qty}{inv.unit or ''}" if qty else BLANK,
                    "unit_price": fmt_unit_price(inv.unit_price_wan) if inv.unit_price_wan is not None else BLANK,
                    "tax": money(inv.invoice.tax_wan),
                    "net": money(fig.net),
                    "origin": ORIGIN.get(inv.origin or "", BLANK),
                    "supplier": text(inv.supplier),
                    "contract": joined([text(inv.contract.number, ""), date(inv.contract.date, "")], "\n"),
                    "payment": joined([date(inv.payment.date, ""), money(inv.payment.amount_wan, "")], "\n"),
                    "voucher": text(inv.payment.voucher_no),
                    "acceptance": date(inv.acceptance_date),
                }
            )
    return equipment, rd


def _scenario_name(programme: Programme, code: str) -> str:
    entry = programme.scenarios.find(code)
    return entry.label if entry else code


def system_rows(app: Application, programme: Programme) -> list[dict[str, str]]:
    names = _names_by_id(app.systems)
    rows = []
    for i, s in enumerate(app.systems):
        kind = programme.system_types.find(s.type)
        klass = programme.software_classes.find(kind.get("class")) if kind else None
        rows.append(
            {
                "seq": str(i + 1),
                "name": need(s.name),
                "type": kind.label if kind else need(s.type),
                "class": klass.label if klass else BLANK,
                "vendor": need(s.vendor),
                "product_version": text(s.product_version),
                "domestic": yes_no(s.domestic, "国产", "进口"),
                "deployment": DEPLOYMENT.get(s.deployment or "", BLANK),
                "go_live": date(s.go_live),
                "status": STATUS.get(s.status or "", MISSING),
                "domains": joined(s.domains),
                "coverage": text(s.coverage),
                "integrates_with": joined([names.get(x, x) for x in s.integrates_with]),
                "data_points": number(s.data_points),
            }
        )
    return rows


def equipment_context(app: Application, programme: Programme, figures: Figures) -> dict[str, Any]:
    mtype = app.type or "discrete"
    counts = []
    for entry in programme.equipment_counts:
        if mtype not in entry.get("types", []):
            continue
        value = app.equipment.counts.get(entry.key)
        counts.append({"seq": str(len(counts) + 1), "label": entry.label, "value": number(value, MISSING), "unit": entry.get("unit", "")})
    rates = []
    for r in figures.rates:
        rates.append(
            {
                "seq": str(len(rates) + 1),
                "label": r.label,
                "value": rate_value(r),
                "formula": text(r.formula),
                "basis": f"{number(r.numerator)} / {number(r.denominator)}",
            }
        )
    ledger = []
    for i, item in enumerate(app.equipment.ledger):
        net = yes_no(item.networked, default=BLANK)
        if item.networked and item.protocol:
            net = f"是（{item.protocol}）"
        ledger.append(
            {
                "seq": str(i + 1),
                "id": need(item.id),
                "name": need(item.name),
                "model": text(item.model),
                "quantity": number(item.quantity, MISSING),
                "line": text(item.line),
                "key_process": yes_no(item.key_process),
                "digital": yes_no(item.digital),
                "networked": net,
                "domestic": yes_no(item.domestic, "国产", "进口", default=BLANK),
                "year": number(item.year),
                "value": money(item.value_wan),
                "investment": text(item.investment),
            }
        )
    listed = sum(item.quantity or 0 for item in app.equipment.ledger)
    total = app.equipment.counts.get("equipment_total")
    coverage = f"本表列出生产设备{listed}台（套）"
    if total:
        coverage += f"，占生产设备总数{total}台（套）的{fmt_percent(pct(Decimal(listed), Decimal(total)))}"
    coverage += "；表2各项比率按表1申报的基础数计算，不按本表计算。"
    known = [e for e in app.equipment.ledger if e.domestic is not None]
    if known:
        dom = sum(e.quantity or 0 for e in known if e.domestic)
        coverage += f"本表所列设备中国产{dom}台（套），占所列设备的{fmt_percent(figures.equipment_domestic_ratio)}（仅就所列设备而言）。"
    references = [
        f"{r.label}不低于{two(r.minimum)}%（出处：{r.minimum_source}）" for r in figures.rates if r.minimum is not None
    ]
    return {
        "counts": counts,
        "rates": rates,
        "ledger": ledger,
        "domestic_ratio": fmt_percent(figures.equipment_domestic_ratio),
        "coverage": coverage,
        "references": "参考值：" + "；".join(references) + "。" if references else "",
    }


def photo_captions(app: Application) -> list[str]:
    """Each photo's caption: its ``captions`` entry, else the file name's stem without the "典型图片1-" prefix."""
    out = []
    for i, rel in enumerate(app.media.photos):
        given = app.media.captions[i].strip() if i < len(app.media.captions) and app.media.captions[i] else ""
        stem = re.sub(r"^(典型图片|图片|照片)?\s*\d*\s*[-_—:：、.]?\s*", "", PurePosixPath(rel.replace("\\", "/")).stem)
        out.append(given or stem or PurePosixPath(rel.replace("\\", "/")).stem)
    return out


def operations_context(app: Application, figures: Figures | None = None) -> dict[str, Any]:
    ops = app.operations
    years = [
        {
            "year": f"{y.year}年" if y.year else MISSING,
            "revenue": money(y.revenue_wan, MISSING),
            "output": money(y.output_wan, MISSING),
            "profit": money(y.profit_wan),
            "tax": money(y.tax_wan),
            "employees": number(y.employees),
        }
        for y in ops.years
    ]
    r = ops.ranking
    if r.rank:
        scope = need(r.scope).removeprefix("全市")  # the sentence says 全市 itself
        if not any(word in scope for word in ("行业", "制造", "企业")):
            scope += "行业"
        ranking = f"按{need(r.basis)}，本企业在全市{scope}中排名第{r.rank}位"
        ranking += f"（参与排名企业共{r.peers}家）。" if r.peers else "。"
        if r.source:
            ranking += f"数据来源：{r.source}。"
    else:
        ranking = MISSING
    return {
        "years": years,
        "statement": paragraphs(narrative.render(ops.statement, figures)),
        "ranking": ranking,
    }


def report_context(app: Application, programme: Programme, figures: Figures | None = None) -> dict[str, Any]:
    parts = {}
    for i, part in enumerate(programme.report_parts):
        parts[part["key"]] = {
            "number": NUMERALS[i + 1],  # 一、 is 企业基本情况
            "title": part["title"],
            "paragraphs": paragraphs(narrative.render(getattr(app.report, part["key"]), figures)),
        }
    return {"parts": parts, "profile": paragraphs(narrative.render(app.enterprise.profile, figures))}


def document_contexts(
    app: Application, programme: Programme, figures: Figures, *, draft: bool = False
) -> dict[str, dict[str, Any]]:
    """One context per document name (see :func:`document_specs`), for the application's type.

    Pure: the same inputs give equal dicts. ``draft`` marks every page 草稿 (builds with ``--force``).
    """
    mtype = app.type or "discrete"
    base = base_context(app, programme, figures, draft)
    totals = totals_context(figures)
    kpis = indicator_rows(app, figures)
    equipment_rows, rd_rows = investment_rows(app, programme, figures)
    scenario_amounts = scenario_investments(app, programme, figures)
    scenarios = {
        "rows": scenario_rows(app, programme, figures),
        "investment_total": fmt_wan(sum(scenario_amounts.values(), Decimal(0))),
        "implemented": str(figures.scenarios_implemented),
        "partial": str(figures.scenarios_partial),
    }
    systems = {
        "rows": system_rows(app, programme),
        "total": str(figures.systems_total),
        "domestic": str(figures.systems_domestic),
        "domestic_ratio": fmt_percent(figures.domestic_software_ratio),
    }
    equipment = equipment_context(app, programme, figures)
    summary_text = (narrative.render(app.project.summary, figures) or "").strip()
    # Equipment categories under the equipment total, in catalogue order (R&D has its own line).
    by_category = [
        {"label": e.label, "amount": fmt_wan(figures.by_category[e.label])}
        for e in programme.investment_categories
        if e.get("group") == "equipment" and e.label in figures.by_category
    ]
    extra: dict[str, dict[str, Any]] = {
        "application_form": {
            "totals": totals,
            "scenarios": scenarios,
            "systems": systems,
            "kpi_summary": joined([f"{r['name'].rstrip('★')}{r['change']}".replace("\n", "") for r in kpis], "；", MISSING),
            "rate_summary": joined([f"{r['label']}{r['value']}" for r in equipment["rates"]], "；", MISSING),
        },
        "report": {
            **report_context(app, programme, figures),
            "kpi_attachment": f"附件{programme.attachment_of('kpi_selftest', mtype)}",
            "totals": totals, "kpis": kpis, "scenarios": scenarios, "systems": systems},
        "kpi_selftest": {"kpis": kpis},
        "scenario_selftest": {"scenarios": scenarios},
        "investment_detail": {
            "equipment_rows": equipment_rows,
            "rd_rows": rd_rows,
            "by_category": by_category,
            "totals": totals,
        },
        "systems_list": {"systems": systems},
        "equipment_indicators": {"equipment": equipment},
        "operations_statement": {"operations": operations_context(app, figures)},
        "authenticity_pledge": {},
        "summary": {
            "summary": {"text": need(summary_text or None), "count": str(word_count(summary_text))},
            "photos": [{"seq": str(i + 1), "caption": c} for i, c in enumerate(photo_captions(app))],
        },
    }
    out = {}
    for spec in document_specs(programme, mtype):
        if spec.name not in extra:
            raise InputError(
                f"遴选项目数据的 documents：没有名为“{spec.name}”的文档", file=programme.source or None,
                hint="可用：" + "、".join(extra),
            )
        doc = {
            "title": spec.title,
            "label": f"附件{spec.attachment}" if spec.attachment else "",
            "item": str(spec.item),
        }
        out[spec.name] = {**base, "doc": doc, **extra[spec.name]}
    return out
