"""The project's photos and video as the report shows them: facts from :mod:`dossier.media`,
plus a thumbnail or poster frame. Reads files (the one side effect of the report stage), never
writes; a missing or unreadable file becomes a note, not an exception."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dossier import paths
from dossier.errors import DossierError


@dataclass(frozen=True)
class MediaItem:
    file: str  # as written in enterprise.yaml, normalised (media/1.jpg)
    kind: str  # photo | video
    size_bytes: int | None = None
    facts: dict[str, Any] = field(default_factory=dict)
    description: str = ""  # one Chinese line: "JPEG 4032×3024 · 2,419,712 字节（2.31 MiB）"
    has_errors: bool = False  # the file itself fails item 9 (the findings say why)
    picture: str | None = None  # data URI
    note: str | None = None  # why something is missing


def collect_media(result, *, pictures: bool = True) -> list[MediaItem]:
    """Photos then the video named under ``media:`` of the checked project.

    ``pictures=False`` skips thumbnails and poster frames (facts only).
    """
    app = result.project.app
    if app is None or result.programme is None:
        return []
    from dossier.media import MediaLimits, inspect_media
    from dossier.media.report import fmt_bytes
    from dossier.report.pictures import poster_uri, thumbnail_uri

    limits = MediaLimits.from_mapping(result.programme.media)
    lines, root = result.project.lines, result.project.root
    entries = [(("media", "photos", i), p, "photo") for i, p in enumerate(app.media.photos)]
    if app.media.video:
        entries.append((("media", "video"), app.media.video, "video"))
    items = []
    for where, rel, kind in entries:
        shown = paths.normalise(rel)
        try:
            target = paths.resolve(lines.folder(where, root), rel, source=lines.file(where), line=lines.line(where))
            if not target.is_file():
                items.append(MediaItem(shown, kind, note="找不到文件"))
                continue
            report = inspect_media(target, limits, display=shown)
        except DossierError as exc:
            items.append(MediaItem(shown, kind, note=exc.message))
            continue
        picture = None
        if pictures:
            picture = thumbnail_uri(target) if kind == "photo" else poster_uri(target)
        note = None if picture or not pictures else ("无法生成缩略图" if kind == "photo" else "无法截取视频画面")
        facts = dict(report.facts)
        shape = f"{facts.get('format', '')} {facts['width']}×{facts['height']} · " if "width" in facts and kind == "photo" else ""
        items.append(MediaItem(
            shown, kind, report.size_bytes, facts, description=shape + fmt_bytes(report.size_bytes),
            has_errors=report.has_errors, picture=picture, note=note,
        ))
    return items
