"""The dashboard's names, in one place: the console shows them and the Excel file heads its
columns with them, so a figure is called the same on the screen, on paper and in Excel."""

from __future__ import annotations

from sync.workflow.vocabulary import label

TITLE = label("线索闭环看板", "Closed-loop dashboard")

# The province's 4 × 100 % (server.cases.indicators).
INDICATORS = {
    "coded": label("行政行为赋码率", "Acts coded"),
    "e_signed": label("电子签名使用率", "E-signatures used"),
    "issued_on_platform": label("平台出件率", "Documents issued on the platform"),
    "clue_disposal": label("线索处置率", "Clues disposed of"),
}


def zh(name: dict[str, str]) -> str:
    return name["zh-CN"]


def as_json() -> dict:
    return {"title": TITLE, "indicators": INDICATORS}
