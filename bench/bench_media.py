"""Bench: a dozen item-9 files checked in one call must take under 5 s (issue 5).

Makes realistic files once in a temporary folder (12 MP phone JPEGs of 3–5 MB, a PNG, 1080p
videos of 180–200 s in mp4 / mov / fragmented mp4 / mkv, a deck with pictures, a summary, a
truncated JPEG), then times ``check_media_files`` in-process and ``dossier media`` as a whole
process (interpreter start and imports included). Prints the ratio to the target.

    .venv/bin/python bench/bench_media.py
"""

from __future__ import annotations

import io
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import imageio_ffmpeg
from PIL import Image

TARGET_S = 5.0
ROOT = Path(__file__).resolve().parents[1]


def make_files(d: Path) -> list[Path]:
    files = []
    for i in range(3):
        p = d / f"照片{i + 1}.jpg"
        Image.effect_noise((4000, 3000), 40 + 10 * i).convert("RGB").save(p, "JPEG", quality=85)
        files.append(p)
    png = d / "流程图.png"
    Image.effect_noise((1600, 1000), 60).convert("RGB").save(png, "PNG")
    files.append(png)
    whole = files[0].read_bytes()
    cut = d / "截断.jpg"
    cut.write_bytes(whole[: len(whole) * 2 // 3])
    files.append(cut)
    ff = imageio_ffmpeg.get_ffmpeg_exe()
    for name, secs, extra in (
        ("成果.mp4", "180", []),
        ("成果.mov", "179", []),
        ("分片.mp4", "200", ["-movflags", "frag_keyframe+empty_moov"]),
        ("成果.mkv", "181", []),
    ):
        p = d / name
        subprocess.run(
            [ff, "-y", "-loglevel", "error", "-f", "lavfi", "-i", f"testsrc=s=1920x1080:r=1:d={secs}",
             "-c:v", "libx264", "-preset", "ultrafast", *extra, str(p)],
            check=True,
        )
        files.append(p)
    from pptx import Presentation
    from pptx.util import Inches

    deck = Presentation()
    buf = io.BytesIO()
    Image.effect_noise((1920, 1080), 50).convert("RGB").save(buf, "JPEG", quality=85)
    for i in range(20):
        s = deck.slides.add_slide(deck.slide_layouts[5])
        s.shapes.title.text = f"建设成果 {i + 1}"
        buf.seek(0)
        s.shapes.add_picture(buf, Inches(1), Inches(1.5), width=Inches(8))
    deck.save(str(d / "汇报.pptx"))
    files.append(d / "汇报.pptx")
    (d / "简介.txt").write_text("企业围绕光模块封装测试建成智能工厂，" * 7, encoding="utf-8")
    files.append(d / "简介.txt")
    (d / "说明.txt").write_text("2025年建成5G全连接工厂。", encoding="gbk")
    files.append(d / "说明.txt")
    return files


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        t = time.perf_counter()
        files = make_files(d)
        total_mb = sum(f.stat().st_size for f in files) / 1e6
        print(f"{len(files)} files, {total_mb:.1f} MB (made in {time.perf_counter() - t:.1f} s)")

        from dossier.media_inspection import check_media_files, limits_for_programme

        limits = limits_for_programme()
        best = float("inf")
        for _ in range(3):
            t = time.perf_counter()
            result = check_media_files(files, limits)
            best = min(best, time.perf_counter() - t)
        errors = sum(1 for f in result.findings if f.severity == "error")
        print(f"in-process check_media_files: {best:.2f} s ({errors} errors found)")

        t = time.perf_counter()
        proc = subprocess.run([str(ROOT / ".venv/bin/dossier"), "media", "--json", *map(str, files)], capture_output=True)
        whole = time.perf_counter() - t
        print(f"whole process `dossier media` (exit {proc.returncode}): {whole:.2f} s")
        print(f"ratio to the {TARGET_S:.0f} s target: {whole / TARGET_S:.2f} ({'OK' if whole < TARGET_S else 'TOO SLOW'})")
        sys.exit(0 if whole < TARGET_S else 1)


if __name__ == "__main__":
    main()
