"""Marks stamped on every page of the volume: page number, seam-seal slice, draft watermark.

Each adds operators to a page's :class:`Canvas`, drawn after (above) the wrapped source page.
The volume's own page number sits in the top outer corner (top right; top left on the back of a
duplex sheet), as in Chinese archive numbering, so it never meets the “— n —” footers that
documents rendered from Word carry at bottom centre, nor the seam strip at the right edge.
"""

from __future__ import annotations

from dossier.bind.draw import ALPHA_RES, SEAL_RES, Canvas
from dossier.bind.geometry import A4_H, A4_W, MM
from dossier.bind.seal import Slice

NUMBER_SIZE = 10.5
NUMBER_INSET_X = 15 * MM
NUMBER_BASELINE = A4_H - 12 * MM - NUMBER_SIZE
DRAFT_TEXT = "草稿"


def page_number(c: Canvas, label: str, page: int, duplex: bool) -> None:
    """Black digits with a thin white halo, so they stay legible on a dark scan."""
    if duplex and page % 2 == 0:
        x, align = NUMBER_INSET_X, "left"
    else:
        x, align = A4_W - NUMBER_INSET_X, "right"
    c.save().raw("1 Tr 1 G 2 w 1 j").text(x, NUMBER_BASELINE, label, NUMBER_SIZE, align).restore()
    c.gray(fill=0).text(x, NUMBER_BASELINE, label, NUMBER_SIZE, align)


def seal_slice(c: Canvas, s: Slice) -> None:
    """The slice of the dashed placeholder seal, clipped to the page's fore-edge strip.

    The strip's inner edge and ends are marked with a light dotted line so that even the middle
    slices (where the seal's outline runs almost parallel to the strip's ends) stay visible.
    """
    x0, y0, x1, y1 = s.rect
    c.save().clip(x0, y0, x1, y1)
    c.save().cm((1.0, 0.0, 0.0, 1.0, s.seal_x, s.seal_y)).xobject(SEAL_RES).restore()
    c.gray(stroke=0.55).line_style(0.6, (1, 1.5))
    c.line(x0 + 0.3, y0, x0 + 0.3, y1)
    c.line(x0, y0 + 0.3, x1, y0 + 0.3)
    c.line(x0, y1 - 0.3, x1, y1 - 0.3)
    c.restore()


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
