"""Narrative text that agrees with the figures.

Two things, both pure:

* **Placeholders.** Any narrative field of ``enterprise.yaml`` may write ``{合计投资}``,
  ``{设备投资}``, ``{研发投入}``, ``{场景数}``, ``{指标:生产效率}`` …; documents print the value
  computed in :mod:`dossier.application.figures` instead, so a changed invoice changes every text with it.
* **Literal figures.** A number typed in the text that states one of these figures (an amount in
  万元 next to 合计 / 投入 / 投资, a scenario or system count, an indicator's change rate) is compared with the
  computed value; :mod:`dossier.rules.text` reports the ones that differ.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from dossier.application.figures import Figures, IndicatorFigures
from dossier.util.formats import fmt_percent, fmt_wan

# {名称} or {指标:名称} / {指标:名称:改造前}: no spaces or braces inside, at most 40 characters. Full-width
# braces ｛｝ (what a Chinese input method types) are read the same way.
PLACEHOLDER = re.compile(r"[{｛]([^{}｛｝\s]{1,40})[}｝]")

# Name → what it prints. The documentation (docs/enterprise-yaml.md) is generated from this table.
PLACEHOLDERS: tuple[tuple[str, str], ...] = (
    ("合计投资", "窗口期内生产性设备购置与改造投资与研发投入的计入合计（万元，两位小数，如 8,349.91）"),
    ("设备投资", "窗口期内生产性设备购置与改造投资计入合计（万元）"),
    ("研发投入", "窗口期内项目相关研发投入计入合计（万元）"),
    ("研发占比", "研发投入占设备投资的比例（如 7.35%）"),
    ("场景数", "已建设（是）的智能化场景个数"),
    ("部分建设场景数", "部分建设的智能化场景个数"),
    ("系统数", "在用信息化系统/工业软件个数"),
    ("国产系统数", "其中国产系统个数"),
    ("指标:名称", "该重点指标的变化率（如 {指标:生产效率} → 29.81%）；名称可写目录名称或 key"),
    ("指标:名称:改造前", "该指标的改造前值（改造后值写 {指标:名称:改造后}）"),
)

INDICATOR_PREFIX = "指标"
FIELDS = {"改造前": "baseline", "改造后": "current", "变化率": "change"}


def indicator_lookup(figures: Figures, name: str) -> IndicatorFigures | None:
    for ind in figures.indicators:
        if name in (ind.key, ind.name) or name in name_variants(ind.name):
            return ind
    return None


def name_variants(name: str) -> list[str]:
    """``产品研制周期`` is also written ``研制周期``; ``设备综合效率（OEE）`` also ``设备综合效率``."""
    out = [name]
    bare = re.sub(r"[（(][^）)]*[）)]", "", name).strip()
    for v in (bare, bare.removeprefix("产品")):
        if len(v) >= 3 and v not in out:
            out.append(v)
    return out


def values(figures: Figures) -> dict[str, str]:
    """The plain placeholders' printed values."""
    return {
        "合计投资": fmt_wan(figures.qualifying_total),
        "设备投资": fmt_wan(figures.equipment_total),
        "研发投入": fmt_wan(figures.rd_total),
        "研发占比": fmt_percent(figures.rd_ratio),
        "场景数": str(figures.scenarios_implemented),
        "部分建设场景数": str(figures.scenarios_partial),
        "系统数": str(figures.systems_total),
        "国产系统数": str(figures.systems_domestic),
    }


def resolve(name: str, figures: Figures, plain: dict[str, str]) -> str | None:
    """The printed value of one placeholder, or None if the name is not known."""
    if name in plain:
        return plain[name]
    head, sep, rest = name.partition(":")
    if not sep:
        head, sep, rest = name.partition("：")
    if head != INDICATOR_PREFIX or not rest:
        return None
    ind_name, _, field = rest.replace("：", ":").partition(":")
    ind = indicator_lookup(figures, ind_name)
    if ind is None or (field and field not in FIELDS):
        return None
    which = FIELDS.get(field, "change")
    if which == "change":
        return fmt_percent(ind.change_rate) if ind.change_rate is not None else None
    value = ind.baseline if which == "baseline" else ind.current
    return None if value is None else format(value, "f")


def render(text: str | None, figures: Figures | None) -> str | None:
    """``text`` with every known placeholder replaced; unknown ones stay as written (and are findings)."""
    if not text or figures is None or ("{" not in text and "｛" not in text):
        return text
    plain = values(figures)

    def sub(m: re.Match) -> str:
        value = resolve(m[1], figures, plain)
        return m[0] if value is None else value

    return PLACEHOLDER.sub(sub, text)


def unknown_placeholders(text: str | None, figures: Figures) -> list[tuple[int, str]]:
    """(offset, placeholder) of every ``{…}`` that names nothing known."""
    if not text:
        return []
    plain = values(figures)
    return [(m.start(), m[0]) for m in PLACEHOLDER.finditer(text) if resolve(m[1], figures, plain) is None]


