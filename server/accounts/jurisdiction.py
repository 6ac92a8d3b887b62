"""Who may see what: the one place that scopes every query to a user's jurisdiction.

Every endpoint loads records through ``scoped`` or ``get_visible_or_404``; none writes its
own filter. A record outside the caller's jurisdiction is indistinguishable from one that
does not exist (404), so its existence is never confirmed.

The rules (DESIGN §1, §5):
- everyone's jurisdiction is the subtree of his unit (a township officer: his township and
  its villages and grids; a county dispatcher: the county);
- a grid worker sees the clues of his grid and every clue he reported himself, wherever;
- supervisors and officers see the people of their subtree; anyone else only himself;
- a department user sees the clues transferred (移送) to his department, with their notes
  and evidence, and nothing else of a township's;
- cases, their inspection records and collaboration requests hold a party's personal data:
  only staff of the case's unit (officers, dispatchers, reviewers, leaders, admins) see them,
  never a grid worker; the department a request is addressed to sees the request (with
  the case's facts it carries, sync.cases.case_facts), never the case;
- notes and evidence on a clue follow the clue; a visit's photos follow its record; a body
  camera's file imported at the desk is its township's staff's (and the county's); an
  upload in progress is its sender's; a sync conflict is seen by the person whose value was
  kept aside and by the supervisors (dispatcher, leader) of the record's unit;
- an inspection plan (双随机) is its township's and the county's, or its department's and the
  county's; its draw and visits follow it (server/inspections/scope.py);
- the catalogue of matters is the same for everyone logged in.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask_smorest import abort

from server.accounts.models import Device, Role, User
from server.cases.models import Case, Collaboration, Inspection
from server.catalogue.models import Empowerment, Matter
from server.clues.models import Clue, ClueNote
from server.core.db import db
from server.evidence.models import Evidence, ImportedVideo, Upload, VisitPhoto
from server.inspections.models import InspectionPlan, VisitRecord
from server.sync_api.models import SyncConflict
from server.units.models import AdminUnit, Department, UnitLevel

STAFF_ROLES = (Role.OFFICER, Role.DISPATCHER, Role.REVIEWER, Role.LEADER, Role.ADMIN)
UNIT_ROLES = (Role.GRID_WORKER, *STAFF_ROLES)
SUPERVISOR_ROLES = (Role.DISPATCHER, Role.LEADER)


def _units_under(user: User) -> sa.Select:
    return sa.select(AdminUnit.id).where(AdminUnit.path.startswith(user.unit.path, autoescape=True))


# ``units`` below: the ids of the user's units, as the subquery above, or as the values
# themselves when a caller resolved them once (the pull: a planner that sees the values can
# read a (unit_id, seq) index for them; behind a subquery PostgreSQL walks every change).
Units = sa.Select | sa.BindParameter


def units_of(user: User) -> sa.ScalarSelect:
    """The ids of the units in the user's jurisdiction (his unit's subtree), as one value to
    read with another statement (the pull reads them with its generation: a round trip
    less on every page): an array on PostgreSQL, a JSON list on SQLite (``unit_ids``)."""
    under = _units_under(user)
    if db.session.get_bind().dialect.name == "postgresql":
        ids = sa.func.array_agg(AdminUnit.id, type_=sa.ARRAY(sa.Integer))
    else:
        ids = sa.func.json_group_array(AdminUnit.id)
    return under.with_only_columns(ids).scalar_subquery()


def unit_ids(value: list[int] | str) -> list[int]:
    """The ids ``units_of`` read."""
    return value if isinstance(value, list) else json.loads(value)


def _unit_rule(user: User, _units: Units) -> sa.ColumnElement[bool]:
    return AdminUnit.path.startswith(user.unit.path, autoescape=True)


def _clue_rule(user: User, units: Units) -> sa.ColumnElement[bool]:
    rules = []
    if user.has_role(*UNIT_ROLES):
        rules.append(Clue.unit_id.in_(units))
    if user.has_role(Role.GRID_WORKER):
        rules.append(Clue.reporter_id == user.id)
    if user.has_role(Role.DEPARTMENT) and user.department_id is not None:
        rules.append(Clue.transferred_to_id == user.department_id)
        # The clue of a case transferred to it (移送 goes with its evidence): the department
        # reads its photos with the case.
        received = sa.select(Case.clue_id).where(Case.transferred_to_id == user.department_id)
        rules.append(Clue.id.in_(received))
    return sa.or_(*rules) if rules else sa.false()


def _case_rule(user: User, units: Units) -> sa.ColumnElement[bool]:
    rules = []
    if user.has_role(*STAFF_ROLES):
        rules.append(Case.unit_id.in_(units))
    if user.has_role(Role.DEPARTMENT) and user.department_id is not None:
        # A case transferred out (移送) to his department: it receives it.
        rules.append(Case.transferred_to_id == user.department_id)
    return sa.or_(*rules) if rules else sa.false()


# Records that follow their parent: whoever may see the parent may see them. Notes and
# evidence follow their clue; a case's inspection records and collaboration requests
# follow the case; a visit's photos follow its record. The parent, and the column that
# names it.
FOLLOWS: dict[type, tuple[type, Any]] = {
    ClueNote: (Clue, ClueNote.clue_id),
    Evidence: (Clue, Evidence.clue_id),
    Inspection: (Case, Inspection.case_id),
    Collaboration: (Case, Collaboration.case_id),
    # The table's column, not the subclass's attribute: naming it would add the subclass's
    # discriminator (a CASE of three) to a pull's statement, and SQLite then read every row
    # of evidence for a grid worker's visit photos. A visit's photo is the row whose visit
    # record is visible, which the rule says already.
    VisitPhoto: (VisitRecord, VisitPhoto.__table__.c.visit_record_id),
}


# Records addressed to a department (sync.workflow's "addressed"), and the column naming it:
# the department's users see them whoever may see their parent. (A clue's transferred_to is
# in the clue's own rule.)
ADDRESSED: dict[type, Any] = {Collaboration: Collaboration.department_id}


def addressed_rule(model: type, user: User) -> sa.ColumnElement[bool] | None:
    """The records of ``model`` addressed to the user's department, or None when none are."""
    if model not in ADDRESSED or not user.has_role(Role.DEPARTMENT) or user.department_id is None:
        return None
    return ADDRESSED[model] == user.department_id


