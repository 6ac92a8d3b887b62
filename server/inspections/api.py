"""The console's side of 双随机一公开 and 综合查一次: the register, plans, their draw and its
publication, merge proposals; and the public page of published draws, with everything needed
to redo each one (``sync.draw``)."""

from __future__ import annotations

from decimal import Decimal

import marshmallow as ma
import sqlalchemy as sa
from flask import Response, request
from flask_smorest import Blueprint, abort
from marshmallow import validate

from server.accounts.auth import current_user, login_required
from server.accounts.jurisdiction import STAFF_ROLES
from server.accounts.jurisdiction import visible as visible_rule
from server.accounts.models import Role, User
from server.audit import chain as audit
from server.catalogue.models import Matter
from server.core.api import BEARER, DomainError
from server.core.db import db
from server.core.schemas import StrictSchema, Text, paginate
from server.inspections import register, scope, service
from server.inspections.models import (
    RISK_GRADES,
    InspectionDraw,
    InspectionObject,
    InspectionPlan,
    InspectionRecusal,
    InspectionVisit,
    VisitRecord,
    VisitStatus,
)
from server.units.models import AdminUnit, UnitLevel
from sync import draw as drawing

blp = Blueprint(
    "inspections", __name__, description="Random inspections (双随机一公开) done once (综合查一次)"
)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
READERS = (*STAFF_ROLES, Role.DEPARTMENT)


class ObjectSchema(ma.Schema):
    id = ma.fields.Integer()
    credit_code = ma.fields.String()
    name = ma.fields.String()
    address = ma.fields.String()
    lat = ma.fields.Float(allow_none=True)
    lng = ma.fields.Float(allow_none=True)
    matter_codes = ma.fields.List(ma.fields.String())
    risk_grade = ma.fields.String()
    departments = ma.fields.List(ma.fields.String())
    township_id = ma.fields.Integer(allow_none=True)


class ObjectQuerySchema(StrictSchema):
    matter_code = Text(load_default=None, validate=validate.Length(1, 64))
    risk_grade = ma.fields.String(load_default=None, validate=validate.OneOf(RISK_GRADES))


def _share() -> ma.fields.String:
    # A share is written as a decimal string ("0.3"): read exactly (sync.draw), not as a float.
    return ma.fields.String(
        load_default="0",
        validate=validate.Regexp(r"^(0(\.[0-9]{1,30})?|1(\.0{1,30})?)$", error="a decimal 0…1"),
    )


class SharesSchema(StrictSchema):
    """Share of the objects per risk grade, as decimal strings adding up to 1."""

    high = _share()
    medium = _share()
    low = _share()


class PlanCreateSchema(StrictSchema):
    """A township's plan names its township (``unit_code``); a department's user plans for
    his department and names none."""

    unit_code = Text(load_default=None, validate=validate.Length(1, 32))
    title = Text(required=True, validate=validate.Length(1, 200))
    matter_codes = ma.fields.List(
        Text(validate=validate.Length(1, 64)), required=True, validate=validate.Length(1, 50)
    )
    object_count = ma.fields.Integer(required=True, validate=validate.Range(1, 1000))
    shares = ma.fields.Nested(SharesSchema, required=True)
    period_start = ma.fields.Date(required=True)
    period_end = ma.fields.Date(required=True)

    @ma.validates_schema
    def _period(self, data, **kwargs):
        if data["period_end"] < data["period_start"]:
            raise ma.ValidationError("must not be before period_start", "period_end")
        if (data["period_end"] - data["period_start"]).days > 366:
            raise ma.ValidationError("a plan covers at most a year", "period_end")
        if sum(Decimal(v) for v in data["shares"].values()) != 1:
            raise ma.ValidationError("must add up to 1", "shares")


class VisitSchema(ma.Schema):
    id = ma.fields.Integer()
    object_id = ma.fields.Integer()
    object_name = ma.fields.Function(lambda v: v.object.name)
    plan_ids = ma.fields.List(ma.fields.Integer())
    officers = ma.fields.List(ma.fields.Integer())
    officer_names = ma.fields.Function(lambda v: _names(v.officers))
    joint = ma.fields.Boolean()
    departments = ma.fields.List(ma.fields.String())
    checklist = ma.fields.Raw()
    period_start = ma.fields.Date()
    period_end = ma.fields.Date()
    status = ma.fields.String()
    merged_into_id = ma.fields.Integer(allow_none=True)
    # Once done: what was found (each item's result is beside it in the checklist).
    findings = ma.fields.String(allow_none=True)
    done_at = ma.fields.DateTime(allow_none=True)
    # Its record's id, where the reader sees it: its photos are read by it
    # (``/visit-records/<id>/photos``).
    record_id = ma.fields.Function(lambda v: _record_of(v))


