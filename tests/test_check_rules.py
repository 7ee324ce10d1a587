"""Every rule has a failing case here; the valid fixture is the passing case of all of them."""

from __future__ import annotations

import copy

import pytest

from conftest import _row, codes
from dossier.check import check_project


def test_valid_project_has_no_errors_or_warnings(project):
    result = check_project(project(), media=False)
    assert codes(result) == set()
    assert result.exit_code == 0


def _set(path: str, value):
    def mutate(data):
        node = data
        parts = path.split(".")
        for part in parts[:-1]:
            node = node[int(part)] if part.isdigit() else node[part]
        last = parts[-1]
        if value is _DELETE:
            del node[last]
        elif last.isdigit():
            node[int(last)] = value
        else:
            node[last] = value

    return mutate


_DELETE = object()


def _do(*fns):
    def mutate(data):
        for fn in fns:
            fn(data)

    return mutate


def _amount(i: int, amount: str):
    """Row ``i`` with a new amount, every figure of it (price, contract, invoice, payment) agreeing."""

    def mutate(data):
        old = data["investments"][i]
        new = _row(i + 1, amount, old["category"])
        data["investments"][i] = {**old, **{k: new[k] for k in ("unit_price_wan", "amount_wan", "contract", "invoice", "payment")}}

    return mutate


