"""``dossier build DIR [-o OUT] [--force] [--json]``: the documents as .docx and PDF."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from dossier.cli import handle_errors, main


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path), help="输出文件夹（默认：项目下的 build/）")
@click.option("--force", is_flag=True, help="检查有错误时仍然生成，每页标注“草稿”")
@click.option("--json", "as_json", is_flag=True, help="输出一个 JSON 对象（清单 manifest.json 的内容）")
@click.option("--duplex", is_flag=True, help="按双面打印装订：骑缝章只印在每张纸的正面（奇数页）")
@click.option("--seal-group", type=click.IntRange(1, 500), default=None, help="每枚骑缝章覆盖的纸张数（默认 20）")
@click.option("--quiet", "-q", is_flag=True, help="不显示进度，也不逐个列出文书。")
@handle_errors
def build(
    directory: Path, out: Path | None, force: bool, as_json: bool, duplex: bool, seal_group: int | None, quiet: bool = False,
) -> None:
    """先检查，再生成申请报告和附件（Word 与 PDF）。退出码：0 已生成，1 检查有错误未生成，2 输入或工具无法使用。"""
    from dossier.build import build_project
    from dossier.cli.output import print_findings
    from dossier.cli.progress import progress_display

    with progress_display(not (quiet or as_json)) as progress:
        result = build_project(directory, out, force=force, duplex=duplex, seal_group=seal_group, progress=progress)
    if as_json:
        data = json.loads(result.manifest.read_text(encoding="utf-8")) if result.manifest else {}
        data.update({"refused": result.refused, "out": str(result.out), "converted": result.converted, "cached": result.cached})
        if result.refused:
            data["findings"] = [f.to_dict() for f in result.findings]
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
        sys.exit(result.exit_code)
    if result.refused:
        print_findings(result.check, quiet=False)
        click.echo("检查发现错误，未生成文书。请修改后重新运行；如只需查看效果，可加 --force 生成标注“草稿”的文书。", err=True)
        sys.exit(result.exit_code)
    if result.draft:
        click.echo("注意：检查仍有错误，本次生成的文书每页都标注了“草稿”，不能用于正式申报。", err=True)
    for d in [] if quiet else result.documents:
        click.echo(f"  {d.pdf.relative_to(result.out)}")
    for f in result.mismatches:
        click.echo(f"错误：{f.message}", err=True)
    for warning in result.bind_warnings:
        click.echo(f"提醒：{warning}")
    if result.volume is not None and result.binding is not None:
        b = result.binding
        if result.report is not None:
            click.echo(f"报告：{result.report.relative_to(result.out)}")
        click.echo(
            f"装订本：{result.volume.relative_to(result.out)}（{b.get('page_count')} 页，{b.get('sheets')} 张纸，"
            f"骑缝章 {len(b.get('seal_groups', []))} 组）；盖章指引：{result.guide.relative_to(result.out) if result.guide else '无'}"
        )
    click.echo(
        f"已生成 {len(result.documents)} 份文书（转换 {result.converted} 份，缓存复用 {result.cached} 份）："
        f"{result.out}；清单：{result.manifest.name if result.manifest else '无'}"
    )
    sys.exit(result.exit_code)
