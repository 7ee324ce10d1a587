"""A findings table for verbs that check files rather than a project (``media``, ``scan``)."""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Console
from rich.table import Table

from dossier.findings import SEVERITY_LABEL, Finding, count

STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
_ORDER = {"error": 0, "warning": 1, "info": 2}


def console() -> Console:
    return Console(highlight=False, width=max(110, Console().width))


def print_findings(out: Console, findings: Iterable[Finding], *, where=lambda f: f.where()) -> None:
    findings = sorted(findings, key=lambda f: (_ORDER[f.severity], f.file or "", f.page or 0))
    if findings:
        table = Table(show_lines=False, expand=False)
        table.add_column("级别", no_wrap=True)
        table.add_column("位置", no_wrap=True)
        table.add_column("说明")
        for f in findings:
            table.add_row(f"[{STYLE[f.severity]}]{SEVERITY_LABEL[f.severity]}[/]", where(f), f.message)
        out.print(table)
    c = count(findings)
    verdict = "未发现错误" if c["error"] == 0 else "存在错误，须修改后再提交"
    out.print(f"共 {c['error']} 个错误、{c['warning']} 个警告、{c['info']} 个提示：{verdict}")
