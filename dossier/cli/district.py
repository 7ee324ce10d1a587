"""``dossier district``: the district bureau's summary of several applicants and its draft 推荐报告."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from dossier.cli import main
from dossier.cli.common import Ui, common_options, envelope, output_option


@main.command("district")
@click.argument("roots", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="输出文件夹...")
@output_option("输出文件夹：申报企业汇总表.csv、区级推荐报告（草稿）.docx", required=True)
@click.option("--order", type=click.Choice(["given", "total"]), default="given", show_default=True,
              help="推荐顺序：given 按命令行给出的顺序；total 按合计投资从高到低")
@common_options
def district(roots: tuple[Path, ...], out: Path, order: str, ui: Ui) -> None:
    """区经信部门汇总多家企业的 dossier build 输出：汇总表和推荐报告草稿（审核意见留给区里填写）。

    每个输出文件夹是一家企业 dossier build 的输出（含 manifest.json），或包含多个这类文件夹的目录。
    """
    from dossier.district import build_district
    from dossier.util.formats import fmt_wan

    result = build_district(list(roots), out, order=order)
    if ui.json:
        ui.emit(envelope(
            "district", result.exit_code, result.findings, output=str(result.out), letter=str(result.letter),
            table=str(result.table), total_wan=f"{result.total_wan:.2f}",
            applicants=[
                {"enterprise": a.enterprise, "uscc": a.uscc, "type": a.type_label, "industry": a.industry,
                 "district": a.district, "project": a.project,
                 "total_wan": None if a.total_wan is None else f"{a.total_wan:.2f}", "rd_ratio": a.rd_ratio,
                 "findings": a.findings, "pages": a.pages, "sheets": a.sheets, "draft": a.draft,
                 "manifest": str(a.manifest)}
                for a in result.applicants
            ],
        ))
        sys.exit(result.exit_code)
    if not ui.quiet:
        from rich.table import Table

        table = Table(title=f"申报企业汇总（{len(result.applicants)} 家）", title_justify="left")
        for col in ("序号", "企业", "类型", "行业", "合计投资（万元）", "研发占比", "错误/警告/提示", "页/张"):
            table.add_column(col)
        for i, a in enumerate(result.applicants, start=1):
            table.add_row(str(i), a.enterprise, a.type_label, a.industry, "—" if a.total_wan is None else fmt_wan(a.total_wan),
                          a.rd_ratio, f"{a.findings['error']}/{a.findings['warning']}/{a.findings['info']}",
                          f"{a.pages}/{a.sheets}")
        ui.console().print(table)  # markup off: names from the manifests are printed as written
        ui.say(f"合计投资 {fmt_wan(result.total_wan)} 万元")
    ui.echo(f"已生成：{result.table}")
    ui.echo(f"已生成：{result.letter}（审核意见一节请区经信部门填写）")
    ui.print_findings(result.findings, summary=bool(result.findings))
    sys.exit(result.exit_code)
