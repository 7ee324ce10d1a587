"""Small pictures for the report: photo thumbnails and a video's poster frame, as data URIs.

The report is one self-contained file, so pictures travel inside it as base64 JPEG of at most
320 px. Reading is bounded: a JPEG is decoded at reduced scale (``draft``), a picture above
:data:`MAX_PIXELS` is not decoded at all (decompression bomb), ffmpeg gets a timeout. Encoding is
Pillow's, without metadata, so the same file gives the same bytes.
"""

from __future__ import annotations

import base64
import io
import subprocess
import warnings
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

THUMB_PX = 320
# A JPEG is decoded at 1/8 scale, so a large one costs little; other formats decode in full.
MAX_PIXELS_JPEG = 120_000_000
MAX_PIXELS_OTHER = 40_000_000
FFMPEG_TIMEOUT = 30


def jpeg_uri(im: Image.Image, quality: int = 72) -> str:
    buf = io.BytesIO()
    im.convert("RGB").save(buf, "JPEG", quality=quality, optimize=False, progressive=False)
    return "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _shrink(im: Image.Image, max_px: int) -> Image.Image:
    im = ImageOps.exif_transpose(im)
    im.thumbnail((max_px, max_px), Image.Resampling.LANCZOS)
    return im


def photo_facts(path: Path) -> dict:
    """Format and displayed size from the header alone (EXIF rotation applied); {} if unreadable."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as im:
                w, h = im.size
                if im.getexif().get(0x0112) in (5, 6, 7, 8):  # turned by 90°: shown the other way round
                    w, h = h, w
                return {"format": im.format, "width": w, "height": h}
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError):
        return {}


def thumbnail_uri(path: Path, max_px: int = THUMB_PX) -> str | None:
    """A JPEG data URI of the photo, long edge at most ``max_px``; None if it cannot be read safely.
    Remembered by the photo's content, like the video's poster frame."""
    from dossier.util.cache import cached_json

    try:
        return cached_json("thumbnail", path, lambda: _thumbnail(path, max_px), extra=str(max_px))
    except OSError:
        return None


def _thumbnail(path: Path, max_px: int) -> str | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as im:
                w, h = im.size
                if w * h > (MAX_PIXELS_JPEG if im.format == "JPEG" else MAX_PIXELS_OTHER):
                    return None
                # JPEG: decode at 1/2..1/8 scale straight away (a 12 MP photo in ~20 ms).
                im.draft("RGB", (max_px, max_px))
                im.load()
                return jpeg_uri(_shrink(im, max_px))
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError,
            Image.DecompressionBombError, Image.DecompressionBombWarning):
        return None


def poster_uri(path: Path, *, at_seconds: int = 1, max_px: int = THUMB_PX) -> str | None:
    """One frame of the video (at ``at_seconds``, else the first) as a JPEG data URI, or None.

    Uses imageio-ffmpeg's static ffmpeg. The frame leaves ffmpeg as PPM (raw pixels) and is
    encoded by Pillow, so the result does not depend on ffmpeg's JPEG encoder. Remembered by
    the video's content (:mod:`dossier.util.cache`): every check and build shows the same frame.
    """
    from dossier.util.cache import cached_json

    try:
        return cached_json("poster", path, lambda: _poster(path, at_seconds, max_px), extra=f"{at_seconds}-{max_px}")
    except OSError:
        return None


def _poster(path: Path, at_seconds: int, max_px: int) -> str | None:
    try:
        import imageio_ffmpeg

        ffmpeg = imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError):
        return None
    for offset in (at_seconds, 0):
        cmd = [
            ffmpeg, "-nostdin", "-loglevel", "error", "-ss", str(offset), "-i", str(path),
            "-frames:v", "1", "-vf", f"scale={max_px}:{max_px}:force_original_aspect_ratio=decrease",
            "-threads", "1", "-f", "image2pipe", "-vcodec", "ppm", "-",
        ]
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=FFMPEG_TIMEOUT, check=False)
        except (OSError, subprocess.TimeoutExpired):
            return None
        if proc.returncode == 0 and proc.stdout:
            try:
                with Image.open(io.BytesIO(proc.stdout)) as im:
                    im.load()
                    return jpeg_uri(im)
            except (UnidentifiedImageError, OSError, ValueError):
                return None
    return None
