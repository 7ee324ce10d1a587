"""An embedded, subset CJK font for the text dossier itself prints (cover, TOC, page numbers, guide).

Any CJK font the user already has will do: TrueType (``.ttf``, Windows' 黑体 simhei.ttf), TrueType
collections (``.ttc``: 宋体 simsun.ttc, 微软雅黑 msyh.ttc, WenQuanYi Zen Hei, macOS Songti/PingFang/
STHeiti) and OpenType/CFF (Noto Sans CJK). fontTools subsets the face to the characters printed, and
:func:`embed` writes it as a ``Type0`` font with Identity-H encoding over one descendant:
``CIDFontType2`` + ``FontFile2`` for TrueType outlines, ``CIDFontType0`` + ``FontFile3``/
``CIDFontType0C`` for CFF. A 2-byte code is the glyph's id in the subset (the CID, for a CID-keyed
CFF), and a ToUnicode CMap keeps the text searchable and extractable.

Subsetting a large collection costs ~0.4 s, so subsets are cached on disk (:mod:`dossier.util.cache`,
kind ``fonts``) by font file and character set, and the last few in memory; a cached subset is
byte-identical to a fresh one.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import sys
from dataclasses import dataclass
from functools import cached_property
from itertools import repeat
from pathlib import Path

from dossier.util.errors import ToolError
from dossier.util.fontdirs import font_dirs

FAMILY = "Noto Sans CJK SC"
# Linux distributions' Noto CJK (the font the samples and tests are made with: same look everywhere).
_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
)
# File names in Windows' and macOS' font folders, best first: Noto if the user installed it, then the
# fonts the system ships (黑体-like faces first: the binder's labels are sans).
_FILE_PATTERNS = (
    "NotoSansCJK*-Regular.tt[cf]", "NotoSansCJKsc-Regular.otf", "NotoSansSC-Regular.otf",
    "msyh.ttc", "msyh.ttf", "simhei.ttf", "simsun.ttc", "simfang.ttf", "Deng.ttf",  # Windows
    "PingFang.ttc", "STHeiti Medium.ttc", "STHeiti Light.ttc", "Songti.ttc", "Hiragino Sans GB.ttc",  # macOS
    "wqy-zenhei.ttc", "wqy-microhei.ttc",
)
# Inside a collection, the face to use (simplified Chinese, regular weight), by family name.
_FACES = (
    FAMILY, "Microsoft YaHei", "SimHei", "SimSun", "FangSong", "PingFang SC", "Heiti SC", "STHeiti",
    "Songti SC", "STSong", "Hiragino Sans GB", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei",
)
_PROBE = "封面目录第页"  # a face without these cannot print the cover and TOC
_CACHE_VERSION = "3"  # 3: TrueType subsets no longer stamped with the time they were made


@dataclass(frozen=True)
class FontSubset:
    """A subset font program plus, per character, its code (CID) and advance width (1/1000 em)."""

    name: str
    data: bytes
    outlines: str  # "truetype" (glyf) or "cff"
    glyphs: dict[str, tuple[int, int]]
    bbox: tuple[int, int, int, int]
    ascent: int = 880
    descent: int = -120
    # What it was made for (:func:`subset_font`): a character asked for that the face lacks is in
    # ``wanted`` and not in ``glyphs``. Text of these characters looks the same in any subset
    # made for more of them (the stamping guide set in the volume's subset).
    wanted: frozenset[str] = frozenset()

    def width(self, text: str, size: float) -> float:
        return sum(map(self._widths.get, text, repeat(1000))) * size / 1000

    def encode(self, text: str) -> bytes:
        """Each character's 2-byte code (0 for a character the subset lacks)."""
        return b"".join(map(self._codes.get, text, repeat(b"\0\0")))

    # Looked up per character of every page number: one dict access instead of a tuple's and an
    # int's conversion (~25 µs a page).
    @cached_property
    def _widths(self) -> dict[str, int]:
        return {ch: w for ch, (_code, w) in self.glyphs.items()}

    @cached_property
    def _codes(self) -> dict[str, bytes]:
        return {ch: code.to_bytes(2, "big") for ch, (code, _w) in self.glyphs.items()}


