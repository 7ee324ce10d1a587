"""Rules: small pure functions from a :class:`RuleContext` to findings.

Each module holds the rules of one area and lists them in ``RULES``; :func:`run_rules` runs
them all. Rules read derived figures from ``ctx.figures`` (computed once in
:mod:`dossier.application.figures`) and never recompute them. Codes are stable: tests and scripts key on them.

| code prefix | area |
|---|---|
| R- | required values |
| E- | enterprise and eligibility (申报表, V5–V9) |
| I- | investment details (附件6, V1–V3, V18, V19) and their evidence |
| P- | project dates, completion (V4) |
| K- | key indicators (附件2/4, V4, V20) |
| S- | scenarios (附件3/5, V17) |
| Y- | systems (附件7, V17) and YAML structure |
| Q- | equipment indicators (附件8/9, V16, V17) |
| X- | report text and summary (申请报告, V10) |
| C- | checklist: copies, seals, deadline, district (V13–V15, V21) |
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from dossier.rules.context import RuleContext
from dossier.util.findings import Finding, sort_key

Rule = Callable[[RuleContext], Iterable[Finding]]


def all_rules() -> list[Rule]:
    from dossier.rules import (
        checklist,
        consistency,
        eligibility,
        evidence,
        indicators,
        investment,
        project,
        required,
        text,
    )

    modules = [required, eligibility, project, investment, evidence, indicators, consistency, text, checklist]
    return [rule for m in modules for rule in m.RULES]


def run_rules(ctx: RuleContext) -> list[Finding]:
    findings: list[Finding] = []
    for rule in all_rules():
        findings.extend(rule(ctx))
    return sorted(set(findings), key=sort_key)
