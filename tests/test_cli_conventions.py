"""The shared output conventions: grep-able lines off a terminal, grouped reminders on stderr with
paths from the current folder, forgiving numbers, templates lint on a missing folder, a first run."""

from __future__ import annotations

import os

import pytest
from click.testing import CliRunner

from dossier.application.load import read_number
from dossier.cli import main
from dossier.cli.common import group_reminders, plain_line, relative_to_cwd
from dossier.util.findings import Finding


def test_plain_line_is_file_line_code_message():
    f = Finding("R-REQUIRED", "error", "未填写“企业名称”", file="enterprise.yaml", line=27)
    assert plain_line(f) == "enterprise.yaml:27: R-REQUIRED 错误：未填写“企业名称”"
    assert plain_line(Finding("S-PAGE-BLANK", "error", "空白", file="扫描件.pdf", page=3)) == "扫描件.pdf:第3页: S-PAGE-BLANK 错误：空白"
    assert plain_line(Finding("C-BINDING", "info", "装订成册")) == "C-BINDING 提示：装订成册"


def test_reminders_sharing_a_sentence_are_one_line(tmp_path, monkeypatch):
    sentence = "骑缝章切片（页面右边缘）会压住页面内容，盖章前请确认不影响辨认，或把该材料留出右边距后重新导出。"
    warnings = [f"../p/evidence/A-{i:02d}/合同.pdf 第 1–3 页：{sentence}" for i in range(1, 34)] + ["「附件」没有任何页面，未列入目录和书签。"]
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.chdir(tmp_path)
    lines = group_reminders(warnings, rebase=relative_to_cwd(out))
    assert len(lines) == 2
    assert lines[0].startswith(f"33 份材料：{sentence}\n    p/evidence/ 下：A-01/合同.pdf（第 1–3 页）、A-02/合同.pdf")
    assert lines[1] == "「附件」没有任何页面，未列入目录和书签。"
    assert group_reminders([f"a.pdf 第 2 页：{sentence}"]) == [f"a.pdf（第 2 页）：{sentence}"]
    # Outside the current folder: the absolute path, not a chain of "../".
    assert relative_to_cwd(out)("../../x/y.pdf") == os.path.abspath(tmp_path.parent / "x" / "y.pdf")
    assert relative_to_cwd(out)("../p/a.pdf") == os.path.join("p", "a.pdf")


def test_check_off_a_terminal_prints_one_line_per_finding_in_file_order(tmp_path):
    CliRunner().invoke(main, ["init", str(tmp_path / "p"), "--type", "discrete"])
    result = CliRunner().invoke(main, ["check", str(tmp_path / "p"), "--no-report"])
    assert result.exit_code == 1
    lines = [ln for ln in result.stdout.splitlines() if ln.startswith("enterprise.yaml:")]
    numbers = [int(ln.split(":")[1]) for ln in lines]
    assert len(lines) > 50 and numbers == sorted(numbers)
    todo = [ln for ln in lines if " R-REQUIRED " in ln or " Q-COUNT-MISSING " in ln or " R-TABLE-EMPTY " in ln]
    last = result.stdout.splitlines()[-1]
    assert last.endswith(f"还有 {len(todo)} 项待填写（最先：第 {numbers[[i for i, ln in enumerate(lines) if ln in todo][0]]} 行）"), last