def find_font() -> tuple[Path, int]:
    """A CJK font file and the face to use (``-1``: choose by :data:`_FACES`).

    ``$DOSSIER_CJK_FONT`` wins; then Noto CJK where Linux packages put it, the Windows/macOS font
    folders (:func:`font_dirs`), and fontconfig's choice for simplified Chinese.
    """
    env = os.environ.get("DOSSIER_CJK_FONT")
    if env:
        if Path(env).is_file():
            return Path(env), -1
        raise ToolError(
            "环境变量 DOSSIER_CJK_FONT 指定的字体文件不存在", file=env,
            hint="请给出中文字体文件（.ttf / .ttc / .otf）的完整路径，或删除这个环境变量。",
        )
    for cand in _CANDIDATES:
        if Path(cand).is_file():
            return Path(cand), -1
    folders = font_dirs()
    for pattern in _FILE_PATTERNS:
        for folder in folders:
            found = sorted(folder.glob(pattern))
            if found:
                return found[0], -1
    found = _fontconfig()
    if found is not None:
        return found
    raise ToolError(
        "找不到可用的中文字体，无法生成封面、目录和页码。",
        hint="Windows 和 macOS 自带的中文字体（黑体、宋体、微软雅黑、苹方、宋体-简）都可以使用，"
        "若已被删除请重新安装；Linux 请安装 fonts-noto-cjk 或 fonts-wqy-zenhei；"
        "也可以用环境变量 DOSSIER_CJK_FONT 指定字体文件（.ttf / .ttc / .otf）。",
    )


def _fontconfig() -> tuple[Path, int] | None:
    import subprocess

    try:
        out = subprocess.run(
            ["fc-match", "-f", "%{file}\n%{index}\n%{lang}", "sans-serif:lang=zh-cn"],
            capture_output=True, text=True, timeout=20,
        ).stdout.split("\n")
    except (OSError, subprocess.SubprocessError):
        return None
    if len(out) >= 3 and out[0] and Path(out[0]).is_file() and "zh-cn" in out[2].split("|"):
        try:
            return Path(out[0]), int(out[1] or 0)
        except ValueError:
            return None
    return None


_SUBSETS: dict[str, FontSubset] = {}  # the last few subsets this process made or read, by cache key


def subset_font(chars: set[str] | str | frozenset[str]) -> FontSubset:
    """A subset holding ``chars`` (plus ``…``), from this process's memory or the disk cache when possible."""
    from dossier.util.cache import cache_dir, store, touch

    wanted = "".join(sorted(set(chars) | {"…", " "}))
    path, index = find_font()
    st = path.stat()
    key = hashlib.sha256(
        json.dumps([_CACHE_VERSION, str(path), index, st.st_size, int(st.st_mtime), wanted]).encode()
    ).hexdigest()[:32]
    font = _SUBSETS.get(key)
    if font is not None:
        return font
    entry = cache_dir("fonts") / f"{key}.json"
    try:
        meta = json.loads(entry.read_text("utf-8"))
        data = base64.b64decode(meta["data"])
        if hashlib.sha256(data).hexdigest() == meta["sha256"]:
            touch(entry)
            font = FontSubset(
                meta["name"], data, meta["outlines"], {k: (v[0], v[1]) for k, v in meta["glyphs"].items()},
                tuple(meta["bbox"]), meta["ascent"], meta["descent"], frozenset(wanted),
            )
    except (OSError, ValueError, KeyError, TypeError):
        pass
    if font is None:
        font = build_subset(path, index, wanted)
        try:
            meta = {
                "name": font.name, "outlines": font.outlines, "sha256": hashlib.sha256(font.data).hexdigest(),
                "data": base64.b64encode(font.data).decode("ascii"),
                "glyphs": {k: list(v) for k, v in font.glyphs.items()}, "bbox": list(font.bbox),
                "ascent": font.ascent, "descent": font.descent,
            }
            store(entry, json.dumps(meta, ensure_ascii=False, sort_keys=True).encode("utf-8"))
        except OSError:
            pass  # a read-only cache only costs time
    if len(_SUBSETS) >= 4:
        _SUBSETS.pop(next(iter(_SUBSETS)))
    _SUBSETS[key] = font
    return font


