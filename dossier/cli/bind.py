"""``dossier bind``: bind PDFs and scans into one print-ready A4 volume."""

from __future__ import annotations

from pathlib import Path

import click

from dossier.cli import main
from dossier.cli.common import Ui, common_options, envelope, output_option


@main.command("bind")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="文件...")
@output_option("输出的装订卷 PDF。", required=True, file=True)
@click.option("--password", "passwords", multiple=True, metavar="文件名=密码", help="加密 PDF 的密码，可重复。")
@click.option("--duplex", is_flag=True, help="双面打印：骑缝章只印在每张纸的正面（奇数页）。")
@click.option("--seal-group", type=click.IntRange(1, 500), help="每枚骑缝章覆盖的纸张数（默认按内置遴选项目的装订要求）。")
@click.option("--cover", "cover_title", metavar="标题", help="加封面（含封面章位置）和目录。")
@click.option("--no-guide", is_flag=True, help="不生成盖章指引。")
@common_options
def bind_cmd(inputs, out, passwords, duplex, seal_group, cover_title, no_guide, ui: Ui) -> None:
    """把 PDF 和扫描图片（JPEG/PNG/TIFF）按顺序装订成一本 A4 纵向的打印卷。

    同时写出 输出文件.manifest.json（清单）和 输出文件.盖章指引.pdf。
    """
    from dossier.bind import bind_files, guide_path, manifest_path
    from dossier.bind.files import parse_passwords
    from dossier.cli.progress import progress_display

    with progress_display(not (ui.quiet or ui.json)) as progress:
        result = bind_files(
            list(inputs), out, passwords=parse_passwords(passwords), duplex=duplex, seal_group=seal_group,
            cover_title=cover_title, guide=not no_guide, progress=progress,
        )
    m = result.manifest
    if ui.json:
        ui.emit(envelope(
            "bind", 0, [], volume=str(out), manifest_file=str(manifest_path(out)),
            guide_file=None if no_guide else str(guide_path(out)), reminders=list(result.warnings),
            warnings=list(result.warnings), manifest=m.to_json(),
        ))
        return
    ui.reminders(result.warnings)
    ui.echo(
        f"已装订 {len(m.inputs)} 个文件，共 {m.page_count} 页（{m.sheets} 张纸，"
        f"骑缝章 {len(m.seal_groups)} 组）：{out}"
    )
    if ui.quiet:
        return
    ui.echo(f"清单：{manifest_path(out)}")
    if not no_guide:
        ui.echo(f"盖章指引：{guide_path(out)}")