def _record_of(visit: InspectionVisit) -> str | None:
    """The record that made the visit done (the first; a second is in a conflict)."""
    if visit.status != VisitStatus.DONE.value:
        return None
    found = db.session.scalar(
        sa.select(VisitRecord.id)
        .where(VisitRecord.visit_id == visit.id, visible_rule(VisitRecord, current_user()))
        .order_by(VisitRecord.created_at)
        .limit(1)
    )
    return str(found) if found else None


def _names(user_ids: list[int]) -> list[str]:
    found = dict(
        db.session.execute(sa.select(User.id, User.display_name).where(User.id.in_(user_ids))).all()
    )
    return [found.get(i, str(i)) for i in user_ids]


class PlanSchema(ma.Schema):
    id = ma.fields.Integer()
    title = ma.fields.String()
    owner = ma.fields.Function(lambda p: {"code": p.owner_code, "name": p.owner_label})
    owner_kind = ma.fields.Function(lambda p: "unit" if p.unit_id else "department")
    matter_codes = ma.fields.List(ma.fields.String())
    object_count = ma.fields.Integer()
    shares = ma.fields.Raw()
    period_start = ma.fields.Date()
    period_end = ma.fields.Date()
    status = ma.fields.String()
    created_at = ma.fields.DateTime()
    approved_by_id = ma.fields.Integer(allow_none=True)
    approved_at = ma.fields.DateTime(allow_none=True)
    # From approval on: the seed's commitment and the frozen registers' hashes (never the
    # seed itself before the draw: sync.draw, committed before it is drawn).
    seed_commitment = ma.fields.String(allow_none=True)
    register_hashes = ma.fields.Dict(allow_none=True)
    draw = ma.fields.Function(lambda p: _draw_summary(p.draw) if p.draw else None)


def _draw_summary(record: InspectionDraw) -> dict:
    return {
        "id": record.id,
        "seed": record.seed,
        "hashes": record.hashes,
        "quotas": record.result["quotas"],
        "drawn": record.result["drawn"],
        "drawn_at": record.drawn_at.isoformat(),
        "published_at": record.published_at.isoformat() if record.published_at else None,
    }


class PlanDetailSchema(PlanSchema):
    visits = ma.fields.Function(
        lambda p: VisitSchema(many=True).dump(
            [v for v in scope.visits(current_user()) if p.id in v.plan_ids]
        )
    )


class MergeSchema(StrictSchema):
    visit_ids = ma.fields.List(
        ma.fields.Integer(strict=True), required=True, validate=validate.Length(2, 20)
    )


class ProposalSchema(ma.Schema):
    object_id = ma.fields.Integer()
    object_name = ma.fields.String()
    visit_ids = ma.fields.List(ma.fields.Integer())
    departments = ma.fields.List(ma.fields.String())
    period_start = ma.fields.Date()
    period_end = ma.fields.Date()
    checklist = ma.fields.Raw()


def _county_or_404():
    county = scope.county_of(current_user())
    if county is None:
        abort(404, message="no county")
    return county


# -- The register -------------------------------------------------------------------------


@blp.route("/inspection-objects/import", methods=["POST"])
@login_required(roles=(Role.ADMIN,))
@blp.doc(
    security=BEARER,
    requestBody={
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}
    },
)
def import_objects():
    """Import the county's register of inspection objects from an .xlsx workbook sent as the
    request body (columns: ``server/inspections/register.py``). A county administrator's
    task. Every bad row is listed (row, column, why) and then nothing is stored."""
    user = current_user()
    if user.unit.level != UnitLevel.COUNTY:
        abort(403, message="the county's administrators keep its register")
    counts = register.import_register(request.get_data(cache=False), user.unit_id)
    db.session.commit()
    return counts


