"""The server generation (R12): which line of history this database holds.

A device's pull cursor is a position in one history: "every change up to seq N". A restore
from a backup, or a copy of the database to another server, forks that history: the restored
database hands out the numbers the lost one had already given, to other changes. So each
history has its own generation id, and the cursor carries it (``server.sync_api.pull``): a
cursor of another generation, or one ahead of the server's counter, resets the device,
which then resends what the server lost from its own history (``pwa/src/sync.js``).

How a new generation starts, and why that way: the restore is one command,
``flask --app server restore BACKUP_FOLDER`` (``server/cli.py``), which puts the database
back *and* starts a new generation in the same step, so no restore by the documented way can
forget it. Detecting a restore by itself was weighed and left out: the database's own
identity does not change on a restore into the same database (``pg_restore --clean``, or a
SQLite file copied over the old one), and a high-water mark kept outside the database is
exact only if written at every commit (an object-store write per push), else a restore of a
backup taken since the last write goes unseen. What does catch a hand restore without the
command: its counter is behind the cursors phones hold, and such a cursor resets the phone
(``pull.parse_cursor``), resends included; the command is still needed before the counter
passes them, so docs/BACKUP.md restores only through it.

A new generation also moves the counters of codes people read (clue, act and document
numbers) past whatever the lost history may have handed out after the backup: those codes
were shown, printed or told, and must never name another record. The change counter is
left alone: cursors of the lost history are answered by their generation, not their
number.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from server.core.db import Base, Counter, built, db, utcnow

# How far the code counters jump at a new generation: more than a township hands out in
# the time between two nightly backups (the busiest demo township: ~60 clues a day).
CODE_GAP = 1000
CODE_COUNTERS = ("clue:%", "act:%", "docno:%")


def new_generation_id() -> str:
    return secrets.token_hex(8)


class ServerGeneration(Base):
    """One line of the database's history; the newest row is the current one."""

    __tablename__ = "server_generation"
    number: Mapped[int] = mapped_column(primary_key=True)
    id: Mapped[str] = mapped_column(sa.String(16), unique=True)
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # "first": the database was made; "restore": put back from a backup (``source`` names it).
    reason: Mapped[str] = mapped_column(sa.String(20))
    source: Mapped[str | None] = mapped_column(sa.String(200))
    # The change counter when it began: a cursor of this generation is never below it.
    change_at_start: Mapped[int] = mapped_column(sa.BigInteger, default=0)


class Current(NamedTuple):
    id: str
    number: int  # 1: the database's first history, never restored


def current() -> Current:
    """The current generation (one indexed row: every pull reads it)."""
    return current_with((), lambda: ())[0]


def current_with(
    key: tuple, also: Callable[[], tuple[sa.ColumnElement, ...]]
) -> tuple[Current, sa.Row]:
    """The current generation, and the columns ``also`` makes, read in the same statement
    (the pull reads the change counter and the user's units with it: one round trip less
    on every page). The statement is built once for ``key`` (``db.built``): ``key`` names
    everything ``also`` builds from."""
    dialect = db.session.get_bind().dialect.name
    stmt = built(
        ("generation", dialect, *key),
        lambda: (
            sa.select(ServerGeneration.id, ServerGeneration.number, *also())
            .order_by(ServerGeneration.number.desc())
            .limit(1)
        ),
    )
    row = db.session.execute(stmt).first()
    if row is None:  # migration 0014 writes the first; only a hand-emptied table lacks it
        raise RuntimeError("no server generation: run `flask --app server db upgrade`")
    return Current(row.id, row.number), row


def begin(reason: str, source: str | None = None) -> ServerGeneration:
    """Start a new generation in the current transaction, and move the code counters past
    what the lost history may have given out. The caller commits."""
    change = db.session.scalar(sa.select(Counter.value).where(Counter.name == "change")) or 0
    for pattern in CODE_COUNTERS:
        db.session.execute(
            sa.update(Counter)
            .where(Counter.name.like(pattern))
            .values(value=Counter.value + CODE_GAP)
        )
    last = db.session.scalar(sa.select(sa.func.max(ServerGeneration.number))) or 0
    generation = ServerGeneration(
        number=last + 1,
        id=new_generation_id(),
        started_at=utcnow(),
        reason=reason,
        source=source,
        change_at_start=change,
    )
    db.session.add(generation)
    db.session.flush()
    return generation