# ---------------------------------------------------------------- literal figures


@dataclass(frozen=True)
class Mismatch:
    offset: int  # in the text, for the line number
    what: str  # 合计投资 / 设备投资 / 研发投入 / 场景数 / the indicator's name
    written: str
    computed: str
    literal: str  # the number exactly as typed, to find its line


_NUMBER = r"(\d[\d,，]*(?:\.\d+)?)"
_AMOUNT = re.compile(_NUMBER + r"\s*万元")
_SCENARIOS = re.compile(r"(?:建成|建设|已建|实现|打造)[^，。；,;\d]{0,6}?" + _NUMBER + r"\s*个(?:智能化|智能制造)?(?:典型)?场景")
_SYSTEMS = re.compile(r"(?:在用|部署|建成|上线|共有)[^，。；,;\d]{0,6}?" + _NUMBER + r"\s*(?:个|套)(?:信息化系统|工业软件|系统)")
_RATE = _NUMBER + r"\s*%"
_CHANGE_VERB = r"(?:提升|提高|增长|增加|降低|下降|减少|缩短)(?:了)?"
_HEDGE = re.compile(r"^\s*(?:以上|以下|左右|多|余|上下|至|-|～|~)")
_APPROX = ("近", "约", "超过", "逾", "超", "达", "不低于", "不少于")  # a bound, not a statement of the figure
_CLAUSE_END = "，。；！？,;!?\n"
# An amount of one of our totals is named in its clause by these words; other amounts (产值, 利润, 总投资 …) are not ours.
_NOT_OURS = ("总投资", "产值", "收入", "利润", "纳税", "税收", "节约", "节省", "减少", "新增", "占用", "注册资本", "计划", "预计", "年均")


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", "").replace("，", ""))
    except InvalidOperation:
        return None


def _clause_before(text: str, start: int) -> str:
    i = start
    while i > 0 and text[i - 1] not in _CLAUSE_END:
        i -= 1
    return text[i:start]


def _amount_kind(clause: str) -> str | None:
    if any(word in clause for word in _NOT_OURS):
        return None
    equipment = "设备" in clause and ("投资" in clause or "投入" in clause or "购置" in clause)
    rd = "研发" in clause
    if "合计" in clause or "共计" in clause or (equipment and rd) or ("设备与研发" in clause):
        return "合计投资"
    if rd and ("投入" in clause or "费用" in clause):
        return "研发投入"
    if equipment:
        return "设备投资"
    return None


def literal_mismatches(text: str | None, figures: Figures) -> list[Mismatch]:
    """Numbers in ``text`` that state one of the computed figures and differ from it."""
    if not text:
        return []
    out: list[Mismatch] = []
    plain = {"合计投资": figures.qualifying_total, "设备投资": figures.equipment_total, "研发投入": figures.rd_total}
    for m in _AMOUNT.finditer(text):
        if _HEDGE.match(text[m.end():]) or text[: m.start()].endswith(_APPROX):
            continue
        kind = _amount_kind(_clause_before(text, m.start()))
        value = _decimal(m[1])
        if kind is None or value is None:
            continue
        computed = plain[kind].quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        if value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) != computed:
            out.append(Mismatch(m.start(1), kind, f"{m[1]}万元", f"{fmt_wan(computed)}万元", m[1]))
    for m in _SCENARIOS.finditer(text):
        if _HEDGE.match(text[m.end():]) or _HEDGE.match(text[m.end(1):]):
            continue
        value = _decimal(m[1])
        if value is not None and value != figures.scenarios_implemented:
            out.append(Mismatch(m.start(1), "场景数", f"{m[1]}个", f"{figures.scenarios_implemented}个", m[1]))
    for m in _SYSTEMS.finditer(text):
        if _HEDGE.match(text[m.end():]) or _HEDGE.match(text[m.end(1):]):
            continue
        value = _decimal(m[1])
        if value is not None and value != figures.systems_total:
            out.append(Mismatch(m.start(1), "系统数", f"{m[1]}个", f"{figures.systems_total}个", m[1]))
    for ind in figures.indicators:
        if ind.change_rate is None:
            continue
        names = "|".join(re.escape(n) for n in sorted(name_variants(ind.name), key=len, reverse=True))
        pattern = re.compile(rf"(?:{names})[^，。；,;%\d]{{0,12}}?{_CHANGE_VERB}\s*{_RATE}")
        for m in pattern.finditer(text):
            if _HEDGE.match(text[m.end():]):
                continue
            value = _decimal(m[1])
            if value is None:
                continue
            places = Decimal(1).scaleb(value.as_tuple().exponent) if value.as_tuple().exponent < 0 else Decimal(1)
            computed = abs(ind.change_rate).quantize(places, rounding=ROUND_HALF_UP)
            if value != computed:
                out.append(Mismatch(m.start(1), ind.name, f"{m[1]}%", f"{fmt_percent(abs(ind.change_rate))}", m[1]))
    return sorted(out, key=lambda x: x.offset)
