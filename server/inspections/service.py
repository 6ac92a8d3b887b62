"""A plan's life (draft → approved → drawn → published) and 综合查一次: the shell around
``sync.draw``. It reads the registers as the draw will publish them, calls the draw, stores
the seed, the hashes, the public rows and the result, and makes one visit per drawn object.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections import defaultdict
from typing import Any

import sqlalchemy as sa

from server.accounts.models import Role, User, UserRole
from server.audit import chain as audit
from server.catalogue.models import Matter
from server.core.api import DomainError
from server.core.db import db, utcnow
from server.inspections.identifiers import is_person
from server.inspections.models import (
    InspectionDraw,
    InspectionObject,
    InspectionPlan,
    InspectionRecusal,
    InspectionVisit,
    PlanStatus,
    VisitStatus,
)
from server.units.models import AdminUnit
from sync import draw as drawing


def _conflict(message: str) -> DomainError:
    return DomainError(message, code="conflict", status=409)


def _invalid(field: str, why: str) -> DomainError:
    return DomainError(f"{field}: {why}", code="invalid", status=422, fields={field: [why]})


# -- The registers as published -----------------------------------------------------------


def public_name(obj: InspectionObject) -> str:
    """A sole trader registered under his id number is a person: his name is not published
    with the draw (the business's name, a shop sign, is in ``name`` when the register has
    it; a person's own name is reduced to its first character)."""
    return obj.name[:1] + "＊" * (len(obj.name) - 1) if is_person(obj.credit_code) else obj.name


def objects_register(plan: InspectionPlan) -> list[dict[str, Any]]:
    """The objects a plan draws from: a township's own (所属乡镇), or for a department the
    whole county's register. Published as read, so its hash is of exactly this list."""
    stmt = sa.select(InspectionObject).where(InspectionObject.county_id == plan.county_id)
    if plan.unit_id is not None:
        stmt = stmt.where(InspectionObject.township_id == plan.unit_id)
    rows = db.session.execute(stmt).scalars()
    return [
        {
            "id": str(o.id),
            "name": public_name(o),
            "risk_grade": o.risk_grade,
            "matter_codes": sorted(o.matter_codes),
        }
        for o in rows
    ]


def _officers(plan: InspectionPlan) -> list[User]:
    """Who may inspect for the plan: a township's officers (its subtree), or the
    department's people who hold an enforcement certificate."""
    stmt = sa.select(User).where(User.active.is_(True))
    if plan.unit_id is not None:
        stmt = stmt.join(AdminUnit, User.unit_id == AdminUnit.id).where(
            AdminUnit.path.startswith(plan.unit.path, autoescape=True),
            User.id.in_(sa.select(UserRole.user_id).where(UserRole.role == Role.OFFICER.value)),
        )
    else:
        stmt = stmt.where(User.department_id == plan.department_id)
    return list(db.session.execute(stmt.order_by(User.id)).unique().scalars())


def officers_register(plan: InspectionPlan) -> list[dict[str, Any]]:
    """Certified: the 执法证 is valid on every day of the plan's period."""
    return [
        {
            "id": str(u.id),
            "name": u.display_name,
            "certified": u.certificate_valid_on(plan.period_start)
            and u.certificate_valid_on(plan.period_end),
        }
        for u in _officers(plan)
    ]


def recusals_register(objects: list[dict], officers: list[dict]) -> list[dict[str, str]]:
    object_ids = {int(o["id"]) for o in objects}
    officer_ids = {int(o["id"]) for o in officers}
    rows = db.session.execute(sa.select(InspectionRecusal)).scalars()
    return [
        {"officer_id": str(r.officer_id), "object_id": str(r.object_id)}
        for r in rows
        if r.object_id in object_ids and r.officer_id in officer_ids
    ]


def plan_terms(plan: InspectionPlan) -> dict[str, Any]:
    """What of the plan the draw reads (published with it)."""
    return {
        "object_count": plan.object_count,
        "shares": plan.shares,
        "matter_codes": sorted(plan.matter_codes),
    }


# -- Transitions --------------------------------------------------------------------------


def approve(plan: InspectionPlan, user: User, seed: str | None = None) -> None:
    """A leader approves the plan, and approving fixes what it will be drawn from: the
    registers as they stand (their hashes) and the seed, of which only the commitment is
    shown until the draw (``sync.draw``: committed before it is drawn). Both go into the
    audit chain. ``seed``: the demo passes its own, to load the same county each time; the
    API never does (a seed known beforehand would let its holder choose the result)."""
    if plan.department_id is not None and user.department_id != plan.department_id:
        raise _conflict("a department's plan is approved by that department's leader")
    if plan.status == PlanStatus.APPROVED:
        return
    if plan.status != PlanStatus.DRAFT:
        raise _conflict(f"the plan is {plan.status}: approved already")
    _fix(plan, seed)
    plan.status = PlanStatus.APPROVED.value
    plan.approved_by_id, plan.approved_at = user.id, utcnow()
    audit.record(
        "inspection_plan.approved",
        "inspection_plan",
        str(plan.id),
        {
            "title": plan.title,
            "commitment": plan.seed_commitment,
            "hashes": plan.register_hashes,
        },
        actor_id=user.id,
    )


def _fix(plan: InspectionPlan, seed: str | None) -> None:
    """The seed (its commitment shown) and the registers (their hashes) a plan is drawn from."""
    objects = objects_register(plan)
    officers = officers_register(plan)
    registers = {
        "objects": objects,
        "officers": officers,
        "recusals": recusals_register(objects, officers),
    }
    seed = drawing.normal_seed(seed or secrets.token_hex(32))  # nobody knows it beforehand
    plan.seed, plan.seed_commitment = seed, drawing.commitment(seed)
    plan.registers = registers
    plan.register_hashes = {name: drawing.register_hash(rows) for name, rows in registers.items()}


def make_draw(plan: InspectionPlan, user: User) -> InspectionDraw:
    """The draw, from the seed and the registers its approval fixed."""
    if plan.status != PlanStatus.APPROVED:
        raise _conflict(f"the plan is {plan.status}: only an approved plan is drawn, once")
    if plan.seed is None:  # approved before approval fixed them (migration 0031)
        _fix(plan, None)
    seed, registers = plan.seed, plan.registers
    objects, officers, recusals = registers["objects"], registers["officers"], registers["recusals"]
    try:
        result = drawing.draw(
            seed,
            objects,
            officers,
            [(r["officer_id"], r["object_id"]) for r in recusals],
            plan_terms(plan),
        )
    except drawing.DrawError as error:
        raise _invalid(error.field, error.message) from None
    record = InspectionDraw(
        plan=plan,
        seed=seed,
        hashes=result["hashes"],
        registers=registers,
        result={**result, "commitment": plan.seed_commitment},
        drawn_by_id=user.id,
    )
    db.session.add(record)
    plan.status = PlanStatus.DRAWN.value
    checklist = _checklist(plan)
    for row in result["drawn"]:
        obj_id = int(row["object_id"])
        codes = set(db.session.get(InspectionObject, obj_id).matter_codes)
        db.session.add(
            InspectionVisit(
                county_id=plan.county_id,
                object_id=obj_id,
                plan_ids=[plan.id],
                officers=[int(o) for o in row["officers"]],
                joint=False,
                departments=[plan.owner_code],
                checklist=[item for item in checklist if item["matter_code"] in codes],
                period_start=plan.period_start,
                period_end=plan.period_end,
            )
        )
    db.session.flush()
    audit.record(
        "inspection_plan.drawn",
        "inspection_plan",
        str(plan.id),
        {"seed": seed, "hashes": result["hashes"], "drawn": len(result["drawn"])},
        actor_id=user.id,
    )
    return record


def publish(plan: InspectionPlan) -> None:
    if plan.status == PlanStatus.PUBLISHED:
        return
    if plan.status != PlanStatus.DRAWN:
        raise _conflict(f"the plan is {plan.status}: only a drawn plan is published")
    plan.status = PlanStatus.PUBLISHED.value
    plan.draw.published_at = utcnow()
    audit.record("inspection_plan.published", "inspection_plan", str(plan.id), {})


def _checklist(plan: InspectionPlan) -> list[dict[str, str]]:
    names = dict(
        db.session.execute(
            sa.select(Matter.code, Matter.name).where(Matter.code.in_(plan.matter_codes))
        ).all()
    )
    return [
        {
            "matter_code": code,
            "item": names.get(code, code),
            "department": plan.owner_code,
            "department_name": plan.owner_label,
        }
        for code in sorted(plan.matter_codes)
    ]


# -- 综合查一次 ------------------------------------------------------------------------------


def _overlap(visits: list[InspectionVisit]) -> tuple[dt.date, dt.date] | None:
    start = max(v.period_start for v in visits)
    end = min(v.period_end for v in visits)
    return (start, end) if start <= end else None


def proposals(visits: list[InspectionVisit]) -> list[dict[str, Any]]:
    """Planned visits of one object whose periods share days, from several owners: each
    group is proposed as one joint visit. Per object, visits are taken by start date and
    grouped while the common period stays non-empty."""
    by_object: dict[int, list[InspectionVisit]] = defaultdict(list)
    for visit in visits:
        if visit.status == VisitStatus.PLANNED:
            by_object[visit.object_id].append(visit)
    found = []
    for object_id, group in sorted(by_object.items()):
        group.sort(key=lambda v: (v.period_start, v.id))
        cluster: list[InspectionVisit] = []
        for visit in [*group, None]:
            if visit is not None and _overlap([*cluster, visit]) is not None:
                cluster.append(visit)
                continue
            owners = {code for v in cluster for code in v.departments}
            if len(cluster) >= 2 and len(owners) >= 2:
                start, end = _overlap(cluster)
                found.append(
                    {
                        "object_id": object_id,
                        "object_name": cluster[0].object.name,
                        "visit_ids": [v.id for v in cluster],
                        "departments": sorted(owners),
                        "period_start": start,
                        "period_end": end,
                        "checklist": merged_checklist(cluster),
                    }
                )
            cluster = [visit] if visit is not None else []
    return found


def merged_checklist(visits: list[InspectionVisit]) -> list[dict[str, str]]:
    """Every department's items, each still marked with its department: a matter two
    departments both check is asked once per department, since each answers for its own."""
    seen: set[tuple[str, str]] = set()
    items = []
    for visit in visits:
        for item in visit.checklist:
            key = (item["matter_code"], item["department"])
            if key not in seen:
                seen.add(key)
                items.append(item)
    return items


def merge(visits: list[InspectionVisit]) -> InspectionVisit:
    """One joint visit in place of ``visits`` (already checked visible to the caller). The
    pair drawn for the earliest visit inspects for everyone (two certified officers suffice
    in law for each department's matters only where they hold its powers: the departments
    may send their own officers along; the visit lists every department concerned)."""
    if len(visits) < 2:
        raise _invalid("visit_ids", "a joint visit merges at least two visits")
    if len({v.object_id for v in visits}) != 1:
        raise _invalid("visit_ids", "the visits are of different objects")
    if any(v.status != VisitStatus.PLANNED for v in visits):
        raise _invalid("visit_ids", "only planned visits are merged")
    period = _overlap(visits)
    if period is None:
        raise _invalid("visit_ids", "the visits' periods share no day")
    visits = sorted(visits, key=lambda v: v.id)
    joint = InspectionVisit(
        county_id=visits[0].county_id,
        object_id=visits[0].object_id,
        plan_ids=sorted({p for v in visits for p in v.plan_ids}),
        officers=list(visits[0].officers),
        joint=True,
        departments=sorted({d for v in visits for d in v.departments}),
        checklist=merged_checklist(visits),
        period_start=period[0],
        period_end=period[1],
    )
    db.session.add(joint)
    db.session.flush()
    for visit in visits:
        visit.status = VisitStatus.MERGED.value
        visit.merged_into_id = joint.id
    audit.record(
        "inspection_visit.merged",
        "inspection_visit",
        str(joint.id),
        {"visits": [v.id for v in visits], "departments": joint.departments},
    )
    return joint


# -- A visit done ---------------------------------------------------------------------------


def visit_unit(visit: InspectionVisit) -> AdminUnit:
    """Whose visit it is: the township its object lies in, or the county for an object no
    township holds. Its record is in that unit's jurisdiction."""
    unit_id = visit.object.township_id or visit.county_id
    return db.session.get(AdminUnit, unit_id)


def visit_facts(visit_id: int) -> dict[str, Any] | None:
    """A visit as the rule of its record reads it (``sync.visits``; ``Refs.visit``). Its row
    is held to the end of the push: the pair's two phones pushing at once record it once."""
    visit = (
        db.session.execute(
            sa.select(InspectionVisit)
            .where(InspectionVisit.id == visit_id)
            .with_for_update(of=InspectionVisit)
        )
        .unique()
        .scalar_one_or_none()
    )
    if visit is None:
        return None
    return {
        "officers": list(visit.officers),
        "unit_path": visit_unit(visit).path,
        "status": visit.status,
        "period": (visit.period_start, visit.period_end),
        "checklist": [
            {"matter_code": i["matter_code"], "department": i["department"]}
            for i in visit.checklist
        ],
    }


def record_done(visit: InspectionVisit, fields: dict[str, Any], at: dt.datetime) -> None:
    """A visit's record arrived (``sync.workflow.visit_record``, checked by ``sync.visits``):
    the visit is done, each item's result beside it, so every department reads its own; the
    violations found are named for the departments that hold the power."""
    given = {(i["matter_code"], i["department"]): i for i in fields["items"]}
    visit.checklist = [
        {**item, "result": given[key]["result"], "note": given[key].get("note") or ""}
        for item in visit.checklist
        for key in [(item["matter_code"], item["department"])]
    ]
    visit.status = VisitStatus.DONE.value
    visit.done_at = at
    visit.findings = fields.get("findings") or None
    audit.record(
        "inspection_visit.done",
        "inspection_visit",
        str(visit.id),
        {"done_on": fields["done_on"], "violations": fields["violations"]},
        actor_id=fields["reporter_id"],
    )
