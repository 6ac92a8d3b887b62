"""The database: one SQLAlchemy instance, a naming convention Alembic can rely on, and the
SQLite settings the embedded default needs (WAL, foreign keys, writers that wait)."""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
import time
import uuid
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import g, has_request_context, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(sa.TypeDecorator):
    """A timestamp that is always timezone-aware UTC, on SQLite as on PostgreSQL."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware UTC datetime")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def result_processor(self, dialect, coltype):
        """What the driver gives (parsed first by the impl's own processor: text on SQLite),
        made aware UTC. Here rather than in ``process_result_value``, which SQLAlchemy calls
        through a wrapper of its own, two Python calls for every value, None included: a
        clue has eight timestamps, most of them empty, and on PostgreSQL those calls were a
        third of reading a pull's page."""
        parse = self.impl_instance.result_processor(dialect, coltype)
        utc = dt.UTC

        def aware(value):
            if value is None:
                return None
            if parse is not None:
                value = parse(value)
            if value.tzinfo is None:
                return value.replace(tzinfo=utc)
            return value if value.tzinfo is utc else value.astimezone(utc)

        return aware


class Base(DeclarativeBase):
    registry = sa.orm.registry(
        metadata=sa.MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={dt.datetime: UTCDateTime(), uuid.UUID: sa.Uuid()},
    )


db = SQLAlchemy(model_class=Base, engine_options={"pool_pre_ping": True})


def engine_options(url: str) -> dict:
    """PostgreSQL sessions in UTC (``-c timezone=UTC``, added to any ``options`` the URL
    names). psycopg gives a timestamptz in the session's zone, and ``UTCDateTime`` then
    converted each to UTC: a cold pull's page spent a quarter of its time in those
    conversions. In UTC psycopg hands out ``datetime.UTC`` itself and nothing is converted.
    Nothing else reads the session zone: every date the app shows is computed in Python
    (China time, ``CHINA``), never by a SQL function of a timestamptz."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return {}
    options = " ".join(filter(None, [parsed.query.get("options"), "-c timezone=UTC"]))
    return {"connect_args": {"options": options}}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Synced:
    """The bookkeeping of a record devices write: its version (+1 per accepted change), its
    change sequence number (the pull cursor: every write takes ``next_counter("change")``),
    the device that wrote it and that device's clock, recorded and never trusted for
    ordering, with how far it was from the server's (R9)."""

    version: Mapped[int] = mapped_column(default=1)
    seq: Mapped[int] = mapped_column(sa.BigInteger, index=True)
    device_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("device.id"))
    device_time: Mapped[dt.datetime | None]
    clock_skew_s: Mapped[float | None] = mapped_column(sa.Float)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def configure_sqlite(engine: sa.Engine) -> None:
    """WAL so readers never wait for the writer; writes take the lock when they begin.

    pysqlite's own transaction handling is turned off so that we emit BEGIN ourselves:
    a request that will write starts with BEGIN IMMEDIATE, so it waits (busy_timeout) for
    the write lock up front instead of failing with SQLITE_BUSY when it upgrades a read
    transaction that another writer has overtaken.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        # Ids are random UUIDs, so inserts land all over each index: keep the hot pages in
        # memory (64 MiB a connection; the default 2 MiB made pushes slow as a county grew).
        cursor.execute("PRAGMA cache_size=-65536")
        cursor.close()

    @event.listens_for(engine, "checkin")
    def _on_checkin(dbapi_connection, record):
        # What SQLite asks of long-lived connections: refresh the planner's statistics for
        # tables this connection used when they are missing or far out of date. Without
        # them a dispatcher's pull sorted every clue he may see, for every page.
        if _optimized_lately(dbapi_connection, record):
            return
        with contextlib.suppress(sqlite3.OperationalError):  # busy: next time, then
            dbapi_connection.execute("PRAGMA optimize")
            if record is not None:
                record.info.update(
                    optimized_changes=dbapi_connection.total_changes, optimized_at=time.monotonic()
                )

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        reading = has_request_context() and request.method in _SAFE_METHODS and not g.get("writes")
        connection.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")


# An execution option: the statement's rows come in PostgreSQL's binary format.
BINARY_ROWS = "fieldcase_binary_rows"


def configure_postgresql(engine: sa.Engine) -> None:
    """Rows of a statement run with ``BINARY_ROWS`` come in PostgreSQL's binary format
    (psycopg's ``binary=True`` cursors, which SQLAlchemy has no option for). Parsing text
    was most of reading a cold pull's page: a thousand clues' timestamps, UUIDs and
    floats each written out by the server and parsed again by psycopg (24 ms of 34 for
    the rows alone); in binary each is copied as it is stored. The values psycopg hands
    out are the same (tests/server/test_db_sessions.py)."""
    from psycopg.pq import Format

    @event.listens_for(engine, "before_cursor_execute")
    def _binary_rows(_conn, cursor, _statement, _parameters, context, _executemany):
        if context is not None and context.execution_options.get(BINARY_ROWS):
            cursor.format = Format.BINARY


def read(stmt: sa.Executable, params: dict | None = None) -> sa.CursorResult:
    """A statement's rows, through Core on the session's connection (rows of columns need
    none of the ORM's loading machinery, which cost a third of a pull's page), in binary
    on PostgreSQL (``configure_postgresql``). ``params``: the values of its named
    parameters, for a statement built once and run again (the pull's)."""
    return db.session.connection().execute(stmt, params, execution_options={BINARY_ROWS: True})


class iso_text(sa.sql.functions.GenericFunction):
    """A timestamp column as the text devices are sent (``records.iso``: ISO 8601, UTC,
    ``+00:00``, microseconds only when there are some), written by the database. A cold
    pull reads ten thousand clues of ten timestamps each, and parsed into aware datetimes
    and written out again in Python they were, with the ids (``uuid_text``), an eighth of
    its time in process (tests/server/test_json_out.py holds the texts equal on both
    databases)."""

    type = sa.String()
    inherit_cache = True


@compiles(iso_text, "postgresql")
def _iso_text_postgresql(element, compiler, **kw):
    # Sessions are in UTC (``engine_options``); ``AT TIME ZONE`` makes it hold whatever
    # a session says. YYYY: four digits at least, as isoformat writes a year.
    column = compiler.process(element.clauses.clauses[0], **kw)
    text = f"""to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"')"""
    return f"replace({text}, '.000000+', '+')"


@compiles(iso_text, "sqlite")
def _iso_text_sqlite(element, compiler, **kw):
    # Stored as SQLAlchemy writes it: UTC, ``YYYY-MM-DD HH:MM:SS.ffffff``.
    column = compiler.process(element.clauses.clauses[0], **kw)
    return f"replace(replace({column}, ' ', 'T') || '+00:00', '.000000+', '+')"


class uuid_text(sa.sql.functions.GenericFunction):
    """A UUID column as its canonical text (``str(uuid)``), written by the database: read
    as ``uuid.UUID`` to be written out again, each cost about two microseconds of Python,
    a clue's id and its duplicates' ids on every row of a cold pull."""

    type = sa.String()
    inherit_cache = True


@compiles(uuid_text, "postgresql")
def _uuid_text_postgresql(element, compiler, **kw):
    return f"CAST({compiler.process(element.clauses.clauses[0], **kw)} AS TEXT)"


@compiles(uuid_text, "sqlite")
def _uuid_text_sqlite(element, compiler, **kw):
    # Stored as 32 lower-case hex digits (sa.Uuid off PostgreSQL).
    c = compiler.process(element.clauses.clauses[0], **kw)
    # NULL stays NULL: || with NULL is NULL.
    pieces = ((1, 8), (9, 4), (13, 4), (17, 4), (21, 12))
    return " || '-' || ".join(f"substr({c}, {start}, {length})" for start, length in pieces)


# Statements kept by ``built``. A user's pull keeps six to a dozen (its first statement, the
# count, the seqs, each type's rows, the links): some fifty users pulling at once on one
# worker, a few hundred kilobytes each with SQLAlchemy's compiled forms. Past that it starts
# again, and a page builds its statements as it did before they were kept.
BUILT_KEEP = 512
_BUILT: dict[tuple, Any] = {}


def built(key: tuple, make: Callable[[], Any]) -> Any:
    """What ``make`` builds (a statement), built once per worker for ``key`` and kept for
    the next time: a statement run again and again with other parameters (each page of a
    pull) costs its building every time otherwise, the rules' and SQLAlchemy's, and on a
    pull's page that was a fifth of its Python. ``key`` names everything the statement is
    built from, the database's dialect included; the values that change from one run to
    the next are parameters (``read``'s ``params``)."""
    kept = _BUILT.get(key)
    if kept is None:
        if len(_BUILT) >= BUILT_KEEP:
            _BUILT.clear()  # more than kept at once: start again
        kept = _BUILT[key] = make()
    return kept


class _IntegerArray(sa.TypeDecorator):
    """A list of integers bound as the text of a PostgreSQL array, ``{1,2,3}``, cast to
    one by the statement: psycopg dumps a list element by element in Python, a
    microsecond a number, and a pull's page binds a thousand seqs twice (its rows, its
    clues' links). The text is made in a tenth of the time."""

    impl = sa.String
    cache_ok = True

    def __init__(self, array: sa.types.TypeEngine):
        super().__init__()
        self.array = array

    def process_bind_param(self, value, dialect):
        # int(): only numbers reach the text, whatever a caller passes.
        return None if value is None else "{" + ",".join(map(str, map(int, value))) + "}"

    def bind_expression(self, bindvalue):
        return sa.cast(bindvalue, self.array)


def among(column: sa.ColumnElement, values: list | None, name: str) -> sa.ColumnElement[bool]:
    """``column IN values`` for a long list (a pull page's thousand seqs).
    PostgreSQL takes them as one array, ``= ANY(:values)``: the statement's text is the
    same whatever the list, so it is compiled, parsed and prepared once. An expanding IN
    wrote a thousand placeholders into every page's statement, and psycopg split that text
    again each time: half as long as the query itself took. SQLite has no arrays: IN.
    ``values`` None: the parameter ``name``, its values given when the statement runs."""
    unique = values is not None
    if db.session.get_bind().dialect.name == "postgresql":
        array = postgresql.ARRAY(column.type)
        if isinstance(column.type, sa.Integer):
            array = _IntegerArray(array)
        return column == sa.any_(sa.bindparam(name, values, unique=unique, type_=array))
    return column.in_(sa.bindparam(name, values, expanding=True, unique=unique, type_=column.type))


# A connection that only read since its last PRAGMA optimize skips it for this long.
OPTIMIZE_READER_EVERY_S = 300


def _optimized_lately(dbapi_connection: sqlite3.Connection, record) -> bool:
    """Statistics go out of date by writes, not reads: a connection optimizes again when it
    wrote since its last time, or every few minutes (others' writes). Run at every checkin,
    SQLite analysed the clue table again after every request, each page of a pull too,
    while one of its indexes was empty (``ix_clue_open`` before anything is assigned): such
    an index never has statistics, so it always looks out of date. That was a seventh of a
    cold pull, and grows with the table."""
    if record is None:  # detached: no memory of the last time
        return False
    info = record.info
    return (
        info.get("optimized_changes") == dbapi_connection.total_changes
        and time.monotonic() - info["optimized_at"] < OPTIMIZE_READER_EVERY_S
    )


def begin_writing() -> None:
    """A GET that will write (an audited view of evidence): end the read transaction the
    login check began, so the next one takes SQLite's write lock up front (BEGIN IMMEDIATE)
    instead of failing to upgrade a stale read."""
    g.writes = True
    db.session.commit()


def next_counter(name: str, count: int = 1) -> int:
    """Take the next ``count`` values of a named counter inside the current transaction;
    returns the last of them (the first is ``last - count + 1``).

    The row stays locked until commit, so values are handed out in commit order on
    PostgreSQL too; a rolled-back transaction gives its value back.
    """
    dialect = db.session.get_bind().dialect.name
    insert = {"postgresql": pg_insert, "sqlite": sqlite_insert}[dialect]
    counter = Counter.__table__
    stmt = insert(counter).values(name=name, value=count)
    stmt = stmt.on_conflict_do_update(
        index_elements=[counter.c.name], set_={"value": counter.c.value + count}
    ).returning(counter.c.value)
    value = db.session.execute(stmt).scalar_one()
    return value


# Stand-in change numbers (see ``provisional_changes``): negative, so no pull ever asks for
# them, and far below any real one.
PROVISIONAL_FLOOR = -(2**62)
_PROVISIONAL = "fieldcase.provisional_changes"


def provisional_changes(count: int) -> int:
    """Stand-in change sequence numbers for rows this transaction writes, handed out like
    ``next_counter("change", count)`` (returns the last; the first is ``last - count + 1``)
    but without taking the counter's row: they are unique within the transaction, and
    ``number_changes`` turns them into real ones, in the same order, just before commit.

    Why: the change counter's row is held from the moment a number is taken until commit
    (that is what keeps numbers in commit order for the pull), so every push in the
    deployment queues on it. Taken at the very end, it is held for the commit only, and
    pushes of different townships do the rest of their work side by side.
    """
    db.session.connection()  # in a transaction, so that its end forgets them
    last = db.session.info.get(_PROVISIONAL, PROVISIONAL_FLOOR) + count
    db.session.info[_PROVISIONAL] = last
    return last


def number_changes(*models: type) -> None:
    """Give the rows of ``models`` stamped with provisional numbers their real places at the
    end of the change feed: the change counter is taken now, and held until commit. Call it
    last before commit, naming every table the transaction may have stamped."""
    last_provisional = db.session.info.pop(_PROVISIONAL, None)
    if last_provisional is None:
        return
    # Once per table: two record types may share one (a clue's evidence, a visit's photos).
    models = tuple({model.__table__: model for model in models}.values())
    count = last_provisional - PROVISIONAL_FLOOR
    if db.session.get_bind().dialect.name != "postgresql":
        # One writer at a time: nothing waits on the counter meanwhile.
        shift = next_counter("change", count) - last_provisional
        for model in models:
            db.session.execute(_renumbered(model.__table__, shift, last_provisional))
        return
    # One statement, so the counter's row is taken and the rows moved in one round trip.
    counter = Counter.__table__
    taken = (
        pg_insert(counter)
        .values(name="change", value=count)
        .on_conflict_do_update(
            index_elements=[counter.c.name], set_={"value": counter.c.value + count}
        )
        .returning(counter.c.value)
        .cte("change_counter")
    )
    shift = sa.select(taken.c.value - last_provisional).scalar_subquery()
    statement = sa.select(taken.c.value)
    for model in models:
        table = model.__table__
        moved = _renumbered(table, shift, last_provisional).returning(table.c.seq)
        statement = statement.add_cte(moved.cte(f"renumbered_{table.name}"))
    db.session.execute(statement).scalar_one()


def _renumbered(table: sa.Table, shift, last_provisional: int) -> sa.Update:
    seq = table.c.seq
    # Written as they are, or a column with an onupdate (updated_at) would change too.
    kept = {c.name: c for c in table.c if c.onupdate is not None}
    return (
        sa.update(table)
        .where(seq > PROVISIONAL_FLOOR, seq <= last_provisional)
        .values(seq=seq + shift, **kept)
    )


@event.listens_for(sa.orm.Session, "before_commit")
def _refuse_provisional_changes(session) -> None:
    # A row committed with a stand-in number would never reach any device.
    if session.info.get(_PROVISIONAL) is not None:
        raise RuntimeError("provisional change numbers handed out: call number_changes()")


@event.listens_for(sa.orm.Session, "after_transaction_end")
def _forget_provisional_changes(session, transaction) -> None:
    if transaction.parent is None:  # the rows went with a rollback
        session.info.pop(_PROVISIONAL, None)


def move_to_feed_end(model: type, ids: list[uuid.UUID]) -> None:
    """Give rows new places at the end of the change feed, one sequence number each (a
    page boundary must never split a tie), so every device that holds them pulls them
    again: a withdrawn record's children (R10), the clues a new report was linked to (R8).
    The numbers are provisional until ``number_changes``, like every push's."""
    if not ids:
        return
    last = provisional_changes(len(ids))
    table = model.__table__
    db.session.execute(
        sa.update(table)
        .where(table.c.id == sa.bindparam("row_id"))
        .values(seq=sa.bindparam("new_seq")),
        [{"row_id": row_id, "new_seq": last - i} for i, row_id in enumerate(ids)],
    )


class Counter(Base):
    """Named monotonic counters (record codes, the change sequence)."""

    __tablename__ = "counter"
    name: sa.orm.Mapped[str] = sa.orm.mapped_column(sa.String(80), primary_key=True)
    value: sa.orm.Mapped[int] = sa.orm.mapped_column(sa.BigInteger, nullable=False)
