"""Who sees which plans, draws and visits. Who sees a plan is a jurisdiction rule like every
other (``server/accounts/jurisdiction.py``: a record outside the caller's reach is a 404, as
if it did not exist); here, what follows from it:

- the register of objects: everyone of the county who plans or inspects;
- a visit: whoever sees one of the plans it serves.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_smorest import abort

from server.accounts.jurisdiction import visible
from server.accounts.models import Role, User
from server.core.db import db
from server.inspections.models import InspectionPlan, InspectionVisit
from server.units.models import AdminUnit, UnitLevel

PLANNERS = (Role.DISPATCHER, Role.LEADER, Role.ADMIN, Role.DEPARTMENT)


def county_of(user: User) -> AdminUnit | None:
    """The county whose register the user works on: his unit's, or his department's."""
    code = user.unit.ancestor_at(UnitLevel.COUNTY)
    return db.session.execute(
        sa.select(AdminUnit).where(AdminUnit.code == code)
    ).scalar_one_or_none()


def plan_rule(user: User) -> sa.ColumnElement[bool]:
    return visible(InspectionPlan, user)


def plans(user: User) -> sa.Select:
    return sa.select(InspectionPlan).where(plan_rule(user))


MAX_ID = 2**31 - 1  # an integer key: a larger id names nothing (and overflows SQLite's)


def plan_or_404(plan_id: int, user: User, *, lock: bool = False) -> InspectionPlan:
    """``lock``: for a transition, the plan's row is held to the end of the transaction, so
    two leaders' clicks approve, draw or publish it once (SQLite writes one at a time)."""
    if not 0 < plan_id <= MAX_ID:
        abort(404, message="inspection plan not found")
    stmt = plans(user).where(InspectionPlan.id == plan_id)
    if lock:
        stmt = stmt.with_for_update(of=InspectionPlan)
    plan = db.session.execute(stmt).unique().scalar_one_or_none()
    if plan is None:
        abort(404, message="inspection plan not found")
    return plan


def visible_plan_ids(user: User) -> set[int]:
    return set(db.session.execute(sa.select(InspectionPlan.id).where(plan_rule(user))).scalars())


def visits(user: User, *statuses: str, lock: bool = False) -> list[InspectionVisit]:
    """The visits serving a plan the user sees. Plans per visit are a JSON list, read here
    rather than in SQL: a county has hundreds of visits a period, not millions."""
    county = county_of(user)
    if county is None:
        return []
    seen = visible_plan_ids(user)
    stmt = sa.select(InspectionVisit).where(InspectionVisit.county_id == county.id)
    if statuses:
        stmt = stmt.where(InspectionVisit.status.in_(statuses))
    if lock:  # a merge: two confirmations of one proposal make one joint visit
        stmt = stmt.with_for_update(of=InspectionVisit)
    rows = db.session.execute(stmt.order_by(InspectionVisit.id)).unique().scalars()
    return [v for v in rows if seen & set(v.plan_ids)]


def visit_or_404(visit_id: int, user: User, *, lock: bool = False) -> InspectionVisit:
    """A visit the user was drawn for, or serving a plan he sees; else 404."""
    if not 0 < visit_id <= MAX_ID:
        abort(404, message="inspection visit not found")
    stmt = sa.select(InspectionVisit).where(InspectionVisit.id == visit_id)
    if lock:
        stmt = stmt.with_for_update(of=InspectionVisit)
    visit = db.session.execute(stmt).unique().scalar_one_or_none()
    if visit is None or not (
        user.id in visit.officers or visible_plan_ids(user) & set(visit.plan_ids)
    ):
        abort(404, message="inspection visit not found")
    return visit
