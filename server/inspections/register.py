"""The county's register of inspection objects (检查对象名录库), imported from the workbook the
county keeps in Excel: one sheet, a header row, one object a row.

All or nothing: every bad row is reported (row number as Excel shows it, the column's
header, why), and nothing is stored unless every row is good, so a half-imported register
never feeds a draw. A row whose code is already in the register updates that object.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from openpyxl import Workbook, load_workbook

from server.catalogue.models import Matter
from server.core.api import DomainError
from server.core.db import db
from server.inspections.identifiers import identifier_problem
from server.inspections.models import RISK_GRADES, InspectionObject
from server.units.models import AdminUnit, Department, UnitLevel
from sync.values import bidi_problem

MAX_BYTES = 5 * 1024 * 1024
MAX_UNPACKED = 100 * 1024 * 1024  # 20,000 rows of a register unpack to ~10 MB
MAX_ROWS = 20_000
MAX_ERRORS = 200  # enough to fix a file by; the rest would only bury them
# The header of each column, as the county's workbook writes it, and the field it fills.
COLUMNS = {
    "统一社会信用代码": "credit_code",  # or a sole trader's 身份证号
    "名称": "name",
    "地址": "address",
    "纬度": "lat",
    "经度": "lng",
    "检查事项": "matter_codes",
    "风险等级": "risk_grade",
    "涉及部门": "departments",
    "所属乡镇": "township_id",  # the township's code or name; empty: the county's alone
}
OPTIONAL = {"纬度", "经度", "涉及部门", "所属乡镇"}
GRADE_NAMES = {"高": "high", "中": "medium", "低": "low", **{g: g for g in RISK_GRADES}}
_LIST_SEPARATORS = re.compile(r"[,，、;；\s]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"第{self.row}行 {self.column}: {self.message}"


def template() -> bytes:
    """An empty register with its header row, for the county to fill in."""
    book = Workbook()
    sheet = book.active
    sheet.title = "检查对象"
    sheet.append(list(COLUMNS))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _rows(data: bytes) -> list[tuple]:
    if len(data) > MAX_BYTES:
        raise _file_error(f"larger than {MAX_BYTES // (1024 * 1024)} MB")
    # An .xlsx is a zip: its parts are measured before openpyxl reads them (it reads the
    # shared strings whole, even read-only), so a small file that unpacks to gigabytes (a zip
    # bomb) is refused, not unpacked.
    try:
        unpacked = sum(part.file_size for part in zipfile.ZipFile(io.BytesIO(data)).infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _file_error("not an .xlsx workbook") from None
    if unpacked > MAX_UNPACKED:
        raise _file_error(f"unpacks to more than {MAX_UNPACKED // (1024 * 1024)} MB")
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise _file_error("not an .xlsx workbook") from None
    try:
        rows = []
        for row in book.worksheets[0].iter_rows(values_only=True):
            rows.append(row)
            if len(rows) > MAX_ROWS + 1:
                raise _file_error(f"more than {MAX_ROWS} rows")
        return rows
    finally:
        book.close()


def _file_error(why: str) -> DomainError:
    return DomainError(f"file: {why}", code="invalid", status=422, fields={"file": [why]})


def _text(value: Any, limit: int, *, required: bool = True) -> str:
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise ValueError("required")
    if len(text) > limit:
        raise ValueError(f"at most {limit} characters")
    if _CONTROL.search(text):
        raise ValueError("must not contain control characters")
    if problem := bidi_problem(text):
        raise ValueError(problem)
    return text


def _degrees(value: Any, bound: float) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError("must be a number of degrees") from None
    if not -bound <= number <= bound:
        raise ValueError(f"must be between -{bound:g} and {bound:g}")
    return number


def _codes(value: Any, known: dict[str, Any], what: str) -> list[str]:
    codes = sorted({c for c in _LIST_SEPARATORS.split(_text(value, 2000, required=False)) if c})
    for code in codes:
        if code not in known:
            raise ValueError(f"unknown {what} {code!r}")
    return codes


def _township(value: Any, townships: dict[str, int]) -> int | None:
    text = _text(value, 100, required=False)
    if not text:
        return None
    if text not in townships:
        raise ValueError(f"no township {text!r} in this county")
    return townships[text]


def _parse(row: tuple, at: dict[str, int], known: dict[str, dict]) -> tuple:
    """(fields, errors) for one row."""
    fields: dict[str, Any] = {}
    errors: list[tuple[str, str]] = []
    matters = known["matters"]

    def cell(header: str) -> Any:
        index = at.get(header)
        return row[index] if index is not None and index < len(row) else None

    parsers = {
        "统一社会信用代码": lambda v: _identifier(v),
        "名称": lambda v: _text(v, 200),
        "地址": lambda v: _text(v, 300),
        "纬度": lambda v: _degrees(v, 90),
        "经度": lambda v: _degrees(v, 180),
        "检查事项": lambda v: _codes(v, matters, "matter") or _none("at least one matter code"),
        "风险等级": _grade,
        "涉及部门": lambda v: _codes(v, known["departments"], "department"),
        "所属乡镇": lambda v: _township(v, known["townships"]),
    }
    for header, parse in parsers.items():
        try:
            fields[COLUMNS[header]] = parse(cell(header))
        except ValueError as error:
            errors.append((header, str(error)))
    if not errors and (fields["lat"] is None) != (fields["lng"] is None):
        errors.append(("经度" if fields["lng"] is None else "纬度", "give both or neither"))
    if not errors and not fields["departments"]:
        # The departments concerned are, by default, those that hold the matters.
        fields["departments"] = sorted(
            {matters[c].department.code for c in fields["matter_codes"] if matters[c].department}
        )
    return fields, errors


def _none(why: str):
    raise ValueError(why)


def _identifier(value: Any) -> str:
    code = _text(value, 18 + 10).upper()
    if problem := identifier_problem(code):
        raise ValueError(problem)
    return code


def _grade(value: Any) -> str:
    text = _text(value, 10)
    if text.lower() not in GRADE_NAMES and text not in GRADE_NAMES:
        raise ValueError("must be 高, 中 or 低 (high, medium, low)")
    return GRADE_NAMES.get(text, GRADE_NAMES.get(text.lower()))


def import_register(data: bytes, county_id: int) -> dict[str, int]:
    """Read a workbook, check every row, then store all of it or nothing. Returns how many
    objects were added and updated; raises ``DomainError`` (422) listing the bad rows."""
    rows = _rows(data)
    if not rows:
        raise _file_error("the sheet is empty")
    header = [str(h).strip() if h is not None else "" for h in rows[0]]
    missing = [h for h in COLUMNS if h not in header and h not in OPTIONAL]
    if missing:
        raise _file_error(f"missing column {missing[0]} (the first row names the columns)")
    at = {h: header.index(h) for h in COLUMNS if h in header}
    townships = {}
    for unit in db.session.execute(
        sa.select(AdminUnit).where(
            AdminUnit.parent_id == county_id, AdminUnit.level == UnitLevel.TOWNSHIP.value
        )
    ).scalars():
        townships[unit.code] = townships[unit.name] = unit.id
    known = {
        "matters": {m.code: m for m in db.session.execute(sa.select(Matter)).scalars()},
        "departments": {d.code: d for d in db.session.execute(sa.select(Department)).scalars()},
        "townships": townships,
    }

    errors: list[RowError] = []
    parsed: dict[str, dict] = {}
    for number, row in enumerate(rows[1:], start=2):  # Excel's row numbers: the header is 1
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in row):
            continue
        fields, problems = _parse(row, at, known)
        errors.extend(RowError(number, column, why) for column, why in problems)
        code = fields.get("credit_code")
        if code and code in parsed:
            errors.append(
                RowError(number, "统一社会信用代码", f"repeats row {parsed[code]['row']}")
            )
        elif code:
            parsed[code] = {**fields, "row": number}
    if errors:
        shown = [str(e) for e in errors[:MAX_ERRORS]]
        raise DomainError(
            f"{len(errors)} problems in the register; nothing was imported",
            code="invalid",
            status=422,
            fields={"file": shown},
        )
    if not parsed:
        raise _file_error("no objects below the header row")

    existing = {
        o.credit_code: o
        for o in db.session.execute(
            sa.select(InspectionObject).where(InspectionObject.county_id == county_id)
        ).scalars()
    }
    added = updated = 0
    for code, fields in parsed.items():
        fields = {k: v for k, v in fields.items() if k != "row"}
        if code in existing:
            for key, value in fields.items():
                setattr(existing[code], key, value)
            updated += 1
        else:
            db.session.add(InspectionObject(county_id=county_id, **fields))
            added += 1
    db.session.flush()
    return {"added": added, "updated": updated}
