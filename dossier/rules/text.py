"""Texts: the 150-字 summary (V10) and the five parts of the application report."""

from __future__ import annotations

from collections.abc import Iterator

from dossier.findings import Finding
from dossier.formats import raw_length, word_count
from dossier.rules.context import RuleContext

MIN_PART_CHARS = 200  # a report part shorter than this reads as a placeholder


def summary(ctx: RuleContext) -> Iterator[Finding]:
    text = ctx.app.project.summary
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


RULES = [summary, report_parts]
