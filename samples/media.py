"""Item 9 media of a sample: synthetic factory photos (JPEG, > 1 MiB), a .pptx, a short H.264 video
and the summary text. Deterministic: seeded noise, fixed zip timestamps and core properties,
ffmpeg in bit-exact mode on one thread.
"""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import tempfile
import zipfile
from pathlib import Path

from dossier.application.model import Application
from dossier.util.errors import ToolError

FIXED_TIME = dt.datetime(2025, 10, 8, 9, 0, 0, tzinfo=dt.timezone.utc)
ZIP_TIME = (2025, 10, 8, 9, 0, 0)


# ---------------------------------------------------------------- photos


def photo(seed: int, caption: str, font: Path, *, size=(3000, 2000), palette: int = 0) -> bytes:
    """A workshop seen down its aisle: floor, lane lines, rows of machines, light strips, sensor noise."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    rng = np.random.default_rng(seed)
    w, h = size
    vx, vy = w * (0.45 + 0.1 * rng.random()), h * 0.42
    wall = [(62, 78, 92), (70, 74, 66), (58, 66, 84)][palette % 3]
    floor = [(96, 128, 118), (132, 126, 112), (104, 116, 132)][palette % 3]
    yy = np.linspace(0, 1, h)[:, None, None]
    top = np.array(wall)[None, None, :] * (0.55 + 0.45 * yy)
    img = Image.fromarray(np.broadcast_to(top, (h, w, 3)).astype(np.uint8))
    draw = ImageDraw.Draw(img)
    draw.polygon([(0, h), (w, h), (vx + 60, vy), (vx - 60, vy)], fill=floor)
    draw.polygon([(0, h), (0, vy + 40), (vx - 60, vy)], fill=tuple(int(c * 0.85) for c in floor))
    draw.polygon([(w, h), (w, vy + 40), (vx + 60, vy)], fill=tuple(int(c * 0.85) for c in floor))
    for side in (-1, 1):
        x_far = vx + side * 55
        draw.line([(x_far, vy), (w / 2 + side * w * 0.28, h)], fill=(230, 196, 40), width=18)
    for i in range(14):  # ceiling light strips
        t = (i + 1) / 15
        y = vy * (1 - t) ** 1.6
        half = 80 + 900 * (1 - t) ** 2
        draw.rectangle([vx - half, y, vx + half, y + 6 + 20 * (1 - t) ** 2], fill=(246, 246, 236))
    for side in (-1, 1):  # rows of machines, far to near
        for i in range(9, -1, -1):
            t = 1 - i / 10
            scale = 0.12 + 0.88 * t ** 1.8
            cx = vx + side * (120 + w * 0.34 * scale)
            base = vy + (h - vy) * (0.08 + 0.9 * scale)
            mw, mh = 520 * scale, 430 * scale
            body = tuple(int(c) for c in rng.integers(150, 235, 3))
            draw.rectangle([cx - mw / 2, base - mh, cx + mw / 2, base], fill=body, outline=(40, 40, 40), width=max(1, int(4 * scale)))
            draw.rectangle([cx - mw / 2, base - mh - 40 * scale, cx + mw / 2, base - mh], fill=tuple(min(255, c + 18) for c in body))
            draw.rectangle([cx - mw * 0.35, base - mh * 0.8, cx + mw * 0.1, base - mh * 0.35], fill=(30, 46, 60))
            for k, col in enumerate([(40, 200, 80), (240, 180, 30), (220, 50, 40)]):
                r = 9 * scale
                lx, ly = cx + mw * 0.3, base - mh - 90 * scale - k * 2.4 * r
                draw.ellipse([lx - r, ly - r, lx + r, ly + r], fill=col)
            draw.line([(cx + mw * 0.3, base - mh), (cx + mw * 0.3, base - mh - 70 * scale)], fill=(60, 60, 60), width=max(1, int(5 * scale)))
    img = img.filter(ImageFilter.GaussianBlur(1.2))
    arr = np.asarray(img, dtype=np.float32)
    # Sensor-like luminance noise: it also keeps the JPEG well above the 1 MiB the notice asks for.
    noise = rng.standard_normal((h, w), dtype=np.float32) * 10
    xs = ((np.arange(w, dtype=np.float32) - w / 2) / (w / 2)) ** 2
    ys = ((np.arange(h, dtype=np.float32) - h / 2) / (h / 2)) ** 2 + 0.4
    vignette = 1 - 0.35 * ys[:, None] * xs[None, :]
    arr = (arr + noise[..., None]) * vignette[..., None]
    img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(img)
    f = ImageFont.truetype(str(font), 56)
    draw.rectangle([40, h - 130, 60 + draw.textlength(caption, font=f), h - 40], fill=(0, 0, 0))
    draw.text((50, h - 122), caption, font=f, fill=(255, 255, 255))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=92, dpi=(300, 300), optimize=False, progressive=False, subsampling=0)
    return out.getvalue()


# ---------------------------------------------------------------- presentation


def presentation(app: Application, figures, programme) -> bytes:
    from pptx import Presentation
    from pptx.util import Inches, Pt

    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    ent, proj = app.enterprise, app.project

    def bullets(title: str, items: list[str]) -> None:
        slide = prs.slides.add_slide(prs.slide_layouts[1])
        slide.shapes.title.text = title
        body = slide.placeholders[1]
        body.left, body.top, body.width, body.height = Inches(0.8), Inches(1.6), Inches(11.7), Inches(5.4)
        tf = body.text_frame
        tf.text = items[0]
        for item in items[1:]:
            tf.add_paragraph().text = item
        for para in tf.paragraphs:
            for run in para.runs:
                run.font.size = Pt(20)

    first = prs.slides.add_slide(prs.slide_layouts[0])
    first.shapes.title.text = proj.name or ""
    first.placeholders[1].text = f"{ent.name}\n2025年武汉标杆智能工厂遴选 路演答辩材料（示例）"
    bullets("一、企业概况", [
        f"企业名称：{ent.name}",
        f"所属行业：{ent.key_industry}；所在区：{ent.district}",
        f"主要产品：{ent.main_products}",
        f"2024年营业收入 {ent.revenue_prev_year_wan:,} 万元，工业总产值 {ent.output_prev_year_wan:,} 万元，从业人员 {ent.employees} 人",
    ])
    bullets("二、建设内容与投资", [
        f"建设期：{proj.construction_start:%Y年%m月} 至 {proj.construction_end:%Y年%m月}，{proj.commissioning_date:%Y年%m月%d日} 竣工投产",
        f"窗口期内设备购置与改造投资 {figures.equipment_total:,.2f} 万元，研发投入 {figures.rd_total:,.2f} 万元",
        f"合计 {figures.qualifying_total:,.2f} 万元（{figures.readings.describe()}）",
        f"新建或升级信息化系统 {sum(1 for s in app.systems if s.status != 'existing')} 个，在用系统共 {len(app.systems)} 个",
    ])
    names = [programme.scenarios.find(s.code).label for s in app.scenarios if s.implemented == "yes" and programme.scenarios.find(s.code)]
    bullets(f"三、智能化场景（已建 {len(names)} 个）", ["、".join(names[i:i + 5]) for i in range(0, len(names), 5)])
    lines = []
    for f in figures.indicators[:8]:
        verb = "提升" if f.direction == "higher_better" else "降低"
        lines.append(f"{f.name}：{f.baseline} → {f.current} {f.unit}，{verb} {f.change_rate}%")
    bullets("四、建设成效", lines)
    bullets("五、行业示范意义", [p.strip()[:60] + "……" for p in (app.report.demonstration or "").split("\n") if p.strip()][:5])
    end = prs.slides.add_slide(prs.slide_layouts[5])
    end.shapes.title.text = "谢谢！敬请各位专家批评指正"

    core = prs.core_properties
    core.title = proj.name or ""
    core.author = ent.name or ""
    core.last_modified_by = ent.name or ""
    core.created = FIXED_TIME.replace(tzinfo=None)
    core.modified = FIXED_TIME.replace(tzinfo=None)
    core.revision = 1
    buf = io.BytesIO()
    prs.save(buf)
    return _fixed_zip(buf.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    """The same zip with every member's timestamp fixed (python-pptx stamps the current time)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


