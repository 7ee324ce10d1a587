"""Findings of verbs that check files rather than a project (``media``, ``scan``), in Chinese.

Messages are printed one per line with soft wrapping, not inside a table: rich wraps table cells
at spaces only, which splits Chinese sentences at the space in "第 3 页" and truncates the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from rich.console import Console
from rich.markup import escape

from dossier.findings import SEVERITY_LABEL, Finding, count

STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
_ORDER = {"error": 0, "warning": 1, "info": 2}


def console() -> Console:
    return Console(highlight=False, width=max(110, Console().width))


def print_findings(out: Console, findings: Iterable[Finding], *, where: Callable[[Finding], str] = lambda f: f.where()) -> None:
    findings = sorted(findings, key=lambda f: (_ORDER[f.severity], f.file or "", f.page or 0))
    for f in findings:
        place = where(f)
        place = f"{escape(place)}：" if place else ""
        out.print(f"[{STYLE[f.severity]}]{SEVERITY_LABEL[f.severity]}[/]  {place}{escape(f.message)}", soft_wrap=True)
    out.print(counts_line(findings))


def counts_line(findings: Iterable[Finding]) -> str:
    c = count(findings)
    verdict = "未发现错误" if c["error"] == 0 else "存在错误，须修改后再提交"
    return f"共 {c['error']} 个错误、{c['warning']} 个警告、{c['info']} 个提示：{verdict}"


def print_counts(findings: Iterable[Finding]) -> None:
    """``--quiet``: the one line of counts, plain text for scripts and logs."""
    import click

    click.echo(counts_line(findings))
