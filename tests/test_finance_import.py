"""The finance department's files in: the sample ledger (.xlsx) and the sample invoices (PDF, OFD,
XML) imported into an empty project give the sample's own investment rows; a second import
changes nothing; the rest of enterprise.yaml is left as it was."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook

from dossier.application.load import load_project

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "samples" / "guangxin-optics"
COMPARED_APART = {"id": True, "evidence": True, "scenarios": True}


def _dossier(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dossier", *args], cwd=cwd or REPO, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def sample_app():
    from conftest import require_generated_samples

    require_generated_samples()
    project = load_project(SAMPLE)
    assert project.app is not None
    return project.app


def _invoice_files(app) -> list[str]:
    """One invoice per row, as the finance department hands them over: OFD, XML or the PDF."""
    from samples import finance

    handed = {i: rel for rel, i, _ in finance.invoice_files(app)}
    files = []
    for i, row in enumerate(app.investments):
        if i in handed:
            files.append(handed[i])
        elif row.evidence.invoice:
            files.append(row.evidence.invoice[0].file)
    return files


def _empty_project(tmp_path: Path, app) -> Path:
    root = tmp_path / "p"
    run = _dossier("init", str(root), "--type", "discrete")
    assert run.returncode == 0, run.stderr
    for rel in ["finance", *{str(Path(f).parent) for f in _invoice_files(app) if f.startswith("evidence/")}]:
        shutil.copytree(SAMPLE / rel, root / rel, dirs_exist_ok=True)
    return root


@pytest.mark.slow
def test_ledger_then_invoices_give_the_sample_rows_and_a_second_import_changes_nothing(sample_app, tmp_path):
    root = _empty_project(tmp_path, sample_app)
    files = _invoice_files(sample_app)
    assert {Path(f).suffix for f in files} == {".pdf", ".ofd", ".xml"}
    ledger = _dossier("import", "xlsx", "finance/设备采购台账.xlsx", "--table", "investments", "--write", cwd=root)
    assert ledger.returncode == 0, ledger.stderr
    invoices = _dossier("import", "invoices", *files, "--write", cwd=root)
    assert invoices.returncode == 0, invoices.stderr
    written = (root / "enterprise.yaml").read_bytes()

    app = load_project(root).app
    assert app is not None
    assert len(app.investments) == len(sample_app.investments)
    for mine, theirs, invoice_file in zip(app.investments, sample_app.investments, files, strict=True):
        assert mine.model_dump(exclude=COMPARED_APART) == theirs.model_dump(exclude=COMPARED_APART), theirs.id
        assert [r.file for r in mine.evidence.invoice] == [invoice_file]

    again_ledger = _dossier("import", "xlsx", "finance/设备采购台账.xlsx", "--table", "investments", "--write", cwd=root)
    again = _dossier("import", "invoices", *files, "--write", cwd=root)
    assert again_ledger.returncode == 0 and again.returncode == 0
    assert (root / "enterprise.yaml").read_bytes() == written
    assert "未改动" in again.stdout


@pytest.mark.slow
def test_invoices_alone_give_name_amounts_parties_and_invoice_facts(sample_app, tmp_path):
    root = _empty_project(tmp_path, sample_app)
    files = _invoice_files(sample_app)
    run = _dossier("import", "invoices", *[str(root / f) for f in files], "--project", str(root), "--json")
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["schema"] == "dossier/1" and report["verb"] == "import invoices" and report["exit_code"] == 0
    assert report["totals"]["invoices"] == len(files)
    run = _dossier("import", "invoices", *files, "--write", cwd=root)
    assert run.returncode == 0, run.stderr
    app = load_project(root).app
    fields = {"name", "model", "quantity", "unit", "unit_price_wan", "amount_wan", "supplier", "supplier_uscc", "invoice"}
    for mine, theirs in zip(app.investments, sample_app.investments, strict=True):
        assert mine.model_dump(include=fields) == theirs.model_dump(include=fields), theirs.id
        assert mine.contract.number == theirs.contract.number


@pytest.mark.slow
def test_write_changes_only_the_investment_rows(sample_app, tmp_path):
    root = _empty_project(tmp_path, sample_app)
    before = (root / "enterprise.yaml").read_text(encoding="utf-8").splitlines()
    run = _dossier("import", "invoices", *_invoice_files(sample_app)[:3], "--write", cwd=root)
    assert run.returncode == 0, run.stderr
    after = (root / "enterprise.yaml").read_text(encoding="utf-8").splitlines()
    start = before.index("investments:")
    end = next(i for i in range(start + 1, len(before)) if before[i].startswith("# ---"))
    tail = len(before) - end
    assert after[: start + 1] == before[: start + 1]  # everything above the table, comments included
    assert after[-tail:] == before[-tail:]  # everything below it
    assert "# 编号，供场景、系统、台账引用" in after[start + 1]  # the scaffold row's comments kept, filled in


@pytest.mark.slow
def test_buyer_other_than_the_applicant_is_an_error(sample_app, tmp_path):
    root = _empty_project(tmp_path, sample_app)
    text = (root / "enterprise.yaml").read_text(encoding="utf-8")
    text = text.replace("  uscc:", "  uscc: 91420100MA4K8T2Q7X", 1)
    (root / "enterprise.yaml").write_text(text, encoding="utf-8")
    run = _dossier("import", "invoices", _invoice_files(sample_app)[0], cwd=root)
    assert run.returncode == 1
    assert "发票购买方不是申报企业" in run.stderr


def test_check_reports_a_buyer_other_than_the_applicant(tmp_path):
    from conftest import valid_application, write_project

    from dossier.check import check_project

    data = valid_application()
    root = write_project(tmp_path / "p", data)
    invoice = sorted(SAMPLE.glob("finance/发票/*.ofd"))[0]
    row = data["investments"][0]
    shutil.copy(invoice, root / "evidence" / "发票.ofd")
    text = (root / "enterprise.yaml").read_text(encoding="utf-8")
    text = text.replace(row["evidence"]["invoice"][0], "evidence/发票.ofd", 1)
    (root / "enterprise.yaml").write_text(text, encoding="utf-8")
    codes = {f.code: f for f in check_project(root).findings}
    assert "I-INVOICE-BUYER" in codes
    assert "发票购买方不是申报企业" in codes["I-INVOICE-BUYER"].message
    assert codes["I-INVOICE-BUYER"].severity == "error"


def _ledger(path: Path, rows: list[list], head: list[str]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "台账"
    ws.append(["某公司 固定资产明细"])
    ws.append(head)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


@pytest.mark.slow
def test_xlsx_synonyms_units_and_unreadable_rows_by_sheet_row(tmp_path):
    path = _ledger(tmp_path / "l.xlsx", [
        ["贴片机", "XP-200", 2, 1500000, "苏州精工装备有限公司"],
        ["检测仪", "AOI-1", 1, "一百万", "苏州精工装备有限公司"],
        [None, "X", 1, 10000, "某公司"],
        ["合计", None, None, 2510000, None],
    ], ["名称", "型号", "数量", "含税金额（元）", "销售方"])
    run = _dossier("import", "xlsx", str(path), "--table", "investments", "--json")
    assert run.returncode == 1
    report = json.loads(run.stdout)
    assert report["rows"][0]["name"] == "贴片机" and report["rows"][0]["amount_wan"] == "150"
    assert report["rows"][0]["supplier"] == "苏州精工装备有限公司"
    problems = [f["file"] + f["message"] for f in report["findings"]]
    assert len(problems) == 2
    assert "第 4 行" in problems[0] and "不是数字" in problems[0]
    assert "第 5 行" in problems[1] and "没有名称" in problems[1]


@pytest.mark.slow
def test_xlsx_mapping_file_names_unusual_headers(tmp_path):
    path = _ledger(tmp_path / "l.xlsx", [["贴片机", 12.5]], ["物资", "入账价值（万元）"])
    mapping = tmp_path / "map.yaml"
    mapping.write_text("物资: name\n入账价值（万元）: amount_wan\n", encoding="utf-8")
    run = _dossier("import", "xlsx", str(path), "--table", "investments", "--map", str(mapping), "--json")
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["rows"] == [{"name": "贴片机", "amount_wan": "12.5"}]


@pytest.mark.slow
def test_xlsx_systems_and_equipment_words_become_the_model_values(tmp_path):
    systems = _ledger(tmp_path / "s.xlsx", [["MES 制造执行系统", "MES", "鼎捷软件", "是", "本地部署", "2024-05-01", "新建"]],
                      ["系统名称", "系统类型", "供应商", "是否国产", "部署方式", "上线时间", "状态"])
    run = _dossier("import", "xlsx", str(systems), "--table", "systems", "--json")
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["rows"] == [{"name": "MES 制造执行系统", "type": "MES", "vendor": "鼎捷软件", "domestic": True,
                                               "deployment": "on_premise", "go_live": "2024-05-01", "status": "new"}]
    equipment = _ledger(tmp_path / "e.xlsx", [["贴片机", "XP-200", 4, "是", "是", 2024, 3000000]],
                        ["设备名称", "型号", "数量", "是否联网", "是否国产", "购置年份", "原值（元）"])
    run = _dossier("import", "xlsx", str(equipment), "--table", "equipment", "--json")
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["rows"] == [{"name": "贴片机", "model": "XP-200", "quantity": 4, "networked": True,
                                               "domestic": True, "year": 2024, "value_wan": "300"}]


@pytest.mark.slow
def test_unreadable_invoices_are_named_and_the_rest_imported(sample_app, tmp_path):
    good = SAMPLE / _invoice_files(sample_app)[1]
    bad_xml = tmp_path / "坏发票.xml"
    bad_xml.write_text("<EInvoice><EInvoiceData>", encoding="utf-8")
    bad_ofd = tmp_path / "坏发票.ofd"
    bad_ofd.write_bytes(b"PK\x03\x04 not really a zip")
    run = _dossier("import", "invoices", str(good), str(bad_xml), str(bad_ofd), "--project", str(tmp_path), "--json")
    assert run.returncode == 1
    report = json.loads(run.stdout)
    assert report["totals"]["rows"] == 1
    named = {Path(f["file"]).name: f["message"] for f in report["findings"]}
    assert "XML" in named["坏发票.xml"] and "OFD" in named["坏发票.ofd"]
    assert "Traceback" not in run.stderr


@pytest.mark.slow
def test_importing_the_samples_own_invoices_into_it_changes_nothing(sample_app, tmp_path):
    root = tmp_path / "sample"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns("media", "build"))
    before = (root / "enterprise.yaml").read_bytes()
    run = _dossier("import", "invoices", *_invoice_files(sample_app), "--write", cwd=root)
    assert run.returncode == 0, run.stderr
    assert "未改动" in run.stdout
    assert (root / "enterprise.yaml").read_bytes() == before  # evidence PDFs kept, not joined by their OFD/XML twins
