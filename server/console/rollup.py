"""Month roll-ups of the closed loop's counts, so a county's year reads a few thousand rows
instead of a million clues (bench/dashboard_bench.py).

One row per township, China month, dimension and key: a township's villages and grids are
rolled up with it (a clue of a unit above any township, under that unit). ``officer`` rows
are keyed by who took the clues (null: nobody yet), ``matter`` rows by their matter (its
domain is the catalogue's, read when asked). Each holds the counts the dashboard's figures
are made of, and the answered clues' response times as a histogram over ``BINS``: a median
cannot be added up, a histogram can, and the median is read off it (``median_hours``).

What is open and what is overdue depends on the hour of asking, so it is never rolled up:
the dashboard counts it from the open clues alone (a partial index holds just those).

The roll-ups follow the clues by the change sequence every write of a clue already takes
(the pull cursor, ``Clue.seq``): ``refresh`` rebuilds the months of the clues changed
since the mark it left, from the clues themselves, and moves the mark. Nothing in a write
path has to remember them; a clue changed by hand without a new ``seq`` is not seen until
``refresh(full=True)`` (``flask rollup``).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter as Tally
from typing import Any

import sqlalchemy as sa
from flask import has_request_context
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from server.cases.indicators import DISPOSED, NOT_COUNTED
from server.clues.models import Clue
from server.core.db import Base, Counter, begin_writing, db
from server.units.models import AdminUnit, UnitLevel
from sync.cases import CHINA

# Response-time bins in hours: bin i holds [BINS[i], BINS[i + 1]), the last is open-ended.
BINS = (0, 0.25, 0.5, 1, 2, 3, 4, 6, 8, 12, 16, 24, 36, 48, 72, 96, 120, 168, 336, 720)
HIST = tuple(f"rh{i:02d}" for i in range(len(BINS)))
SUMS = (
    "reported",
    "responded",
    "to_dispose",
    "disposed",
    "rated",
    "satisfied",
    "handled",
    "handled_late",
    "stopped",
)
COLUMNS = SUMS + HIST
DIMS = {"officer": Clue.taken_by, "matter": Clue.matter_id}
SATISFIED = 4  # a rating of 4 or 5 (满意)
MARK = "rollup.clue"  # the Counter row: the last change sequence the roll-ups include
FULL_OVER = 500  # months to rebuild past which one pass over every clue is quicker

clue_rollup = sa.Table(
    "clue_rollup",
    Base.metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("unit_id", sa.Integer, sa.ForeignKey("admin_unit.id"), nullable=False),
    sa.Column("month", sa.Date, nullable=False),
    sa.Column("dim", sa.String(8), nullable=False),
    sa.Column("key", sa.Integer),
    *(sa.Column(name, sa.Integer, nullable=False) for name in COLUMNS),
    sa.Index("ix_clue_rollup_dim_month", "dim", "month", "unit_id"),
)


def _postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def response_hours() -> sa.ColumnElement:
    """``responded_at − created_at`` in hours (null when not answered)."""
    if _postgres():
        return sa.func.date_part("epoch", Clue.responded_at - Clue.created_at) / 3600.0
    return (sa.func.julianday(Clue.responded_at) - sa.func.julianday(Clue.created_at)) * 24.0


def response_bin() -> sa.ColumnElement:
    """The response-time bin of a clue (null when not answered). A clock can put an answer
    a moment before the report: the first bin takes it."""
    hours = response_hours()
    return sa.case(
        (Clue.responded_at.is_(None), sa.null()),
        *((hours < BINS[i + 1], i) for i in range(len(BINS) - 1)),
        else_=len(BINS) - 1,
    )


def counts() -> list[sa.ColumnElement]:
    """The counts over a group of clues, labelled as the roll-up's columns (``SUMS``)."""
    count = sa.func.count
    return [
        count().label("reported"),
        count().filter(Clue.responded_at.is_not(None)).label("responded"),
        count().filter(Clue.status.not_in(NOT_COUNTED)).label("to_dispose"),
        count().filter(Clue.status.in_(DISPOSED)).label("disposed"),
        count().filter(Clue.rating.is_not(None)).label("rated"),
        count().filter(Clue.rating >= SATISFIED).label("satisfied"),
        count().filter(Clue.handled_at.is_not(None), Clue.deadline.is_not(None)).label("handled"),
        count().filter(Clue.handled_at > Clue.deadline).label("handled_late"),
        count().filter(Clue.dissuasion_result == "stopped").label("stopped"),
    ]


def binned(key: sa.ColumnElement) -> sa.Select:
    """The counts per ``key`` and response-time bin: the bin is worked out once a clue (as a
    group key) rather than once per histogram column; ``fold`` adds the groups up."""
    b = response_bin()
    return sa.select(key.label("key"), b.label("bin"), *counts()).group_by(key, b)


def fold(result, into: dict[Any, Tally]) -> dict[Any, Tally]:
    """Add the rows of a ``binned`` statement into one tally per key, histogram included."""
    for r in result.mappings():
        tally = into.setdefault(r["key"], Tally())
        tally.update({name: r[name] for name in SUMS if r[name]})
        if r["bin"] is not None:
            tally[HIST[r["bin"]]] += r["responded"]
    return into


