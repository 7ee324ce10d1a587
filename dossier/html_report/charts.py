"""Chart geometry for the HTML report: bars as numbers, drawn as inline SVG by the templates.

Pure: figures in, rectangles out. Nothing is recomputed here — totals, quarters and change
rates come from :class:`dossier.application.figures.Figures`; this module only scales them to pixels.
Coordinates are Decimals quantized to 0.1 px so that the same figures give the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from dossier.application.figures import Figures, IndicatorFigures
from dossier.util.formats import fmt_percent, fmt_wan

ZERO = Decimal(0)
PX = Decimal("0.1")


def px(value: Decimal | int) -> Decimal:
    return Decimal(value).quantize(PX, rounding=ROUND_HALF_UP)


def scale(value: Decimal, top: Decimal, length: int) -> Decimal:
    """``value`` as a share of ``length`` pixels, ``top`` filling it; negative values draw nothing."""
    if top <= 0 or value <= 0:
        return ZERO
    return px(value / top * length)


@dataclass(frozen=True)
class Bar:
    label: str
    text: str  # the value as printed beside the bar
    x: Decimal
    y: Decimal
    width: Decimal
    height: Decimal

    @property
    def mid(self) -> Decimal:
        return px(self.y + self.height / 2)

    @property
    def end(self) -> Decimal:
        return self.x + self.width

    @property
    def centre(self) -> Decimal:
        return px(self.x + self.width / 2)


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: tuple[Bar, ...]
    unit: str
    # Axis line, for column charts: y of the baseline.
    baseline: Decimal = ZERO


# ---------------------------------------------------------------- investment


LABEL_W = 170
BAR_AREA = 400
ROW_H = 30


def category_chart(figures: Figures) -> Chart | None:
    """Horizontal bars: counted investment per category (万元), largest first, ties by name."""
    items = sorted(figures.by_category.items(), key=lambda kv: (-kv[1], kv[0]))
    if not items:
        return None
    top = max(v for _, v in items)
    bars = tuple(
        Bar(label, fmt_wan(value), px(LABEL_W), px(i * ROW_H + 6), scale(value, top, BAR_AREA), px(ROW_H - 12))
        for i, (label, value) in enumerate(items)
    )
    return Chart(LABEL_W + BAR_AREA + 110, len(items) * ROW_H + 4, bars, "万元")


def quarter_range(first: str, last: str) -> list[str]:
    """``2023Q4``..``2024Q2`` → every quarter in between, so empty quarters show as gaps."""
    y, q = int(first[:4]), int(first[-1])
    end = (int(last[:4]), int(last[-1]))
    out = []
    while (y, q) <= end:
        out.append(f"{y}Q{q}")
        y, q = (y + 1, 1) if q == 4 else (y, q + 1)
    return out


COL_W = 64
COL_AREA_H = 180
COL_TOP = 24  # room for the value above the tallest column


def quarter_chart(figures: Figures) -> Chart | None:
    """Columns: counted investment per quarter of the window date, empty quarters included."""
    if not figures.by_quarter:
        return None
    quarters = quarter_range(min(figures.by_quarter), max(figures.by_quarter))
    values = [figures.by_quarter.get(q, ZERO) for q in quarters]
    top = max(values)
    base = px(COL_TOP + COL_AREA_H)
    bars = []
    for i, (q, v) in enumerate(zip(quarters, values)):
        h = scale(v, top, COL_AREA_H)
        bars.append(Bar(f"{q[:4]}年{q[-1]}季度", fmt_wan(v) if v else "", px(i * COL_W + 12), base - h, px(COL_W - 24), h))
    return Chart(len(quarters) * COL_W, COL_TOP + COL_AREA_H + 40, tuple(bars), "万元", base)


# ---------------------------------------------------------------- indicators


@dataclass(frozen=True)
class IndicatorRow:
    name: str
    unit: str
    direction: str  # higher_better | lower_better
    before: Bar
    after: Bar
    change: str  # "+20.00%" or "—"
    improved: bool | None  # None: no change, or no rate (missing value or zero baseline)
    y: Decimal


IND_LABEL_W = 200
IND_BAR_AREA = 330
IND_ROW_H = 64


def _num(value: Decimal | None) -> str:
    if value is None:
        return "未填"
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def indicator_rows(indicators: list[IndicatorFigures], periods: dict[int, tuple[str, str]] | None = None) -> list[IndicatorRow]:
    """Before/after bar pairs, each indicator scaled to its own larger value (units differ).

    ``periods`` maps an indicator's index to its (baseline, current) period text.
    """
    periods = periods or {}
    rows = []
    for i, ind in enumerate(indicators):
        top = max(abs(ind.baseline or ZERO), abs(ind.current or ZERO))
        y0 = px(i * IND_ROW_H)
        before_p, after_p = periods.get(ind.index, ("", ""))
        before = Bar(
            f"改造前{f'（{before_p}）' if before_p else ''}", _num(ind.baseline),
            px(IND_LABEL_W), y0 + 8, scale(abs(ind.baseline or ZERO), top, IND_BAR_AREA), px(20),
        )
        after = Bar(
            f"改造后{f'（{after_p}）' if after_p else ''}", _num(ind.current),
            px(IND_LABEL_W), y0 + 32, scale(abs(ind.current or ZERO), top, IND_BAR_AREA), px(20),
        )
        rate = ind.change_rate
        change = "—" if rate is None else ("+" if rate > 0 else "") + fmt_percent(rate)
        rows.append(
            IndicatorRow(ind.name, ind.unit, ind.direction, before, after, change, None if not rate else rate > 0, y0)
        )
    return rows


def indicator_chart_size(rows: list[IndicatorRow]) -> tuple[int, int]:
    return IND_LABEL_W + IND_BAR_AREA + 200, max(1, len(rows)) * IND_ROW_H + 4
