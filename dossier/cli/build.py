"""``dossier build [DIR] [-o OUT] [--force] [--json]``: the documents as .docx and PDF."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from dossier.cli import main
from dossier.cli.common import Ui, common_options, envelope, output_option, project_argument, relative_to_cwd


@main.command()
@project_argument()
@output_option("输出文件夹（默认：项目下的 build/）")
@click.option("--force", is_flag=True, help="检查有错误时仍然生成，每页标注“草稿”")
@click.option("--duplex", is_flag=True, help="按双面打印装订：骑缝章只印在每张纸的正面（奇数页）")
@click.option("--seal-group", type=click.IntRange(1, 500), default=None, help="每枚骑缝章覆盖的纸张数（默认 20）")
@common_options
def build(directory: Path, out: Path | None, force: bool, duplex: bool, seal_group: int | None, ui: Ui) -> None:
    """先检查，再生成申请报告和附件（Word 与 PDF）。退出码：0 已生成，1 检查有错误未生成，2 输入或工具无法使用。"""
    if (directory / "enterprise.yaml").is_file():
        from dossier.documents.kept_office import warm_up

        warm_up(directory)  # LibreOffice starts while the rest of dossier is imported (~0.4 s), not after
    from dossier.build import build_project
    from dossier.cli.output import print_check
    from dossier.cli.progress import progress_display

    with progress_display(not (ui.quiet or ui.json)) as progress:
        result = build_project(directory, out, force=force, duplex=duplex, seal_group=seal_group, progress=progress)
    if ui.json:
        manifest = result.manifest_data  # as written to manifest.json, not read back
        ui.emit(envelope(
            "build", result.exit_code, result.findings, refused=result.refused, draft=result.draft, out=str(result.out),
            converted=result.converted, cached=result.cached, manifest_file=str(result.manifest) if result.manifest else None,
            volume=str(result.volume) if result.volume else None, reminders=list(result.bind_warnings), manifest=manifest,
        ))
        sys.exit(result.exit_code)
    if result.refused:
        print_check(ui, result.check)
        click.echo("检查发现错误，未生成文书。请修改后重新运行；如只需查看效果，可加 --force 生成标注“草稿”的文书。", err=True)
        sys.exit(result.exit_code)
    if result.draft:
        click.echo("注意：检查仍有错误，本次生成的文书每页都标注了“草稿”，不能用于正式申报。", err=True)
    shown = os.path.relpath(result.out)
    if not ui.quiet:
        for d in result.documents:
            ui.echo(f"  {os.path.relpath(d.pdf)}")
    for f in result.mismatches:
        click.echo(f"错误：{f.message}", err=True)
    ui.reminders(result.bind_warnings, rebase=relative_to_cwd(result.out))
    if result.volume is not None and result.binding is not None and not ui.quiet:
        b = result.binding
        if result.report is not None:
            ui.echo(f"报告：{os.path.relpath(result.report)}")
        ui.echo(
            f"装订本：{os.path.relpath(result.volume)}（{b.page_count} 页，{b.sheets} 张纸，"
            f"骑缝章 {len(b.seal_groups)} 组）；盖章指引：{os.path.relpath(result.guide) if result.guide else '无'}"
        )
    ui.echo(
        f"已生成 {len(result.documents)} 份文书（转换 {result.converted} 份，缓存复用 {result.cached} 份）："
        f"{shown}；清单：{result.manifest.name if result.manifest else '无'}"
    )
    sys.exit(result.exit_code)
