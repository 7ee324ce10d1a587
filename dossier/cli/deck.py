"""``dossier deck``: the roadshow (路演答辩) presentation draft."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from dossier.cli import main
from dossier.cli.common import Ui, common_options, envelope, output_option, project_argument


@main.command("deck")
@project_argument()
@output_option("输出的 .pptx（默认：项目下的 build/路演演示文稿.pptx）", file=True)
@click.option("--minutes", default=None, metavar="分钟", help="路演陈述时限（分钟）；默认取遴选项目配置 roadshow.minutes")
@common_options
def deck(directory: Path, out: Path | None, minutes: str | None, ui: Ui) -> None:
    """生成路演答辩 PPT 草稿（16:9，可在 PowerPoint/WPS 中编辑）：成效、投资、场景、图片、特点与模式创新。"""
    from dossier.deck import build_deck

    result = build_deck(directory, out, minutes=minutes)
    if ui.json:
        ui.emit(envelope(
            "deck", result.exit_code, result.findings, output=str(result.out), slides=result.slides,
            minutes=str(result.minutes), minutes_source=result.minutes_source, template=result.template,
            seconds=result.seconds,
        ))
        sys.exit(result.exit_code)
    ui.echo(f"已生成路演演示文稿：{result.out}")
    if not ui.quiet:
        tpl = "项目自带模板 templates/deck.pptx" if result.template == "project" else "内置模板"
        ui.say(f"共 {result.slides} 页（{tpl}）；路演时限 {result.minutes} 分钟（{result.minutes_source}），"
               "每页建议用时写在备注中。")
        ui.say("图表为可编辑的原生图表，数字与申报材料同一计算；正式汇报前请补充企业自己的讲解内容。")
    ui.print_findings(result.findings, summary=bool(result.findings))
    sys.exit(result.exit_code)
