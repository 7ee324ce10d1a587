"""Item 9 of the materials list: the summary, photos, PPT and video, checked without decoding.

Public API::

    inspect_media(path, limits) -> MediaInspection      # one file: facts + findings
    inspect_many(paths, limits) -> list[MediaInspection]
    check_media_files(paths, limits, as_set=False) -> MediaCheck   # what `dossier media` runs
    check_media_set(paths, limits) -> list[Finding] # exactly 3 photos, one PPT, one video, one summary
    MediaLimits.from_mapping(programme.media)       # limits from the programme profile
    read_einvoice(pdf) -> EInvoiceFacts | None      # 发票号码 / 开票日期 / 价税合计 of a 数电发票

Finding codes (stable; severity in brackets):

- ``M-FILE-EMPTY`` [error] 0-byte file. ``M-TYPE-UNKNOWN`` [error] not an item-9 file type.
- ``M-PHOTO-SIZE`` [error] below ``warn_from_bytes`` (1,000,000); ``M-PHOTO-SIZE-NEAR`` [warning]
  1,000,000–1,048,575 bytes; ``M-PHOTO-HEIC`` [error] HEIC, with how to convert;
  ``M-PHOTO-FORMAT`` [error] not JPEG/PNG; ``M-PHOTO-EXT-MISMATCH`` [warning] content ≠ extension;
  ``M-PHOTO-CORRUPT`` [error] truncated/corrupt; ``M-PHOTO-PIXELS`` [error] decompression bomb;
  ``M-PHOTO-RESOLUTION`` [warning] long edge below 1920 px.
- ``M-VIDEO-DURATION`` [error] shows more than 3:00 (≥ 181.00 s) or has no duration;
  ``M-VIDEO-DURATION-NEAR`` [warning] 180.01–180.99 s; ``M-VIDEO-UNREADABLE`` [error];
  ``M-VIDEO-EXT-MISMATCH`` [warning]; ``M-VIDEO-FORMAT`` / ``M-VIDEO-RESOLUTION`` [info] not MP4/H.264, below 1080p.
- ``M-PPT-UNREADABLE`` / ``M-PPT-EMPTY`` / ``M-PPT-ENCRYPTED`` / ``M-PPT-FORMAT`` [error];
  ``M-PPT-LEGACY`` [warning] .ppt (slides not countable).
- ``M-SUMMARY-LENGTH`` [error] Word's 字数 above 150; ``M-SUMMARY-RAW-LENGTH`` [warning] only the raw
  count is above; ``M-SUMMARY-ENCODING`` [warning] GBK or UTF-16; ``M-SUMMARY-EMPTY`` /
  ``M-SUMMARY-UNREADABLE`` [error].
- ``M-SET-PHOTO-COUNT`` / ``M-SET-VIDEO-COUNT`` / ``M-SET-PPT-COUNT`` / ``M-SET-SUMMARY-COUNT`` [error].
"""

from typing import Any

from dossier.media_inspection.inspect import MediaCheck, check_media_files, expand_paths, inspect_many, inspect_media
from dossier.media_inspection.kinds import Kind
from dossier.media_inspection.limits import MediaLimits, limits_for_programme
from dossier.media_inspection.result import MediaInspection, describe
from dossier.media_inspection.set_rules import check_media_set

__all__ = [
    "EInvoiceFacts",
    "Kind",
    "MediaCheck",
    "check_media_files",
    "describe",
    "MediaLimits",
    "MediaInspection",
    "check_media_set",
    "expand_paths",
    "inspect_many",
    "inspect_media",
    "limits_for_programme",
    "read_einvoice",
]


def __getattr__(name: str) -> Any:
    # The e-invoice reader is imported when asked for: a check of photos and video needs none of it.
    if name in ("EInvoiceFacts", "read_einvoice"):
        from dossier.evidence import einvoice

        return getattr(einvoice, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
