"""Nothing the user wrote is read as rich markup: ``[final]``, ``[/x]``, ``[bold]`` and
``[link=file:///etc/passwd]x[/link]`` in YAML values and file names come out as written, in every
verb's messages and tables (on a terminal, where rich renders them) and in the HTML report."""

from __future__ import annotations

import json
import re

import pikepdf
import pytest
from click.testing import CliRunner
from media_fixtures import pptx_file
from scan_fixtures import make_scan, make_volume

from dossier.cli import main

LINK = "[link=file:///etc/passwd]x[/link]"
TEXT = f"武汉[bold]光芯[/x]科技{LINK}有限公司"  # may hold slashes: a YAML value
NAME = "合同[final][bold]"  # a file name: no slash possible
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\]8;[^\x1b]*\x1b\\\\")


def run(*args: object, expect: set[int]) -> str:
    """The verb on a (pretend) terminal, colours on, wide enough that rich does not wrap."""
    result = CliRunner().invoke(main, [*map(str, args), "--color", "always"], env={"COLUMNS": "400", "NO_COLOR": ""})
    assert result.exit_code in expect, result.output
    return ANSI.sub("", result.output)


@pytest.fixture
def hostile(project):
    def mutate(data):
        data["enterprise"]["name"] = TEXT
        data["enterprise"]["district"] = "[/x]区"
        data["investments"][0]["evidence"]["contract"] = [f"evidence/A-01/{NAME}.pdf", "evidence/A-01/[/final].pdf"]

    root = project(mutate)  # writes every evidence file named...
    (root / "evidence" / "A-01" / "[" / "final].pdf").unlink()  # ...so that this one is missing
    return root


def test_check_terminal_and_report(hostile, tmp_path):
    out = run("check", hostile, "--report", tmp_path / "r.html", "-v", expect={1})
    assert TEXT in out  # the header names the enterprise
    assert "所在区“[/x]区”" in out
    assert "找不到佐证文件“evidence/A-01/[/final].pdf”" in out
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert TEXT in html and "[/x]区" in html and "[/final].pdf" in html
    plain = CliRunner().invoke(main, ["check", str(hostile), "--no-report"]).stdout
    assert "所在区“[/x]区”" in plain and TEXT in plain


def test_build_refused(hostile):
    out = run("build", hostile, expect={1})
    assert TEXT in out and "[/final].pdf" in out


@pytest.mark.slow
def test_bind_media_scan(tmp_path):
    pdf = tmp_path / f"{NAME}.pdf"
    doc = pikepdf.new()
    doc.add_blank_page()
    doc.save(pdf)
    out = run("bind", pdf, "-o", tmp_path / f"卷{NAME}.pdf", expect={0})
    assert f"卷{NAME}.pdf" in out
    out = run("media", pptx_file(tmp_path / f"{NAME}.pptx", slides=1), "-v", expect={0, 1})
    assert f"{NAME}.pptx" in out
    volume, manifest = make_volume(tmp_path, pages=2, seed=3)
    (tmp_path / "m.json").write_text(json.dumps(manifest), encoding="utf-8")
    out = run("scan", make_scan(volume, tmp_path / f"扫描{NAME}.pdf"), "--against", tmp_path / "m.json", expect={0, 1})
    assert f"扫描{NAME}.pdf" in out


def test_errors_and_batch(hostile, tmp_path):
    missing = tmp_path / f"无{NAME}"
    out = run("check", missing, expect={2})
    assert f"无{NAME}" in out
    out = run("media", tmp_path / f"{NAME}.jpg", expect={2})
    assert f"{NAME}.jpg" in out
    out = run("batch", hostile.parent, "-o", tmp_path / "out", "--check-only", "-j", "1", expect={1})
    assert TEXT in out
    dashboard = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert TEXT in dashboard
