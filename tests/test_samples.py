"""The two sample enterprises: complete, passing ``dossier check``, with every evidence and media
file generated, readable and byte-identical when generated again.

The tests work on a copy of samples/ in a temporary folder (the generator and ``dossier check``
write beside the sample they are given), so the source tree is only read."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pikepdf
import pypdf
import pytest
from PIL import Image

from dossier.application.load import load_project
from dossier.rules.evidence import EVIDENCE_SUFFIXES
from dossier.util.formats import word_count

pytestmark = pytest.mark.slow  # copies both samples and runs their generator

REPO = Path(__file__).resolve().parents[1]
SAMPLES = {"guangxin-optics": "discrete", "huaxin-materials": "process"}


def _run(*args: str, cwd: Path, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    """A copy of samples/ (its generated files and cache included): ``WORK/samples``."""
    work = tmp_path_factory.mktemp("samples-copy")
    shutil.copytree(REPO / "samples", work / "samples", ignore=shutil.ignore_patterns("__pycache__", "build"))
    return work


@pytest.fixture(scope="module")
def generated(work) -> str:
    """Bring the copy's generated files up to date (seconds when they already are), then run again."""
    first = _run("-m", "samples.generate", cwd=work)
    assert first.returncode == 0, first.stderr
    second = _run("-m", "samples.generate", cwd=work)
    assert second.returncode == 0, second.stderr
    return second.stdout


@pytest.fixture(scope="module")
def samples_dir(work, generated) -> Path:
    return work / "samples"


def _app(name: str, samples: Path = REPO / "samples"):
    project = load_project(samples / name)
    assert project.app is not None, project.findings
    return project.app


@pytest.mark.slow
def test_second_run_rewrites_nothing(generated):
    lines = [line for line in generated.splitlines() if line.startswith("示例")]
    assert len(lines) == len(SAMPLES)
    assert all("生成 0 个文件" in line for line in lines), generated


@pytest.mark.slow
@pytest.mark.parametrize("name", SAMPLES)
def test_sample_checks_clean_through_the_cli(samples_dir, name):
    run = _run("-m", "dossier", "check", f"samples/{name}", "--json", cwd=samples_dir.parent, timeout=300)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr
    report = json.loads(run.stdout)
    assert report["type"] == SAMPLES[name]
    assert report["counts"]["error"] == 0
    assert report["counts"]["warning"] == 0, [f for f in report["findings"] if f["severity"] == "warning"]
    totals = report["totals"]
    assert Decimal(totals["qualifying_gross_wan"]) >= 6000
    assert Decimal(totals["qualifying_net_wan"]) >= 6000
    assert Decimal(totals["rd_ratio_percent"]) <= 20
    assert 12 <= int(totals["scenarios_implemented"]) <= 18


def _evidence(app) -> list[tuple[str, str | None]]:
    refs = [(ref.file, ref.password) for row in app.investments for _, _, ref in row.evidence.items()]
    refs += [(f, None) for ind in app.indicators for f in ind.evidence]
    refs += [(f, None) for sc in app.scenarios for f in sc.evidence]
    return refs


@pytest.mark.parametrize("name", SAMPLES)
def test_every_evidence_file_opens(samples_dir, name):
    app = _app(name, samples_dir)
    root = samples_dir / name
    kinds = set()
    for rel, password in _evidence(app):
        path = root / rel
        assert path.suffix.lower() in EVIDENCE_SUFFIXES
        if path.suffix.lower() == ".pdf":
            with pikepdf.open(path, password=password or "") as pdf:
                assert len(pdf.pages) >= 1
                kinds.add("encrypted" if pdf.is_encrypted else "pdf")
                if any(float(p.mediabox[2]) > float(p.mediabox[3]) for p in pdf.pages):
                    kinds.add("landscape")
        else:
            with Image.open(path) as im:
                im.load()
                assert im.format == "JPEG" and not im.getexif()
                kinds.add("jpeg")
    assert kinds == {"pdf", "encrypted", "landscape", "jpeg"}


@pytest.mark.parametrize("name", SAMPLES)
def test_encrypted_evidence_needs_its_password(samples_dir, name):
    app = _app(name, samples_dir)
    locked = [(samples_dir / name / ref.file) for row in app.investments for _, _, ref in row.evidence.items() if ref.password]
    assert locked
    with pytest.raises(pikepdf.PasswordError):
        pikepdf.open(locked[0])


