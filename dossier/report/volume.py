"""The bound volume as the report shows it: a page map (pages coloured by section, seal groups
outlined) and the stamping guide's text, both read from the bind manifest — never recomputed.

The manifest is the dict :func:`dossier.bind.bind_volume` returns (``pages``, ``seal_groups``,
``page_count`` ...), either as given or nested under ``volume``/``bind`` in a build manifest.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

# Section colours: light enough that a black page number stays readable, distinct in print.
PALETTE = ("#cfe3f7", "#fde2b8", "#d4efd0", "#f6d0dc", "#e3d9f5", "#fff3b0", "#cdeeee", "#ead7c7")
FRONT = "#e4e4e4"


def bind_manifest(manifest: dict[str, Any] | None) -> dict[str, Any] | None:
    """The bind part of a (build or bind) manifest, or None when it has no volume."""
    if not isinstance(manifest, dict):
        return None
    if isinstance(manifest.get("pages"), list) and isinstance(manifest.get("seal_groups"), list):
        return manifest
    for key in ("volume", "bind", "binding"):
        inner = manifest.get(key)
        if isinstance(inner, dict):
            found = bind_manifest(inner)
            if found:
                return found
    return None


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


def _section_titles(bind: dict[str, Any], manifest: dict[str, Any]) -> list[tuple[str, int, int]]:
    """(title, first, last) per section: the build's own list when it gives one, else one per
    source file, front matter (cover, contents) as one section."""
    for source in (manifest, bind):
        given = source.get("sections")
        if isinstance(given, list) and given and all(isinstance(s, dict) and "first_page" in s for s in given):
            return [(str(s.get("title", "")), int(s["first_page"]), int(s.get("last_page", s["first_page"]))) for s in given]
    out: list[tuple[str, int, int]] = []
    for p in bind["pages"]:
        title = p.get("source") or "封面与目录"
        n = int(p["number"])
        if out and out[-1][0] == title and out[-1][2] == n - 1:
            out[-1] = (title, out[-1][1], n)
        else:
            out.append((title, n, n))
    return out


def page_map(manifest: dict[str, Any] | None) -> PageMap | None:
    bind = bind_manifest(manifest)
    if bind is None:
        return None
    assert manifest is not None
    sections = []
    colours: dict[str, str] = {}
    for title, first, last in _section_titles(bind, manifest):
        if title == "封面与目录":
            colour = FRONT
        else:
            colour = colours.setdefault(title, PALETTE[len(colours) % len(PALETTE)])
        sections.append(Section(title, first, last, colour))

    # Each page's section, the first that covers it: one pass over the sections' ranges, not a
    # search of every section per page (a manifest without sections has one per source file).
    numbers = [int(p["number"]) for p in bind["pages"]]
    top = max(numbers, default=0)
    owner: dict[int, Section] = {}
    for s in sections:
        for n in range(max(s.first, 1), min(s.last, top) + 1):
            owner.setdefault(n, s)

    boxes = {}
    for p in bind["pages"]:
        n = int(p["number"])
        s = owner.get(n)
        colour, title = (s.colour, s.title) if s else (FRONT, "")
        source = f"{p.get('source')} 第 {p.get('source_page')} 页" if p.get("source") else title
        boxes[n] = PageBox(n, str(p.get("label", n)), colour, bool(p.get("seam")), bool(p.get("cover_seal")),
                           f"第 {n} 页{_other_label(p, n)}：{source}")
    groups = []
    for i, g in enumerate(bind["seal_groups"], 1):
        first, last = int(g["first_page"]), int(g["last_page"])
        groups.append(GroupBox(i, first, last, int(g.get("sheets", 0)),
                               tuple(boxes[n] for n in range(first, last + 1) if n in boxes)))
    grouped = {n for g in groups for n in range(g.first, g.last + 1)}
    loose = tuple(b for n, b in sorted(boxes.items()) if n not in grouped)
    if loose:  # pages outside any seal group (none with the binder's layout): shown all the same
        groups.append(GroupBox(0, loose[0].number, loose[-1].number, 0, loose))
    return PageMap(int(bind.get("page_count", len(boxes))), int(bind.get("sheets", 0)), bool(bind.get("duplex")),
                   tuple(sections), tuple(groups))


def guide_items(manifest: dict[str, Any] | None, copies: int | None = None) -> list[tuple[str, object]] | None:
    """The stamping guide as (kind, content) items — the same text as the guide PDF, made by
    :func:`dossier.bind.guide.guide_lines` from the manifest's figures."""
    bind = bind_manifest(manifest)
    if bind is None:
        return None
    from dossier.bind.guide import guide_lines
    from dossier.bind.seal import SealGroup

    groups = [
        SealGroup(int(g["first_page"]), int(g["last_page"]), int(g["sheets"]), float(g["slice_width"]), float(g["center_y"]))
        for g in bind["seal_groups"]
    ]
    pages = bind["pages"]
    cover = next((p["cover_seal"] for p in pages if p.get("cover_seal")), None)
    shim = SimpleNamespace(
        manifest=bind,
        layout=SimpleNamespace(groups=groups, sheets=int(bind.get("sheets", sum(g.sheets for g in groups)))),
        labels=[str(p.get("label", p["number"])) for p in pages],
        duplex=bool(bind.get("duplex")),
        cover_seal=tuple(cover) if cover else None,
    )
    if copies is None:
        copies = int((manifest or {}).get("copies") or bind.get("copies") or 0) or None  # None: the default programme's
    return guide_lines(shim, copies)


def _other_label(page: dict, n: int) -> str:
    """A printed label differing from the page's position (volumes bound before numbering was
    unified printed 封面 / i / 1 …); today's volumes print the position itself."""
    label = str(page.get("label", n))
    return "" if label == str(n) else f"（页码 {label}）"
