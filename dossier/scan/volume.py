"""Thumbnails of the bound volume's pages, to compare scan pages with (missing / upside-down pages)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image

from dossier.errors import InputError, ToolError
from dossier.scan.ink import ink_fraction, thumbnail

THUMB_DPI = 24


def volume_thumbnails(volume_pdf: Path) -> tuple[list[np.ndarray], list[float]]:
    """Per page of the volume PDF: a thumbnail and the share of dark pixels (low for a blank page)."""
    exe = shutil.which("pdftoppm")
    if exe is None:
        raise ToolError("找不到 pdftoppm（poppler-utils）", hint="请安装：apt-get install poppler-utils")
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [exe, "-r", str(THUMB_DPI), "-gray", str(volume_pdf), str(Path(tmp) / "v")]
        try:
            subprocess.run(cmd, check=True, capture_output=True, timeout=600)
        except subprocess.TimeoutExpired as exc:
            raise ToolError("渲染成册 PDF 超时", file=volume_pdf) from exc
        except subprocess.CalledProcessError as exc:
            raise InputError("成册 PDF 无法渲染", file=volume_pdf, hint="请确认它是 dossier bind 生成的文件") from exc
        files = sorted(Path(tmp).glob("v-*.pgm"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
        thumbs, inks = [], []
        for f in files:
            with Image.open(f) as im:
                gray = im.convert("L")
                thumbs.append(thumbnail(gray))
                inks.append(ink_fraction(gray))
        return thumbs, inks
