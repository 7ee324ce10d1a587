"""Verbs about a project folder: ``init`` and ``check``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from dossier.cli import handle_errors, main


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--type", "mtype", type=click.Choice(["discrete", "process"]), required=True, help="离散型 discrete / 流程型 process")
@click.option("--programme", default="wuhan-2025", show_default=True, help="遴选项目")
@handle_errors
def init(directory: Path, mtype: str, programme: str) -> None:
    """生成项目文件夹模板：enterprise.yaml（带中文注释）、evidence/、media/。"""
    from dossier.scaffold import init_project

    written = init_project(directory, mtype, programme)
    click.echo(f"已生成项目模板：{written}")
    click.echo("下一步：按注释填写 enterprise.yaml，把佐证材料放入 evidence/、媒体文件放入 media/，然后运行 dossier check。")


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="输出一个 JSON 对象")
@click.option("--quiet", "-q", is_flag=True, help="只输出错误和警告的数量")
@handle_errors
def check(directory: Path, as_json: bool, quiet: bool) -> None:
    """检查项目是否符合通知的各项要求。退出码：0 无错误，1 有错误，2 输入无法使用。"""
    from dossier.check import check_project
    from dossier.cli.output import print_findings

    result = check_project(directory)
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2, default=str))
    else:
        print_findings(result, quiet=quiet)
    sys.exit(result.exit_code)
