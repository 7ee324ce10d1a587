"""Makers of real input files for the bind tests: PDFs with rotations, crops, encryption,
active content and damage; JPEG with EXIF orientation, PNG, multi-page TIFF, a PNG bomb.

Every page carries a black band along its top *as displayed* (and nothing else dark), so a
render of the bound page shows whether it came out upright.
"""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name
from PIL import Image

A4 = (595.28, 841.89)
LETTER = (612.0, 792.0)


def _band(w: float, h: float, rotate: int) -> str:
    """Content drawing a black band on the displayed top edge of a w×h page with /Rotate."""
    b = 0.12
    r = rotate % 360
    if r == 0:
        rect = (0, h * (1 - b), w, h * b)
    elif r == 90:  # displayed top is the user-space left edge
        rect = (0, 0, w * b, h)
    elif r == 180:
        rect = (0, 0, w, h * b)
    else:  # 270: right edge
        rect = (w * (1 - b), 0, w * b, h)
    return "0 g {:.2f} {:.2f} {:.2f} {:.2f} re f\n".format(*rect)


def page_content(w: float, h: float, rotate: int = 0, text: str = "") -> bytes:
    s = _band(w, h, rotate)
    if text:
        s += f"BT /F1 14 Tf {w * 0.3:.1f} {h * 0.5:.1f} Td ({text}) Tj ET\n"
    return s.encode()


def add_page(pdf: pikepdf.Pdf, size=A4, rotate: int = 0, crop=None, text: str = "", extra: bytes = b"") -> pikepdf.Page:
    w, h = size
    font = Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica)
    if crop:
        x0, y0, x1, y1 = crop
        content = _band_crop(crop, rotate) + (f"BT /F1 14 Tf {x0 + 30:.1f} {(y0 + y1) / 2:.1f} Td ({text}) Tj ET\n".encode() if text else b"")
    else:
        content = page_content(w, h, rotate, text)
    page = Dictionary(
        Type=Name.Page,
        MediaBox=Array([0, 0, w, h]),
        Resources=Dictionary(Font=Dictionary(F1=font)),
        Contents=pikepdf.Stream(pdf, content + extra),
    )
    if rotate:
        page.Rotate = rotate
    if crop:
        page.CropBox = Array(list(crop))
    pdf.pages.append(pikepdf.Page(page))
    return pdf.pages[-1]


def _band_crop(crop, rotate: int) -> bytes:
    x0, y0, x1, y1 = crop
    w, h = x1 - x0, y1 - y0
    s = f"q 1 0 0 1 {x0} {y0} cm\n{_band(w, h, rotate)}Q\n"
    # Ink outside the crop box must never show: a black block off-crop.
    s += f"0 g 0 0 {max(x0 - 2, 1)} {max(y0 - 2, 1)} re f\n"
    return s.encode()


def make_pdf(path: Path, pages: list[dict], *, version: str = "1.7") -> Path:
    pdf = pikepdf.new()
    for spec in pages:
        add_page(pdf, **spec)
    pdf.save(path, deterministic_id=True, min_version=version)
    return path


def make_encrypted(path: Path, *, user: str, owner: str = "owner-secret") -> Path:
    pdf = pikepdf.new()
    add_page(pdf, text="secret")
    pdf.save(path, encryption=pikepdf.Encryption(owner=owner, user=user, R=6), static_id=True)
    return path


def make_active(path: Path) -> Path:
    """A PDF with document JavaScript, OpenAction, page /AA, launch/URI/JS links, a file attachment."""
    pdf = pikepdf.new()
    page = add_page(pdf, text="active")
    js = Dictionary(S=Name.JavaScript, JS=pikepdf.String("app.alert('x')"))
    pdf.Root.OpenAction = pdf.make_indirect(js)
    pdf.Root.Names = Dictionary(JavaScript=Dictionary(Names=Array([pikepdf.String("a"), pdf.make_indirect(Dictionary(S=Name.JavaScript, JS=pikepdf.String("1")))])))
    pdf.attachments["payload.exe"] = pikepdf.AttachedFileSpec(pdf, b"MZ-not-really", mime_type="application/octet-stream")
    page.obj.AA = Dictionary(O=Dictionary(S=Name.JavaScript, JS=pikepdf.String("2")))
    annots = Array()
    for action in (
        Dictionary(S=Name.Launch, F=pikepdf.String("calc.exe")),
        Dictionary(S=Name.URI, URI=pikepdf.String("http://example.invalid/")),
        Dictionary(S=Name.JavaScript, JS=pikepdf.String("3")),
    ):
        annots.append(pdf.make_indirect(Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=Array([50, 50, 150, 80]), A=action)))
    fs = pikepdf.AttachedFileSpec(pdf, b"hidden", mime_type="text/plain")
    annots.append(pdf.make_indirect(Dictionary(Type=Name.Annot, Subtype=Name.FileAttachment, Rect=Array([200, 50, 220, 70]), FS=fs.obj)))
    page.obj.Annots = annots
    # A hostile resource: an action hidden in an XObject's dictionary.
    form = pikepdf.Stream(pdf, b"")
    form.Type, form.Subtype, form.BBox = Name.XObject, Name.Form, Array([0, 0, 1, 1])
    form.AA = Dictionary(S=Name.JavaScript, JS=pikepdf.String("4"))
    page.obj.Resources.XObject = Dictionary(X=pdf.make_indirect(form))
    pdf.save(path, deterministic_id=True)
    return path


