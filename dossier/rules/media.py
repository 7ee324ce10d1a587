"""Materials item 9 in the project: the media files named under ``media:`` (V11, V12), checked
with :mod:`dossier.media_inspection` under the programme's limits. Kept apart from the pure rules because
it opens files."""

from __future__ import annotations

from collections.abc import Iterator

from dossier.application import paths
from dossier.rules.context import RuleContext
from dossier.util.filenames import missing_hint
from dossier.util.findings import Finding


def media_findings(ctx: RuleContext) -> Iterator[Finding]:
    m = ctx.app.media
    entries: list[tuple[tuple, str]] = [(("media", "photos", i), p) for i, p in enumerate(m.photos)]
    if m.presentation:
        entries.append((("media", "presentation"), m.presentation))
    if m.video:
        entries.append((("media", "video"), m.video))
    limit = int(ctx.programme.media["photos"]["count"])
    if len(m.photos) != limit:
        yield ctx.finding(
            "M-PHOTO-COUNT", "error", f"典型图片应恰好 {limit} 张，填写了 {len(m.photos)} 张",
            ("media", "photos") if m.photos else ("media",), clause="materials_9", item=9,
        )
    from dossier.media_inspection import MediaLimits, inspect_media
    limits = MediaLimits.from_mapping(ctx.programme.media)
    for path, rel in entries:
        target = ctx.resolve(path, rel)
        shown = paths.normalise(rel)
        if not target.is_file():
            yield ctx.finding("M-MISSING", "error", f"找不到媒体文件“{shown}”{missing_hint(target)}", path, clause="materials_9", item=9)
            continue
        report = inspect_media(target, limits, display=shown)
        for f in report.findings:
            file, line = ctx.lines.at(path)
            yield Finding(
                code=f.code, severity=f.severity, message=f.message,
                file=file, line=line, rule=ctx.programme.clause("materials_9"), item=9,
            )
