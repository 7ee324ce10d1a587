"""Photos: "每张不小于1M" judged on bytes at the boundary, broken and mislabelled images caught."""

from __future__ import annotations

from pathlib import Path

import pytest
from media_fixtures import heic_like, jpeg_of_size, noisy_jpeg, png_file
from PIL import Image

from dossier.media_inspection import MediaLimits, inspect_media


def codes(report) -> dict[str, str]:
    return {f.code: f.severity for f in report.findings}


def test_exactly_one_mebibyte_passes(tmp_path: Path):
    path = jpeg_of_size(tmp_path / "车间.jpg", 1_048_576)
    with Image.open(path) as im:
        im.load()  # the padded file is a real JPEG
    report = inspect_media(path)
    assert report.size_bytes == 1_048_576
    assert not report.has_errors
    assert "M-PHOTO-SIZE-NEAR" not in codes(report)
    assert report.facts["width"] == 2400 and report.facts["format"] == "JPEG"


def test_900_kb_fails_and_names_the_file_in_chinese(tmp_path: Path):
    report = inspect_media(jpeg_of_size(tmp_path / "产线.jpg", 900 * 1024))
    errors = [f for f in report.findings if f.severity == "error"]
    assert [f.code for f in errors] == ["M-PHOTO-SIZE"]
    assert "产线.jpg" in errors[0].message and "小于" in errors[0].message
    assert errors[0].file.endswith("产线.jpg") and errors[0].item == 9
    assert errors[0].rule and "每张不小于1M" in errors[0].rule


@pytest.mark.parametrize("size", [1_000_000, 1_048_575])
def test_decimal_megabyte_band_is_a_warning(tmp_path: Path, size: int):
    report = inspect_media(jpeg_of_size(tmp_path / "a.jpg", size))
    assert codes(report) == {"M-PHOTO-SIZE-NEAR": "warning"}


def test_just_below_a_million_bytes_is_an_error(tmp_path: Path):
    assert codes(inspect_media(jpeg_of_size(tmp_path / "a.jpg", 999_999)))["M-PHOTO-SIZE"] == "error"


def test_truncated_jpeg_fails(tmp_path: Path):
    whole = noisy_jpeg(tmp_path / "whole.jpg").read_bytes()
    cut = tmp_path / "截断.jpg"
    cut.write_bytes(whole[: int(len(whole) * 0.7)])
    assert cut.stat().st_size > 1_048_576  # only the truncation is wrong
    report = inspect_media(cut)
    assert codes(report) == {"M-PHOTO-CORRUPT": "error"}
    assert "截断.jpg" in report.findings[0].message and "截断" in report.findings[0].message


def test_not_an_image_at_all_fails(tmp_path: Path):
    path = tmp_path / "假图.jpg"
    path.write_bytes(b"this is text, not a picture" * 50000)
    assert codes(inspect_media(path))["M-PHOTO-CORRUPT"] == "error"


def test_heic_is_refused_with_how_to_convert(tmp_path: Path):
    report = inspect_media(heic_like(tmp_path / "IMG_0001.HEIC"))
    f = report.findings[0]
    assert (f.code, f.severity) == ("M-PHOTO-HEIC", "error")
    assert "JPEG" in f.message and "兼容性最佳" in f.message


def test_heic_content_behind_jpg_extension_is_still_heic(tmp_path: Path):
    assert codes(inspect_media(heic_like(tmp_path / "photo.jpg")))["M-PHOTO-HEIC"] == "error"


def test_png_named_jpg_is_warned_but_accepted(tmp_path: Path):
    path = tmp_path / "图.jpg"
    png_file(path, dims=(1000, 700))
    report = inspect_media(path)
    assert report.facts["format"] == "PNG"
    assert codes(report)["M-PHOTO-EXT-MISMATCH"] == "warning"
    assert not report.has_errors


def test_other_formats_are_refused(tmp_path: Path):
    path = tmp_path / "图.bmp"
    Image.effect_noise((800, 600), 50).convert("RGB").save(path, "BMP")
    assert codes(inspect_media(path))["M-PHOTO-FORMAT"] == "error"


def test_small_long_edge_is_warned_and_resolution_reported(tmp_path: Path):
    report = inspect_media(jpeg_of_size(tmp_path / "小.jpg", 1_200_000, dims=(1280, 720)))
    assert codes(report) == {"M-PHOTO-RESOLUTION": "warning"}
    assert (report.facts["width"], report.facts["height"]) == (1280, 720)


def test_exif_rotation_reports_the_displayed_size(tmp_path: Path):
    path = tmp_path / "竖拍.jpg"
    im = Image.effect_noise((2400, 1600), 60).convert("RGB")
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° on display
    im.save(path, "JPEG", quality=90, exif=exif)
    report = inspect_media(path)
    assert (report.facts["width"], report.facts["height"]) == (1600, 2400)


def test_decompression_bomb_is_not_decoded(tmp_path: Path, monkeypatch):
    path = tmp_path / "巨.png"
    Image.new("RGB", (3000, 3000), "white").save(path, "PNG")
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1_000_000)  # 9 Mpx is then > 2× the limit
    assert codes(inspect_media(path))["M-PHOTO-PIXELS"] == "error"


def test_limits_come_from_the_profile(tmp_path: Path):
    limits = MediaLimits.from_mapping({"photos": {"min_bytes": 3_145_728, "warn_from_bytes": 3_000_000}})
    report = inspect_media(jpeg_of_size(tmp_path / "a.jpg", 1_048_576), limits)
    assert codes(report)["M-PHOTO-SIZE"] == "error"


def test_a_photo_rewritten_with_its_size_and_time_put_back_is_looked_at_again(tmp_path: Path):
    """What a process remembers of a photo (``dossier watch`` asks on every save) is keyed by the file's
    status-change time too: a rewrite that keeps the size and restores the modification time is seen."""
    import os
    import time

    path = jpeg_of_size(tmp_path / "车间.jpg", 1_048_576)
    first = inspect_media(path)
    assert not first.has_errors
    st = path.stat()
    time.sleep(0.01)
    path.write_bytes(b"\0" * st.st_size)  # the same size, no longer a picture
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_size == st.st_size and path.stat().st_mtime_ns == st.st_mtime_ns
    assert codes(inspect_media(path)) != codes(first) and inspect_media(path).has_errors
