"""``dossier deck``: the roadshow (路演答辩) presentation draft."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from dossier.cli import handle_errors, main


@main.command("deck")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="输出的 .pptx（默认 DIR/build/路演演示文稿.pptx）")
@click.option("--minutes", default=None, help="路演陈述时限（分钟）；默认取遴选项目配置 roadshow.minutes")
@click.option("--json", "as_json", is_flag=True, help="输出一个 JSON 对象")
@click.option("-q", "--quiet", is_flag=True, help="只输出结果文件和错误")
@handle_errors
def deck(directory: Path, out: Path | None, minutes: str | None, as_json: bool, quiet: bool) -> None:
    """生成路演答辩 PPT 草稿（16:9，可在 PowerPoint/WPS 中编辑）：成效、投资、场景、图片、特点与模式创新。"""
    from dossier.cli.envelope import envelope, print_findings, print_json
    from dossier.deck import build_deck

    result = build_deck(directory, out, minutes=minutes)
    findings = result.findings
    if as_json:
        print_json(envelope(
            "deck", findings, output=str(result.out), slides=result.slides, minutes=str(result.minutes),
            minutes_source=result.minutes_source, template=result.template, seconds=result.seconds,
        ))
    else:
        click.echo(f"已生成路演演示文稿：{result.out}")
        if not quiet:
            tpl = "项目自带模板 templates/deck.pptx" if result.template == "project" else "内置模板"
            click.echo(f"共 {result.slides} 页（{tpl}）；路演时限 {result.minutes} 分钟（{result.minutes_source}），"
                       "每页建议用时写在备注中。")
            click.echo("图表为可编辑的原生图表，数字与申报材料同一计算；正式汇报前请补充企业自己的讲解内容。")
        print_findings(f for f in findings if not quiet or f.severity == "error")
    sys.exit(result.exit_code)
