"""Every CLI verb on hostile input, run as a user runs it (a fresh process, DOSSIER_DEBUG unset):
exit 2, a Chinese message naming the file, no traceback, no partial output, inputs untouched."""

from __future__ import annotations

import io
import json
import zipfile

import img2pdf
import pikepdf
import pytest
from bind_make import make_encrypted, make_pdf
from conftest import dump_yaml, valid_application
from hostile.hostile_util import assert_refused, run_cli, snapshot, tally
from PIL import Image


def _scan_pdf(path, **page_keys):
    """A two-page colour scan (img2pdf), with hostile keys set on every page."""
    buf = io.BytesIO()
    Image.new("RGB", (620, 877), "white").save(buf, "JPEG")
    pdf = pikepdf.open(io.BytesIO(img2pdf.convert([buf.getvalue(), buf.getvalue()])))
    for page in pdf.pages:
        for k, v in page_keys.items():
            page.obj[f"/{k}"] = v
    pdf.save(path)
    return path


def _write(path, data: bytes):
    path.write_bytes(data)
    return path


def _bomb_scan(path):
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    im = pikepdf.Stream(pdf, b"\0" * 1000)
    im.Type, im.Subtype, im.Width, im.Height = pikepdf.Name.XObject, pikepdf.Name.Image, 60000, 84800
    im.ColorSpace, im.BitsPerComponent = pikepdf.Name.DeviceRGB, 8
    page = pdf.pages[0]
    page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=im))
    page.Contents = pikepdf.Stream(pdf, b"q 595 0 0 842 0 0 cm /Im0 Do Q")
    pdf.save(path)
    return path


@pytest.fixture
def volume(tmp_path):
    """A bound volume and its manifest, made by the real CLI."""
    src = make_pdf(tmp_path / "材料.pdf", [{}, {}])
    out = tmp_path / "卷.pdf"
    assert run_cli("bind", src, "-o", out, "--no-guide").returncode == 0
    return out, tmp_path / "卷.manifest.json"


SCANS = {
    "zero_mediabox": (lambda p: _scan_pdf(p, MediaBox=pikepdf.Array([0, 0, 0, 0])), "尺寸为零"),
    "huge_mediabox": (lambda p: _scan_pdf(p, MediaBox=pikepdf.Array([0, 0, 14400, 14400])), "尺寸异常"),
    "image_bomb": (_bomb_scan, "解压炸弹"),
    "encrypted": (lambda p: make_encrypted(p, user="1234"), "加密"),
    "not_pdf": (lambda p: _write(p, "扫描件".encode()), "不是 PDF"),
    "truncated": (lambda p: _write(p, _scan_pdf(p).read_bytes()[:300]), "损坏"),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(SCANS))
def test_scan_refuses_hostile_scans(tmp_path, volume, case):
    make, word = SCANS[case]
    scan = make(tmp_path / "盖章扫描件.pdf")
    before = snapshot(tmp_path)
    res = run_cli("scan", scan, "--against", volume[1])
    tally("scan")
    assert_refused(res, "盖章扫描件.pdf", word)
    assert snapshot(tmp_path) == before


MANIFESTS = {
    "not_json": (b"{ not json", "JSON"),
    "deep_json": (b"[" * 100_000 + b"]" * 100_000, "清单"),
    "gbk": ('{"volume": "卷.pdf", "pages": []}'.encode("gbk"), "清单"),
    "top_level_list": (b"[]", "清单"),
    "pages_not_list": (b'{"pages": 5}', "清单"),
    "negative_count": (b'{"page_count": -3, "pages": []}', "清单"),
    "huge_count": (b'{"page_count": 100000000000, "pages": []}', "清单"),
    "rect_strings": (b'{"pages": [{"number": 1, "seam": ["a", "b", "c", "d"]}]}', "清单"),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(MANIFESTS))
def test_scan_refuses_hostile_manifests(tmp_path, case):
    data, word = MANIFESTS[case]
    manifest = tmp_path / "坏清单.manifest.json"
    manifest.write_bytes(data)
    scan = _scan_pdf(tmp_path / "扫描.pdf")
    res = run_cli("scan", scan, "--against", manifest)
    tally("scan")
    if res.returncode == 1:  # a readable manifest that simply does not match the scan
        assert "Traceback" not in res.stderr and "内部错误" not in res.stderr
        return
    assert_refused(res, "坏清单.manifest.json", word)


