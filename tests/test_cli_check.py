"""``dossier check`` from the command line: exit codes 0 / 1 / 2, Chinese messages, JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import pytest

from conftest import dump_yaml, tiny_pdf, valid_application


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dossier", *args], capture_output=True, text=True, cwd=cwd, timeout=120,
        env={**os.environ, "DOSSIER_DEBUG": ""},
    )


def no_traceback(proc: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout


@pytest.mark.slow
def test_json_reports_type_and_totals(project):
    root = project()
    proc = run("check", str(root), "--json")
    no_traceback(proc)
    data = json.loads(proc.stdout)
    assert data["type"] == "discrete"
    assert data["programme"] == "wuhan-2025"
    assert data["enterprise"] == "武汉光芯测试科技有限公司"
    assert data["totals"]["qualifying_wan"] == "6300.00"
    assert set(data["findings"][0]) >= {"code", "severity", "message", "file", "line"}


@pytest.mark.slow
def test_init_scaffold_exits_1_with_chinese_findings(tmp_path):
    proc = run("init", str(tmp_path / "新项目"), "--type", "discrete")
    assert proc.returncode == 0, proc.stderr
    text = (tmp_path / "新项目" / "enterprise.yaml").read_text(encoding="utf-8")
    assert "# 统一社会信用代码" in text or "统一社会信用代码" in text
    assert (tmp_path / "新项目" / "evidence").is_dir() and (tmp_path / "新项目" / "media").is_dir()
    proc = run("check", str(tmp_path / "新项目"))
    no_traceback(proc)
    assert proc.returncode == 1
    assert "未填写“企业名称”" in proc.stdout
    assert "enterprise.yaml:" in proc.stdout


@pytest.mark.slow
def test_init_never_overwrites(tmp_path):
    assert run("init", str(tmp_path), "--type", "process").returncode == 0
    before = (tmp_path / "enterprise.yaml").read_bytes()
    proc = run("init", str(tmp_path), "--type", "discrete")
    assert proc.returncode == 2 and "不会覆盖" in proc.stderr
    assert (tmp_path / "enterprise.yaml").read_bytes() == before


@pytest.mark.slow
def test_yaml_syntax_error_exits_2_naming_the_line(tmp_path):
    (tmp_path / "enterprise.yaml").write_text("programme: wuhan-2025\ntype: discrete\nenterprise:\n  name: 甲\n   uscc: 1\n", encoding="utf-8")
    proc = run("check", str(tmp_path))
    no_traceback(proc)
    assert proc.returncode == 2
    assert "enterprise.yaml:5" in proc.stderr
    assert "YAML 格式错误" in proc.stderr


@pytest.mark.slow
def test_tab_indentation_is_named(tmp_path):
    (tmp_path / "enterprise.yaml").write_text("enterprise:\n\tname: 甲\n", encoding="utf-8")
    proc = run("check", str(tmp_path))
    assert proc.returncode == 2 and "enterprise.yaml:2" in proc.stderr and "Tab" in proc.stderr


@pytest.mark.slow
def test_alias_bomb_is_refused_quickly(tmp_path):
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]")
    (tmp_path / "enterprise.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    start = time.monotonic()
    proc = run("check", str(tmp_path))
    assert time.monotonic() - start < 10  # interpreter start included; the refusal itself is instant
    assert proc.returncode == 2
    assert "别名" in proc.stderr and "enterprise.yaml:2" in proc.stderr


@pytest.mark.slow
def test_gbk_file_is_named(tmp_path):
    (tmp_path / "enterprise.yaml").write_bytes("enterprise:\n  name: 武汉光芯\n".encode("gbk"))
    proc = run("check", str(tmp_path))
    no_traceback(proc)
    assert proc.returncode == 2 and "GBK" in proc.stderr and "UTF-8" in proc.stderr


@pytest.mark.slow
def test_missing_project_exits_2(tmp_path):
    proc = run("check", str(tmp_path / "nowhere"))
    assert proc.returncode == 2 and "不存在" in proc.stderr
    proc = run("check", str(tmp_path))
    assert proc.returncode == 2 and "找不到文件" in proc.stderr


@pytest.mark.slow
def test_unknown_key_suggests_the_right_one(project):
    root = project(lambda d: d["enterprise"].update(registerd_address="武汉"))
    proc = run("check", str(root))
    assert proc.returncode == 1
    assert "未知的键“registerd_address”，是否想写“registered_address”？" in proc.stdout


@pytest.mark.slow
@pytest.mark.parametrize("bad", ["../外部/合同.pdf", "/etc/passwd", "C:\\Users\\合同.pdf", "evidence/../../x.pdf"])
def test_path_escaping_the_project_exits_2(project, bad):
    root = project(lambda d: d["investments"][0]["evidence"].update(contract=[bad]), evidence=False)
    proc = run("check", str(root))
    no_traceback(proc)
    assert proc.returncode == 2
    assert "enterprise.yaml:" in proc.stderr and bad in proc.stderr


@pytest.mark.slow
def test_symlink_leading_out_exits_2(project, tmp_path):
    root = project()
    outside = tmp_path / "outside.pdf"
    tiny_pdf(outside)
    target = root / "evidence" / "A-01" / "合同.pdf"
    target.unlink()
    target.symlink_to(outside)
    proc = run("check", str(root))
    assert proc.returncode == 2 and "之外的链接" in proc.stderr


@pytest.mark.slow
def test_windows_paths_and_nfd_names_are_found(project):
    def mutate(data):
        data["investments"][0]["evidence"]["contract"] = ["evidence\\A-01\\合同.pdf"]

    root = project(mutate)
    # Store one file under its NFD name, as a Mac would.
    nfc = root / "evidence" / "A-02" / "发票.pdf"
    name = "évidence-发票.pdf"
    nfd_path = nfc.parent / unicodedata.normalize("NFD", name)
    nfc.rename(nfd_path)
    data = valid_application()
    data["investments"][0]["evidence"]["contract"] = ["evidence\\A-01\\合同.pdf"]
    data["investments"][1]["evidence"]["invoice"] = [f"evidence/A-02/{unicodedata.normalize('NFC', name)}"]
    (root / "enterprise.yaml").write_text(dump_yaml(data), encoding="utf-8")
    proc = run("check", str(root), "--json")
    assert proc.returncode in (0, 1), proc.stderr
    findings = json.loads(proc.stdout)["findings"]
    # The fixture has no media files; what matters here is that every evidence file was found.
    assert not [f for f in findings if f["code"].startswith("I-EVIDENCE")]
    assert not [f for f in findings if f["severity"] == "error" and not f["code"].startswith("M-")]


@pytest.mark.slow
def test_inputs_are_never_modified(project):
    root = project()
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    run("check", str(root))
    after = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    assert {p: after[p] for p in before} == before
    # Anything new lives in the build folder, never beside the user's files.
    assert all(p.relative_to(root).parts[0] == "build" for p in set(after) - set(before))


@pytest.mark.parametrize("mtype", ["discrete", "process"])
def test_scaffold_matches_the_model(tmp_path, mtype):
    """Every key the scaffold writes is a key the model knows; only empty values are reported."""
    from dossier.check import check_project
    from dossier.scaffold import init_project

    init_project(tmp_path / "p", mtype)
    result = check_project(tmp_path / "p", media=False)
    assert result.folder.app is not None, [f.message for f in result.findings]
    assert result.folder.app.type == mtype
    kinds = {f.code for f in result.findings}
    assert not kinds & {"Y-UNKNOWN-KEY", "Y-SCHEMA", "Q-COUNT-UNKNOWN", "Q-COUNT-TYPE"}
    assert "R-REQUIRED" in kinds and "Q-COUNT-MISSING" in kinds
