"""Paths written in enterprise.yaml or given on the command line: Windows separators and Unicode
normal forms are found; anything leading outside the project is refused in Chinese (exit 2)."""

from __future__ import annotations

import datetime as dt
import os
import unicodedata

import pytest
from conftest import dump_yaml, tiny_pdf, valid_application
from hostile.hostile_util import assert_refused, files_under, run_cli, snapshot, tally

from dossier.check import check_project
from dossier.util.errors import InputError

TODAY = dt.date(2025, 10, 15)
CONTRACT = ("investments", 0, "evidence", "contract")


def _with_contract(project, rel: str):
    """The valid project (all its evidence on disk), with row A-01's contract written as ``rel``."""
    root = project()
    data = valid_application()
    data["investments"][0]["evidence"]["contract"] = [rel]
    (root / "enterprise.yaml").write_text(dump_yaml(data), "utf-8")
    return root


ESCAPES = {
    "dotdot": ("../outside.pdf", "之外"),
    "dotdot_deep": ("evidence/../../../etc/passwd", "之外"),
    "dotdot_backslash": ("evidence\\..\\..\\outside.pdf", "之外"),
    "absolute": ("/etc/passwd", "绝对路径"),
    "drive": ("C:\\Windows\\system32\\calc.pdf", "绝对路径"),
    "drive_relative": ("C:evil.pdf", "绝对路径"),
    "unc": ("\\\\server\\share\\合同.pdf", "绝对路径"),
    "nul": ("evidence/合同\x00.pdf", "控制字符"),
    "newline": ("evidence/合\n同.pdf", "控制字符"),
    "too_long": ("evidence/" + "长" * 200 + ".pdf", "过长"),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(ESCAPES))
def test_escaping_paths_are_refused(project, case):
    rel, word = ESCAPES[case]
    root = _with_contract(project, rel)
    before = snapshot(root)
    res = run_cli("check", root)
    tally("path")
    assert_refused(res, "enterprise.yaml", word)
    assert snapshot(root) == before  # no report, nothing touched


@pytest.mark.slow
def test_symlink_out_of_the_project_is_refused(project, tmp_path):
    outside = tmp_path / "secret.pdf"
    tiny_pdf(outside)
    root = _with_contract(project, "evidence/link.pdf")
    (root / "evidence" / "link.pdf").symlink_to(outside)
    tally("path")
    assert_refused(run_cli("check", root, "--no-report"), "enterprise.yaml", "链接")


@pytest.mark.slow
def test_symlinked_folder_out_of_the_project_is_refused(project, tmp_path):
    (tmp_path / "elsewhere").mkdir()
    tiny_pdf(tmp_path / "elsewhere" / "合同.pdf")
    root = _with_contract(project, "evidence/外部/合同.pdf")
    (root / "evidence" / "外部").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    tally("path")
    assert_refused(run_cli("check", root, "--no-report"), "enterprise.yaml", "链接")


def test_symlink_loop_is_refused(project):
    root = _with_contract(project, "evidence/loop/合同.pdf")
    os.symlink("loop", root / "evidence" / "loop")
    tally("path")
    with pytest.raises(InputError) as err:
        check_project(root, media=False, today=TODAY)
    assert "循环" in err.value.render() and err.value.line


def test_symlink_inside_the_project_is_followed(project):
    root = _with_contract(project, "evidence/别名.pdf")
    (root / "evidence" / "别名.pdf").symlink_to(root / "evidence" / "A-01" / "合同.pdf")
    tally("path")
    assert check_project(root, media=False, today=TODAY).exit_code == 0


FOUND = {
    "windows_separators": "evidence\\A-01\\合同.pdf",
    "dot_prefix": ".\\evidence\\A-01\\合同.pdf",
    "double_slash": "evidence//A-01/./合同.pdf",
    "inner_dotdot": "evidence/A-02/../A-01/合同.pdf",
    "spaces_around": "  evidence/A-01/合同.pdf ",
}


@pytest.mark.parametrize("case", sorted(FOUND))
def test_harmless_spellings_find_the_file(project, case):
    root = _with_contract(project, FOUND[case])
    tally("path")
    result = check_project(root, media=False, today=TODAY)
    assert result.exit_code == 0, [f.message for f in result.findings if f.severity == "error"]


@pytest.mark.parametrize(("on_disk", "in_yaml"), [("NFD", "NFC"), ("NFC", "NFD")])
def test_unicode_normal_forms_find_the_file(project, on_disk, in_yaml):
    name = "evidence/Café-合同-가.pdf"  # é and 가 differ between NFC and NFD
    root = _with_contract(project, unicodedata.normalize(in_yaml, name))
    tiny_pdf(root / unicodedata.normalize(on_disk, name))
    tally("path")
    result = check_project(root, media=False, today=TODAY)
    assert result.exit_code == 0, [f.message for f in result.findings if f.severity == "error"]


@pytest.mark.slow
def test_output_under_a_file_is_refused_naming_it(tmp_path):
    from bind_make import make_pdf

    good = make_pdf(tmp_path / "好的.pdf", [{}])
    blocker = tmp_path / "占位.txt"
    blocker.write_text("x", "utf-8")
    before = snapshot(tmp_path)
    res = run_cli("bind", good, "-o", blocker / "卷.pdf")
    tally("path")
    assert_refused(res, "占位.txt")
    assert snapshot(tmp_path) == before


@pytest.mark.slow
def test_build_output_inside_evidence_is_refused(project):
    root = project()
    before = snapshot(root)
    res = run_cli("build", root, "--force", "-o", root / "evidence" / "out")
    tally("path")
    assert_refused(res, "evidence", "evidence/")
    assert snapshot(root) == before and files_under(root / "evidence" / "out") == []
