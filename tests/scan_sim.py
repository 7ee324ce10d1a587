"""A realistic stamped-scan simulation: print → fanned stamping → scanner, for the scan tests and bench.

1. **Print**: a volume bound by ``dossier bind`` (real manifest, real seal layout) is rendered by
   pdftoppm at the scan's resolution, onto paper of a slightly bluish white (optical brighteners),
   optionally scaled about the sheet's centre as a printer's "fit to printable area" does.
2. **Fanned stamping**: for each seal group of the manifest, the sheets are fanned at the fore-edge
   and ONE 42 mm seal is pressed across the fan, so each sheet receives only the vertical sliver of
   the seal that falls on its exposed strip (about 2–2.5 mm); the cover gets a whole seal. Ink is
   multiplied onto the paper (印泥 is translucent), may be faded or brownish, and may be pressed
   unevenly (parts of the impression missing).
3. **Scanner**: the sheet is placed on the scan area with skew, offset and a resolution error,
   sensor noise is added per colour channel (or once, for a grey scan), the colour channels are a
   fraction of a pixel apart (CCD line sensors read R, G and B at slightly different moments) and
   each page is saved as a JPEG with 4:2:0 chroma subsampling, assembled with img2pdf into A4
   pages, as scanners write PDFs.

Every parameter below carries the physical argument for its range.
"""

from __future__ import annotations

import io
import json
import math
import random
import subprocess
from dataclasses import dataclass, field, replace
from pathlib import Path

import img2pdf
import numpy as np
from PIL import Image, ImageChops, ImageDraw
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

W_PT, H_PT = A4
MM = 72 / 25.4
PAGE_MM = (210.0, 297.0)
SEAL_D_MM = 42.0  # a company seal (公章) is 40–42 mm across


# ---------------------------------------------------------------------------------------------
# The volume: synthetic documents bound by dossier bind.

WORDS = (
    "smart factory digital twin scheduling quality energy robot line data platform process yield "
    "MES ERP PLC sensor inspection traceability maintenance logistics warehouse investment"
).split()


def make_documents(folder: Path, pages: int, seed: int = 7) -> Path:
    """One PDF of ``pages`` pages whose layouts differ as real dossier pages do.

    Headings, paragraphs of random length, tables and figure blocks at random places: pages of one
    dossier share margins and line pitch but not their layout, which is what identity relies on.
    """
    rng = random.Random(seed)
    path = folder / "documents.pdf"
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    for n in range(1, pages + 1):
        y = H_PT - 80
        c.setFont("Helvetica-Bold", rng.choice((13, 15, 18)))
        c.drawString(72, y, f"{n}. " + " ".join(rng.choices(WORDS, k=rng.randint(2, 5))))
        y -= 30
        while y > 110:
            kind = rng.random()
            if kind < 0.55:  # a paragraph
                c.setFont("Helvetica", 10.5)
                for i in range(rng.randint(2, 9)):
                    indent = 21 if i == 0 else 0
                    c.drawString(72 + indent, y, " ".join(rng.choices(WORDS, k=rng.randint(7, 11))))
                    y -= 15
                    if y < 110:
                        break
                y -= rng.choice((8, 14, 24))
            elif kind < 0.8:  # a table
                rows, cols = rng.randint(2, 7), rng.randint(2, 5)
                h = rows * 16
                if y - h < 100:
                    break
                widths = [rng.randint(50, 130) for _ in range(cols)]
                x = 72
                for wcol in widths:
                    for r in range(rows):
                        c.rect(x, y - (r + 1) * 16, wcol, 16)
                        if rng.random() < 0.8:
                            c.setFont("Helvetica", 8)
                            c.drawString(x + 3, y - (r + 1) * 16 + 5, rng.choice(WORDS))
                    x += wcol
                y -= h + 20
            else:  # a figure (photo or chart): a grey block
                h = rng.randint(60, 200)
                if y - h < 100:
                    break
                c.setFillGray(rng.uniform(0.3, 0.8))
                c.rect(72 + rng.randint(0, 120), y - h, rng.randint(150, 330), h, stroke=0, fill=1)
                c.setFillGray(0)
                y -= h + 20
            if rng.random() < 0.08:
                break  # a page that ends early
        c.showPage()
    c.save()
    return path


