"""``dossier cache info`` / ``dossier cache clear``: the user cache folder (:mod:`dossier.util.cache`)."""

from __future__ import annotations


from dossier.cli import main
from dossier.cli.common import Ui, common_options, envelope


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB"


@main.group()
def cache() -> None:
    """缓存（转换好的 PDF、字体子集、发票文字等）：查看位置和大小，或清空。"""


@cache.command("info")
@common_options
def info(ui: Ui) -> None:
    """显示缓存的位置、各类缓存的大小和上限。"""
    from dossier.util import cache as store

    entries = store.entries()
    kinds: dict[str, dict[str, int]] = {}
    for e in entries:
        k = kinds.setdefault(e.kind, {"entries": 0, "bytes": 0})
        k["entries"] += 1
        k["bytes"] += e.size
    total = sum(e.size for e in entries)
    if ui.json:
        ui.emit(envelope("cache info", 0, [], path=str(store.root()), bytes=total, max_bytes=store.max_bytes(), kinds=kinds))
        return
    ui.echo(f"缓存位置：{store.root()}")
    if ui.quiet:
        return
    for name, k in sorted(kinds.items()):
        ui.echo(f"  {name}：{k['entries']} 项，{_mb(k['bytes'])}")
    ui.echo(f"合计 {_mb(total)}，上限 {_mb(store.max_bytes())}（环境变量 DOSSIER_CACHE_MAX_MB 可调整；超出时先删最久未用的）")


@cache.command("clear")
@common_options
def clear(ui: Ui) -> None:
    """清空缓存。不影响任何输出文件；下次生成会慢一些。"""
    from dossier.util import cache as store

    freed = store.clear()
    if ui.json:
        ui.emit(envelope("cache clear", 0, [], path=str(store.root()), freed_bytes=freed))
        return
    ui.echo(f"已清空缓存：{store.root()}（释放 {_mb(freed)}）")
