"""The report as a person sees it: rendered by headless Chromium, the screenshot shows the
findings, the charts and the photo thumbnails (found by their colours), for a test project and
for each generated sample."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image

from dossier.check import check_project
from dossier.html_report import collect_media, write_report
from report_fixtures import media_project

CHROMIUM = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium 未安装（apt-get install chromium；scripts/setup.sh 会安装）")

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
BAR_BLUE = (0x2F, 0x6D, 0xB5)
BEFORE_GREY = (0x9A, 0xA3, 0xAD)
ERROR_RED = (0xC6, 0x28, 0x28)
INFO_BLUE = (0x15, 0x65, 0xC0)


def screenshot(html: Path, png: Path, tmp: Path, height: int = 6000) -> Image.Image:
    cmd = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
        f"--user-data-dir={tmp / 'chromium-profile'}", f"--screenshot={png}", f"--window-size=1280,{height}",
        html.resolve().as_uri(),
    ]
    subprocess.run(cmd, capture_output=True, timeout=120, check=False)
    assert png.is_file(), "Chromium wrote no screenshot"
    return Image.open(png).convert("RGB")


def count(im: Image.Image, colour: tuple[int, int, int], tol: int = 6) -> int:
    """Pixels within ``tol`` of ``colour`` in every channel."""
    bands = [b.point(lambda v, c=c: 255 if abs(v - c) <= tol else 0) for b, c in zip(im.split(), colour)]
    mask = Image.new("L", im.size, 0)
    mask.paste(255, mask=Image.merge("RGB", bands).convert("L").point(lambda v: 255 if v == 255 else 0))
    return mask.histogram()[255]


def purple(im: Image.Image) -> int:
    r, g, b = im.split()
    m = Image.merge("RGB", (r.point(lambda v: 255 if v > 70 else 0), g.point(lambda v: 255 if v < 30 else 0),
                            b.point(lambda v: 255 if v > 70 else 0))).convert("L")
    return m.point(lambda v: 255 if v == 255 else 0).histogram()[255]


def colours(im: Image.Image) -> int:
    return len(im.getcolors(1 << 24))


@pytest.mark.slow
def test_report_screenshot_shows_findings_charts_and_thumbnails(tmp_path):
    from media_fixtures import jpeg_of_size

    root = media_project(tmp_path / "p")
    jpeg_of_size(root / "media" / "3.jpg", 900_000)  # one error finding
    html = write_report(check_project(root), tmp_path / "report.html")
    im = screenshot(html, tmp_path / "shot.png", tmp_path)
    assert colours(im) > 500, "the page is blank"
    assert count(im, ERROR_RED) > 200  # error badge, verdict, the error's left rule
    assert count(im, BAR_BLUE) > 20_000  # investment bars, quarter column, "after" bars
    assert count(im, BEFORE_GREY) > 5_000  # "before" bars of the indicator chart
    assert purple(im) > 40_000  # the purple photo's 320×213 thumbnail


SAMPLE_DIRS = sorted(p.parent for p in SAMPLES.glob("*/enterprise.yaml"))


@pytest.mark.slow
@pytest.mark.parametrize("sample", SAMPLE_DIRS, ids=[p.name for p in SAMPLE_DIRS])
def test_sample_report_screenshot(sample, tmp_path):
    result = check_project(sample)
    photos = result.folder.app.media.photos if result.folder.app else []
    if not photos or not all((sample / p).is_file() for p in photos):
        pytest.skip(f"{sample.name} 的媒体文件尚未生成（python -m samples.generate）")
    media = collect_media(result)
    html = write_report(result, tmp_path / "report.html", media=media)
    assert html.read_text("utf-8").count("data:image/jpeg;base64,") == len(photos) + 1  # + the poster frame
    im = screenshot(html, tmp_path / "shot.png", tmp_path, height=7000)
    assert colours(im) > 500, "the page is blank"
    assert count(im, BAR_BLUE) > 20_000
    assert count(im, BEFORE_GREY) > 5_000
    # Findings: every sample has at least the reminders (提示) about binding and the deadline.
    assert count(im, INFO_BLUE) + count(im, ERROR_RED) > 200
    # Thumbnails: the same page without pictures has thousands of colours fewer.
    bare = [replace(m, picture=None) for m in media]
    plain = screenshot(write_report(result, tmp_path / "plain.html", media=bare), tmp_path / "plain.png", tmp_path, 7000)
    assert colours(im) - colours(plain) > 5_000
