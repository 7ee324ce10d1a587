"""``dossier batch``: many projects at once, a progress bar, a dashboard and a CSV."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from dossier.cli import main
from dossier.cli.common import Ui, common_options, envelope, output_option


@main.command("batch")
@click.argument("roots", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="文件夹...")
@output_option("输出文件夹：每个项目一个子文件夹，另有 index.html 总览和 summary.csv 汇总表。", required=True)
@click.option("--check-only", is_flag=True, help="只检查并生成报告，不生成文书和装订卷（快）。")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=None, help="同时处理的项目数（默认：CPU 核数）。")
@click.option("--open", "open_dashboard", is_flag=True, help="完成后用浏览器打开总览。")
@common_options
def batch(roots, out, check_only, jobs, open_dashboard, ui: Ui) -> None:
    """批量检查并生成多个项目（所给文件夹下每个含 enterprise.yaml 的文件夹）。

    各项目并行处理，某个项目失败不影响其他项目。

    退出码：0 全部就绪，1 有项目存在错误、无法使用或生成失败，2 找不到任何项目或输出文件夹无法使用。
    """
    from dossier.batch import READY, run_batch

    err = sys.stderr
    quiet, as_json = ui.quiet, ui.json
    show_progress = not (quiet or as_json)
    progress = None
    state = {"done": 0, "total": 0, "task": None}

    def on_start(total: int) -> None:
        nonlocal progress
        state["total"] = total
        if not show_progress:
            return
        if err.isatty():
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            progress = Progress(
                TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                console=ui.console(stderr=True), transient=True,
            )
            progress.start()
            what = "检查" if check_only else "检查并生成"
            state["task"] = progress.add_task(f"{what} {total} 个项目", total=total)
        else:
            click.echo(f"共 {total} 个项目，开始处理……", err=True)

    def on_done(row) -> None:
        state["done"] += 1
        if progress is not None:
            progress.advance(state["task"])
            from rich.text import Text

            progress.console.print(Text(f"{row.status}　{row.client}（{row.name}）"))
        elif show_progress:
            click.echo(f"[{state['done']}/{state['total']}] {row.status}　{row.client}（{row.name}）", err=True)

    try:
        result = run_batch(list(roots), out, build=not check_only, workers=jobs, on_start=on_start, on_done=on_done)
    finally:
        if progress is not None:
            progress.stop()

    counts = result.counts()
    summary = f"共 {len(result.rows)} 个项目：" + "，".join(f"{k} {v}" for k, v in counts.items())
    if as_json:
        from dossier.util.findings import Finding

        data = result.to_json()
        data["status_counts"] = data.pop("counts")
        findings = [
            Finding("B-NOT-READY", "error", f"{r.client}（{r.name}）：{r.status}" + (f"：{r.reason}" if r.reason else ""),
                    file=r.root)
            for r in result.rows if not r.ok
        ]
        ui.emit(envelope("batch", result.exit_code, findings, **data, dashboard=str(out / "index.html"),
                         summary_csv=str(out / "summary.csv")))
    elif quiet:
        click.echo(summary)
    else:
        for r in result.rows:
            figures = f"错误 {r.errors}，警告 {r.warnings}"
            if r.total_wan:
                from decimal import Decimal

                from dossier.util.formats import fmt_wan

                figures += f"，合计投资 {fmt_wan(Decimal(r.total_wan))} 万元"
            if r.pages is not None:
                figures += f"，{r.pages} 页"
            line = f"{r.status}　{r.client}（{r.name}）：{figures}"
            if r.status != READY and r.reason:
                line += f"\n    原因：{r.reason}"
            click.echo(line)
        click.echo(summary)
        click.echo(f"总览：{out / 'index.html'}")
        click.echo(f"汇总表：{out / 'summary.csv'}")
    if open_dashboard:
        from dossier.cli.browser import open_file

        open_file(out / "index.html")
    sys.exit(result.exit_code)
