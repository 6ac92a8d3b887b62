"""Pull: what changed since the device's cursor, scoped to what the user may see now.

The cursor is the server generation (``generation.py``), the server's change sequence (never
a device clock) and a fingerprint of the user's jurisdiction. When the jurisdiction changes
(moved to another grid, a role taken away) the fingerprint no longer matches: the device is
sent everything it may now see, marked ``reset``, and drops whatever that full pull did not
include. A cursor of another generation (the database was restored or moved), or one ahead
of the server's counter (the database went back in time without a new generation), resets
the same way, with ``reset_reason`` telling the device that the server lost history: it
then sends again what it had sent (R12).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy import orm

from server.accounts.jurisdiction import STAFF_ROLES, scoped, visible
from server.accounts.models import User
from server.cases.models import Case, Collaboration, Inspection
from server.catalogue.models import Matter
from server.clues.models import Clue, ClueLink, ClueNote
from server.core import metrics
from server.core.api import DomainError
from server.core.db import Counter, db
from server.evidence.models import Evidence
from server.sync_api import generation, records
from server.sync_api.models import SyncConflict
from server.units.models import AdminUnit, Department
from sync.workflow import CLUE_TOMBSTONE

CURSOR_VERSION = "c2"
# The cursor of a reset still under way says why, so every page of it does ("r": the
# jurisdiction changed, the mark cursors always had).
RESET_MARKS = {"r": "scope", "g": "generation", "a": "ahead"}


def scope_fingerprint(user: User) -> str:
    key = f"{user.id}|{user.unit.path}|{','.join(sorted(user.roles))}"
    return hashlib.sha256(key.encode()).hexdigest()[:12]


@dataclass(frozen=True)
class Cursor:
    seq: int
    reset_reason: str | None  # a reset under way: "scope", "generation" or "ahead"

    @property
    def resetting(self) -> bool:
        return self.reset_reason is not None

    def encode(self, user: User, generation_id: str) -> str:
        mark = {reason: m for m, reason in RESET_MARKS.items()}.get(self.reset_reason)
        return f"{CURSOR_VERSION}.{generation_id}.{self.seq}.{scope_fingerprint(user)}" + (
            f".{mark}" if mark else ""
        )


def _not_a_cursor() -> DomainError:
    return DomainError(
        "cursor: not a cursor this server gave out",
        code="invalid",
        status=422,
        fields={"cursor": ["not a cursor this server gave out"]},
    )


def _is_generation_id(text: str) -> bool:
    return len(text) == 16 and all(c in "0123456789abcdef" for c in text)


def parse_cursor(raw: str | None, user: User, current: generation.Current, upto: int) -> Cursor:
    """``upto`` is the server's committed change counter: no cursor it gave out is past it."""
    if not raw:
        return Cursor(0, None)
    parts = raw.split(".")
    if parts[0] == "c1" and len(parts) in (3, 4):
        # Given out before generations existed, so by the first one if it was never
        # restored since (an app update must not reset every phone), else by a lost one.
        parts = ["c2", current.id if current.number == 1 else "0" * 16, *parts[1:]]
    if (
        len(parts) not in (4, 5)
        or parts[0] != CURSOR_VERSION
        or not _is_generation_id(parts[1])
        or not parts[2].isdigit()
        or (len(parts) == 5 and parts[4] not in RESET_MARKS)
    ):
        raise _not_a_cursor()
    seq = int(parts[2])
    if parts[1] != current.id:
        return Cursor(0, "generation")  # the database was restored or moved: start over
    if seq > upto:
        return Cursor(0, "ahead")  # it went back in time under the same generation
    if parts[3] != scope_fingerprint(user):
        return Cursor(0, "scope")  # the jurisdiction changed: start over, then prune
    return Cursor(seq, RESET_MARKS[parts[4]] if len(parts) == 5 else None)


