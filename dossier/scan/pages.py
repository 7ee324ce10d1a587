"""Page images of a scanned PDF, as displayed, at a resolution fit for finding seal ink.

A scanner's PDF holds one image per page filling the page. That image is taken out with pikepdf
(a JPEG decoded at reduced scale with Pillow's ``draft``: 20 ms instead of 100+ for a 300 dpi
A4 page) and turned by the page's ``/Rotate``. A page that does not look like that (several
images, an image not filling the page) is rendered with ``pdftoppm`` instead; a PDF with no
scanned image at all is refused before anything is rendered (see :func:`dossier.scan.scan_against`).
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
import warnings
from pathlib import Path

import pikepdf
from PIL import Image

from dossier.util.errors import InputError, PasswordError, ToolError

# Seal ink is found reliably from about 75 dpi; decoding at ≥ 100 dpi keeps 1 mm ring lines whole.
ANALYSIS_DPI = 100
_TRANSPOSE = {90: Image.Transpose.ROTATE_270, 180: Image.Transpose.ROTATE_180, 270: Image.Transpose.ROTATE_90}


def open_scan(path: Path) -> pikepdf.Pdf:
    if not path.is_file():
        raise InputError("文件不存在" if not path.exists() else "不是文件", file=path, hint="请检查扫描件路径")
    try:
        with open(path, "rb") as fh:
            if b"%PDF" not in fh.read(1024):
                raise InputError("不是 PDF 文件", file=path, hint="请用扫描仪的“扫描为 PDF”功能重新扫描")
        return pikepdf.open(path)
    except pikepdf.PasswordError as exc:
        raise PasswordError("扫描件 PDF 已加密", file=path, hint="请去掉密码后再检查") from exc
    except pikepdf.PdfError as exc:
        raise InputError("扫描件 PDF 已损坏，无法打开", file=path, hint="请重新扫描或重新导出 PDF") from exc
    except OSError as exc:
        raise InputError(f"无法读取：{exc.strerror}", file=path) from exc


# A stamped scan is of A4 (A3 at most) pages. A page metres wide would be rendered into an
# image of hundreds of megapixels: refuse it like a decompression bomb.
MAX_PAGE_PT = 5000.0


def _displayed_size(page: pikepdf.Page, path: Path, number: int) -> tuple[float, float, int]:
    try:
        box = page.cropbox if "/CropBox" in page.obj else page.mediabox
        w, h = abs(float(box[2]) - float(box[0])), abs(float(box[3]) - float(box[1]))
    except (TypeError, ValueError, IndexError, pikepdf.PdfError) as exc:
        raise InputError("扫描件页面的尺寸信息损坏", file=path, page=number, hint="请重新扫描或重新导出 PDF") from exc
    try:
        rotate = int(page.obj.get("/Rotate", 0)) % 360
    except (TypeError, ValueError):
        rotate = 0  # a /Rotate that is not a number: viewers ignore it too
    rotate = rotate if rotate in (0, 90, 180, 270) else 0
    if rotate in (90, 270):
        w, h = h, w
    if w < 1 or h < 1:
        raise InputError("扫描件页面尺寸为零", file=path, page=number, hint="请重新扫描或重新导出 PDF")
    if max(w, h) > MAX_PAGE_PT:
        raise InputError(
            f"扫描件页面尺寸异常（{w / 72 * 25.4:.0f}×{h / 72 * 25.4:.0f} mm），拒绝渲染",
            file=path, page=number, hint="扫描件应为 A4 页面，请重新扫描",
        )
    return w, h, rotate


def _extract(page: pikepdf.Page, rotate: int, w_pt: float, h_pt: float) -> tuple[Image.Image, float] | None:
    # Only images placed directly on the page: one inside a form XObject may be transformed.
    getter = getattr(page, "get_images", None)
    images = list((getter(recursive=False) if getter else page.images).values())
    if len(images) != 1:
        return None
    stream = images[0]
    iw, ih = int(stream.get("/Width", 0)), int(stream.get("/Height", 0))
    if iw <= 0 or ih <= 0:
        return None
    if iw * ih > Image.MAX_IMAGE_PIXELS:
        # Neither Pillow nor poppler should be asked to decode it (a 60000×85000 Flate image is 15 GB).
        raise Image.DecompressionBombError(f"{iw}×{ih}")
    if rotate in (90, 270):
        dw, dh = ih, iw
    else:
        dw, dh = iw, ih
    if abs(dw / dh - w_pt / h_pt) > 0.03 * (w_pt / h_pt):
        return None  # not a full-page scan: let poppler place it
    source_dpi = dw / (w_pt / 72)
    filters = stream.get("/Filter")
    filters = [filters] if isinstance(filters, pikepdf.Name) else list(filters or [])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        if [str(f) for f in filters] == ["/DCTDecode"] and "/Decode" not in stream:
            im = Image.open(io.BytesIO(stream.read_raw_bytes()))
            scale = ANALYSIS_DPI / source_dpi
            im.draft("RGB" if im.mode != "L" else "L", (max(1, int(iw * scale)), max(1, int(ih * scale))))
            im.load()
        else:
            im = pikepdf.PdfImage(stream).as_pil_image()
    if im.mode not in ("RGB", "L"):
        im = im.convert("L" if im.mode in ("1", "LA", "I", "I;16") else "RGB")
    if rotate in _TRANSPOSE:
        im = im.transpose(_TRANSPOSE[rotate])
    return im, source_dpi


def _render(path: Path, number: int) -> Image.Image:
    exe = shutil.which("pdftoppm")
    if exe is None:
        raise ToolError("找不到 pdftoppm（poppler-utils）", hint="请安装：apt-get install poppler-utils")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "p"
        cmd = [exe, "-r", str(ANALYSIS_DPI), "-f", str(number), "-l", str(number), "-singlefile", "-png", str(path), str(root)]
        try:
            subprocess.run(cmd, check=True, capture_output=True, timeout=120)
        except subprocess.TimeoutExpired as exc:
            raise ToolError("渲染扫描件页面超时", file=path, page=number) from exc
        except subprocess.CalledProcessError as exc:
            raise InputError("扫描件页面无法渲染", file=path, page=number) from exc
        try:
            with Image.open(root.with_suffix(".png")) as im:
                return im.convert("RGB")
        except (Image.DecompressionBombError, OSError) as exc:
            raise InputError("扫描件页面无法渲染", file=path, page=number) from exc
