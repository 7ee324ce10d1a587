"""Inspect item-9 files one by one: the entry point that dispatches on the file's kind."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from dossier.media_inspection.images import inspect_photo
from dossier.media_inspection.kinds import Kind, kind_of
from dossier.media_inspection.limits import MediaLimits
from dossier.media_inspection.presentation import inspect_presentation
from dossier.media_inspection.result import Collector, MediaInspection
from dossier.media_inspection.summary import inspect_summary
from dossier.media_inspection.video import inspect_video
from dossier.util.errors import InputError
from dossier.util.findings import Finding, count, exit_code
from dossier.util.progress import Progress, silent

_INSPECTORS = {
    Kind.PHOTO: inspect_photo,
    Kind.VIDEO: inspect_video,
    Kind.PRESENTATION: inspect_presentation,
    Kind.SUMMARY: inspect_summary,
}


_MEMO: dict[tuple, MediaInspection] = {}


def inspect_media(path: Path, limits: MediaLimits | None = None, *, display: str | None = None) -> MediaInspection:
    """:func:`inspect_file`, remembered for this process by the file's identity (path, device,
    inode, size, modification and status-change times): ``check`` and the HTML report look at the
    same photos and video, and ``dossier watch`` looks again only at a file that changed. The
    status-change time is in the key because any write sets it and no program can set it back: a
    file rewritten with its size and modification time put back (or within one tick of the clock)
    is looked at again."""
    try:
        st = Path(path).stat()
        key = (str(Path(path).resolve()), st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns, limits,
               display)
    except OSError:
        return inspect_file(path, limits, display=display)
    if key not in _MEMO:
        if len(_MEMO) >= 256:  # a long watch: older versions of the files are not asked for again
            _MEMO.clear()
        _MEMO[key] = inspect_file(path, limits, display=display)
    return _MEMO[key]


def inspect_file(path: Path, limits: MediaLimits | None = None, *, display: str | None = None) -> MediaInspection:
    """Facts and findings for one file (photo, video, pptx or .txt summary).

    Reads headers and containers only; a JPEG is decoded at 1/8 scale to prove it is whole.
    ``display`` is the name findings carry (default: the path as given). A missing or unreadable
    path raises :class:`InputError`; everything wrong *inside* a file is a finding.
    """
    limits = limits or MediaLimits()
    path = Path(path)
    display = display or str(path)
    if not path.is_file():
        what = "是一个文件夹，不是文件" if path.is_dir() else "不存在"
        raise InputError(f"{what}", file=display, hint="请检查路径")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(f"无法读取：{exc.strerror}", file=display) from exc

    kind = kind_of(path)
    out = Collector(display, limits)
    facts = {}
    if size == 0:
        out.error("M-FILE-EMPTY", f"文件 {path.name} 是空的（0 字节）。")
    elif kind is Kind.UNKNOWN:
        hint = "文字简介请存为 .txt。" if path.suffix.lower() in (".doc", ".docx", ".wps", ".rtf") else ""
        out.error(
            "M-TYPE-UNKNOWN",
            f"文件 {path.name} 不是第 9 项材料的文件类型（图片 JPEG/PNG、视频 MP4、演示文稿 PPTX、文字简介 TXT）。{hint}",
        )
    else:
        try:
            facts = _INSPECTORS[kind](path, out, size, limits)
        except PermissionError as exc:
            raise InputError("没有读取权限", file=display) from exc
    return MediaInspection(display, kind, size, facts, tuple(out.findings))


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files given, with each folder replaced by its visible files (sorted, not recursive)."""
    result: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            result.extend(sorted(c for c in p.iterdir() if c.is_file() and not c.name.startswith(".")))
        else:
            result.append(p)
    return result


def inspect_many(paths: Iterable[Path], limits: MediaLimits | None = None) -> list[MediaInspection]:
    """:func:`inspect_media` for each file, folders expanded; order as given."""
    return [inspect_media(p, limits) for p in expand_paths(paths)]


@dataclass(frozen=True)
class MediaCheck:
    """``dossier media``: the per-file reports plus, when asked, the set rules."""

    reports: tuple[MediaInspection, ...]
    set_findings: tuple[Finding, ...] = ()

    @property
    def findings(self) -> list[Finding]:
        return [f for r in self.reports for f in r.findings] + list(self.set_findings)

    def to_dict(self) -> dict:
        return {
            "files": [r.to_dict() for r in self.reports],
            "set_findings": [f.to_dict() for f in self.set_findings],
            "counts": count(self.findings),
            "exit_code": exit_code(self.findings),
        }


def check_media_files(
    paths: Iterable[Path], limits: MediaLimits | None = None, *, as_set: bool = False, progress: Progress | None = None,
) -> MediaCheck:
    """Inspect every file (folders expanded); with ``as_set`` also apply the set rules to them.
    ``progress`` is told each file done (:mod:`dossier.util.progress`)."""
    from dossier.media_inspection.set_rules import check_media_set

    progress = progress or silent
    files = expand_paths(paths)
    if not files:
        raise InputError("没有要检查的文件（文件夹是空的）", hint="请给出图片、视频、PPT 或 .txt 简介的路径")
    reports = []
    for n, p in enumerate(files):
        progress("检查第 9 项材料", n, len(files))
        reports.append(inspect_media(p, limits))
    progress("检查第 9 项材料", len(files), len(files))
    reports = tuple(reports)
    set_findings = tuple(check_media_set(files, limits)) if as_set else ()
    return MediaCheck(reports, set_findings)
