"""``dossier package``: the email bundle (stamped scan + materials item 9)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from dossier.cli import handle_errors, main


@main.command("package")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--scan", "scan", required=True, type=click.Path(dir_okay=False, path_type=Path), help="盖章后的扫描件 PDF")
@click.option("-o", "--output", "out", type=click.Path(file_okay=False, path_type=Path), help="输出文件夹（默认 DIR/build/package）")
@click.option("--json", "as_json", is_flag=True, help="输出一个 JSON 对象")
@click.option("--quiet", "-q", is_flag=True, help="不显示进度。")
@handle_errors
def package(directory: Path, scan: Path, out: Path | None, as_json: bool, quiet: bool = False) -> None:
    """打包以区为单位报送的电子材料：盖章扫描件 + 简介、典型图片、PPT、视频。"""
    from dossier.findings import SEVERITY_LABEL, exit_code
    from dossier.cli.progress import progress_display
    from dossier.package import package_project

    with progress_display(not (quiet or as_json)) as progress:
        result = package_project(directory, scan, out, progress=progress)
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2, default=str))
    else:
        click.echo(f"已生成邮件附件：{result.folder}")
        for f in result.files:
            click.echo(f"  {f['name']}  {f['bytes'] / 1024 / 1024:.2f} MB")
        click.echo(f"压缩包：{result.zip_path}（合计 {result.total_bytes / 1024 / 1024:.2f} MB，发送至 {result.mailbox}）")
        for f in result.findings:
            click.echo(f"{SEVERITY_LABEL[f.severity]}：{f.where() + '：' if f.where() else ''}{f.message}")
        if exit_code(result.findings):
            click.echo("存在错误，不建议发送。")
    sys.exit(exit_code(result.findings))
