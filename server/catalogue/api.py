"""The catalogue of enforcement matters and townships' empowered subsets (赋权清单)."""

from __future__ import annotations

import marshmallow as ma
import sqlalchemy as sa
from flask_smorest import Blueprint, abort

from server.accounts.auth import current_user, login_required
from server.accounts.jurisdiction import get_visible_or_404
from server.accounts.models import Role, User
from server.audit import chain as audit
from server.audit.models import AuditEntry
from server.catalogue.models import Empowerment, Matter
from server.core.api import BEARER
from server.core.db import db, utcnow
from server.core.schemas import StrictSchema, Text
from server.units.models import AdminUnit, UnitLevel

blp = Blueprint("catalogue", __name__, description="Enforcement matters and empowerment")


class MatterSchema(ma.Schema):
    code = ma.fields.String()
    name = ma.fields.String()
    short_name = ma.fields.String(
        allow_none=True, metadata={"description": "what people call it, for short lists"}
    )
    domain = ma.fields.String()
    legal_basis = ma.fields.String(metadata={"description": "违法依据: the provision violated"})
    penalty_basis = ma.fields.String(
        allow_none=True, metadata={"description": "处罚依据: the provision setting the penalty"}
    )
    penalty_range = ma.fields.String()
    summary_procedure_allowed = ma.fields.Boolean()
    discretion = ma.fields.List(
        ma.fields.Dict(),
        metadata={
            "description": "The published discretion standard (裁量基准, art. 34): levels with "
            "their circumstances and fine range in fen, [{level, condition, fine_fen: [min, max]}]"
        },
    )
    department_code = ma.fields.Function(lambda m: m.department.code if m.department else None)
    empowered = ma.fields.Boolean(
        metadata={"description": "Whether the caller's township may handle it itself"}
    )


class EmpowermentSchema(ma.Schema):
    matter_code = ma.fields.Function(lambda e: e.matter.code)
    matter_name = ma.fields.Function(lambda e: e.matter.name)
    granted_at = ma.fields.DateTime()
    granted_by_id = ma.fields.Integer(allow_none=True)
    revoked_at = ma.fields.DateTime(allow_none=True)
    revoked_by_id = ma.fields.Integer(allow_none=True)


class GrantSchema(StrictSchema):
    matter_code = Text(required=True, validate=ma.validate.Length(min=1, max=64))


class EmpowermentQuerySchema(StrictSchema):
    include_history = ma.fields.Boolean(load_default=False)


def empowered_matter_ids(township_id: int | None) -> set[int]:
    if township_id is None:
        return set()
    return set(
        db.session.execute(
            sa.select(Empowerment.matter_id).where(
                Empowerment.unit_id == township_id, Empowerment.revoked_at.is_(None)
            )
        ).scalars()
    )


def township_of(unit: AdminUnit) -> AdminUnit | None:
    code = unit.ancestor_at(UnitLevel.TOWNSHIP)
    if code is None:
        return None
    return db.session.execute(sa.select(AdminUnit).where(AdminUnit.code == code)).scalar_one()


@blp.route("/matters")
@login_required
@blp.response(200, MatterSchema(many=True))
@blp.doc(security=BEARER)
def list_matters():
    """Every active matter, marked with whether the caller's township is empowered for it."""
    township = township_of(current_user().unit)
    empowered = empowered_matter_ids(township.id if township else None)
    matters = (
        db.session.execute(
            sa.select(Matter).where(Matter.active).order_by(Matter.domain, Matter.code)
        )
        .scalars()
        .all()
    )
    for matter in matters:
        matter.empowered = matter.id in empowered
    return matters


class DiscretionLevelSchema(StrictSchema):
    level = Text(required=True, validate=ma.validate.Length(min=1, max=40))
    condition = Text(required=True, validate=ma.validate.Length(min=1, max=500))
    fine_fen = ma.fields.List(
        ma.fields.Integer(validate=ma.validate.Range(min=0, max=10**12)),
        required=True,
        validate=ma.validate.Length(equal=2),
    )

    @ma.validates("fine_fen")
    def _range(self, value, **_kwargs):
        if value[0] > value[1]:
            raise ma.ValidationError("the lower bound comes first")


class MatterUpdateSchema(StrictSchema):
    legal_basis = Text(validate=ma.validate.Length(min=1, max=2000))
    penalty_basis = Text(allow_none=True, validate=ma.validate.Length(min=1, max=2000))
    penalty_range = Text(validate=ma.validate.Length(max=2000))
    discretion = ma.fields.List(ma.fields.Nested(DiscretionLevelSchema))