FAILING = [
    # (id, mutation, code, severity)
    ("required", _set("enterprise.legal_rep", None), "R-REQUIRED", "error"),
    ("required-blank", _set("project.name", "  "), "R-REQUIRED", "error"),
    ("empty-table", _set("systems", []), "R-TABLE-EMPTY", "error"),
    ("uscc", _set("enterprise.uscc", "91420100MA4K8T2Q70"), "E-USCC", "error"),
    ("district", _set("enterprise.district", "朝阳区"), "E-DISTRICT", "error"),
    ("industry-unknown", _set("enterprise.key_industry", "航天"), "E-INDUSTRY", "error"),
    ("industry-other", _set("enterprise.key_industry", "其他"), "E-INDUSTRY", "warning"),
    ("not-above-size", _set("enterprise.above_designated_size", "否"), "E-SCALE", "error"),
    (
        "non-independent-small",
        _do(_set("enterprise.legal_entity", "non_independent"), _set("enterprise.prior_year_output_wan", "999999.99"),
            _set("enterprise.pays_tax_in_wuhan", True)),
        "E-NONINDEP",
        "error",
    ),
    ("non-independent-no-tax", _do(_set("enterprise.legal_entity", "non_independent"),
                                   _set("enterprise.prior_year_output_wan", "1200000"), _set("enterprise.pays_tax_in_wuhan", False)),
     "E-NONINDEP", "error"),
    ("incident", _set("enterprise.no_major_incident_2y", False), "E-INCIDENT", "error"),
    ("repeat-benchmark", _set("enterprise.awards", {"benchmark_year": 2023}), "E-REPEAT", "warning"),
    ("repeat-demo", _set("enterprise.awards", {"demonstration_this_year": True}), "E-REPEAT", "warning"),
    ("not-in-stats", _set("project.in_stats", False), "E-STATS", "error"),
    ("no-stats-code", _set("project.stats_project_code", None), "E-STATS", "error"),
    ("not-commissioned", _set("project.commissioning_date", "2025-10-16"), "P-NOT-COMMISSIONED", "error"),
    ("construction-order", _set("project.construction_start", "2025-04-01"), "P-DATES", "error"),
    ("total-investment", _set("project.total_investment_wan", "100"), "P-TOTAL", "warning"),
    ("category", _set("investments.0.category", "土建"), "I-CATEGORY", "error"),
    ("rd-subject", _set("investments.2.rd_subject", None), "I-RD-SUBJECT", "warning"),
    ("window-other-date", _set("investments.0.contract.date", "2023-09-30"), "I-WINDOW", "warning"),
    ("window-date-missing", _set("investments.0.invoice.date", None), "I-WINDOW-DATE", "error"),
    ("rd-cap", _amount(2, "1200.00"), "I-RD-CAP", "warning"),
    ("arith-qty-price", _set("investments.0.unit_price_wan", "1400.00"), "I-ARITH", "error"),
    ("arith-paid-over", _set("investments.0.payment.amount_wan", "3100.00"), "I-ARITH", "error"),
    ("arith-tax", _set("investments.0.invoice.tax_wan", "4000.00"), "I-ARITH", "error"),
    ("duplicate-invoice", _set("investments.1.invoice.number", "24420000000123450001"), "I-DUPLICATE-INVOICE", "error"),
    ("duplicate-id", _set("investments.1.id", "A-01"), "I-DUPLICATE-ID", "error"),
    ("supplier-uscc", _set("investments.0.supplier_uscc", "913205001234567890"), "I-SUPPLIER-USCC", "error"),
    ("related", _set("enterprise.related_parties", ["__SUPPLIER__"]), "I-RELATED", "warning"),
    ("second-hand", _set("investments.0.second_hand", True), "I-SECOND-HAND", "warning"),
    ("evidence-missing-file", _set("investments.0.evidence.invoice", ["evidence/没有这个文件.pdf"]), "I-EVIDENCE-MISSING", "error"),
    ("evidence-kind", _set("investments.0.evidence.bank_statement", []), "I-EVIDENCE-KIND", "error"),
    ("evidence-reused", _set("investments.1.evidence.contract", ["evidence/A-01/合同.pdf"]), "I-EVIDENCE-REUSED", "warning"),
    ("kpi-unknown", _set("indicators.0.key", "magic"), "K-UNKNOWN", "error"),
    ("kpi-core-missing", lambda d: d["indicators"].pop(3), "K-CORE-MISSING", "error"),
    ("kpi-zero-baseline", _set("indicators.0.baseline", "0"), "K-ZERO-BASELINE", "error"),
    ("kpi-ratio-range", _set("indicators.3.baseline", "120"), "K-RATIO-RANGE", "error"),
    ("kpi-worse", _set("indicators.0.current", "90"), "K-WORSE", "warning"),
    ("kpi-implausible", _set("indicators.2.current", "10"), "K-IMPLAUSIBLE", "warning"),
    ("kpi-period-after", _set("indicators.0.current_period", "2025年1-9月"), "K-PERIOD-AFTER", "error"),
    ("kpi-period-order", _set("indicators.0.baseline_period", "2025年6-9月"), "K-PERIOD-ORDER", "error"),
    ("kpi-period-text", _set("indicators.0.baseline_period", "去年"), "K-PERIOD", "warning"),
    ("scenario-unknown", _set("scenarios.0.code", "SC99"), "S-UNKNOWN", "error"),
    ("scenario-ref", _set("scenarios.0.systems", ["SYS-NONE"]), "S-REF", "error"),
    ("scenario-unsupported", _set("scenarios.0.systems", []), "S-UNSUPPORTED", "warning"),
    ("scenario-no-kpi", _set("scenarios.0.indicators", []), "S-NO-KPI", "warning"),
    ("scenario-systems", _set("systems.0.type", "ERP"), "S-SYSTEMS", "warning"),
    ("system-no-investment", _set("systems.0.status", "new"), "Y-NO-INVESTMENT", "warning"),
    ("system-ref", _set("systems.0.investments", ["A-99"]), "Y-REF", "error"),
    ("software-without-system", _set("investments.1.category", "工业软件"), "I-NO-SYSTEM", "warning"),
    ("equipment-count-missing", lambda d: d["equipment"]["counts"].pop("robots"), "Q-COUNT-MISSING", "error"),
    ("equipment-rate-over", _set("equipment.counts.equipment_networked", 401), "Q-RATE-RANGE", "error"),
    ("equipment-nc-low", _set("equipment.counts.key_processes_nc", 13), "Q-RATE-LOW", "warning"),
    ("equipment-count-type", _set("equipment.counts.loops_total", 100), "Q-COUNT-TYPE", "warning"),
    ("summary-length", _set("project.summary", "字" * 151), "X-SUMMARY-LENGTH", "error"),
    ("summary-raw", _set("project.summary", "字" * 140 + " MES ERP WMS QMS EMS PLM"), "X-SUMMARY-RAW", "warning"),
    ("report-short", _set("report.goals", "提高效率。"), "X-REPORT-SHORT", "warning"),
    ("ranking", _set("operations.ranking.rank", 41), "O-RANKING", "error"),
    ("late", _set("settings.application_date", "2025-10-20"), "C-LATE", "warning"),
    ("operations-no-years", _set("operations.years", []), "O-YEARS", "error"),
    ("kpi-period-before", _set("indicators.0.baseline_period", "2023年11-12月"), "K-PERIOD-BEFORE", "warning"),
    ("kpi-type", lambda d: d["indicators"].append(
        {"key": "unit_energy", "baseline": "10", "baseline_period": "2023年", "current": "9",
         "current_period": "2025年5-9月", "evidence": ["evidence/指标/unit_energy.pdf"]}), "K-TYPE", "warning"),
    ("scenario-duplicate", lambda d: d["scenarios"].append(copy.deepcopy(d["scenarios"][0])), "S-DUPLICATE", "error"),
    ("scenario-no-text", _set("scenarios.0.description", ""), "S-NO-TEXT", "warning"),
    # SC14 (危险作业自动化) is "possible", not "primary", for the discrete type.
    ("scenario-type", lambda d: d["scenarios"].append({**copy.deepcopy(d["scenarios"][0]), "code": "SC14"}), "S-TYPE", "info"),
    ("system-duplicate-id", lambda d: d["systems"].append({**copy.deepcopy(d["systems"][0]), "name": "制造执行系统二期"}),
     "Y-DUPLICATE-ID", "error"),
    ("system-type", _set("systems.0.type", "魔法系统"), "Y-TYPE", "warning"),
    ("equipment-count-negative", _set("equipment.counts.robots", -1), "Q-COUNT-NEGATIVE", "error"),
    ("ledger-ref", _set("equipment.ledger", [{"id": "E-01", "name": "贴片机", "quantity": 1, "investment": "A-99"}]),
     "Q-REF", "error"),
    # 5000 万元 floor: 含税 5300 reaches it, 不含税 (÷1.13) ≈ 4690 does not.
    ("threshold-basis", _amount(1, "1800.00"), "I-THRESHOLD-BASIS", "warning"),
    ("non-productive", lambda d: d["investments"].append({**_row(4, "100.00"), "productive": False}), "I-NON-PRODUCTIVE", "info"),
    ("unknown-key", _set("enterprise.nmae", "x"), "Y-UNKNOWN-KEY", "error"),
    ("schema-date", _set("project.commissioning_date", "2025-02-30"), "Y-SCHEMA", "error"),
]


