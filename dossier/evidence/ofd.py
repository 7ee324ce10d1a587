"""OFD (GB/T 33190) documents: read the page description, give its text, draw it as a PDF.

An OFD file is a zip of XML: ``OFD.xml`` names the document root (``Doc_0/Document.xml``), which
lists pages (``Pages/Page_N/Content.xml``) and resources (fonts, images). A page holds layers of
``TextObject`` (positioned characters), ``PathObject`` (abbreviated path data) and ``ImageObject``
in millimetres, y pointing down. Pages may draw a template page first (invoices put their frame
there).

We draw our own PDF with reportlab rather than use ``easyofd``: easyofd pulls PyMuPDF (AGPL, ~50
MB) and loguru and prints debug lines to stdout; what invoices and bank receipts need is text,
lines and the occasional image, which fits in this module. Text is drawn as real text in a
TrueType CJK font (embedded, subset, with a ToUnicode map), so the bound page stays searchable.
Not drawn: digital-signature appearance streams (the seal picture of ``Signs/``), annotations,
clipping, shading patterns; a page's look may differ from a reader's there, its text does not.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree as ET

from dossier.util.errors import InputError, ToolError

MM = 72 / 25.4
MAX_MEMBER = 64 * 1024 * 1024  # one XML or image inside the zip; beyond this it is not a receipt
MAX_TOTAL = 256 * 1024 * 1024
MAX_PAGES = 200
TRUETYPE_CANDIDATES = (
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc", 0),
    ("C:/Windows/Fonts/simsun.ttc", 0),
)

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


@dataclass(frozen=True)
class Glyphs:
    """One ``TextCode``: characters with their page positions (mm, y down, baseline)."""

    text: str
    positions: list[tuple[float, float]]
    size: float  # mm
    color: tuple[float, float, float]
    bold: bool = False


@dataclass(frozen=True)
class PathShape:
    segments: list[tuple]  # ("M", x, y) / ("L", x, y) / ("C", x1, y1, x2, y2, x3, y3) / ("Z",), page mm
    line_width: float
    stroke: tuple[float, float, float] | None
    fill: tuple[float, float, float] | None


@dataclass(frozen=True)
class Picture:
    box: tuple[float, float, float, float]  # x, y, w, h in page mm
    data: bytes


@dataclass
class OfdPage:
    width: float
    height: float
    items: list = field(default_factory=list)  # Glyphs / PathShape / Picture in drawing order

    def lines(self) -> list[str]:
        """The page's text, one line per baseline (top to bottom), pieces left to right."""
        rows: list[tuple[float, float, str]] = [
            (g.positions[0][1], g.positions[0][0], g.text) for g in self.items if isinstance(g, Glyphs) and g.text.strip()
        ]
        rows.sort()
        groups: list[list[tuple[float, float, str]]] = []
        for row in rows:
            if groups and row[0] - groups[-1][0][0] < 1.0:  # the same baseline, give or take a size change
                groups[-1].append(row)
            else:
                groups.append([row])
        return [" ".join(text for _y, _x, text in sorted(g, key=lambda r: r[1])) for g in groups]

    def text(self) -> str:
        return "\n".join(self.lines())


