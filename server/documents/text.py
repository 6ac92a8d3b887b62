"""Small text helpers the documents share: times as documents write them (the formatters of
``sync.documents.formats``, which the phone's composer copies: a time with an offset prints
in China time, one without as written; a document never reads the clock, so the same data
always gives the same bytes), and names as a public copy masks them.
"""

from __future__ import annotations

from sync.documents.formats import (  # noqa: F401 (the documents' helpers, named here)
    clock_text,
    date_text,
    span_text,
    stamp_text,
    time_text,
    when,
)

# Two-character surnames (复姓) kept whole when a name is masked; the common ones.
COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 令狐 夏侯 轩辕 端木 独孤 "  # noqa: SIM905
    "南宫 西门 澹台 公冶 太史 申屠 钟离 闻人 赫连 呼延 万俟 濮阳 淳于 单于".split()
)


def surname(name: str) -> str:
    name = name.strip()
    return name[:2] if name[:2] in COMPOUND_SURNAMES else name[:1]


def masked_name(name: str) -> str:
    """A person's name in a public copy: the surname stays (张**, 欧阳**). Always two
    stars, so the copy does not tell how long the given name is."""
    return surname(name) + "**" if name.strip() else name
