"""Verbs about a project folder: ``init`` and ``check``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from dossier.application import DEFAULT_PROGRAMME
from dossier.cli import main
from dossier.cli.common import Ui, common_options, envelope, project_argument


@main.command()
@project_argument()
@click.option("--type", "mtype", type=click.Choice(["discrete", "process"]), required=True, help="离散型 discrete / 流程型 process")
@click.option("--programme", default=DEFAULT_PROGRAMME, show_default=True, metavar="项目代号", help="遴选项目")
@common_options
def init(directory: Path, mtype: str, programme: str, ui: Ui) -> None:
    """生成项目文件夹模板：enterprise.yaml（带中文注释）、evidence/、media/。"""
    from dossier.scaffold import init_project

    written = init_project(directory, mtype, programme)
    if ui.json:
        ui.emit(envelope("init", 0, [], written=str(written)))
        return
    ui.echo(f"已生成项目模板：{written}")
    if not ui.quiet:
        ui.echo("下一步：按注释填写 enterprise.yaml，把佐证材料放入 evidence/、媒体文件放入 media/，然后运行 dossier check。")


@main.command()
@project_argument()
# -- HTML report (issue 6) --------------------------------------------------------------------
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path), default=None, metavar="文件",
              help="HTML 报告的位置（默认：项目下的 build/report.html）")
@click.option("--no-report", is_flag=True, help="不生成 HTML 报告")
@click.option("--open", "open_report", is_flag=True, help="生成后用浏览器打开 HTML 报告")
# ---------------------------------------------------------------------------------------------
@common_options
def check(directory: Path, report_path: Path | None, no_report: bool, open_report: bool, ui: Ui) -> None:
    """检查项目是否符合通知的各项要求，并生成 HTML 报告。退出码：0 无错误，1 有错误，2 输入无法使用。"""
    from dossier.cli.output import check_heading, print_check, print_checked

    if no_report:  # nothing but what is printed: a check of an unchanged project is remembered
        import gc

        from dossier.remembered_check import checked

        # This process checks one project, prints and exits: the cycle collector's ~40 passes over
        # what a check after an edit builds were ~3 % of it, and what they would free, exiting frees.
        gc.disable()

        summary = checked(directory, check_heading)
        if ui.json:
            ui.emit(envelope("check", summary.exit_code, summary.findings, **summary.data, report=None))
        else:
            print_checked(ui, summary.heading, summary.findings)
        sys.exit(summary.exit_code)
    from dossier.check import check_project

    result = check_project(directory)
    # -- HTML report (issue 6) ---------------------------------------------------------------
    from dossier.html_report import write_project_report

    written = write_project_report(result, report_path)
    # -----------------------------------------------------------------------------------------
    if ui.json:
        data = result.to_json()
        ui.emit(envelope("check", result.exit_code, result.findings, **data, report=str(written) if written else None))
    else:
        print_check(ui, result)
        if written and not ui.quiet:
            ui.echo(f"报告：{written}")
    if written and open_report:
        from dossier.cli.browser import open_file

        open_file(written)
    sys.exit(result.exit_code)
