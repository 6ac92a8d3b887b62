"""The county's departments in the loop (部门协同): what a unit's townships asked or
transferred to each department, and how each answered, over a period, for the county
command centre and the evaluation of departments (考核: seeds 004, 市综合行政执法指导办公室
加强执法协调和考核，考核结果纳入部门、乡镇(街道)年度考核).

Per department, from the records alone:
- requests (执法协作申请) sent in the period: how many were answered, answered by their due
  day (5 working days, 10 once extended), refused, still open, and open past their due day;
- transfers (移送) that stand with the department, of clues reported in the period and of
  cases transferred out in it (the case's ``ended_on``): how many it accepted (opening its
  own case: for a case, received with its number), sent back (in dispute, for the county to
  arbitrate) and, of the clues, concluded (their result is the reporter's feedback; a
  received case goes on as the department's own). A transfer the county gave back to the
  township is the township's again and is no longer counted against the department;
- what is open now, whenever sent: every request not yet answered and every transfer not
  yet accepted, concluded or decided, the overdue ones first.

Each share is a count and its base (``indicators.share``): a share of nothing is not 100 %.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from server.cases.indicators import bounds, share
from server.cases.models import Case, Collaboration
from server.clues.models import Clue
from server.core.db import db
from server.units import names
from server.units.models import AdminUnit, Department
from sync.cases import CHINA
from sync.workflow import WORKFLOW

RUNNING = WORKFLOW["collaboration"]["clocks"]["due"]["running"]
OPEN_TRANSFER = ("transferred", "transfer_disputed", "transfer_accepted")
# A case transferred to a department waits on it until received, or on the county in dispute.
OPEN_CASE_TRANSFER = ("transferred_out", "transfer_disputed")
TRANSFERRED_ON = Case.data["ended_on"].as_string()  # the day the case was transferred out


def _units(unit: AdminUnit) -> sa.ScalarSelect:
    return (
        sa.select(AdminUnit.id)
        .where(AdminUnit.path.startswith(unit.path, autoescape=True))
        .scalar_subquery()
    )


def figures(
    unit: AdminUnit, start: dt.date, end: dt.date, today: dt.date, shown: int | None = None
) -> dict[str, Any]:
    """``shown``: how many open items to list (the screen's first ``OPEN_SHOWN``; a file
    lists them all)."""
    units = _units(unit)
    lo, hi = bounds(start, end)
    count = sa.func.count
    requests = {
        row.department_id: row
        for row in db.session.execute(
            sa.select(
                Collaboration.department_id,
                count().label("sent"),
                count().filter(Collaboration.status == "answered").label("answered"),
                count()
                .filter(Collaboration.status == "answered", Collaboration.answered_late.is_(False))
                .label("in_time"),
                count().filter(Collaboration.status == "refused").label("refused"),
                count().filter(Collaboration.status.in_(RUNNING)).label("open"),
                count()
                .filter(Collaboration.status.in_(RUNNING), Collaboration.due < today)
                .label("overdue"),
            )
            .join(Case, Case.id == Collaboration.case_id)
            .where(Case.unit_id.in_(units), Collaboration.sent_on.between(start, end))
            .group_by(Collaboration.department_id)
        )
    }
    transfers = {
        row.transferred_to_id: row
        for row in db.session.execute(
            sa.select(
                Clue.transferred_to_id,
                count().label("transferred"),
                count()
                .filter(Clue.status.in_(("transfer_accepted", "transfer_concluded")))
                .label("accepted"),
                count().filter(Clue.status == "transfer_disputed").label("disputed"),
                count().filter(Clue.status == "transfer_concluded").label("concluded"),
            )
            .where(
                Clue.unit_id.in_(units),
                Clue.transferred_to_id.is_not(None),
                Clue.created_at >= lo,
                Clue.created_at < hi,
            )
            .group_by(Clue.transferred_to_id)
        )
    }
    case_transfers = {
        row.transferred_to_id: row
        for row in db.session.execute(
            sa.select(
                Case.transferred_to_id,
                count().label("transferred"),
                count().filter(Case.status == "transfer_received").label("received"),
                count().filter(Case.status == "transfer_disputed").label("disputed"),
            )
            .where(
                Case.unit_id.in_(units),
                Case.transferred_to_id.is_not(None),
                TRANSFERRED_ON.between(start.isoformat(), end.isoformat()),
            )
            .group_by(Case.transferred_to_id)
        )
    }
    departments = db.session.execute(sa.select(Department).order_by(Department.code)).scalars()
    rows = []
    for d in departments:
        r, t, c = requests.get(d.id), transfers.get(d.id), case_transfers.get(d.id)
        sent = r.sent if r else 0
        clues = t.transferred if t else 0
        moved = clues + (c.transferred if c else 0)
        rows.append(
            {
                "code": d.code,
                "name": d.name,
                "requests": sent,
                "answered": share(r.answered if r else 0, sent),
                "answered_in_time": share(r.in_time if r else 0, sent),
                "refused": r.refused if r else 0,
                "requests_open": r.open if r else 0,
                "requests_overdue": r.overdue if r else 0,
                "transfers": moved,
                "transfer_accepted": share(
                    (t.accepted if t else 0) + (c.received if c else 0), moved
                ),
                "transfer_disputed": (t.disputed if t else 0) + (c.disputed if c else 0),
                "transfer_concluded": share(t.concluded if t else 0, clues),
            }
        )
    return {
        "unit": unit.code,
        "unit_name": unit.name,
        "from": start.isoformat(),
        "to": end.isoformat(),
        "departments": rows,
        "open": open_items(units, today, shown),
    }


RECORD_OF = {"collaboration": "collaboration", "transfer": "clue", "case_transfer": "case"}
OPEN_SHOWN = 200  # the board lists the first; it counts them all


def open_items(units: sa.ScalarSelect, today: dt.date, shown: int | None) -> dict[str, Any]:
    """Every request and transfer of these units still waiting on a department (or, in
    dispute, on the county): how many, how many overdue, and the first ``shown`` (all of them
    for None),
    the overdue first, then by due day or age; each with its township's name, the China
    day it was sent, and its department's and status's names."""
    township_of = names.township_of()
    requests = (
        sa.select(Collaboration.id)
        .join(Case, Case.id == Collaboration.case_id)
        .where(Case.unit_id.in_(units), Collaboration.status.in_(RUNNING))
    )
    transfers = sa.select(Clue.id).where(Clue.unit_id.in_(units), Clue.status.in_(OPEN_TRANSFER))
    case_transfers = sa.select(Case.id).where(
        Case.unit_id.in_(units),
        Case.transferred_to_id.is_not(None),
        Case.status.in_(OPEN_CASE_TRANSFER),
    )
    count = sa.func.count
    total, overdue, moved, cases_moved = db.session.execute(
        sa.select(
            sa.select(count()).select_from(requests.subquery()).scalar_subquery(),
            sa.select(count())
            .select_from(requests.where(Collaboration.due < today).subquery())
            .scalar_subquery(),
            sa.select(count()).select_from(transfers.subquery()).scalar_subquery(),
            sa.select(count()).select_from(case_transfers.subquery()).scalar_subquery(),
        )
    ).one()
    items = [
        {
            "kind": "collaboration",
            "id": str(row.id),
            "code": row.code,
            "department": row.department,
            "unit": township_of(row.path),
            "status": row.status,
            "since": row.sent_on.isoformat(),
            "due": row.due.isoformat(),
            "overdue": row.due < today,
        }
        for row in db.session.execute(
            sa.select(
                Collaboration.id,
                Collaboration.code,
                Collaboration.status,
                Collaboration.sent_on,
                Collaboration.due,
                Department.code.label("department"),
                AdminUnit.path,
            )
            .join(Case, Case.id == Collaboration.case_id)
            .join(AdminUnit, AdminUnit.id == Case.unit_id)
            .join(Department, Department.id == Collaboration.department_id)
            .where(Case.unit_id.in_(units), Collaboration.status.in_(RUNNING))
            .order_by(Collaboration.due, Collaboration.sent_on, Collaboration.code)
            .limit(shown)
        )
    ]
    items += [
        {
            "kind": "transfer",
            "id": str(row.id),
            "code": row.code,
            "department": row.department,
            "unit": township_of(row.path),
            "status": row.status,
            "since": (row.responded_at or row.created_at).astimezone(CHINA).date().isoformat(),
            "due": None,
            "overdue": False,
        }
        for row in db.session.execute(
            sa.select(
                Clue.id,
                Clue.code,
                Clue.status,
                Clue.responded_at,
                Clue.created_at,
                Department.code.label("department"),
                AdminUnit.path,
            )
            .join(AdminUnit, AdminUnit.id == Clue.unit_id)
            .join(Department, Department.id == Clue.transferred_to_id)
            .where(Clue.unit_id.in_(units), Clue.status.in_(OPEN_TRANSFER))
            .order_by(Clue.created_at, Clue.code)
            .limit(shown)
        )
    ]
    items += [
        {
            "kind": "case_transfer",
            "id": str(row.id),
            "code": row.code,
            "department": row.department,
            "unit": township_of(row.path),
            "status": row.status,
            "since": row.since,
            "due": None,
            "overdue": False,
        }
        for row in db.session.execute(
            sa.select(
                Case.id,
                Case.code,
                Case.status,
                TRANSFERRED_ON.label("since"),
                Department.code.label("department"),
                AdminUnit.path,
            )
            .join(AdminUnit, AdminUnit.id == Case.unit_id)
            .join(Department, Department.id == Case.transferred_to_id)
            .where(Case.id.in_(case_transfers))
            .order_by(TRANSFERRED_ON, Case.code)
            .limit(shown)
        )
    ]
    items = sorted(items, key=lambda i: (not i["overdue"], i["due"] or "9999", i["since"]))
    items = items[:shown]
    # Names for a file read away from the screen (the screen has its own, in its locale).
    department_names = dict(db.session.execute(sa.select(Department.code, Department.name)).all())
    for item in items:
        statuses = WORKFLOW[RECORD_OF[item["kind"]]]["statuses"]
        item["department_name"] = department_names.get(item["department"], item["department"])
        item["status_name"] = statuses[item["status"]]["zh-CN"]
    return {"total": total + moved + cases_moved, "overdue": overdue, "items": items}