def _clue_data(clue: sa.Row, links: dict) -> dict:
    data = records.clue_fields(clue, clue.unit_code, clue.matter_code, clue.transferred_to)
    data.update(
        code=clue.code,
        version=clue.version,
        unit_name=clue.unit_name,
        matter_name=clue.matter_name,
        reporter_name=clue.reporter_name,
        created_at=clue.created_at.isoformat(),
        clock_skew_s=clue.clock_skew_s,
        possible_duplicates=links.get(clue.id, []),
    )
    return data


def _note_data(note: sa.Row) -> dict:
    return {
        "clue_id": str(note.clue_id),
        "kind": note.kind,
        "text": note.text,
        "author_id": note.author_id,
        "late": note.late,
        "created_at": note.created_at.isoformat(),
    }


def evidence_data(e: Evidence) -> dict:
    """The record, and which of its files the server holds, verified: a device keeps a
    photo until its file shows ``held``."""
    data = records.evidence_fields(e)
    for tier in ("original", "copy"):
        if data[tier] is not None:
            at = getattr(e, f"{tier}_at")
            data[tier]["held"] = at is not None
            data[tier]["held_at"] = at.isoformat() if at else None
    data.update(
        clue_id=str(e.clue_id),
        tier=Evidence.tier(e),  # an entity or a row: it reads two columns
        disagreements=e.disagreements,
        late=e.late,
        clock_skew_s=e.clock_skew_s,
        created_at=e.created_at.isoformat(),
    )
    return data


def _case_data(case: sa.Row) -> dict:
    return {
        **case.data,
        "clue_id": str(case.clue_id),
        "code": case.code,
        "created_at": case.created_at.isoformat(),
    }


def _inspection_data(row: sa.Row) -> dict:
    return {
        **records.inspection_fields(row),
        "case_id": str(row.case_id),
        "code": row.code,
        "late": row.late,
        "created_at": row.created_at.isoformat(),
    }


def _conflict_data(c: SyncConflict) -> dict:
    data = dict(records.conflict_state(c).fields)
    data["created_at"] = c.created_at.isoformat()
    return data


def _window(model: type, after: int, upto: int) -> sa.ColumnElement[bool]:
    return sa.and_(model.seq > after, model.seq <= upto)


def committed_upto() -> int:
    """The last change sequence number handed out and committed. Numbers are handed out in
    commit order (``next_counter`` holds the counter's row until commit), so every row at or
    below it is committed and seen by every statement after this one. The pull's statements
    stop there: under PostgreSQL's READ COMMITTED each statement has its own snapshot, and a
    change committed between two of them (a clue, then its note) was skipped for good once
    the cursor passed the later one (found by bench/chaos_sync.py)."""
    value = db.session.scalar(sa.select(Counter.value).where(Counter.name == "change"))
    return value or 0


def _child_rows(model: type, user: User, after: int, limit: int, upto: int) -> list[sa.Row]:
    """A child record's columns and its clue's status, as plain rows (an entity would load
    its clue, and the clue its unit, matter and reporter, for one status)."""
    parent = orm.aliased(Clue)  # not Clue itself: the jurisdiction rule's subquery names it
    return db.session.execute(
        sa.select(*model.__table__.c, parent.status.label("clue_status"))
        .join(parent, parent.id == model.clue_id)
        .where(visible(model, user), _window(model, after, upto))
        .order_by(model.seq)
        .limit(limit)
    ).all()


def _case_rows(model: type, user: User, after: int, limit: int, upto: int) -> list[sa.Row]:
    """A case or a record of one, as plain rows, without its merge bookkeeping."""
    return db.session.execute(
        sa.select(*(c for c in model.__table__.c if c.name != "field_meta"))
        .where(visible(model, user), _window(model, after, upto))
        .order_by(model.seq)
        .limit(limit)
    ).all()


