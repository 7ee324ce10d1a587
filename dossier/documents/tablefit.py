"""Tables as rendered: codes, numbers and dates never break inside; columns wide enough for them.

A rendered document's tables keep the template's total width, but each column is widened to
hold its longest unbreakable token — an invoice, voucher or contract number, a USCC, a 备案代码,
an amount, a date such as 2023年10月12日 — and at least two Chinese characters (so 序号 is not
printed 序/号); the width comes from the columns of free text (which wrap anyway), each giving
at most a fifth of its width. A token that still does not fit is set a little smaller; in a list
(a table with a header row) every token of its column alike. Inside a table cell each such token is tied together with WORD JOINERs (U+2060, zero
width, LibreOffice's "no-width no break"), so even a line that could break there does not.

Widths are estimated from character classes (CJK 1 em, Latin letters and digits 0.55 em, a
quarter em between the two) at the size of the cell's paragraph style.
"""

from __future__ import annotations

import math
import re

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WJ = "\u2060"
TWIPS_PER_PT = 20
CELL_PADDING_PT = 2 * 1.2 / 25.4 * 72 + 1.5  # the templates' cell margins and a little air
SMALL, NORMAL = 9.0, 10.5
# A date (2023年10月12日, 2025年1-9月) or a run of Latin letters, digits and the marks inside codes
# and amounts; an opening bracket before it goes with it (never left alone at a line end), and so
# does a closing bracket after it (never put at a line start): 是（SECS/GEM） needs the width of
# （SECS/GEM）, or LibreOffice breaks it as 是 / （ / SECS/GEM）.
TOKEN = re.compile(
    r"(?:\d{4}年\d{1,2}(?:[-–—~至]\d{1,2})?月(?:\d{1,2}日)?"
    r"|[（(《“‘【]?[A-Za-z0-9][A-Za-z0-9\-_/.:,%+#±μ]*[A-Za-z0-9%]|[A-Za-z0-9])[）)》”’】]?"
)
DONOR_SHARE = 0.2  # a donor column gives at most a fifth of its width
FREE_TEXT = 1.5  # a column whose cells' text averages more than 1.5 lines is free text (a donor)
MIN_SIZE = 7.0  # points: a token is never set smaller than this to fit its cell
MAX_TOKEN = 32  # characters; a longer run (a URL, a long model name) may still break


def ems(text: str) -> float:
    """Width of ``text`` in ems, generously: CJK 1, capitals 0.72, digits 0.56, other Latin 0.56
    (lower case and marks are narrower), plus a quarter em between CJK and Latin (autospace)."""
    width, prev = 0.0, None
    for ch in text:
        latin = ord(ch) < 0x2E80
        width += (0.72 if ch.isupper() else 0.56) if latin else 1.0
        if prev is not None and latin != prev:
            width += 0.25
        prev = latin
    return width


def _size(tc) -> float:
    for s in tc.iter(f"{W}pStyle"):
        return SMALL if s.get(f"{W}val", "").endswith("Small") else NORMAL
    return NORMAL


def _text(tc) -> str:
    return "".join(t.text or "" for t in tc.iter(f"{W}t"))


class _Cell:
    """What :func:`fit_table` reads of a cell, read once (a cell is asked up to four times; the
    big tables of 附件6 took ~0.1 s): its text, size, widest token (ems) and the points it needs."""

    __slots__ = ("need", "size", "text", "widest")

    def __init__(self, tc) -> None:
        self.text = _text(tc)
        self.size = _size(tc)
        self.widest = max((ems(m.group(0)) for m in TOKEN.finditer(self.text) if len(m.group(0)) <= MAX_TOKEN),
                          default=0.0)
        widest = max(self.widest, 2.0) if _HAN.search(self.text) else self.widest
        # Points a cell's column must give it: its widest token, or two Chinese characters.
        self.need = widest * self.size + CELL_PADDING_PT if widest else 0.0


_HAN = re.compile(r"[\u3400-\u9fff]")


def _tie(tc) -> None:
    for t in tc.iter(f"{W}t"):
        if t.text:
            t.text = TOKEN.sub(lambda m: WJ.join(m.group(0)) if len(m.group(0)) <= MAX_TOKEN else m.group(0), t.text)


def _spans(tr):
    col = 0
    for tc in tr.findall(f"{W}tc"):
        span_el = tc.find(f"{W}tcPr/{W}gridSpan")
        span = int(span_el.get(f"{W}val", "1")) if span_el is not None else 1
        yield col, span, tc
        col += span


