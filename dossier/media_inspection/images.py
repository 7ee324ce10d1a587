"""Photos: size in bytes, real format, integrity and resolution, without a full decode.

``Image.open`` reads only the header (size, format, EXIF). ``verify()`` misses a truncated JPEG,
so a JPEG is decoded at 1/8 scale (``draft``), which still reads every entropy-coded byte and
fails on truncation in about 25 ms. PNG has no reduced decode and is loaded fully; Pillow's
decompression-bomb limit (``Image.MAX_IMAGE_PIXELS``) applies to every format.
"""

from __future__ import annotations

import struct
import sys
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dossier.media_inspection.kinds import EXTENSION_FORMAT, sniff
from dossier.media_inspection.limits import MediaLimits
from dossier.media_inspection.result import Collector, fmt_bytes

if TYPE_CHECKING:
    from PIL import Image

HEIC_HINT = (
    "审核人员的电脑通常打不开 HEIC。请转成 JPEG：在 iPhone 上用“照片”App 分享时选择“选项 → 最兼容”，"
    "或在电脑上用“照片”/“预览”导出为 JPEG；以后拍摄可设为“设置 → 相机 → 格式 → 兼容性最佳”。"
    "转换后请确认文件仍不小于 1M。"
)

# PIL.Image.MAX_IMAGE_PIXELS as Pillow sets it (Pillow 11: 1024 × 1024 × 1024 // 4 // 3).
_PILLOW_MAX_IMAGE_PIXELS = 1024 * 1024 * 1024 // 4 // 3

# EXIF orientations 5–8 turn the picture by 90°: the displayed width is the stored height.
_TRANSPOSED = {5, 6, 7, 8}


def inspect_photo(path: Path, out: Collector, size: int, limits: MediaLimits) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    name = path.name
    _check_bytes(name, out, size, limits)

    with open(path, "rb") as fh:
        head = fh.read(64)
    content = sniff(head)
    if content == "HEIC":
        facts["format"] = "HEIC"
        out.error("M-PHOTO-HEIC", f"照片 {name} 是 HEIC 格式（苹果手机默认格式）。{HEIC_HINT}")
        return facts

    seen = _pillow_facts_once(path, name, limits)
    for severity, code, message in seen["findings"]:
        out.add(code, severity, message)
    facts.update(seen["facts"])
    return facts


def _pillow_facts_once(path: Path, name: str, limits: MediaLimits) -> dict[str, Any]:
    """:func:`_pillow_facts`, remembered by the file's content (and everything else the answer
    depends on): a photo looked at once is neither opened nor decoded again by the next check,
    and Pillow's image module (~50 ms to import) is not even imported."""
    from PIL import __version__ as pillow  # the package only, not PIL.Image

    from dossier.util.cache import cached_json

    # The decompression-bomb limit is Pillow's default unless someone changed it, which needs
    # PIL.Image imported: keyed as "default" then, so that a process that has not imported
    # PIL.Image (a check) and one that has (a build) share the entry.
    bomb = getattr(sys.modules.get("PIL.Image"), "MAX_IMAGE_PIXELS", _PILLOW_MAX_IMAGE_PIXELS)
    bomb = "default" if bomb == _PILLOW_MAX_IMAGE_PIXELS else bomb
    extra = (f"pillow:{pillow};name:{name};formats:{','.join(limits.photo_formats)};"
             f"long-edge:{limits.photo_recommended_long_edge};bomb:{bomb}")
    return cached_json("photo-facts", path, lambda: _pillow_facts(path, name, limits), extra=extra)


