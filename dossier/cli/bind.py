"""``dossier bind``: bind PDFs and scans into one print-ready A4 volume."""

from __future__ import annotations

from pathlib import Path

import click

from dossier.cli import handle_errors, main


@main.command("bind")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", "out", required=True, type=click.Path(path_type=Path), help="输出的装订卷 PDF。")
@click.option("--password", "passwords", multiple=True, metavar="文件名=密码", help="加密 PDF 的密码，可重复。")
@click.option("--duplex", is_flag=True, help="双面打印：骑缝章只印在每张纸的正面（奇数页）。")
@click.option("--seal-group", type=click.IntRange(1, 500), default=20, show_default=True, help="每枚骑缝章覆盖的纸张数。")
@click.option("--cover", "cover_title", metavar="标题", help="加封面（含封面章位置）和目录。")
@click.option("--no-guide", is_flag=True, help="不生成盖章指引。")
@click.option("--json", "as_json", is_flag=True, help="输出一个 JSON 对象（含清单），便于脚本处理。")
@click.option("--quiet", "-q", is_flag=True, help="只输出一行结果（提醒仍输出到标准错误）。")
@handle_errors
def bind_cmd(inputs, out, passwords, duplex, seal_group, cover_title, no_guide, as_json=False, quiet=False) -> None:
    """把 PDF 和扫描图片（JPEG/PNG/TIFF）按顺序装订成一本 A4 纵向的打印卷。

    同时写出 OUT.manifest.json（清单）和 OUT.盖章指引.pdf。
    """
    from dossier.bind import bind_files, guide_path, manifest_path
    from dossier.bind.files import parse_passwords
    from dossier.cli.progress import progress_display

    with progress_display(not (quiet or as_json)) as progress:
        result = bind_files(
            list(inputs), out, passwords=parse_passwords(passwords), duplex=duplex, seal_group=seal_group,
            cover_title=cover_title, guide=not no_guide, progress=progress,
        )
    m = result.manifest
    if as_json:
        import json

        click.echo(json.dumps({
            "volume": str(out), "manifest_file": str(manifest_path(out)),
            "guide_file": None if no_guide else str(guide_path(out)),
            "warnings": list(result.warnings), "manifest": m,
        }, ensure_ascii=False, indent=2))
        return
    for w in result.warnings:
        click.echo(f"提醒：{w}", err=True)
    click.echo(
        f"已装订 {len(m['inputs'])} 个文件，共 {m['page_count']} 页（{m['sheets']} 张纸，"
        f"骑缝章 {len(m['seal_groups'])} 组）：{out}"
    )
    if quiet:
        return
    click.echo(f"清单：{manifest_path(out)}")
    if not no_guide:
        click.echo(f"盖章指引：{guide_path(out)}")