def fit_table(tbl) -> None:
    grid = tbl.find(f"{W}tblGrid")
    cols = grid.findall(f"{W}gridCol") if grid is not None else []
    if not cols:
        return
    widths = [int(c.get(f"{W}w", "0")) / TWIPS_PER_PT for c in cols]
    need = [0.0] * len(widths)
    text: list[list[float]] = [[] for _ in widths]  # one-line width of each cell's whole text
    rows = [(tr, [(col, span, tc, _Cell(tc)) for col, span, tc in _spans(tr)]) for tr in tbl.findall(f"{W}tr")]
    headers = [tr.find(f"{W}trPr/{W}tblHeader") is not None for tr, _ in rows]
    for (_, cells), header in zip(rows, headers):
        for col, span, _, cell in cells:
            if span == 1 and col < len(need):
                need[col] = max(need[col], cell.need)
                if not header:
                    text[col].append(ems(cell.text) * cell.size + CELL_PADDING_PT)
    free = [bool(t) and sum(t) / len(t) > FREE_TEXT * w for t, w in zip(text, widths, strict=True)]
    new = _widen(widths, need, free)
    for c, w in zip(cols, new, strict=True):
        c.set(f"{W}w", str(round(w * TWIPS_PER_PT)))
    # In a list (a table with a header row), a column whose widest token still does not fit is set
    # smaller, every cell of it holding a token alike: dates of one column in one size, not 9 pt in
    # one row and 8 pt in the next. A form (label, value, label, value) has no such columns: there
    # only the cell that does not fit is set smaller.
    smaller: dict[int, float] = {}
    listing = any(headers)
    for _, cells in rows if listing else ():
        for col, span, _, cell in cells:
            if span == 1 and col < len(new):
                fit = _fit_size(cell, new[col])
                if fit is not None:
                    smaller[col] = min(fit, smaller.get(col, fit))
    for _, cells in rows:
        for col, span, tc, cell in cells:
            width = sum(new[col:col + span])
            tcw = tc.find(f"{W}tcPr/{W}tcW")
            if new != widths and tcw is not None and tcw.get(f"{W}type") == "dxa":
                tcw.set(f"{W}w", str(round(width * TWIPS_PER_PT)))
            fit = smaller.get(col) if listing and span == 1 else _fit_size(cell, width)
            if fit is not None and cell.widest and fit < cell.size:
                _set_size(tc, fit)
            _tie(tc)


def _fit_size(cell: _Cell, width: float) -> float | None:
    """The size (half points, not below MIN_SIZE) at which a cell's widest token fits ``width``; None
    when it fits at its own size or would need less than MIN_SIZE (it then breaks instead)."""
    if not cell.widest or cell.widest * cell.size + CELL_PADDING_PT <= width:
        return None
    fit = math.floor((width - CELL_PADDING_PT) / cell.widest * 2) / 2  # half points
    return fit if fit >= MIN_SIZE else None


def _set_size(tc, fit: float) -> None:
    from docx.oxml import OxmlElement

    for r in tc.iter(f"{W}r"):
        rpr = r.find(f"{W}rPr")
        if rpr is None:
            rpr = OxmlElement("w:rPr")
            r.insert(0, rpr)
        for tag in ("sz", "szCs"):
            el = rpr.find(f"{W}{tag}")
            if el is None:
                el = OxmlElement(f"w:{tag}")
                rpr.append(el)
            el.set(f"{W}val", str(int(fit * 2)))


def _widen(widths: list[float], need: list[float], free: list[bool]) -> list[float]:
    """Columns at least as wide as they need, the total unchanged, the width taken from the columns
    of free text in proportion to their room, as far as it goes."""
    short = [max(0.0, n - w) for w, n in zip(widths, need, strict=True)]
    deficit = sum(short)
    if deficit <= 0.5:
        return widths
    room = [max(0.0, min(w * DONOR_SHARE, w - n)) if f else 0.0 for w, n, f in zip(widths, need, free, strict=True)]
    spare = sum(room)
    if spare <= 0:
        return widths
    take = min(1.0, spare / deficit)
    give = deficit * take
    return [w + s * take - (r / spare) * give for w, s, r in zip(widths, short, room, strict=True)]


def fit_tables(body) -> None:
    """:func:`fit_table` for every table of a document body (nested ones too)."""
    for tbl in body.iter(f"{W}tbl"):
        fit_table(tbl)