def make_volume(folder: Path, pages: int, *, seed: int = 7, seal_group: int = 21) -> tuple[Path, Path, dict]:
    """Bind ``pages`` document pages (plus cover and contents) with dossier bind; returns (pdf, manifest, dict).

    ``seal_group=21`` makes 2 mm slices (42 mm / 21 sheets), the thinnest bind allows.
    """
    from dossier.bind import bind_files, manifest_path

    docs = make_documents(folder, pages, seed)
    out = folder / "volume.pdf"
    result = bind_files([docs], out, cover_title="标杆智能工厂申报材料", seal_group=seal_group, guide=False)
    return out, manifest_path(out), result.manifest.to_json()


# ---------------------------------------------------------------------------------------------
# Parameters, each with its physical argument.


@dataclass(frozen=True)
class Ink:
    """Seal ink (印泥) as it lands on paper.

    ``colour``: fresh cinnabar paste prints about (200, 30, 40); a dry or diluted pad prints a
    faded pink (about (235, 120, 140)); old oil-based paste oxidises to a brownish red (about
    (150, 60, 45)). ``density`` is the share of light the ink layer absorbs at full colour (a
    light press transfers less paste: 0.6–1.0). ``partial``: a fanned stack is stepped, not flat,
    so the press is uneven: the density varies smoothly over the impression down to half, and
    the weakest ``partial`` share of it gets no ink at all (0–0.15). ``ring_mm`` is the seal's
    outer ring, 1.0–1.5 mm on company seals (GA 241).
    """

    colour: tuple[int, int, int] = (200, 30, 40)
    density: float = 0.95
    partial: float = 0.0
    ring_mm: float = 1.2


FRESH = Ink()
FADED_PINK = Ink((235, 120, 140), density=0.7, partial=0.12)
BROWNISH = Ink((150, 60, 45), density=0.85, partial=0.08)


@dataclass(frozen=True)
class Scanner:
    """How the sheets reach the scan.

    ``dpi``: office scanners offer 150, 200, 300 dpi; below 150 a 2 mm sliver is 12 pixels wide.
    ``skew_deg``: an ADF or a hand-placed sheet is turned up to about 2° (each page draws its own
    angle in ±skew_deg). ``offset_mm``: the sheet lands a few mm from the scan area's origin
    (each page draws its own in ±offset_mm vertically and 0..−offset_mm horizontally: a sheet
    pushed past the fore-edge of the scan area loses the sliver physically, simulated separately by
    ``fore_edge_cut_mm``). ``print_scale``: "fit to printable area" shrinks the printed content by
    about 3 % (0.97) about the sheet's centre while the seal, stamped on the paper's edge, stays
    at the edge; a scanner's own calibration error is below 0.5 %. ``quality``: JPEG quality of
    scan-to-PDF presets, 55 ("small file") to 85 ("high quality"). ``gray``: the scanner's grey
    mode, ``gray_as_rgb`` stores that grey image as an RGB JPEG (one sensor reading copied to three
    channels). ``duplex``: a double-sided scan of single-sided sheets adds each sheet's blank back,
    showing the front through the paper at ``show_through`` (80 g/m² office paper: 3–6 %).
    ``noise``: sensor noise, σ of 1.5–3 grey levels per channel at office scanner exposures.
    ``channel_shift_px``: R and B are read a fraction of a line apart from G on CCD scanners
    (0.1–0.2 line after the scanner's own correction).
    """

    dpi: int = 200
    skew_deg: float = 1.2
    offset_mm: float = 3.0
    print_scale: float = 1.0
    quality: int = 85
    gray: bool = False
    gray_as_rgb: bool = False
    duplex: bool = False
    show_through: float = 0.05
    noise: float = 2.0
    channel_shift_px: float = 0.15
    fore_edge_cut_mm: float = 0.0


@dataclass(frozen=True)
class Case:
    """One simulated scan: what was done to the volume and its sheets (page numbers are the volume's)."""

    scanner: Scanner = field(default_factory=Scanner)
    ink: Ink = FRESH
    stamped: bool = True
    no_seam: frozenset[int] = frozenset()
    no_cover: bool = False
    drop: frozenset[int] = frozenset()
    duplicate: frozenset[int] = frozenset()  # scanned twice in a row
    swap: tuple[tuple[int, int], ...] = ()
    upside_down: frozenset[int] = frozenset()
    foreign_after: frozenset[int] = frozenset()  # a sheet of some other document slipped in after these
    seed: int = 5

    def but(self, **kw) -> Case:
        return replace(self, **kw)


