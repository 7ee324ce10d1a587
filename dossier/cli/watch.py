"""``dossier watch DIR [-o OUT] [-q]``: rebuild after each save, LibreOffice kept warm."""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from pathlib import Path

import click

from dossier.cli import handle_errors, main


@main.command()
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-o", "--output", "out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="输出文件夹（默认：项目下的 build/）")
@click.option("-q", "--quiet", is_flag=True, help="只输出变化的数量和生成结果，不逐条列出")
@handle_errors
def watch(directory: Path, out: Path | None, quiet: bool) -> None:
    """监视 enterprise.yaml、evidence/、media/ 和 templates/：每次保存后重新检查，列出新增和消除的问题，
    并重新生成受影响的文书与装订本（LibreOffice 常驻后台）。按 Ctrl-C 停止。"""
    from dossier.warm_office import WarmOffice
    from dossier.watch import Watcher, events

    stop = threading.Event()

    def _term(signum, frame):  # noqa: ANN001 - signal handler signature
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _term)
    office = WarmOffice()
    try:
        click.echo("正在启动后台 LibreOffice……")
        office.start()
        watcher = Watcher(directory, out, office.convert)
        _report(watcher.rebuild(), quiet, first=True)
        click.echo(f"正在监视 {directory}（enterprise.yaml、evidence/、media/、templates/）；按 Ctrl-C 停止。")
        with contextlib.closing(events(watcher.root, watcher.out, stop)) as batches:  # closing stops the observer
            for batch in batches:
                names = sorted({Path(p).name for p in batch})
                click.echo(f"\n检测到修改：{'、'.join(names[:5])}{' 等' if len(names) > 5 else ''}")
                _report(watcher.rebuild(), quiet)
    except KeyboardInterrupt:
        stop.set()
        click.echo("\n已停止监视。", err=True)
    finally:
        office.close()
    sys.exit(0)


def _report(r, quiet: bool, first: bool = False) -> None:  # noqa: ANN001 - dossier.watch.Round
    from dossier.findings import SEVERITY_LABEL, count

    if r.error is not None:
        click.echo(f"错误：{r.error}", err=True)
        click.echo("输入无法使用，保留上次生成的文件。", err=True)
        return
    if first:
        shown, head = r.findings, "检查结果"
    else:
        shown, head = r.added, "新增问题"
    if not quiet:
        for f in shown:
            click.echo(f"  {head if first else '新增'}·{SEVERITY_LABEL[f.severity]}  {f.where()}  {f.message}")
        if not first:
            for f in r.removed:
                click.echo(f"  已消除·{SEVERITY_LABEL[f.severity]}  {f.where()}  {f.message}")
    c = count(r.findings)
    change = "" if first else f"新增 {len(r.added)} 个、消除 {len(r.removed)} 个问题；"
    click.echo(f"{change}当前共 {c['error']} 个错误、{c['warning']} 个警告、{c['info']} 个提示。")
    if r.built:
        res = r.result
        click.echo(f"已重新生成（转换 {res.converted} 份，缓存复用 {res.cached} 份，用时 {r.seconds:.1f} 秒）：{res.out}")
    else:
        click.echo("检查有错误，未重新生成；保留上次生成的文件。", err=True)
