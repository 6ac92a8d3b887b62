"""Append to and verify the hash-chained audit log."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import g, has_request_context, request

from server.audit.models import AuditEntry, AuditHead
from server.core.db import db, utcnow

GENESIS = "0" * 64


def entry_hash(
    *,
    seq: int,
    at: str,
    actor_id: int | None,
    device_id: str | None,
    action: str,
    record_type: str | None,
    record_id: str | None,
    detail: dict,
    ip: str | None,
    prev_hash: str,
) -> str:
    canonical = json.dumps(
        {
            "seq": seq,
            "at": at,
            "actor_id": actor_id,
            "device_id": device_id,
            "action": action,
            "record_type": record_type,
            "record_id": record_id,
            "detail": detail,
            "ip": ip,
            "prev_hash": prev_hash,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def exported(entry: AuditEntry) -> dict[str, Any]:
    """An entry as an export carries it: every hashed field, and the hash."""
    return {**_fields_of(entry), "hash": entry.hash}


def _fields_of(entry: AuditEntry) -> dict[str, Any]:
    return {
        "seq": entry.seq,
        "at": entry.at.isoformat(),
        "actor_id": entry.actor_id,
        "device_id": str(entry.device_id) if entry.device_id else None,
        "action": entry.action,
        "record_type": entry.record_type,
        "record_id": entry.record_id,
        "detail": entry.detail,
        "ip": entry.ip,
        "prev_hash": entry.prev_hash,
    }


def lock_head() -> AuditHead:
    """Take the chain's head row for this transaction (created on first use).

    Whoever holds it appends next; a push takes it first so that concurrent pushes queue
    in one order instead of deadlocking on each other's records.
    """
    head = db.session.execute(
        sa.select(AuditHead).where(AuditHead.id == 1).with_for_update()
    ).scalar_one_or_none()
    if head is None:
        head = AuditHead(id=1, seq=0, hash=GENESIS)
        db.session.add(head)
        db.session.flush()
    return head


def record(
    action: str,
    record_type: str | None = None,
    record_id: Any = None,
    detail: dict | None = None,
    *,
    actor_id: int | None = None,
    device_id: uuid.UUID | None = None,
) -> int:
    """Append an entry in the current transaction: it commits or rolls back with the change
    it describes. Actor, device and address default to the current request's. Returns the
    entry's sequence number."""
    if has_request_context():
        user = g.get("user")
        device = g.get("device")
        actor_id = actor_id if actor_id is not None else (user.id if user else None)
        device_id = device_id or (device.id if device else None)
        ip = request.remote_addr
    else:
        ip = None
    head = lock_head()
    append_many(
        head, [Entry(action, record_type, record_id, detail or {}, actor_id, device_id, ip)]
    )
    return head.seq


@dataclass(frozen=True)
class Entry:
    action: str
    record_type: str | None
    record_id: Any
    detail: dict
    actor_id: int | None
    device_id: uuid.UUID | None
    ip: str | None


def append_many(head: AuditHead, entries: list[Entry], at: dt.datetime | None = None) -> None:
    """Append ``entries`` after ``head`` (locked by this transaction) and advance it: a push
    takes the head once and appends one entry per mutation, in one statement."""
    if not entries:
        return
    at = at or utcnow()
    rows = []
    for e in entries:
        row = {
            "seq": head.seq + 1,
            # Microsecond precision is kept by both databases, so the hash can be recomputed.
            "at": at,
            "actor_id": e.actor_id,
            "device_id": e.device_id,
            "action": e.action,
            "record_type": e.record_type,
            "record_id": None if e.record_id is None else str(e.record_id),
            "detail": json.loads(json.dumps(e.detail, default=str)),
            "ip": e.ip,
            "prev_hash": head.hash,
        }
        row["hash"] = entry_hash(
            **{
                **row,
                "at": at.isoformat(),
                "device_id": str(e.device_id) if e.device_id else None,
            }
        )
        head.seq, head.hash = row["seq"], row["hash"]
        rows.append(row)
    db.session.execute(sa.insert(AuditEntry.__table__), rows)


@dataclass
class Verification:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    problem: str | None = None


def verify(batch_size: int = 5000) -> Verification:
    """Walk the whole chain in order, recomputing each hash."""
    prev = GENESIS
    expected_seq = 1
    checked = 0
    last_seq = 0
    while True:
        entries = (
            db.session.execute(
                sa.select(AuditEntry)
                .where(AuditEntry.seq > last_seq)
                .order_by(AuditEntry.seq)
                .limit(batch_size)
            )
            .scalars()
            .all()
        )
        if not entries:
            break
        for entry in entries:
            if entry.seq != expected_seq:
                return Verification(False, checked, expected_seq, "entry missing")
            if entry.prev_hash != prev:
                return Verification(False, checked, entry.seq, "previous hash does not match")
            if entry_hash(**_fields_of(entry)) != entry.hash:
                return Verification(False, checked, entry.seq, "entry was altered")
            prev = entry.hash
            expected_seq += 1
            checked += 1
            last_seq = entry.seq
        db.session.expunge_all()
    head = db.session.get(AuditHead, 1)
    if head is not None and (head.seq != checked or head.hash != prev):
        return Verification(False, checked, checked + 1, "entries after the last one are missing")
    return Verification(True, checked)
