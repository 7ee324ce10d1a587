"""Pixel measures on a page image: red seal ink in an area, blankness, a thumbnail to compare.

Seal ink (印泥) is red: the red channel well above green and blue. The printed seam placeholder is
a thin grey dashed outline and black text is neutral, so neither counts. Areas are converted to
mm² so that thresholds do not depend on the scan's resolution.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

from dossier.scan.manifest import Rect

MM_PER_PT = 25.4 / 72
# Margin around a manifest area: a sheet is never fed perfectly straight.
SLACK_MM = 4.0


def red_mask(rgb: np.ndarray) -> np.ndarray:
    r, g, b = (rgb[..., i].astype(np.int16) for i in range(3))
    return (r >= 110) & (r - g >= 55) & (r - b >= 40)


def red_grid(im: Image.Image, width_pt: float, height_pt: float) -> np.ndarray:
    """Share of red ink per 1 mm × 1 mm cell of the page (rows from the top).

    Kept instead of the page image (125 kB instead of 6 MB for A4), so that any manifest area can
    be measured after the scan pages have been matched to the volume's pages.
    """
    cols, rows = max(1, round(width_pt * MM_PER_PT)), max(1, round(height_pt * MM_PER_PT))
    if im.mode != "RGB":
        return np.zeros((rows, cols), dtype=np.float32)
    mask = Image.fromarray(red_mask(np.asarray(im)).astype(np.uint8) * 255)
    return np.asarray(mask.resize((cols, rows), Image.Resampling.BOX), dtype=np.float32) / 255.0


def red_area_mm2(grid: np.ndarray, rect: Rect, width_pt: float, height_pt: float, slack_mm: float = SLACK_MM) -> float:
    """mm² of red ink inside ``rect`` (PDF points, origin bottom-left) widened by ``slack_mm``."""
    rows, cols = grid.shape
    sx, sy = cols / (width_pt * MM_PER_PT), rows / (height_pt * MM_PER_PT)
    left = max(0, int((rect.x0 * MM_PER_PT - slack_mm) * sx))
    right = min(cols, int((rect.x1 * MM_PER_PT + slack_mm) * sx + 0.999))
    top = max(0, int(((height_pt - rect.y1) * MM_PER_PT - slack_mm) * sy))
    bottom = min(rows, int(((height_pt - rect.y0) * MM_PER_PT + slack_mm) * sy + 0.999))
    if right <= left or bottom <= top:
        return 0.0
    return float(grid[top:bottom, left:right].sum()) / (sx * sy)


def ink_fraction(im: Image.Image, inset: float = 0.06) -> float:
    """Share of dark non-red pixels inside the page, scanner edges (``inset``) excluded."""
    w, h = im.size
    box = (int(w * inset), int(h * inset), int(w * (1 - inset)), int(h * (1 - inset)))
    part = im.crop(box)
    if part.mode == "RGB":
        arr = np.asarray(part)
        gray = arr.astype(np.int32) @ np.array([299, 587, 114], dtype=np.int32) // 1000
        dark = (gray < 140) & ~red_mask(arr)
    else:
        dark = np.asarray(part.convert("L")) < 140
    return float(dark.mean())


THUMB = (48, 68)


def thumbnail(im: Image.Image) -> np.ndarray:
    """A small zero-mean unit-norm gray vector; seal ink is whitened so stamps do not disturb it."""
    if im.mode == "RGB":
        arr = np.asarray(im).copy()
        arr[red_mask(arr)] = 255
        gray = Image.fromarray(arr).convert("L")
    else:
        gray = im.convert("L")
    vec = np.asarray(gray.resize(THUMB, Image.Resampling.BOX), dtype=np.float64).ravel()
    vec = 255.0 - vec  # ink is the signal
    vec -= vec.mean()
    norm = float(np.linalg.norm(vec))
    return vec / norm if norm > 1e-9 else vec


def rotated_thumbnail(im: Image.Image) -> np.ndarray:
    return thumbnail(im.transpose(Image.Transpose.ROTATE_180))
