"""Real media files for the media tests: exact-size JPEGs, PNGs, pptx decks, summaries, videos."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import imageio_ffmpeg
from PIL import Image

FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()


def jpeg_of_size(path: Path, size: int, *, dims: tuple[int, int] = (2400, 1600)) -> Path:
    """A valid JPEG of exactly ``size`` bytes: a smooth picture padded with COM segments after SOI."""
    w, h = dims
    im = Image.linear_gradient("L").resize((w, h)).convert("RGB")
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=70)
    data = buf.getvalue()
    pad = size - len(data)
    assert pad >= 4 or pad == 0, f"picture already {len(data)} bytes, cannot reach {size}"
    segments = []
    while pad > 0:
        # A COM segment is 4 bytes of marker + length, then up to 65533 bytes of comment.
        body = min(pad - 4, 65533)
        if pad - (body + 4) in (1, 2, 3):  # leave room for one more whole segment
            body -= 4
        segments.append(b"\xff\xfe" + (body + 2).to_bytes(2, "big") + b"\x20" * body)
        pad -= body + 4
    out = data[:2] + b"".join(segments) + data[2:]
    assert len(out) == size
    path.write_bytes(out)
    return path


def noisy_jpeg(path: Path, dims: tuple[int, int] = (2400, 1600), quality: int = 90) -> Path:
    Image.effect_noise(dims, 60).convert("RGB").save(path, "JPEG", quality=quality)
    return path


def png_file(path: Path, dims: tuple[int, int] = (2000, 1200)) -> Path:
    Image.effect_noise(dims, 80).convert("RGB").save(path, "PNG")
    return path


def heic_like(path: Path, size: int = 1_500_000) -> Path:
    """Bytes that start like an iPhone HEIC (ftyp heic); nothing else is read before refusing it."""
    head = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"
    path.write_bytes(head + b"\x00" * (size - len(head)))
    return path


def pptx_file(path: Path, slides: int = 3) -> Path:
    from pptx import Presentation

    deck = Presentation()
    for i in range(slides):
        s = deck.slides.add_slide(deck.slide_layouts[1])
        s.shapes.title.text = f"智能工厂建设成果 {i + 1}"
    deck.save(str(path))
    return path


def video(path: Path, seconds: str, *, fps: int = 5, fragmented: bool = False, audio: bool = False) -> Path:
    """A tiny real H.264 video of exactly ``seconds`` (64×36, encoded in a fraction of a second)."""
    cmd = [FFMPEG, "-y", "-loglevel", "error", "-f", "lavfi", "-i", f"color=c=blue:s=64x36:r={fps}:d={seconds}"]
    if audio:
        cmd += ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=8000", "-t", seconds, "-c:a", "aac", "-b:a", "16k"]
    cmd += ["-c:v", "libx264", "-preset", "ultrafast"]
    if fragmented:
        cmd += ["-movflags", "frag_keyframe+empty_moov"]
    subprocess.run([*cmd, str(path)], check=True, timeout=60)
    return path


def summary_150_words_raw_180() -> str:
    """150 字 by Word's count (each 2025 counts 1) but 180 characters."""
    return "2025年" * 10 + "智" * 130
