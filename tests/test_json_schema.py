"""Every verb's ``--json`` output validates against schema/dossier.schema.json, exit 2 included.

Each case runs the real verb in-process on real files and validates what it printed on stdout;
the counts are recomputed from the findings, and the findings must be in their total order.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pikepdf
import pytest
from click.testing import CliRunner
from media_fixtures import jpeg_of_size, pptx_file, video
from scan_fixtures import make_scan, make_volume

from dossier.cli import main
from dossier.util.findings import Finding, sort_key

SCHEMA = json.loads((Path(__file__).resolve().parent.parent / "schema" / "dossier.schema.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def run_json(*args: object, expect: set[int]) -> dict:
    result = CliRunner().invoke(main, [*map(str, args), "--json"])
    assert result.exit_code in expect, (result.exit_code, result.stdout, result.stderr)
    data = json.loads(result.stdout)
    VALIDATOR.validate(data)
    assert data["exit_code"] == result.exit_code
    counts = {"error": 0, "warning": 0, "info": 0}
    for f in data["findings"]:
        counts[f["severity"]] += 1
    assert data["counts"] == counts
    keys = [sort_key(Finding(**f)) for f in data["findings"]]
    assert keys == sorted(keys)
    return data


def pdf(path: Path, pages: int = 2) -> Path:
    doc = pikepdf.new()
    for _ in range(pages):
        doc.add_blank_page(page_size=(595, 842))
    doc.save(path)
    return path


def test_schema_is_a_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_schema_rejects_what_it_should():
    good = {"schema": "dossier/1", "verb": "check", "exit_code": 2, "findings": [
        {"code": "E-INPUT", "severity": "error", "message": "找不到", "file": None, "line": None, "page": None,
         "rule": None, "attachment": None, "item": None}],
        "counts": {"error": 1, "warning": 0, "info": 0},
        "error": {"message": "找不到", "hint": None, "file": None, "line": None, "page": None}}
    VALIDATOR.validate(good)
    for broken in ({**good, "schema": "dossier/0"}, {**good, "error": None} | {"exit_code": 1},
                   {k: v for k, v in good.items() if k != "error"}, {**good, "findings": [{"code": "x"}]}):
        assert not VALIDATOR.is_valid(broken)


def test_init_and_check(tmp_path, project):
    data = run_json("init", tmp_path / "new", "--type", "process", expect={0})
    assert data["verb"] == "init" and Path(data["written"]).is_file()
    again = run_json("init", tmp_path / "new", "--type", "process", expect={2})  # never overwrites
    assert again["error"]["file"] and again["findings"][0]["code"] == "E-INPUT"
    first = run_json("check", tmp_path / "new", "--no-report", expect={1})
    assert first["counts"]["error"] > 10
    ok = run_json("check", project() / "enterprise.yaml", "--no-report", expect={0, 1})
    assert ok["type"] == "discrete"
    gone = run_json("check", tmp_path / "nope", expect={2})
    assert gone["error"]["message"] == "项目文件夹不存在"


def test_usage_errors_are_json_too(tmp_path):
    data = run_json("check", "--no-such-option", expect={2})
    assert data["verb"] == "check" and data["findings"][0]["code"] == "E-USAGE"
    assert "--no-such-option" in data["error"]["message"]
    data = run_json("bind", expect={2})
    assert data["verb"] == "bind" and "缺少参数" in data["error"]["message"]
    data = run_json("templates", "lint", tmp_path / "nope", expect={2})
    assert data["verb"] == "templates lint"


def test_yaml_error_is_json(tmp_path):
    (tmp_path / "enterprise.yaml").write_text('a: "evidence\\A01\\合同.pdf"\n', encoding="utf-8")
    data = run_json("check", tmp_path, expect={2})
    assert data["error"]["line"] == 1 and "正斜杠" in data["error"]["hint"]


def test_build_refused_and_unusable(tmp_path):
    run_json("init", tmp_path / "p", "--type", "discrete", expect={0})
    data = run_json("build", tmp_path / "p", "-o", tmp_path / "out", expect={1})
    assert data["refused"] is True and data["manifest"] is None
    run_json("build", tmp_path / "missing", expect={2})


@pytest.mark.slow
def test_bind(tmp_path):
    a, b = pdf(tmp_path / "a.pdf", 2), pdf(tmp_path / "b.pdf", 3)
    data = run_json("bind", a, b, "-o", tmp_path / "vol.pdf", expect={0})
    assert data["manifest"]["page_count"] == 5
    run_json("bind", tmp_path / "none.pdf", "--output", tmp_path / "v2.pdf", expect={2})


def test_media(tmp_path):
    data = run_json("media", pptx_file(tmp_path / "汇报.pptx"), expect={0})
    assert data["files"][0]["kind"] == "presentation"
    folder = tmp_path / "m"
    folder.mkdir()
    jpeg_of_size(folder / "1.jpg", 1_100_000)
    data = run_json("media", "--set", folder, expect={1})
    assert any(f["code"].startswith("M-SET-") for f in data["findings"])
    run_json("media", tmp_path / "none.jpg", expect={2})


@pytest.mark.slow
def test_scan(tmp_path):
    volume, manifest = make_volume(tmp_path, pages=3, seed=5)
    manifest_file = tmp_path / "volume.manifest.json"
    manifest_file.write_text(json.dumps(manifest), encoding="utf-8")
    data = run_json("scan", make_scan(volume, tmp_path / "s.pdf"), "--against", manifest_file, expect={0, 1})
    assert data["scan_pages"] == 3
    bogus = tmp_path / "bogus.pdf"
    bogus.write_text("不是 PDF", encoding="utf-8")
    run_json("scan", bogus, "--against", manifest_file, expect={2})


def test_package(project, tmp_path):
    root = project()
    media = root / "media"
    media.mkdir(exist_ok=True)
    for i, size in enumerate((1_200_000, 1_300_000, 1_100_000), start=1):
        jpeg_of_size(media / f"{i}.jpg", size)
    pptx_file(media / "汇报.pptx")
    video(media / "视频.mp4", "20")
    data = run_json("package", root, "--scan", pdf(tmp_path / "扫描件.pdf", 3), "-o", tmp_path / "pkg", expect={0, 1})
    assert Path(data["zip"]).is_file()
    run_json("package", root, "--scan", tmp_path / "none.pdf", expect={2})


def test_batch(project, tmp_path):
    project()
    data = run_json("batch", tmp_path, "-o", tmp_path / "out", "--check-only", "-j", "1", expect={0, 1})
    assert len(data["projects"]) == 1
    run_json("batch", tmp_path / "nothing-here", "-o", tmp_path / "out2", expect={2})


def test_templates_lint():
    data = run_json("templates", "lint", expect={0, 1})
    assert data["verb"] == "templates lint"


def test_import_and_export(project, tmp_path):
    root = project()
    data = run_json("export", "xlsx", root, "-o", tmp_path / "明细.xlsx", expect={0})
    assert Path(data["output"]).is_file() and data["totals"] == {"files": 1}
    data = run_json("import", "invoices", pdf(tmp_path / "不是发票.pdf", 1), "--project", root, expect={0, 1})
    assert data["totals"]["files"] == 1 and all(f["code"] == "F-IMPORT" for f in data["findings"])
    run_json("import", "xlsx", tmp_path / "none.xlsx", "--table", "investments", expect={2})
