from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from dossier.util.formats import (
    daxie_yuan,
    fmt_wan,
    make_uscc,
    parse_period,
    raw_length,
    to_decimal,
    uscc_problem,
    word_count,
)


@pytest.mark.parametrize(
    "wan,text",
    [
        ("5000", "人民币伍仟万元整"),
        ("5234.56", "人民币伍仟贰佰叁拾肆万伍仟陆佰元整"),
        ("10001", "人民币壹亿零壹万元整"),
        ("60000.8", "人民币陆亿零捌仟元整"),  # a 零 for the empty 万 group (cn2an writes 陆亿捌仟)
        ("1010.1", "人民币壹仟零壹拾万壹仟元整"),
        ("0.01", "人民币壹佰元整"),
        ("123456789.12", "人民币壹万贰仟叁佰肆拾伍亿陆仟柒佰捌拾玖万壹仟贰佰元整"),
        ("0", "人民币零元整"),
    ],
)
def test_daxie(wan, text):
    assert daxie_yuan(Decimal(wan)) == text


def test_money_refuses_float():
    with pytest.raises(TypeError):
        to_decimal(0.1)
    assert to_decimal("1,234.50") == Decimal("1234.50")
    for misplaced in ("12,34", "11,18.7", "1,2345"):
        with pytest.raises(ValueError):
            to_decimal(misplaced)  # not a thousands grouping: never read as 1234 or 1118.7
    assert fmt_wan(Decimal("1234.5")) == "1,234.50"
    assert fmt_wan(Decimal("0.005")) == "0.01"  # half up, as accountants round


@pytest.mark.parametrize(
    "text,words",
    [
        ("智能工厂", 4),
        ("建成5G专网，", 6),  # 建 成 5G 专 网 ，: a run of Latin letters and digits counts once
        ("MES 与 ERP 集成。", 6),
        ("OEE 从 70.5% 提升到 85.3%", 7),
        ("   ", 0),
        ("“数字孪生”", 6),
    ],
)
def test_word_count_like_word(text, words):
    assert word_count(text) == words


def test_raw_length_ignores_spaces():
    assert raw_length("MES 与 ERP") == 7


def test_uscc():
    good = make_uscc("91420100MA4K8T2Q7")
    assert uscc_problem(good) is None
    assert uscc_problem(good.lower()) is None
    assert "18 位" in uscc_problem(good[:-1])
    assert "校验码" in uscc_problem(good[:-1] + ("0" if good[-1] != "0" else "1"))
    assert "不允许" in uscc_problem("91420100MA4K8T2QIO")
    # A published code (GB 32100 example form): check digit computed, not hard-coded.
    assert uscc_problem("91350100M000100Y43") is None


@pytest.mark.parametrize(
    "text,expected",
    [
        ("2023年", (dt.date(2023, 1, 1), dt.date(2023, 12, 31))),
        ("2023年度", (dt.date(2023, 1, 1), dt.date(2023, 12, 31))),
        ("2025年1-9月", (dt.date(2025, 1, 1), dt.date(2025, 9, 30))),
        ("2024年10月-2025年2月", (dt.date(2024, 10, 1), dt.date(2025, 2, 28))),
        ("2024-10-01..2025-09-30", (dt.date(2024, 10, 1), dt.date(2025, 9, 30))),
        ("去年", None),
        ("2025年9-1月", None),
    ],
)
def test_parse_period(text, expected):
    assert parse_period(text) == expected


def test_page_ranges():
    from dossier.util.formats import page_ranges

    assert page_ranges([1, 2, 3, 7, 9, 10]) == "1–3、7、9–10"
    assert page_ranges(list(range(1, 181))) == "1–180"
    assert page_ranges([5]) == "5" and page_ranges([]) == ""