def _following_rule(model: type) -> Callable[[User, Units], sa.ColumnElement[bool]]:
    parent, key = FOLLOWS[model]

    def rule(user: User, units: Units) -> sa.ColumnElement[bool]:
        # Correlated, so only the records a query already picked are checked: an IN over
        # every visible parent would be built again for each page of a pull.
        following = sa.exists().where(parent.id == key, RULES[parent](user, units))
        addressed = addressed_rule(model, user)
        return following if addressed is None else sa.or_(following, addressed)

    return rule


def _imported_video_rule(user: User, units: Units) -> sa.ColumnElement[bool]:
    # A body camera's file in a township's import inbox: that township's staff, and the
    # county's above it (the same as a case's, to which its ranges are linked).
    if not user.has_role(*STAFF_ROLES):
        return sa.false()
    # The table's column, not the subclass's attribute: naming the subclass would add its
    # "is an import" criterion to the whole statement, and a query for any evidence the
    # user sees (``service.visible_evidence``) would then find imports only.
    return ImportedVideo.__table__.c.import_unit_id.in_(units)


def _upload_rule(user: User, _units: Units) -> sa.ColumnElement[bool]:
    # An upload in progress is its sender's alone.
    return Upload.user_id == user.id


def _inspection_plan_rule(user: User, units: Units) -> sa.ColumnElement[bool]:
    """A township's inspection plan: the staff of that township and of the county above it.
    A department's plan: that department's users, and the county's staff (the command
    centre coordinates 综合查一次 across departments, seeds 004)."""
    rules = []
    if user.has_role(*STAFF_ROLES):
        rules.append(InspectionPlan.unit_id.in_(units))
        if user.unit.level == UnitLevel.COUNTY:
            departments = sa.select(Department.id).where(Department.unit_id.in_(units))
            rules.append(InspectionPlan.department_id.in_(departments))
    if user.department_id is not None:
        rules.append(InspectionPlan.department_id == user.department_id)
    return sa.or_(*rules) if rules else sa.false()