@blp.route("/inspection-objects/template.xlsx")
@login_required(roles=READERS)
@blp.doc(
    security=BEARER,
    responses={
        "200": {
            "description": "the workbook",
            "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
def objects_template():
    """An empty register with the header row the import reads."""
    response = Response(register.template(), mimetype=XLSX)
    response.headers["Content-Disposition"] = "attachment; filename=inspection-objects.xlsx"
    return response


@blp.route("/inspection-objects")
@login_required(roles=READERS)
@blp.arguments(ObjectQuerySchema, location="query")
@blp.response(200, ObjectSchema(many=True))
@blp.paginate()
@blp.doc(security=BEARER)
def list_objects(args, pagination_parameters):
    """The caller's county's register, by name."""
    county = _county_or_404()
    stmt = sa.select(InspectionObject).where(InspectionObject.county_id == county.id)
    if args["risk_grade"]:
        stmt = stmt.where(InspectionObject.risk_grade == args["risk_grade"])
    rows = paginate(
        stmt.order_by(InspectionObject.name, InspectionObject.id), pagination_parameters
    )
    if args["matter_code"]:  # a JSON list: filtered here, the page is small
        rows = [o for o in rows if args["matter_code"] in o.matter_codes]
    return rows


class RecusalSchema(StrictSchema):
    """An officer declares he must not inspect an object (回避); a leader or an administrator
    may record it for an officer of his jurisdiction (``officer_id``)."""

    officer_id = ma.fields.Integer(load_default=None, validate=validate.Range(1, scope.MAX_ID))
    reason = Text(required=True, validate=validate.Length(1, 300))


class RecusalOutSchema(ma.Schema):
    officer_id = ma.fields.Integer()
    object_id = ma.fields.Integer()
    reason = ma.fields.String()


RECUSERS = (Role.OFFICER, Role.LEADER, Role.ADMIN, Role.DEPARTMENT)


@blp.route("/inspection-objects/<int:object_id>/recusals", methods=["POST"])
@login_required(roles=RECUSERS)
@blp.arguments(RecusalSchema)
@blp.response(201, RecusalOutSchema)
@blp.alt_response(200, schema=RecusalOutSchema, description="Recorded already: the same")
@blp.doc(security=BEARER)
def add_recusal(args, object_id):
    """Record a recusal: the draw will never send this officer to this object. Kept for
    good (a recusal is a fact about a person and a business, not about one plan)."""
    user = current_user()
    county = _county_or_404()
    obj = db.session.get(InspectionObject, object_id) if 0 < object_id <= scope.MAX_ID else None
    if obj is None or obj.county_id != county.id:
        abort(404, message="inspection object not found")
    officer_id = args["officer_id"] or user.id
    if officer_id != user.id:
        if not user.has_role(Role.LEADER, Role.ADMIN):
            raise _invalid("officer_id", "only a leader or an administrator records another's")
        visible = db.session.execute(
            sa.select(User.id).where(User.id == officer_id, visible_rule(User, user))
        ).first()
        if visible is None:
            raise _invalid("officer_id", "no such officer in your jurisdiction")
    found = db.session.get(InspectionRecusal, (officer_id, obj.id))
    if found is not None:
        return found, 200
    recusal = InspectionRecusal(officer_id=officer_id, object_id=obj.id, reason=args["reason"])
    db.session.add(recusal)
    audit.record(
        "inspection_object.recusal",
        "inspection_object",
        str(obj.id),
        {"officer": officer_id, "reason": args["reason"]},
    )
    db.session.commit()
    return recusal


# -- Plans --------------------------------------------------------------------------------


@blp.route("/inspection-plans")
@login_required(roles=scope.PLANNERS)
@blp.response(200, PlanSchema(many=True))
@blp.doc(security=BEARER)
def list_plans():
    """The plans the caller sees, newest period first."""
    stmt = scope.plans(current_user()).order_by(
        InspectionPlan.period_start.desc(), InspectionPlan.id.desc()
    )
    return db.session.execute(stmt).unique().scalars().all()


@blp.route("/inspection-plans", methods=["POST"])
@login_required(roles=scope.PLANNERS)
@blp.arguments(PlanCreateSchema)
@blp.response(201, PlanSchema)
@blp.doc(security=BEARER)
def create_plan(args):
    """A draft plan of the caller's township (``unit_code``) or department."""
    user = current_user()
    owner: dict = {}
    if user.has_role(Role.DEPARTMENT):
        if args["unit_code"] is not None or user.department_id is None:
            raise _invalid("unit_code", "a department plans for itself: give no unit_code")
        owner["department_id"] = user.department_id
        county_id = user.department.unit_id
    else:
        unit = db.session.execute(
            sa.select(AdminUnit).where(AdminUnit.code == (args["unit_code"] or ""))
        ).scalar_one_or_none()
        if unit is None or not user.unit.contains(unit) or unit.level != UnitLevel.TOWNSHIP:
            raise _invalid("unit_code", "no such township in your jurisdiction")
        owner["unit_id"] = unit.id
        county_id = unit.parent_id
    known = set(db.session.execute(sa.select(Matter.code)).scalars())
    unknown = sorted(set(args["matter_codes"]) - known)
    if unknown:
        raise _invalid("matter_codes", f"unknown matter {unknown[0]}")
    plan = InspectionPlan(
        county_id=county_id,
        title=args["title"],
        matter_codes=sorted(set(args["matter_codes"])),
        object_count=args["object_count"],
        shares={k: v for k, v in args["shares"].items() if Decimal(v)},
        period_start=args["period_start"],
        period_end=args["period_end"],
        created_by_id=user.id,
        **owner,
    )
    try:  # the quotas must come out whole for the count: checked now, not at the draw
        drawing.quotas(plan.object_count, plan.shares)
    except drawing.DrawError as error:
        raise _invalid(error.field, error.message) from None
    db.session.add(plan)
    db.session.commit()
    return plan


def _invalid(field: str, why: str) -> DomainError:
    return DomainError(f"{field}: {why}", code="invalid", status=422, fields={field: [why]})


@blp.route("/inspection-plans/<int:plan_id>")
@login_required(roles=scope.PLANNERS)
@blp.response(200, PlanDetailSchema)
@blp.doc(security=BEARER)
def get_plan(plan_id):
    """A plan, its draw and its visits."""
    return scope.plan_or_404(plan_id, current_user())


@blp.route("/inspection-plans/<int:plan_id>/approve", methods=["POST"])
@login_required(roles=(Role.LEADER,))
@blp.response(200, PlanSchema)
@blp.doc(security=BEARER)
def approve_plan(plan_id):
    """A leader approves a draft (once; again is the same answer while undrawn)."""
    plan = scope.plan_or_404(plan_id, current_user(), lock=True)
    service.approve(plan, current_user())
    db.session.commit()
    return plan


@blp.route("/inspection-plans/<int:plan_id>/draw", methods=["POST"])
@login_required(roles=scope.PLANNERS)
@blp.response(201, PlanDetailSchema)
@blp.doc(security=BEARER)
def draw_plan(plan_id):
    """Draw the approved plan's objects and officer pairs, once. The server picks the seed;
    the seed, the registers' hashes and public rows and the result are kept together."""
    plan = scope.plan_or_404(plan_id, current_user(), lock=True)
    service.make_draw(plan, current_user())
    db.session.commit()
    return plan


@blp.route("/inspection-plans/<int:plan_id>/publish", methods=["POST"])
@login_required(roles=scope.PLANNERS)
@blp.response(200, PlanSchema)
@blp.doc(security=BEARER)
def publish_plan(plan_id):
    """Publish the draw (一公开): from now on on the public page, with what redoes it."""
    plan = scope.plan_or_404(plan_id, current_user(), lock=True)
    service.publish(plan)
    db.session.commit()
    return plan


# -- 综合查一次 ------------------------------------------------------------------------------


@blp.route("/inspection-visits/proposals")
@login_required(roles=scope.PLANNERS)
@blp.response(200, ProposalSchema(many=True))
@blp.doc(security=BEARER)
def merge_proposals():
    """Visits of one object in one period from several plans, proposed as one joint visit."""
    return service.proposals(scope.visits(current_user(), VisitStatus.PLANNED.value))


@blp.route("/inspection-visits/merge", methods=["POST"])
@login_required(roles=scope.PLANNERS)
@blp.arguments(MergeSchema)
@blp.response(201, VisitSchema)
@blp.doc(security=BEARER)
def merge_visits(args):
    """Confirm a merge: one joint visit, the checklists merged, each item its department's.
    Every visit must be one the caller sees (else 422 naming ``visit_ids``, as for none)."""
    seen = {v.id: v for v in scope.visits(current_user(), lock=True)}
    missing = [i for i in args["visit_ids"] if i not in seen]
    if missing:
        raise _invalid("visit_ids", f"no such visit {missing[0]}")
    joint = service.merge([seen[i] for i in dict.fromkeys(args["visit_ids"])])
    db.session.commit()
    return joint


class MyVisitSchema(VisitSchema):
    """A visit as the officer drawn for it needs it on site: where, and what to check."""

    object_address = ma.fields.Function(lambda v: v.object.address)
    object_location = ma.fields.Function(
        lambda v: {"lat": v.object.lat, "lng": v.object.lng} if v.object.lat is not None else None
    )
    # Whose visit it is: its record (synced from the phone, ``visit_record``) names it.
    unit_code = ma.fields.Function(lambda v: service.visit_unit(v).code)


@blp.route("/inspection-visits/mine")
@login_required(roles=(Role.OFFICER, Role.DEPARTMENT))  # a department's inspectors too
@blp.response(200, MyVisitSchema(many=True))
@blp.doc(security=BEARER)
def my_visits():
    """The visits the caller was drawn for that are still to do, the soonest period first."""
    user = current_user()
    rows = db.session.execute(
        sa.select(InspectionVisit)
        .where(InspectionVisit.status == VisitStatus.PLANNED.value)
        .order_by(InspectionVisit.period_start, InspectionVisit.id)
    ).scalars()
    # The pair is a JSON list: read here (a county has hundreds of visits a period).
    return [v for v in rows if user.id in v.officers][:200]


# -- 一公开 --------------------------------------------------------------------------------


class PublicDrawSchema(ma.Schema):
    """A published draw as the public sees it: plan terms, seed, hashes, result."""

    id = ma.fields.Integer()
    plan = ma.fields.Dict()
    algorithm = ma.fields.String()
    seed = ma.fields.String()
    commitment = ma.fields.String(allow_none=True)
    hashes = ma.fields.Dict()
    approved_at = ma.fields.String(allow_none=True)
    drawn_at = ma.fields.String()
    published_at = ma.fields.String()
    drawn = ma.fields.List(ma.fields.Dict())
    names = ma.fields.Dict()


class PublicDrawDetailSchema(PublicDrawSchema):
    """With the registers' public rows and the algorithm's description, to redo it."""

    registers = ma.fields.Dict()
    how_to_verify = ma.fields.String()


def _public(record: InspectionDraw, full: bool) -> dict:
    plan = record.plan
    names = {o["id"]: o["name"] for o in record.registers["objects"]}
    officers = {o["id"]: o["name"] for o in record.registers["officers"]}
    drawn = record.result["drawn"]
    body = {
        "id": record.id,
        "plan": {
            "title": plan.title,
            "owner": plan.owner_label,
            "period_start": plan.period_start.isoformat(),
            "period_end": plan.period_end.isoformat(),
            **service.plan_terms(plan),
        },
        "algorithm": record.result["algorithm"],
        "seed": record.seed,
        # Made at approval, before anyone knew the seed: sha256(seed) must be it.
        "commitment": record.result.get("commitment"),
        "hashes": record.hashes,
        "approved_at": plan.approved_at.isoformat() if plan.approved_at else None,
        "drawn_at": record.drawn_at.isoformat(),
        "published_at": record.published_at.isoformat(),
        # As drawn, so that ``sync.draw.verify`` compares it as it is; the names beside it.
        "drawn": record.result["drawn"],
        "names": {
            "objects": {row["object_id"]: names.get(row["object_id"]) for row in drawn},
            "officers": {o: officers.get(o) for row in drawn for o in row["officers"]},
        },
    }
    if full:
        body["registers"] = record.registers
        body["how_to_verify"] = (drawing.__doc__ or "").strip()
    return body


@blp.route("/public/inspection-draws")
@blp.response(200, PublicDrawSchema(many=True))
def public_draws():
    """Published draws, newest first: plan, seed, hashes and result (一公开)."""
    rows = db.session.execute(
        sa.select(InspectionDraw)
        .where(InspectionDraw.published_at.is_not(None))
        .order_by(InspectionDraw.published_at.desc())
        .limit(200)
    ).scalars()
    return [_public(r, full=False) for r in rows]


@blp.route("/public/inspection-draws/<int:draw_id>")
@blp.response(200, PublicDrawDetailSchema)
def public_draw(draw_id):
    """One published draw with its registers' public rows and the algorithm: enough for
    anyone to redo the draw and compare (``sync.draw.verify``)."""
    record = db.session.get(InspectionDraw, draw_id) if 0 < draw_id <= scope.MAX_ID else None
    if record is None or record.published_at is None:
        abort(404, message="no such published draw")
    return _public(record, full=True)
