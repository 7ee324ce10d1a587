"""Content-stream building: text in the embedded CJK font, lines, dashed circles, clipping.

A :class:`Canvas` collects operators as bytes; numbers are printed with fixed precision so the
same drawing is always the same bytes.
"""

from __future__ import annotations

from dossier.bind.fonts import FontSubset
from dossier.bind.geometry import Matrix, fmt, fmt_matrix

FONT_RES = "/DF"
SEAL_RES = "/DSeal"
ALPHA_RES = "/DGs"
_K = 0.5522847498  # Bézier handle length for a quarter circle


class Canvas:
    def __init__(self, font: FontSubset | None = None) -> None:
        self.font = font
        self.ops: list[str] = []

    def raw(self, op: str) -> Canvas:
        self.ops.append(op)
        return self

    def save(self) -> Canvas:
        return self.raw("q")

    def restore(self) -> Canvas:
        return self.raw("Q")

    def cm(self, m: Matrix) -> Canvas:
        return self.raw(f"{fmt_matrix(m)} cm")

    def gray(self, stroke: float | None = None, fill: float | None = None) -> Canvas:
        if stroke is not None:
            self.raw(f"{fmt(stroke)} G")
        if fill is not None:
            self.raw(f"{fmt(fill)} g")
        return self

    def line_style(self, width: float, dash: tuple[float, ...] = ()) -> Canvas:
        self.raw(f"{fmt(width)} w [{' '.join(fmt(d) for d in dash)}] 0 d")
        return self

    def line(self, x0: float, y0: float, x1: float, y1: float) -> Canvas:
        return self.raw(f"{fmt(x0)} {fmt(y0)} m {fmt(x1)} {fmt(y1)} l S")

    def rect(self, x0: float, y0: float, w: float, h: float, op: str = "S") -> Canvas:
        return self.raw(f"{fmt(x0)} {fmt(y0)} {fmt(w)} {fmt(h)} re {op}")

    def clip(self, x0: float, y0: float, x1: float, y1: float) -> Canvas:
        return self.raw(f"{fmt(x0)} {fmt(y0)} {fmt(x1 - x0)} {fmt(y1 - y0)} re W n")

    def circle(self, cx: float, cy: float, r: float, op: str = "S") -> Canvas:
        k = r * _K
        p = [
            f"{fmt(cx + r)} {fmt(cy)} m",
            f"{fmt(cx + r)} {fmt(cy + k)} {fmt(cx + k)} {fmt(cy + r)} {fmt(cx)} {fmt(cy + r)} c",
            f"{fmt(cx - k)} {fmt(cy + r)} {fmt(cx - r)} {fmt(cy + k)} {fmt(cx - r)} {fmt(cy)} c",
            f"{fmt(cx - r)} {fmt(cy - k)} {fmt(cx - k)} {fmt(cy - r)} {fmt(cx)} {fmt(cy - r)} c",
            f"{fmt(cx + k)} {fmt(cy - r)} {fmt(cx + r)} {fmt(cy - k)} {fmt(cx + r)} {fmt(cy)} c",
            op,
        ]
        return self.raw(" ".join(p))

    def text(self, x: float, y: float, s: str, size: float, align: str = "left") -> Canvas:
        """Draw ``s`` with its baseline at ``y``; ``align`` is left / center / right of ``x``."""
        if not s:
            return self
        return self.raw(self.text_op(x, y, s, size, align))

    def text_op(self, x: float, y: float, s: str, size: float, align: str = "left") -> str:
        """The operators :meth:`text` adds, for drawing the same text twice (a halo, then ink)."""
        assert self.font is not None, "text needs a font"
        w = self.font.width(s, size)
        if align == "center":
            x -= w / 2
        elif align == "right":
            x -= w
        code = self.font.encode(s).hex().upper()
        return f"BT {FONT_RES} {fmt(size)} Tf {fmt(x)} {fmt(y)} Td <{code}> Tj ET"

    def text_rotated(self, m: Matrix, s: str, size: float) -> Canvas:
        assert self.font is not None
        code = self.font.encode(s).hex().upper()
        return self.raw(f"BT {FONT_RES} {fmt(size)} Tf {fmt_matrix(m)} Tm <{code}> Tj ET")

    def xobject(self, name: str) -> Canvas:
        return self.raw(f"{name} Do")

    def bytes(self) -> bytes:
        return ("\n".join(self.ops) + "\n").encode("ascii")


def fit_text(font: FontSubset, s: str, size: float, max_width: float) -> str:
    """``s`` cut with ``…`` so that it fits ``max_width``."""
    if font.width(s, size) <= max_width:
        return s
    while s and font.width(s + "…", size) > max_width:
        s = s[:-1]
    return s + "…"


def seal_outline(diameter: float) -> bytes:
    """The placeholder seal: grey dashed rings, no red, so a scan can tell it from real ink."""
    r = diameter / 2
    c = Canvas()
    c.gray(stroke=0.45).line_style(0.7, (3, 2)).circle(r, r, r - 0.5)
    c.gray(stroke=0.6).line_style(0.4, (1, 2)).circle(r, r, r - 3.5)
    return c.bytes()