def median_hours(row: dict[str, int]) -> float | None:
    """The median response time read off a histogram: linear within the bin holding the
    middle answer; the open-ended last bin gives its lower edge. Null with no answer."""
    total = sum(row.get(name, 0) for name in HIST)
    if not total:
        return None
    half, below = total / 2, 0
    for i, name in enumerate(HIST):
        n = row.get(name, 0)
        if n and below + n >= half:
            if i + 1 == len(BINS):
                return float(BINS[i])
            return BINS[i] + (BINS[i + 1] - BINS[i]) * (half - below) / n
        below += n
    raise AssertionError("unreachable: the bins hold every answer")


def month_of(moment: dt.datetime) -> dt.date:
    return moment.astimezone(CHINA).date().replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return (month + dt.timedelta(days=32)).replace(day=1)


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    return (
        dt.datetime.combine(month, dt.time(), CHINA),
        dt.datetime.combine(next_month(month), dt.time(), CHINA),
    )


def split(start: dt.date, end: dt.date) -> tuple[list[dt.date], list[tuple[dt.date, dt.date]]]:
    """A period of China's days, both included: the whole months in it (read from the
    roll-ups) and the days left at either end (counted from the clues)."""
    first = start if start.day == 1 else next_month(start)
    months = []
    while next_month(first) - dt.timedelta(days=1) <= end:
        months.append(first)
        first = next_month(first)
    if not months:
        return [], [(start, end)]
    edges = []
    if start < months[0]:
        edges.append((start, months[0] - dt.timedelta(days=1)))
    if next_month(months[-1]) <= end:
        edges.append((next_month(months[-1]), end))
    return months, edges


def _as_utc(value: Any) -> dt.datetime:
    if isinstance(value, str):  # SQLite's text
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def rolled_under() -> dict[int, int]:
    """Each unit → the unit its clues are rolled up under: the township it lies in (itself,
    for a township), or itself when it lies in none."""
    units = db.session.execute(sa.select(AdminUnit.id, AdminUnit.path, AdminUnit.level)).all()
    townships = {path: uid for uid, path, level in units if level == UnitLevel.TOWNSHIP}
    under = {}
    for uid, path, _level in units:
        prefixes = (path[: i + 1] for i, c in enumerate(path) if c == "/" and i)
        under[uid] = next((townships[p] for p in prefixes if p in townships), uid)
    return under


def _rebuild(buckets: set[tuple[int, dt.date]], under: dict[int, int]) -> None:
    """Count each (township, month) afresh from its clues, in place of what was there."""
    members: dict[int, list[int]] = {}
    for uid, top in under.items():
        members.setdefault(top, []).append(uid)
    for unit_id, month in sorted(buckets):
        lo, hi = month_bounds(month)
        db.session.execute(
            clue_rollup.delete().where(
                clue_rollup.c.unit_id == unit_id, clue_rollup.c.month == month
            )
        )
        for dim, key in DIMS.items():
            tallies = fold(
                db.session.execute(
                    binned(key).where(
                        Clue.unit_id.in_(members.get(unit_id, [unit_id])),
                        Clue.created_at >= lo,
                        Clue.created_at < hi,
                        Clue.status != "withdrawn",
                    )
                ),
                {},
            )
            values = [
                {"unit_id": unit_id, "month": month, "dim": dim, "key": k}
                | {name: n[name] for name in COLUMNS}
                for k, n in tallies.items()
            ]
            if values:
                db.session.execute(clue_rollup.insert(), values)


def _every_bucket(under: dict[int, int]) -> set[tuple[int, dt.date]]:
    spans = db.session.execute(
        sa.select(
            Clue.unit_id, sa.func.min(Clue.created_at), sa.func.max(Clue.created_at)
        ).group_by(Clue.unit_id)
    ).all()
    buckets = set()
    for unit_id, first, last in spans:
        month, stop = month_of(_as_utc(first)), month_of(_as_utc(last))
        while month <= stop:
            buckets.add((under.get(unit_id, unit_id), month))
            month = next_month(month)
    return buckets


def refresh(full: bool = False) -> int:
    """Bring the roll-ups up to the latest change of any clue; returns the months rebuilt.
    Concurrent callers queue on the mark's row; the second finds nothing left to do."""
    latest = db.session.scalar(sa.select(sa.func.max(Clue.seq))) or 0
    built = db.session.scalar(sa.select(Counter.value).where(Counter.name == MARK))
    if not full and built is not None and latest <= built:
        return 0
    if has_request_context():
        begin_writing()  # a GET that writes: take SQLite's write lock up front
    insert = {"postgresql": pg_insert, "sqlite": sqlite_insert}[db.session.get_bind().dialect.name]
    db.session.execute(
        insert(Counter).values(name=MARK, value=0).on_conflict_do_nothing(index_elements=["name"])
    )
    built = db.session.scalar(
        sa.select(Counter.value).where(Counter.name == MARK).with_for_update()
    )
    latest = db.session.scalar(sa.select(sa.func.max(Clue.seq))) or 0
    under = rolled_under()
    if full or built == 0:
        db.session.execute(clue_rollup.delete())
        buckets = _every_bucket(under)
    else:
        changed = db.session.execute(
            sa.select(Clue.unit_id, Clue.created_at).where(Clue.seq > built)
        ).all()
        buckets = {(under.get(u, u), month_of(_as_utc(at))) for u, at in changed}
        if len(buckets) > FULL_OVER:
            db.session.execute(clue_rollup.delete())
            buckets = _every_bucket(under)
    _rebuild(buckets, under)
    db.session.execute(sa.update(Counter).where(Counter.name == MARK).values(value=latest))
    db.session.commit()
    return len(buckets)
