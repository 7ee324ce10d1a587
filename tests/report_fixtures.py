"""Complete projects for the report and batch tests: valid data, real evidence PDFs, real
photos (over 1 MiB, one of them purple so a screenshot can find it), a real PPTX and video."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from conftest import valid_application, write_project
from media_fixtures import pptx_file, video

PURPLE_PHOTO = "media/1.jpg"


def purple_jpeg(path: Path, dims: tuple[int, int] = (1921, 1280)) -> Path:
    """Noise in red and blue, none in green: over 1 MiB, and purple at any scale."""
    noise = Image.effect_noise(dims, 60)
    Image.merge("RGB", (noise, Image.new("L", dims, 0), noise)).save(path, "JPEG", quality=90)
    return path


def grey_jpeg(path: Path, dims: tuple[int, int]) -> Path:
    Image.effect_noise(dims, 60).convert("RGB").save(path, "JPEG", quality=90)
    return path


def media_project(root: Path, *, name: str = "武汉光芯测试科技有限公司", mutate=None) -> Path:
    """A project that passes every rule, media included; ``mutate(data)`` bends it first."""
    data = valid_application()
    data["enterprise"]["name"] = name
    if mutate:
        mutate(data)
    write_project(root, data)
    media = root / "media"
    media.mkdir(exist_ok=True)
    purple_jpeg(root / PURPLE_PHOTO)
    grey_jpeg(media / "2.jpg", (1280, 1921))  # portrait
    grey_jpeg(media / "3.jpg", (2400, 1600))
    pptx_file(media / "汇报.pptx")
    video(media / "视频.mp4", "3")
    return root
