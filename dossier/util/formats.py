"""Chinese formats: 万元 amounts, 大写金额, dates, Word's 字数, and the USCC check digit.

Pure functions. Money is :class:`~decimal.Decimal` everywhere; a float is refused, because
0.1 + 0.2 is not 0.3 and a form must agree with its total to the last 0.01 万元.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation


CENT = Decimal("0.01")
TEN_THOUSAND = Decimal(10000)


_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


def without_grouping(text: str) -> str:
    """``"1,234.50"`` → ``"1234.50"``; a comma anywhere else (``"11,18.7"``, ``"12,34"``) is left in
    place, so that the text fails as a number instead of silently becoming 1118.7 or 1234."""
    t = text.strip().replace("，", ",")
    return t.replace(",", "") if _GROUPED.match(t) else text.strip()


def to_decimal(value: object) -> Decimal:
    """Parse a YAML scalar into Decimal; floats are refused (they arrive only from code)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise ValueError("布尔值不是金额")
    if isinstance(value, float):
        raise TypeError("金额不能用浮点数传入，请用字符串或 Decimal")
    if isinstance(value, int):
        return Decimal(value)
    text = without_grouping(str(value))
    try:
        result = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(f"不是数字：{value!r}") from exc
    if not result.is_finite():
        raise ValueError(f"不是有限数字：{value!r}")
    return result