@pytest.mark.parametrize("mutate,code,severity", [f[1:] for f in FAILING], ids=[f[0] for f in FAILING])
def test_rule_fails(project, mutate, code, severity):
    def apply(data):
        mutate(data)
        parties = data["enterprise"].get("related_parties")
        if parties == ["__SUPPLIER__"]:
            data["enterprise"]["related_parties"] = [data["investments"][0]["supplier_uscc"]]

    result = check_project(project(apply), media=False)
    hits = [f for f in result.findings if f.code == code]
    assert hits, f"{code} not raised; got {sorted(codes(result))}"
    assert hits[0].severity == severity
    assert all(f.message and not f.message.isascii() for f in hits), "messages are Chinese"
    # The valid fixture has no error or warning: an error case fails the run, a warning or info case does not.
    assert result.exit_code == (1 if severity == "error" else 0), sorted(codes(result))


def test_every_finding_of_a_line_rule_names_file_and_line(project):
    result = check_project(project(_set("investments.1.invoice.number", "24420000000123450001")), media=False)
    (dup,) = [f for f in result.findings if f.code == "I-DUPLICATE-INVOICE"]
    assert dup.file == "enterprise.yaml"
    lines = (result.folder.root / "enterprise.yaml").read_text(encoding="utf-8").splitlines()
    assert "24420000000123450001" in lines[dup.line - 1]
    assert dup.rule and "发票" in dup.rule


