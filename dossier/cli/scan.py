"""``dossier scan SCAN.pdf --against MANIFEST.json``: check the stamped scan page by page."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from dossier.cli import main
from dossier.cli.common import Ui, common_options, envelope


@main.command("scan")
@click.argument("scan_pdf", type=click.Path(path_type=Path), metavar="扫描件.pdf")
@click.option("--against", "manifest", required=True, type=click.Path(path_type=Path), metavar="清单",
              help="dossier bind 生成的清单（*.manifest.json）。")
@click.option("--volume", type=click.Path(path_type=Path), default=None, metavar="文件",
              help="成册 PDF；默认取清单旁边的那一份。用于按内容认出每一页（缺页、多页、顺序、倒置）。")
@common_options
def scan(scan_pdf: Path, manifest: Path, volume: Path | None, ui: Ui) -> None:
    """检查盖章后的扫描件：页数与页序、每页骑缝章、封面章、空白页、倒置页、扫描分辨率。

    退出码：0 通过，1 有问题（列出每一页），2 扫描件无法使用（不是 PDF、加密、黑白扫描、不是扫描件等）。
    """
    from dossier.cli.progress import progress_display
    from dossier.scan import check_scan_files
    from dossier.util.findings import exit_code

    with progress_display(not (ui.json or ui.quiet)) as progress:
        report = check_scan_files(scan_pdf, manifest, volume_pdf=volume, progress=progress)
    findings = list(report.findings)
    code = exit_code(findings)
    if ui.json:
        ui.emit(envelope("scan", code, findings, **report.to_dict()))
    else:
        if not ui.quiet:
            dpi = "" if report.dpi_min is None else (
                f"　分辨率 {report.dpi_min} dpi" if report.dpi_min == report.dpi_max else f"　分辨率 {report.dpi_min}–{report.dpi_max} dpi"
            )
            ui.echo(f"扫描件：{report.file}　{report.scan_pages} 页（成册 {report.volume_pages} 页）{dpi}")
            seam_pages = [p for p in report.pages if p.seam_ok is not None]
            seen = sum(1 for p in seam_pages if p.seam_ok)
            if seam_pages:
                ui.echo(f"骑缝章：应盖 {len(seam_pages)} 页，看到印迹 {seen} 页")
        ui.print_findings(findings)
    sys.exit(code)
