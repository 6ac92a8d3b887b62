"""The sync endpoints: the workflow the devices cache, push and pull."""

from __future__ import annotations

from flask import current_app, g, jsonify
from flask_smorest import Blueprint

from server.accounts.auth import current_user, login_required
from server.core.api import DomainError
from server.core.db import utcnow
from server.sync_api import pull as pulling
from server.sync_api import push as pushing
from server.sync_api.schemas import (
    PullQuerySchema,
    PullResponseSchema,
    PushResponseSchema,
    PushSchema,
    WorkflowSchema,
)
from sync import workflow

blp = Blueprint("sync", __name__, description="Offline sync: workflow, push, pull")
BEARER = [{"bearer": []}]


@blp.route("/workflow")
@blp.response(200, WorkflowSchema)
def get_workflow():
    """The workflow as data (record types, fields, transitions, who may do them, reason
    codes with their Chinese and English texts). Its ``version`` changes with the rules."""
    return workflow.export()


@blp.route("/sync/push", methods=["POST"])
@login_required
@blp.arguments(PushSchema)
@blp.response(200, PushResponseSchema)
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
    # Returned as is: dumping hundreds of results through the schema would double the cost.
    return jsonify({"server_time": utcnow().isoformat(), "results": results})


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