@blp.route("/matters/<code:code>", methods=["PATCH"])
@login_required(roles=(Role.ADMIN,))
@blp.arguments(MatterUpdateSchema)
@blp.response(200, MatterSchema)
@blp.doc(security=BEARER)
def update_matter(args, code):
    """A county administrator corrects a matter's bases (违法依据, 处罚依据), its penalty
    range and its published discretion standard (art. 34). The audit chain keeps every
    version (``matter.update`` with what it was and what it became): the catalogue's
    history, as grants and revocations are the empowerments'."""
    if current_user().unit.level != UnitLevel.COUNTY:
        abort(403, message="the catalogue is kept by a county administrator")
    matter = db.session.execute(
        sa.select(Matter).where(Matter.code == code, Matter.active)
    ).scalar_one_or_none()
    if matter is None:
        abort(404, message="matter not found")
    before = {field: getattr(matter, field) for field in args}
    for field, value in args.items():
        setattr(matter, field, value)
    changed = {f: {"from": before[f], "to": v} for f, v in args.items() if before[f] != v}
    if changed:
        audit.record("matter.update", "matter", matter.code, changed)
    db.session.commit()
    matter.empowered = matter.id in empowered_matter_ids(
        (t := township_of(current_user().unit)) and t.id
    )
    return matter


class MatterChangeSchema(ma.Schema):
    at = ma.fields.DateTime()
    by = ma.fields.String(metadata={"description": "who changed it (display name)"})
    changes = ma.fields.Dict(
        metadata={"description": "each field changed: {from, to}, as the audit chain holds it"}
    )


@blp.route("/matters/<code:code>/history")
@login_required
@blp.response(200, MatterChangeSchema(many=True))
@blp.doc(security=BEARER)
def matter_history(code):
    """A matter's corrections, newest first, read from the audit chain (``matter.update``):
    what each field was and became, when and by whom. The catalogue is the county's and every
    staff member reads it, as he reads the matters."""
    exists = db.session.execute(
        sa.select(Matter.id).where(Matter.code == code, Matter.active)
    ).scalar_one_or_none()
    if exists is None:
        abort(404, message="matter not found")
    rows = db.session.execute(
        sa.select(AuditEntry.at, User.display_name, AuditEntry.detail)
        .outerjoin(User, User.id == AuditEntry.actor_id)
        .where(
            AuditEntry.record_type == "matter",
            AuditEntry.record_id == code,
            AuditEntry.action == "matter.update",
        )
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(200)
    ).all()
    return [{"at": at, "by": name or "", "changes": detail} for at, name, detail in rows]


def _township_in_jurisdiction(code: str) -> AdminUnit:
    unit = get_visible_or_404(AdminUnit, code, current_user(), key=AdminUnit.code)
    if unit.level != UnitLevel.TOWNSHIP:
        abort(404, message="empowerment is granted to townships")
    return unit


@blp.route("/units/<code:code>/empowerments")
@login_required
@blp.arguments(EmpowermentQuerySchema, location="query")
@blp.response(200, EmpowermentSchema(many=True))
@blp.doc(security=BEARER)
def list_empowerments(args, code):
    """A township's empowered matters; with include_history, ended grants too."""
    unit = _township_in_jurisdiction(code)
    stmt = sa.select(Empowerment).where(Empowerment.unit_id == unit.id)
    if not args["include_history"]:
        stmt = stmt.where(Empowerment.revoked_at.is_(None))
    return db.session.execute(stmt.order_by(Empowerment.granted_at)).scalars().all()


@blp.route("/units/<code:code>/empowerments", methods=["POST"])
@login_required(roles=(Role.ADMIN,))
@blp.arguments(GrantSchema)
@blp.response(201, EmpowermentSchema)
@blp.doc(security=BEARER)
def grant(args, code):
    """Empower a township for a matter."""
    unit = _township_in_jurisdiction(code)
    matter = db.session.execute(
        sa.select(Matter).where(Matter.code == args["matter_code"], Matter.active)
    ).scalar_one_or_none()
    if matter is None:
        abort(422, errors={"json": {"matter_code": ["no such matter"]}})
    if matter.id in empowered_matter_ids(unit.id):
        abort(409, errors={"json": {"matter_code": ["already empowered"]}})
    grant = Empowerment(unit_id=unit.id, matter=matter, granted_by_id=current_user().id)
    db.session.add(grant)
    audit.record("empowerment.grant", "unit", unit.code, {"matter": matter.code})
    db.session.commit()
    return grant


@blp.route("/units/<code:code>/empowerments/<code:matter_code>", methods=["DELETE"])
@login_required(roles=(Role.ADMIN,))
@blp.response(200, EmpowermentSchema)
@blp.doc(security=BEARER)
def revoke(code, matter_code):
    """End a township's empowerment for a matter (kept in the history)."""
    unit = _township_in_jurisdiction(code)
    grant = db.session.execute(
        sa.select(Empowerment)
        .join(Matter)
        .where(
            Empowerment.unit_id == unit.id,
            Matter.code == matter_code,
            Empowerment.revoked_at.is_(None),
        )
    ).scalar_one_or_none()
    if grant is None:
        abort(404, message="empowerment not found")
    grant.revoked_at = utcnow()
    grant.revoked_by_id = current_user().id
    audit.record("empowerment.revoke", "unit", unit.code, {"matter": matter_code})
    db.session.commit()
    return grant