def is_ofd(path: Path) -> bool:
    """A zip whose root holds ``OFD.xml`` (the suffix alone is not trusted)."""
    try:
        with zipfile.ZipFile(path) as z:
            return any(n.lower() == "ofd.xml" for n in z.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(el: ET.Element, name: str) -> list[ET.Element]:
    return [c for c in el if _local(c.tag) == name]


def _child(el: ET.Element | None, name: str) -> ET.Element | None:
    if el is None:
        return None
    return next((c for c in el if _local(c.tag) == name), None)


def _walk(el: ET.Element, name: str):
    return (c for c in el.iter() if _local(c.tag) == name)


def _floats(text: str | None) -> list[float]:
    return [float(v) for v in (text or "").split()]


class _Zip:
    """Members by path, case-insensitively and relative to the document, with size limits."""

    def __init__(self, path: Path, file: str) -> None:
        self.file = file
        try:
            self.zip = zipfile.ZipFile(path)
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise _damaged(file, exc) from None
        if sum(i.file_size for i in infos) > MAX_TOTAL:
            raise InputError("OFD 文件解压后过大，疑似压缩炸弹，拒绝处理。", file=file)
        self.names = {i.filename.lower().lstrip("/"): i for i in infos}

    def read(self, name: str) -> bytes:
        info = self.names.get(str(PurePosixPath(name)).lower().lstrip("/"))
        if info is None:
            raise InputError(f"OFD 文件缺少内部文件 {name}。", file=self.file, hint="从开票平台或网上银行重新下载这份 OFD。")
        if info.file_size > MAX_MEMBER:
            raise InputError(f"OFD 内部文件 {name} 过大，拒绝处理。", file=self.file)
        try:
            return self.zip.read(info)
        except Exception as exc:  # noqa: BLE001 - BadZipFile, EOFError, zlib.error … on a corrupt member
            raise _damaged(self.file, exc) from None

    def xml(self, name: str) -> ET.Element:
        data = self.read(name)
        if b"<!ENTITY" in data[:4096]:
            raise InputError(f"OFD 内部文件 {name} 含实体声明，拒绝处理。", file=self.file)
        try:
            return ET.fromstring(data)
        except ET.ParseError as exc:
            raise InputError(f"OFD 内部文件 {name} 不是完整的 XML（{exc}）。", file=self.file,
                             hint="文件可能下载不完整，请重新下载。") from None


def _damaged(file: str, exc: BaseException) -> InputError:
    detail = str(exc).strip().splitlines()[0][:120] if str(exc).strip() else type(exc).__name__
    return InputError(f"OFD 文件已损坏，无法读取（{detail}）。", file=file, hint="从开票平台或网上银行重新下载这份 OFD。")


def _resolve(base: PurePosixPath, loc: str) -> PurePosixPath:
    loc = loc.strip()
    if loc.startswith("/"):
        return PurePosixPath(loc.lstrip("/"))
    parts: list[str] = []
    for part in (base / loc).parts:
        if part == "..":
            if parts:
                parts.pop()
        elif part not in (".", ""):
            parts.append(part)
    return PurePosixPath(*parts)


def read_ofd(path: str | Path, file: str | None = None) -> list[OfdPage]:
    """The pages of the first document in the OFD. Raises :class:`InputError` naming ``file``."""
    path = Path(path)
    file = file or str(path)
    z = _Zip(path, file)
    try:
        return _read(z)
    except InputError:
        raise
    except (ValueError, KeyError, IndexError, TypeError, AttributeError, ZeroDivisionError, RecursionError) as exc:
        raise _damaged(file, exc) from None


def _read(z: _Zip) -> list[OfdPage]:
    root = z.xml("OFD.xml")
    body = next(_walk(root, "DocBody"), None)
    doc_root = _child(body, "DocRoot") if body is not None else None
    if doc_root is None or not (doc_root.text or "").strip():
        raise InputError("OFD.xml 没有指明文档（DocRoot）。", file=z.file, hint="从开票平台或网上银行重新下载这份 OFD。")
    doc_path = _resolve(PurePosixPath(), doc_root.text)
    doc_dir = doc_path.parent
    doc = z.xml(str(doc_path))
    common = _child(doc, "CommonData")
    default_box = _floats(getattr(_child(_child(common, "PageArea"), "PhysicalBox"), "text", None)) or [0, 0, 210, 297]
    fonts: dict[str, bool] = {}
    images: dict[str, bytes] = {}
    for tag in ("PublicRes", "DocumentRes"):
        for res_el in _children(common, tag) if common is not None else []:
            _load_res(z, _resolve(doc_dir, res_el.text or ""), fonts, images)
    templates = {}
    for t in _children(common, "TemplatePage") if common is not None else []:
        templates[t.get("ID", "")] = _resolve(doc_dir, t.get("BaseLoc", ""))
    pages_el = _child(doc, "Pages")
    page_refs = _children(pages_el, "Page") if pages_el is not None else []
    if not page_refs:
        raise InputError("OFD 文件没有任何页面。", file=z.file, hint="从开票平台或网上银行重新下载这份 OFD。")
    if len(page_refs) > MAX_PAGES:
        raise InputError(f"OFD 文件有 {len(page_refs)} 页，超过上限 {MAX_PAGES}。", file=z.file)
    pages = []
    for ref in page_refs:
        page_path = _resolve(doc_dir, ref.get("BaseLoc", ""))
        page_el = z.xml(str(page_path))
        for res_el in _children(page_el, "PageRes"):
            _load_res(z, _resolve(page_path.parent, res_el.text or ""), fonts, images)
        box = _floats(getattr(_child(_child(page_el, "Area"), "PhysicalBox"), "text", None)) or default_box
        page = OfdPage(box[2], box[3])
        for tpl in _children(page_el, "Template"):
            tpl_path = templates.get(tpl.get("TemplateID", ""))
            if tpl_path is not None:
                _content(z.xml(str(tpl_path)), page, fonts, images)
        _content(page_el, page, fonts, images)
        pages.append(page)
    return pages


def _load_res(z: _Zip, res_path: PurePosixPath, fonts: dict[str, bool], images: dict[str, bytes]) -> None:
    if not str(res_path) or str(res_path) == ".":
        return
    res = z.xml(str(res_path))
    base = _resolve(res_path.parent, res.get("BaseLoc", "")) if res.get("BaseLoc") else res_path.parent
    for font in _walk(res, "Font"):
        name = f"{font.get('FontName', '')} {font.get('FamilyName', '')}"
        fonts[font.get("ID", "")] = font.get("Bold") == "true" or "黑" in name or "Bold" in name
    for media in _walk(res, "MultiMedia"):
        media_file = _child(media, "MediaFile")
        if media.get("Type", "Image") == "Image" and media_file is not None and media_file.text:
            try:
                images[media.get("ID", "")] = z.read(str(_resolve(base, media_file.text)))
            except InputError:
                images[media.get("ID", "")] = b""  # a missing picture is not worth refusing the page


def _matrix(text: str | None) -> Matrix:
    values = _floats(text)
    return tuple(values) if len(values) == 6 else IDENTITY  # type: ignore[return-value]


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def _color(el: ET.Element | None, default: tuple[float, float, float] | None) -> tuple[float, float, float] | None:
    if el is None:
        return default
    values = _floats(el.get("Value"))
    if len(values) >= 3:
        return (values[0] / 255, values[1] / 255, values[2] / 255)
    if len(values) == 1:
        return (values[0] / 255,) * 3
    return default


def _content(page_el: ET.Element, page: OfdPage, fonts: dict[str, bool], images: dict[str, bytes]) -> None:
    content = _child(page_el, "Content")
    if content is None:
        return
    for layer in _children(content, "Layer"):
        _objects(layer, page, fonts, images, (0.0, 0.0))


def _objects(parent, page, fonts, images, origin: tuple[float, float]) -> None:
    for obj in parent:
        kind = _local(obj.tag)
        if obj.get("Visible") == "false":
            continue
        boundary = _floats(obj.get("Boundary")) or [0, 0, 0, 0]
        bx, by = origin[0] + boundary[0], origin[1] + boundary[1]
        ctm = _matrix(obj.get("CTM"))
        if kind == "TextObject":
            _text(obj, page, fonts, bx, by, ctm)
        elif kind == "PathObject":
            _path(obj, page, bx, by, ctm)
        elif kind == "ImageObject":
            data = images.get(obj.get("ResourceID", ""), b"")
            if data:
                w, h = (abs(ctm[0]) or boundary[2]), (abs(ctm[3]) or boundary[3])
                page.items.append(Picture((bx + ctm[4], by + ctm[5], w, h), data))
        elif kind == "PageBlock":
            _objects(obj, page, fonts, images, origin)


def _deltas(text: str | None) -> list[float]:
    """``DeltaX="g 3 2.5 1.2"`` → [2.5, 2.5, 2.5, 1.2]."""
    tokens = (text or "").split()
    out: list[float] = []
    i = 0
    while i < len(tokens):
        if tokens[i] == "g" and i + 2 < len(tokens):
            out += [float(tokens[i + 2])] * int(float(tokens[i + 1]))
            i += 3
        else:
            out.append(float(tokens[i]))
            i += 1
    return out


def _text(obj, page, fonts, bx, by, ctm: Matrix) -> None:
    size = float(obj.get("Size", "3.5"))
    scale = math.sqrt(abs(ctm[0] * ctm[3] - ctm[1] * ctm[2])) or 1.0
    fill = _color(_child(obj, "FillColor"), (0.0, 0.0, 0.0))
    bold = fonts.get(obj.get("Font", ""), False) or int(float(obj.get("Weight", "400"))) >= 700
    x = y = 0.0
    for code in _children(obj, "TextCode"):
        text = code.text or ""
        if not text:
            continue
        x = float(code.get("X", x))
        y = float(code.get("Y", y))
        dx, dy = _deltas(code.get("DeltaX")), _deltas(code.get("DeltaY"))
        positions = []
        cx, cy = x, y
        for i, _ch in enumerate(text):
            px, py = _apply(ctm, cx, cy)
            positions.append((bx + px, by + py))
            cx += dx[i] if i < len(dx) else (dx[-1] if dx else size)
            cy += dy[i] if i < len(dy) else 0.0
        page.items.append(Glyphs(text, positions, size * scale, fill or (0.0, 0.0, 0.0), bold))


_PATH_TOKEN = re.compile(r"[A-Za-z]|-?\d*\.?\d+(?:[eE][-+]?\d+)?")


def _path(obj, page, bx, by, ctm: Matrix) -> None:
    data = _child(obj, "AbbreviatedData")
    if data is None or not (data.text or "").strip():
        return
    tokens = _PATH_TOKEN.findall(data.text)
    segments: list[tuple] = []
    i = 0
    current = (0.0, 0.0)

    def point(a: str, b: str) -> tuple[float, float]:
        px, py = _apply(ctm, float(a), float(b))
        return bx + px, by + py

    def nums(n: int) -> list[str]:
        nonlocal i
        values = tokens[i + 1 : i + 1 + n]
        if len(values) < n or any(v.isalpha() for v in values):
            raise ValueError("路径数据不完整")
        i += n
        return values

    while i < len(tokens):
        op = tokens[i]
        if op in ("M", "S"):
            current = point(*nums(2))
            segments.append(("M", *current))
        elif op == "L":
            current = point(*nums(2))
            segments.append(("L", *current))
        elif op == "B":
            v = nums(6)
            p1, p2, p3 = point(v[0], v[1]), point(v[2], v[3]), point(v[4], v[5])
            segments.append(("C", *p1, *p2, *p3))
            current = p3
        elif op == "Q":
            v = nums(4)
            q1, q2 = point(v[0], v[1]), point(v[2], v[3])
            c1 = (current[0] + 2 / 3 * (q1[0] - current[0]), current[1] + 2 / 3 * (q1[1] - current[1]))
            c2 = (q2[0] + 2 / 3 * (q1[0] - q2[0]), q2[1] + 2 / 3 * (q1[1] - q2[1]))
            segments.append(("C", *c1, *c2, *q2))
            current = q2
        elif op == "A":
            v = nums(7)  # elliptical arc: drawn as a straight chord (rare in receipts; seals are images)
            current = point(v[5], v[6])
            segments.append(("L", *current))
        elif op == "C":
            segments.append(("Z",))
        i += 1
    stroke = obj.get("Stroke", "true") != "false"
    fill = obj.get("Fill", "false") == "true"
    width = float(obj.get("LineWidth", "0.353")) * (math.sqrt(abs(ctm[0] * ctm[3] - ctm[1] * ctm[2])) or 1.0)
    page.items.append(PathShape(
        segments, width,
        _color(_child(obj, "StrokeColor"), (0.0, 0.0, 0.0)) if stroke else None,
        _color(_child(obj, "FillColor"), (0.0, 0.0, 0.0)) if fill else None,
    ))


def page_texts(path: str | Path, file: str | None = None) -> list[str]:
    """Each page's text (for the e-invoice cross-check)."""
    return [p.text() for p in read_ofd(path, file)]


# ---------------------------------------------------------------- drawing


_FONT_NAME = "DossierOfdCJK"
_font_ready = False


def _font() -> str:
    global _font_ready
    if _font_ready:
        return _FONT_NAME
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for candidate, index in TRUETYPE_CANDIDATES:
        if Path(candidate).is_file():
            pdfmetrics.registerFont(TTFont(_FONT_NAME, candidate, subfontIndex=index))
            _font_ready = True
            return _FONT_NAME
    raise ToolError("找不到 TrueType 中文字体，无法把 OFD 转为 PDF。", hint="安装 fonts-wqy-zenhei（scripts/setup.sh 会安装）。")


def to_pdf(pages: list[OfdPage], title: str = "") -> bytes:
    """The pages as a PDF with real, searchable text; byte-identical for the same pages."""
    from reportlab.pdfgen import canvas

    font = _font()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=1, pageCompression=1, initialFontName=font, initialFontSize=10)
    c.setTitle(title)
    c.setCreator("dossier (OFD)")
    c.setProducer("dossier")
    for page in pages:
        c.setPageSize((page.width * MM, page.height * MM))
        for item in page.items:
            if isinstance(item, Glyphs):
                _draw_text(c, page.height, item, font)
            elif isinstance(item, PathShape):
                _draw_path(c, page.height, item)
            elif isinstance(item, Picture):
                _draw_picture(c, page.height, item)
        c.showPage()
    c.save()
    return buf.getvalue()


