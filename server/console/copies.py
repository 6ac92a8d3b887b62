"""抄告: what a department reads, for information, of the cases townships handle in its
name (seeds 004: 相关业务主管部门的全部或部分行政处罚权下放乡镇(街道)后应当与乡镇(街道)
建立案件移送相互抄告制度; 执法证据和行政处罚结果互认机制, 实现证据互认、结果互通).

A township opens a case only on a matter the province devolved to it (赋权清单, arts. 24,
38: ``sync.cases.power_to_act_art_24_38``); the catalogue names the department each matter
was devolved from. That department is copied, without a step to take, on each such case of
its county once the township has an outcome: decided (with the penalty), ended without a
penalty, transferred to another agency (移送) or handed to the police. It reads what it
needs to keep its own records straight (the case's code, township, matter, outcome and its
day), never the party's identity: the copy is about the power's use, not about the person.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from server.cases.models import Case
from server.catalogue.models import Matter
from server.core.db import db
from server.units import names
from server.units.models import AdminUnit, Department

# The outcomes a department is copied on (the case's status once it has one).
OUTCOMES = (
    "decided",
    "served",
    "paid",
    "closed",
    "not_penalised",
    "not_established",
    "transferred_out",
    "transfer_received",
    "handed_over",
)
PAGE_MAX = 200


def copies(department: Department, limit: int, offset: int) -> dict[str, Any]:
    """The cases copied to ``department``, the latest outcome first: ``total`` and one page."""
    county = db.session.get(AdminUnit, department.unit_id)
    where = (
        Matter.department_id == department.id,
        Case.status.in_(OUTCOMES),
        Case.unit_id.in_(
            sa.select(AdminUnit.id).where(AdminUnit.path.startswith(county.path, autoescape=True))
        ),
    )
    base = sa.select(Case).join(Matter, Case.matter_id == Matter.id).where(*where)
    total = db.session.execute(sa.select(sa.func.count()).select_from(base.subquery())).scalar_one()
    rows = db.session.execute(
        sa.select(Case, Matter.code, Matter.name, AdminUnit.path)
        .join(Matter, Case.matter_id == Matter.id)
        .join(AdminUnit, Case.unit_id == AdminUnit.id)
        .where(*where)
        .order_by(Case.updated_at.desc(), Case.id)
        .limit(limit)
        .offset(offset)
    ).all()
    township_of = names.township_of()
    return {
        "department": {"code": department.code, "name": department.name},
        "total": total,
        "items": [
            _item(case, matter_code, matter_name, township_of(path))
            for case, matter_code, matter_name, path in rows
        ],
    }


def _item(case: Case, matter_code: str, matter_name: str, township: str) -> dict[str, Any]:
    f = case.data
    penalty = f.get("penalty") or None
    return {
        "code": case.code,
        "township": township,
        "matter_code": matter_code,
        "matter_name": matter_name,
        "procedure": case.procedure,
        "status": case.status,
        "decided_on": case.decided_on.isoformat() if case.decided_on else None,
        "penalty": {"kind": penalty["kind"], "amount_fen": penalty["amount_fen"]}
        if penalty
        else None,
        "ended_on": f.get("ended_on"),
        "transferred_agency": f.get("transferred_agency"),
        "police_unit": f.get("police_unit"),
        "updated_at": case.updated_at.isoformat(),
    }
