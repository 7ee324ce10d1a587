"""``dossier scan SCAN.pdf --against MANIFEST.json``: check the stamped scan page by page."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from dossier.cli import handle_errors, main


@main.command("scan")
@click.argument("scan_pdf", type=click.Path(path_type=Path))
@click.option("--against", "manifest", required=True, type=click.Path(path_type=Path),
              help="dossier bind 生成的清单（*.manifest.json）。")
@click.option("--volume", type=click.Path(path_type=Path), default=None,
              help="成册 PDF；默认取清单旁边的那一份。用于指出缺少或颠倒的是哪一页。")
@click.option("--json", "as_json", is_flag=True, help="输出一个 JSON 对象，便于脚本处理。")
@click.option("--quiet", "-q", is_flag=True, help="只输出错误、警告和提示的数量。")
@handle_errors
def scan(scan_pdf: Path, manifest: Path, volume: Path | None, as_json: bool, quiet: bool = False) -> None:
    """检查盖章后的扫描件：页数、每页骑缝章、封面章、空白页、倒置页、扫描分辨率。

    退出码：0 通过，1 有问题（列出每一页），2 扫描件无法使用（不是 PDF、加密、黑白扫描等）。
    """
    from dossier.cli.findings_table import console, print_counts, print_findings
    from dossier.findings import exit_code
    from dossier.scan import SEAM_MIN_MM2, check_scan_files

    report = check_scan_files(scan_pdf, manifest, volume_pdf=volume)
    findings = list(report.findings)
    if as_json:
        click.echo(json.dumps({**report.to_dict(), "exit_code": exit_code(findings)}, ensure_ascii=False, indent=2))
    elif quiet:
        print_counts(findings)
    else:
        out = console()
        dpi = "" if report.dpi_min is None else (
            f"　分辨率 {report.dpi_min} dpi" if report.dpi_min == report.dpi_max else f"　分辨率 {report.dpi_min}–{report.dpi_max} dpi"
        )
        out.print(f"扫描件：{report.file}　{report.scan_pages} 页（成册 {report.volume_pages} 页）{dpi}")
        seam_pages = [p for p in report.pages if p.seam_ink_mm2 is not None]
        seen = sum(1 for p in seam_pages if p.seam_ink_mm2 and p.seam_ink_mm2 >= SEAM_MIN_MM2)
        if seam_pages:
            out.print(f"骑缝章：应盖 {len(seam_pages)} 页，看到印迹 {seen} 页")
        # Each message names its page (scan page, and volume page where they differ).
        print_findings(out, findings, where=lambda f: "")
    sys.exit(exit_code(findings))
