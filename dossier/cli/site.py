"""``dossier site``: the 现场核验 (on-site verification) preparation list."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from dossier.cli import handle_errors, main


@main.command("site")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="输出的 PDF（默认 DIR/build/现场核验准备清单.pdf；同名 .docx 写在旁边）")
@click.option("--build", "build_dir", type=click.Path(file_okay=False, path_type=Path),
              help="dossier build 的输出文件夹，从其 manifest.json 读取装订本页码（默认 DIR/build）")
@click.option("--json", "as_json", is_flag=True, help="输出一个 JSON 对象")
@click.option("-q", "--quiet", is_flag=True, help="只输出结果文件和错误")
@handle_errors
def site(directory: Path, out: Path | None, build_dir: Path | None, as_json: bool, quiet: bool) -> None:
    """生成现场核验准备清单（PDF）：按现场路线列出设备与投资、场景演示、指标原始资料，带核对框。"""
    from dossier.cli.envelope import envelope, print_findings, print_json
    from dossier.site import build_site

    result = build_site(directory, out, build_dir=build_dir)
    rows = sum(len(s["rows"]) for s in result.stops)
    if as_json:
        print_json(envelope(
            "site", result.findings, output=str(result.pdf), docx=str(result.docx),
            manifest=str(result.manifest) if result.manifest else None,
            stops=[{"name": s["name"], "rows": [r["id"] for r in s["rows"]]} for s in result.stops],
            investment_rows=rows, scenarios=result.scenarios, indicators=result.indicators,
        ))
    else:
        click.echo(f"已生成现场核验准备清单：{result.pdf}（可编辑版：{result.docx.name}）")
        if not quiet:
            click.echo(f"路线 {len(result.stops)} 站、投资 {rows} 项；场景 {result.scenarios} 个；指标 {result.indicators} 项。"
                       + ("页码取自 " + str(result.manifest) if result.manifest else "未找到装订本，页码一栏为空。"))
        print_findings(f for f in result.findings if not quiet or f.severity == "error")
    sys.exit(result.exit_code)
