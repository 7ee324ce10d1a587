"""Human-readable output of findings: a table per attachment, in Chinese."""

from __future__ import annotations

from itertools import groupby

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from dossier.findings import SEVERITY_LABEL, Finding, count, sort_key

_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def group_title(f: Finding, programme=None) -> str:
    if f.attachment is not None:
        title = programme.attachment_title(f.attachment) if programme else ""
        return f"附件{f.attachment} {title}".strip()
    if f.item is not None:
        title = programme.material_title(f.item) if programme else ""
        return f"资料清单第{f.item}项 {title}".strip()
    return "整体要求"


def print_findings(result, *, quiet: bool = False, console: Console | None = None) -> None:
    console = console or Console(highlight=False, width=max(120, Console().width))
    findings = sorted(result.findings, key=sort_key)
    app = result.project.app
    head = f"项目：{result.project.name}"
    if app is not None and app.enterprise.name:
        head += f"　企业：{app.enterprise.name}"
    if app is not None and app.type and result.programme:
        head += f"　类型：{result.programme.type_label(app.type)}"
    console.print(head, soft_wrap=True)
    if result.figures is not None:
        t = result.figures.as_totals()
        console.print(
            f"窗口期内计入投资：设备 {t['equipment_wan']} 万元 + 研发 {t['rd_wan']} 万元 = {t['qualifying_wan']} 万元"
            f"（{t['reading']}）",
            soft_wrap=True,
        )
    if not quiet:
        for title, group in groupby(findings, key=lambda f: group_title(f, result.programme)):
            table = Table(title=title, title_justify="left", show_lines=False, expand=False)
            table.add_column("级别", no_wrap=True)
            table.add_column("位置", no_wrap=True)
            table.add_column("说明", overflow="fold")
            for f in group:
                text = escape(f.message)
                if f.rule and f.severity != "info":
                    # The sentence the finding enforces, under it (the notice's words, or 校验规则 for the tool's own checks).
                    text += f"\n[dim]依据：{escape(f.rule)}[/]"
                table.add_row(f"[{_STYLE[f.severity]}]{SEVERITY_LABEL[f.severity]}[/]", f.where(), text)
            console.print(table)
    c = count(findings)
    verdict = "未发现错误" if c["error"] == 0 else "存在错误，须修改后再提交"
    proof = sum(1 for f in findings if f.code in ("K-EVIDENCE-NONE", "S-EVIDENCE-NONE"))
    missing_proof = f"（其中缺证明材料 {proof} 项）" if proof else ""
    console.print(f"共 {c['error']} 个错误、{c['warning']} 个警告{missing_proof}、{c['info']} 个提示：{verdict}", soft_wrap=True)