def _visit_record_rule(user: User, units: Units) -> sa.ColumnElement[bool]:
    """A visit's record: the pair drawn for it (who made it, and his partner), and the
    staff of the unit whose visit it was (a township's, or the county's)."""
    rules = [VisitRecord.reporter_id == user.id, VisitRecord.partner_id == user.id]
    if user.has_role(*STAFF_ROLES):
        rules.append(VisitRecord.unit_id.in_(units))
    return sa.or_(*rules)


def _conflict_rule(user: User, units: Units) -> sa.ColumnElement[bool]:
    # The person whose value was kept aside, and the supervisors who resolve it.
    rules = [SyncConflict.device_by == user.id]
    if user.has_role(*SUPERVISOR_ROLES):
        rules.append(SyncConflict.unit_id.in_(units))
    return sa.or_(*rules)


def _user_rule(user: User, units: Units) -> sa.ColumnElement[bool]:
    if user.has_role(*STAFF_ROLES):
        return sa.or_(User.id == user.id, User.unit_id.in_(units))
    return User.id == user.id


def _device_rule(user: User, units: Units) -> sa.ColumnElement[bool]:
    if user.has_role(Role.ADMIN):
        return Device.user_id.in_(
            sa.select(User.id).where(sa.or_(User.id == user.id, User.unit_id.in_(units)))
        )
    return Device.user_id == user.id


def _empowerment_rule(user: User, units: Units) -> sa.ColumnElement[bool]:
    return Empowerment.unit_id.in_(units)


def _everyone(_user: User, _units: Units) -> sa.ColumnElement[bool]:
    return sa.true()


RULES: dict[type, Callable[[User, Units], sa.ColumnElement[bool]]] = {
    AdminUnit: _unit_rule,
    Clue: _clue_rule,
    Case: _case_rule,
    **{model: _following_rule(model) for model in FOLLOWS},
    ImportedVideo: _imported_video_rule,
    Upload: _upload_rule,
    SyncConflict: _conflict_rule,
    User: _user_rule,
    Device: _device_rule,
    Empowerment: _empowerment_rule,
    InspectionPlan: _inspection_plan_rule,
    VisitRecord: _visit_record_rule,
    Matter: _everyone,
}


def rule_inputs(user: User) -> tuple:
    """Everything of ``user`` the rules above read. A statement built from them for one
    user stays right while these are unchanged: the pull keeps the statements it built for
    a user's next pages under this key (``sync_api.pull``). A rule that reads anything
    else of the user must add it here."""
    return (
        user.id,
        user.unit_id,
        user.unit.path,
        user.unit.level,
        user.department_id,
        tuple(sorted(user.roles)),
    )


def visible(
    model: type, user: User, *, units: list[int] | None = None, from_parents: bool = False
) -> sa.ColumnElement[bool]:
    """The rule for ``model`` as a filter. ``units``: the user's unit ids when the caller
    resolved them (``units_of``). ``from_parents``, for a record that follows its parent:
    the same rule written the other way round, its parent among the visible ones, for a
    query that starts from the parents because they are few (the pull)."""
    try:
        rule = RULES[model]
    except KeyError:
        raise LookupError(f"no jurisdiction rule for {model.__name__}") from None
    # One expanding parameter for the list: ``in_`` would coerce each of a county's ids
    # again for every statement.
    scope = (
        _units_under(user)
        if units is None
        else sa.bindparam("units", units, expanding=True, unique=True, type_=sa.Integer)
    )
    if from_parents and model in FOLLOWS:
        parent, key = FOLLOWS[model]
        following = key.in_(sa.select(parent.id).where(RULES[parent](user, scope)))
        addressed = addressed_rule(model, user)
        return following if addressed is None else sa.or_(following, addressed)
    return rule(user, scope)


def scoped(model: type, user: User, stmt: sa.Select | None = None) -> sa.Select:
    stmt = sa.select(model) if stmt is None else stmt
    return stmt.where(visible(model, user))


def get_visible_or_404(model: type, ident: Any, user: User, *, key=None):
    column = key if key is not None else model.__mapper__.primary_key[0]
    record = (
        db.session.execute(scoped(model, user).where(column == ident)).unique().scalar_one_or_none()
    )
    if record is None:
        abort(404, message=f"{model.__name__.lower()} not found")
    return record


def unit_in_jurisdiction(user: User, unit: AdminUnit) -> bool:
    return user.unit.contains(unit)
