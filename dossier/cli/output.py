"""What ``check`` (and a refused ``build``) prints for people: the project, its totals, the findings."""

from __future__ import annotations

from collections.abc import Iterable

from dossier.cli.common import Ui
from dossier.util.findings import Finding

# Findings that mean "a value is still to be written" (a fresh scaffold is mostly these).
TO_FILL = frozenset({"R-REQUIRED", "R-TABLE-EMPTY", "Q-COUNT-MISSING"})


def to_fill_line(findings: Iterable[Finding]) -> str:
    """``还有 N 项待填写（最先：第 L 行）`` — the first-run summary; empty when nothing is left to fill."""
    todo = [f for f in findings if f.code in TO_FILL]
    if not todo:
        return ""
    lines = [f.line for f in todo if f.line is not None and f.file == "enterprise.yaml"]
    first = f"（最先：第 {min(lines)} 行）" if lines else ""
    return f"还有 {len(todo)} 项待填写{first}"


def check_heading(result) -> list[str]:  # noqa: ANN001 - a CheckResult
    """The lines above the findings: the project, enterprise and type; the totals when computed."""
    from dossier.util.formats import fmt_wan

    app = result.folder.app
    head = f"项目：{result.folder.name}"
    if app is not None and app.enterprise.name:
        head += f"　企业：{app.enterprise.name}"
    if app is not None and app.type and result.programme:
        head += f"　类型：{result.programme.type_label(app.type)}"
    lines = [head]
    if result.figures is not None:
        f = result.figures
        lines.append(
            f"窗口期内计入投资：设备 {fmt_wan(f.equipment_total)} 万元 + 研发 {fmt_wan(f.rd_total)} 万元"
            f" = {fmt_wan(f.qualifying_total)} 万元（{f.readings.describe()}）"
        )
    return lines


def print_check(ui: Ui, result) -> None:  # noqa: ANN001 - a CheckResult
    print_checked(ui, check_heading(result) if not ui.quiet else [], result.findings)


def print_checked(ui: Ui, heading: list[str], findings: list[Finding]) -> None:
    """What ``check`` prints: :func:`check_heading`'s lines (unless quiet), then the findings."""
    if not ui.quiet:
        for line in heading:
            ui.say(line)
    todo = to_fill_line(findings)
    proof = sum(1 for f in findings if f.code in ("K-EVIDENCE-NONE", "S-EVIDENCE-NONE"))
    extra = (f"；其中缺证明材料 {proof} 项" if proof else "") + (f"；{todo}" if todo else "")
    ui.print_findings(findings, extra_summary=extra)
