"""The notice's boundaries: the investment window's first and last days, 5000 万元, 150 字."""

from __future__ import annotations

import pytest

from conftest import codes
from dossier.check import check_project


def _row_dates(day: str):
    def mutate(data):
        row = data["investments"][0]
        for part in ("contract", "invoice", "payment"):
            row[part]["date"] = day

    return mutate


@pytest.mark.parametrize(
    "day,inside", [("2023-09-30", False), ("2023-10-01", True), ("2025-09-30", True), ("2025-10-01", False)]
)
def test_window_edges(project, day, inside):
    result = check_project(project(_row_dates(day)), media=False)
    row = result.figures.rows[0]
    assert row.in_window is inside
    assert (row.counted > 0) is inside
    outside = [f for f in result.findings if f.code == "I-WINDOW" and "不计入合计" in f.message]
    assert bool(outside) is not inside


def _equipment_total(total: str):
    """Make the qualifying total exactly ``total`` 万元 (含税): rows 1+2 carry it, R&D row nothing."""

    def mutate(data):
        from decimal import Decimal

        t = Decimal(total)
        a, b = (t / 2).quantize(Decimal("0.01")), None
        b = t - a
        data["investments"] = data["investments"][:2]
        for row, amount in zip(data["investments"], (a, b)):
            row["amount_wan"] = str(amount)
            row["quantity"] = 1
            row["unit_price_wan"] = str(amount)
            row["contract"]["amount_wan"] = str(amount)
            row["invoice"]["gross_wan"] = str(amount)
            row["invoice"]["tax_wan"] = "0.00"
            row["payment"]["amount_wan"] = str(amount)

    return mutate


def test_threshold_4999_99_fails(project):
    result = check_project(project(_equipment_total("4999.99")), media=False)
    assert "I-THRESHOLD" in codes(result)
    assert result.exit_code == 1
    (f,) = [f for f in result.findings if f.code == "I-THRESHOLD"]
    assert "4,999.99" in f.message and "5,000.00" in f.message


def test_threshold_5000_00_passes(project):
    result = check_project(project(_equipment_total("5000.00")), media=False)
    assert "I-THRESHOLD" not in codes(result)
    assert result.figures.qualifying_total == 5000
    assert result.exit_code == 0


def test_threshold_reads_both_bases(project):
    result = check_project(project(), media=False)
    totals = result.to_json()["totals"]
    assert totals["qualifying_gross_wan"] == "6300.00"
    assert totals["qualifying_net_wan"] == "5575.23"
    assert "含税" in totals["reading"]


def test_net_reading_changes_the_total(project):
    result = check_project(project(lambda d: d["settings"].update(amount_basis="net")), media=False)
    assert result.figures.qualifying_total == result.figures.qualifying_total_net
    assert "不含税" in result.to_json()["totals"]["reading"]


def test_payment_reading_moves_a_row_out(project):
    def mutate(data):
        data["settings"]["window_date"] = "payment"
        data["investments"][0]["payment"]["date"] = "2025-10-08"

    result = check_project(project(mutate), media=False)
    assert result.figures.rows[0].counted == 0
    assert "I-THRESHOLD" in codes(result)


@pytest.mark.parametrize(
    "text,ok",
    [
        ("光" * 150, True),
        ("光" * 151, False),
        ("光" * 146 + "MES ERP 5G 2025", True),  # 150 by Word's count, 159 raw characters
        ("光" * 147 + "MES ERP 5G 2025", False),
    ],
)
def test_summary_150_by_words_count(project, text, ok):
    result = check_project(project(lambda d: d["project"].update(summary=text)), media=False)
    assert ("X-SUMMARY-LENGTH" not in codes(result)) is ok


def test_usc_check_digit(project):
    from conftest import ENTERPRISE_USCC

    wrong = ENTERPRISE_USCC[:-1] + ("0" if ENTERPRISE_USCC[-1] != "0" else "1")
    result = check_project(project(lambda d: d["enterprise"].update(uscc=wrong)), media=False)
    (f,) = [f for f in result.findings if f.code == "E-USCC"]
    assert f"应为 {ENTERPRISE_USCC[-1]}" in f.message


def _wages_row(pay_day: str):
    def mutate(data):
        row = data["investments"][2]  # the R&D row
        row["invoice"] = {}
        row["contract"] = {}
        row["payment"]["date"] = pay_day
        row["evidence"] = {"payment_voucher": ["evidence/A-03/付款凭证.pdf"]}

    return mutate


def test_rd_wages_without_invoice_are_placed_by_payment_date(project):
    result = check_project(project(_wages_row("2025-06-30")), media=False)
    row = result.figures.rows[2]
    assert row.window_basis == "payment" and row.in_window and row.counted == 500
    assert row.net == row.gross  # wages carry no VAT
    assert result.figures.qualifying_total_net is not None
    assert "I-WINDOW-DATE" not in codes(result)
    assert any(f.code == "I-WINDOW-BASIS" and f.severity == "info" for f in result.findings)


def test_rd_wages_paid_after_the_window_are_not_counted(project):
    result = check_project(project(_wages_row("2025-10-01")), media=False)
    assert result.figures.rows[2].counted == 0
    assert any(f.code == "I-WINDOW" and "不计入合计" in f.message for f in result.findings)
