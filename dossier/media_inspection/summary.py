"""The 150-字 summary (.txt): encoding, Word's 字数 and the raw character count.

The limit is judged by Word's count (:func:`dossier.util.formats.word_count`: one per 汉字 or
full-width mark, one per run of Latin letters or digits), because that is what a reviewer's Word
shows. The raw count (non-space characters) is shown too and warned about when it alone exceeds
the limit: someone counting by hand would count ``2025`` as four.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dossier.media_inspection.limits import MediaLimits
from dossier.media_inspection.result import Collector
from dossier.util.formats import raw_length, word_count

_MAX_BYTES = 1024 * 1024

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig", "UTF-8（带 BOM）"),
    (b"\xff\xfe", "utf-16", "UTF-16（记事本的“Unicode”）"),
    (b"\xfe\xff", "utf-16", "UTF-16 BE"),
)


def decode_text(data: bytes) -> tuple[str, str] | None:
    """``(text, encoding label)``; None when the bytes are neither UTF-8, UTF-16 with BOM nor GB18030."""
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec), label
            except UnicodeDecodeError:
                return None
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        # GB18030 is a superset of GBK and GB2312: what a Chinese Windows saves as "ANSI".
        return data.decode("gb18030"), "GBK/GB18030"
    except UnicodeDecodeError:
        return None


def inspect_summary(path: Path, out: Collector, size: int, limits: MediaLimits) -> dict[str, Any]:
    name = path.name
    if size > _MAX_BYTES:
        out.error("M-SUMMARY-UNREADABLE", f"文字简介 {name} 有 {size:,} 字节，不像 150 字的简介；请检查是否选错了文件。")
        return {}
    decoded = decode_text(path.read_bytes())
    if decoded is None:
        out.error("M-SUMMARY-UNREADABLE", f"文字简介 {name} 的编码无法识别；请用记事本打开并另存为 UTF-8。")
        return {}
    text, encoding = decoded
    if not encoding.startswith("UTF-8"):
        out.warning(
            "M-SUMMARY-ENCODING",
            f"文字简介 {name} 是 {encoding} 编码，部分电脑（手机、苹果电脑）打开会乱码；请用记事本另存为 UTF-8。",
        )
    # A BOM left inside (from an editor that wrote two) is not a character the reviewer sees.
    text = text.replace("\ufeff", "").strip()
    words, raw = word_count(text), raw_length(text)
    facts = {"encoding": encoding, "word_count": words, "raw_length": raw}
    limit = limits.summary_max_chars
    if not text:
        out.error("M-SUMMARY-EMPTY", f"文字简介 {name} 是空的。")
    elif words > limit:
        out.error(
            "M-SUMMARY-LENGTH",
            f"文字简介 {name} 按 Word 字数统计为 {words} 字（不含空格的字符数 {raw}），超过 {limit} 字；"
            f"请至少删减 {words - limit} 字。",
        )
    elif raw > limit:
        out.warning(
            "M-SUMMARY-RAW-LENGTH",
            f"文字简介 {name} 按 Word 字数统计为 {words} 字，符合 {limit} 字以内；但逐个字符数是 {raw}，"
            "若审核人员逐字计数会超出，可考虑精简数字和英文。",
        )
    return facts
