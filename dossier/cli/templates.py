"""``dossier templates lint [DIR]``: variables a template uses that the context lacks, Jinja syntax errors."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from dossier.cli import handle_errors, main


@main.group()
def templates() -> None:
    """文书模板（templates/*.docx）相关命令。"""


@templates.command("lint")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@handle_errors
def lint(directory: Path | None) -> None:
    """检查模板：列出模板中无法填充的变量和 Jinja 语法错误。给出项目文件夹时检查该项目实际使用的模板。退出码：0 无问题，1 有问题。"""
    from dossier.lint import lint_templates

    problems = lint_templates(directory)
    for p in problems:
        click.echo(p.render())
    if problems:
        click.echo(f"共 {len(problems)} 个问题。", err=True)
        sys.exit(1)
    click.echo("模板检查通过：所有变量都能填充，没有语法错误。")
