"""``dossier package``: the email bundle (stamped scan + materials item 9)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from dossier.cli import main
from dossier.cli.common import Ui, common_options, envelope, output_option, project_argument


@main.command("package")
@project_argument()
@click.option("--scan", "scan", required=True, type=click.Path(dir_okay=False, path_type=Path), metavar="文件",
              help="盖章后的扫描件 PDF")
@output_option("输出文件夹（默认：项目下的 build/package）")
@common_options
def package(directory: Path, scan: Path, out: Path | None, ui: Ui) -> None:
    """打包以区为单位报送的电子材料：盖章扫描件 + 简介、典型图片、PPT、视频。"""
    from dossier.cli.progress import progress_display
    from dossier.package import package_project
    from dossier.util.findings import exit_code

    with progress_display(not (ui.quiet or ui.json)) as progress:
        result = package_project(directory, scan, out, progress=progress)
    code = exit_code(result.findings)
    if ui.json:
        ui.emit(envelope("package", code, result.findings, **result.to_json()))
    else:
        ui.echo(f"已生成邮件附件：{result.folder}")
        if not ui.quiet:
            for f in result.files:
                ui.echo(f"  {f['name']}  {f['bytes'] / 1024 / 1024:.2f} MB")
        ui.echo(f"压缩包：{result.zip_path}（合计 {result.total_bytes / 1024 / 1024:.2f} MB，发送至 {result.mailbox}）")
        ui.print_findings(result.findings, summary=bool(result.findings))
        if code:
            ui.echo("存在错误，不建议发送。")
    sys.exit(exit_code(result.findings))
