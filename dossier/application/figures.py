"""Derived figures, computed once, in one place; every later stage (rules, documents, reports)
reads them from here and never recomputes.

Readings of what the notice leaves open are explicit (:class:`Readings`): 含税 or 不含税, and
which date (contract, invoice, payment) puts a row inside the investment window.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from dossier.application.model import Application, Indicator, Investment
from dossier.application.programme import Programme
from dossier.util.formats import wan

ZERO = Decimal(0)
HUNDRED = Decimal(100)

BASIS_LABEL = {"gross": "含税", "net": "不含税"}
DATE_LABEL = {"contract": "合同签订日期", "invoice": "开票日期", "payment": "付款日期"}


# The figures are records read by attribute, never compared or hashed: eq=False spares generating
# __eq__ and __hash__ for each class on every import (creating these five was ~9 ms of a check).
@dataclass(frozen=True, eq=False)
class Readings:
    amount_basis: str  # gross | net
    window_date: str  # contract | invoice | payment
    non_productive: str = "count"  # count | exclude: rows marked as construction, installation works or services

    def describe(self) -> str:
        if self.non_productive == "exclude":  # kept to one line of the 申报表's 计算口径 box
            return f"金额按{BASIS_LABEL[self.amount_basis]}口径；以{DATE_LABEL[self.window_date]}判断窗口期；土建、服务类不计入"
        return f"金额按{BASIS_LABEL[self.amount_basis]}口径；以{DATE_LABEL[self.window_date]}判断是否在投资窗口期内"


def readings_for(app: Application, programme: Programme) -> Readings:
    defaults = programme.readings
    return Readings(
        amount_basis=app.settings.amount_basis or defaults["amount_basis"],
        window_date=app.settings.window_date or defaults["window_date"],
        non_productive=app.settings.non_productive or defaults.get("non_productive", "count"),
    )


@dataclass(frozen=True, eq=False)
class RowFigures:
    index: int
    id: str
    group: str | None  # equipment | rd | None (unknown category)
    category_label: str
    gross: Decimal | None
    net: Decimal | None
    window_date: dt.date | None
    window_basis: str  # which date was used: the reading's, or payment for an R&D row without invoice
    in_window: bool
    counted_gross: Decimal
    counted_net: Decimal | None
    counted: Decimal  # under the chosen basis
    quarter: str | None  # "2024Q3" by the window date
    non_productive_mark: str | None = None  # why the row reads as works or services (tax rate or name), else None


@dataclass(frozen=True, eq=False)
class IndicatorFigures:
    index: int
    key: str
    name: str
    unit: str
    direction: str
    formula: str
    category: str
    baseline: Decimal | None
    current: Decimal | None
    change_rate: Decimal | None  # % relative, positive = improvement
    absolute_change: Decimal | None  # after − before, in the indicator's unit (percentage points for ratios)
    is_ratio: bool
    reference: Decimal | None
    core: bool
    decrease_word: str = "降低"  # 缩短 for time and cycle indicators (catalogue data)


@dataclass(frozen=True, eq=False)
class RateFigures:
    key: str
    label: str
    unit: str
    formula: str
    numerator: int | None
    denominator: int | None
    value: Decimal | None
    minimum: Decimal | None
    minimum_source: str = ""  # where the minimum comes from; a minimum without a source is not used


@dataclass(eq=False)
class Figures:
    readings: Readings
    rows: list[RowFigures]
    equipment_total: Decimal
    rd_total: Decimal
    qualifying_total: Decimal
    qualifying_total_gross: Decimal
    qualifying_total_net: Decimal | None
    rd_ratio: Decimal | None  # rd / equipment × 100
    rd_excess: Decimal  # rd above the cap ratio of equipment
    total_after_cap: Decimal
    by_category: dict[str, Decimal]
    by_quarter: dict[str, Decimal]
    indicators: list[IndicatorFigures]
    rates: list[RateFigures]
    scenarios_implemented: int
    scenarios_partial: int
    systems_total: int
    systems_domestic: int
    domestic_software_ratio: Decimal | None
    equipment_domestic_ratio: Decimal | None
    notes: list[str] = field(default_factory=list)

    def as_totals(self) -> dict[str, str | None]:
        """The totals block of ``check --json``: strings with two decimals (万元), never floats."""

        def s(v: Decimal | None) -> str | None:
            return None if v is None else f"{wan(v):.2f}"

        return {
            "basis": self.readings.amount_basis,
            "window_date": self.readings.window_date,
            "reading": self.readings.describe(),
            "non_productive": self.readings.non_productive,
            "equipment_wan": s(self.equipment_total),
            "rd_wan": s(self.rd_total),
            "qualifying_wan": s(self.qualifying_total),
            "qualifying_gross_wan": s(self.qualifying_total_gross),
            "qualifying_net_wan": s(self.qualifying_total_net),
            "rd_ratio_percent": None if self.rd_ratio is None else f"{self.rd_ratio:.2f}",
            "total_after_rd_cap_wan": s(self.total_after_cap),
            "scenarios_implemented": str(self.scenarios_implemented),
            "systems": str(self.systems_total),
        }


def pct(numerator: Decimal, denominator: Decimal, places: str = "0.01") -> Decimal:
    return (numerator / denominator * HUNDRED).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def row_date(row: Investment, which: str) -> dt.date | None:
    return {"contract": row.contract.date, "invoice": row.invoice.date, "payment": row.payment.date}[which]


def has_invoice(row: Investment) -> bool:
    return bool(row.invoice.number or row.invoice.date or row.invoice.gross_wan is not None)


def row_net(row: Investment, group: str | None = None) -> Decimal | None:
    if row.amount_wan is None:
        return None
    if row.invoice.tax_wan is not None:
        return row.amount_wan - row.invoice.tax_wan
    if group == "rd" and not has_invoice(row):
        return row.amount_wan  # R&D wages and internal costs carry no VAT: net is the amount
    return None


def quarter_of(day: dt.date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def tax_rate(row: Investment) -> Decimal | None:
    """The invoice's VAT rate, 税额 / (价税合计 − 税额), to two places (0.13, 0.09, 0.06), or None."""
    gross = row.invoice.gross_wan if row.invoice.gross_wan is not None else row.amount_wan
    tax = row.invoice.tax_wan
    if gross is None or tax is None or gross - tax <= 0:
        return None
    return (tax / (gross - tax)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def non_productive_mark(row: Investment, programme: Programme) -> str | None:
    """Why a row reads as construction, decoration, installation works or services, or None."""
    marks = programme.non_productive_marks
    rate = tax_rate(row)
    rates = {Decimal(str(k)): v for k, v in (marks.get("tax_rates") or {}).items()}
    if rate is not None and rate in rates:
        return f"发票税率{rate * 100:.0f}%（{rates[rate]}）"
    for word in marks.get("words") or []:
        if word in (row.name or ""):
            return f"名称含“{word}”"
    return None


def row_figures(i: int, row: Investment, programme: Programme, readings: Readings) -> RowFigures:
    entry = programme.investment_categories.find(row.category)
    group = entry.get("group") if entry else None
    gross = row.amount_wan
    net = row_net(row, group)
    basis = readings.window_date
    day = row_date(row, basis)
    if day is None and group == "rd" and basis == "invoice" and not has_invoice(row):
        # R&D wages have no invoice: the payment date is the only date that can place them.
        basis = "payment"
        day = row.payment.date
    in_window = day is not None and programme.window_start <= day <= programme.window_end
    mark = non_productive_mark(row, programme) if group == "equipment" else None
    counts = in_window and row.productive and group is not None and not (mark and readings.non_productive == "exclude")
    counted_gross = gross if (counts and gross is not None) else ZERO
    if counts and basis == "payment" and row.payment.amount_wan is not None and gross:
        # Under the payment reading only what was paid counts.
        counted_gross = min(gross, row.payment.amount_wan)
    if net is None or gross in (None, ZERO):
        counted_net = None if counts else ZERO
    else:
        counted_net = counted_gross * net / gross
    # Each row counts with the cents it prints: the totals are the sums of the printed 计入金额.
    counted_gross = wan(counted_gross)
    counted_net = wan(counted_net) if counted_net is not None else None
    counted = counted_gross if readings.amount_basis == "gross" else (counted_net if counted_net is not None else ZERO)
    return RowFigures(
        index=i,
        id=row.id or f"第{i + 1}行",
        group=group,
        category_label=entry.label if entry else (row.category or ""),
        gross=gross,
        net=net,
        window_date=day,
        window_basis=basis,
        in_window=in_window,
        counted_gross=counted_gross,
        counted_net=counted_net,
        counted=counted,
        quarter=quarter_of(day) if day else None,
        non_productive_mark=mark,
    )


def indicator_figures(i: int, ind: Indicator, programme: Programme, mtype: str | None) -> IndicatorFigures:
    entry = programme.indicators.find(ind.key)
    data = entry.data if entry else {}
    direction = ind.direction or data.get("direction") or "higher_better"
    before, after = ind.baseline, ind.current
    rate = None
    absolute = None
    if before is not None and after is not None:
        absolute = after - before
        if before != 0:
            diff = (after - before) if direction == "higher_better" else (before - after)
            rate = pct(diff, abs(before))
    ref = data.get("reference")
    return IndicatorFigures(
        index=i,
        key=entry.key if entry else (ind.key or ""),
        name=ind.name or (entry.label if entry else (ind.key or "")),
        unit=ind.unit if ind.unit is not None else data.get("unit", ""),
        direction=direction,
        formula=ind.formula or data.get("formula", ""),
        category=data.get("category", ""),
        baseline=before,
        current=after,
        change_rate=rate,
        absolute_change=absolute,
        is_ratio=bool(data.get("ratio")),
        reference=Decimal(str(ref)) if ref is not None else None,
        core=bool(mtype and mtype in data.get("core", [])),
        decrease_word=data.get("decrease_word", "降低"),
    )


def rate_figures(app: Application, programme: Programme, mtype: str | None) -> list[RateFigures]:
    out = []
    counts = app.equipment.counts
    for entry in programme.equipment_rates:
        if mtype and mtype not in entry.get("types", []):
            continue
        num, den = counts.get(entry.get("numerator")), counts.get(entry.get("denominator"))
        value = None
        if num is not None and den:  # den None or 0: rate undefined
            value = (Decimal(num) * Decimal(entry.get("scale", 100)) / Decimal(den)).quantize(
                Decimal("0.01"), rounding=ROUND_HALF_UP
            )
        source = entry.get("minimum_source") or ""
        minimum = entry.get("minimum") if source else None
        out.append(
            RateFigures(
                key=entry.key,
                label=entry.label,
                unit=entry.get("unit", "%"),
                formula=entry.get("formula", ""),
                numerator=num,
                denominator=den,
                value=value,
                minimum=Decimal(str(minimum)) if minimum is not None else None,
                minimum_source=source,
            )
        )
    return out


def compute(app: Application, programme: Programme) -> Figures:
    """All derived figures of an application under the programme's (or the project's) readings."""
    readings = readings_for(app, programme)
    rows = [row_figures(i, r, programme, readings) for i, r in enumerate(app.investments)]

    def total(group: str, attr: str) -> Decimal | None:
        values = [getattr(r, attr) for r in rows if r.group == group]
        if any(v is None for v in values):
            return None
        return sum(values, ZERO)

    equipment = total("equipment", "counted") or ZERO
    rd = total("rd", "counted") or ZERO
    eq_net, rd_net = total("equipment", "counted_net"), total("rd", "counted_net")
    rd_ratio = pct(rd, equipment) if equipment else None
    cap = equipment * programme.rd_cap_ratio
    excess = max(ZERO, rd - cap)
    by_category: dict[str, Decimal] = {}
    by_quarter: dict[str, Decimal] = {}
    for r in rows:
        if r.counted:
            by_category[r.category_label] = by_category.get(r.category_label, ZERO) + r.counted
            if r.quarter:
                by_quarter[r.quarter] = by_quarter.get(r.quarter, ZERO) + r.counted
    systems = app.systems
    domestic = sum(1 for s in systems if s.domestic)
    ledger = [e for e in app.equipment.ledger if e.domestic is not None]
    ledger_qty = sum(e.quantity or 0 for e in ledger)
    ledger_dom = sum(e.quantity or 0 for e in ledger if e.domestic)
    return Figures(
        readings=readings,
        rows=rows,
        equipment_total=equipment,
        rd_total=rd,
        qualifying_total=equipment + rd,
        qualifying_total_gross=(total("equipment", "counted_gross") or ZERO) + (total("rd", "counted_gross") or ZERO),
        qualifying_total_net=None if eq_net is None or rd_net is None else eq_net + rd_net,
        rd_ratio=rd_ratio,
        rd_excess=excess,
        total_after_cap=equipment + rd - excess,
        by_category=dict(sorted(by_category.items())),
        by_quarter=dict(sorted(by_quarter.items())),
        indicators=[indicator_figures(i, ind, programme, app.type) for i, ind in enumerate(app.indicators)],
        rates=rate_figures(app, programme, app.type),
        scenarios_implemented=sum(1 for s in app.scenarios if s.implemented == "yes"),
        scenarios_partial=sum(1 for s in app.scenarios if s.implemented == "partial"),
        systems_total=len(systems),
        systems_domestic=domestic,
        domestic_software_ratio=pct(Decimal(domestic), Decimal(len(systems))) if systems else None,
        equipment_domestic_ratio=pct(Decimal(ledger_dom), Decimal(ledger_qty)) if ledger_qty else None,
    )


def breakdown(figures: Figures) -> dict[str, object]:
    """The charted figures of ``check --json`` (and of the roadshow deck): counted investment by
    category and by quarter of the window date (万元, two decimals), and each indicator's before,
    after and change rate. Strings, never floats."""

    def plain(v: Decimal | None) -> str | None:
        return None if v is None else format(v, "f")

    return {
        "by_category_wan": {k: f"{wan(v):.2f}" for k, v in figures.by_category.items()},
        "by_quarter_wan": {k: f"{wan(v):.2f}" for k, v in figures.by_quarter.items()},
        "indicators": [
            {
                "key": i.key,
                "name": i.name,
                "unit": i.unit,
                "baseline": plain(i.baseline),
                "current": plain(i.current),
                "change_rate_percent": plain(i.change_rate),
            }
            for i in figures.indicators
        ],
    }