def pull(user: User, raw_cursor: str | None, limit: int) -> dict:
    upto = committed_upto()
    current = generation.current()
    cursor = parse_cursor(raw_cursor, user, current, upto)
    batches = {
        # Plain rows, not entities: a device needs the columns and three names, and a cold
        # pull of 10,000 records should not build 10,000 ORM objects to throw away.
        "clue": db.session.execute(
            sa.select(
                *(c for c in Clue.__table__.c if c.name != "field_meta"),
                AdminUnit.code.label("unit_code"),
                AdminUnit.name.label("unit_name"),
                Matter.code.label("matter_code"),
                Matter.name.label("matter_name"),
                User.display_name.label("reporter_name"),
                Department.code.label("transferred_to"),
            )
            .join(AdminUnit, Clue.unit_id == AdminUnit.id)
            .join(Matter, Clue.matter_id == Matter.id)
            .join(User, Clue.reporter_id == User.id)
            .outerjoin(Department, Clue.transferred_to_id == Department.id)
            .where(visible(Clue, user), _window(Clue, cursor.seq, upto))
            .order_by(Clue.seq)
            .limit(limit)
        ).all(),
        "clue_note": _child_rows(ClueNote, user, cursor.seq, limit, upto),
        "evidence": _child_rows(Evidence, user, cursor.seq, limit, upto),
        # Cases and their records: staff only (the jurisdiction rules say so).
        "case": _case_rows(Case, user, cursor.seq, limit, upto),
        "inspection": _case_rows(Inspection, user, cursor.seq, limit, upto),
        "collaboration": _case_rows(Collaboration, user, cursor.seq, limit, upto),
        "conflict": db.session.execute(
            scoped(SyncConflict, user)
            .where(_window(SyncConflict, cursor.seq, upto))
            .order_by(SyncConflict.seq)
            .limit(limit)
        )
        .scalars()
        .all(),
    }
    merged = sorted(
        ((row.seq, rtype, row) for rtype, rows in batches.items() for row in rows),
        key=lambda item: item[0],
    )
    more = len(merged) > limit or any(len(rows) == limit for rows in batches.values())
    page = merged[:limit]

    clue_ids = [row.id for _, rtype, row in page if rtype == "clue"]
    links: dict = defaultdict(list)
    if clue_ids:
        for link in db.session.execute(
            sa.select(ClueLink).where(ClueLink.clue_id.in_(clue_ids))
        ).scalars():
            links[link.clue_id].append(
                {"clue_id": str(link.other_id), "distance_m": round(link.distance_m, 1)}
            )

    # A possible duplicate may be in a grid the user cannot see: only staff get its id.
    sees_links = user.has_role(*STAFF_ROLES)
    changes = []
    for seq, rtype, row in page:
        if rtype == "clue":
            deleted = row.status in CLUE_TOMBSTONE
            data = None if deleted else _clue_data(row, links if sees_links else {})
        elif rtype == "clue_note":
            deleted = row.clue_status in CLUE_TOMBSTONE
            data = None if deleted else _note_data(row)
        elif rtype == "evidence":
            deleted = row.clue_status in CLUE_TOMBSTONE
            data = None if deleted else evidence_data(row)
        elif rtype == "case":
            deleted, data = False, _case_data(row)
        elif rtype == "inspection":
            deleted, data = False, _inspection_data(row)
        elif rtype == "collaboration":
            deleted, data = False, records.collaboration_pulled(row)
        else:
            deleted, data = False, _conflict_data(row)
        changes.append(
            {
                "record_type": rtype,
                "id": str(row.id),
                "version": row.version,
                "seq": seq,
                "deleted": deleted,
                "data": data,
            }
        )

    last = page[-1][0] if page else cursor.seq
    next_cursor = Cursor(last, cursor.reset_reason if more else None)
    metrics.record_pull(len(changes))
    return {
        "changes": changes,
        "cursor": next_cursor.encode(user, current.id),
        "more": more,
        "reset": cursor.resetting,
        "reset_reason": cursor.reset_reason,
        "generation": current.id,
    }