# ---------------------------------------------------------------------------------------------
# Print.


def print_pages(volume: Path, dpi: int, cache: Path | None = None) -> list[Image.Image]:
    """The volume as printed sheets (grey, one image per page) at ``dpi``; cached per dpi in ``cache``."""
    folder = (cache or volume.parent) / f"print-{dpi}"
    if not folder.exists():
        tmp = folder.with_name(folder.name + ".tmp")
        tmp.mkdir(exist_ok=True)
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", str(volume), str(tmp / "p")], check=True)
        tmp.rename(folder)
    files = sorted(folder.glob("p-*.pgm"), key=lambda p: int(p.stem.split("-")[1]))
    return [Image.open(f) for f in files]


PAPER = (244, 246, 251)  # office paper with optical brighteners: a slightly bluish white


@dataclass
class Sheet:
    """A printed sheet: toner as a grey image (content already scaled), and the ink pressed on it."""

    toner: Image.Image
    ink: list[tuple[np.ndarray, int, int, Ink]] = field(default_factory=list)  # alpha, left, top (pixels)
    scale: float = 1.0  # the printer's scaling of the content about the centre


def _printed(page: Image.Image, scale: float) -> Sheet:
    """Toner on paper; ``scale`` shrinks or grows the content about the sheet's centre (applied
    when the sheet is scanned, in the same resampling), the paper and the seal on it not."""
    return Sheet(page, scale=scale)


# ---------------------------------------------------------------------------------------------
# Fanned stamping.


def _seal_alpha(d_px: float, px_mm: float, ink: Ink, rng: random.Random) -> np.ndarray:
    """A company seal's ink coverage (0..1), ``d_px`` square: ring, star, arc of characters, a name line."""
    size = int(math.ceil(d_px)) + 2
    im = Image.new("L", (size, size), 0)
    d = ImageDraw.Draw(im)
    c = size / 2
    r = d_px / 2
    ring = max(1, round(ink.ring_mm * px_mm))
    d.ellipse([c - r, c - r, c + r, c + r], outline=255, width=ring)
    star = []
    for k in range(10):
        a = math.pi / 2 + k * math.pi / 5
        rr = 0.3 * r if k % 2 == 0 else 0.12 * r
        star.append((c + rr * math.cos(a), c - rr * math.sin(a)))
    d.polygon(star, fill=255)
    stroke = max(1, round(0.45 * px_mm))
    for a in np.linspace(math.pi * 1.15, -math.pi * 0.15, 14):  # characters along the upper arc
        x, y = c + 0.74 * r * math.cos(a), c - 0.74 * r * math.sin(a)
        s = 2.2 * px_mm
        for _ in range(4):  # a few strokes per character
            x0, y0 = x + rng.uniform(-s, s), y + rng.uniform(-s, s)
            if rng.random() < 0.5:
                d.line([x0 - s * 0.6, y0, x0 + s * 0.6, y0], fill=255, width=stroke)
            else:
                d.line([x0, y0 - s * 0.6, x0, y0 + s * 0.6], fill=255, width=stroke)
    for k in range(5):  # the name line below the star (e.g. 合同专用章)
        x = c + (k - 2) * 4.5 * px_mm
        d.rectangle([x - 1.6 * px_mm, c + 0.45 * r, x + 1.6 * px_mm, c + 0.45 * r + 3.5 * px_mm], outline=255, width=stroke)
    alpha = np.asarray(im, dtype=np.float32) / 255 * ink.density
    if ink.partial > 0:
        # Uneven press: a smooth random field, the lowest ``partial`` share of it gets no ink.
        g = np.random.default_rng(rng.randint(0, 2**31))
        coarse = g.random((6, 6)).astype(np.float32)
        field_ = np.asarray(Image.fromarray(coarse).resize((size, size), Image.Resampling.BICUBIC))
        cut = np.quantile(field_, ink.partial)
        lo, hi = float(field_.min()), float(field_.max())
        alpha *= np.clip((field_ - cut) * 8, 0, 1) * (0.5 + 0.5 * (field_ - lo) / max(1e-6, hi - lo))
    return alpha


def _apply_ink(sheet: Sheet, alpha: np.ndarray, left: int, top: int, ink: Ink) -> None:
    sheet.ink.append((alpha, left, top, ink))


