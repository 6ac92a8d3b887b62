"""A clue's timeline, read from the audit chain: who did what and when, from which device,
with the device's clock beside the server's (R9: recorded, never trusted for ordering).

It covers the clue and everything hanging from it: notes, evidence (and who viewed it),
cases, their inspection records, collaboration requests and documents, and the conflicts
kept aside on any of them. A sync entry names the mutation it answers; the mutation's
payload says which step it was, but only a step the workflow declares for that record type is
named: the payload is the device's text, and a refusal carries whatever it sent.

It is read a page at a time, oldest first, from a cursor: a clue with a long history shows all
of it, never only its newest entries.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import sqlalchemy as sa

from server.accounts.models import User
from server.audit.actions import label
from server.audit.models import AuditEntry
from server.cases.models import Case, Collaboration, Inspection, IssuedDocument
from server.clues.models import Clue, ClueNote
from server.core.db import db
from server.evidence.models import Evidence
from server.sync_api.models import SyncConflict, SyncMutation
from sync.workflow import WORKFLOW


def _ids(query) -> list[str]:
    return [str(i) for i in db.session.execute(query).scalars()]


def _record_ids(clue: Clue) -> list[str]:
    cases = sa.select(Case.id).where(Case.clue_id == clue.id)
    ids = [
        str(clue.id),
        *_ids(sa.select(ClueNote.id).where(ClueNote.clue_id == clue.id)),
        *_ids(sa.select(Evidence.id).where(Evidence.clue_id == clue.id)),
        *_ids(cases),
        *_ids(sa.select(Inspection.id).where(Inspection.case_id.in_(cases))),
        *_ids(sa.select(Collaboration.id).where(Collaboration.case_id.in_(cases))),
        *_ids(sa.select(IssuedDocument.id).where(IssuedDocument.clue_id == clue.id)),
    ]
    conflicts = sa.select(SyncConflict.id).where(
        SyncConflict.record_id.in_([uuid.UUID(i) for i in ids])
    )
    return [*ids, *_ids(conflicts)]


def _skew(device_time: Any, at: dt.datetime) -> float | None:
    if not isinstance(device_time, str):
        return None
    try:
        device = dt.datetime.fromisoformat(device_time)
    except ValueError:
        return None
    if device.tzinfo is None or at.tzinfo is None:
        return None
    return round((device - at).total_seconds(), 1)


def _step(record_type: str | None, payload: Any) -> tuple[str | None, bool]:
    """The step a mutation made, if it is one the workflow declares for its record type;
    and whether it named another (shown as an unknown step, never as the device's text)."""
    name = payload.get("name") if isinstance(payload, dict) else None
    if name is None:
        return None, False
    declared = WORKFLOW.get(record_type or "", {}).get("transitions", {})
    return (name, False) if isinstance(name, str) and name in declared else (None, True)


def timeline(clue: Clue, after: int = 0, limit: int = 500) -> tuple[list[dict[str, Any]], bool]:
    """Up to ``limit`` entries after the entry ``after`` (an entry's id, 0 at first), oldest
    first, and whether more follow."""
    ids = _record_ids(clue)
    rows = db.session.execute(
        sa.select(AuditEntry, User.display_name)
        .outerjoin(User, User.id == AuditEntry.actor_id)
        .where(AuditEntry.record_id.in_(ids), AuditEntry.id > after)
        # Entries of a clue may sit in several chains (its township's, the county's):
        # the id says in which order they were written.
        .order_by(AuditEntry.id)
        .limit(limit + 1)
    ).all()
    more, rows = len(rows) > limit, rows[:limit]
    mutation_ids = {
        uuid.UUID(e.detail["mutation"])
        for e, _ in rows
        if isinstance(e.detail, dict) and e.detail.get("mutation")
    }
    payloads = dict(
        db.session.execute(
            sa.select(SyncMutation.id, SyncMutation.payload).where(
                SyncMutation.id.in_(mutation_ids)
            )
        ).all()
    )
    return [_entry(entry, name, payloads) for entry, name in rows], more


def _entry(entry: AuditEntry, name: str | None, payloads: dict) -> dict[str, Any]:
    detail = entry.detail if isinstance(entry.detail, dict) else {}
    payload = payloads.get(uuid.UUID(detail["mutation"])) if detail.get("mutation") else None
    step, unknown = _step(entry.record_type, payload)
    at = entry.at if entry.at.tzinfo else entry.at.replace(tzinfo=dt.UTC)
    return {
        "id": entry.id,
        "seq": entry.seq,
        "chain": entry.chain,
        "at": at.isoformat(),
        "action": entry.action,
        # How people read it (zh-CN, en): the desk shows this, never the raw name.
        "label": label(entry.action),
        "record_type": entry.record_type,
        "record_id": entry.record_id,
        "actor_id": entry.actor_id,
        "actor_name": name,
        "device_id": str(entry.device_id) if entry.device_id else None,
        "device_time": detail.get("device_time"),
        "skew_s": _skew(detail.get("device_time"), at),
        "step": step,
        "unknown_step": unknown,
        "outcome": detail.get("outcome"),
        "reason": detail.get("reason"),
        "changed": detail.get("changed") or [],
    }
