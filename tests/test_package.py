"""``dossier package``: the email bundle of the stamped scan and materials item 9."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import zipfile

import pytest
import pikepdf

from media_fixtures import jpeg_of_size, pptx_file, video


def _media(root, photo_sizes=(1_200_000, 1_300_000, 1_100_000), seconds="20"):
    media = root / "media"
    media.mkdir(exist_ok=True)
    for i, size in enumerate(photo_sizes, start=1):
        jpeg_of_size(media / f"{i}.jpg", size)
    pptx_file(media / "汇报.pptx")
    video(media / "视频.mp4", seconds)


def _scan(path):
    pdf = pikepdf.new()
    for _ in range(3):
        pdf.add_blank_page(page_size=(595, 842))
    pdf.save(path)
    return path


def run(*args):
    return subprocess.run([sys.executable, "-m", "dossier", *args], capture_output=True, text=True, timeout=120)


@pytest.mark.slow
def test_bundle_names_files_by_district_and_enterprise(project, tmp_path):
    root = project()
    _media(root)
    scan = _scan(tmp_path / "扫描件.pdf")
    proc = run("package", str(root), "--scan", str(scan), "--json")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    data = json.loads(proc.stdout)
    names = [f["name"] for f in data["files"]]
    prefix = "东湖新技术开发区-武汉光芯测试科技有限公司"
    assert names == [
        f"01-{prefix}-申报材料盖章扫描件.pdf",
        f"02-{prefix}-建设情况简介.txt",
        f"03-{prefix}-典型图片1.jpg",
        f"04-{prefix}-典型图片2.jpg",
        f"05-{prefix}-典型图片3.jpg",
        f"06-{prefix}-汇报PPT.pptx",
        f"07-{prefix}-建设成果视频.mp4",
    ]
    folder = root / "build" / "package"
    with zipfile.ZipFile(folder / f"{prefix}-申报材料.zip") as zf:
        assert sorted(zf.namelist()) == sorted(names + [f"00-{prefix}-清单.txt"])
    checklist = (folder / f"00-{prefix}-清单.txt").read_text(encoding="utf-8-sig")
    assert "504983641@qq.com" in checklist and "[错误]" not in checklist
    # Deterministic: a second run gives the same zip.
    first = (folder / f"{prefix}-申报材料.zip").read_bytes()
    assert run("package", str(root), "--scan", str(scan)).returncode == 0
    assert (folder / f"{prefix}-申报材料.zip").read_bytes() == first


@pytest.mark.slow
def test_small_photo_and_long_video_fail(project, tmp_path):
    root = project()
    _media(root, photo_sizes=(900 * 1024, 1_300_000, 1_100_000), seconds="181")
    proc = run("package", str(root), "--scan", str(_scan(tmp_path / "s.pdf")))
    assert proc.returncode == 1
    assert "1.jpg" in proc.stdout and "不建议发送" in proc.stdout
    assert "视频.mp4" in proc.stdout or "3 分钟" in proc.stdout or "180" in proc.stdout


@pytest.mark.slow
def test_unusable_scan_exits_2_and_leaves_previous_bundle(project, tmp_path):
    root = project()
    _media(root)
    good = _scan(tmp_path / "s.pdf")
    assert run("package", str(root), "--scan", str(good)).returncode == 0
    before = sorted(p.name for p in (root / "build" / "package").iterdir())
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"not a pdf")
    proc = run("package", str(root), "--scan", str(bad))
    assert proc.returncode == 2 and "bad.pdf" in proc.stderr and "Traceback" not in proc.stderr
    assert sorted(p.name for p in (root / "build" / "package").iterdir()) == before
    assert not [p for p in (root / "build").iterdir() if p.name.startswith(".")]


@pytest.mark.slow
def test_a_bundle_over_the_mailbox_limit_is_warned(project, tmp_path):
    root = project()
    _media(root)
    scan = tmp_path / "扫描件.pdf"
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    # A 51 MB scan: an uncompressible image the page holds (random bytes do not shrink).
    image = pikepdf.Stream(pdf, random.Random(7).randbytes(51 * 1024 * 1024))
    image.Type, image.Subtype, image.Width, image.Height = pikepdf.Name.XObject, pikepdf.Name.Image, 4096, 4352
    image.ColorSpace, image.BitsPerComponent = pikepdf.Name.DeviceRGB, 8
    pdf.pages[0].Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
    pdf.save(scan)
    proc = run("package", str(root), "--scan", str(scan), "--json")
    data = json.loads(proc.stdout)
    (warned,) = [f for f in data["findings"] if f["code"] == "P-MAILBOX-SIZE"]
    assert warned["severity"] == "warning" and "超过常见邮箱附件上限 50 MB" in warned["message"]
