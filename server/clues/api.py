"""Clues: report one, list and read those in the caller's jurisdiction."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from flask import g, request
from flask_smorest import Blueprint

from server.accounts.auth import current_user, login_required
from server.accounts.jurisdiction import STAFF_ROLES, get_visible_or_404, scoped
from server.accounts.models import Role
from server.audit.timeline import timeline
from server.clues import service
from server.clues.models import Clue
from server.clues.schemas import (
    ClueCreateSchema,
    ClueQuerySchema,
    ClueSchema,
    TimelineQuerySchema,
)
from server.clues.search import search_filters
from server.core.api import BEARER, DomainError
from server.core.db import db
from server.core.schemas import paginate
from server.units.models import AdminUnit

blp = Blueprint("clues", __name__, description="Clues (线索) reported from the field")
REPORTERS = (Role.GRID_WORKER, Role.OFFICER, Role.DISPATCHER)


@blp.route("/clues")
@login_required
@blp.arguments(ClueQuerySchema, location="query")
@blp.response(200, ClueSchema(many=True))
@blp.paginate()
@blp.doc(security=BEARER)
def list_clues(args, pagination_parameters):
    """Clues in the caller's jurisdiction, newest change first."""
    user = current_user()
    stmt = scoped(Clue, user)
    if args.get("status"):
        stmt = stmt.where(Clue.status.in_(args["status"]))
    if args.get("unit_code"):
        stmt = stmt.where(
            Clue.unit_id.in_(
                sa.select(AdminUnit.id).where(
                    sa.or_(
                        AdminUnit.code == args["unit_code"],
                        AdminUnit.path.contains("/" + args["unit_code"] + "/", autoescape=True),
                    )
                )
            )
        )
    if args["mine"]:
        stmt = stmt.where(Clue.reporter_id == user.id)
    if args.get("q"):
        stmt = stmt.where(*search_filters(args["q"], staff=user.has_role(*STAFF_ROLES)))
    return paginate(stmt.order_by(Clue.seq.desc()), pagination_parameters)


@blp.route("/clues/<uuid:clue_id>")
@login_required
@blp.response(200, ClueSchema)
@blp.doc(security=BEARER)
def get_clue(clue_id: uuid.UUID):
    return get_visible_or_404(Clue, clue_id, current_user())


@blp.route("/clues/<uuid:clue_id>/timeline")
@login_required(roles=STAFF_ROLES)
@blp.arguments(TimelineQuerySchema, location="query")
@blp.doc(security=BEARER)
def clue_timeline(args, clue_id: uuid.UUID):
    """Who did what to the clue and everything hanging from it, oldest first, from the audit
    chain: the step, the outcome, the device and its clock beside the server's. A page at a
    time: pass the answer's ``cursor`` while ``more`` is true."""
    clue = get_visible_or_404(Clue, clue_id, current_user())
    entries, more = timeline(clue, args["cursor"], args["limit"])
    cursor = entries[-1]["id"] if entries else args["cursor"]
    return {"entries": entries, "cursor": cursor, "more": more}


@blp.route("/clues", methods=["POST"])
@login_required(roles=REPORTERS)
@blp.arguments(ClueCreateSchema)
@blp.response(201, ClueSchema)
@blp.alt_response(200, schema=ClueSchema, description="The same report again: stored once")
@blp.alt_response(409, description="This id is already used by other content")
@blp.doc(security=BEARER)
def report_clue(_args):
    """Report a clue with its location and dissuasion record (上报线索)."""
    result = service.report_clue(request.get_json(), current_user(), g.device)
    outcome, reason = result["outcome"], result.get("reason")
    if outcome in ("applied", "duplicate"):
        clue = db.session.get(Clue, uuid.UUID(result["record_id"]))
        return clue, 201 if outcome == "applied" else 200
    if reason == "id_conflict":
        raise DomainError(
            "a clue with this id already exists with other content",
            code="id_conflict",
            status=409,
            fields={"id": ["already used"]},
        )
    if reason == "forbidden":
        raise DomainError("your role may not report here", code="forbidden", status=403)
    fields = result.get("fields") or {}
    raise DomainError(
        "Some fields are invalid: " + ", ".join(sorted(fields)),
        code=reason or "invalid",
        status=422,
        fields=fields,
    )
