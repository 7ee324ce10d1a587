"""``dossier media PATH...``: check item-9 files (photos, video, PPT, .txt summary)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from dossier.cli import handle_errors, main


@main.command("media")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="输出一个 JSON 对象，便于脚本处理。")
@click.option("--set", "as_set", is_flag=True, help="把这些文件当作完整的第 9 项材料，同时检查数量（3 张图片、1 个 PPT、1 个视频、1 份简介）。")
@click.option("--programme", default="wuhan-2025", show_default=True, help="遴选项目（决定限额）。")
@click.option("--quiet", "-q", is_flag=True, help="只输出错误、警告和提示的数量。")
@handle_errors
def media(paths: tuple[Path, ...], as_json: bool, as_set: bool, programme: str, quiet: bool = False) -> None:
    """检查第 9 项材料：图片（JPEG/PNG，每张不小于 1M）、视频（3 分钟以内）、PPT（.pptx）、文字简介（.txt，150 字以内）。

    PATH 可以是文件或文件夹。退出码：0 通过（可有警告），1 有错误，2 文件无法使用。
    """
    from rich.table import Table

    from dossier.cli.findings_table import STYLE, console, print_counts, print_findings
    from dossier.findings import exit_code
    from dossier.media import check_media_files, describe, limits_for_programme
    from dossier.media.kinds import KIND_LABEL

    from dossier.cli.progress import progress_display

    limits = limits_for_programme(programme)
    with progress_display(not (quiet or as_json)) as progress:
        result = check_media_files(paths, limits, as_set=as_set, progress=progress)
    findings = result.findings
    if as_json:
        click.echo(json.dumps({"programme": programme, **result.to_dict()}, ensure_ascii=False, indent=2))
    elif quiet:
        print_counts(findings)
    else:
        out = console()
        table = Table(title="第 9 项材料", title_justify="left")
        table.add_column("文件", overflow="fold")
        table.add_column("类型", no_wrap=True)
        table.add_column("概况", overflow="fold", min_width=30)
        table.add_column("结果", no_wrap=True)
        for r in result.reports:
            worst = min((f.severity for f in r.findings), key=["error", "warning", "info"].index, default=None)
            verdict = {"error": "错误", "warning": "警告"}.get(worst or "", "通过")
            style = STYLE.get(worst, "green") if worst != "info" else "green"
            table.add_row(r.file, KIND_LABEL[r.kind], describe(r), f"[{style}]{verdict}[/]")
        out.print(table)
        # Each message names its file; the table above lists the paths.
        print_findings(out, findings, where=lambda f: "")
    sys.exit(exit_code(findings))
