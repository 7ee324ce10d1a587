"""``dossier build`` binds the documents and the evidence into one print-ready volume."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import img2pdf
import pikepdf
import pytest
from PIL import Image, ImageDraw

from build_fixtures import discrete_data, write_full_project
from dossier.build import GUIDE, VOLUME, build_project

A4 = (595.276, 841.89)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = write_full_project(tmp_path_factory.mktemp("vol") / "proj", discrete_data())
    result = build_project(root)
    assert not result.refused and result.volume is not None
    return root, result, json.loads(result.manifest.read_text(encoding="utf-8"))


def _outline(pdf: pikepdf.Pdf) -> list[tuple[int, str, int]]:
    """(depth, title, page index) for every bookmark, depth-first."""
    pages = {p.objgen: i for i, p in enumerate(pdf.pages)}
    out = []

    def walk(items, depth):
        for item in items:
            dest = item.destination
            idx = pages.get(dest[0].objgen) if dest is not None else None
            out.append((depth, item.title, idx))
            walk(item.children, depth + 1)

    with pdf.open_outline() as outline:
        walk(outline.root, 1)
    return out


@pytest.mark.slow
def test_volume_follows_the_materials_list(built):
    _, result, manifest = built
    with pikepdf.open(result.volume) as pdf:
        marks = _outline(pdf)
        assert len(pdf.pages) == manifest["binding"]["page_count"] == len(manifest["binding"]["pages"])
        for page in pdf.pages:
            w, h = (float(v) for v in page.mediabox[2:])
            assert abs(w - A4[0]) < 1 and abs(h - A4[1]) < 1 and int(page.obj.get("/Rotate", 0)) % 360 == 0
    sections = [t for d, t, _ in marks if d == 1]
    assert [s.split("、")[0] for s in sections] == ["一", "二", "三", "四", "五", "六", "七", "八", "九"]
    assert sections[0].endswith("标杆智能工厂申报表") and sections[1].endswith("申请报告")
    # section → document → evidence row → file
    titles = [(d, t) for d, t, _ in marks]
    i = titles.index(next(x for x in titles if x[0] == 3 and x[1].startswith("A-01")))
    assert [t for _, t in titles[i + 1 : i + 5]] == ["合同", "发票", "付款凭证", "银行流水"]
    assert all(d == 4 for d, _ in titles[i + 1 : i + 5])


@pytest.mark.slow
def test_toc_page_numbers_are_the_real_ones(built):
    _, result, manifest = built
    labels = [p["label"] for p in manifest["binding"]["pages"]]
    assert labels == [str(i + 1) for i in range(len(labels))]  # one number per page, the cover counting as 1
    toc_pages = [i for i, p in enumerate(manifest["binding"]["pages"]) if i > 0 and p["source"] is None]
    text = subprocess.run(
        ["pdftotext", "-layout", "-f", str(toc_pages[0] + 1), "-l", str(toc_pages[-1] + 1), str(result.volume), "-"],
        capture_output=True, text=True, check=True,
    ).stdout
    printed = {}
    for line in text.splitlines():
        # Leaders are drawn, not text: a title, a run of spaces, the page number.
        m = re.match(r"\s*(\S.*?)[\s.·]{2,}(\d+)\s*$", line)
        if m:
            printed[m[1].strip()] = m[2]
    with pikepdf.open(result.volume) as pdf:
        marks = _outline(pdf)
    checked = 0
    for depth, title, idx in marks:
        if depth <= 2 and title in printed:
            assert printed[title] == labels[idx], title
            checked += 1
    assert checked >= 12, printed


@pytest.mark.slow
def test_every_sheet_carries_a_seam_slice_and_the_cover_its_seal(built):
    _, _, manifest = built
    assert all(p["seam"] is not None for p in manifest["binding"]["pages"])
    assert manifest["binding"]["pages"][0]["cover_seal"] is not None
    groups = manifest["binding"]["seal_groups"]
    assert groups[0]["first_page"] == 1 and groups[-1]["last_page"] == manifest["binding"]["page_count"]
    assert manifest["stamping_guide"] == GUIDE and manifest["volume"] == VOLUME


@pytest.mark.slow
def test_rebuild_gives_the_identical_volume(built, tmp_path):
    root, result, _ = built
    again_out = tmp_path / "again"
    shutil.copytree(result.out, again_out)  # warm: conversions come from the cache, binding runs again
    (again_out / VOLUME).unlink()
    again = build_project(root, again_out)
    assert again.volume.read_bytes() == result.volume.read_bytes()


def _stamped_scan(volume: Path, manifest: dict, out: Path, *, skip: int | None = None) -> Path:
    """Render the volume and paint red seal ink where the manifest says each slice and the cover seal go."""
    dpi = 40
    folder = out.parent / f"render-{out.stem}"
    folder.mkdir()
    subprocess.run(["pdftoppm", "-r", str(dpi), "-jpeg", str(volume), str(folder / "p")], check=True)
    scale = dpi / 72
    jpegs = []
    for n, path in enumerate(sorted(folder.glob("p-*.jpg")), start=1):
        im = Image.open(path).convert("RGB")
        draw = ImageDraw.Draw(im)
        page = manifest["binding"]["pages"][n - 1]
        for key in ("seam", "cover_seal"):
            rect = page[key]
            if rect is None or (key == "seam" and n == skip):
                continue
            x0, y0, x1, y1 = rect
            box = [x0 * scale, im.height - y1 * scale, x1 * scale, im.height - y0 * scale]
            draw.rectangle(box, fill=(200, 30, 40))
        buf = io.BytesIO()
        im.save(buf, "JPEG", quality=90, dpi=(dpi, dpi))
        jpegs.append(buf.getvalue())
    out.write_bytes(img2pdf.convert(jpegs, layout_fun=img2pdf.get_layout_fun((img2pdf.mm_to_pt(210), img2pdf.mm_to_pt(297)))))
    return out


@pytest.mark.slow
def test_stamped_scan_of_the_build_passes_and_a_missing_slice_is_named(built, tmp_path):
    _, result, manifest = built
    good = _stamped_scan(result.volume, manifest, tmp_path / "good.pdf")
    proc = subprocess.run([sys.executable, "-m", "dossier", "scan", str(good), "--against", str(result.manifest)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    bad = _stamped_scan(result.volume, manifest, tmp_path / "bad.pdf", skip=7)
    proc = subprocess.run([sys.executable, "-m", "dossier", "scan", str(bad), "--against", str(result.manifest), "--json"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1
    data = json.loads(proc.stdout)
    assert any(f.get("page") == 7 for f in data["findings"] if f["severity"] == "error"), data["findings"]


@pytest.mark.slow
def test_draft_build_binds_what_exists_and_names_what_is_missing(built, tmp_path):
    root, result, _ = built
    copy = tmp_path / "proj"
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns("build"))
    shutil.copytree(result.out, copy / "build")  # warm cache: no LibreOffice run needed
    (copy / "media" / "2.jpg").unlink()
    (copy / "evidence" / "A-01" / "发票.pdf").unlink()
    draft = build_project(copy, force=True)
    assert draft.draft and not draft.refused
    text = "\n".join(draft.bind_warnings)
    assert "media/2.jpg" in text and "evidence/A-01/发票.pdf" in text
    sources = {p.source for p in draft.binding.pages}
    assert not any(s and s.endswith(("2.jpg", "A-01/发票.pdf")) for s in sources)
    manifest = json.loads(draft.manifest.read_text(encoding="utf-8"))
    assert manifest["draft"] is True and manifest["binding"]["page_count"] == len(manifest["binding"]["pages"])


def _font_programs(pdf_path: Path) -> dict[str, bytes]:
    """dossier's own fonts in a PDF (Type0 over a subset): base name → embedded program."""
    found = {}
    with pikepdf.open(pdf_path) as pdf:
        for page in pdf.pages:
            for font in (page.Resources.get("/Font") or {}).values():
                if font.get("/Subtype") == "/Type0" and "/FontFile3" in font.DescendantFonts[0].FontDescriptor:
                    found[str(font.BaseFont)] = font.DescendantFonts[0].FontDescriptor.FontFile3.read_bytes()
    return found


@pytest.mark.slow
def test_the_guide_is_set_in_the_volumes_font_subset(built):
    _, result, _ = built
    volume, guide = _font_programs(result.volume), _font_programs(result.out / GUIDE)
    assert len(guide) == 1 and guide.items() <= volume.items(), (list(guide), list(volume))
    text = subprocess.run(["pdftotext", str(result.out / GUIDE), "-"], capture_output=True, text=True, check=True).stdout
    assert "盖章指引" in text and "骑缝章" in text and "法定代表人（签字）" in text