def _open_face(path: Path, index: int):
    """The face ``index`` of ``path``, or (``-1``) the best face of a collection by :data:`_FACES`."""
    from fontTools.ttLib import TTFont, TTLibError

    def unusable(exc: BaseException) -> ToolError:
        return ToolError(
            f"无法读取中文字体文件（{type(exc).__name__}）", file=str(path),
            hint="请换一个中文字体文件，或用环境变量 DOSSIER_CJK_FONT 指定其他 .ttf / .ttc / .otf 文件。",
        )

    if index >= 0:
        try:
            return TTFont(str(path), fontNumber=index, lazy=True)
        except (TTLibError, OSError, ValueError, KeyError, AssertionError) as exc:
            raise unusable(exc) from None
    faces = []
    for i in range(64):
        try:
            face = TTFont(str(path), fontNumber=i, lazy=True)
        except (TTLibError, OSError, ValueError, KeyError, AssertionError, IndexError) as exc:
            if i == 0:
                raise unusable(exc) from None
            break  # past the last face
        faces.append(face)
        if path.suffix.lower() not in (".ttc", ".otc"):
            break
    rank = {name: k for k, name in enumerate(_FACES)}
    order = sorted(range(len(faces)), key=lambda i: (rank.get(faces[i]["name"].getDebugName(1) or "", len(rank)), i))
    for face in (faces[i] for i in order):  # reading a CJK cmap is slow: only until one face has the characters
        cmap = face.getBestCmap() or {}
        if all(ord(ch) in cmap for ch in _PROBE):
            return face
    raise ToolError(
        "所选字体不含中文字符，无法生成封面、目录和页码", file=str(path),
        hint="请用环境变量 DOSSIER_CJK_FONT 指定一个中文字体文件（如 黑体 simhei.ttf、宋体 simsun.ttc）。",
    )


def build_subset(path: Path, index: int, wanted: str) -> FontSubset:
    """Subset the face to ``wanted`` with fontTools: one path for TrueType and CFF outlines."""
    import logging

    from fontTools import subset

    logging.getLogger("fontTools").setLevel(logging.ERROR)  # "BDF NOT subset; dropped" is not news
    font = _open_face(path, index)
    # A saved font's head.modified would be the time of subsetting: the face's own keeps the
    # embedded TrueType program the same bytes whenever and wherever it is made.
    font.recalcTimestamp = False
    if "OS/2" in font and font["OS/2"].fsType & 0x000F == 0x0002:
        # "Restricted license embedding": the font's licence forbids putting it into a PDF.
        raise ToolError(
            "这个中文字体的授权不允许嵌入 PDF，不能用于封面、目录和页码", file=str(path),
            hint="用环境变量 DOSSIER_CJK_FONT 指定其他中文字体文件，例如系统自带的 黑体 simhei.ttf 或 Noto Sans CJK。",
        )
    cmap = font.getBestCmap() or {}
    names = sorted({cmap[ord(ch)] for ch in wanted if ord(ch) in cmap})
    cff = "CFF " in font
    opts = subset.Options()
    opts.layout_features = []
    opts.name_IDs = [1, 2, 6]  # family and PostScript names: the embedded font says what it is
    opts.name_languages = [0x409]
    opts.notdef_outline = True
    opts.hinting = False
    opts.desubroutinize = True
    opts.glyph_names = False
    opts.drop_tables += ["DSIG", "vhea", "vmtx", "VORG", "BASE", "gasp", "kern", "morx", "mort", "feat", "EBDT", "EBLC", "EBSC", "bdat", "bloc"]
    if cff:
        # Only the CFF table is embedded. The layout tables add no glyph (no features are kept)
        # and the cmap is read from the face above (the subset keeps the glyphs' names): reading
        # and pruning them for a CJK face cost ~0.1 s a subset, for nothing in the PDF.
        opts.drop_tables += ["GSUB", "GPOS", "GDEF", "JSTF", "MATH", "cmap"]
        opts.prune_unicode_ranges = opts.prune_codepage_ranges = False  # OS/2's, read from the cmap
    sub = subset.Subsetter(opts)
    sub.populate(glyphs=names)
    sub.subset(font)
    # The subset is read in memory, not saved and parsed back: its glyph order is the one saved
    # (ids, CIDs) and compiling sets the bounding boxes the saved font would have.
    if cff:
        # Only the CFF program is embedded: compile that table alone (its FontBBox recalculated,
        # the value `head` would copy) rather than the whole font, whose `hhea` recalculation
        # draws every glyph again for figures a PDF never reads.
        data = font["CFF "].compile(font)
        x0, y0, x1, y1 = font["CFF "].cff.topDictIndex[0].FontBBox
    else:
        buf = io.BytesIO()
        font.save(buf)  # sets head's bounding box from the glyphs (maxp recalculation)
        data = buf.getvalue()
        x0, y0, x1, y1 = (font["head"].xMin, font["head"].yMin, font["head"].xMax, font["head"].yMax)
    scale = 1000 / font["head"].unitsPerEm
    if not cff:
        cmap = font.getBestCmap() or {}  # the subset's (for CFF, the face's: the same for these characters)
    hmtx = font["hmtx"]
    cid_keyed = cff and hasattr(font["CFF "].cff.topDictIndex[0], "ROS")
    glyphs: dict[str, tuple[int, int]] = {}
    for ch in wanted:
        name = cmap.get(ord(ch))
        if name is None:
            continue
        code = int(name[3:]) if cid_keyed and name.startswith("cid") else font.getGlyphID(name)
        glyphs[ch] = (code, round(hmtx[name][0] * scale))
    hhea = font["hhea"]
    bbox = tuple(round(v * scale) for v in (x0, y0, x1, y1))
    family = (font["name"].getDebugName(6) or font["name"].getDebugName(1) or "CJK").replace(" ", "")
    family = "".join(ch for ch in family if ch.isascii() and ch.isalnum() or ch == "-") or "CJK"
    tag = "".join(chr(65 + b % 26) for b in hashlib.sha256(wanted.encode() + family.encode()).digest()[:6])
    return FontSubset(
        f"{tag}+{family}", data, "cff" if cff else "truetype", glyphs, bbox,
        round(hhea.ascent * scale), round(hhea.descent * scale), frozenset(wanted),
    )


