"""Properties over any input: totals agree with their rows and with their 大写; 字数 obeys Word's rules."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

import pytest

from conftest import valid_application
from hostile.hostile_util import tally
from hypothesis import given, settings
from hypothesis import strategies as st

from dossier.application.figures import compute
from dossier.application.model import Application
from dossier.application.programme import load_programme
from dossier.util.formats import daxie_yuan, fmt_wan, wan, word_count

_DIGIT = {c: i for i, c in enumerate("零壹贰叁肆伍陆柒捌玖")}
_SMALL = {"拾": 10, "佰": 100, "仟": 1000}


def _section(text: str) -> int:
    """壹仟零贰拾 → 1020 (below 万)."""
    value, digit = 0, 0
    for ch in text:
        if ch in _DIGIT:
            digit = _DIGIT[ch]
        elif ch in _SMALL:
            value += (digit or 1) * _SMALL[ch]
            digit = 0
    return value + digit


def parse_daxie(text: str) -> Decimal:
    """An independent reader of 人民币…元…角…分 / 整 (cn2an's own reverse parser is buggy, cn2an #65)."""
    assert text.startswith("人民币"), text
    body = text[3:]
    yuan_part, _, cents_part = body.partition("元")
    total = 0
    rest = yuan_part
    for unit, scale in (("亿", 10**8), ("万", 10**4)):
        if unit in rest:
            head, rest = rest.split(unit, 1)
            total += _section(head) * scale
    total += _section(rest)
    jiao = re.search(r"([零壹贰叁肆伍陆柒捌玖])角", cents_part)
    fen = re.search(r"([零壹贰叁肆伍陆柒捌玖])分", cents_part)
    cents = (_DIGIT[jiao[1]] * 10 if jiao else 0) + (_DIGIT[fen[1]] if fen else 0)
    return Decimal(total) + Decimal(cents) / 100


AMOUNT = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2, allow_nan=False, allow_infinity=False)


@pytest.mark.slow
@settings(settings.get_profile("hostile"), max_examples=200)
@given(amount=st.decimals(min_value=Decimal(0), max_value=Decimal("9999999.999"), places=3))
def test_daxie_reads_back_as_the_rounded_amount(amount):
    tally("money")
    text = daxie_yuan(amount)
    assert parse_daxie(text) == wan(amount) * 10000, text
    assert fmt_wan(amount).replace(",", "") == f"{wan(amount):.2f}"


@pytest.mark.slow
@settings(settings.get_profile("hostile"), max_examples=60)
@given(amounts=st.lists(AMOUNT, min_size=1, max_size=6))
def test_totals_equal_their_rows_and_their_daxie(amounts):
    tally("money")
    data = valid_application()
    rows = []
    for i, a in enumerate(amounts):
        row = {**data["investments"][i % 2], "id": f"R-{i:02d}", "amount_wan": str(a)}
        row["contract"] = {**row["contract"], "amount_wan": str(a)}
        row["invoice"] = {**row["invoice"], "gross_wan": str(a), "tax_wan": str((a / Decimal("1.13") * Decimal("0.13")).quantize(Decimal("0.01")))}
        row["payment"] = {**row["payment"], "amount_wan": str(a)}
        rows.append(row)
    data["investments"] = rows
    figures = compute(Application.model_validate(data), load_programme("wuhan-2025"))
    expected = sum(amounts, Decimal(0))
    assert figures.qualifying_total == expected
    assert sum(figures.by_category.values(), Decimal(0)) == expected
    assert figures.as_totals()["qualifying_wan"] == f"{wan(expected):.2f}"
    assert parse_daxie(daxie_yuan(figures.qualifying_total)) == wan(expected) * 10000


CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
LATIN = st.text(alphabet="abcXYZ0123456789.-_", min_size=1, max_size=8)
SPACE = st.sampled_from([" ", "\t", "\n", "\u3000", "  "])


def _reference(text: str) -> int:
    n, in_word = 0, False
    for ch in text:
        if ch.isspace():
            in_word = False
        elif unicodedata.east_asian_width(ch) in ("W", "F") or 0x3000 <= ord(ch) <= 0x303F or 0xFF00 <= ord(ch) <= 0xFFEF:
            n, in_word = n + 1, False
        elif not in_word:
            n, in_word = n + 1, True
    return n


@pytest.mark.slow
@settings(settings.get_profile("hostile"), max_examples=200)
@given(parts=st.lists(st.one_of(st.text(CJK, min_size=1, max_size=5), LATIN, SPACE, st.sampled_from(list("，。、“”；：！？（）"))), max_size=30))
def test_word_count_follows_word(parts):
    tally("word-count")
    text = "".join(parts)
    assert word_count(text) == _reference(text)
    cjk = sum(len(p) for p in parts if p and "\u4e00" <= p[0] <= "\u9fff")
    assert word_count(text) >= cjk  # every 汉字 counts one
    spaced = " ".join(parts)
    assert word_count(spaced) == sum(word_count(p) for p in parts)  # a space only separates
    assert word_count(text + " " + text) == 2 * word_count(text)


@pytest.mark.slow
@settings(settings.get_profile("hostile"), max_examples=100)
@given(text=st.text(max_size=200))
def test_word_count_never_fails_and_ignores_spacing(text):
    tally("word-count")
    n = word_count(text)
    assert 0 <= n <= len(text)
    assert word_count(re.sub(r"\s+", "  ", text)) == n
