"""Eligibility (通知 二、遴选资格条件; V5–V9) and the 申报表's identity fields."""

from __future__ import annotations

from collections.abc import Iterator

from dossier.rules.context import RuleContext
from dossier.util.findings import Finding
from dossier.util.formats import fmt_wan, uscc_problem


def uscc(ctx: RuleContext) -> Iterator[Finding]:
    code = ctx.app.enterprise.uscc
    if code:
        problem = uscc_problem(code)
        if problem:
            yield ctx.finding(
                "E-USCC", "error", f"企业统一社会信用代码 {code} 无效：{problem}", ("enterprise", "uscc"), clause="uscc", document="application_form"
            )


def district(ctx: RuleContext) -> Iterator[Finding]:
    value = ctx.app.enterprise.district
    if value and ctx.programme.districts.find(value) is None:
        yield ctx.finding(
            "E-DISTRICT",
            "error",
            f"所在区“{value}”不在{ctx.programme.wording('district_directory')}名录中；"
            f"可填：{'、'.join(ctx.programme.districts.labels())}",
            ("enterprise", "district"),
            clause="eligibility",
            document="application_form",
        )


def industry(ctx: RuleContext) -> Iterator[Finding]:
    value = ctx.app.enterprise.key_industry
    if not value:
        return
    entry = ctx.programme.industries.find(value)
    keys = [ctx.programme.industries.find(k).label for k in ctx.programme.raw["key_industries"]]
    if entry is None:
        yield ctx.finding(
            "E-INDUSTRY",
            "error",
            f"所属重点行业“{value}”无法识别；可填：{'、'.join(keys)}，或 其他行业",
            ("enterprise", "key_industry"),
            clause="industries",
            document="application_form",
        )
    elif not ctx.programme.is_key_industry(entry.key):
        yield ctx.finding(
            "E-INDUSTRY",
            "warning",
            f"所属行业“{entry.label}”不在本次聚焦的{ctx.programme.key_industry_count}重点行业（{'、'.join(keys)}）之内，"
            "入选可能性较低",
            ("enterprise", "key_industry"),
            clause="industries",
            document="application_form",
        )


# How the floor's words ("过百亿元": programme data non_independent_output_words) are read
# (readings.hundred_billion): ≥ (default) or strictly more.
READING_WORD = {"at_least": "不低于", "more_than": "高于"}


def _meets(value, floor, reading: str) -> bool:
    return value > floor if reading == "more_than" else value >= floor


def scale_and_entity(ctx: RuleContext) -> Iterator[Finding]:
    ent = ctx.app.enterprise
    if ent.above_designated_size is False:
        yield ctx.finding(
            "E-SCALE", "error", "申报企业应为规上工业企业", ("enterprise", "above_designated_size"), clause="eligibility", document="application_form"
        )
    if ent.legal_entity == "non_independent":
        floor = ctx.programme.non_independent_min_output_wan
        words = ctx.programme.non_independent_output_words  # 过百亿
        if ent.prior_year_output_wan is None:
            yield ctx.finding(
                "E-NONINDEP",
                "error",
                f"非独立法人企业须填写上一年度产值（prior_year_output_wan），且须{words}元",
                ("enterprise", "legal_entity"),
                clause="eligibility",
                document="application_form",
            )
        elif not _meets(ent.prior_year_output_wan, floor, reading := ctx.programme.readings.get("hundred_billion", "at_least")):
            word = READING_WORD[reading]
            yield ctx.finding(
                "E-NONINDEP",
                "error",
                f"非独立法人企业上一年度产值须{words}元（按“{word} {fmt_wan(floor)} 万元”理解“{words}”），"
                f"填写为 {fmt_wan(ent.prior_year_output_wan)} 万元",
                ("enterprise", "prior_year_output_wan"),
                clause="eligibility",
                document="application_form",
            )
        if ent.pays_tax_in_wuhan is not True:
            yield ctx.finding(
                "E-NONINDEP",
                "error",
                "非独立法人企业须对本市纳税（pays_tax_in_wuhan: true）",
                ("enterprise", "pays_tax_in_wuhan") if ent.pays_tax_in_wuhan is not None else ("enterprise", "legal_entity"),
                clause="eligibility",
                document="application_form",
            )


def incidents(ctx: RuleContext) -> Iterator[Finding]:
    if ctx.app.enterprise.no_major_incident_2y is False:
        yield ctx.finding(
            "E-INCIDENT",
            "error",
            "近两年发生过重大安全、环保、质量事故的企业不符合申报条件",
            ("enterprise", "no_major_incident_2y"),
            clause="eligibility",
            document="application_form",
        )


def repeat(ctx: RuleContext) -> Iterator[Finding]:
    awards = ctx.app.enterprise.awards
    year = ctx.programme.raw["published"].year
    if awards.benchmark_year is not None and awards.benchmark_year < year:
        yield ctx.finding(
            "E-REPEAT",
            "warning",
            f"企业已于 {awards.benchmark_year} 年获评{ctx.programme.wording('award')}，原则上本次不再重复申报",
            ("enterprise", "awards", "benchmark_year"),
            clause="repeat",
            document="application_form",
        )
    if awards.demonstration_this_year:
        yield ctx.finding(
            "E-REPEAT",
            "warning",
            f"企业当年度已获评{ctx.programme.wording('demonstration')}，原则上本次不再重复申报",
            ("enterprise", "awards", "demonstration_this_year"),
            clause="repeat",
            document="application_form",
        )


def statistics(ctx: RuleContext) -> Iterator[Finding]:
    proj = ctx.app.project
    if proj.in_stats is False:
        yield ctx.finding(
            "E-STATS", "error", "项目须纳入我市工业技改投资统计", ("project", "in_stats"), clause="catalogue", document="application_form"
        )
    elif proj.in_stats and not proj.stats_project_code:
        yield ctx.finding(
            "E-STATS",
            "error",
            "已纳入工业技改投资统计的项目须填写统计项目代码（stats_project_code），便于区经信部门核查纳统情况",
            ("project", "in_stats"),
            clause="catalogue",
            document="application_form",
        )


RULES = [uscc, district, industry, scale_and_entity, incidents, repeat, statistics]
