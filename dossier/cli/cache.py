"""``dossier cache info`` / ``dossier cache clear``: the user cache folder (:mod:`dossier.cache`)."""

from __future__ import annotations

import json

import click

from dossier.cli import handle_errors, main


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB"


@main.group()
def cache() -> None:
    """缓存（转换好的 PDF、字体子集、发票文字等）：查看位置和大小，或清空。"""


@cache.command("info")
@click.option("--json", "as_json", is_flag=True, help="输出一个 JSON 对象")
@handle_errors
def info(as_json: bool) -> None:
    """显示缓存的位置、各类缓存的大小和上限。"""
    from dossier import cache as store

    entries = store.entries()
    kinds: dict[str, dict[str, int]] = {}
    for e in entries:
        k = kinds.setdefault(e.kind, {"entries": 0, "bytes": 0})
        k["entries"] += 1
        k["bytes"] += e.size
    total = sum(e.size for e in entries)
    if as_json:
        data = {"path": str(store.root()), "bytes": total, "max_bytes": store.max_bytes(), "kinds": kinds}
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(f"缓存位置：{store.root()}")
    for name, k in sorted(kinds.items()):
        click.echo(f"  {name}：{k['entries']} 项，{_mb(k['bytes'])}")
    click.echo(f"合计 {_mb(total)}，上限 {_mb(store.max_bytes())}（环境变量 DOSSIER_CACHE_MAX_MB 可调整；超出时先删最久未用的）")


@cache.command("clear")
@handle_errors
def clear() -> None:
    """清空缓存。不影响任何输出文件；下次生成会慢一些。"""
    from dossier import cache as store

    freed = store.clear()
    click.echo(f"已清空缓存：{store.root()}（释放 {_mb(freed)}）")
