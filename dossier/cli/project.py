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
# -- HTML report (issue 6) --------------------------------------------------------------------
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="HTML 报告的位置（默认：项目下的 build/report.html）")
@click.option("--no-report", is_flag=True, help="不生成 HTML 报告")
@click.option("--open", "open_report", is_flag=True, help="生成后用浏览器打开 HTML 报告")
# ---------------------------------------------------------------------------------------------
@handle_errors
def check(directory: Path, as_json: bool, quiet: bool, report_path: Path | None, no_report: bool, open_report: bool) -> None:
    """检查项目是否符合通知的各项要求，并生成 HTML 报告。退出码：0 无错误，1 有错误，2 输入无法使用。"""
    from dossier.check import check_project
    from dossier.cli.output import print_findings

    result = check_project(directory)
    # -- HTML report (issue 6) ---------------------------------------------------------------
    written = None
    if not no_report:
        from dossier.report import write_project_report

        written = write_project_report(result, report_path)
    # -----------------------------------------------------------------------------------------
    if as_json:
        data = result.to_json()
        data["report"] = str(written) if written else None
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    else:
        print_findings(result, quiet=quiet)
        if written and not quiet:
            click.echo(f"报告：{written}")
    if written and open_report:
        from dossier.cli.browser import open_file

        open_file(written)
    sys.exit(result.exit_code)
