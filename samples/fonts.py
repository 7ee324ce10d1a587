"""A TrueType CJK font for the generated sample documents.

The only CJK fonts on the machine are Noto CJK collections with CFF outlines. reportlab embeds
TrueType only, and fpdf2 embeds CFF with an encoding CMap that pypdf ignores when it measures
glyphs (its text extraction then spaces out every character, and a 20-digit 发票号码 no longer
reads back). So the Simplified Chinese face is subset to GB 2312 plus the symbols the samples use
and its outlines are converted to TrueType quadratics (fontTools cu2qu). That takes ~10 s, once:
the result is cached beside the samples, keyed by the source font's bytes, and is byte-identical
on every run (no timestamps are recalculated).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from dossier.util.errors import ToolError

SOURCES = (
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSerifCJK-Regular.ttc",
)
SC_FACE = "Noto Serif CJK SC"
VERSION = "1"
# Symbols outside GB 2312 that the samples print: ¥ and Latin-1, subscripts (CO₂), ⊗, ≤ ≥, ①…
EXTRA = (
    [chr(c) for c in range(0x20, 0x7F)]
    + [chr(c) for c in range(0xA0, 0x100)]
    + [chr(c) for c in range(0x2070, 0x20A0)]
    + [chr(c) for c in range(0x2010, 0x2070)]
    + [chr(c) for c in range(0x2150, 0x2190)]
    + [chr(c) for c in range(0x2190, 0x2300)]
    + [chr(c) for c in range(0x2460, 0x24F0)]
    + [chr(c) for c in range(0x3000, 0x3040)]
    + [chr(c) for c in range(0xFF01, 0xFF5F)]
    + ["㎡", "㎜", "㎏", "℃", "№"]
)


def gb2312_chars() -> set[str]:
    chars = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return chars


def source_font() -> Path:
    for candidate in SOURCES:
        if Path(candidate).is_file():
            return Path(candidate)
    raise ToolError(
        "找不到 Noto Serif CJK 字体，无法生成示例文件",
        hint="请安装 fonts-noto-cjk（scripts/setup.sh 会安装）。",
    )


def truetype_font(cache_dir: Path) -> Path:
    """Path of the cached TrueType subset, built on first use."""
    src = source_font()
    digest = hashlib.sha256(src.read_bytes() + VERSION.encode()).hexdigest()[:16]
    target = cache_dir / f"NotoSerifSC-GB2312-{digest}.ttf"
    if target.is_file():
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    data = _convert(src)
    tmp = target.with_suffix(".tmp")
    tmp.write_bytes(data)
    tmp.replace(target)
    return target


def _face_index(src: Path) -> int:
    from fontTools.ttLib import TTCollection

    collection = TTCollection(str(src), lazy=True)
    for i, face in enumerate(collection.fonts):
        if face["name"].getDebugName(1) == SC_FACE:
            return i
    raise ToolError(f"{src} 中没有 {SC_FACE} 字体")


def _convert(src: Path) -> bytes:
    import io

    from fontTools import subset
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont, newTable

    font = TTFont(str(src), fontNumber=_face_index(src), recalcTimestamp=False, recalcBBoxes=True)
    options = subset.Options()
    options.layout_features = []
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False
    options.desubroutinize = True
    options.drop_tables += ["VORG", "vhea", "vmtx", "GPOS", "GSUB", "GDEF", "BASE"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(ord(c) for c in gb2312_chars() | set(EXTRA)))
    subsetter.subset(font)

    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    outlines = {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        outlines[name] = pen.glyph()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = outlines
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    del font["CFF "]
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for attr in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                 "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    font["head"].glyphDataFormat = 0
    font["post"].formatType = 3.0
    font.sfntVersion = "\x00\x01\x00\x00"
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()
