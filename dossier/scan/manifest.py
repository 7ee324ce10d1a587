"""The volume manifest ``dossier scan`` checks against: page sizes, seam areas, cover-seal area.

Schema (JSON written by ``dossier bind``; rectangles in PDF points, origin bottom-left, the page
as displayed; other keys are ignored)::

    {
      "volume": "volume.pdf",                 # optional: the bound PDF, relative to the manifest
      "page_count": 42,                       # optional: defaults to len(pages)
      "pages": [
        {"number": 1,                         # or "page"; defaults to the position
         "seam": [x0, y0, x1, y1],            # or null, or a list of rects
         "cover_seal": [x0, y0, x1, y1],      # optional: this page carries the cover seal
         "width": 595.28, "height": 841.89,   # optional: A4 by default (bind normalises to A4)
         "blank": false}                      # optional: an intentionally blank page
      ],
      "cover_seal": {"page": 1, "rect": [...]}  # optional alternative to pages[].cover_seal
    }

A rect may also be ``{"x0":..,"y0":..,"x1":..,"y1":..}`` or ``{"x":..,"y":..,"width":..,"height":..}``.
Page entries missing from ``pages`` are A4 pages without a seam.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dossier.errors import InputError

A4 = (595.276, 841.89)


@dataclass(frozen=True)
class Rect:
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass(frozen=True)
class PageSpec:
    number: int
    width: float
    height: float
    seams: tuple[Rect, ...] = ()
    blank: bool = False


@dataclass(frozen=True)
class Manifest:
    pages: tuple[PageSpec, ...]
    cover_page: int | None = None
    cover_seal: Rect | None = None
    volume: str | None = None

    @property
    def page_count(self) -> int:
        return len(self.pages)

    def page(self, number: int) -> PageSpec:
        return self.pages[number - 1]


def _bad(what: str) -> InputError:
    return InputError(f"清单（manifest）格式不对：{what}", hint="请使用 dossier bind 生成的清单文件")


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _bad(f"{what} 应为数字")
    return float(value)


def parse_rect(value: Any, what: str) -> Rect:
    if isinstance(value, list | tuple) and len(value) == 4:
        x0, y0, x1, y1 = (_number(v, what) for v in value)
    elif isinstance(value, Mapping) and {"x0", "y0", "x1", "y1"} <= value.keys():
        x0, y0, x1, y1 = (_number(value[k], what) for k in ("x0", "y0", "x1", "y1"))
    elif isinstance(value, Mapping) and {"x", "y", "width", "height"} <= value.keys():
        x0, y0 = _number(value["x"], what), _number(value["y"], what)
        x1, y1 = x0 + _number(value["width"], what), y0 + _number(value["height"], what)
    else:
        raise _bad(f"{what} 应为 [x0, y0, x1, y1]")
    x0, x1 = sorted((x0, x1))
    y0, y1 = sorted((y0, y1))
    if x1 - x0 <= 0 or y1 - y0 <= 0:
        raise _bad(f"{what} 面积为零")
    return Rect(x0, y0, x1, y1)


def _seams(value: Any, what: str) -> tuple[Rect, ...]:
    if value is None:
        return ()
    if isinstance(value, list) and value and isinstance(value[0], list | tuple | Mapping):
        return tuple(parse_rect(v, f"{what}[{i}]") for i, v in enumerate(value))
    return (parse_rect(value, what),)


def parse_manifest(data: Any) -> Manifest:
    """Validate a manifest mapping; raises :class:`InputError` (exit 2) on anything malformed."""
    if not isinstance(data, Mapping):
        raise _bad("顶层应为对象")
    rows = data.get("pages") or []
    if not isinstance(rows, list):
        raise _bad("pages 应为列表")
    count = data.get("page_count", len(rows))
    if isinstance(count, bool) or not isinstance(count, int) or count < 1 or count > 10000:
        raise _bad("page_count 应为正整数")
    specs: dict[int, PageSpec] = {}
    cover_page: int | None = None
    cover_rect: Rect | None = None
    for i, row in enumerate(rows):
        if not isinstance(row, Mapping):
            raise _bad(f"pages[{i}] 应为对象")
        number = row.get("number", row.get("page", i + 1))
        if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= count:
            raise _bad(f"pages[{i}].page 应在 1–{count} 之间")
        width = _number(row.get("width", A4[0]), f"pages[{i}].width")
        height = _number(row.get("height", A4[1]), f"pages[{i}].height")
        if width <= 0 or height <= 0:
            raise _bad(f"pages[{i}] 的页面尺寸应为正数")
        specs[number] = PageSpec(number, width, height, _seams(row.get("seam"), f"pages[{i}].seam"), bool(row.get("blank", False)))
        if row.get("cover_seal") is not None and cover_rect is None:
            cover_page, cover_rect = number, parse_rect(row["cover_seal"], f"pages[{i}].cover_seal")
    pages = tuple(specs.get(n, PageSpec(n, *A4)) for n in range(1, count + 1))

    cover = data.get("cover_seal")
    if cover is not None and cover_rect is None:
        if isinstance(cover, Mapping) and "rect" in cover:
            cover_page = cover.get("page", 1)
            if isinstance(cover_page, bool) or not isinstance(cover_page, int) or not 1 <= cover_page <= count:
                raise _bad("cover_seal.page 超出页数")
            cover_rect = parse_rect(cover["rect"], "cover_seal.rect")
        else:
            cover_page, cover_rect = 1, parse_rect(cover, "cover_seal")
    volume = data.get("volume")
    if volume is not None and not isinstance(volume, str):
        raise _bad("volume 应为文件名")
    return Manifest(pages, cover_page, cover_rect, volume)


def load_manifest(path: Path) -> dict[str, Any]:
    """The manifest JSON as a dict; :class:`InputError` when missing or not JSON."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise InputError("清单文件不存在", file=path, hint="清单由 dossier bind 生成，文件名形如 volume.manifest.json") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError("清单文件无法读取", file=path) from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"清单文件不是有效的 JSON（第 {exc.lineno} 行）", file=path, line=exc.lineno) from exc
    except RecursionError:
        raise InputError("清单文件嵌套层级过深，不是 dossier bind 生成的清单", file=path) from None
    if not isinstance(data, dict):
        bad = _bad("顶层应为对象")
        raise InputError(bad.message, file=path, hint=bad.hint)
    return data
