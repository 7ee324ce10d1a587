"""The roadshow deck as data: Application + Programme + Figures → a list of :class:`Slide`.

Pure. Every number is read from :class:`~dossier.application.figures.Figures` (the computation the documents and
``check --json`` print) and every phrase from :mod:`dossier.documents.context` (the documents' own wording), so
the deck cannot disagree with the bound volume. Chart values stay :class:`~decimal.Decimal`; the
writer (:mod:`dossier.deck.draw`) only places them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path, PurePosixPath
from typing import Any

from dossier.application.figures import DATE_LABEL, Figures
from dossier.application.model import Application
from dossier.application.programme import Programme
from dossier.documents.context import BLANK, base_context, change_text, need, scenario_rows, totals_context
from dossier.html_report.charts import quarter_range
from dossier.util.formats import fmt_wan, wan

ZERO = Decimal(0)
INDICATORS_PER_SLIDE = 8
# Investment categories whose rows are things one can point at on the shop floor.
EQUIPMENT_KEYS = ("equipment_purchase", "equipment_retrofit", "it_hardware", "installation")


@dataclass(frozen=True)
class Slide:
    """One slide: ``kind`` selects the drawing, ``data`` what it draws, ``notes`` the talking points.

    ``weight`` is the slide's share of the speaking time (see :func:`dossier.deck.timing`).
    """

    kind: str  # title | overview | effects | indicators | investment | scenarios | photos | features | closing
    title: str
    data: dict[str, Any] = field(default_factory=dict)
    notes: str = ""
    weight: Decimal = Decimal(1)


# ---------------------------------------------------------------- helpers


def sentences(text: str) -> list[str]:
    """Split Chinese text after 。！？；, keeping the mark."""
    return [s for s in re.split(r"(?<=[。！？；])", text.strip()) if s.strip()]


def paragraphs(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def month(value) -> str:
    return f"{value.year}年{value.month}月" if value else BLANK


def photo_caption(path: str) -> str:
    """``media/典型图片1-共晶贴片与耦合产线.jpg`` → ``共晶贴片与耦合产线``."""
    stem = PurePosixPath(path.replace("\\", "/")).stem
    return re.sub(r"^(典型)?图片\s*\d*\s*[-－_—、.．:：\s]+", "", stem) or stem


def num(value: Decimal | None) -> str:
    if value is None:
        return "未填"
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def quarter_label(q: str) -> str:
    return f"{q[:4]}年{q[-1]}季度"


# ---------------------------------------------------------------- the slides


def title_slide(app: Application, programme: Programme, ctx: dict[str, Any]) -> Slide:
    e, p = ctx["enterprise"], ctx["project"]
    industry = e["key_industry"]
    lines = [e["name"], f"{programme.title} · 路演答辩", f"{ctx['type_label']} · {industry}"]
    if app.settings.application_date:
        lines.append(month(app.settings.application_date))
    notes = f"开场：介绍企业（{e['name']}）和申报项目（{p['name']}），说明本次汇报的内容：建设成效、投资与场景、特点与模式创新。"
    return Slide("title", p["name"], {"subtitle": lines}, notes, Decimal("0.5"))


def overview_slide(app: Application, figures: Figures, ctx: dict[str, Any]) -> Slide:
    e, p, t = ctx["enterprise"], ctx["project"], totals_context(figures)
    enterprise = [
        ("所在区", e["district"]),
        ("所属行业", e["key_industry"]),
        ("成立时间", month(app.enterprise.founded)),
        ("从业人员", f"{e['employees']} 人"),
        ("上年度营业收入", f"{e['revenue']} 万元"),
        ("上年度工业总产值", f"{e['output']} 万元"),
        ("主要产品", e["main_products"]),
    ]
    scen = f"建成 {figures.scenarios_implemented} 个"
    if figures.scenarios_partial:
        scen += f"，部分建成 {figures.scenarios_partial} 个"
    systems = f"{figures.systems_total} 套（国产 {figures.systems_domestic} 套）"
    project = [
        ("工厂（车间）", p["factory_name"]),
        ("建设期", f"{month(app.project.construction_start)}—{month(app.project.construction_end)}"),
        ("竣工投产", p["commissioning_date"]),
        ("项目总投资", f"{p['total_investment']} 万元"),
        ("窗口期内计入投资", f"{t['total']} 万元（{t['basis']}）"),
        ("智能化场景", scen),
        ("信息化系统", systems),
    ]
    notes = "\n".join(["企业概况：" + e["name"] + "。", *paragraphs(app.enterprise.profile), "项目简介：", p["summary"]])
    return Slide(
        "overview", "企业与项目概况",
        {"enterprise_name": e["name"], "project_name": p["name"], "enterprise": enterprise, "project": project,
         "summary": p["summary"]},
        notes, Decimal("1.5"),
    )


def effects_slide(app: Application, figures: Figures) -> Slide | None:
    """Change rates of every indicator that has one: one horizontal bar chart (percent)."""
    rows = [ind for ind in figures.indicators if ind.change_rate is not None]
    if not rows:
        return None
    points = [(f"{ind.name}", ind.change_rate) for ind in rows]
    notes = "\n".join(paragraphs(app.report.benefit_analysis)) or "说明各项指标的改善幅度和统计口径。"
    return Slide(
        "effects", "建设成效：关键指标改善幅度",
        {"points": points, "series": "改善幅度（%）",
         "caption": "改善幅度：越高越好的指标为（改造后−改造前）÷改造前，越低越好的为（改造前−改造后）÷改造前；与附件自测表同一计算。"},
        notes, Decimal("1.5"),
    )


def indicator_slides(app: Application, figures: Figures) -> list[Slide]:
    """Before/after per indicator: small native column charts, eight to a slide (units differ)."""
    inds = [i for i in figures.indicators if i.baseline is not None or i.current is not None]
    if not inds:
        return []
    src = {i: ind for i, ind in enumerate(app.indicators)}
    periods = {(src[ind.index].baseline_period, src[ind.index].current_period) for ind in inds}
    shared = len(periods) == 1
    caption = ""
    if shared:
        before, after = next(iter(periods))
        caption = f"改造前：{before or BLANK}；改造后：{after or BLANK}。"
    out = []
    count = -(-len(inds) // INDICATORS_PER_SLIDE)
    per = -(-len(inds) // count)  # 9 indicators: 5 + 4, not 8 + 1
    pages = [inds[i:i + per] for i in range(0, len(inds), per)]
    for n, page in enumerate(pages):
        charts = []
        notes = []
        for ind in page:
            s = src[ind.index]
            unit = ind.unit or ""
            change, _, points = change_text(ind).partition("\n")
            charts.append({
                "name": ind.name,
                "unit": unit,
                "change": change,
                "points": points,
                "categories": ["改造前", "改造后"] if shared else
                [f"改造前\n{s.baseline_period or BLANK}", f"改造后\n{s.current_period or BLANK}"],
                "values": [ind.baseline, ind.current],
            })
            notes.append(f"{ind.name}：{num(ind.baseline)} → {num(ind.current)} {unit}，{change}{points}；"
                         f"数据来源：{s.data_source or BLANK}。")
        title = "建设成效：改造前后关键指标" + ("" if len(pages) == 1 else f"（{n + 1}/{len(pages)}）")
        out.append(Slide("indicators", title, {"charts": charts, "caption": caption}, "\n".join(notes), Decimal("1.5")))
    return out


def investment_slide(figures: Figures) -> Slide:
    t = totals_context(figures)
    # Two decimals, as the forms and `check --json` print them.
    categories = sorted(((k, wan(v)) for k, v in figures.by_category.items()), key=lambda kv: (-kv[1], kv[0]))
    quarters = quarter_range(min(figures.by_quarter), max(figures.by_quarter)) if figures.by_quarter else []
    by_quarter = [(quarter_label(q), wan(figures.by_quarter.get(q, ZERO))) for q in quarters]
    headline = (
        f"窗口期内计入投资 {t['total']} 万元：设备购置与改造 {t['equipment']} 万元，研发投入 {t['rd']} 万元"
        f"（研发占设备投资 {t['rd_ratio']}）"
    )
    notes = "\n".join([
        headline + "。",
        f"口径：{t['reading']}。",
        "按类别：" + "；".join(f"{k} {fmt_wan(v)} 万元" for k, v in categories) + "。",
    ])
    return Slide(
        "investment", "项目投资：按类别与按季度",
        {"headline": headline, "by_category": categories, "by_quarter": by_quarter, "unit": "万元",
         "quarter_basis": DATE_LABEL[figures.readings.window_date]},
        notes, Decimal("1.5"),
    )


def shortlist(names: list[str], keep: int = 4) -> str:
    """At most ``keep`` names on a slide; the notes carry the whole list."""
    if not names:
        return BLANK
    if len(names) <= keep:
        return "、".join(names)
    return "、".join(names[:keep]) + f"等 {len(names)} 项"


def scenario_items(app: Application, programme: Programme, figures: Figures) -> list[dict[str, str]]:
    """Implemented (and partly implemented) scenarios in the catalogue's stage order, each with its
    systems (``名称（类型）``) and equipment (ledger items and equipment investment rows)."""
    rows = scenario_rows(app, programme, figures)
    systems = {s.id: s for s in app.systems if s.id}
    ledger = {e.id: e.name for e in app.equipment.ledger if e.id and e.name}
    investments = {r.id: r for r in app.investments if r.id}
    stage_order: dict[str, int] = {}
    for entry in programme.scenarios:
        stage_order.setdefault(entry.get("stage", ""), len(stage_order))
    code_order = {entry.key: i for i, entry in enumerate(programme.scenarios)}
    # The rows follow the whole catalogue (附件3/5 answer every line); find each declared scenario's own.
    by_code = {row["code"]: row for row in rows}
    items = []
    seen: set[str] = set()
    for sc in app.scenarios:
        if sc.implemented not in ("yes", "partial"):
            continue
        entry = programme.scenarios.find(sc.code)
        row = by_code.get(entry.key) if entry else next((r for r in rows if r["code"] == need(sc.code)), None)
        if row is None or row["code"] in seen:
            continue  # a code declared twice is one scenario (S-DUPLICATE says so)
        seen.add(row["code"])
        sys_names = []
        for sid in sc.systems:
            s = systems.get(sid)
            sys_names.append(f"{s.name}（{s.type}）" if s and s.type else (s.name if s else sid))
        equip: list[str] = [ledger.get(x, x) for x in sc.equipment]
        for rid in sc.investments:
            inv = investments.get(rid)
            if inv is None or not inv.name:
                continue
            entry = programme.investment_categories.find(inv.category)
            if entry and entry.key in EQUIPMENT_KEYS and inv.name not in equip:
                equip.append(inv.name)
        items.append({
            "stage": row["stage"],
            "code": row["code"],
            "name": row["name"] + ("（部分建成）" if sc.implemented == "partial" else ""),
            "description": row["description"],
            "systems": shortlist(sys_names),
            "equipment": shortlist(equip),
            "equipment_all": "、".join(equip) or BLANK,
            "effects": row["effects"],
            "order": (stage_order.get(row["stage"], 99), code_order.get(row["code"], 999)),
        })
    items.sort(key=lambda it: it["order"])
    return items


def scenario_slides(items: list[dict[str, str]], pages: list[list[dict[str, str]]]) -> list[Slide]:
    out = []
    for n, page in enumerate(pages):
        title = "智能化场景：按环节" + ("" if len(pages) == 1 else f"（{n + 1}/{len(pages)}）")
        notes = "\n".join(
            f"{it['stage']} · {it['name']}：{it['description']}" + (f" 成效：{it['effects']}。" if it["effects"] != BLANK else "")
            + (f" 装备：{it['equipment_all']}。" if it["equipment_all"] != BLANK else "")
            for it in page
        )
        out.append(Slide("scenarios", title, {"rows": page, "total": len(items)}, notes, Decimal("1.5")))
    return out


def photos_slide(app: Application, root: Path) -> Slide | None:
    photos = []
    for rel in app.media.photos:
        path = (root / rel.replace("\\", "/")).resolve()
        if path.is_file():
            photos.append({"path": path, "caption": photo_caption(rel)})
    if not photos:
        return None
    notes = "典型图片：" + "；".join(p["caption"] for p in photos) + "。可结合建设成果视频介绍现场。"
    return Slide("photos", "建设现场：典型图片", {"photos": photos[:3]}, notes, Decimal("1"))


def features_slide(app: Application) -> Slide | None:
    """特点与模式创新 from the application report's 行业示范意义: each paragraph's first sentence is a
    headline, the next (when short) its explanation; the whole paragraphs go into the notes."""
    paras = paragraphs(app.report.demonstration)
    if not paras:
        return None
    points = []
    for para in paras[:6]:
        parts = sentences(para)
        head = parts[0] if parts else para
        detail = ""
        for part in parts[1:]:
            if len(detail) + len(part) > (140 if not detail else 90):
                break
            detail += part
        points.append({"head": head, "detail": detail})
    return Slide("features", "特点与模式创新", {"points": points}, "\n".join(paras), Decimal("2"))


def closing_slide(ctx: dict[str, Any]) -> Slide:
    e = ctx["enterprise"]
    contact = f"联系人：{e['contact_name']}　{e['contact_title']}　{e['contact_mobile']}"
    return Slide("closing", "谢谢！", {"lines": ["恳请各位专家批评指正", e["name"], contact]},
                 "致谢，进入专家提问环节。", Decimal("0.5"))


def deck_slides(app: Application, programme: Programme, figures: Figures, root: Path,
                paginate_scenarios) -> list[Slide]:
    """Every slide in order. ``paginate_scenarios(items) -> pages`` is the writer's (it knows what fits)."""
    ctx = base_context(app, programme, figures, draft=False)
    slides = [title_slide(app, programme, ctx), overview_slide(app, figures, ctx)]
    effects = effects_slide(app, figures)
    if effects:
        slides.append(effects)
    slides += indicator_slides(app, figures)
    if figures.by_category:
        slides.append(investment_slide(figures))
    items = scenario_items(app, programme, figures)
    if items:
        slides += scenario_slides(items, paginate_scenarios(items))
    for s in (photos_slide(app, root), features_slide(app)):
        if s:
            slides.append(s)
    slides.append(closing_slide(ctx))
    return slides


def seconds_per_slide(slides: list[Slide], minutes: Decimal) -> list[int]:
    """The time limit shared out by weight, each rounded to 5 s."""
    total = sum((s.weight for s in slides), ZERO)
    out = []
    for s in slides:
        sec = (minutes * 60 * s.weight / total / 5).quantize(Decimal(1), rounding=ROUND_HALF_UP) * 5
        out.append(int(max(sec, Decimal(5))))
    # Rounding must not change the total: the difference goes to the heaviest slide.
    rest = int((minutes * 60).to_integral_value(rounding=ROUND_HALF_UP)) - sum(out)
    heaviest = max(range(len(slides)), key=lambda i: (slides[i].weight, -i))
    out[heaviest] = max(5, out[heaviest] + rest)
    return out


def clock(seconds: int) -> str:
    m, s = divmod(seconds, 60)
    return f"{m} 分 {s:02d} 秒" if m else f"{s} 秒"

