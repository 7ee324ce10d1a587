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


def crop_box(im: Image.Image, rect: Rect, width_pt: float, height_pt: float, slack_mm: float = SLACK_MM) -> tuple[int, int, int, int]:
    """Pixel box of a rect given in PDF points (origin bottom-left), widened by ``slack_mm``."""
    sx, sy = im.width / width_pt, im.height / height_pt
    slack = slack_mm / MM_PER_PT
    left = int(max(0.0, (rect.x0 - slack) * sx))
    right = int(min(im.width, (rect.x1 + slack) * sx + 0.5))
    top = int(max(0.0, (height_pt - rect.y1 - slack) * sy))
    bottom = int(min(im.height, (height_pt - rect.y0 + slack) * sy + 0.5))
    return left, top, max(left + 1, right), max(top + 1, bottom)


def red_area_mm2(im: Image.Image, rect: Rect, width_pt: float, height_pt: float) -> float:
    """mm² of red ink inside ``rect`` (plus slack); 0 for a grayscale image."""
    if im.mode != "RGB":
        return 0.0
    box = crop_box(im, rect, width_pt, height_pt)
    pixels = int(red_mask(np.asarray(im.crop(box))).sum())
    mm_per_px = (width_pt * MM_PER_PT) / im.width
    return pixels * mm_per_px * mm_per_px


def ink_fraction(im: Image.Image, inset: float = 0.06) -> float:
    """Share of dark non-red pixels inside the page, scanner edges (``inset``) excluded."""
    w, h = im.size
    box = (int(w * inset), int(h * inset), int(w * (1 - inset)), int(h * (1 - inset)))
    part = im.crop(box)
    if part.mode == "RGB":
        arr = np.asarray(part)
        gray = arr.astype(np.int16) @ np.array([299, 587, 114], dtype=np.int16).astype(np.int32) // 1000
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
