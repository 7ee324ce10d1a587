"""The issue's mixed set binds into a clean A4 volume: counts, sizes, no active content,
bookmarks, visible seam slices, determinism, untouched inputs, manifest."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pikepdf
import pytest
from bind_make import bind_cli, dark_fraction, mixed_set, render
from PIL import Image

from dossier.bind.geometry import A4_H, A4_W


def _sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def bound(tmp_path_factory):
    root = tmp_path_factory.mktemp("mixed")
    inputs = mixed_set(root / "输入")
    before = {p: _sha(p) for p in inputs}
    out = root / "out" / "卷.pdf"
    res = bind_cli(inputs, out)
    assert res.exit_code == 0, res.output
    return root, inputs, before, out, res


def _expected_pages(inputs):
    total = 0
    for p in inputs:
        if p.suffix == ".pdf":
            pw = "1234" if "有打开密码" in p.name else ""
            with pikepdf.open(p, password=pw) as pdf:
                total += len(pdf.pages)
        elif p.suffix == ".tiff":
            total += Image.open(p).n_frames
        else:
            total += 1
    return total


@pytest.mark.slow
def test_page_count_is_the_sum_and_every_page_is_a4_portrait(bound):
    _root, inputs, _before, out, _res = bound
    with pikepdf.open(out) as pdf:
        assert len(pdf.pages) == _expected_pages(inputs) == 20
        for page in pdf.pages:
            assert page.rotation == 0
            box = [float(v) for v in page.mediabox]
            assert box == pytest.approx([0, 0, A4_W, A4_H], abs=0.01)
            assert "/CropBox" not in page.obj and "/Annots" not in page.obj and "/AA" not in page.obj


def test_no_active_content_left_anywhere(bound):
    out = bound[3]
    raw = out.read_bytes()
    with pikepdf.open(out) as pdf:
        assert "/Names" not in pdf.Root and "/OpenAction" not in pdf.Root and "/AcroForm" not in pdf.Root
        for obj in pdf.objects:
            if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
                keys = set(obj.keys())
                assert not keys & {"/JS", "/JavaScript", "/EmbeddedFiles", "/EF", "/AA", "/OpenAction", "/URI"}
                assert str(obj.get("/S", "")) not in {"/JavaScript", "/Launch", "/URI"}
                assert str(obj.get("/Type", "")) not in {"/EmbeddedFile", "/Filespec", "/Annot"}
    assert b"calc.exe" not in raw and b"MZ-not-really" not in raw


def test_one_top_level_bookmark_per_input_named_after_its_file(bound):
    _root, inputs, _before, out, _res = bound
    manifest = json.loads(out.with_name("卷.manifest.json").read_text("utf-8"))
    with pikepdf.open(out) as pdf, pdf.open_outline() as outline:
        titles = [item.title for item in outline.root]
        firsts = [pikepdf.Page(item.destination[0]).index for item in outline.root]
    assert titles == [p.name for p in inputs]
    assert [f + 1 for f in firsts] == [i["first_page"] for i in manifest["inputs"]]


def test_every_sheet_shows_a_seam_slice_where_the_manifest_says(bound):
    root, _inputs, _before, out, _res = bound
    manifest = json.loads(out.with_name("卷.manifest.json").read_text("utf-8"))
    pngs = render(out, root / "r", dpi=40)
    assert len(pngs) == len(manifest["pages"])
    for png, page in zip(pngs, manifest["pages"]):
        x0, y0, x1, y1 = page["seam"]
        im = Image.open(png)
        strip = (x0 / A4_W, 1 - y1 / A4_H, x1 / A4_W, 1 - y0 / A4_H)
        assert dark_fraction(im, strip, level=235) > 0.03, page
        # the placeholder is grey, never solid: a scan can tell it from red ink
        assert dark_fraction(im, strip, level=60) < 0.5


def test_second_run_gives_identical_bytes_and_inputs_are_unchanged(bound, tmp_path):
    _root, inputs, before, out, _res = bound
    again = tmp_path / "卷.pdf"
    assert bind_cli(inputs, again).exit_code == 0
    assert again.read_bytes() == out.read_bytes()
    m1 = json.loads(out.with_name("卷.manifest.json").read_text("utf-8"))
    m2 = json.loads(again.with_name("卷.manifest.json").read_text("utf-8"))
    assert m1 == m2
    assert {p: _sha(p) for p in inputs} == before


def test_manifest_records_inputs_pages_and_seams(bound):
    _root, inputs, before, out, _res = bound
    m = json.loads(out.with_name("卷.manifest.json").read_text("utf-8"))
    assert m["volume"] == "卷.pdf" and m["sha256"] == _sha(out)
    assert [i["sha256"] for i in m["inputs"]] == [before[p] for p in inputs]
    assert sum(i["pages"] for i in m["inputs"]) == len(m["pages"])
    tiff = next(i for i in m["inputs"] if i["file"].endswith(".tiff"))
    assert tiff["pages"] == 3
    rot = [p for p in m["pages"] if p["source"].endswith("旋转页.pdf")]
    assert [p["original_rotation"] for p in rot] == [90, 180, 270, 270]
    assert all(p["seam"] is not None for p in m["pages"])
    assert m["seal_groups"] == [{**m["seal_groups"][0], "first_page": 1, "last_page": 20}]
    assert out.with_name("卷.盖章指引.pdf").exists()


def test_user_is_told_what_active_content_was_removed_and_what_was_repaired(bound):
    output = bound[4].output
    assert "带脚本和附件.pdf" in output and "JavaScript" in output and "附件" in output
    assert "损坏的交叉引用表.pdf" in output and "修复" in output
