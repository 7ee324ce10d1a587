"""dossier scan: exit 0 / 1 / 2 with every problem page named, in Chinese."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from scan_fixtures import make_scan, make_volume

from dossier.cli import main
from dossier.scan import BINDING_CLAUSE

pytestmark = pytest.mark.slow  # each case renders and scans a volume, most through a dossier process


@pytest.fixture(scope="module")
def bound(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bound")
    path, manifest = make_volume(folder, pages=4, seed=11)
    manifest_path = folder / "volume.manifest.json"
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    return path, manifest_path


def run(*args):
    return CliRunner().invoke(main, ["scan", *map(str, args)])


@pytest.mark.slow
def test_stamped_scan_exits_0(bound, tmp_path):
    volume, manifest = bound
    result = run(make_scan(volume, tmp_path / "扫描件.pdf"), "--against", manifest)
    assert result.exit_code == 0, result.output
    assert "骑缝章：应盖 4 页，看到印迹 4 页" in result.output


def test_problem_pages_exit_1_and_are_named(bound, tmp_path):
    volume, manifest = bound
    scan = make_scan(volume, tmp_path / "扫描件.pdf", no_seam=frozenset({2}), drop=frozenset({4}))
    result = run(scan, "--against", manifest)
    assert result.exit_code == 1
    assert "扫描件第 2 页的骑缝章位置没有红色印迹" in result.output
    assert "扫描件缺少成册第 4 页" in result.output


def test_json(bound, tmp_path):
    volume, manifest = bound
    data = json.loads(run(make_scan(volume, tmp_path / "s.pdf", blank=frozenset({3})), "--against", manifest, "--json").output)
    assert data["exit_code"] == 1
    assert [(f["code"], f["page"]) for f in data["findings"] if f["severity"] == "error"][0] == ("S-PAGE-BLANK", 3)


def test_unusable_scan_exits_2(bound, tmp_path):
    _, manifest = bound
    bogus = tmp_path / "scan.pdf"
    bogus.write_text("不是 PDF", encoding="utf-8")
    result = run(bogus, "--against", manifest)
    assert result.exit_code == 2 and "不是 PDF 文件" in result.output


def test_missing_manifest_exits_2(bound, tmp_path):
    volume, _ = bound
    result = run(volume, "--against", tmp_path / "nope.json")
    assert result.exit_code == 2 and "清单文件不存在" in result.output


def test_progress_is_plain_lines_on_stderr_when_not_a_terminal(bound, tmp_path):
    volume, manifest = bound
    result = run(make_scan(volume, tmp_path / "s.pdf"), "--against", manifest)
    assert result.exit_code == 0
    assert "读取扫描页（共 4 项）" in result.stderr and "比对成册页面" in result.stderr
    assert "读取扫描页" not in result.stdout


def test_no_progress_with_quiet_or_json(bound, tmp_path):
    volume, manifest = bound
    scan = make_scan(volume, tmp_path / "s.pdf")
    quiet = run(scan, "--against", manifest, "-q")
    assert quiet.stderr == "" and quiet.stdout.startswith("共 0 个错误")
    as_json = run(scan, "--against", manifest, "--json")
    assert as_json.stderr == "" and json.loads(as_json.stdout)["exit_code"] == 0


def test_progress_is_a_rich_bar_on_a_terminal(bound, tmp_path, monkeypatch):
    monkeypatch.setenv("TTY_COMPATIBLE", "1")  # rich: treat the output as a terminal
    monkeypatch.setenv("TTY_INTERACTIVE", "1")
    volume, manifest = bound
    result = run(make_scan(volume, tmp_path / "s.pdf"), "--against", manifest)
    assert result.exit_code == 0
    assert "4/4" in result.stderr and "读取扫描页（共" not in result.stderr  # the bar, not plain lines


def test_findings_cite_the_binding_clause_of_the_programme_the_build_wrote(bound, tmp_path):
    """A build for a programme of five copies writes its clause into manifest.json; scan cites that one."""
    volume, manifest = bound
    data = json.loads(manifest.read_text(encoding="utf-8"))
    clause = "企业应将申报资料装订成册，盖封面章、骑缝章，一式五份。"
    data["application"] = {"programme": {"id": "xiangyang-2026", "binding_clause": clause}}
    own = tmp_path / manifest.name
    own.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    (tmp_path / volume.name).write_bytes(volume.read_bytes())
    out = json.loads(run(make_scan(volume, tmp_path / "s.pdf", blank=frozenset({3})), "--against", own, "--json").output)
    rules = {f["rule"] for f in out["findings"] if f["code"] == "S-PAGE-BLANK"}
    assert rules == {clause}
    before = json.loads(run(make_scan(volume, tmp_path / "t.pdf", blank=frozenset({3})), "--against", manifest, "--json").output)
    assert {f["rule"] for f in before["findings"] if f["code"] == "S-PAGE-BLANK"} == {BINDING_CLAUSE}
