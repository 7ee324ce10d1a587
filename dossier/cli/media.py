"""``dossier media PATH...``: check item-9 files (photos, video, PPT, .txt summary)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from dossier.application.programme import DEFAULT_PROGRAMME
from dossier.cli import main
from dossier.cli.common import Ui, common_options, envelope


@main.command("media")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="路径...")
@click.option("--set", "as_set", is_flag=True, help="把这些文件当作完整的第 9 项材料，同时检查数量（按遴选项目的规定；wuhan-2025：3 张图片、1 个 PPT、1 个视频、1 份简介）。")
@click.option("--programme", default=DEFAULT_PROGRAMME, show_default=True, metavar="项目代号", help="遴选项目（决定限额）。")
@common_options
def media(paths: tuple[Path, ...], as_set: bool, programme: str, ui: Ui) -> None:
    """检查第 9 项材料：图片（JPEG/PNG）、视频、PPT（.pptx）、文字简介（.txt），限额按 --programme 的规定
    （wuhan-2025：图片每张不小于 1M，视频 3 分钟以内，简介 150 字以内）。

    路径可以是文件或文件夹。退出码：0 通过（可有警告），1 有错误，2 文件无法使用。
    """
    from dossier.media_inspection import check_media_files, describe, limits_for_programme
    from dossier.media_inspection.kinds import KIND_LABEL
    from dossier.util.findings import exit_code

    from dossier.cli.progress import progress_display

    limits = limits_for_programme(programme)
    with progress_display(not (ui.quiet or ui.json)) as progress:
        result = check_media_files(paths, limits, as_set=as_set, progress=progress)
    findings = result.findings
    code = exit_code(findings)
    if ui.json:
        data = result.to_dict()
        data.pop("set_findings", None)
        ui.emit(envelope("media", code, findings, programme=programme, **data))
    else:
        if not ui.quiet:
            from rich.table import Table
            from rich.text import Text

            from dossier.cli.common import STYLE

            table = Table(title="第 9 项材料", title_justify="left")
            table.add_column("文件", overflow="fold")
            table.add_column("类型", no_wrap=True)
            table.add_column("概况", overflow="fold")
            table.add_column("结果", no_wrap=True)
            for r in result.reports:
                worst = min((f.severity for f in r.findings), key=["error", "warning", "info"].index, default=None)
                verdict = {"error": "错误", "warning": "警告"}.get(worst or "", "通过")
                style = STYLE.get(worst, "green") if worst != "info" else "green"
                table.add_row(Text(r.file), Text(KIND_LABEL[r.kind]), Text(describe(r)), Text(verdict, style=style))
            ui.console().print(table)
        ui.print_findings(findings)
    sys.exit(code)
