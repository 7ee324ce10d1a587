"""The set rules of item 9: exactly 3 photos, one PPT, one video, one summary (counts from the profile)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from dossier.media_inspection.kinds import Kind, kind_of
from dossier.media_inspection.limits import MediaLimits
from dossier.media_inspection.result import MATERIALS_ITEM
from dossier.util.findings import Finding

_WHAT = {
    Kind.PHOTO: ("M-SET-PHOTO-COUNT", "典型图片", "张"),
    Kind.VIDEO: ("M-SET-VIDEO-COUNT", "建设成果视频", "个"),
    Kind.PRESENTATION: ("M-SET-PPT-COUNT", "PPT", "个"),
    Kind.SUMMARY: ("M-SET-SUMMARY-COUNT", "文字简介（.txt）", "份"),
}


def check_media_set(paths: Iterable[Path], limits: MediaLimits | None = None, *, where: str | None = None) -> list[Finding]:
    """Count the files of each kind (by extension) against the profile's counts.

    Files of no item-9 kind are not counted here; :func:`inspect_media` reports them.
    ``where`` names the folder in the findings (e.g. ``media/``).
    """
    limits = limits or MediaLimits()
    expected = {
        Kind.PHOTO: limits.photo_count,
        Kind.VIDEO: limits.video_count,
        Kind.PRESENTATION: limits.presentation_count,
        Kind.SUMMARY: limits.summary_count,
    }
    found: dict[Kind, list[str]] = {k: [] for k in expected}
    for p in paths:
        kind = kind_of(Path(p))
        if kind in found:
            found[kind].append(Path(p).name)
    findings = []
    for kind, want in expected.items():
        have = found[kind]
        if len(have) == want:
            continue
        code, label, unit = _WHAT[kind]
        listed = "：" + "、".join(have) if have else ""
        fix = "请补齐" if len(have) < want else "请只保留要提交的"
        findings.append(
            Finding(
                code,
                "error",
                f"{label}应为 {want} {unit}，实际 {len(have)} {unit}{listed}；{fix}。",
                file=where,
                rule=limits.clause,
                item=MATERIALS_ITEM,
            )
        )
    return findings
