"""The bound volume's pages as the scan is compared with them: darkness in 1 mm cells.

All pages are rendered in ONE pdftoppm call at 25.4 dpi (1 px per mm, grey): 180 vector pages
take well under a second, where rendering them at a scan's resolution page by page took minutes.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image

from dossier.util.errors import InputError, ToolError

CELLS_DPI = 25.4


def volume_cells(volume_pdf: Path) -> list[np.ndarray]:
    """Per page of the volume PDF: darkness (0..255, float32) in 1 mm cells, row 0 at the top."""
    exe = shutil.which("pdftoppm")
    if exe is None:
        raise ToolError("找不到 pdftoppm（poppler-utils）", hint="请安装：apt-get install poppler-utils")
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [exe, "-r", str(CELLS_DPI), "-gray", str(volume_pdf), str(Path(tmp) / "v")]
        try:
            subprocess.run(cmd, check=True, capture_output=True, timeout=600)
        except subprocess.TimeoutExpired as exc:
            raise ToolError("渲染成册 PDF 超时", file=volume_pdf) from exc
        except subprocess.CalledProcessError as exc:
            raise InputError("成册 PDF 无法渲染", file=volume_pdf, hint="请确认它是 dossier bind 生成的文件") from exc
        files = sorted(Path(tmp).glob("v-*.pgm"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
        out = []
        for f in files:
            with Image.open(f) as im:
                out.append(255 - np.asarray(im.convert("L"), dtype=np.float32))
        return out