# ---------------------------------------------------------------- video


def video(target: Path, title: str, subtitle: str, font: Path, seed: int, seconds: int = 24) -> None:
    """A short H.264 MP4 (1920×1080, 10 fps): moving gradients, a travelling box, two title lines."""
    import imageio_ffmpeg

    exe = imageio_ffmpeg.get_ffmpeg_exe()
    with tempfile.TemporaryDirectory() as tmp:
        t1, t2 = Path(tmp, "t1.txt"), Path(tmp, "t2.txt")
        t1.write_text(title, encoding="utf-8")
        t2.write_text(subtitle, encoding="utf-8")
        out = Path(tmp, "out.mp4")
        fontfile = str(font).replace(":", r"\:")
        vf = ",".join([
            "drawbox=x='mod(t*140,1920)':y=780:w=270:h=150:color=orange@0.85:t=fill",
            "drawbox=x='1650-mod(t*90,1920)':y=640:w=180:h=90:color=0x2ecc71@0.8:t=fill",
            f"drawtext=fontfile={fontfile}:textfile={t1}:fontsize=80:fontcolor=white:x=(w-text_w)/2:y=250",
            f"drawtext=fontfile={fontfile}:textfile={t2}:fontsize=48:fontcolor=white@0.9:x=(w-text_w)/2:y=390",
        ])
        cmd = [
            exe, "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
            # Colours must be given: without them ffmpeg draws random ones whatever the seed.
            "-i", f"gradients=s=1920x1080:r=10:d={seconds}:speed=0.01:n=3:seed={seed}:{_colours(seed)}",
            "-vf", vf, "-c:v", "libx264", "-preset", "veryfast", "-b:v", "400k", "-pix_fmt", "yuv420p",
            "-threads", "1", "-fflags", "+bitexact", "-flags:v", "+bitexact", "-map_metadata", "-1",
            "-movflags", "+faststart", str(out),
        ]
        run = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
        if run.returncode != 0 or not out.is_file():
            raise ToolError("ffmpeg 生成示例视频失败", hint=run.stderr.strip()[-400:] or None)
        target.write_bytes(out.read_bytes())


def _colours(seed: int) -> str:
    """Three dark, blue-green factory colours picked from the seed: ``c0=0x..:c1=0x..:c2=0x..``."""
    import random

    rng = random.Random(seed)
    picks = []
    for i in range(3):
        r, g, b = rng.randint(10, 60), rng.randint(40, 110), rng.randint(70, 150)
        picks.append(f"c{i}=0x{r:02x}{g:02x}{b:02x}")
    return ":".join(picks)