def _pillow_facts(path: Path, name: str, limits: MediaLimits) -> dict[str, Any]:
    """What Pillow tells of the photo: header facts, and findings as (severity, code, message)."""
    from PIL import Image, UnidentifiedImageError

    out = Collector(name, limits)
    facts: dict[str, Any] = {}

    def seen() -> dict[str, Any]:
        return {"facts": facts, "findings": [[f.severity, f.code, f.message] for f in out.findings]}

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as im:
                facts.update(_header_facts(im))
                if not _check_format(name, path, out, im.format or "", limits):
                    return seen()
                _decode(im)
    except Image.DecompressionBombError:
        out.error("M-PHOTO-PIXELS", f"照片 {name} 像素数过多，超过安全上限 {2 * Image.MAX_IMAGE_PIXELS:,}，"
                  "拒绝解码；请缩小到 4000 万像素以内再提交。")
        return seen()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, TypeError, KeyError, IndexError,
            ZeroDivisionError, struct.error) as exc:  # what Pillow's parsers raise on broken files
        what = "不完整（文件被截断）" if "truncated" in str(exc) else "已损坏或不是图片"
        out.error("M-PHOTO-CORRUPT", f"照片 {name} {what}，无法完整读取；请从原始照片重新导出。")
        return seen()

    long_edge = max(facts["width"], facts["height"])
    if long_edge < limits.photo_recommended_long_edge:
        out.warning(
            "M-PHOTO-RESOLUTION",
            f"照片 {name} 分辨率 {facts['width']}×{facts['height']}，长边 {long_edge} 像素，"
            f"低于建议的 {limits.photo_recommended_long_edge} 像素；放大后会模糊，建议换用原图。",
        )
    return seen()


def _check_bytes(name: str, out: Collector, size: int, limits: MediaLimits) -> None:
    if size < limits.photo_warn_from_bytes:
        out.error(
            "M-PHOTO-SIZE",
            f"照片 {name} 大小 {fmt_bytes(size)}，小于通知要求的 1M（按 {limits.photo_min_bytes:,} 字节判定）；"
            "请换用原图，不要用聊天软件压缩过的图片。",
        )
    elif size < limits.photo_min_bytes:
        out.warning(
            "M-PHOTO-SIZE-NEAR",
            f"照片 {name} 大小 {fmt_bytes(size)}：按 1M = 1,000,000 字节够，按 1M = {limits.photo_min_bytes:,} "
            "字节不够；为稳妥起见请换用更大的原图。",
        )


def _header_facts(im: Image.Image) -> dict[str, Any]:
    width, height = im.size
    orientation = 1
    try:
        orientation = int(im.getexif().get(0x0112, 1))
    except (ValueError, TypeError, OSError, SyntaxError):
        pass
    if orientation in _TRANSPOSED:
        width, height = height, width
    facts: dict[str, Any] = {"format": im.format, "width": width, "height": height, "mode": im.mode}
    if orientation != 1:
        facts["exif_orientation"] = orientation
    dpi = im.info.get("dpi")
    if dpi:
        facts["dpi"] = [round(float(d)) for d in dpi]
    return facts


def _check_format(name: str, path: Path, out: Collector, real: str, limits: MediaLimits) -> bool:
    claimed = EXTENSION_FORMAT.get(path.suffix.lower())
    if claimed and claimed != real:
        out.warning(
            "M-PHOTO-EXT-MISMATCH",
            f"照片 {name} 的扩展名是 {path.suffix}，内容却是 {real}；请用正确的扩展名（或另存为 JPEG），"
            "以免审核人员打不开。",
        )
    if real not in limits.photo_formats:
        allowed = "、".join(limits.photo_formats)
        out.error("M-PHOTO-FORMAT", f"照片 {name} 是 {real} 格式，请转换为 {allowed} 后提交。")
        return False
    return True


def _decode(im: Image.Image) -> None:
    """Decode enough to prove the file is whole; raise OSError when it is truncated or corrupt."""
    from PIL import ImageFile

    if ImageFile.LOAD_TRUNCATED_IMAGES:
        # Someone in the process asked Pillow to accept broken files; that would hide truncation.
        raise RuntimeError("PIL.ImageFile.LOAD_TRUNCATED_IMAGES is set; photo checks would pass broken files")
    if im.format == "JPEG":
        im.draft("RGB", (max(1, im.size[0] // 8), max(1, im.size[1] // 8)))
    im.load()