def make_form(path: Path, value: str = "FIELDVALUE42") -> Path:
    """A PDF with a filled text field whose appearance must be generated (NeedAppearances)."""
    pdf = pikepdf.new()
    page = add_page(pdf)
    field = pdf.make_indirect(Dictionary(
        Type=Name.Annot, Subtype=Name.Widget, FT=Name.Tx, T=pikepdf.String("name"), V=pikepdf.String(value),
        Rect=Array([100, 400, 400, 430]), F=4, P=page.obj, DA=pikepdf.String("/Helv 14 Tf 0 g"),
    ))
    page.obj.Annots = Array([field])
    helv = Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica)
    pdf.Root.AcroForm = Dictionary(Fields=Array([field]), NeedAppearances=True, DR=Dictionary(Font=Dictionary(Helv=helv)), DA=pikepdf.String("/Helv 14 Tf 0 g"))
    pdf.save(path, deterministic_id=True)
    return path


def make_damaged(path: Path) -> Path:
    """A PDF whose xref offsets point to the wrong places (qpdf must reconstruct it)."""
    buf = io.BytesIO()
    pdf = pikepdf.new()
    add_page(pdf, text="damaged")
    add_page(pdf, text="damaged2")
    pdf.save(buf, object_stream_mode=pikepdf.ObjectStreamMode.disable, deterministic_id=True)
    data = buf.getvalue()
    start = data.rindex(b"xref")
    path.write_bytes(data[:start] + b"xref\n0 9\n0000000000 65535 f \nbroken entries\ntrailer\n<< /Size 2 >>\nstartxref\n99999\n%%EOF\n")
    return path


def make_zero_pages(path: Path) -> Path:
    pikepdf.new().save(path)
    return path


def _marked_image(w: int, h: int, band: str) -> Image.Image:
    im = Image.new("RGB", (w, h), "white")
    px = im.load()
    for y in range(h):
        for x in range(w):
            dark = (band == "top" and y < h * 0.12) or (band == "left" and x < w * 0.12)
            if dark:
                px[x, y] = (0, 0, 0)
    return im


def make_jpeg_exif(path: Path, orientation: int = 6) -> Path:
    """A landscape-stored JPEG whose EXIF says “rotate 90° clockwise”: displayed portrait, band on top."""
    im = _marked_image(350, 248, "left")  # stored left column becomes the displayed top
    exif = Image.Exif()
    exif[0x0112] = orientation
    im.save(path, "JPEG", quality=80, exif=exif, dpi=(100, 100))
    return path


def make_png(path: Path, size=(248, 350)) -> Path:
    _marked_image(*size, "top").save(path, "PNG", dpi=(100, 100))
    return path


def make_tiff(path: Path, frames: int = 3) -> Path:
    ims = [_marked_image(248, 350, "top") for _ in range(frames)]
    ims[0].save(path, "TIFF", save_all=True, append_images=ims[1:], compression="tiff_deflate", dpi=(100, 100))
    return path


def make_png_bomb(path: Path, side: int = 60000) -> Path:
    """A tiny PNG that claims side×side pixels."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = zlib.compress(b"\x00" * 1024)
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")
    path.write_bytes(data)
    return path


def mixed_set(folder: Path) -> list[Path]:
    """The issue's mixed set, in a fixed order, with Chinese file names."""
    folder.mkdir(parents=True, exist_ok=True)
    out = [
        make_pdf(folder / "合同-A4.pdf", [{"text": "a4-1"}, {"text": "a4-2"}]),
        make_pdf(folder / "发票-Letter.pdf", [{"size": LETTER, "text": "letter"}]),
        make_pdf(folder / "横向表格.pdf", [{"size": (A4[1], A4[0]), "text": "landscape"}]),
        make_pdf(folder / "旋转页.pdf", [{"rotate": r, "text": f"rot{r}"} for r in (90, 180, 270, -90)]),
        make_pdf(folder / "裁剪框偏移.pdf", [{"size": (800, 1000), "crop": (100, 150, 100 + A4[0], 150 + A4[1]), "text": "crop"}]),
        make_encrypted(folder / "加密-无打开密码.pdf", user=""),
        make_encrypted(folder / "加密-有打开密码.pdf", user="1234"),
        make_active(folder / "带脚本和附件.pdf"),
        make_form(folder / "表单.pdf"),
        make_damaged(folder / "损坏的交叉引用表.pdf"),
        make_jpeg_exif(folder / "手机拍照.jpg"),
        make_png(folder / "扫描件.png"),
        make_tiff(folder / "多页扫描.tiff"),
    ]
    return out


PASSWORDS = ("--password", "加密-有打开密码.pdf=1234")


def bind_cli(inputs: list[Path], out: Path, *extra: str):
    """Run `dossier bind` in-process; return click's Result."""
    from click.testing import CliRunner

    from dossier.cli import main

    args = ["bind", *map(str, inputs), "-o", str(out), *PASSWORDS, *extra]
    return CliRunner().invoke(main, args, catch_exceptions=False)


def render(pdf: Path, out_prefix: Path, dpi: int = 20, first: int | None = None, last: int | None = None) -> list[Path]:
    import subprocess

    cmd = ["pdftoppm", "-r", str(dpi), "-gray"]
    if first:
        cmd += ["-f", str(first)]
    if last:
        cmd += ["-l", str(last)]
    subprocess.run(cmd + [str(pdf), str(out_prefix)], check=True, timeout=120)
    return sorted(out_prefix.parent.glob(out_prefix.name + "-*.pgm"))


def dark_fraction(im: Image.Image, box: tuple[float, float, float, float], level: int = 128) -> float:
    """Share of pixels darker than ``level`` in ``box`` given as fractions (x0, y0, x1, y1), y down."""
    w, h = im.size
    crop = im.crop((int(box[0] * w), int(box[1] * h), max(int(box[0] * w) + 1, int(box[2] * w)), max(int(box[1] * h) + 1, int(box[3] * h))))
    hist = crop.convert("L").histogram()
    return sum(hist[:level]) / max(1, sum(hist))