@pytest.mark.slow
def test_package_refuses_a_hostile_scan(project, tmp_path):
    root = project()
    scan = tmp_path / "扫描件.pdf"
    scan.write_bytes(b"%PDF-1.7\n" + b"\0" * 500)
    before = snapshot(root)
    res = run_cli("package", root, "--scan", scan)
    tally("cli")
    assert_refused(res, "扫描件.pdf")
    assert snapshot(root) == before


@pytest.mark.slow
def test_package_refuses_a_hostile_yaml(project, tmp_path):
    root = project()
    (root / "enterprise.yaml").write_bytes(dump_yaml(valid_application()).encode("gbk"))
    scan = make_pdf(tmp_path / "扫描件.pdf", [{}])
    before = snapshot(root)
    res = run_cli("package", root, "--scan", scan)
    tally("cli")
    assert_refused(res, "enterprise.yaml", "GBK")
    assert snapshot(root) == before


@pytest.mark.slow
def test_build_refuses_a_hostile_yaml_before_starting_libreoffice(project):
    root = project()
    (root / "enterprise.yaml").write_text("a: &x [1]\nb: *x\n", "utf-8")
    before = snapshot(root)
    res = run_cli("build", root, "--force")
    tally("cli")
    assert_refused(res, "enterprise.yaml", "别名")
    assert snapshot(root) == before


@pytest.mark.slow
def test_build_with_previous_output_untouched_on_refusal(project):
    root = project()
    (root / "build").mkdir()
    (root / "build" / "01 申请报告.pdf").write_bytes(b"previous")
    (root / "enterprise.yaml").write_text("type: [\n", "utf-8")
    before = snapshot(root)
    res = run_cli("build", root)
    tally("cli")
    assert_refused(res, "enterprise.yaml")
    assert snapshot(root) == before


@pytest.mark.slow
def test_media_refuses_an_empty_folder_and_a_missing_file(tmp_path):
    (tmp_path / "空").mkdir()
    tally("cli", 2)
    assert_refused(run_cli("media", tmp_path / "空"), "", "没有要检查的文件")
    assert_refused(run_cli("media", tmp_path / "不存在.jpg"), "不存在.jpg", "不存在")


def test_batch_output_that_is_a_file_is_refused(project, tmp_path):
    root = project()
    blocker = tmp_path / "结果"
    blocker.write_text("x", "utf-8")
    res = run_cli("batch", root, "-o", blocker, "--check-only", "-q")
    tally("cli")
    assert_refused(res, "结果")
    assert blocker.read_text("utf-8") == "x"


@pytest.mark.slow
def test_batch_survives_a_hostile_project_among_good_ones(project, tmp_path):
    good = project()
    bad = tmp_path / "坏项目"
    bad.mkdir()
    (bad / "enterprise.yaml").write_bytes(b"a: " + b"[" * 50_000 + b"]" * 50_000)
    res = run_cli("batch", good, bad, "-o", tmp_path / "批量", "--check-only", "--json")
    tally("cli")
    assert res.returncode == 1 and "Traceback" not in res.stderr and "内部错误" not in res.stderr, res.stderr
    rows = {r["name"]: r for r in json.loads(res.stdout)["projects"]}
    assert "坏项目" in rows and "嵌套" in json.dumps(rows["坏项目"], ensure_ascii=False)


@pytest.mark.slow
@pytest.mark.parametrize("case", ["not_a_zip", "zip_without_document", "zip_bomb_xml"])
def test_templates_lint_refuses_a_hostile_template(project, case):
    root = project()
    (root / "templates").mkdir()
    target = root / "templates" / "application_report.docx"
    if case == "not_a_zip":
        target.write_bytes(b"PK\x03\x04 broken")
    else:
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("[Content_Types].xml", "<Types/>")
            if case == "zip_bomb_xml":
                zf.writestr("word/document.xml", "<" + "a" * 200_000_000 + ">")
    res = run_cli("templates", "lint", root)
    tally("cli")
    out = res.stdout + res.stderr
    assert res.returncode in (1, 2) and "Traceback" not in out and "内部错误" not in out, out
    assert "application_report.docx" in out
