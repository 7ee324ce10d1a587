"""Page geometry in PDF points: affine matrices, rectangles, and where a source page lands on A4.

Pure functions: no PDF objects here, so rotation, crop and fit rules are testable on numbers.
Coordinates follow PDF: origin bottom-left, y up. ``/Rotate`` turns a page clockwise when shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

MM = 72 / 25.4
A4_W = 595.28
A4_H = 841.89
# Content that is not A4 is fitted inside these margins; A4 content keeps its own.
FIT_MARGIN = 10 * MM
# A page within this fraction of A4 is treated as A4 (scans, "A4" from other tools).
A4_TOLERANCE = 0.015

Matrix = tuple[float, float, float, float, float, float]
Rect = tuple[float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def mul(m: Matrix, n: Matrix) -> Matrix:
    """``m`` then ``n`` (PDF order: a point is transformed by m first)."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return (a * x + c * y + e, b * x + d * y + f)


def invert(m: Matrix) -> Matrix:
    a, b, c, d, e, f = m
    det = a * d - b * c
    ia, ib, ic, id_ = d / det, -b / det, -c / det, a / det
    return (ia, ib, ic, id_, -(e * ia + f * ic), -(e * ib + f * id_))


def transform_rect(m: Matrix, r: Rect) -> Rect:
    pts = [apply(m, x, y) for x in (r[0], r[2]) for y in (r[1], r[3])]
    xs = [p[0] for p in pts]
    ys = [p[1] for p in pts]
    return (min(xs), min(ys), max(xs), max(ys))


def intersect(r: Rect, s: Rect) -> Rect | None:
    x0, y0 = max(r[0], s[0]), max(r[1], s[1])
    x1, y1 = min(r[2], s[2]), min(r[3], s[3])
    if x1 <= x0 or y1 <= y0:
        return None
    return (x0, y0, x1, y1)


def normal_rect(r: Rect) -> Rect:
    return (min(r[0], r[2]), min(r[1], r[3]), max(r[0], r[2]), max(r[1], r[3]))


def normal_rotation(rotate: int | float) -> int:
    """/Rotate as one of 0, 90, 180, 270 (−90 is 270; off-grid values snap to the nearest)."""
    return int(round(float(rotate) / 90.0)) % 4 * 90


@dataclass(frozen=True)
class Placement:
    """Where a source page lands on its A4 page.

    ``matrix`` maps source user space to the A4 page; ``rect`` is the visible source box as placed;
    ``turned`` says a landscape page was turned so its top is at the binding (left) edge;
    ``scale`` is 1.0 for A4 content and the fit factor otherwise.
    """

    matrix: Matrix
    rect: Rect
    turned: bool
    scale: float


def display_matrix(box: Rect, rotate: int) -> tuple[Matrix, float, float]:
    """Matrix from source user space to the page as displayed (origin 0,0), and the displayed size."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    m: Matrix = (1.0, 0.0, 0.0, 1.0, -x0, -y0)
    r = normal_rotation(rotate)
    if r == 90:
        m, size = mul(m, (0.0, -1.0, 1.0, 0.0, 0.0, w)), (h, w)
    elif r == 180:
        m, size = mul(m, (-1.0, 0.0, 0.0, -1.0, w, h)), (w, h)
    elif r == 270:
        m, size = mul(m, (0.0, 1.0, -1.0, 0.0, h, 0.0)), (h, w)
    else:
        size = (w, h)
    return m, size[0], size[1]


def place_on_a4(box: Rect, rotate: int) -> Placement:
    """Placement of a page with visible ``box`` (CropBox ∩ MediaBox) and ``/Rotate`` on A4 portrait.

    Landscape (as displayed) is turned a quarter counter-clockwise, so the page's top lies on the
    binding edge. A4-sized content is kept at its size; anything else is scaled, up or down, to fit
    inside :data:`FIT_MARGIN`, and centred.
    """
    m, w, h = display_matrix(box, rotate)
    turned = w > h * 1.0001
    if turned:
        m = mul(m, (0.0, 1.0, -1.0, 0.0, h, 0.0))
        w, h = h, w
    near_a4 = abs(w - A4_W) <= A4_W * A4_TOLERANCE and abs(h - A4_H) <= A4_H * A4_TOLERANCE
    if near_a4:
        s = min(A4_W / w, A4_H / h)
    else:
        s = min((A4_W - 2 * FIT_MARGIN) / w, (A4_H - 2 * FIT_MARGIN) / h)
    tx = (A4_W - w * s) / 2
    ty = (A4_H - h * s) / 2
    m = mul(m, (s, 0.0, 0.0, s, tx, ty))
    return Placement(m, (tx, ty, tx + w * s, ty + h * s), turned, s)


@lru_cache(maxsize=8192)
def fmt(x: float) -> str:
    """A number for a content stream: fixed precision, no exponent, no ``-0``.

    Memoised: a volume prints the same few coordinates on every page (seam strips, number
    positions, placement matrices), tens of thousands of times."""
    s = f"{x:.4f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def fmt_matrix(m: Matrix) -> str:
    return " ".join(fmt(v) for v in m)