def stamp(sheets: dict[int, Sheet], manifest: dict, dpi: int, ink: Ink, rng: random.Random,
          skip: frozenset[int] = frozenset(), cover: bool = True, print_scale: float = 1.0) -> None:
    """Stamp every seal group across its fanned sheets, and the cover, in place (volume page numbers).

    The fan is uneven: each sheet exposes 75–125 % of the nominal slice (a hand-fanned stack is
    never regular, so slivers are 1.5–2.5 mm for 21 sheets), but the whole fan is within ±5 % of
    the seal's width (the printed placeholder slices show where each sheet's edge should be), the
    seal is centred on the fan, and the hand lands within ±3 mm vertically of the placeholder.
    """
    px_mm = dpi / 25.4
    pages = {p["number"]: p for p in manifest["pages"]}
    for g in manifest["seal_groups"]:
        fronts = [n for n in range(g["first_page"], g["last_page"] + 1) if pages[n].get("seam")]
        nominal = SEAL_D_MM / len(fronts)
        widths = [nominal * rng.uniform(0.75, 1.25) for _ in fronts]
        fan = SEAL_D_MM * rng.uniform(0.95, 1.05)
        widths = [w * fan / sum(widths) for w in widths]
        seal_left = (fan - SEAL_D_MM) / 2  # in fan coordinates (mm), from the first sheet's strip
        alpha = _seal_alpha(SEAL_D_MM * px_mm, px_mm, ink, rng)
        # The hand aims at the printed placeholder, which the printer's scale moved towards the centre.
        cy_mm = PAGE_MM[1] / 2 + ((H_PT - g["center_y"]) / MM - PAGE_MM[1] / 2) * print_scale + rng.uniform(-3, 3)
        start = 0.0
        for n, w in zip(fronts, widths):
            if n in sheets and n not in skip:
                sheet = sheets[n]
                edge = sheet.toner.width
                strip_left = edge - w * px_mm
                # This sheet's strip shows the fan from ``start`` to ``start + w``.
                left = strip_left + (seal_left - start) * px_mm
                a = alpha.copy()
                cut = int(round(strip_left - left))
                a[:, : max(0, cut)] = 0
                _apply_ink(sheet, a, int(round(left)), int(round(cy_mm * px_mm - alpha.shape[0] / 2)), ink)
            start += w
    if cover:
        for p in manifest["pages"]:
            if p.get("cover_seal") and p["number"] in sheets:
                x0, y0, x1, y1 = p["cover_seal"]
                cx = (x0 + x1) / 2 / MM + rng.uniform(-4, 4)
                cy = (H_PT - (y0 + y1) / 2) / MM + rng.uniform(-4, 4)
                alpha = _seal_alpha(SEAL_D_MM * px_mm, px_mm, ink, rng)
                _apply_ink(sheets[p["number"]], alpha, int((cx - SEAL_D_MM / 2) * px_mm), int((cy - SEAL_D_MM / 2) * px_mm), ink)


# ---------------------------------------------------------------------------------------------
# Scanner.


_NOISE: dict[tuple[int, int, float], list[Image.Image]] = {}
_MARGIN = 32


def _noise(size: tuple[int, int], sigma: float, rng: random.Random) -> Image.Image:
    """Sensor noise centred on 128: a random window of a cached field (generating one is slow)."""
    key = (*size, sigma)
    if key not in _NOISE:
        g = np.random.default_rng(1)
        shape = (size[1] + _MARGIN, size[0] + _MARGIN)
        _NOISE[key] = [Image.fromarray(np.clip(128 + g.normal(0, sigma, shape), 0, 255).astype(np.uint8)) for _ in range(2)]
    x, y = rng.randrange(_MARGIN), rng.randrange(_MARGIN)
    return rng.choice(_NOISE[key]).crop((x, y, x + size[0], y + size[1]))


def _noisy(band: Image.Image, sigma: float, rng: random.Random) -> Image.Image:
    return ImageChops.add(band, _noise(band.size, sigma, rng), 1, -128)


def _shift(band: Image.Image, s: float) -> Image.Image:
    """``band`` moved down by ``s`` (−1..1) of a line, by linear interpolation."""
    w, h = band.size
    moved = band.crop((0, -1, w, h - 1)) if s > 0 else band.crop((0, 1, w, h + 1))
    return Image.blend(band, moved, abs(s))