def _draw_text(c, height: float, g: Glyphs, font: str) -> None:
    """A line of characters as one run, stretched (Tz) to span where OFD put its first and last
    character: extraction then reads one word, not letters spaced apart by a narrower font."""
    size = g.size * MM
    c.setFillColorRGB(*g.color)
    lines: list[tuple[int, int]] = []
    start = 0
    for k in range(1, len(g.text) + 1):
        if k == len(g.text) or abs(g.positions[k][1] - g.positions[start][1]) > 0.01:
            lines.append((start, k))
            start = k
    for i, j in lines:
        run = g.text[i:j]
        natural = c.stringWidth(run, font, size)
        t = c.beginText()
        t.setFont(font, size)
        if g.bold:
            t.setTextRenderMode(2)
            c.setStrokeColorRGB(*g.color)
            c.setLineWidth(size * 0.03)
        if j - i > 1 and natural > 0:
            target = (g.positions[j - 1][0] - g.positions[i][0]) * MM + c.stringWidth(run[-1], font, size)
            scale = target / natural * 100
            if 20 < scale < 500:
                t.setHorizScale(scale)
        t.setTextOrigin(g.positions[i][0] * MM, (height - g.positions[i][1]) * MM)
        t.textOut(run)
        c.drawText(t)


def _draw_path(c, height: float, shape: PathShape) -> None:
    if not shape.segments or (shape.stroke is None and shape.fill is None):
        return
    p = c.beginPath()
    for seg in shape.segments:
        if seg[0] == "M":
            p.moveTo(seg[1] * MM, (height - seg[2]) * MM)
        elif seg[0] == "L":
            p.lineTo(seg[1] * MM, (height - seg[2]) * MM)
        elif seg[0] == "C":
            p.curveTo(seg[1] * MM, (height - seg[2]) * MM, seg[3] * MM, (height - seg[4]) * MM,
                      seg[5] * MM, (height - seg[6]) * MM)
        else:
            p.close()
    if shape.stroke is not None:
        c.setStrokeColorRGB(*shape.stroke)
        c.setLineWidth(shape.line_width * MM)
    if shape.fill is not None:
        c.setFillColorRGB(*shape.fill)
    c.drawPath(p, stroke=int(shape.stroke is not None), fill=int(shape.fill is not None))


def _draw_picture(c, height: float, pic: Picture) -> None:
    from PIL import Image
    from reportlab.lib.utils import ImageReader

    try:
        with Image.open(io.BytesIO(pic.data)) as im:
            im.load()
            reader = ImageReader(im.convert("RGBA") if im.mode in ("P", "LA") else im.copy())
    except Exception:  # noqa: BLE001 - an undecodable picture is left out; the text is what matters
        return
    x, y, w, h = pic.box
    c.drawImage(reader, x * MM, (height - y - h) * MM, w * MM, h * MM, mask="auto")


def ofd_to_pdf(path: str | Path, file: str | None = None) -> bytes:
    """Read and draw in one step; :class:`InputError` names ``file`` when the OFD is unusable."""
    pages = read_ofd(path, file)
    return to_pdf(pages, title=Path(file or path).stem)
