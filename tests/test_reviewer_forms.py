"""What a district reviewer does with the forms: recompute 附件6 from the printed figures, compare the
totals on 附件6, 申报表 and 申请报告, compare the narrative with the figures, and look for the proof of
every indicator and scenario. Checked on the rules (fast) and on the built samples' PDF text."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from conftest import codes
from dossier.check import check_project
from dossier.documents.context import document_contexts
from dossier.util.formats import fmt_unit_price, printed_unit_price

REPO = Path(__file__).resolve().parents[1]
SAMPLES = ("guangxin-optics", "huaxin-materials")
CENT = Decimal("0.01")


def _find(result, code: str):
    return [f for f in result.findings if f.code == code]


# ---------------------------------------------------------------- printed arithmetic


def test_unit_price_prints_with_the_precision_it_was_entered_with():
    assert fmt_unit_price(Decimal("78.535")) == "78.535"
    assert fmt_unit_price(Decimal("265")) == "265.00"
    assert fmt_unit_price(Decimal("45.5955")) == "45.5955"
    assert fmt_unit_price(Decimal("0.123456")) == "0.1235"  # four places at most
    assert fmt_unit_price(Decimal("1234.5")) == "1,234.50"
    assert printed_unit_price(Decimal("0.123456")) == Decimal("0.1235")


def test_figures_that_do_not_reconcile_on_paper_name_the_row(project):
    def mutate(data):
        row = data["investments"][0]
        row.update(quantity=1000, unit_price_wan="0.123456", amount_wan="123.46")
        row["contract"]["amount_wan"] = row["invoice"]["gross_wan"] = row["payment"]["amount_wan"] = "123.46"
        row["invoice"]["tax_wan"] = "14.20"

    result = check_project(project(mutate), media=False)
    found = _find(result, "I-ARITH-PRINT")
    assert len(found) == 1
    assert "A-01" in found[0].message and "0.1235" in found[0].message and "123.50" in found[0].message
    assert found[0].line is not None
    assert not _find(result, "I-ARITH")  # the exact figures agree; only the printed ones do not


def test_valid_rows_print_figures_that_multiply_out(project):
    result = check_project(project(), media=False)
    rows = document_contexts(result.folder.app, result.programme, result.figures)["investment_detail"]["equipment_rows"]
    for r in rows:
        qty = Decimal(re.match(r"[\d.]+", r["quantity"])[0])
        assert (qty * Decimal(r["unit_price"].replace(",", ""))).quantize(CENT, ROUND_HALF_UP) == Decimal(r["amount"].replace(",", ""))


@pytest.mark.parametrize("sample", SAMPLES)
def test_paid_and_unpaid_in_the_remark_add_up_to_the_printed_amount(sample):
    """A reviewer adds 已付款 and 未付 of the 备注 and compares with the 金额（含税） beside it; a payment
    entered to the yuan (461.605) must not print 461.61 + 24.30 beside 485.90."""
    root = Path(__file__).resolve().parents[1] / "samples" / sample
    result = check_project(root, media=False)
    ctx = document_contexts(result.folder.app, result.programme, result.figures)["investment_detail"]
    split = 0
    for r in ctx["equipment_rows"]:
        m = re.search(r"已付款([\d,.]+)，未付([\d,.]+)", r["remark"])
        if m:
            split += 1
            paid, unpaid = (Decimal(x.replace(",", "")) for x in m.groups())
            assert paid + unpaid == Decimal(r["amount"].replace(",", "")), (r["seq"], r["remark"], r["amount"])
    assert split  # both samples have rows paid in part


# ---------------------------------------------------------------- narrative and figures


def test_placeholder_renders_the_computed_total_in_the_forms(project):
    result = check_project(project(lambda d: d["project"].update(summary="两年投入设备与研发资金{合计投资}万元，建成{场景数}个场景。")),
                           media=False)
    assert not [f for f in result.findings if f.code.startswith("X-")]
    ctx = document_contexts(result.folder.app, result.programme, result.figures)
    total = ctx["application_form"]["totals"]["total"]
    assert ctx["application_form"]["project"]["summary"] == f"两年投入设备与研发资金{total}万元，建成1个场景。"


def test_full_width_braces_work_like_ascii_ones(project):
    result = check_project(project(lambda d: d["project"].update(summary="建成｛场景数｝个场景，合计｛合计投资｝万元。")), media=False)
    ctx = document_contexts(result.folder.app, result.programme, result.figures)
    total = ctx["application_form"]["totals"]["total"]
    assert ctx["application_form"]["project"]["summary"] == f"建成1个场景，合计{total}万元。"


def test_a_typo_in_a_placeholder_is_an_error_on_its_line(project):
    text = "第一段。\n\n两年投入资金{合计投入}万元。"

    def mutate(data):
        data["report"]["main_content"] = data["report"]["main_content"] + "\n" + text

    root = project(mutate)
    result = check_project(root, media=False)
    found = _find(result, "X-PLACEHOLDER")
    assert len(found) == 1 and found[0].severity == "error" and "{合计投入}" in found[0].message
    lines = (root / "enterprise.yaml").read_text(encoding="utf-8").splitlines()
    assert "{合计投入}" in lines[found[0].line - 1]


def test_a_wrong_total_in_the_summary_is_an_error_naming_both_numbers(project):
    root = project(lambda d: d["project"].update(summary="企业两年投入设备与研发资金9,999.99万元，建成智能工厂。"))
    result = check_project(root, media=False)
    found = _find(result, "X-FIGURE-MISMATCH")
    assert len(found) == 1
    f = found[0]
    assert f.severity == "error"
    total = result.figures.qualifying_total
    assert "9,999.99万元" in f.message and f"{total:,.2f}万元" in f.message
    assert "9,999.99" in (root / "enterprise.yaml").read_text(encoding="utf-8").splitlines()[f.line - 1]


def test_a_wrong_figure_elsewhere_is_a_warning_and_bounds_are_not_statements(project):
    def mutate(data):
        data["report"]["benefit_analysis"] += ("\n生产效率提升35.5%。建成3个智能化场景。合计投资超过5000万元。生产效率提升15%以上。"
                                               "在用4个信息化系统。")

    result = check_project(project(mutate), media=False)
    found = _find(result, "X-FIGURE-MISMATCH")
    assert sorted(f.severity for f in found) == ["warning", "warning", "warning"]
    messages = " ".join(f.message for f in found)
    assert "35.5%" in messages and "20.00%" in messages  # 100 → 120: 20.00 %
    assert "3个" in messages and "1个" in messages
    assert "4个”（系统数）" in messages


def test_the_report_adds_no_paragraph_of_its_own_about_the_totals():
    from docx import Document

    text = "\n".join(p.text for p in Document(REPO / "templates" / "report.docx").paragraphs)
    assert "totals." not in text


# ---------------------------------------------------------------- proof for every claim


def test_every_indicator_and_built_scenario_has_proof_in_the_valid_project(project):
    result = check_project(project(), media=False)
    assert not {"K-EVIDENCE-NONE", "S-EVIDENCE-NONE"} & codes(result)


@pytest.mark.slow
def test_removing_one_indicators_evidence_gives_exactly_one_finding(project):
    root = project(lambda d: d["indicators"][1].update(evidence=[]))
    result = check_project(root, media=False)
    proof = [f for f in result.findings if f.code in ("K-EVIDENCE-NONE", "S-EVIDENCE-NONE")]
    assert len(proof) == 1 and proof[0].severity == "warning" and "运营成本" in proof[0].message
    run = subprocess.run([sys.executable, "-m", "dossier", "check", str(root), "--no-report"], capture_output=True, text=True)
    assert "其中缺证明材料 1 项" in run.stdout


def test_a_built_scenario_without_proof_is_a_warning_but_a_scenario_not_built_is_not(project):
    result = check_project(project(lambda d: d["scenarios"][0].update(evidence=[])), media=False)
    assert [f.severity for f in _find(result, "S-EVIDENCE-NONE")] == ["warning"]

    def not_built(data):
        data["scenarios"].append({"code": "SC01", "implemented": "否"})

    assert not _find(check_project(project(not_built), media=False), "S-EVIDENCE-NONE")


# ---------------------------------------------------------------- readings and messages


def _construction(data):
    row = data["investments"][1]
    row["name"] = "洁净车间装修工程"
    row["invoice"]["tax_wan"] = str((Decimal(row["amount_wan"]) / Decimal("1.09") * Decimal("0.09")).quantize(CENT))


def test_construction_rows_are_warned_and_the_exclude_reading_takes_them_out(project):
    counted = check_project(project(_construction), media=False)
    found = _find(counted, "I-NON-PRODUCTIVE-KIND")
    assert [f.severity for f in found] == ["warning"] and "9%" in found[0].message
    assert counted.figures.as_totals()["non_productive"] == "count"

    def excluded(data):
        _construction(data)
        data["settings"] = {**data.get("settings", {}), "non_productive": "exclude"}

    out = check_project(project(excluded), media=False)
    assert [f.severity for f in _find(out, "I-NON-PRODUCTIVE-KIND")] == ["info"]
    assert out.figures.qualifying_total == counted.figures.qualifying_total - Decimal("2800.00")
    assert "不计入" in out.figures.readings.describe()


def test_exactly_a_hundred_billion_passes_under_the_default_reading(project):
    def mutate(data):
        data["enterprise"].update(legal_entity="non_independent", prior_year_output_wan="1000000", pays_tax_in_wuhan=True)

    assert not _find(check_project(project(mutate), media=False), "E-NONINDEP")

    def below(data):
        mutate(data)
        data["enterprise"]["prior_year_output_wan"] = "999999.99"

    found = _find(check_project(project(below), media=False), "E-NONINDEP")
    assert len(found) == 1 and "不低于 1,000,000.00 万元" in found[0].message


def test_a_row_out_of_the_window_gets_no_contradictory_verdict(project):
    def mutate(data):
        row = data["investments"][0]
        row["invoice"]["date"] = "2025-10-20"
        row["payment"]["date"] = "2025-10-25"

    found = _find(check_project(project(mutate), media=False), "I-WINDOW")
    assert any("不计入合计" in f.message for f in found)
    assert not any("仍计入" in f.message for f in found)


@pytest.mark.slow
def test_terminal_prints_the_notice_sentence_under_errors_and_quiet_hides_it(project):
    root = project(lambda d: d["enterprise"].update(above_designated_size=False))
    run = subprocess.run([sys.executable, "-m", "dossier", "check", str(root), "--no-report"], capture_output=True, text=True,
                         env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"})
    assert "依据：参与遴选的企业原则上应是" in run.stdout
    quiet = subprocess.run([sys.executable, "-m", "dossier", "check", str(root), "--no-report", "-q"], capture_output=True,
                           text=True)
    assert "依据：" not in quiet.stdout


# ---------------------------------------------------------------- the built samples, read from their PDFs


def _text(pdf: Path, layout: bool = False) -> str:
    args = ["pdftotext", "-enc", "UTF-8"] + (["-layout"] if layout else []) + [str(pdf), "-"]
    return subprocess.run(args, check=True, capture_output=True).stdout.decode()


def _money(s: str) -> Decimal:
    return Decimal(s.replace(",", ""))


_NUM = r"\d[\d,]*\.\d{2}"
# 表A line: 数量+单位, 单价 (2–4 places), 金额, 税额, 不含税金额, 计入金额 — single-line cells share one text line.
_ROW_A = re.compile(rf"(\d+(?:\.\d+)?)\s*[^\s\d.,—]{{1,3}}\s+(\d[\d,]*\.\d{{2,4}})\s+({_NUM})\s+({_NUM}|—)\s+({_NUM}|—)\s+({_NUM})(?=\s)")


@pytest.fixture(scope="module")
def built_samples(tmp_path_factory):
    from conftest import require_generated_samples

    require_generated_samples()
    from dossier.build import build_project

    out = {}
    for name in SAMPLES:
        target = tmp_path_factory.mktemp(name)
        result = build_project(REPO / "samples" / name, target)
        assert not result.refused and not result.draft
        out[name] = (target, result)
    return out


def _doc(target: Path, word: str) -> Path:
    return next(p for p in sorted(target.glob("*.pdf")) if word in p.name)


@pytest.mark.slow
@pytest.mark.parametrize("name", SAMPLES)
def test_attachment6_recomputes_row_by_row_and_the_totals_agree_everywhere(built_samples, name):
    target, _ = built_samples[name]
    report = json.loads(subprocess.run([sys.executable, "-m", "dossier", "check", str(REPO / "samples" / name), "--json",
                                        "--no-report"], capture_output=True, text=True, cwd=REPO).stdout)
    totals = report["totals"]
    equipment, rd, total = (Decimal(totals[k]) for k in ("equipment_wan", "rd_wan", "qualifying_wan"))

    a6 = _text(_doc(target, "附件6"), layout=True)
    part_a, rest = re.split(r"表\s*A（续）\s*合同", a6, maxsplit=1)
    rows = [m.groups() for m in _ROW_A.finditer(part_a)]
    from dossier.application.load import load_project

    app = load_project(REPO / "samples" / name).app
    n_equipment = sum(1 for r in app.investments if r.category != "研发投入")
    assert len(rows) == n_equipment, rows
    counted_sum = Decimal(0)
    for qty, price, amount, tax, net, counted in rows:
        assert (Decimal(qty) * _money(price)).quantize(CENT, ROUND_HALF_UP) == _money(amount), (qty, price, amount)
        if tax != "—":
            assert _money(amount) - _money(tax) == _money(net)
        counted_sum += _money(counted)
    subtotal_a = _money(re.search(rf"小计\s+({_NUM})", part_a)[1])
    assert counted_sum == subtotal_a == equipment

    part_b = re.split(r"表\s*C\s*投资汇总", re.split(r"表\s*B\s*项目相关研发投入", rest, maxsplit=1)[1], maxsplit=1)[0]
    pairs = re.findall(rf"(?<![\d,.])({_NUM})\s+({_NUM})(?=\s)", part_b.split("小计")[0])
    subtotal_b = _money(re.search(rf"小计\s+({_NUM})", part_b)[1])
    assert sum((_money(c) for _, c in pairs), Decimal(0)) == subtotal_b == rd

    flat = re.sub(r"\s+", "", a6)
    assert re.search(rf"合计{re.escape(f'{total:,.2f}')}", flat)

    form = re.sub(r"\s+", "", _text(_doc(target, "附件1")))
    assert f"合计（万元）{total:,.2f}" in form
    assert f"投入设备与研发资金{total:,.2f}万元" in form  # the 项目简介's placeholder, rendered

    # Page footers (—4—) may fall inside a sentence: they are not part of it.
    report_pdf = re.sub(r"—\d+—", "", re.sub(r"\s+", "", _text(_doc(target, "申请报告"))))
    stated = re.findall(rf"合计({_NUM})万元", report_pdf)
    assert stated and all(_money(s) == total for s in stated)
    assert f"生产性设备购置与改造投资{equipment:,.2f}万元" in report_pdf and f"研发投入{rd:,.2f}万元" in report_pdf


@pytest.mark.slow
@pytest.mark.parametrize("name", SAMPLES)
def test_samples_have_proof_for_every_claim_and_bind_each_file_once(built_samples, name):
    result = check_project(REPO / "samples" / name, media=False)
    assert not [f for f in result.findings if f.code in ("K-EVIDENCE-NONE", "S-EVIDENCE-NONE")]
    _, built = built_samples[name]
    manifest = json.loads(built.manifest.read_text(encoding="utf-8"))
    files = [i["file"] for i in manifest["binding"]["inputs"]]
    assert len(files) == len(set(files))
    app = result.folder.app
    mentions = [f for ind in app.indicators for f in ind.evidence] + [f for sc in app.scenarios for f in sc.evidence]
    import pikepdf

    with pikepdf.open(built.volume) as pdf, pdf.open_outline() as outline:
        titles = []

        def walk(items):
            for item in items:
                titles.append(item.title)
                walk(item.children)

        walk(outline.root)
    repeated = len(mentions) - len(set(mentions))
    assert sum("见第" in t for t in titles) == repeated  # a file named twice is bound once, then referred to
    # The stamping guide: every signature and seal place, and the seal heights the manifest records.
    points = manifest["binding"]["signing_points"]
    assert any("法定代表人（签字）" in p["what"] for p in points)
    assert any("承诺书" in p["document"] for p in points)
    guide = re.sub(r"\s+", "", _text(built.guide))
    for p in points:
        assert f"第{p['label']}页" in guide
    heights = [f"{g['center_mm']}毫米" for g in manifest["binding"]["seal_groups"]]
    assert all(h in guide for h in heights)
    html = built.report.read_text(encoding="utf-8")
    assert all(f"{g['center_mm']} 毫米" in html for g in manifest["binding"]["seal_groups"])


@pytest.mark.slow
def test_a_sample_whose_summary_states_a_wrong_total_gets_the_error(tmp_path, built_samples):
    root = tmp_path / "guangxin"
    shutil.copytree(REPO / "samples" / "guangxin-optics", root, ignore=shutil.ignore_patterns("build"))
    yaml = root / "enterprise.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8").replace("投入设备与研发资金{合计投资}万元", "投入设备与研发资金8349.91万元", 1),
                    encoding="utf-8")
    result = check_project(root, media=False)
    found = _find(result, "X-FIGURE-MISMATCH")
    assert len(found) == 1 and found[0].severity == "error"
    assert "8349.91万元" in found[0].message and f"{result.figures.qualifying_total:,.2f}万元" in found[0].message
    assert "8349.91" in yaml.read_text(encoding="utf-8").splitlines()[found[0].line - 1]


def test_a_late_commissioning_date_is_one_finding_naming_how_many_indicators_it_affects(project):
    result = check_project(project(lambda d: d["project"].update(commissioning_date="2025-06-01",
                                                                 construction_end="2025-05-30")), media=False)
    found = _find(result, "K-PERIOD-AFTER")
    assert len(found) == 1 and "影响 5 项指标" in found[0].message


def test_wording_a_reviewer_reads(project):
    result = check_project(project(), media=False)
    ctx = document_contexts(result.folder.app, result.programme, result.figures)
    ranking = ctx["operations_statement"]["operations"]["ranking"]
    assert "全市全市" not in ranking and "在全市武汉市光电子器件制造业中排名第3位" in ranking
    kpis = {k["name"].rstrip("★"): k["change"] for k in ctx["kpi_selftest"]["kpis"]}
    assert kpis["产品研制周期"].startswith("缩短") and kpis["运营成本"].startswith("降低")
    from docx import Document

    summary = "\n".join(p.text for p in Document(REPO / "templates" / "summary.docx").paragraphs)
    assert "字数统计" not in summary and "电子版" in summary


def test_photo_captions_come_from_the_yaml_or_the_file_name(project):
    from dossier.documents.context import photo_captions

    def mutate(data):
        data["media"] = {"photos": ["media/典型图片1-共晶贴片产线.jpg", "media/车间.jpg"], "captions": ["", "智能立体仓库"],
                         "presentation": "media/汇报.pptx", "video": "media/视频.mp4"}

    result = check_project(project(mutate), media=False)
    assert photo_captions(result.folder.app) == ["共晶贴片产线", "智能立体仓库"]


def test_scenario_form_lists_the_whole_catalogue_and_counts_each_investment_row_once(project):
    def mutate(data):
        data["scenarios"][0]["investments"] = ["A-01", "A-02"]
        data["scenarios"].append({"code": "SC10", "implemented": "部分", "systems": ["SYS-MES"], "investments": ["A-02"],
                                  "evidence": ["evidence/场景/SC09.pdf"]})

    result = check_project(project(mutate), media=False)
    ctx = document_contexts(result.folder.app, result.programme, result.figures)["scenario_selftest"]["scenarios"]
    rows = {r["code"]: r for r in ctx["rows"]}
    discrete = [e.key for e in result.programme.scenarios if e.get("discrete")]
    assert list(rows) == discrete  # every scenario of the type, in catalogue order
    assert rows["SC01"]["implemented"] == "否" and rows["SC10"]["implemented"] == "部分"
    assert rows["SC09"]["investment"] == "5,800.00"  # A-01 3,000 + A-02 2,800
    assert rows["SC10"]["investment"] == "0.00"  # A-02 already counted under SC09
    assert ctx["investment_total"] == "5,800.00"


def test_equipment_form_says_what_its_ledger_covers_and_cites_its_reference_values(project):
    def mutate(data):
        data["equipment"]["ledger"] = [{"id": "E1", "name": "高速贴片机", "quantity": 4, "domestic": True},
                                       {"id": "E2", "name": "测试系统", "quantity": 1, "domestic": False}]

    result = check_project(project(mutate), media=False)
    eq = document_contexts(result.folder.app, result.programme, result.figures)["equipment_indicators"]["equipment"]
    total = result.folder.app.equipment.counts["equipment_total"]
    assert f"本表列出生产设备5台（套），占生产设备总数{total}台（套）" in eq["coverage"]
    assert "占所列设备的80.00%（仅就所列设备而言）" in eq["coverage"]
    assert all("minimum" not in r for r in eq["rates"])  # no 参考要求 column: references go in a cited note
    cited = [r for r in result.figures.rates if r.minimum is not None]
    assert cited and all(r.minimum_source for r in cited)
    assert eq["references"].startswith("参考值：") and "出处：" in eq["references"]
    from dossier.application.figures import rate_figures

    process = rate_figures(result.folder.app, result.programme, "process")
    assert all(r.minimum is None for r in process)  # no source for a process-type minimum: none is shown
