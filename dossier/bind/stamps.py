"""Marks stamped on every page of the volume: page number, seam-seal slice, draft watermark.

Each adds operators to a page's :class:`Canvas`, drawn after (above) the wrapped source page.
The volume's page number is the only one a reader sees (the documents dossier renders print no
footer of their own when bound): GB/T 9704 style, “— n —” in 4号 (14 pt) at the foot, its dashes
7 mm below the type area (bottom margin 35 mm), on the outer side one character in from the type
area's edge — right on a front page, left on the back of a duplex sheet — clear of the seam strip.
"""

from __future__ import annotations

from functools import lru_cache

from dossier.bind.draw import ALPHA_RES, SEAL_RES, Canvas
from dossier.bind.geometry import A4_H, A4_W, MM
from dossier.bind.seal import Slice

NUMBER_SIZE = 14.0
NUMBER_RIGHT = A4_W - 26 * MM - NUMBER_SIZE  # type area's right edge, less one character
NUMBER_LEFT = 28 * MM + NUMBER_SIZE
NUMBER_BASELINE = 35 * MM - 7 * MM - NUMBER_SIZE * 0.8
DRAFT_TEXT = "草稿"
DASH = "—"


def number_text(label: str) -> str:
    """How a page number is printed: ``— 12 —``."""
    return f"{DASH} {label} {DASH}"


def page_number(c: Canvas, label: str, page: int, duplex: bool) -> None:
    """Black “— n —” with a thin white halo, so it stays legible on a dark scan."""
    if duplex and page % 2 == 0:
        x, align = NUMBER_LEFT, "left"
    else:
        x, align = NUMBER_RIGHT, "right"
    show = c.text_op(x, NUMBER_BASELINE, number_text(label), NUMBER_SIZE, align)
    c.save().raw("1 Tr 1 G 2 w 1 j").raw(show).restore()
    c.gray(fill=0).raw(show)


def seal_slice(c: Canvas, s: Slice) -> None:
    """The slice of the dashed placeholder seal, clipped to the page's fore-edge strip.

    The strip's inner edge and ends are marked with a light dotted line so that even the middle
    slices (where the seal's outline runs almost parallel to the strip's ends) stay visible.
    """
    c.ops.extend(_slice_ops(s.rect, s.seal_x, s.seal_y))


@lru_cache(maxsize=1024)
def _slice_ops(rect, seal_x: float, seal_y: float) -> tuple[str, ...]:
    """The operators of :func:`seal_slice`: the same slice recurs in every seal group."""
    x0, y0, x1, y1 = rect
    c = Canvas()
    c.save().clip(x0, y0, x1, y1)
    c.save().cm((1.0, 0.0, 0.0, 1.0, seal_x, seal_y)).xobject(SEAL_RES).restore()
    c.gray(stroke=0.55).line_style(0.6, (1, 1.5))
    c.line(x0 + 0.3, y0, x0 + 0.3, y1)
    c.line(x0, y0 + 0.3, x1, y0 + 0.3)
    c.line(x0, y1 - 0.3, x1, y1 - 0.3)
    c.restore()
    return tuple(c.ops)


def draft(c: Canvas) -> None:
    """A large diagonal, half-transparent 草稿 across the page."""
    size = 160.0
    w = c.font.width(DRAFT_TEXT, size) if c.font else 0
    # 45°: cos = sin = 0.7071
    k = 0.70710678
    cx, cy = A4_W / 2, A4_H / 2
    x = cx - k * (w / 2) + k * (size * 0.35)
    y = cy - k * (w / 2) - k * (size * 0.35)
    c.save().raw(f"{ALPHA_RES} gs").gray(fill=0.5)
    c.text_rotated((k, k, -k, k, x, y), DRAFT_TEXT, size)
    c.restore()
