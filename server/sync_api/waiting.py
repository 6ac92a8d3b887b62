"""Children waiting for a parent (R3, ``sync_waiting``): who sees them, and what becomes of
those that wait too long.

A child waits when its parent has not reached the server, or is outside its author's view
(a stranger's note on a clue of another grid waits like one whose clue does not exist: the
answer must not tell him the clue exists). The second kind would wait for good, seen by no
one. So:

- the command room (dispatchers, leaders) sees the children waiting from the authors of its
  jurisdiction, with their author and age (``GET /sync/waiting``, the console's list); the
  author's unit is the one he worked in when he sent it (R3), else his current one;
- after ``SYNC_WAITING_DAYS`` (30 by default) ``flask sync purge-waiting`` hands each one,
  whole, to the supervisors of its author's township as a conflict record
  (``sync.engine.Engine.give_up``): never silently dropped. It runs one author at a time,
  through the push's own store, so the log answer, the conflict, its change number and the
  audit entry are written exactly as a push writes them.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict

import sqlalchemy as sa
from flask import current_app

from server.accounts.models import User
from server.core.db import db, utcnow
from server.sync_api.models import SyncMutation, SyncWaiting
from server.sync_api.store import SqlStore, actor_of, waiting_of
from server.units.models import AdminUnit
from sync.engine import Engine


def _author_path() -> sa.ColumnElement[str]:
    return sa.func.coalesce(SyncWaiting.author_unit_path, AdminUnit.path)


def listing(user: User) -> sa.Select:
    """The waiting children of the authors in ``user``'s jurisdiction, oldest first."""
    return (
        sa.select(SyncWaiting, SyncMutation, User.display_name)
        .join(SyncMutation, SyncMutation.id == SyncWaiting.mutation_id)
        .join(User, User.id == SyncMutation.user_id)
        .join(AdminUnit, AdminUnit.id == User.unit_id)
        .where(_author_path().startswith(user.unit.path, autoescape=True))
        .order_by(SyncWaiting.created_at, SyncWaiting.mutation_id)
    )


def described(kept: SyncWaiting, m: SyncMutation, author_name: str, now: dt.datetime) -> dict:
    payload = m.payload if isinstance(m.payload, dict) else {}
    created = kept.created_at if kept.created_at.tzinfo else kept.created_at.replace(tzinfo=dt.UTC)
    return {
        "mutation_id": m.id,
        "record_type": m.record_type,
        "record_id": m.record_id,
        "parent_type": kept.parent_type,
        "parent_id": kept.parent_id,
        "author_id": m.user_id,
        "author_name": author_name,
        "kind": payload.get("kind"),
        "text": payload.get("text"),
        "created_at": created,
        "age_days": math.floor((now - created).total_seconds() / 86400),
    }


def purge(now: dt.datetime | None = None) -> int:
    """Hand every child waiting longer than ``SYNC_WAITING_DAYS`` to its supervisors; the
    number handed over. Each author's in one transaction of its own."""
    now = now or utcnow()
    cutoff = now - dt.timedelta(days=current_app.config["SYNC_WAITING_DAYS"])
    rows = db.session.execute(
        sa.select(SyncMutation, SyncWaiting)
        .join(SyncWaiting, SyncWaiting.mutation_id == SyncMutation.id)
        .where(SyncWaiting.created_at < cutoff)
        .order_by(SyncWaiting.created_at, SyncMutation.received_at)
    ).all()
    by_author = defaultdict(list)
    for row, kept in rows:
        by_author[row.user_id].append(waiting_of(row, kept))
    for author_id, waiting in by_author.items():
        author = db.session.get(User, author_id)
        store = SqlStore(author, None)
        store.begin()
        batch = Engine(store, actor_of(author), now).give_up(waiting)
        store.commit(batch, now)
        db.session.commit()
    return len(rows)
