"""The volume manifest as ``dossier scan`` checks against it: page sizes, seam areas, cover-seal area.

The manifest is the binder's :class:`~dossier.bind.manifest.VolumeManifest` (``dossier bind``'s
``vol.manifest.json`` or the one a build nests in ``manifest.json``), read only through
``VolumeManifest.from_json``: anything else, older shapes included, is refused with a message
naming the file. Rectangles are in PDF points, origin bottom-left, the page as displayed; the
binder makes every page A4.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dossier.bind.manifest import VolumeManifest

A4 = (595.276, 841.89)


@dataclass(frozen=True)
class SealRect:
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass(frozen=True)
class PageSpec:
    number: int
    width: float
    height: float
    seams: tuple[SealRect, ...] = ()
    blank: bool = False


@dataclass(frozen=True)
class Manifest:
    pages: tuple[PageSpec, ...]
    cover_page: int | None = None
    cover_seal: SealRect | None = None
    volume: str | None = None

    @property
    def page_count(self) -> int:
        return len(self.pages)

    def page(self, number: int) -> PageSpec:
        return self.pages[number - 1]


def parse_manifest(data: VolumeManifest | Mapping[str, Any], *, file: str | Path | None = None) -> Manifest:
    """The scan's view of a volume manifest. A mapping is read with ``VolumeManifest.from_json``,
    which raises :class:`~dossier.util.errors.InputError` (naming ``file``) for anything else."""
    volume = data if isinstance(data, VolumeManifest) else VolumeManifest.from_json(data, file=file)
    pages = tuple(
        PageSpec(p.number, *A4, seams=(SealRect(*p.seam),) if p.seam else ()) for p in volume.pages
    )
    cover = next((p for p in volume.pages if p.cover_seal), None)
    return Manifest(
        pages, cover.number if cover else None, SealRect(*cover.cover_seal) if cover and cover.cover_seal else None,
        volume.volume,
    )
