"""``dossier scan SCAN.pdf --against MANIFEST.json``: check the stamped scan page by page."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from dossier.cli import handle_errors, main


@contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[str, int, int], None] | None]:
    """A ``progress(step, done, total)`` callback rendering on stderr (stdout stays the report).

    On a terminal: a rich progress bar per step (n of N, elapsed), cleared when done. Otherwise one
    plain line when a step starts and one when it ends. Disabled: None.
    """
    if not enabled:
        yield None
        return
    from rich.console import Console

    err = Console(stderr=True, highlight=False)
    if err.is_terminal:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        bar = Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=err, transient=True,
        )
        tasks: dict[str, int] = {}

        def update(step: str, done: int, total: int) -> None:
            if step not in tasks:
                tasks[step] = bar.add_task(step, total=total)
            bar.update(tasks[step], completed=done, total=total)

        with bar:
            yield update
        return

    started: dict[str, float] = {}

    def plain(step: str, done: int, total: int) -> None:
        if step not in started:
            started[step] = time.monotonic()
            click.echo(f"{step}：共 {total} 项……" if total > 1 else f"{step}……", err=True)
        if done >= total and started.get(step, 0) >= 0:
            click.echo(f"{step}：完成（{time.monotonic() - started[step]:.1f} 秒）", err=True)
            started[step] = -1.0  # reported

    yield plain


@main.command("scan")
@click.argument("scan_pdf", type=click.Path(path_type=Path))
@click.option("--against", "manifest", required=True, type=click.Path(path_type=Path),
              help="dossier bind 生成的清单（*.manifest.json）。")
@click.option("--volume", type=click.Path(path_type=Path), default=None,
              help="成册 PDF；默认取清单旁边的那一份。用于按内容认出每一页（缺页、多页、顺序、倒置）。")
@click.option("--json", "as_json", is_flag=True, help="输出一个 JSON 对象，便于脚本处理。")
@click.option("--quiet", "-q", is_flag=True, help="只输出错误、警告和提示的数量。")
@handle_errors
def scan(scan_pdf: Path, manifest: Path, volume: Path | None, as_json: bool, quiet: bool = False) -> None:
    """检查盖章后的扫描件：页数与页序、每页骑缝章、封面章、空白页、倒置页、扫描分辨率。

    退出码：0 通过，1 有问题（列出每一页），2 扫描件无法使用（不是 PDF、加密、黑白扫描、不是扫描件等）。
    """
    from rich.markup import escape

    from dossier.cli.findings_table import console, print_counts, print_findings
    from dossier.findings import exit_code
    from dossier.scan import check_scan_files

    with _progress(not (as_json or quiet)) as progress:
        report = check_scan_files(scan_pdf, manifest, volume_pdf=volume, progress=progress)
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
        out.print(f"扫描件：{escape(report.file)}　{report.scan_pages} 页（成册 {report.volume_pages} 页）{dpi}", soft_wrap=True)
        seam_pages = [p for p in report.pages if p.seam_ok is not None]
        if seam_pages:
            seen = sum(1 for p in seam_pages if p.seam_ok)
            out.print(f"骑缝章：应盖 {len(seam_pages)} 页，看到印迹 {seen} 页")
        # Each message names its page (scan page, and volume page where they differ).
        print_findings(out, findings, where=lambda f: "")
    sys.exit(exit_code(findings))
