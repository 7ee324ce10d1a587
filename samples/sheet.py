"""A tiny page description rendered two ways: a PDF with a text layer (reportlab) or a JPEG "scan"
(Pillow). Documents are written once as drawing operations in millimetres from the top-left
corner; both renderers are deterministic (reportlab's invariant mode, fixed noise seeds, no
metadata in the JPEG).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

MM = 72 / 25.4  # points per millimetre
A4 = (210.0, 297.0)
A4_LANDSCAPE = (297.0, 210.0)
A5_LANDSCAPE = (210.0, 148.0)
INVOICE = (241.0, 140.0)  # the page of a 数电发票 PDF

BLACK = (0, 0, 0)
GREY = (0.45, 0.45, 0.45)
RED = (0.78, 0.12, 0.12)
BROWN = (0.55, 0.27, 0.07)
BLUE = (0.1, 0.2, 0.55)
# Noto Serif CJK has no subscript digits: CO₂ is printed CO2.
FALLBACK = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")
WATERMARK = "示例文件 · 虚构数据 · 仅供演示"


@dataclass
class Page:
    size: tuple[float, float]
    ops: list[tuple] = field(default_factory=list)

    def text(self, x, y, s, size=10.5, *, bold=False, align="left", color=BLACK):
        self.ops.append(("text", x, y, str(s).translate(FALLBACK), size, bold, align, color))

    def line(self, x1, y1, x2, y2, width=0.3, color=BLACK):
        self.ops.append(("line", x1, y1, x2, y2, width, color))

    def rect(self, x, y, w, h, width=0.3, color=BLACK):
        self.ops.append(("rect", x, y, w, h, width, color))

    def circle(self, x, y, r, width=0.6, color=RED):
        self.ops.append(("circle", x, y, r, width, color))


@dataclass
class Sheet:
    """Pages of one document; ``font`` is the path of the TrueType font every text uses."""

    font: Path
    title: str = ""
    pages: list[Page] = field(default_factory=list)

    def page(self, size=A4) -> Page:
        p = Page(size)
        self.pages.append(p)
        return p

    def width(self, s: str, size: float) -> float:
        """Width of ``s`` in millimetres at ``size`` points."""
        return sum(_char_width(self.font, ch) for ch in s) * size / MM

    def wrap(self, s: str, size: float, width_mm: float) -> list[str]:
        """Break text into lines no wider than ``width_mm`` (Chinese breaks between any characters)."""
        s = s.translate(FALLBACK)
        lines, line, used = [], "", 0.0
        for ch in s:
            w = self.width(ch, size)  # no kerning in these fonts: widths add up
            if used + w > width_mm and line:
                lines.append(line)
                line, used = "", 0.0
            line += ch
            used += w
        if line:
            lines.append(line)
        return lines


_REGISTERED: set[str] = set()
_WIDTHS: dict[tuple[str, str], float] = {}


def _char_width(font: Path, ch: str) -> float:
    """Advance width of one character at 1 pt, cached (reportlab's lookup is slow per call)."""
    key = (str(font), ch)
    if key not in _WIDTHS:
        from reportlab.pdfbase.pdfmetrics import stringWidth

        _register(font)
        _WIDTHS[key] = stringWidth(ch, "SampleCJK", 1)
    return _WIDTHS[key]


def _register(font: Path) -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if str(font) not in _REGISTERED:
        pdfmetrics.registerFont(TTFont("SampleCJK", str(font)))
        _REGISTERED.add(str(font))


def missing_glyphs(font: Path, texts: list[str]) -> set[str]:
    from reportlab.pdfbase import pdfmetrics

    _register(font)
    face = pdfmetrics.getFont("SampleCJK").face
    return {ch for t in texts for ch in t if not ch.isspace() and ord(ch) not in face.charToGlyph}


def to_pdf(sheet: Sheet) -> bytes:
    from reportlab.pdfgen import canvas

    _register(sheet.font)
    texts = [op[3] for p in sheet.pages for op in p.ops if op[0] == "text"]
    lost = missing_glyphs(sheet.font, texts)
    if lost:
        raise ValueError(f"字体缺少字符：{''.join(sorted(lost))}")
    buf = io.BytesIO()
    # The initial font must be ours too: reportlab otherwise references a non-embedded Helvetica.
    c = canvas.Canvas(buf, invariant=1, pageCompression=1, initialFontName="SampleCJK", initialFontSize=10)
    c.setTitle(sheet.title)
    c.setAuthor("dossier samples")
    c.setCreator("dossier samples")
    c.setProducer("dossier samples")
    for page in sheet.pages:
        w, h = page.size
        c.setPageSize((w * MM, h * MM))
        _watermark_pdf(c, w, h)
        for op in page.ops:
            _pdf_op(c, h, op)
        c.showPage()
    c.save()
    return buf.getvalue()


def _watermark_pdf(c, w, h):
    c.saveState()
    c.setFillColorRGB(0.85, 0.85, 0.85)
    c.setFont("SampleCJK", 22)
    c.translate(w * MM / 2, h * MM / 2)
    c.rotate(30)
    c.drawCentredString(0, 0, WATERMARK)
    c.restoreState()


def _pdf_op(c, h, op):
    kind = op[0]
    if kind == "text":
        _, x, y, s, size, bold, align, color = op
        c.setFillColorRGB(*color)
        c.setStrokeColorRGB(*color)
        c.setFont("SampleCJK", size)
        t = c.beginText()
        t.setTextRenderMode(2 if bold else 0)
        if bold:
            c.setLineWidth(size * 0.03)
        width = c.stringWidth(s, "SampleCJK", size)
        dx = {"left": 0, "center": -width / 2, "right": -width}[align]
        t.setTextOrigin(x * MM + dx, (h - y) * MM - size * 0.85)
        t.textOut(s)
        c.drawText(t)
    elif kind == "line":
        _, x1, y1, x2, y2, width, color = op
        c.setStrokeColorRGB(*color)
        c.setLineWidth(width * MM)
        c.line(x1 * MM, (h - y1) * MM, x2 * MM, (h - y2) * MM)
    elif kind == "rect":
        _, x, y, w, hh, width, color = op
        c.setStrokeColorRGB(*color)
        c.setLineWidth(width * MM)
        c.rect(x * MM, (h - y - hh) * MM, w * MM, hh * MM, stroke=1, fill=0)
    elif kind == "circle":
        _, x, y, r, width, color = op
        c.setStrokeColorRGB(*color)
        c.setLineWidth(width * MM)
        c.circle(x * MM, (h - y) * MM, r * MM, stroke=1, fill=0)


def to_jpeg(sheet: Sheet, *, seed: int, dpi: int = 150, angle: float = 0.7, quality: int = 78) -> bytes:
    """The first page as a slightly rotated, noisy greyscale-ish scan (JPEG, no EXIF)."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    page = sheet.pages[0]
    px = dpi / 25.4
    w, h = round(page.size[0] * px), round(page.size[1] * px)
    img = Image.new("RGB", (w, h), (252, 251, 246))
    draw = ImageDraw.Draw(img)
    fonts: dict[int, ImageFont.FreeTypeFont] = {}

    def font(size_pt: float) -> ImageFont.FreeTypeFont:
        size_px = max(6, round(size_pt / 72 * dpi))
        if size_px not in fonts:
            fonts[size_px] = ImageFont.truetype(str(sheet.font), size_px)
        return fonts[size_px]

    def rgb(color):
        return tuple(round(v * 255) for v in color)

    for op in page.ops:
        kind = op[0]
        if kind == "text":
            _, x, y, s, size, bold, align, color = op
            f = font(size)
            width = draw.textlength(s, font=f)
            dx = {"left": 0, "center": -width / 2, "right": -width}[align]
            draw.text((x * px + dx, y * px), s, font=f, fill=rgb(color), stroke_width=1 if bold else 0, stroke_fill=rgb(color))
        elif kind == "line":
            _, x1, y1, x2, y2, width, color = op
            draw.line([(x1 * px, y1 * px), (x2 * px, y2 * px)], fill=rgb(color), width=max(1, round(width * px)))
        elif kind == "rect":
            _, x, y, ww, hh, width, color = op
            draw.rectangle([x * px, y * px, (x + ww) * px, (y + hh) * px], outline=rgb(color), width=max(1, round(width * px)))
        elif kind == "circle":
            _, x, y, r, width, color = op
            draw.ellipse([(x - r) * px, (y - r) * px, (x + r) * px, (y + r) * px], outline=rgb(color), width=max(1, round(width * px)))
    img = img.filter(ImageFilter.GaussianBlur(0.6))
    img = img.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=(236, 236, 232))
    rng = np.random.default_rng(seed)
    arr = np.asarray(img, dtype=np.int16)
    arr = arr + rng.normal(0, 6, size=arr.shape[:2])[..., None].astype(np.int16)
    # a faint scanner shadow along one edge
    shade = np.linspace(-18, 0, num=arr.shape[1] // 12)
    arr[:, : shade.size] += shade.astype(np.int16)[None, :, None]
    img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=quality, dpi=(dpi, dpi), optimize=False, progressive=False)
    return out.getvalue()


def seed_of(text: str) -> int:
    import hashlib

    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big")


def stamp(page: Page, x: float, y: float, name: str, label: str, r: float = 19.0) -> None:
    """A red round company seal: ring, star and the name across it (drawn, not an image)."""
    page.circle(x, y, r, 0.9)
    page.circle(x, y, r - 1.6, 0.3)
    page.text(x, y - 4.5, "★", 16, align="center", color=RED)
    size = min(9.0, 2 * (r - 3) / max(1, len(name)) * 72 / 25.4)
    page.text(x, y - r + 6.5, name, size, align="center", color=RED)
    page.text(x, y + 6.5, label, 7.5, align="center", color=RED)

