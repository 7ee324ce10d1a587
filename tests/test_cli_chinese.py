"""click speaks Chinese: every verb's ``--help`` and click's common errors carry no English of click's,
help columns line up by display width, and every verb follows the one option convention."""

from __future__ import annotations

import re

import click
import pytest
from click.testing import CliRunner

from dossier.cli import main
from dossier.cli.i18n import width

# click's own words, as they would appear untranslated.
ENGLISH = [
    "Usage", "Options", "Commands", "Show this message", "Show the version", "required", "default:", "env var",
    "[OPTIONS]", "COMMAND", "ARGS", "TEXT", "INTEGER", "PATH", "DIRECTORY", "FILE", "RANGE", "Error", "Try ",
    "Missing", "No such", "Invalid value", "is not", "Did you mean", "does not exist", "Got unexpected",
]


def verbs(group: click.Group = main, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = [prefix]
    for name, cmd in sorted(group.commands.items()):
        if isinstance(cmd, click.Group):
            out += verbs(cmd, prefix + (name,))
        else:
            out.append(prefix + (name,))
    return out


ALL = verbs()
LEAVES = [v for v in ALL if v and not isinstance(main.get_command(click.Context(main), v[0]), click.Group) or len(v) > 1]


def english_in(text: str) -> list[str]:
    return [w for w in ENGLISH if w in text]


@pytest.mark.parametrize("verb", ALL, ids=lambda v: " ".join(v) or "dossier")
def test_help_is_chinese_and_aligned(verb):
    result = CliRunner().invoke(main, [*verb, "--help"], terminal_width=80)
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.startswith("用法：dossier"), text
    assert not english_in(text), (english_in(text), text)
    # Options and commands: the descriptions of one list start in the same display column.
    rows = [ln for ln in text.splitlines() if re.match(r"^  \S.*\S  +\S", ln)]
    starts = {width(m.group(1)) for ln in rows if (m := re.match(r"^(  \S.*?\S  +)\S", ln))}
    assert len(starts) <= 2, (starts, text)  # options and the command list of a group
    assert all(width(ln) <= 80 for ln in text.splitlines()), text


@pytest.mark.parametrize("verb", [v for v in LEAVES if v], ids=" ".join)
def test_every_verb_has_the_common_options(verb):
    text = CliRunner().invoke(main, [*verb, "--help"]).stdout
    for option in ("--json", "-q, --quiet", "-v, --verbose", "--color [auto|always|never]"):
        assert option in text, (option, text)
    # --out is accepted where there is -o/--output, but not shown.
    assert "--out " not in text and "--out," not in text


@pytest.mark.parametrize(
    "args, expected",
    [
        (["bind"], "缺少参数"),
        (["check", "--bogus"], "没有选项“--bogus”"),
        (["bind", "a.pdf", "-o", "v.pdf", "--seal-group", "x"], "不是有效的整数"),
        (["bind", "a.pdf", "-o", "v.pdf", "--seal-group", "0"], "不在范围"),
        (["check", "--color", "pink"], "不在可选值"),
        (["nope"], "没有命令“nope”"),
        (["check", "a", "b"], "多出了参数"),
        (["bind", "a.pdf", "-o"], "后面要跟一个值"),
    ],
)
def test_click_errors_are_chinese(args, expected):
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert expected in result.stderr, result.stderr
    assert result.stderr.splitlines()[-1].startswith("错误：")
    assert not english_in(result.stderr), (english_in(result.stderr), result.stderr)


def test_version():
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0 and re.fullmatch(r"dossier \d+\.\d+\.\d+\S*\n", result.stdout)


@pytest.mark.slow
def test_hidden_out_alias_still_works(tmp_path):
    import pikepdf

    doc = pikepdf.new()
    doc.add_blank_page()
    doc.save(tmp_path / "a.pdf")
    result = CliRunner().invoke(main, ["bind", str(tmp_path / "a.pdf"), "--out", str(tmp_path / "v.pdf"), "-q"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "v.pdf").is_file()


def test_directory_defaults_to_cwd_and_accepts_enterprise_yaml(tmp_path, monkeypatch):
    CliRunner().invoke(main, ["init", str(tmp_path / "p"), "--type", "discrete"])
    monkeypatch.chdir(tmp_path / "p")
    here = CliRunner().invoke(main, ["check", "--no-report", "-q"])
    monkeypatch.chdir(tmp_path)
    named = CliRunner().invoke(main, ["check", "p/enterprise.yaml", "--no-report", "-q"])
    assert here.exit_code == named.exit_code == 1
    assert here.stdout == named.stdout and "还有" in here.stdout


def test_no_verb_shows_the_help():
    result = CliRunner().invoke(main, [])
    assert result.stderr.startswith("用法：dossier") and "命令：" in result.stderr
    assert "错误" not in result.stderr and not english_in(result.stderr)


def test_a_damaged_pdf_gets_a_chinese_finding_and_no_english_library_note(tmp_path):
    """pypdf logs "EOF marker not found" for a cut-off PDF; the user reads dossier's Chinese finding only."""
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    sample = Path(__file__).resolve().parent.parent / "samples" / "guangxin-optics"
    root = tmp_path / "p"
    shutil.copytree(sample, root, ignore=shutil.ignore_patterns("build"))
    invoice = root / "evidence" / "A02" / "发票.pdf"
    invoice.write_bytes(invoice.read_bytes()[:3000])
    run = subprocess.run([sys.executable, "-m", "dossier", "check", str(root), "--no-report"], capture_output=True,
                         text=True, timeout=120, env={**__import__("os").environ, "DOSSIER_CACHE_DIR": str(tmp_path / "c")})
    assert run.returncode == 1, run.stdout + run.stderr
    assert "evidence/A02/发票.pdf”无法作为 PDF 打开" in run.stdout
    assert run.stderr == "", run.stderr