def _einvoice(path, number: str, day: str, total: str) -> None:
    """A one-page PDF whose text layer reads like a 数电发票 (reportlab's built-in CJK font)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path.parent.mkdir(parents=True, exist_ok=True)
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.setFont("STSong-Light", 12)
    c.drawString(60, 780, "电子发票（增值税专用发票）")
    c.drawString(60, 760, f"发票号码：{number}")
    c.drawString(60, 740, f"开票日期：{day}")
    c.drawString(60, 700, f"价税合计（大写）叁仟万元整    （小写）¥{total}")
    c.save()


@pytest.mark.parametrize(
    "number,day,total,code",
    [
        ("24420000000123450001", "2024年05月20日", "30,000,000.00", None),
        ("24420000000123459999", "2024年05月20日", "30,000,000.00", "I-INVOICE-NUMBER"),
        ("24420000000123450001", "2024年05月21日", "30,000,000.00", "I-INVOICE-DATE"),
        ("24420000000123450001", "2024年05月20日", "29,990,000.00", "I-INVOICE-AMOUNT"),
    ],
)
def test_einvoice_text_agrees_with_the_row(project, number, day, total, code):
    root = project()
    _einvoice(root / "evidence" / "A-01" / "发票.pdf", number, day, total)
    result = check_project(root, media=False)
    found = {f.code for f in result.findings if f.code.startswith("I-INVOICE") and f.code != "I-INVOICE-SCAN"}
    assert found == ({code} if code else set())


def test_scanned_invoice_is_info_not_error(project):
    result = check_project(project(), media=False)  # the fixture's invoices are blank pages
    infos = [f for f in result.findings if f.code == "I-INVOICE-SCAN"]
    assert infos and all(f.severity == "info" for f in infos)


@pytest.mark.parametrize("mutate", [f[1] for f in FAILING if f[2] not in ("Y-UNKNOWN-KEY", "Y-SCHEMA")],
                         ids=[f[0] for f in FAILING if f[2] not in ("Y-UNKNOWN-KEY", "Y-SCHEMA")])
def test_every_finding_quotes_the_notice(project, mutate):
    result = check_project(project(mutate), media=False)
    assert all(f.rule for f in result.findings), [f.code for f in result.findings if not f.rule]


def test_reminders_name_the_district_deadline_and_the_district_form(project):
    result = check_project(project(), media=False)
    by_code = {f.code: f for f in result.findings}
    assert by_code["C-DEADLINE"].severity == "info" and "2025年" in by_code["C-DEADLINE"].message
    assert by_code["C-DISTRICT"].severity == "info" and by_code["C-DISTRICT"].attachment == 1


@pytest.mark.parametrize(
    "name,content,code",
    [
        ("合同.pdf", b"", "I-EVIDENCE-EMPTY"),
        ("合同.pdf", b"%PDF-1.7\nthis is not the rest of a PDF", "I-EVIDENCE-PDF"),
        ("合同.docx", b"PK\x03\x04 a Word file, not a scan", "I-EVIDENCE-TYPE"),
    ],
)
def test_unusable_evidence_file(project, name, content, code):
    def point(data):
        data["investments"][0]["evidence"]["contract"] = [f"evidence/A-01/{name}"]

    root = project(point)
    (root / "evidence" / "A-01" / name).write_bytes(content)
    result = check_project(root, media=False)
    hits = [f for f in result.findings if f.code == code]
    assert hits and hits[0].severity == "error" and name in hits[0].message and hits[0].line
    assert result.exit_code == 1


def test_service_invoice_on_an_equipment_row_is_named(project):
    """A real 数电发票 (OFD) whose only line is *信息技术服务*, as the invoice of an equipment purchase."""
    from pathlib import Path

    from dossier.evidence.invoices import read_invoice

    sample = Path(__file__).resolve().parents[1] / "samples" / "huaxin-materials" / "finance" / "发票"
    service = next(p for p in sorted(sample.glob("*.ofd")) if any(line.is_service for line in read_invoice(p).lines))
    root = project()
    (root / "evidence" / "A-01" / "发票.ofd").write_bytes(service.read_bytes())
    text = (root / "enterprise.yaml").read_text(encoding="utf-8").replace("evidence/A-01/发票.pdf", "evidence/A-01/发票.ofd")
    (root / "enterprise.yaml").write_text(text, encoding="utf-8")
    hits = [f for f in check_project(root, media=False).findings if f.code == "I-INVOICE-SERVICE"]
    assert [h.severity for h in hits] == ["info"] and "A-01" in hits[0].message and "信息技术服务" in hits[0].message


def test_media_files_missing_and_photo_count(project):
    root = project(_set("media.photos", ["media/1.jpg", "media/2.jpg"]))  # the fixture writes no media files
    found = {f.code: f for f in check_project(root, media=True).findings}
    assert found["M-PHOTO-COUNT"].severity == "error" and "填写了 2 张" in found["M-PHOTO-COUNT"].message
    assert found["M-MISSING"].severity == "error" and "media/" in found["M-MISSING"].message


def test_media_files_empty_mislabelled_or_not_powerpoint(project):
    root = project(_do(_set("media.presentation", "media/汇报.key"), _set("media.video", "media/视频.mp4")))
    (root / "media").mkdir()
    for name in ("1.jpg", "2.jpg", "3.jpg"):
        (root / "media" / name).write_bytes(b"")
    (root / "media" / "汇报.key").write_bytes(b"PK\x03\x04 a Keynote file")
    (root / "media" / "视频.mp4").write_bytes(b"\x1a\x45\xdf\xa3" + b"\x00" * 60)  # Matroska's magic: an .mkv
    found: dict[str, list] = {}
    for f in check_project(root, media=True).findings:
        found.setdefault(f.code, []).append(f)
    assert [f.severity for f in found["M-FILE-EMPTY"]] == ["error"] * 3
    assert found["M-PPT-FORMAT"][0].severity == "error" and "汇报.key" in found["M-PPT-FORMAT"][0].message
    assert found["M-VIDEO-EXT-MISMATCH"][0].severity == "warning" and "MKV" in found["M-VIDEO-EXT-MISMATCH"][0].message
