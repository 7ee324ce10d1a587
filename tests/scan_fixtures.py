"""Simulated bound volume, manifest and stamped scans for the scan tests.

The volume is drawn with reportlab (A4, text of varying length per page, a grey dashed seam
placeholder at the fore-edge, a cover-seal placeholder). A "scan" is the volume rendered by
pdftoppm, with red seal ink painted the way a fanned stack is stamped (each sheet shows its own
slice of one 42 mm seal, nothing left of its exposed strip), a little noise and shift, saved as
JPEG and assembled with img2pdf: one image per A4 page, as a scanner makes it.
"""

from __future__ import annotations

import io
import random
import subprocess
from pathlib import Path

import img2pdf
import numpy as np
from PIL import Image, ImageDraw
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

W, H = A4
MM = 72 / 25.4
SEAL_R_MM = 21.0
SEAM = [W - 10 * MM, 300.0, W, 300.0 + 2 * SEAL_R_MM * MM]  # fore-edge strip, seal height
COVER = [330.0, 110.0, 330.0 + 2 * SEAL_R_MM * MM + 20, 110.0 + 2 * SEAL_R_MM * MM + 20]
WORDS = "smart factory digital twin scheduling quality energy robot line data platform process yield".split()


def make_volume(folder: Path, pages: int = 8, seed: int = 7) -> tuple[Path, dict]:
    rng = random.Random(seed)
    path = folder / "volume.pdf"
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    for n in range(1, pages + 1):
        if n == 1:
            c.setFont("Helvetica-Bold", 30)
            c.drawCentredString(W / 2, H - 250, "BENCHMARK SMART FACTORY")
            c.setFont("Helvetica", 16)
            c.drawCentredString(W / 2, H - 300, "Application dossier 2025")
        else:
            c.setFont("Helvetica-Bold", 16)
            c.drawString(72, H - 80, f"Section {n - 1}: " + " ".join(rng.choices(WORDS, k=3)))
            c.setFont("Helvetica", 10.5)
            y = H - 110
            lines = rng.randint(8, 52)
            for i in range(lines):
                if rng.random() < 0.12:
                    y -= 10  # paragraph break
                words = rng.choices(WORDS, k=rng.randint(3 if i % 7 == 6 else 9, 12))
                c.drawString(72 + (18 if rng.random() < 0.1 else 0), y, " ".join(words))
                y -= 14
                if y < 90:
                    break
            if rng.random() < 0.4:  # a table-like block
                c.rect(72, 120, 300, rng.randint(40, 160))
        c.setFont("Helvetica", 9)
        c.drawCentredString(W / 2, 40, f"- {n} -")
        # The printed placeholder: thin grey dashed outline, no red.
        c.setStrokeColorRGB(0.6, 0.6, 0.6)
        c.setDash(3, 3)
        c.setLineWidth(0.5)
        c.rect(SEAM[0], SEAM[1], SEAM[2] - SEAM[0] - 1, SEAM[3] - SEAM[1])
        if n == 1:
            c.rect(COVER[0], COVER[1], COVER[2] - COVER[0], COVER[3] - COVER[1])
        c.setDash()
        c.setStrokeColorRGB(0, 0, 0)
        c.showPage()
    c.save()
    # The shape dossier bind writes (VolumeManifest): pages[].number / seam / cover_seal, A4 implied.
    from dossier.bind.manifest import PageEntry, VolumeManifest

    manifest = VolumeManifest(
        volume="volume.pdf", sha256="", page_count=pages, sheets=pages, duplex=False,
        pages=tuple(
            PageEntry(n, str(n), seam=tuple(SEAM), cover_seal=tuple(COVER) if n == 1 else None)
            for n in range(1, pages + 1)
        ),
        inputs=(), seal_groups=(), seal_diameter=119.06,
    ).to_json()
    return path, manifest


def render(volume: Path, dpi: int) -> list[Image.Image]:
    out = volume.parent / f"render-{dpi}"
    if not out.exists():
        out.mkdir()
        subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(volume), str(out / "p")], check=True)
    files = sorted(out.glob("p-*.png"), key=lambda p: int(p.stem.split("-")[1]))
    return [Image.open(f).convert("RGB") for f in files]


