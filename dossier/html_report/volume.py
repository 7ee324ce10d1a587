"""The bound volume as the report shows it: a page map (pages coloured by section, seal groups
outlined) and the stamping guide's text, both read from the volume manifest — never recomputed.

The volume manifest is read only through :meth:`VolumeManifest.from_json`, from a build's
``manifest.json`` (nested under :data:`~dossier.bind.manifest.BUILD_KEY`) or a bind's own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dossier.bind.manifest import BUILD_KEY, VolumeManifest

# Section colours: light enough that a black page number stays readable, distinct in print.
PALETTE = ("#cfe3f7", "#fde2b8", "#d4efd0", "#f6d0dc", "#e3d9f5", "#fff3b0", "#cdeeee", "#ead7c7")
FRONT = "#e4e4e4"


def volume_manifest(manifest: Mapping[str, Any] | None, *, file: str | Path | None = None) -> VolumeManifest | None:
    """The volume manifest of a build's (or a bind's) manifest; None when no volume was bound.

    Raises :class:`~dossier.util.errors.InputError` naming ``file`` when the manifest has a volume in
    a shape this dossier no longer reads (the user is told to build again).
    """
    if not isinstance(manifest, Mapping):
        return None
    if BUILD_KEY in manifest:
        if manifest[BUILD_KEY] is None:
            return None
    elif not {"schema_version", "pages", "seal_groups"} & manifest.keys():
        return None  # a build that bound nothing
    return VolumeManifest.from_json(manifest, file=file)


@dataclass(frozen=True)
class Section:
    title: str
    first: int
    last: int
    colour: str


@dataclass(frozen=True)
class PageBox:
    number: int
    label: str
    colour: str
    seam: bool  # carries a slice of a seam seal
    cover_seal: bool
    title: str  # tooltip: label and source


@dataclass(frozen=True)
class GroupBox:
    index: int
    first: int
    last: int
    sheets: int
    pages: tuple[PageBox, ...]


@dataclass(frozen=True)
class PageMap:
    page_count: int
    sheets: int
    duplex: bool
    sections: tuple[Section, ...]
    groups: tuple[GroupBox, ...]


def _section_titles(volume: VolumeManifest) -> list[tuple[str, int, int]]:
    """(title, first, last) per section: the build's own list when it gives one, else one per
    source file, front matter (cover, contents) as one section."""
    if volume.sections:
        return [(s.title, s.first_page, s.last_page) for s in volume.sections]
    out: list[tuple[str, int, int]] = []
    for p in volume.pages:
        title = p.source or "封面与目录"
        n = p.number
        if out and out[-1][0] == title and out[-1][2] == n - 1:
            out[-1] = (title, out[-1][1], n)
        else:
            out.append((title, n, n))
    return out


def page_map(volume: VolumeManifest | None) -> PageMap | None:
    """The page map of ``volume`` (None for None). Pure."""
    if volume is None:
        return None
    sections = []
    colours: dict[str, str] = {}
    for title, first, last in _section_titles(volume):
        if title == "封面与目录":
            colour = FRONT
        else:
            colour = colours.setdefault(title, PALETTE[len(colours) % len(PALETTE)])
        sections.append(Section(title, first, last, colour))

    # Each page's section, the first that covers it: one pass over the sections' ranges, not a
    # search of every section per page (a manifest without sections has one per source file).
    numbers = [p.number for p in volume.pages]
    top = max(numbers, default=0)
    owner: dict[int, Section] = {}
    for s in sections:
        for n in range(max(s.first, 1), min(s.last, top) + 1):
            owner.setdefault(n, s)

    boxes = {}
    for p in volume.pages:
        n = p.number
        s = owner.get(n)
        colour, title = (s.colour, s.title) if s else (FRONT, "")
        source = f"{p.source} 第 {p.source_page} 页" if p.source else title
        boxes[n] = PageBox(n, p.label, colour, p.seam is not None, p.cover_seal is not None,
                           f"第 {n} 页{_other_label(p.label, n)}：{source}")
    groups = []
    for i, g in enumerate(volume.seal_groups, 1):
        groups.append(GroupBox(i, g.first_page, g.last_page, g.sheets,
                               tuple(boxes[n] for n in range(g.first_page, g.last_page + 1) if n in boxes)))
    grouped = {n for g in groups for n in range(g.first, g.last + 1)}
    loose = tuple(b for n, b in sorted(boxes.items()) if n not in grouped)
    if loose:  # pages outside any seal group (none with the binder's layout): shown all the same
        groups.append(GroupBox(0, loose[0].number, loose[-1].number, 0, loose))
    return PageMap(volume.page_count, volume.sheets, volume.duplex, tuple(sections), tuple(groups))


def guide_items(volume: VolumeManifest | None, *, copies: int | None = None) -> list[tuple[str, object]] | None:
    """The stamping guide as (kind, content) items — the same text as the guide PDF, made by
    :func:`dossier.bind.guide.guide_lines` from the manifest's figures (``copies`` None: the
    default programme's)."""
    if volume is None:
        return None
    from dossier.bind.guide import guide_lines

    return guide_lines(volume, copies=copies)


def _other_label(label: str, n: int) -> str:
    """A printed label differing from the page's position (volumes bound before numbering was
    unified printed 封面 / i / 1 …); today's volumes print the position itself."""
    return "" if label == str(n) else f"（页码 {label}）"
