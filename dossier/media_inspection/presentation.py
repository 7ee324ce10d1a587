"""PPT: a .pptx must open and have slides. Read as a zip, without python-pptx.

Only ``ppt/presentation.xml`` is read (its slide-id list is the deck's slide order), after
checking its declared size, so a zip bomb elsewhere in the file costs nothing. A password-
protected .pptx is not a zip at all but an OLE container ("EncryptedPackage").
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from dossier.media_inspection.kinds import sniff
from dossier.media_inspection.limits import MediaLimits
from dossier.media_inspection.result import Collector

_MAX_XML = 16 * 1024 * 1024
_SLIDE_ID = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sldId\b")
_OOXML = {".pptx", ".ppsx"}
_LEGACY = {".ppt", ".pps"}


def inspect_presentation(path: Path, out: Collector, size: int, limits: MediaLimits) -> dict[str, Any]:
    del size, limits
    name = path.name
    suffix = path.suffix.lower()
    with open(path, "rb") as fh:
        content = sniff(fh.read(64))

    if suffix not in _OOXML | _LEGACY:
        out.error("M-PPT-FORMAT", f"演示文稿 {name} 不是 PowerPoint 格式；请在原软件中导出为 .pptx。")
        return {"format": suffix.lstrip(".")}
    if suffix in _LEGACY:
        if content != "OLE":
            out.error("M-PPT-UNREADABLE", f"演示文稿 {name} 已损坏或不是 PowerPoint 文件。")
            return {}
        out.warning("M-PPT-LEGACY", f"演示文稿 {name} 是旧版 .ppt 格式，无法检查页数；建议在 PowerPoint 中另存为 .pptx。")
        return {"format": "ppt"}
    if content == "OLE":
        out.error("M-PPT-ENCRYPTED", f"演示文稿 {name} 设置了打开密码，审核人员无法打开；请去掉密码后另存。")
        return {"format": "pptx", "encrypted": True}

    slides = _count_slides(path)
    if slides is None:
        out.error("M-PPT-UNREADABLE", f"演示文稿 {name} 已损坏或不是 .pptx 文件，无法打开；请在 PowerPoint 中重新保存。")
        return {}
    if slides == 0:
        out.error("M-PPT-EMPTY", f"演示文稿 {name} 没有幻灯片。")
    return {"format": "pptx", "slides": slides}


def _count_slides(path: Path) -> int | None:
    """The slides of a .pptx (None when it cannot be read), remembered by the file's content
    (:func:`dossier.util.cache.remembered_json`): a check after an edit then neither imports
    zipfile (with shutil, bz2 and lzma, ~5 ms) nor opens the presentation again."""
    from dossier.util.cache import remembered_json

    try:
        return remembered_json("pptx-slides", path, lambda: _slides_in(path))
    except OSError:  # the file could not be read to be hashed: unreadable, as in _slides_in
        return None


def _slides_in(path: Path) -> int | None:
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            info = zf.getinfo("ppt/presentation.xml")
            if info.file_size > _MAX_XML:
                return None
            with zf.open(info) as fh:
                xml = fh.read(_MAX_XML + 1)
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, NotImplementedError, RuntimeError):
        return None
    if len(xml) > _MAX_XML or b"presentation" not in xml[:4096]:
        return None
    return len(_SLIDE_ID.findall(xml))
