"""Small text helpers the documents share: times as documents write them, and names.

Times come in ``data`` as ``datetime``/``date`` objects or ISO 8601 strings and are printed
as the wall-clock time they carry (the server passes local time for the township): a
document never reads the clock, so the same data always gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

# Two-character surnames (复姓) kept whole when a name is masked; the common ones.
COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 令狐 夏侯 轩辕 端木 独孤 "  # noqa: SIM905
    "南宫 西门 澹台 公冶 太史 申屠 钟离 闻人 赫连 呼延 万俟 濮阳 淳于 单于".split()
)


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


def date_text(value: Any) -> str:
    """2026年3月14日"""
    d = when(value)
    return f"{d.year}年{d.month}月{d.day}日"


def time_text(value: Any) -> str:
    """2026年3月14日9时05分 (a date alone prints as a date)."""
    t = when(value)
    if not isinstance(t, dt.datetime):
        return date_text(t)
    return f"{date_text(t)}{t.hour}时{t.minute:02d}分"


def clock_text(value: Any) -> str:
    """9时05分"""
    t = when(value)
    return f"{t.hour}时{t.minute:02d}分" if isinstance(t, dt.datetime) else ""


def span_text(start: Any, end: Any) -> str:
    """2026年3月14日9时30分至10时15分 (the end's date is written only when it differs)."""
    a, b = when(start), when(end)
    if isinstance(a, dt.datetime) and isinstance(b, dt.datetime) and a.date() == b.date():
        return f"{time_text(a)}至{clock_text(b)}"
    return f"{time_text(a)}至{time_text(b)}"


def stamp_text(value: Any) -> str:
    """2026-03-14 10:22 (the generation time in the footer)."""
    t = when(value)
    if not isinstance(t, dt.datetime):
        return t.isoformat()
    return t.strftime("%Y-%m-%d %H:%M")


def surname(name: str) -> str:
    name = name.strip()
    return name[:2] if name[:2] in COMPOUND_SURNAMES else name[:1]


def masked_name(name: str) -> str:
    """A person's name in a public copy: the surname stays (张**, 欧阳**). Always two
    stars, so the copy does not tell how long the given name is."""
    return surname(name) + "**" if name.strip() else name
