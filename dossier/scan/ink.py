"""What one scanned page is reduced to: seal ink per mm², print darkness per mm², colour.

Seal ink (印泥) is red: its pigment absorbs green most, blue less (a thin or faded layer looks
pink: red above green, blue in between) and red least, so "redness" is R − G on pixels where
blue does not exceed red (which leaves out blue and purple print). Fresh ink is 150+ levels
redder than green; oxidised brownish ink 70+; faded pink 30–60. Redness is read as ink
*coverage*: a pixel fully covered even by faded ink is at least ``RED_FULL`` redder, and thin
strokes, JPEG's 4:2:0 chroma averaging and the sliver's edges leave pixels partly covered,
counted in proportion between ``RED_NOISE`` and ``RED_FULL``. Below ``RED_NOISE`` are the colour
fringes a scanner leaves on black and grey print (its R, G and B sensors read a fraction of a line
apart) and JPEG chroma noise. Black toner is left out whatever its hue (``RED_DARK``).

A page is kept as three arrays of 1 mm cells (a 200 dpi A4 page of 9 MB becomes 190 kB): the share
of red ink per cell, the darkness of print per cell (seal ink removed, paper level subtracted),
and the colour spread per cell. Everything after decoding works on those.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageChops

MM_PER_PT = 25.4 / 72
RED_NOISE = 12
RED_FULL = 45
RED_DARK = 80  # below this red level a pixel is black toner whatever its hue
_COVERAGE = [0 if v <= RED_NOISE else 255 if v >= RED_FULL else round(255 * (v - RED_NOISE) / (RED_FULL - RED_NOISE)) for v in range(256)]


@dataclass
class PageCells:
    """A page as displayed, in 1 mm cells (row 0 at the top)."""

    red: np.ndarray  # float32, mm² of seal ink in the cell (0..1)
    ink: np.ndarray  # float32, darkness of print above the paper (0..255), seal ink removed
    chroma: float  # 99th percentile of the cells' colour spread (max − min channel)
    colour: bool  # the image has colour channels at all

    def turned(self) -> PageCells:
        """The same page turned by 180°."""
        return PageCells(self.red[::-1, ::-1], self.ink[::-1, ::-1], self.chroma, self.colour)


def red_mask(im: Image.Image) -> Image.Image:
    """Seal-ink coverage of each pixel of ``im`` (RGB), 0–255 (in Pillow: 1 M pixels in a few ms)."""
    r, g, b = im.split()
    redness = ImageChops.subtract(r, g)
    lit = r.point(lambda v: 255 if v >= RED_DARK else 0)
    not_blue = ImageChops.subtract(b, r).point(lambda v: 255 if v <= 4 else 0)
    return ImageChops.multiply(ImageChops.multiply(redness.point(_COVERAGE), lit), not_blue)


def _to_cells(im: Image.Image, size: tuple[int, int]) -> Image.Image:
    """Average ``im`` down to ``size`` (1 mm cells): an integer reduce first, which is cheap."""
    f = min(im.width // size[0], im.height // size[1])
    if f >= 2:
        im = im.reduce(f)
    return im.resize(size, Image.Resampling.BOX)


def page_cells(im: Image.Image, width_pt: float, height_pt: float) -> PageCells:
    """Reduce a page image (RGB or L, any resolution ≥ 1 px/mm) to :class:`PageCells`."""
    size = max(1, round(width_pt * MM_PER_PT)), max(1, round(height_pt * MM_PER_PT))
    small = _to_cells(im, size)
    if im.mode == "RGB":
        red = np.asarray(_to_cells(red_mask(im), size), dtype=np.float32) / 255
        r, g_, b = (np.asarray(band, dtype=np.int16) for band in small.split())
        spread = np.maximum(np.maximum(r, g_), b) - np.minimum(np.minimum(r, g_), b)
        chroma = float(np.partition(spread.ravel(), int(spread.size * 0.99))[int(spread.size * 0.99)])
        g = np.asarray(small.convert("L"), dtype=np.float32)
    else:
        red = np.zeros(size[::-1], dtype=np.float32)
        chroma = 0.0
        g = np.asarray(small, dtype=np.float32)
    paper = float(np.partition(g.ravel(), int(g.size * 0.9))[int(g.size * 0.9)])  # scanners differ in paper level
    ink = np.clip(paper - g, 0, 255)
    ink[red > 0.05] = 0  # seal ink is not print: taken out before comparing with the volume
    return PageCells(red, ink, chroma, im.mode == "RGB")


def rect_cells(rect_mm: tuple[float, float, float, float], shape: tuple[int, int]) -> tuple[slice, slice]:
    """Row and column slices of the cells inside ``(x0, y0, x1, y1)`` mm (top-left origin), clipped."""
    rows, cols = shape
    x0, y0, x1, y1 = rect_mm
    c0, c1 = max(0, int(np.floor(x0))), min(cols, int(np.ceil(x1)))
    r0, r1 = max(0, int(np.floor(y0))), min(rows, int(np.ceil(y1)))
    return slice(r0, max(r0, r1)), slice(c0, max(c0, c1))


def red_mm2(cells: PageCells, rect_mm: tuple[float, float, float, float]) -> float:
    """mm² of seal ink inside a rectangle of the page (mm, top-left origin)."""
    rows, cols = rect_cells(rect_mm, cells.red.shape)
    return float(cells.red[rows, cols].sum())


# A page is blank when fewer than BLANK_MM2 of its cells are printed darker than INK_LEVEL: a
# printed stroke covering a sixth of a 1 mm cell darkens it by 40 levels, while a sheet's back
# showing the front through 80 g/m² paper darkens it by at most 6 % (15 levels). The page number
# alone covers about 10 such cells. Scanner borders (EDGE_MM) are not part of the sheet's face.
INK_LEVEL = 40.0
BLANK_MM2 = 4
EDGE_MM = 8


def printed_mm2(cells: PageCells) -> int:
    inner = cells.ink[EDGE_MM:-EDGE_MM, EDGE_MM:-EDGE_MM]
    return int((inner > INK_LEVEL).sum())


def is_blank(cells: PageCells) -> bool:
    return printed_mm2(cells) < BLANK_MM2