@pytest.mark.slow
@pytest.mark.parametrize("name", SAMPLES)
def test_invoice_text_layer_holds_number_date_and_total(samples_dir, name):
    app = _app(name, samples_dir)
    checked = 0
    for row in app.investments:
        for ref in row.evidence.invoice:
            text = pypdf.PdfReader(samples_dir / name / ref.file).pages[0].extract_text()
            day = row.invoice.date
            total = row.invoice.gross_wan * 10000
            assert f"发票号码：{row.invoice.number}" in text
            assert f"开票日期：{day.year}年{day.month:02d}月{day.day:02d}日" in text
            assert f"价税合计（小写）¥{total:,.2f}" in text
            checked += 1
    assert checked >= 20


@pytest.mark.parametrize("name", SAMPLES)
def test_media_meet_item_nine(samples_dir, name):
    from pptx import Presentation

    from dossier.media_inspection import inspect_media

    app = _app(name, samples_dir)
    root = samples_dir / name
    assert len(app.media.photos) == 3
    for rel in app.media.photos:
        path = root / rel
        assert path.stat().st_size > 1_048_576 * 1.5
        with Image.open(path) as im:
            assert max(im.size) >= 1920
    assert 6 <= len(Presentation(root / app.media.presentation).slides) <= 8
    video = inspect_media(root / app.media.video)
    assert video.facts["codec"] == "h264"
    assert 20 <= float(video.facts["duration_seconds"]) <= 40
    summary = (root / "media" / "建设情况简介.txt").read_text(encoding="utf-8").strip()
    assert summary == app.project.summary.strip()
    assert word_count(summary) <= 150


@pytest.mark.slow
def test_generation_is_byte_identical(samples_dir, tmp_path, monkeypatch):
    """Build a sample of each kind of file again, from scratch, and compare with the tree."""
    monkeypatch.syspath_prepend(str(REPO))  # samples/ is dev tooling, not part of the installed package
    from samples import fonts, generate

    font = fonts.truetype_font(samples_dir / ".cache")  # the copy's: the font is only read
    base = generate.recipe_base(font)
    wanted = ("合同.pdf", "发票.pdf", "付款回单.jpg", "工资分配表.pdf", ".pptx", "典型图片1")
    seen = set()
    for name in SAMPLES:
        sample = samples_dir / name
        app = _app(name, samples_dir)
        for job in generate.plan(sample, app, font, base):
            match = next((w for w in wanted if w in job.rel), None)
            locked = any(ref.password and ref.file == job.rel for row in app.investments for _, _, ref in row.evidence.items())
            if not (match or locked) or (match in seen and not locked):
                continue
            seen.add(match)
            out = tmp_path / f"{len(seen)}-{Path(job.rel).name}"
            job.build(out)
            assert out.read_bytes() == (sample / job.rel).read_bytes(), job.rel
    assert seen >= set(wanted)


def test_summary_fits_the_form_without_warnings(samples_dir):
    for name in SAMPLES:
        text = _app(name, samples_dir).project.summary
        assert len("".join(text.split())) <= 150  # no X-SUMMARY-RAW warning either


def test_pdf_fonts_are_embedded(samples_dir):
    path = samples_dir / "guangxin-optics" / "evidence" / "A01" / "合同.pdf"
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            for font in page.Resources.Font.values():
                descriptor = font.get("/FontDescriptor")
                assert descriptor is not None and "/FontFile2" in descriptor, font.get("/BaseFont")
    assert io.BytesIO(path.read_bytes()).getbuffer().nbytes < 200_000


@pytest.mark.slow
def test_video_recipe_is_deterministic(samples_dir, tmp_path, monkeypatch):
    """ffmpeg's gradients source draws random colours unless they are given: two encodes must match."""
    monkeypatch.syspath_prepend(str(REPO))
    from samples import fonts, generate, media

    font = fonts.truetype_font(samples_dir / ".cache")  # the copy's: the font is only read
    a, b = tmp_path / "a.mp4", tmp_path / "b.mp4"
    for out in (a, b):
        media.video(out, "武汉示例", "建设成果", font, seed=42, seconds=2)
    assert a.read_bytes() == b.read_bytes()
