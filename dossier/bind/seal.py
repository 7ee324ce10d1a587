"""Seam-seal (骑缝章) geometry: which sheet carries which slice of the seal, and where.

The bound stack is fanned at the fore-edge (right edge, binding on the left) and the seal is
stamped across it, so each sheet of a group carries a vertical slice of one seal. Sheet ``i`` of
a group of ``n`` shows the part of the seal between ``i·w`` and ``(i+1)·w`` (``w = D / n``) from
the seal's left, printed in the strip ``[W − w, W]`` of its front page. Pure numbers: the manifest
rectangles and the printed placeholder come from the same :class:`SealLayout`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from dossier.bind.geometry import A4_H, A4_W, MM, Rect

SEAL_DIAMETER = 42 * MM
# Below this a printed slice is too thin to see on paper or in a scan at 150 dpi.
MIN_SLICE = 2 * MM
DEFAULT_GROUP = 20  # only when a caller gives none; build and bind pass the programme's seals.seam_group_sheets
# Vertical centres of successive groups (relative to mid-page), so impressions don't line up.
STAGGER = (0.0, 55 * MM, -55 * MM)


@dataclass(frozen=True)
class SealGroup:
    first_page: int
    last_page: int
    sheets: int
    slice_width: float
    center_y: float


@dataclass(frozen=True)
class Slice:
    """One page's slice: ``rect`` is where it is printed; the seal's own box has its left at ``seal_x``."""

    page: int
    group: int
    rect: Rect
    seal_x: float
    seal_y: float


@dataclass(frozen=True)
class SealLayout:
    groups: tuple[SealGroup, ...]
    slices: tuple[Slice | None, ...]  # index = page number − 1
    group_size: int
    duplex: bool
    diameter: float
    warnings: tuple[str, ...]

    @property
    def sheets(self) -> int:
        return sum(g.sheets for g in self.groups)


def max_group_size(diameter: float = SEAL_DIAMETER, min_slice: float = MIN_SLICE) -> int:
    return max(1, int(math.floor(diameter / min_slice + 1e-9)))


def seal_layout(
    page_count: int,
    *,
    duplex: bool = False,
    group_size: int = DEFAULT_GROUP,
    diameter: float = SEAL_DIAMETER,
    min_slice: float = MIN_SLICE,
    page_w: float = A4_W,
    page_h: float = A4_H,
) -> SealLayout:
    """Lay out one seal per group of at most ``group_size`` sheets over ``page_count`` pages.

    Sheets are split into ``ceil(sheets / group_size)`` groups of near-equal size (sizes differ by
    at most one), so no group is a thin leftover. A group size whose slices would be thinner than
    ``min_slice`` is lowered to the largest size that keeps them visible, with a warning.
    Duplex: a sheet is two pages and only its front (odd) page reaches the fore-edge.
    """
    if group_size < 1:
        raise ValueError("group_size must be ≥ 1")
    warnings: list[str] = []
    limit = max_group_size(diameter, min_slice)
    if group_size > limit:
        warnings.append(
            f"每组 {group_size} 张时骑缝章每张切片仅 {diameter / group_size / MM:.1f} 毫米，看不清；"
            f"已改为每组最多 {limit} 张（切片不小于 {min_slice / MM:.1f} 毫米）。"
        )
        group_size = limit
    step = 2 if duplex else 1
    fronts = list(range(1, page_count + 1, step))
    sheets = len(fronts)
    slices: list[Slice | None] = [None] * page_count
    groups: list[SealGroup] = []
    if sheets:
        count = math.ceil(sheets / group_size)
        base, extra = divmod(sheets, count)
        start = 0
        for g in range(count):
            n = base + (1 if g < extra else 0)
            w = diameter / n
            cy = page_h / 2 + STAGGER[g % len(STAGGER)]
            y0 = cy - diameter / 2
            for i, page in enumerate(fronts[start : start + n]):
                rect = (page_w - w, y0, page_w, y0 + diameter)
                slices[page - 1] = Slice(page, g, rect, page_w - w - i * w, y0)
            first = fronts[start]
            last = min(fronts[start + n - 1] + step - 1, page_count)
            groups.append(SealGroup(first, last, n, w, cy))
            start += n
    return SealLayout(tuple(groups), tuple(slices), group_size, duplex, diameter, tuple(warnings))