def wan(value: Decimal) -> Decimal:
    """Round an amount in 万元 to two decimals, half up (as accountants round)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def fmt_wan(value: Decimal, *, grouping: bool = True) -> str:
    """``Decimal('5234.5')`` → ``'5,234.50'``: the way every 万元 figure appears in the forms."""
    q = wan(value)
    return f"{q:,.2f}" if grouping else f"{q:.2f}"


UNIT_PRICE_MAX_PLACES = 4


def unit_price_places(value: Decimal) -> int:
    """Decimals a 单价 is printed with: as entered, at least two, at most four."""
    exponent = value.normalize().as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return min(max(places, 2), UNIT_PRICE_MAX_PLACES)


def printed_unit_price(value: Decimal) -> Decimal:
    """The 单价 exactly as the form prints it (so a reviewer's 数量 × 单价 uses this value)."""
    return value.quantize(Decimal(1).scaleb(-unit_price_places(value)), rounding=ROUND_HALF_UP)


def fmt_unit_price(value: Decimal) -> str:
    """``Decimal('78.535')`` → ``'78.535'``, ``Decimal('265')`` → ``'265.00'``, grouped like :func:`fmt_wan`."""
    q = printed_unit_price(value)
    return f"{q:,.{unit_price_places(value)}f}"


def daxie_yuan(value_wan: Decimal) -> str:
    """大写金额 of an amount given in 万元: ``Decimal('5000')`` → ``'人民币伍仟万元整'``.

    Written here rather than with cn2an: importing cn2an compiles a regular expression of every
    Chinese place name (its ``proces`` dependency), ~0.8 s of each build; and cn2an leaves out the
    零 of a skipped 万 group (6 亿 8 千 → 陆亿捌仟, where the writing of amounts asks for 陆亿零捌仟).
    """
    yuan = wan(value_wan) * TEN_THOUSAND
    if yuan < 0:
        raise ValueError("负数金额不能写成大写")
    fen = int(yuan * 100)
    whole, jiao, fen = fen // 100, fen // 10 % 10, fen % 10
    text = _upper_int(whole) + "元" if whole else ""
    if jiao == 0 and fen == 0:
        return "人民币" + (text or "零元") + "整"
    if jiao:
        text += _UPPER_DIGITS[jiao] + "角"
    elif text:
        text += "零"
    if fen:
        text += _UPPER_DIGITS[fen] + "分"
    return "人民币" + text


_UPPER_DIGITS = "零壹贰叁肆伍陆柒捌玖"


def _upper_int(n: int) -> str:
    """``n`` > 0 in 大写 numerals: 壹仟零壹拾, 陆亿零捌仟 (one 零 for each run of zeros inside)."""
    for unit, size in (("亿", 10**8), ("万", 10**4)):
        if n >= size:
            high, low = divmod(n, size)
            text = _upper_int(high) + unit
            if low:
                text += ("零" if low < size // 10 else "") + _upper_int(low)
            return text
    text, zero = "", False
    for place, name in ((1000, "仟"), (100, "佰"), (10, "拾"), (1, "")):
        d = n // place % 10
        if d == 0:
            zero = bool(text)
            continue
        text += ("零" if zero else "") + _UPPER_DIGITS[d] + name
        zero = False
    return text


def fmt_date(value: dt.date | None) -> str:
    """``2025-09-30`` → ``'2025年9月30日'`` (the form used in official documents)."""
    if value is None:
        return ""
    return f"{value.year}年{value.month}月{value.day}日"


def fmt_percent(value: Decimal | None, places: int = 2) -> str:
    if value is None:
        return "—"
    q = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"{q}%"


def _is_east_asian(ch: str) -> bool:
    """A character Word counts on its own: CJK ideographs, kana, hangul, full-width forms, CJK punctuation."""
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return True
    code = ord(ch)
    return 0x3000 <= code <= 0x303F or 0xFF00 <= code <= 0xFFEF


def word_count(text: str) -> int:
    """字数 as Microsoft Word counts it in a Chinese document.

    Each East Asian character (汉字, full-width punctuation such as ，。、“”) counts 1;
    each run of other non-space characters (an English word, a number such as ``2024`` or
    ``1.5``, ``5G``) counts 1; white space counts nothing.
    """
    count = 0
    in_word = False
    for ch in text:
        if ch.isspace():
            in_word = False
        elif _is_east_asian(ch):
            count += 1
            in_word = False
        elif not in_word:
            count += 1
            in_word = True
    return count


def raw_length(text: str) -> int:
    """Characters without white space: what a reviewer counting by hand may count."""
    return sum(1 for ch in text if not ch.isspace())


# GB 32100-2015: 18 characters from a 31-symbol alphabet (no I, O, Z, S, V).
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_SHAPE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def uscc_check_char(first17: str) -> str:
    """The 18th character of a USCC computed from its first 17."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def uscc_problem(code: str) -> str | None:
    """``None`` if ``code`` is a valid 统一社会信用代码, else a Chinese sentence saying why not."""
    code = code.strip().upper()
    if len(code) != 18:
        return f"应为 18 位，实际 {len(code)} 位"
    if not _USCC_SHAPE.match(code):
        return "含有不允许的字符（不使用 I、O、Z、S、V，第 3–8 位为行政区划代码数字）"
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        return f"校验码错误：第 18 位应为 {expected}，实际为 {code[17]}"
    return None


def make_uscc(first17: str) -> str:
    """Complete 17 characters into a valid USCC (used to make samples and tests)."""
    return first17 + uscc_check_char(first17)


_RANGE = re.compile(r"^\s*(\d{4}-\d{1,2}-\d{1,2})\s*(?:\.\.|至|~|–|—)\s*(\d{4}-\d{1,2}-\d{1,2})\s*$")
_YEAR = re.compile(r"^\s*(\d{4})\s*年?度?(?:全年)?\s*$")
_MONTHS = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月?\s*(?:-|–|—|~|至)\s*(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*$")


def _month_end(year: int, month: int) -> dt.date:
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def parse_period(text: str | None) -> tuple[dt.date, dt.date] | None:
    """A statistics period as written in the forms → (first day, last day), or None if unreadable.

    Accepted: ``2023年`` / ``2023年度``, ``2025年1-9月``, ``2024年10月-2025年9月``,
    ``2024-10-01..2025-09-30``.
    """
    if not text:
        return None
    try:
        if m := _RANGE.match(text):
            a, b = (dt.date(*map(int, s.split("-"))) for s in (m[1], m[2]))
            return (a, b) if a <= b else None
        if m := _YEAR.match(text):
            y = int(m[1])
            return dt.date(y, 1, 1), dt.date(y, 12, 31)
        if m := _MONTHS.match(text):
            y1, m1 = int(m[1]), int(m[2])
            y2, m2 = int(m[3] or m[1]), int(m[4])
            a, b = dt.date(y1, m1, 1), _month_end(y2, m2)
            return (a, b) if a <= b else None
    except ValueError:
        return None
    return None


def page_ranges(pages: list[int]) -> str:
    """``[1, 2, 3, 7, 9, 10]`` → ``'1–3、7、9–10'``: page lists in messages, however long."""
    pages = sorted(set(pages))
    if not pages:
        return ""
    out, start, prev = [], pages[0], pages[0]
    for p in pages[1:] + [None]:
        if p is not None and p == prev + 1:
            prev = p
            continue
        out.append(f"{start}" if start == prev else f"{start}–{prev}")
        if p is not None:
            start = prev = p
    return "、".join(out)
