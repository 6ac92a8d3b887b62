"""Push: apply a device's outbox, one mutation at a time, in the order sent.

A batch is one transaction: the engine (``sync.engine``) decides it in memory, each
mutation against the state the previous ones left, over the SQL store
(``server.sync_api.store``), which then writes it in one flush. A crash at any point leaves
the whole batch or nothing, and a retry is safe (R1). A mutation the rules reject changes
nothing and the rest go on (R5).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import marshmallow as ma
from flask import current_app

from server.accounts.models import Device, User
from server.core import metrics
from server.core.db import db, utcnow
from server.sync_api.schemas import MutationSchema
from server.sync_api.store import SqlStore, actor_of
from sync import checks
from sync.engine import Engine
from sync.types import Mutation, Op, Outcome

__all__ = ["actor_of", "push_batch"]

_mutation_schema = MutationSchema()


def push_batch(
    user: User, device: Device | None, raw_mutations: list[Any], device_now: dt.datetime | None
) -> list[dict]:
    """Apply ``raw_mutations`` (JSON objects) for ``user``; one result per mutation."""
    now = utcnow()
    tolerance = dt.timedelta(seconds=current_app.config["CLOCK_SKEW_TOLERANCE_S"])
    store = SqlStore(user, device)
    store.begin()
    engine = Engine(
        store, actor_of(user, device), now, skew_s=checks.clock_skew(device_now, now, tolerance)
    )
    batch = engine.run([_parse(raw) for raw in raw_mutations])
    store.commit(batch, now)
    db.session.commit()
    metrics.record_push(batch.results)
    return batch.results


def _parse(raw: Any) -> Mutation | dict:
    """A mutation, or the answer to an envelope that is not one (named by its fields)."""
    try:
        m = _mutation_schema.load(raw)
    except ma.ValidationError as exc:
        ident = raw.get("id") if isinstance(raw, dict) else None
        return {
            "mutation_id": str(ident) if ident is not None else None,
            "outcome": Outcome.REJECTED.value,
            "reason": "invalid",
            "fields": exc.messages,
        }
    return Mutation(
        id=m["id"],
        record_type=m["record_type"],
        record_id=m["record_id"],
        op=Op(m["op"]),
        payload=m["payload"],
        base_version=m.get("base_version"),
        device_time=m.get("device_time"),
        parent_id=m.get("parent_id"),
    )