def test_forgiving_numbers_with_a_word(project):
    assert read_number("１２６０", money=False, integer=True) == ("1260", ["全角字符按半角读取"])
    assert read_number("1,234.5万", money=True, integer=False)[0] == "1234.5"
    assert read_number("1118.7万元", money=True, integer=False)[0] == "1118.7"
    assert read_number("1.2万", money=False, integer=True) is None  # 万 only where the unit is 万元
    assert read_number("12,34", money=True, integer=False) is None  # not a thousands grouping

    def mutate(data):
        data["enterprise"]["employees"] = "１２６０"
        data["enterprise"]["revenue_prev_year_wan"] = "12,345.6万元"
        data["enterprise"]["output_prev_year_wan"] = "很多"  # a type error ...
        data["enterprise"]["uscc"] = "123"  # ... does not hide this rule's finding
        data["investments"][0]["amount_wan"] = "11,18.7"  # a misplaced comma is an error, never 1118.7

    result = CliRunner().invoke(main, ["check", str(project(mutate)), "--no-report"])
    out = result.stdout
    assert "Y-NUMBER-READ 提示：enterprise.employees（从业人员数（人））：“１２６０”按 1260 读取" in out
    assert "“12,345.6万元”按 12345.6 读取" in out
    assert "Y-SCHEMA 错误：enterprise.output_prev_year_wan" in out
    assert "Y-SCHEMA 错误：investments[0].amount_wan" in out and "11,18.7”按" not in out
    assert "E-USCC" in out or "统一社会信用代码" in out.split("Y-SCHEMA")[0] + out.split("Y-SCHEMA")[1]
    assert "未填写“上年度工业总产值" not in out  # the schema finding already says it


def test_templates_lint_on_a_missing_folder_exits_2_in_chinese(tmp_path):
    result = CliRunner().invoke(main, ["templates", "lint", str(tmp_path / "no" / "such")])
    assert result.exit_code == 2
    assert "项目文件夹不存在" in result.stderr and "模板检查通过" not in result.output


@pytest.mark.slow
def test_no_forced_width(tmp_path, project):
    """On an 80-column terminal no line of check's output is wider than 80 columns."""
    import re

    from dossier.cli.i18n import width

    CliRunner().invoke(main, ["init", str(tmp_path / "new"), "--type", "process"])
    for root in (project(), tmp_path / "new"):
        result = CliRunner().invoke(main, ["check", str(root), "--no-report", "--color", "always", "-v"],
                                    env={"COLUMNS": "80"})
        text = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout)
        assert "依据：" in text and "共 " in text
        assert max(width(ln.rstrip()) for ln in text.splitlines()) <= 80, text


def test_a_closed_pipe_is_not_an_error(capsys):
    """``dossier check | head -1``: the reader leaves early; exit 1 quietly, no "读写失败" message."""
    import pytest

    from dossier.cli.common import Ui, run_guarded

    def verb():
        raise BrokenPipeError(32, "Broken pipe")

    with pytest.raises(SystemExit) as done:
        run_guarded(Ui(verb="check"), verb)
    assert done.value.code == 1
    assert capsys.readouterr().err == ""


def test_color_choice_and_no_color(monkeypatch):
    from dossier.cli.common import Ui

    monkeypatch.delenv("NO_COLOR", raising=False)
    assert Ui("check", color="always").console().is_terminal and not Ui("check", color="always").console().no_color
    assert Ui("check", color="never").console().no_color
    assert not Ui("check").console().no_color
    monkeypatch.setenv("NO_COLOR", "1")
    assert Ui("check").console().no_color  # auto honours NO_COLOR
    result = CliRunner().invoke(main, ["check", "--no-report", "--color", "always", "nope"])
    assert "\x1b[" not in result.stderr  # an error message is plain text


def test_a_wrong_value_in_a_list_item_keeps_the_list(project):
    """investments[1].quantity is not a number: that row's field is reported, the table is not empty,
    and the rules about the other rows still run."""
    from dossier.check import check_project

    def mutate(data):
        data["investments"][1]["quantity"] = "两台"
        data["investments"][2]["supplier_uscc"] = "123"  # a rule's finding in another row

    result = check_project(project(mutate), media=False)
    codes = {f.code for f in result.findings}
    assert "Y-SCHEMA" in codes and "R-TABLE-EMPTY" not in codes
    schema = next(f for f in result.findings if f.code == "Y-SCHEMA")
    assert schema.message == "investments[1].quantity（数量）：应填写数字"
    assert "I-SUPPLIER-USCC" in codes  # a rule about another row still ran
    assert result.figures is not None  # the totals are computed