def _placement(size: tuple[int, int], sc: Scanner, rng: random.Random) -> tuple[float, float, float]:
    """Skew angle (radians) and offset (pixels) of one sheet on the scan area."""
    px_mm = sc.dpi / 25.4
    angle = math.radians(rng.uniform(-sc.skew_deg, sc.skew_deg))
    # Skew swings the fore-edge out by up to |sin|·(distance from the centre); seals sit within
    # 0.28·h of mid-height, so a sheet shifted in by that much keeps every sliver in the scan area.
    outward = abs(math.sin(angle)) * 0.28 * size[1]
    dx = -outward - rng.uniform(0, sc.offset_mm) * px_mm + sc.fore_edge_cut_mm * px_mm
    dy = rng.uniform(-sc.offset_mm, sc.offset_mm) * px_mm
    return angle, dx, dy


def _affine(size: tuple[int, int], angle: float, dx: float, dy: float) -> tuple[float, ...]:
    """PIL coefficients (output → sheet) of: turn by ``angle`` about the centre, then shift by (dx, dy)."""
    cos, sin = math.cos(angle), math.sin(angle)
    cx, cy = size[0] / 2, size[1] / 2
    ox, oy = -cx - dx, -cy - dy
    return (cos, sin, cos * ox + sin * oy + cx, -sin, cos, -sin * ox + cos * oy + cy)


def _forward_box(box, size, angle, dx, dy):
    """Where the sheet's ``box`` lands in the scan (clipped to it), as integer pixels."""
    if not box:
        return None
    cos, sin = math.cos(angle), math.sin(angle)
    cx, cy = size[0] / 2, size[1] / 2
    xs, ys = [], []
    for x, y in ((box[0], box[1]), (box[2], box[1]), (box[0], box[3]), (box[2], box[3])):
        xs.append(cos * (x - cx) - sin * (y - cy) + cx + dx)
        ys.append(sin * (x - cx) + cos * (y - cy) + cy + dy)
    x0, y0 = max(0, int(min(xs)) - 2), max(0, int(min(ys)) - 2)
    x1, y1 = min(size[0], int(max(xs)) + 3), min(size[1], int(max(ys)) + 3)
    return (x0, y0, x1, y1) if x1 > x0 and y1 > y0 else None


