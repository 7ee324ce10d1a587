"""``dossier watch [DIR] [-o OUT]``: rebuild after each save, LibreOffice kept warm."""

from __future__ import annotations

import contextlib
import shutil
import sys
import threading
from pathlib import Path

from dossier.cli import main
from dossier.cli.common import Ui, common_options, envelope, output_option, project_argument


@main.command()
@project_argument()
@output_option("输出文件夹（默认：项目下的 build/）")
@common_options
def watch(directory: Path, out: Path | None, ui: Ui) -> None:
    """监视 enterprise.yaml、evidence/、media/ 和 templates/：每次保存后重新检查，列出新增和消除的问题，
    并重新生成受影响的文书与装订本（LibreOffice 常驻后台，每个 CPU 核一个，最多两个）。按 Ctrl-C 停止。--json 时每轮输出一个 JSON 对象。"""
    from dossier.documents.kept_office import slots
    from dossier.documents.warm_office import WarmOffice
    from dossier.watch import Watcher, events

    stop = threading.Event()
    offices = [WarmOffice() for _ in range(slots())]
    watcher = None
    try:
        watcher = Watcher(directory, out, [office.convert for office in offices])
        # Started while the first round runs; then, while the user edits, restarted if the documents'
        # font replacements differ, and each made to convert a document if it has converted none yet.
        watcher.start_offices([office.warm for office in offices])
        first = watcher.rebuild()
        _report(ui, first, first=True)
        watcher.warm_up([office.warm for office in offices], first)
        ui.echo(f"正在监视 {directory}（enterprise.yaml、evidence/、media/、templates/）；按 Ctrl-C 停止。")
        with contextlib.closing(events(watcher.root, watcher.out, stop)) as batches:  # closing stops the observer
            for batch in batches:
                names = sorted({Path(p).name for p in batch})
                ui.echo(f"\n检测到修改：{'、'.join(names[:5])}{' 等' if len(names) > 5 else ''}")
                _report(ui, watcher.rebuild())
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM: the normal way to stop
        stop.set()
        ui.echo("\n已停止监视。", err=True)
    finally:
        profiles = [office.tmp for office in offices]

        def close_all() -> None:
            for office in offices:
                office.close()

        if watcher is not None:
            watcher.close(close_all)
        close_all()
        for profile in profiles:
            if profile is not None:
                # Removed again now that no conversion runs: one still running on a conversion
                # thread when its office was stopped may have written into it meanwhile.
                shutil.rmtree(profile, ignore_errors=True)
    sys.exit(0)


def _report(ui: Ui, r, first: bool = False) -> None:  # noqa: ANN001 - dossier.watch.Round
    from dossier.util.findings import count, exit_code

    if ui.json:
        ui.emit(envelope("watch", 2 if r.error else exit_code(r.findings), r.findings, added=[f.to_dict() for f in r.added],
                         removed=[f.to_dict() for f in r.removed], built=r.built, error=r.error,
                         seconds=round(r.seconds, 2)))
        return
    if r.error is not None:
        ui.echo(f"错误：{r.error}", err=True)
        ui.echo("输入无法使用，保留上次生成的文件。", err=True)
        return
    if first:
        ui.print_findings(r.findings, summary=False)  # the one findings printer, as `check` prints them
    else:
        for label, items in (("新增", r.added), ("已消除", r.removed)):
            if items and not ui.quiet:
                ui.echo(f"{label}：")
                ui.print_findings(items, summary=False)
    c = count(r.findings)
    change = "" if first else f"新增 {len(r.added)} 个、消除 {len(r.removed)} 个问题；"
    ui.echo(f"{change}当前共 {c['error']} 个错误、{c['warning']} 个警告、{c['info']} 个提示。")
    if ui.verbose and r.stages:
        kept = f"；装订沿用上一轮已打开的材料 {r.kept} 份" if r.kept else ""
        ui.echo("各步用时：" + "、".join(f"{k} {v:.2f}" for k, v in r.stages.items()) + f" 秒{kept}")
    if r.built:
        res = r.result
        ui.echo(f"已重新生成（转换 {res.converted} 份，缓存复用 {res.cached} 份，用时 {r.seconds:.1f} 秒）：{res.out}")
    else:
        ui.echo("检查有错误，未重新生成；保留上次生成的文件。", err=True)
