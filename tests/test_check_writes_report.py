"""``dossier check`` writes the HTML report (default ``DIR/build/report.html``), ``--report``
moves it, ``--no-report`` skips it, ``--open`` hands it to the browser, never into inputs."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys

import pytest

from conftest import valid_application, write_project


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dossier", *args], capture_output=True, text=True, timeout=120,
        env={**os.environ, "DOSSIER_DEBUG": "", **(env or {})},
    )


@pytest.mark.slow
def test_default_report_lands_in_the_build_folder(tmp_path):
    root = write_project(tmp_path / "p", valid_application())
    proc = run("check", str(root))
    assert proc.returncode == 1  # the fixture has no media files
    report = root / "build" / "report.html"
    assert f"报告：{report}" in proc.stdout
    html = report.read_text("utf-8")
    assert "武汉光芯测试科技有限公司" in html and "找不到媒体文件" in html


@pytest.mark.slow
def test_report_option_json_and_no_report(tmp_path):
    root = write_project(tmp_path / "p", valid_application())
    target = tmp_path / "elsewhere" / "r.html"
    proc = run("check", str(root), "--json", "--report", str(target))
    assert json.loads(proc.stdout)["report"] == str(target)
    assert target.is_file() and not (root / "build").exists()
    proc = run("check", str(root), "--json", "--no-report")
    assert json.loads(proc.stdout)["report"] is None
    assert not (root / "build").exists()


@pytest.mark.slow
def test_report_into_evidence_is_refused(tmp_path):
    root = write_project(tmp_path / "p", valid_application())
    proc = run("check", str(root), "--report", str(root / "evidence" / "r.html"))
    assert proc.returncode == 2
    assert "报告不能位于项目的 evidence/ 中" in proc.stderr and "Traceback" not in proc.stderr
    assert not (root / "evidence" / "r.html").exists()


@pytest.mark.slow
def test_open_hands_the_report_to_the_browser(tmp_path):
    root = write_project(tmp_path / "p", valid_application())
    seen = tmp_path / "opened.txt"
    browser = tmp_path / "browser.sh"
    browser.write_text(f'#!/bin/sh\necho "$1" > "{seen}"\n')
    browser.chmod(browser.stat().st_mode | stat.S_IXUSR)
    proc = run("check", str(root), "--open", "-q", env={"BROWSER": str(browser)})
    assert proc.returncode == 1, proc.stderr
    assert seen.read_text().strip() == (root / "build" / "report.html").resolve().as_uri()


@pytest.mark.slow
def test_a_report_path_through_a_file_is_an_os_error_in_json(tmp_path):
    root = write_project(tmp_path / "p", valid_application())
    (tmp_path / "afile").write_text("不是文件夹", encoding="utf-8")
    proc = run("check", str(root), "--json", "--report", str(tmp_path / "afile" / "r.html"))
    data = json.loads(proc.stdout)
    assert proc.returncode == data["exit_code"] == 2
    (err,) = [f for f in data["findings"] if f["code"] == "E-OS"]
    assert err["severity"] == "error" and "不是文件夹" in err["message"]
