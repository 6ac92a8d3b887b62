"""The named formatters a document's wording may apply to a value (``{decided_on|date}``):
a closed set, copied once in ``pwa/src/documents.js`` and held to it by the vectors.

Times are ``datetime``/``date`` objects or ISO 8601 strings. A time that carries its offset is
printed in China time (UTC+8) whatever offset it came with, so a phone's ``…Z`` and the
server's ``…+08:00`` print the same hour; a time without an offset is printed as written (the
server passes China's wall-clock time). Nothing here reads the clock or the machine's zone.

Money is integer fen (分) everywhere; a document prints yuan with two decimals and the same
amount in Chinese capitals (大写金额), the form a fine must carry so that it cannot be
altered by adding a stroke. The capitals follow the People's Bank's rules for filling in
bills (《正确填写票据和结算凭证的基本规定》, 支付结算办法 附一):

- an amount ending at 元 is closed with 整; after 角 no 整 is written; after 分 never;
- a 0 between digits is written 零, and a run of 0s as one 零 (壹仟零贰元; 壹佰万零贰元);
- when the 元 digit is 0 and 角 is not, a 零 may follow 元: written here (叁仟元零伍角);
- when 角 is 0 and 分 is not, 零 must follow 元 (壹万陆仟肆佰零玖元零贰分);
- 10 is 壹拾, not 拾: the leading 壹 keeps a 拾 from being written before it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

CHINA = dt.timezone(dt.timedelta(hours=8))
DIGITS = "零壹贰叁肆伍陆柒捌玖"
PLACES = ((1000, "仟"), (100, "佰"), (10, "拾"), (1, ""))
GROUPS = ("", "万", "亿", "万亿")  # each group is four digits
SMALL = "一二三四五六七八九十"


# -- times ---------------------------------------------------------------------------------
def when(value: Any) -> dt.datetime | dt.date:
    """A ``datetime``, a ``date`` or an ISO 8601 string as one of those; ValueError if not."""
    if isinstance(value, dt.datetime | dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        if len(text) == 10:
            return dt.date.fromisoformat(text)
        return dt.datetime.fromisoformat(text)
    raise ValueError(f"not a time: {value!r}")


def china(value: Any) -> dt.datetime | dt.date:
    """``when``, an instant with an offset moved to China time."""
    t = when(value)
    if isinstance(t, dt.datetime) and t.tzinfo is not None:
        return t.astimezone(CHINA)
    return t


def date_text(value: Any) -> str:
    """2026年3月14日"""
    d = china(value)
    return f"{d.year}年{d.month}月{d.day}日"


def time_text(value: Any) -> str:
    """2026年3月14日9时05分 (a date alone prints as a date)."""
    t = china(value)
    if not isinstance(t, dt.datetime):
        return date_text(t)
    return f"{date_text(t)}{t.hour}时{t.minute:02d}分"


def clock_text(value: Any) -> str:
    """9时05分"""
    t = china(value)
    return f"{t.hour}时{t.minute:02d}分" if isinstance(t, dt.datetime) else ""


def span_text(start: Any, end: Any) -> str:
    """2026年3月14日9时30分至10时15分 (the end's date is written only when it differs)."""
    a, b = china(start), china(end)
    if isinstance(a, dt.datetime) and isinstance(b, dt.datetime) and a.date() == b.date():
        return f"{time_text(a)}至{clock_text(b)}"
    return f"{time_text(a)}至{time_text(b)}"


def stamp_text(value: Any) -> str:
    """2026-03-14 10:22 (the generation time in the footer, a photo's capture time)."""
    t = china(value)
    if not isinstance(t, dt.datetime):
        return t.isoformat()
    return t.strftime("%Y-%m-%d %H:%M")


# -- money ---------------------------------------------------------------------------------
def check_fen(fen: Any) -> int:
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise TypeError(f"an amount is integer fen, not {type(fen).__name__}")
    if fen < 0:
        raise ValueError("an amount cannot be negative")
    if fen >= 10 ** (4 * len(GROUPS)) * 100:
        raise ValueError("the amount is too large to write in capitals")
    return fen


def yuan(fen: int) -> str:
    """2000050 → "20000.50" (yuan, two decimals, no thousands separator: as documents write it)."""
    whole, rest = divmod(check_fen(fen), 100)
    return f"{whole}.{rest:02d}"


def _integer(n: int) -> str:
    groups = []
    while n:
        n, group = divmod(n, 10000)
        groups.append(group)
    out: list[str] = []
    zero = False  # a 0 seen after a written digit, not yet written as 零
    for index in reversed(range(len(groups))):
        group = groups[index]
        if group == 0:
            zero = bool(out)
            continue
        for place, unit in PLACES:
            digit = group // place % 10
            if digit == 0:
                zero = zero or bool(out)
            else:
                if zero:
                    out.append("零")
                    zero = False
                out.append(DIGITS[digit] + unit)
        out.append(GROUPS[index])
        zero = False  # 0s closing a group are not read: 壹拾万柒仟, not 壹拾万零柒仟
    return "".join(out)


def yuan_in_capitals(fen: int) -> str:
    """20000 → 贰佰元整; 300050 → 叁仟元零伍角; 1234567 → 壹万贰仟叁佰肆拾伍元陆角柒分."""
    whole, rest = divmod(check_fen(fen), 100)
    jiao, fen_digit = divmod(rest, 10)
    if whole == 0 and rest == 0:
        return "零元整"
    text = _integer(whole) + "元" if whole else ""
    if not rest:
        return text + "整"
    if whole and (whole % 10 == 0 or jiao == 0):
        text += "零"
    if jiao:
        text += DIGITS[jiao] + "角"
    if fen_digit:
        text += DIGITS[fen_digit] + "分"
    return text


def amount(fen: int) -> str:
    """How a document states a sum: 人民币200.00元（大写：贰佰元整）."""
    return f"人民币{yuan(fen)}元（大写：{yuan_in_capitals(fen)}）"


# -- words ---------------------------------------------------------------------------------
def text(value: Any) -> str:
    """A value as a document prints it. Only text and numbers are printed: a float that is a
    whole number prints without ".0" (as JavaScript prints it)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        raise TypeError("a document does not print true or false: declare the words")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    raise TypeError(f"a document does not print a {type(value).__name__}")


def clause(value: Any) -> str:
    """Text to be set inside a sentence: no closing punctuation of its own."""
    return text(value).strip().rstrip("。；;，,.、 ")


def days(n: Any) -> str:
    """A short period as documents write it: 三日, 五日; longer ones in digits."""
    n = int(n)
    return (SMALL[n - 1] if 1 <= n <= 10 else str(n)) + "日"


def label(item: Any) -> str:
    """An item of evidence is a description, or a mapping with its label."""
    return text(item.get("label", "")) if isinstance(item, Mapping) else text(item)


def count(items: Any) -> str:
    return str(len(items)) if isinstance(items, list | tuple) else "0"


FORMATTERS = {
    "date": date_text,
    "time": time_text,
    "span": lambda both: span_text(*both),
    "stamp": stamp_text,
    "clause": clause,
    "yuan": yuan,
    "capitals": yuan_in_capitals,
    "amount": amount,
    "days": days,
    "label": label,
    "count": count,
}