def scan_sheet(sheet: Sheet, sc: Scanner, rng: random.Random, paper: tuple[int, int, int] = PAPER) -> Image.Image:
    """One sheet through the scanner: placement (skew, offset), sensor noise, channel shift, grey mode."""
    size = sheet.toner.size
    angle, dx, dy = _placement(size, sc, rng)
    coeffs = _affine(size, angle, dx, dy)
    # Content point = (sheet point − centre) / scale + centre: composed with the placement.
    inv, (cx, cy) = 1 / sheet.scale, (size[0] / 2, size[1] / 2)
    a_, b_, c_, d_, e_, f_ = coeffs
    content = (inv * a_, inv * b_, inv * (c_ - cx) + cx, inv * d_, inv * e_, inv * (f_ - cy) + cy)
    # Outside the sheet the scanner sees its lid or ADF backing, a light grey (236); the printer
    # leaves paper white beyond the shrunk content.
    if sheet.scale == 1.0:
        toner = sheet.toner.transform(size, Image.Transform.AFFINE, coeffs, Image.Resampling.BILINEAR, fillcolor=236)
    else:
        toner = sheet.toner.transform(size, Image.Transform.AFFINE, content, Image.Resampling.BILINEAR, fillcolor=255)
        outside = Image.new("L", size, 255).transform(size, Image.Transform.AFFINE, coeffs, Image.Resampling.NEAREST, fillcolor=0)
        toner = Image.composite(toner, Image.new("L", size, 236), outside)
    bands = [toner.point(lambda v, p=p: v * p // 255) for p in paper]
    if sheet.ink:
        full = Image.new("L", size, 0)
        for alpha, left, top, _ in sheet.ink:
            patch = Image.fromarray((alpha * 255).astype(np.uint8))
            full.paste(patch, (left, top), patch.point(lambda v: 255 if v else 0))
        box = _forward_box(full.getbbox(), size, angle, dx, dy)
        if box:
            x0, y0, x1, y1 = box
            a_, b_, c_, d_, e_, f_ = coeffs
            region = (a_, b_, c_ + a_ * x0 + b_ * y0, d_, e_, f_ + d_ * x0 + e_ * y0)
            moved = full.transform((x1 - x0, y1 - y0), Image.Transform.AFFINE, region, Image.Resampling.BILINEAR, fillcolor=0)
            a = np.asarray(moved, dtype=np.float32) / 255
            colour = sheet.ink[0][3].colour
            for k in range(3):
                part = np.asarray(bands[k].crop(box), dtype=np.float32)
                bands[k].paste(Image.fromarray((part * (1 - a + a * colour[k] / 255)).astype(np.uint8)), box[:2])
    if sc.gray:
        g = _noisy(Image.merge("RGB", bands).convert("L"), sc.noise, rng)
        return Image.merge("RGB", (g, g, g)) if sc.gray_as_rgb else g
    if sc.channel_shift_px:
        bands[0], bands[2] = _shift(bands[0], sc.channel_shift_px), _shift(bands[2], -sc.channel_shift_px)
    return Image.merge("RGB", [_noisy(b, sc.noise, rng) for b in bands])


def blank_back(sheet: Sheet, show_through: float) -> Sheet:
    """The back of a single-sided sheet: paper, with the front showing through mirrored."""
    g = sheet.toner.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    return Sheet(g.point(lambda v: 255 - round((255 - v) * show_through)), scale=sheet.scale)


def _jpeg(im: Image.Image, sc: Scanner) -> bytes:
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=sc.quality, subsampling=2 if im.mode == "RGB" else 0, dpi=(sc.dpi, sc.dpi))
    return buf.getvalue()


_SCANNED: dict[tuple, dict[int, list[bytes]]] = {}


def scanned_pages(volume: Path, manifest: dict, case: Case, cache: Path | None = None) -> dict[int, list[bytes]]:
    """Each volume page printed, stamped and scanned as ``case`` says: JPEG(s) per page (front, back).

    Cached in memory by everything but the page order, so cases that only reorder, drop or repeat
    sheets (missing, swapped, duplicated pages) reuse one scan of the sheets, as a rescan would.
    A foreign sheet (a page of another document), when asked for, is kept under the number −1.
    """
    key = (str(volume), case.scanner, case.ink, case.stamped, case.no_seam, case.no_cover, case.upside_down,
           bool(case.foreign_after), case.seed)
    if key in _SCANNED:
        return _SCANNED[key]
    sc = case.scanner
    rng = random.Random(case.seed)
    printed = print_pages(volume, sc.dpi, cache)
    sheets = {n: _printed(im, sc.print_scale) for n, im in enumerate(printed, start=1)}
    if case.stamped:
        stamp(sheets, manifest, sc.dpi, case.ink, rng, skip=case.no_seam, cover=not case.no_cover, print_scale=sc.print_scale)
    out: dict[int, list[bytes]] = {}
    for n, sheet in sheets.items():
        im = scan_sheet(sheet, sc, rng)
        if n in case.upside_down:
            im = im.transpose(Image.Transpose.ROTATE_180)
        out[n] = [_jpeg(im, sc)]
        if sc.duplex:
            out[n].append(_jpeg(scan_sheet(blank_back(sheet, sc.show_through), sc, rng), sc))
    if case.foreign_after:
        other = volume.parent / "foreign"
        other.mkdir(exist_ok=True)
        doc = make_documents(other, 1, seed=999)
        sheet = _printed(print_pages(doc, sc.dpi, other)[0], sc.print_scale)
        out[-1] = [_jpeg(scan_sheet(sheet, sc, rng), sc)]
    _SCANNED[key] = out
    return out


def make_scan(volume: Path, manifest: dict, out: Path, case: Case = Case(), cache: Path | None = None) -> Path:
    """Print, stamp and scan the volume as ``case`` says; writes ``out`` (a scanner's PDF)."""
    pages = scanned_pages(volume, manifest, case, cache)
    order = [n for n in sorted(pages) if n > 0 and n not in case.drop]
    for n in sorted(case.foreign_after, reverse=True):
        order.insert(order.index(n) + 1, -1)
    for a, b in case.swap:
        ia, ib = order.index(a), order.index(b)
        order[ia], order[ib] = order[ib], order[ia]
    for n in sorted(case.duplicate, reverse=True):
        order.insert(order.index(n) + 1, n)
    jpegs = [j for n in order for j in pages[n]]
    layout = img2pdf.get_layout_fun((img2pdf.mm_to_pt(PAGE_MM[0]), img2pdf.mm_to_pt(PAGE_MM[1])))
    out.write_bytes(img2pdf.convert(jpegs, layout_fun=layout))
    return out


def write_manifest(path: Path, manifest: dict) -> Path:
    path.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    return path
