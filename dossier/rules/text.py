"""Texts: the 150-字 summary (V10) and the five parts of the application report."""

from __future__ import annotations

from collections.abc import Iterator

from dataclasses import replace

from dossier.application import narrative
from dossier.rules.context import RuleContext
from dossier.util.findings import Finding
from dossier.util.formats import raw_length, word_count

MIN_PART_CHARS = 200  # a report part shorter than this reads as a placeholder


def summary(ctx: RuleContext) -> Iterator[Finding]:
    text = narrative.render(ctx.app.project.summary, ctx.figures)  # counted as printed
    if not text:
        return
    limit = int(ctx.programme.media["summary"]["max_chars"])
    words, raw = word_count(text), raw_length(text)
    if words > limit:
        yield ctx.finding(
            "X-SUMMARY-LENGTH", "error",
            f"建设情况简介 {words} 字（按 Word 字数统计；不计空白的字符数 {raw}），超过 {limit} 字",
            ("project", "summary"), clause="materials_9", item=9,
        )
    elif raw > limit:
        yield ctx.finding(
            "X-SUMMARY-RAW", "warning",
            f"建设情况简介按 Word 字数统计为 {words} 字，但字符数为 {raw}，超过 {limit}：若审核人员按字符计数可能判为超长",
            ("project", "summary"), clause="materials_9", item=9,
        )


def report_parts(ctx: RuleContext) -> Iterator[Finding]:
    for part in ctx.programme.report_parts:
        text = getattr(ctx.app.report, part["key"], None)
        if text and word_count(text) < MIN_PART_CHARS:
            yield ctx.finding(
                "X-REPORT-SHORT", "warning",
                f"申请报告“{part['title']}”仅 {word_count(text)} 字，内容偏少",
                ("report", part["key"]), clause="report", item=2,
            )


def narrative_fields(ctx: RuleContext) -> list[tuple[tuple, str, str]]:
    """(yaml path, label, text) of every narrative field placeholders may be used in."""
    app = ctx.app
    out = [(("project", "summary"), "项目简介", app.project.summary), (("enterprise", "profile"), "企业基本情况", app.enterprise.profile)]
    for part in ctx.programme.report_parts:
        out.append((("report", part["key"]), f"申请报告“{part['title']}”", getattr(app.report, part["key"], None)))
    out.append((("operations", "statement"), "生产经营情况说明", app.operations.statement))
    for i, sc in enumerate(app.scenarios):
        out.append((("scenarios", i, "description"), f"场景 {sc.code or i + 1} 的建设内容简述", sc.description))
    return [(path, label, text) for path, label, text in out if text]


def _at_offset(ctx: RuleContext, finding: Finding, text: str, offset: int, needle: str) -> Finding:
    """The finding moved from its key's line to the YAML line where ``needle`` (found at ``offset``
    of the value) is written: the (k+1)-th source line holding it, k being how often it occurs before."""
    if finding.line is None or not finding.file:
        return finding
    try:
        source = (ctx.root / finding.file).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return finding
    skip = text[:offset].count(needle)
    span = source[finding.line - 1 : finding.line + text.count("\n") + 200]
    for k, line in enumerate(span):
        hits = line.count(needle)
        if hits > skip:
            return replace(finding, line=finding.line + k)
        skip -= hits
    return finding


def narrative_placeholders(ctx: RuleContext) -> Iterator[Finding]:
    names = "、".join("{" + n + "}" for n, _ in narrative.PLACEHOLDERS)
    for path, label, text in narrative_fields(ctx):
        for offset, written in narrative.unknown_placeholders(text, ctx.figures):
            f = ctx.finding(
                "X-PLACEHOLDER", "error", f"{label}中的占位符 {written} 无法识别（可用：{names}）",
                path, clause="report", item=9 if path[0] == "project" else 2,
            )
            yield _at_offset(ctx, f, text, offset, written)


def narrative_figures(ctx: RuleContext) -> Iterator[Finding]:
    """Numbers typed in narrative that state a computed figure and differ from it (V10)."""
    for path, label, text in narrative_fields(ctx):
        severity = "error" if path == ("project", "summary") else "warning"
        for m in narrative.literal_mismatches(text, ctx.figures):
            placeholder = "{指标:" + m.what + "}" if m.what not in dict(narrative.PLACEHOLDERS) else "{" + m.what + "}"
            f = ctx.finding(
                "X-FIGURE-MISMATCH", severity,
                f"{label}写“{m.written}”（{m.what}），按明细计算为 {m.computed}；请改正，或改用占位符 {placeholder} 自动填入计算值",
                path, clause="consistency", item=9 if path[0] == "project" else 2,
            )
            yield _at_offset(ctx, f, text, m.offset, m.literal)


RULES = [summary, report_parts, narrative_placeholders, narrative_figures]
