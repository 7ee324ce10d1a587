"""The project's photos and video as the report shows them: facts from :mod:`dossier.media_inspection`,
plus a thumbnail or poster frame. Reads files (the one side effect of the report stage), never
writes; a missing or unreadable file becomes a note, not an exception."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dossier.application import paths
from dossier.util.errors import DossierError


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

    ``pictures=False`` skips thumbnails and poster frames (facts only). Files are read in a few
    threads (Pillow decodes and ffmpeg runs outside the GIL); the order is that of the YAML.
    """
    app = result.folder.app
    if app is None or result.programme is None:
        return []
    from concurrent.futures import ThreadPoolExecutor

    from dossier.media_inspection import MediaLimits

    limits = MediaLimits.from_mapping(result.programme.media)
    entries = [(("media", "photos", i), p, "photo") for i, p in enumerate(app.media.photos)]
    if app.media.video:
        entries.append((("media", "video"), app.media.video, "video"))
    if not entries:
        return []

    def one(entry: tuple) -> MediaItem:
        return _item(result, limits, *entry, pictures=pictures)

    with ThreadPoolExecutor(max_workers=min(4, len(entries))) as pool:
        return list(pool.map(one, entries))


def _item(result, limits, where: tuple, rel: str, kind: str, *, pictures: bool) -> MediaItem:
    from dossier.html_report.pictures import photo_facts, poster_uri, thumbnail_uri
    from dossier.media_inspection.result import fmt_bytes

    lines, root = result.folder.lines, result.folder.root
    shown = paths.normalise(rel)
    try:
        target = paths.resolve(lines.folder(where, root), rel, source=lines.file(where), line=lines.line(where))
        if not target.is_file():
            return MediaItem(shown, kind, note="找不到文件")
        size = target.stat().st_size
        if kind == "photo":
            # The check already judged the photo; its header gives the facts shown here.
            facts = photo_facts(target)
        else:
            from dossier.media_inspection import inspect_media

            facts = dict(inspect_media(target, limits, display=shown).facts)
    except (DossierError, OSError) as exc:
        return MediaItem(shown, kind, note=getattr(exc, "message", None) or "无法读取")
    picture = None
    if pictures:
        picture = thumbnail_uri(target) if kind == "photo" else poster_uri(target)
    note = None if picture or not pictures else ("无法生成缩略图" if kind == "photo" else "无法截取视频画面")
    shape = f"{facts.get('format', '')} {facts['width']}×{facts['height']} · " if "width" in facts and kind == "photo" else ""
    # The check's findings about this entry carry its YAML line: the file failed item 9 if any is an error.
    at = lines.at(where)
    failed = any(f.severity == "error" and f.item == 9 and (f.file, f.line) == at for f in result.findings)
    return MediaItem(
        shown, kind, size, facts, description=shape + fmt_bytes(size), has_errors=failed, picture=picture, note=note,
    )
