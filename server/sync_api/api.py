"""The sync endpoints: the workflow the devices cache, push and pull."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, g, jsonify, request
from flask_smorest import Blueprint

from server.accounts.auth import current_user, login_required
from server.accounts.jurisdiction import SUPERVISOR_ROLES, scoped
from server.accounts.models import User
from server.core.api import BEARER, DomainError
from server.core.db import db, utcnow
from server.core.limits import (
    limiter,
    push_device,
    push_refused,
    push_refused_limit,
    refused_in_push,
)
from server.core.schemas import page_of, paginate
from server.sync_api import pull as pulling
from server.sync_api import push as pushing
from server.sync_api import waiting
from server.sync_api.models import SyncConflict
from server.sync_api.schemas import (
    ConflictQuerySchema,
    ConflictSchema,
    PullQuerySchema,
    PullResponseSchema,
    PushResponseSchema,
    PushSchema,
    WaitingSchema,
    WorkflowSchema,
)
from sync import workflow

blp = Blueprint("sync", __name__, description="Offline sync: workflow, push, pull")


@blp.route("/workflow")
@blp.response(200, WorkflowSchema)
@blp.alt_response(304, description="The device's copy (If-None-Match) is current")
def get_workflow():
    """The workflow as data (record types, fields, transitions, who may do them, reason
    codes with their Chinese and English texts). Its ``version`` changes with the rules
    and is the ETag: a device revalidates its cached copy for a few bytes."""
    response = jsonify(workflow.export())
    response.set_etag(workflow.VERSION)
    response.headers["Cache-Control"] = "no-cache"  # always revalidate, never go stale
    return response.make_conditional(request)


@blp.route("/sync/push", methods=["POST"])
@login_required
@limiter.limit(
    push_refused_limit,
    key_func=push_device,
    deduct_when=push_refused,
    cost=refused_in_push,
)
@blp.arguments(PushSchema)
@blp.response(200, PushResponseSchema)
@blp.alt_response(429, description="Too many refused mutations from this device; retry later")
@blp.doc(security=BEARER)
def push(args):
    """Apply a device's outbox in order; one result per mutation, in the same order."""
    limit = current_app.config["PUSH_BATCH_MAX"]
    if len(args["mutations"]) > limit:
        raise DomainError(
            f"at most {limit} mutations per batch",
            code="invalid",
            status=422,
            fields={"mutations": [f"at most {limit} per batch"]},
        )
    results = pushing.push_batch(current_user(), g.device, args["mutations"], args["device_now"])
    g.refused = sum(1 for r in results if _refused(r))
    # Returned as is: dumping hundreds of results through the schema would double the cost.
    return jsonify({"server_time": utcnow().isoformat(), "results": results})


def _refused(result: dict) -> bool:
    """A mutation the rules refused, or one naming an id another record holds (R2): what a
    device flooding the server sends; a field conflict is ordinary offline work."""
    return result["outcome"] == "rejected" or result.get("reason") == "id_conflict"


@blp.route("/sync/pull")
@login_required
@blp.arguments(PullQuerySchema, location="query")
@blp.response(200, PullResponseSchema)
@blp.doc(security=BEARER)
def pull(args):
    """Changes since ``cursor`` in the caller's jurisdiction, oldest first, with tombstones."""
    limit = min(args["limit"], current_app.config["PULL_PAGE_MAX"])
    result = pulling.pull(current_user(), args["cursor"], limit)
    result["workflow_version"] = workflow.VERSION
    return jsonify(result)  # as is: the schema documents it, 1000 records need no re-dumping


@blp.route("/conflicts")
@login_required
@blp.arguments(ConflictQuerySchema, location="query")
@blp.response(200, ConflictSchema(many=True))
@blp.paginate()
@blp.doc(security=BEARER)
def list_conflicts(args, pagination_parameters):
    """Conflicts for the caller: those where his value was kept aside, and, for a
    dispatcher or leader, those of his jurisdiction. Resolve one by pushing a ``resolve``
    transition on it (record_type ``conflict``)."""
    stmt = (
        scoped(SyncConflict, current_user())
        .where(SyncConflict.status == args["status"])
        .order_by(SyncConflict.seq)
    )
    conflicts = paginate(stmt, pagination_parameters)
    ids = {c.server_by for c in conflicts} | {c.device_by for c in conflicts}
    names = dict(
        db.session.execute(sa.select(User.id, User.display_name).where(User.id.in_(ids))).all()
    )
    for c in conflicts:
        c.server_by_name, c.device_by_name = names.get(c.server_by), names.get(c.device_by)
    return conflicts


@blp.route("/sync/waiting")
@login_required(roles=SUPERVISOR_ROLES)
@blp.response(200, WaitingSchema(many=True))
@blp.paginate()
@blp.doc(security=BEARER)
def list_waiting(pagination_parameters):
    """The notes and photos waiting for a parent (R3) from the authors of the caller's
    jurisdiction, oldest first, with their author and age. Those waiting longer than
    ``SYNC_WAITING_DAYS`` become conflict records (``flask sync purge-waiting``)."""
    page = page_of(waiting.listing(current_user()), pagination_parameters)
    now = utcnow()
    return [waiting.described(kept, m, name, now) for kept, m, name in db.session.execute(page)]