def _seal_layer(size: tuple[int, int], cx: float, cy: float, r: float, px_mm: float) -> Image.Image:
    layer = Image.new("RGBA", size, (0, 0, 0, 0))
    d = ImageDraw.Draw(layer)
    ink = (205, 35, 45, 235)
    ring = max(2, round(1.2 * px_mm))
    d.ellipse([cx - r, cy - r, cx + r, cy + r], outline=ink, width=ring)
    # a star and an arc of "characters", as on a company seal
    star = [(cx + 0.35 * r * np.cos(a), cy - 0.35 * r * np.sin(a)) for a in np.linspace(np.pi / 2, np.pi / 2 + 4 * np.pi, 6)]
    d.polygon(star, fill=ink)
    for a in np.linspace(np.pi * 0.9, np.pi * 0.1, 9):
        x, y = cx + 0.72 * r * np.cos(a), cy - 0.72 * r * np.sin(a)
        d.rectangle([x - 2 * px_mm, y - 2 * px_mm, x + 2 * px_mm, y + 2 * px_mm], fill=ink)
    return layer


def stamp_seam(im: Image.Image, k: int, sheets: int) -> Image.Image:
    """Paint sheet k's slice of a seal stamped across a fanned stack of ``sheets`` sheets."""
    px_mm = im.width / 210.0
    r = SEAL_R_MM * px_mm
    strip = 2 * r / sheets  # each sheet exposes an equal part of the seal's width
    left = im.width - strip - k * strip
    cy = (H - (SEAM[1] + SEAM[3]) / 2) / H * im.height
    layer = _seal_layer(im.size, left + r, cy, r, px_mm)
    alpha = np.asarray(layer)[..., 3].copy()
    alpha[:, : int(im.width - strip)] = 0  # the rest of the seal fell on the sheets above
    layer.putalpha(Image.fromarray(alpha))
    return Image.alpha_composite(im.convert("RGBA"), layer).convert("RGB")


def stamp_cover(im: Image.Image) -> Image.Image:
    px_mm = im.width / 210.0
    r = SEAL_R_MM * px_mm
    cx = (COVER[0] + COVER[2]) / 2 / W * im.width
    cy = (H - (COVER[1] + COVER[3]) / 2) / H * im.height
    return Image.alpha_composite(im.convert("RGBA"), _seal_layer(im.size, cx, cy, r, px_mm)).convert("RGB")


def _scanner(im: Image.Image, rng: random.Random) -> Image.Image:
    """Shift by up to 1.5 mm, add paper noise: a sheet is never fed perfectly."""
    px_mm = im.width / 210.0
    dx, dy = (round(rng.uniform(-1.5, 1.5) * px_mm) for _ in range(2))
    shifted = Image.new("RGB", im.size, (250, 250, 247))
    shifted.paste(im, (dx, dy))
    arr = np.asarray(shifted).astype(np.int16)
    noise = np.random.default_rng(rng.randint(0, 10**6)).integers(-6, 7, arr.shape[:2])[..., None]
    return Image.fromarray(np.clip(arr + noise, 0, 255).astype(np.uint8))


def make_scan(
    volume: Path,
    out: Path,
    *,
    dpi: int = 100,
    no_seam: frozenset[int] = frozenset(),
    no_cover: bool = False,
    drop: frozenset[int] = frozenset(),
    blank: frozenset[int] = frozenset(),
    upside_down: frozenset[int] = frozenset(),
    gray: bool = False,
    gray_pages: frozenset[int] = frozenset(),
    quarter_turned: frozenset[int] = frozenset(),
    seed: int = 3,
) -> Path:
    """A stamped scan of ``volume``; page numbers in the options are the volume's (1-based).

    ``quarter_turned``: pages scanned 90° off; the PDF's pages then take each image's own size
    (at ``dpi``) instead of A4 portrait, as a scanner writes a landscape page."""
    rng = random.Random(seed)
    pages = render(volume, dpi)
    jpegs = []
    for n, im in enumerate(pages, start=1):
        if n in drop:
            continue
        if n in blank:
            im = Image.new("RGB", im.size, (252, 252, 250))
        else:
            if n not in no_seam:
                im = stamp_seam(im, n - 1, len(pages))
            if n == 1 and not no_cover:
                im = stamp_cover(im)
        im = _scanner(im, rng)
        if n in upside_down:
            im = im.transpose(Image.Transpose.ROTATE_180)
        if n in quarter_turned:
            im = im.transpose(Image.Transpose.ROTATE_90)
        if gray or n in gray_pages:
            im = im.convert("L")
        buf = io.BytesIO()
        im.save(buf, "JPEG", quality=85, dpi=(dpi, dpi))
        jpegs.append(buf.getvalue())
    layout = None if quarter_turned else img2pdf.get_layout_fun((img2pdf.mm_to_pt(210), img2pdf.mm_to_pt(297)))
    out.write_bytes(img2pdf.convert(jpegs, layout_fun=layout) if layout else img2pdf.convert(jpegs))
    return out
