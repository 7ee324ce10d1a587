"""``dossier site``: the 现场核验 (on-site verification) preparation list."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from dossier.cli import main
from dossier.cli.common import Ui, common_options, envelope, output_option, project_argument


@main.command("site")
@project_argument()
@output_option("输出的 PDF（默认：项目下的 build/现场核验准备清单.pdf；同名 .docx 写在旁边）", file=True)
@click.option("--build", "build_dir", type=click.Path(file_okay=False, path_type=Path), metavar="文件夹",
              help="dossier build 的输出文件夹，从其 manifest.json 读取装订本页码（默认：项目下的 build/）")
@common_options
def site(directory: Path, out: Path | None, build_dir: Path | None, ui: Ui) -> None:
    """生成现场核验准备清单（PDF）：按现场路线列出设备与投资、场景演示、指标原始资料，带核对框。"""
    from dossier.site import build_site

    result = build_site(directory, out, build_dir=build_dir)
    rows = sum(len(s["rows"]) for s in result.stops)
    if ui.json:
        ui.emit(envelope(
            "site", result.exit_code, result.findings, output=str(result.pdf), docx=str(result.docx),
            manifest=str(result.manifest) if result.manifest else None,
            stops=[{"name": s["name"], "rows": [r["id"] for r in s["rows"]]} for s in result.stops],
            investment_rows=rows, scenarios=result.scenarios, indicators=result.indicators,
        ))
        sys.exit(result.exit_code)
    ui.echo(f"已生成现场核验准备清单：{result.pdf}（可编辑版：{result.docx.name}）")
    if not ui.quiet:
        ui.say(f"路线 {len(result.stops)} 站、投资 {rows} 项；场景 {result.scenarios} 个；指标 {result.indicators} 项。"
               + ("页码取自 " + str(result.manifest) if result.manifest else "未找到装订本，页码一栏为空。"))
    ui.print_findings(result.findings, summary=bool(result.findings))
    sys.exit(result.exit_code)
