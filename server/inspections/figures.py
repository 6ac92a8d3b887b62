"""The seeds' figures for inspections (丽水 reply, seeds 001 §2: 跨部门联合双随机监管率,
减少企业干扰户次), for a unit's dashboard over a period.

The visits counted are those of the plans the unit answers for (a township: its own; a
county: its townships' and its departments') whose period shares a day with the one asked.

- drawn (抽取): the visits as the draws made them, one per plan and object;
- to do (应检查): the visits that will actually happen — the joint visits and the drawn
  ones not merged into one;
- done (已检查): of those, the ones done (planned vs done);
- joint share (合并率): drawn visits merged into a joint visit, over drawn visits;
- visits per object (户均检查次数), before merging (drawn / objects) and after (to do /
  objects): the burden on a business the merging lifts; the difference, in visits, is
  the seeds' "减少企业干扰户次".
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from server.cases.indicators import share
from server.core.db import db
from server.inspections.models import InspectionPlan, InspectionVisit, VisitStatus
from server.units.models import AdminUnit, Department, UnitLevel


def _plan_ids(unit: AdminUnit, start: dt.date, end: dt.date) -> set[int]:
    under = sa.select(AdminUnit.id).where(AdminUnit.path.startswith(unit.path, autoescape=True))
    owners = [InspectionPlan.unit_id.in_(under)]
    if unit.level == UnitLevel.COUNTY:
        owners.append(
            InspectionPlan.department_id.in_(
                sa.select(Department.id).where(Department.unit_id == unit.id)
            )
        )
    stmt = sa.select(InspectionPlan.id).where(
        sa.or_(*owners), InspectionPlan.period_start <= end, InspectionPlan.period_end >= start
    )
    return set(db.session.execute(stmt).scalars())


def _ratio(part: int, base: int) -> float | None:
    return round(part / base, 2) if base else None


def inspection_figures(unit: AdminUnit, start: dt.date, end: dt.date) -> dict[str, Any]:
    plans = _plan_ids(unit, start, end)
    rows = db.session.execute(
        sa.select(
            InspectionVisit.object_id,
            InspectionVisit.plan_ids,
            InspectionVisit.joint,
            InspectionVisit.status,
        ).where(InspectionVisit.period_start <= end, InspectionVisit.period_end >= start)
    ).all()
    ours = [r for r in rows if plans & set(r.plan_ids)]
    drawn = [r for r in ours if not r.joint]
    to_do = [r for r in ours if r.status != VisitStatus.MERGED]
    done = sum(1 for r in to_do if r.status == VisitStatus.DONE)
    merged = sum(1 for r in drawn if r.status == VisitStatus.MERGED)
    objects = len({r.object_id for r in ours})
    return {
        "plans": len(plans),
        "drawn": len(drawn),
        "joint_visits": sum(1 for r in ours if r.joint),
        "done": share(done, len(to_do)),
        "joint_share": share(merged, len(drawn)),
        "objects": objects,
        "visits_per_object_before": _ratio(len(drawn), objects),
        "visits_per_object_after": _ratio(len(to_do), objects),
        "visits_spared": len(drawn) - len(to_do),
    }
