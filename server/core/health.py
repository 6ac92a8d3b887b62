"""Health (liveness: the process runs and its database answers) and readiness (it can do its
work: the database and the evidence store both answer). A supervisor restarts an instance
whose /health fails. A load balancer sends traffic only to instances whose /ready is 200."""

from __future__ import annotations

import logging

import marshmallow as ma
import sqlalchemy as sa
from flask import current_app
from flask_smorest import Blueprint

from server.core.db import db

blp = Blueprint("health", __name__, description="Liveness and readiness")
log = logging.getLogger(__name__)


class HealthSchema(ma.Schema):
    status = ma.fields.String(required=True, metadata={"description": "ok or unavailable"})
    database = ma.fields.String(required=True, metadata={"description": "ok or unreachable"})


class ReadySchema(HealthSchema):
    storage = ma.fields.String(
        required=True, metadata={"description": "the evidence store: ok or unreachable"}
    )


def _database() -> str:
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError as exc:
        db.session.rollback()
        log.warning("the database does not answer: %s", exc)
        return "unreachable"
    return "ok"


def _storage() -> str:
    try:
        current_app.extensions["evidence_store"].ping()
    except Exception as exc:  # a folder gone, S3 refusing or unreachable: boto3 raises many kinds
        log.warning("the evidence store does not answer: %s", exc)
        return "unreachable"
    return "ok"


def _answer(checks: dict[str, str]):
    ok = all(state == "ok" for state in checks.values())
    return {"status": "ok" if ok else "unavailable", **checks}, 200 if ok else 503


@blp.route("/health")
@blp.response(200, HealthSchema)
@blp.alt_response(503, schema=HealthSchema, description="The database does not answer")
def health():
    """Liveness: the app runs and its database answers."""
    return _answer({"database": _database()})


@blp.route("/ready")
@blp.response(200, ReadySchema)
@blp.alt_response(
    503,
    schema=ReadySchema,
    description="The database or the evidence store does not answer; the body names which",
)
def ready():
    """Readiness: the database answers and the evidence store can be reached, so pushes,
    pulls and uploads can be served."""
    return _answer({"database": _database(), "storage": _storage()})
