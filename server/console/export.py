"""The dashboard as a file for the county's Excel: a workbook (one row per group, the totals,
and the province's 4 × 100 % on a second sheet) or a CSV of the same rows, UTF-8 with a BOM
so that Excel on a Chinese Windows reads it as UTF-8, not GBK."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from openpyxl import Workbook
from openpyxl.styles import Font

from server.console import names

PERCENT = "0.00%"
# A cell beginning so is a formula to Excel (or to LibreOffice, reading a CSV): a unit or a
# person named "=HYPERLINK(…)" would run in the county's spreadsheet (CSV injection, OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOLD = Font(bold=True)
GROUP_HEADERS = {"unit": "单位", "officer": "执法队员", "category": "领域"}
NOBODY = "未接单"  # the officer row of the clues nobody took
TOTAL = "合计"


def _figure(path: str) -> Callable[[dict], Any]:
    def read(figures: dict) -> Any:
        value: Any = figures
        for part in path.split("."):
            value = value[part]
        return value

    return read


# (header, reader, is a share): the columns of the first sheet and of the CSV, in order.
COLUMNS: list[tuple[str, Callable[[dict], Any], bool]] = [
    ("上报线索", _figure("reported"), False),
    ("已响应", _figure("response.count"), False),
    ("响应率", _figure("response.share"), True),
    ("响应时长中位数（小时）", _figure("median_response_hours"), False),
    ("应处置", _figure("disposal.of"), False),
    ("已处置", _figure("disposal.count"), False),
    ("处置率", _figure("disposal.share"), True),
    ("已评价", _figure("satisfaction.of"), False),
    ("满意", _figure("satisfaction.count"), False),
    ("满意率", _figure("satisfaction.share"), True),
    ("在办", _figure("open_overdue.of"), False),
    ("在办超期", _figure("open_overdue.count"), False),
    ("在办超期率", _figure("open_overdue.share"), True),
    ("有期限已处置", _figure("handled_late.of"), False),
    ("超期处置", _figure("handled_late.count"), False),
    ("超期处置率", _figure("handled_late.share"), True),
    ("劝阻制止", _figure("stopped_by_dissuasion.count"), False),
    ("劝阻制止率", _figure("stopped_by_dissuasion.share"), True),
]
# The province's 4 × 100 % (server.cases.indicators), on the second sheet, by their names
# on the screen.
INDICATORS = [(key, names.zh(name)) for key, name in names.INDICATORS.items()]


def _headers(by: str) -> list[str]:
    return ["代码", GROUP_HEADERS[by], *(header for header, _read, _share in COLUMNS)]


def _lines(board: dict) -> list[tuple[Any, str, dict]]:
    """(key, label, figures) per group, then the totals."""
    lines = [
        (row["key"], row["label"] if row["label"] is not None else NOBODY, row)
        for row in board["rows"]
    ]
    return [*lines, (board["unit"], f"{TOTAL}（{board['unit_name']}）", board["totals"])]


def filename(board: dict, extension: str) -> tuple[str, str]:
    """An ASCII name for old clients and the Chinese one (RFC 5987's ``filename*``)."""
    period = f"{board['from']}_{board['to']}"
    ascii_name = f"dashboard-{board['unit']}-{period}-{board['by']}.{extension}"
    name = f"线索闭环看板-{board['unit_name']}-{period}-{GROUP_HEADERS[board['by']]}.{extension}"
    return ascii_name, name


def content_disposition(board: dict, extension: str) -> str:
    ascii_name, name = filename(board, extension)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


def title(board: dict) -> str:
    """The title row, as the printed dashboard heads its page: what, whose, which days."""
    return f"{names.zh(names.TITLE)} · {board['unit_name']} · {board['from']} 至 {board['to']}"


def workbook(board: dict) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "线索闭环"
    sheet.append([title(board)])
    sheet.append(_headers(board["by"]))
    for key, label, figures in _lines(board):
        sheet.append([key, label, *(read(figures) for _header, read, _share in COLUMNS)])
    for row in sheet.iter_rows(min_row=3, min_col=3):
        for cell, (_header, _read, share) in zip(row, COLUMNS, strict=True):
            if share:
                cell.number_format = PERCENT
    _no_formulas(sheet)
    for cell in (*sheet[1], *sheet[2], *sheet[sheet.max_row]):  # title, headers, totals
        cell.font = BOLD
    sheet.freeze_panes = "C3"
    sheet.column_dimensions["B"].width = 24

    four = book.create_sheet("4×100%")
    four.append([title(board)])
    four.append(["指标", "完成", "基数", "比例"])
    for name, header in INDICATORS:
        figure = board["indicators"][name]
        four.append([header, figure["count"], figure["of"], figure["share"]])
        four.cell(four.max_row, 4).number_format = PERCENT
    four.append(["电子签名拒签", board["indicators"]["e_signed"]["refused"], None, None])
    _no_formulas(four)
    for cell in (*four[1], *four[2]):
        cell.font = BOLD
    four.column_dimensions["A"].width = 18
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _no_formulas(sheet) -> None:
    """Every text is a text: openpyxl takes a string beginning with ``=`` for a formula, and
    this workbook has none of its own."""
    for row in sheet.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"


def _csv_text(value: str) -> str:
    """A CSV has no types: text that would begin a formula gets the apostrophe that makes a
    spreadsheet read it as text (shown without it)."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _csv_value(value: Any, share: bool) -> Any:
    if value is None:
        return ""
    if share:  # Excel reads "85.71%" as the number 0.8571 shown as a percentage
        return f"{value * 100:.2f}%"
    return _csv_text(value) if isinstance(value, str) else value


def csv_bytes(board: dict) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(_headers(board["by"]))
    for key, label, figures in _lines(board):
        writer.writerow(
            [
                "" if key is None else _csv_value(key, False),
                _csv_text(label),
                *(_csv_value(read(figures), share) for _header, read, share in COLUMNS),
            ]
        )
    return out.getvalue().encode("utf-8-sig")


# -- the departments' board (server.console.departments) ------------------------------------

# (header, key, sub-key or None, is a share): one row per department.
DEPARTMENT_COLUMNS: list[tuple[str, str, str | None, bool]] = [
    ("协作申请", "requests", None, False),
    ("已反馈", "answered", "count", False),
    ("反馈率", "answered", "share", True),
    ("按期反馈", "answered_in_time", "count", False),
    ("按期反馈率", "answered_in_time", "share", True),
    ("不予协助", "refused", None, False),
    ("在办", "requests_open", None, False),
    ("逾期未办", "requests_overdue", None, False),
    ("移送", "transfers", None, False),
    ("已接收", "transfer_accepted", "count", False),
    ("接收率", "transfer_accepted", "share", True),
    ("退回争议", "transfer_disputed", None, False),
    ("已办结", "transfer_concluded", "count", False),
    ("办结率", "transfer_concluded", "share", True),
]
OPEN_KINDS = {"collaboration": "协作申请", "transfer": "移送", "case_transfer": "案件移送"}


def departments_title(board: dict) -> str:
    return f"部门协同 · {board['unit_name']} · {board['from']} 至 {board['to']}"


def departments_disposition(board: dict) -> str:
    period = f"{board['from']}_{board['to']}"
    ascii_name = f"departments-{board['unit']}-{period}.xlsx"
    name = f"部门协同-{board['unit_name']}-{period}.xlsx"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


def departments_workbook(board: dict) -> bytes:
    """How each department answered (the figures its evaluation reads), and what is open."""
    book = Workbook()
    sheet = book.active
    sheet.title = "部门响应与办结"
    sheet.append([departments_title(board)])
    sheet.append(["代码", "部门", *(header for header, *_ in DEPARTMENT_COLUMNS)])
    for d in board["departments"]:
        sheet.append(
            [
                d["code"],
                d["name"],
                *(d[k][sub] if sub else d[k] for _h, k, sub, _s in DEPARTMENT_COLUMNS),
            ]
        )
        for cell, (*_rest, share) in zip(sheet[sheet.max_row][2:], DEPARTMENT_COLUMNS, strict=True):
            if share:
                cell.number_format = PERCENT
    sheet.freeze_panes = "C3"
    sheet.column_dimensions["B"].width = 24

    still = book.create_sheet("待办协作与移送")
    still.append([departments_title(board)])
    still.append(["编号", "类别", "部门", "申请乡镇", "发送日期", "期限", "逾期", "状态"])
    for item in board["open"]["items"]:
        still.append(
            [item["code"], OPEN_KINDS[item["kind"]], item["department_name"], item["unit"],
             item["since"], item["due"], "是" if item["overdue"] else "", item["status_name"]]
        )  # fmt: skip
    still.column_dimensions["A"].width = 32
    for each in (sheet, still):
        _no_formulas(each)
        for cell in (*each[1], *each[2]):  # title, headers
            cell.font = BOLD
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