def embed(pdf, font: FontSubset):
    """Add ``font`` to ``pdf`` as a Type0 font object and return it (indirect)."""
    import pikepdf
    from pikepdf import Array, Dictionary, Name

    program = pikepdf.Stream(pdf, font.data)
    desc = Dictionary(
        Type=Name.FontDescriptor,
        FontName=Name("/" + font.name),
        Flags=4,
        FontBBox=Array(list(font.bbox)),
        ItalicAngle=0,
        Ascent=font.ascent,
        Descent=font.descent,
        CapHeight=font.ascent,
        StemV=80,
    )
    if font.outlines == "cff":
        program[Name.Subtype] = Name("/CIDFontType0C")
        desc[Name.FontFile3] = program
        subtype = Name.CIDFontType0
    else:
        program[Name.Length1] = len(font.data)
        desc[Name.FontFile2] = program
        subtype = Name.CIDFontType2
    by_cid = sorted({cid: w for cid, w in font.glyphs.values()}.items())
    widths = Array()
    for cid, w in by_cid:
        widths.append(cid)
        widths.append(Array([w]))
    cidfont = Dictionary(
        Type=Name.Font,
        Subtype=subtype,
        BaseFont=Name("/" + font.name),
        CIDSystemInfo=Dictionary(Registry=pikepdf.String("Adobe"), Ordering=pikepdf.String("Identity"), Supplement=0),
        FontDescriptor=pdf.make_indirect(desc),
        DW=1000,
        W=widths,
    )
    if font.outlines != "cff":
        cidfont[Name.CIDToGIDMap] = Name.Identity
    tounicode = pikepdf.Stream(pdf, _tounicode(font))
    type0 = Dictionary(
        Type=Name.Font,
        Subtype=Name.Type0,
        BaseFont=Name("/" + font.name),
        Encoding=Name("/Identity-H"),
        DescendantFonts=Array([pdf.make_indirect(cidfont)]),
        ToUnicode=tounicode,
    )
    return pdf.make_indirect(type0)


def _tounicode(font: FontSubset) -> bytes:
    pairs = sorted({cid: ch for ch, (cid, _w) in font.glyphs.items()}.items())
    out = io.StringIO()
    out.write(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
    )
    for i in range(0, len(pairs), 100):
        chunk = pairs[i : i + 100]
        out.write(f"{len(chunk)} beginbfchar\n")
        for cid, ch in chunk:
            out.write(f"<{cid:04X}> <{ch.encode('utf-16-be').hex().upper()}>\n")
        out.write("endbfchar\n")
    out.write("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n")
    return out.getvalue().encode("ascii")
