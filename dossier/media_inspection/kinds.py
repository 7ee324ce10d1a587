"""Which item-9 file a path is (by extension) and what its bytes really are (by magic numbers).

The extension decides the kind, because that is what the reviewer's computer will do with it;
the content decides whether the file can be opened, so a mismatch between the two is reported.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path


class Kind(StrEnum):
    PHOTO = "photo"
    VIDEO = "video"
    PRESENTATION = "presentation"
    SUMMARY = "summary"
    UNKNOWN = "unknown"


KIND_LABEL = {
    Kind.PHOTO: "图片",
    Kind.VIDEO: "视频",
    Kind.PRESENTATION: "PPT",
    Kind.SUMMARY: "文字简介",
    Kind.UNKNOWN: "未知类型",
}

_EXTENSIONS = {
    Kind.PHOTO: {".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".heic", ".heif", ".hif", ".webp", ".bmp", ".gif",
                 ".tif", ".tiff", ".avif"},
    Kind.VIDEO: {".mp4", ".m4v", ".mov", ".mkv", ".webm", ".avi", ".wmv", ".flv", ".3gp", ".mpg", ".mpeg",
                 ".ts", ".mts", ".m2ts"},
    Kind.PRESENTATION: {".pptx", ".ppt", ".pps", ".ppsx", ".key", ".dps"},
    Kind.SUMMARY: {".txt"},
}

# What each photo extension claims to be, in Pillow's format names.
EXTENSION_FORMAT = {
    ".jpg": "JPEG", ".jpeg": "JPEG", ".jpe": "JPEG", ".jfif": "JPEG", ".png": "PNG", ".heic": "HEIC",
    ".heif": "HEIC", ".hif": "HEIC", ".webp": "WEBP", ".bmp": "BMP", ".gif": "GIF", ".tif": "TIFF",
    ".tiff": "TIFF", ".avif": "AVIF",
}

_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}


def kind_of(path: Path) -> Kind:
    suffix = path.suffix.lower()
    for kind, extensions in _EXTENSIONS.items():
        if suffix in extensions:
            return kind
    return Kind.UNKNOWN


def sniff(head: bytes) -> str | None:
    """The container a file's first bytes announce: JPEG, PNG, HEIC, AVIF, GIF, WEBP, BMP, TIFF,
    MP4 (ISO base media, incl. mov), MKV, AVI, ZIP, OLE (old Office or encrypted Office), PDF."""
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if len(head) >= 12 and head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _HEIF_BRANDS:
            return "HEIC"
        if brand in (b"avif", b"avis"):
            return "AVIF"
        return "MP4"
    if len(head) >= 8 and head[4:8] in (b"moov", b"mdat", b"wide", b"free", b"skip"):
        return "MP4"  # old QuickTime files start without ftyp
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "GIF"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "WEBP"
    if head.startswith(b"RIFF") and head[8:12] == b"AVI ":
        return "AVI"
    if head.startswith(b"BM"):
        return "BMP"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "TIFF"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "MKV"
    if head.startswith(b"PK\x03\x04"):
        return "ZIP"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "OLE"
    if head.startswith(b"%PDF"):
        return "PDF"
    return None
