"""An embedded, subset CJK font for the text dossier itself prints (cover, TOC, page numbers, guide).

Noto Sans CJK is an OpenType/CFF collection, which reportlab cannot embed. We subset it with
fontTools and embed the CFF as a ``CIDFontType0C`` descendant of a ``Type0`` font with Identity-H
encoding: a 2-byte code is the glyph's CID (kept by the subsetter), and a ToUnicode CMap keeps the
text searchable. Subsetting the collection costs ~0.4 s, so subsets are cached on disk by their
character set (``$DOSSIER_CACHE_DIR`` or ``~/.cache/dossier``); a cached subset is byte-identical to
a fresh one, so output stays deterministic.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from dossier.errors import ToolError

FAMILY = "Noto Sans CJK SC"
_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
)
_CACHE_VERSION = "1"


@dataclass(frozen=True)
class FontSubset:
    """CFF bytes plus, per character, its CID and advance width (1/1000 em)."""

    name: str
    cff: bytes
    glyphs: dict[str, tuple[int, int]]
    bbox: tuple[int, int, int, int]

    def width(self, text: str, size: float) -> float:
        return sum(self.glyphs.get(ch, (0, 1000))[1] for ch in text) * size / 1000

    def encode(self, text: str) -> bytes:
        return b"".join(self.glyphs.get(ch, (0, 1000))[0].to_bytes(2, "big") for ch in text)


def _font_dirs() -> list[Path]:
    """Where Windows and macOS keep fonts a user installed (no fontconfig there)."""
    dirs = []
    for var, sub in (("WINDIR", "Fonts"), ("LOCALAPPDATA", "Microsoft/Windows/Fonts")):
        if os.environ.get(var):
            dirs.append(Path(os.environ[var]) / sub)
    dirs += [Path.home() / "Library" / "Fonts", Path("/Library/Fonts")]
    return [d for d in dirs if d.is_dir()]


def find_font() -> tuple[Path, int]:
    """The Noto Sans CJK SC collection file and the face index of the SC face.

    ``$DOSSIER_CJK_FONT`` (a Noto Sans CJK .ttc, or NotoSansSC-Regular.otf) wins; then the Linux
    package locations, the Windows/macOS font folders, and fontconfig. The font must have CFF
    outlines: Windows' own 宋体/微软雅黑 are TrueType and cannot be embedded this way.
    """
    if os.environ.get("DOSSIER_CJK_FONT") and Path(os.environ["DOSSIER_CJK_FONT"]).is_file():
        return Path(os.environ["DOSSIER_CJK_FONT"]), -1
    for cand in _CANDIDATES:
        if Path(cand).is_file():
            return Path(cand), -1
    for folder in _font_dirs():
        for pattern in ("NotoSansCJK*-Regular.tt[cf]", "NotoSansCJKsc-Regular.otf", "NotoSansSC-Regular.otf"):
            found = sorted(folder.glob(pattern))
            if found:
                return found[0], -1
    try:
        out = subprocess.run(
            ["fc-match", "-f", "%{file}\n%{index}", FAMILY], capture_output=True, text=True, timeout=20
        ).stdout.split("\n")
        if out and out[0] and "CJK" in out[0] and Path(out[0]).is_file():
            return Path(out[0]), int(out[1] or 0)
    except (OSError, subprocess.SubprocessError, ValueError):
        pass
    raise ToolError(
        "找不到中文字体 Noto Sans CJK，无法生成封面、目录和页码。",
        hint="Linux 安装系统软件包 fonts-noto-cjk（scripts/setup.sh 会安装）；Windows 请安装 Noto Sans CJK SC"
        "（思源黑体），或用环境变量 DOSSIER_CJK_FONT 指定字体文件。",
    )


def _cache_dir() -> Path | None:
    root = os.environ.get("DOSSIER_CACHE_DIR")
    if root:
        return Path(root) / "fonts"
    home = os.environ.get("XDG_CACHE_HOME") or (Path.home() / ".cache")
    return Path(home) / "dossier" / "fonts"


def subset_font(chars: set[str] | str) -> FontSubset:
    """A subset holding ``chars`` (plus ``…``), from the disk cache when possible."""
    wanted = "".join(sorted(set(chars) | {"…", " "}))
    path, index = find_font()
    st = path.stat()
    key = hashlib.sha256(
        json.dumps([_CACHE_VERSION, str(path), index, st.st_size, int(st.st_mtime), wanted]).encode()
    ).hexdigest()[:32]
    cache = _cache_dir()
    if cache is not None:
        try:
            meta = json.loads((cache / f"{key}.json").read_text("utf-8"))
            cff = (cache / f"{key}.cff").read_bytes()
            if hashlib.sha256(cff).hexdigest() == meta["sha256"]:
                return FontSubset(
                    meta["name"], cff, {k: (v[0], v[1]) for k, v in meta["glyphs"].items()}, tuple(meta["bbox"])
                )
        except (OSError, ValueError, KeyError):
            pass
    font = _build(path, index, wanted)
    if cache is not None:
        try:
            from dossier.atomic import write_bytes, write_text

            write_bytes(cache / f"{key}.cff", font.cff)
            meta = {
                "name": font.name,
                "sha256": hashlib.sha256(font.cff).hexdigest(),
                "glyphs": {k: list(v) for k, v in font.glyphs.items()},
                "bbox": list(font.bbox),
            }
            write_text(cache / f"{key}.json", json.dumps(meta, ensure_ascii=False, sort_keys=True))
        except OSError:
            pass  # a read-only home only costs time
    return font


def _build(path: Path, index: int, wanted: str) -> FontSubset:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    if index < 0:
        index = 0
        for i in range(16):
            try:
                face = TTFont(str(path), fontNumber=i, lazy=True)
            except Exception:  # noqa: BLE001 - past the last face
                break
            if face["name"].getDebugName(1) == FAMILY:
                index = i
                break
    font = TTFont(str(path), fontNumber=index, lazy=True)
    cmap = font.getBestCmap()
    hmtx = font["hmtx"]
    order = font.getGlyphOrder()
    glyphs: dict[str, tuple[int, int]] = {}
    names = set()
    for ch in wanted:
        name = cmap.get(ord(ch))
        if name is None:
            continue
        names.add(name)
        cid = int(name[3:]) if name.startswith("cid") else order.index(name)
        glyphs[ch] = (cid, hmtx[name][0])
    opts = subset.Options()
    opts.layout_features = []
    opts.name_IDs = []
    opts.notdef_outline = True
    opts.hinting = False
    opts.desubroutinize = True
    sub = subset.Subsetter(opts)
    sub.populate(glyphs=sorted(names))
    sub.subset(font)
    cff = font["CFF "].compile(font)
    head = font["head"]
    bbox = (head.xMin, head.yMin, head.xMax, head.yMax)
    tag = "".join(chr(65 + b % 26) for b in hashlib.sha256(wanted.encode()).digest()[:6])
    return FontSubset(f"{tag}+NotoSansCJKsc-Regular", cff, glyphs, bbox)


def embed(pdf, font: FontSubset):
    """Add ``font`` to ``pdf`` as a Type0 font object and return it (indirect)."""
    import pikepdf
    from pikepdf import Array, Dictionary, Name

    file3 = pikepdf.Stream(pdf, font.cff)
    file3[Name.Subtype] = Name("/CIDFontType0C")
    desc = Dictionary(
        Type=Name.FontDescriptor,
        FontName=Name("/" + font.name),
        Flags=4,
        FontBBox=Array(list(font.bbox)),
        ItalicAngle=0,
        Ascent=880,
        Descent=-120,
        CapHeight=733,
        StemV=80,
        FontFile3=file3,
    )
    by_cid = sorted({cid: w for cid, w in font.glyphs.values()}.items())
    widths = Array()
    for cid, w in by_cid:
        widths.append(cid)
        widths.append(Array([w]))
    cidfont = Dictionary(
        Type=Name.Font,
        Subtype=Name.CIDFontType0,
        BaseFont=Name("/" + font.name),
        CIDSystemInfo=Dictionary(Registry=pikepdf.String("Adobe"), Ordering=pikepdf.String("Identity"), Supplement=0),
        FontDescriptor=pdf.make_indirect(desc),
        DW=1000,
        W=widths,
    )
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
