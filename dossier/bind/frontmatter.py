"""The pages dossier adds in front of the documents: the cover and the table of contents.

Each returns content-stream bytes for an A4 page drawn with the embedded CJK font. A long TOC
title wraps onto further lines (never cut); where it wraps is decided from an upper bound of each
character's width (CJK 1 em, anything else 0.6 em) and a page-number column wide enough for any
label, so the TOC's page count depends only on its entries' levels and titles and is known before
the page numbers it prints.
"""

from __future__ import annotations

from dataclasses import dataclass

from dossier.bind.draw import SEAL_RES, Canvas, fit_text
from dossier.bind.fonts import FontSubset
from dossier.bind.geometry import A4_H, A4_W, MM, Rect
from dossier.bind.seal import SEAL_DIAMETER

COVER_SEAL_LABEL = "此处加盖企业公章"
TOC_TITLE = "目　录"
TOC_CONTINUED = "（续）"  # after the title on the TOC's second and later pages
_TOC_TOP = A4_H - 30 * MM
_TOC_FIRST = A4_H - 48 * MM
_TOC_LINE = 24.0
_TOC_BOTTOM = 28 * MM
_LEFT = 25 * MM
_RIGHT = A4_W - 25 * MM
TOC_ROWS = int((_TOC_FIRST - _TOC_BOTTOM) // _TOC_LINE) + 1


@dataclass(frozen=True)
class Cover:
    """Cover page: a title and label/value lines (企业名称, 项目名称, 所在区, 日期 …)."""

    title: str
    fields: tuple[tuple[str, str], ...] = ()
    seal_label: str = COVER_SEAL_LABEL

    def __init__(self, title: str, fields=(), seal_label: str = COVER_SEAL_LABEL) -> None:
        object.__setattr__(self, "title", title)
        object.__setattr__(self, "fields", tuple((str(a), str(b)) for a, b in fields))
        object.__setattr__(self, "seal_label", seal_label)

    def chars(self) -> set[str]:
        return set(self.title + self.seal_label + "：" + "".join(a + b for a, b in self.fields))


@dataclass(frozen=True)
class TocEntry:
    level: int  # 1 = section or input, 2 = document, 3 = what is filed under it (an investment row, a proof)
    title: str
    page_label: str


_NUMBER_COLUMN = 40.0  # points kept free for the page label and the leader's ends


def _entry_size(level: int) -> float:
    return 12.0 if level <= 1 else 10.5


def _entry_x(level: int) -> float:
    return _LEFT + 2 * _entry_size(level) * (max(level, 1) - 1)


def _em_width(text: str) -> float:
    """Width of ``text`` in ems, at most what any font gives it (CJK 1, anything else 0.6)."""
    return sum(0.6 if ord(ch) < 0x2E80 else 1.0 for ch in text)


def toc_lines(level: int, title: str) -> list[str]:
    """``title`` broken into the lines it takes in the TOC (a line break never splits the page
    label from its title's last line: the label sits on the last line).

    Breaks as Chinese typesetting does: never before closing punctuation (）、，。), never inside
    a run of Latin letters and digits (SC28, 1,800, 800G), and never leaving fewer than
    :data:`MIN_LAST_LINE` characters alone on the last line (a lone "录）" under a title)."""
    size = _entry_size(level)
    width = (_RIGHT - _entry_x(level) - _NUMBER_COLUMN) / size
    lines: list[str] = []
    rest = title
    while _em_width(rest) > width:
        n = 1
        while n < len(rest) and _em_width(rest[: n + 1]) <= width:
            n += 1
        n = _break_before(rest, n)
        lines.append(rest[:n])
        rest = rest[n:]
    if lines and len(rest) < MIN_LAST_LINE:
        joined = lines.pop() + rest
        n = _break_before(joined, max(len(joined) - MIN_LAST_LINE, 1))
        lines.append(joined[:n])
        rest = joined[n:]
    return [*lines, rest] if rest or not lines else lines


MIN_LAST_LINE = 4
_NO_LINE_START = set("）」』】〕》〉，。、；：？！…%,.;:?!)]}")


def _break_before(text: str, n: int) -> int:
    """The break at or before ``n`` that starts no line with closing punctuation and splits no
    Latin/digit run; ``n`` itself when there is none (a code longer than the line)."""
    for k in range(n, 0, -1):
        if text[k] not in _NO_LINE_START and not _joined(text[k - 1], text[k]):
            return k
    return n


def _joined(a: str, b: str) -> bool:
    latin = str.isascii
    return (latin(a) and a.isalnum() and latin(b) and b.isalnum()) or (a.isdigit() and b in ",.") or (a in ",." and b.isdigit())


def toc_layout(entries: list[tuple[int, str]]) -> list[list[int]]:
    """Indexes of the entries on each TOC page; an entry's lines stay on one page."""
    pages: list[list[int]] = [[]]
    rows = 0
    for i, (level, title) in enumerate(entries):
        n = len(toc_lines(level, title))
        if rows and rows + n > TOC_ROWS:
            pages.append([])
            rows = 0
        pages[-1].append(i)
        rows += n
    return pages


def toc_page_count(entries: list[tuple[int, str]]) -> int:
    """Pages the TOC takes for ``(level, title)`` entries."""
    return len(toc_layout(entries))


def toc_chars(titles: list[str], *, continued: bool) -> set[str]:
    """What the TOC prints; ``continued`` when it runs to a second page (目录（续）)."""
    return set(TOC_TITLE + (TOC_CONTINUED if continued else "") + "0123456789ivxlcdm" + "".join(titles))


def cover_page(cover: Cover, font: FontSubset) -> tuple[bytes, Rect]:
    """Content of the cover and the rectangle of the cover-seal placeholder."""
    c = Canvas(font)
    c.gray(fill=0)
    title_size = 26.0
    lines = _wrap(font, cover.title, title_size, A4_W - 50 * MM)
    y = A4_H - 75 * MM
    for line in lines:
        c.text(A4_W / 2, y, line, title_size, "center")
        y -= title_size * 1.6
    y = min(y - 40 * MM, A4_H / 2 - 10 * MM)
    label_w = max((font.width(a + "：", 15) for a, _ in cover.fields), default=0)
    x_label = 45 * MM
    for label, value in cover.fields:
        c.text(x_label, y, label + "：", 15)
        value = fit_text(font, value, 15, A4_W - x_label - label_w - 30 * MM)
        c.text(x_label + label_w + 4, y, value, 15)
        c.gray(stroke=0.3).line_style(0.5).line(x_label + label_w + 2, y - 4, A4_W - 35 * MM, y - 4)
        y -= 15 * 2.4
    d = SEAL_DIAMETER
    cx = A4_W - 35 * MM - d / 2
    cy = max(y - 6 * MM, 45 * MM + d / 2) if cover.fields else A4_H / 2 - 40 * MM
    rect = (cx - d / 2, cy - d / 2, cx + d / 2, cy + d / 2)
    c.save().cm((1.0, 0.0, 0.0, 1.0, rect[0], rect[1])).xobject(SEAL_RES).restore()
    c.gray(fill=0.5).text(cx, cy - 3, cover.seal_label, 8, "center")
    return c.bytes(), rect


def toc_pages(entries: list[TocEntry], font: FontSubset) -> list[bytes]:
    pages = []
    layout = toc_layout([(e.level, e.title) for e in entries])
    for p, indexes in enumerate(layout):
        c = Canvas(font)
        c.gray(fill=0).text(A4_W / 2, _TOC_TOP, TOC_TITLE + (TOC_CONTINUED if p else ""), 18, "center")
        y = _TOC_FIRST
        for e in (entries[i] for i in indexes):
            size = _entry_size(e.level)
            x = _entry_x(e.level)
            lines = toc_lines(e.level, e.title)
            for line in lines[:-1]:
                c.gray(fill=0).text(x, y, line, size)
                y -= _TOC_LINE
            title = lines[-1]
            num_w = font.width(e.page_label, size)
            c.gray(fill=0).text(x, y, title, size)
            c.text(_RIGHT, y, e.page_label, size, "right")
            lead0 = x + font.width(title, size) + 6
            lead1 = _RIGHT - num_w - 6
            if lead1 > lead0:
                c.save().gray(stroke=0.45).line_style(0.8, (0.8, 3)).raw("1 J").line(lead0, y + 1, lead1, y + 1).restore()
            y -= _TOC_LINE
        pages.append(c.bytes())
    return pages


def _wrap(font: FontSubset, text: str, size: float, width: float) -> list[str]:
    lines, cur = [], ""
    for ch in text:
        if cur and font.width(cur + ch, size) > width:
            lines.append(cur)
            cur = ""
        cur += ch
    if cur:
        lines.append(cur)
    return lines[:4]
