"""``dossier templates lint [DIR]``: variables a template uses that the context lacks, Jinja syntax errors."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from dossier.cli import main
from dossier.cli.common import Ui, common_options, envelope
from dossier.cli.i18n import Group


@main.group(cls=Group)
def templates() -> None:
    """文书模板（templates/*.docx）相关命令。

    内置模板由 dossier 源码中 templates/src/ 的脚本生成，请勿直接修改（重新生成时会被覆盖）；
    需要区里的官方表样时，把同名 .docx 放入项目文件夹的 templates/ 中，只覆盖该项目。
    """


@templates.command("lint")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path), metavar="[项目文件夹]")
@common_options
def lint(directory: Path | None, ui: Ui) -> None:
    """检查模板：列出模板中无法填充的变量和 Jinja 语法错误。给出项目文件夹时检查该项目实际使用的模板。退出码：0 无问题，1 有问题，2 文件夹无法使用。"""
    from dossier.lint import lint_templates
    from dossier.util.errors import InputError
    from dossier.util.findings import Finding

    if directory is not None:
        if directory.name == "enterprise.yaml":
            directory = directory.parent
        if not directory.is_dir():
            raise InputError("项目文件夹不存在", file=str(directory), hint="请给出含 enterprise.yaml 的文件夹路径；不给路径时检查内置模板。")
    problems = lint_templates(directory)
    findings = [
        Finding(f"T-{p.kind.upper()}", "error", p.message + (f"（所在段落：“{p.paragraph[:120]}”）" if p.paragraph else ""),
                file=p.template)
        for p in problems
    ]
    code = 1 if problems else 0
    if ui.json:
        ui.emit(envelope("templates lint", code, findings))
        sys.exit(code)
    if not ui.quiet:
        for p in problems:
            ui.echo(p.render())
    if problems:
        click.echo(f"共 {len(problems)} 个问题。", err=True)
        sys.exit(1)
    ui.echo("模板检查通过：所有变量都能填充，没有语法错误。")
