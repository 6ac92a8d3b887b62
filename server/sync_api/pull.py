"""Pull: what changed since the device's cursor, scoped to what the user may see now.

The cursor is the server generation (``generation.py``), the server's change sequence (never
a device clock) and a fingerprint of the user's jurisdiction. When the jurisdiction changes
(moved to another grid, a role taken away) the fingerprint no longer matches: the device is
sent everything it may now see, marked ``reset``, and drops whatever that full pull did not
include. A cursor of another generation (the database was restored or moved), or one ahead
of the server's counter (the database went back in time without a new generation), resets
the same way, with ``reset_reason`` telling the device that the server lost history: it
then sends again what it had sent (R12).

One loop over the registry (``registry.KINDS``), one entry per record type: how its rows
since the cursor are read, what a device is sent of a row, and when a row is a tombstone
(``pulled.py``). Beside them, the departures (``sync.views``, R11): a record that left the
view the user saw it by (a transfer recalled from his department) comes as tombstones for
it and its children, at the departure's place in the feed, unless he sees it now. Only a
user who sees records by a view value (a department's) has departures to read; a cold pull
or a reset reads none.

What a pull costs. A county writes everywhere at once; a grid worker may see one grid of
it. Reading "every change after the cursor, in seq order, keeping the visible ones" (the seq
index, filtered) costs what the whole county wrote since his cursor: with 100,000 changes
elsewhere and 20 of his, his pull read 100,000 rows to send 20. So the visibility keys lead
composite indexes, ``(unit_id, seq)``, ``(reporter_id, seq)``, ``(transferred_to_id, seq)`` on
clues, ``(clue_id, seq)`` on notes and evidence, ``(case_id, seq)`` on a case's records,
``(unit_id, seq)`` on cases and conflicts and ``(device_by, seq)`` on conflicts (migration 0013),
and the queries are shaped so both databases can use them:

- The user's unit ids are resolved first (``units_of``, in the page's first statement,
  with the generation and the change counter) and given as values, not as a subquery:
  behind ``unit_id IN (SELECT ...)`` PostgreSQL could only walk the seq index and test
  each row against a hashed subplan. With the values, a grid worker's clues are
  ``unit_id = g AND seq > c`` or ``reporter_id = me AND seq > c``: PostgreSQL answers with a
  BitmapOr of the two index ranges, SQLite with a MULTI-INDEX OR, then sorts the few rows
  found. For a wide view (a township's or the county's staff, many units) both planners,
  from their statistics, keep walking the seq index, which stops after ``limit`` visible
  rows: there most of what was written is what the user may see. Beyond ``UNITS_AS_VALUES``
  units the subquery is kept: binding a county's hundreds of ids into every statement
  cost more than it saved, and the planners walk the seq index for such a view anyway.
- A note, a photo, a case's record follows its parent. When the user's visible parents
  are few (at most ``FEW_PARENTS``, counted with a LIMIT so the count costs no more), the
  query starts from them: ``clue_id IN (visible clues)`` reads ``(clue_id, seq)`` once per
  parent, on both databases (SQLite: LIST SUBQUERY driving the index; PostgreSQL: a
  semi-join). Otherwise it walks the child's seq index and checks each row's parent
  (a correlated EXISTS): SQLite never weighs the two itself, it always drives from an
  IN list, which for a county's dispatcher read every clue for every page.
- A record type the user may not see at all (cases for a grid worker) is not queried.

A page is read in two steps. First each type's next ``limit`` visible seqs alone (the
index, no row read whole); merged, the first ``limit`` of them are the page. Then the
page's rows, whole, by their seqs (on PostgreSQL one array parameter, ``db.among``).
Reading ``limit`` whole rows of every type and keeping ``limit`` of them all was most of a
cold pull's time where clues, notes and photos interleave. Rows are read through Core (the
ORM's loading machinery was a third of a page), only the columns a device is sent, and
served as plain attributes; a clue's, a note's and a photo's times and ids come as the text
a device is sent, written by the database (``pulled._as_sent``); the response is written by
orjson (``core/jsonout.py``).
The statements are built once for a user's view and kept for his next pages
(``View.built``): from one page to the next only the cursor and the page's seqs change, and
they are parameters. Building them again for every page (the rules of nine record types,
their union, SQLAlchemy's cache key of it) was a fifth of a cold pull's page in Python.

EXPLAIN on both databases, for the grid worker of ``bench/pull_scale_bench.py``, shows
the index ranges above and no walk of the seq index; that bench prints the pull's time
before and after.
"""

from __future__ import annotations

import collections
import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from server.accounts.jurisdiction import (
    FOLLOWS,
    addressed_rule,
    rule_inputs,
    unit_ids,
    units_of,
    visible,
)
from server.accounts.models import User
from server.cases.models import Case
from server.clues.models import Clue
from server.core import metrics
from server.core.api import DomainError
from server.core.db import Counter, among, built, db, read
from server.inspections.models import VisitRecord
from server.sync_api import generation, registry
from server.sync_api.models import SyncDeparture
from server.sync_api.pulled import Pulled
from server.sync_api.store import actor_of
from sync.engine import PARENTS
from sync.views import SEES_BY, VIEW_FIELDS

CURSOR_VERSION = "c2"
# The cursor of a reset still under way says why, so every page of it does ("r": the
# jurisdiction changed, the mark cursors always had).
RESET_MARKS = {"r": "scope", "g": "generation", "a": "ahead"}
# The cursor of a first pull still under way: its later pages read no departures either (a
# new phone holds nothing to drop, and must not learn the ids of what left the view).
COLD_MARK = "c"


def scope_fingerprint(user: User) -> str:
    """What of the user decides what he sees, in short: his unit, his roles and, for a user
    of a department, the department (moved to another, his phone starts over and drops the
    first one's records; an incremental pull had gone on with them). The department is
    added only where there is one, so no one else's cursor changed when it was."""
    key = f"{user.id}|{user.unit.path}|{','.join(sorted(user.roles))}"
    if user.department_id is not None:
        key += f"|{user.department_id}"
    return hashlib.sha256(key.encode()).hexdigest()[:12]


@dataclass(frozen=True)
class Cursor:
    seq: int
    reset_reason: str | None  # a reset under way: "scope", "generation" or "ahead"
    cold: bool = False  # a first pull under way

    @property
    def resetting(self) -> bool:
        return self.reset_reason is not None

    @property
    def whole(self) -> bool:
        """Whether this pull sends the whole view (a first pull, a reset): no departures."""
        return self.seq == 0 or self.cold or self.resetting

    def encode(self, user: User, generation_id: str) -> str:
        mark = {reason: m for m, reason in RESET_MARKS.items()}.get(self.reset_reason)
        mark = mark or (COLD_MARK if self.cold else None)
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
        or (len(parts) == 5 and parts[4] not in (*RESET_MARKS, COLD_MARK))
    ):
        raise _not_a_cursor()
    seq = int(parts[2])
    if parts[1] != current.id:
        return Cursor(0, "generation")  # the database was restored or moved: start over
    if seq > upto:
        return Cursor(0, "ahead")  # it went back in time under the same generation
    if parts[3] != scope_fingerprint(user):
        return Cursor(0, "scope")  # the jurisdiction changed: start over, then prune
    mark = parts[4] if len(parts) == 5 else None
    return Cursor(seq, RESET_MARKS.get(mark), cold=mark == COLD_MARK)


@dataclass
class View:
    """Who is pulling, resolved once for the whole pull."""

    user: User
    units: list[int] | None  # his unit ids as values, or None for the subquery
    few: dict[type, bool] = field(default_factory=dict)  # parent model: are they few?
    sqlite: bool = False

    def rule(self, model: type) -> sa.ColumnElement[bool]:
        parent = FOLLOWS.get(model, (None,))[0]
        from_parents = parent is not None and self.parents_few(parent)
        return visible(model, self.user, units=self.units, from_parents=from_parents)

    def seq(self, model: type) -> sa.ColumnElement[int]:
        """The change sequence as the pull's terms name it. On SQLite, where the user's
        records are few, ``seq + 0``: the same value, but no index on seq can serve it, so
        its planner does not walk the county's changes to spare itself sorting a few
        hundred rows (it did, from its statistics, for a small table, and for evidence in
        a busy county). PostgreSQL weighs the two plans well with the values in view, and
        ``seq + 0`` only blinds it (it then read every photo's (clue_id, seq) entry).

        The table's column, never the model's attribute, here and wherever the pull names a
        seq: naming a subclass (a visit's photo) adds its discriminator to the statement, a
        CASE over three columns since body-camera imports, and SQLite then read the whole
        evidence table for a grid worker's visit photos. The rule already keeps to the
        subclass's rows (a visit's photo is one with a visible visit record)."""
        owner = FOLLOWS.get(model, (model,))[0]
        seq = model.__table__.c.seq
        if self.sqlite and owner in (Clue, Case, VisitRecord) and self.parents_few(owner):
            return seq + 0
        return seq

    def built(self, what: tuple, make: Callable[[], Any]) -> Any:
        """What ``make`` builds for this view (``db.built``), built once for the pages
        after: each page's statements are the same but for the cursor and the page's seqs,
        which are parameters (``after``, ``upto``, ``limit``, ``page``). Kept under all
        they are built from: what of the user the rules read (``rule_inputs``), his units'
        ids, which parents are few, the database."""
        key = (
            *what,
            rule_inputs(self.user),
            None if self.units is None else tuple(self.units),
            tuple(sorted((parent.__name__, few) for parent, few in self.few.items())),
            self.sqlite,
        )
        return built(key, make)

    def sees_none(self, model: type) -> bool:
        if addressed_rule(model, self.user) is not None:
            return False  # a department's requests, whatever it sees of their parents
        shown = FOLLOWS.get(model, (model,))[0]
        return isinstance(visible(shown, self.user, units=self.units), sa.sql.elements.False_)

    def parents_few(self, parent: type) -> bool:
        self.count_parents([parent])
        return self.few[parent]

    def count_parents(self, parents) -> None:
        """Whether the user's visible rows of each of ``parents`` are few, counted with a
        LIMIT, all in one statement: on a busy machine each round trip to PostgreSQL cost
        more than the count it carried."""
        parents = sorted((p for p in parents if p not in self.few), key=lambda p: p.__name__)
        if not parents:
            return

        def count() -> sa.Select:
            return sa.select(
                *(
                    sa.select(sa.func.count())
                    .select_from(
                        sa.select(parent.id)
                        .where(visible(parent, self.user, units=self.units))
                        .limit(FEW_PARENTS + 1)
                        .subquery()
                    )
                    .scalar_subquery()
                    for parent in parents
                )
            )

        names = tuple(parent.__name__ for parent in parents)
        stmt = self.built(("count", FEW_PARENTS, *names), count)
        found = db.session.connection().execute(stmt).one()
        self.few.update({p: n <= FEW_PARENTS for p, n in zip(parents, found, strict=True)})


UNITS_AS_VALUES = 100
FEW_PARENTS = 2000


def _view(user: User, units: list[int]) -> View:
    sqlite = db.session.get_bind().dialect.name == "sqlite"
    return View(user, units if len(units) <= UNITS_AS_VALUES else None, sqlite=sqlite)


def committed_upto() -> sa.ScalarSelect[int]:
    """The last change sequence number handed out and committed. Numbers are handed out in
    commit order (``next_counter`` holds the counter's row until commit), so every row at or
    below it is committed and seen by every statement after this one. The pull's statements
    stop there: under PostgreSQL's READ COMMITTED each statement has its own snapshot, and a
    change committed between two of them (a clue, then its note) was skipped for good once
    the cursor passed the later one (found by bench/chaos_sync.py). A subquery, read with
    the generation (``generation.current_with``): one snapshot, one round trip."""
    return sa.select(Counter.value).where(Counter.name == "change").scalar_subquery()


def _seqs(pulled: dict[str, Pulled], view: View, after: int, upto: int, limit: int):
    """The first ``limit`` visible changes of each type after the cursor: their seq alone,
    read from the indexes, to learn where the page ends before any row is read whole.
    One statement for all the types: on a busy machine each round trip to PostgreSQL
    cost more than the query it carried."""
    found: dict[str, list[int]] = {rtype: [] for rtype in pulled}
    if not pulled:
        return found

    def union() -> sa.CompoundSelect:
        parts = []
        for number, entry in enumerate(pulled.values()):
            model, seq = entry.model, view.seq(entry.model)
            first = (
                sa.select(model.__table__.c.seq.label("seq"))
                .where(view.rule(model), seq > sa.bindparam("after"), seq <= sa.bindparam("upto"))
                .order_by(seq)
                .limit(sa.bindparam("limit", type_=sa.Integer))
                .subquery()
            )
            parts.append(sa.select(sa.literal(number).label("type"), first.c.seq))
        return sa.union_all(*parts)

    names = list(pulled)
    stmt = view.built(("seqs", *names), union)
    for number, seq in read(stmt, {"after": after, "upto": upto, "limit": limit}).all():
        found[names[number]].append(seq)
    for seqs in found.values():
        seqs.sort()
    return found


def _rows(rtype: str, entry: Pulled, view: View, seqs: list[int]) -> list[tuple]:
    """The page's rows of one type, whole: those ``_seqs`` found, by their seq (one probe
    each), the rule checked again. By a range instead, PostgreSQL hashed the visible
    clues against every note of the window: a read of the county again."""
    model = entry.model
    stmt = view.built(
        ("rows", rtype),
        lambda: entry.select().where(view.rule(model), among(model.__table__.c.seq, None, "page")),
    )
    result = read(stmt, {"page": seqs})
    # As plain attributes: a record's data reads some forty of them, and an attribute of a
    # named tuple is read at a fraction of a Row's cost (a third of a clue's serialising),
    # and made at a third of a namespace's (``SimpleNamespace(**dict(zip(keys, row)))``).
    # And all fetched at once: iterating the result fetched them one by one.
    make = _record_class(tuple(result.keys()))._make
    return [make(row) for row in result.all()]


@functools.cache
def _record_class(keys: tuple[str, ...]) -> type:
    """A named tuple of a page's columns: one class for each select, made once."""
    return collections.namedtuple("PulledRow", keys)


def _departed(user: User, after: int, upto: int, limit: int) -> list[sa.Row]:
    """The next ``limit`` departures (``sync.views``) of the view values ``user`` sees by:
    a department user's are the clues taken back from his department."""
    actor = actor_of(user)
    values = {name: sees(actor) for name, sees in SEES_BY.items()}
    by = [
        sa.and_(SyncDeparture.field == name, SyncDeparture.value == str(value))
        for name, value in values.items()
        if value is not None
    ]
    if not by:
        return []
    return read(
        sa.select(SyncDeparture.seq, SyncDeparture.record_type, SyncDeparture.record_id)
        .where(sa.or_(*by), SyncDeparture.seq > after, SyncDeparture.seq <= upto)
        .order_by(SyncDeparture.seq)
        .limit(limit)
    ).all()


def _tombstones(departed: list[sa.Row], user: User) -> list[dict]:
    """A departed record the user does not see now (it may have come back since: then its
    current state is in the feed, later) goes as a tombstone, with each of its children,
    all at the departure's place in the feed."""
    gone = []
    for rtype in {d.record_type for d in departed}:
        ids = {d.record_id for d in departed if d.record_type == rtype}
        ids -= {row.id for row in registry.load_many(rtype, ids, user)}
        seq_of = {d.record_id: d.seq for d in departed if d.record_type == rtype}
        gone += _subtrees(rtype, ids, seq_of)
        # The parent that came with it (sync.views.carried: a case's clue) goes with it,
        # unless the user still sees it another way.
        parent = PARENTS.get(rtype) if rtype in VIEW_FIELDS else None
        if parent is None or not ids:
            continue
        kind = registry.KINDS[rtype]
        column = getattr(kind.model, kind.parent_column)
        of = dict(read(sa.select(column, kind.model.id).where(kind.model.id.in_(ids))).all())
        parents = set(of) - {row.id for row in registry.load_many(parent, set(of), user)}
        gone += _subtrees(parent, parents, {p: seq_of[of[p]] for p in parents})
    return list({(g["record_type"], g["id"]): g for g in gone}.values())  # a case: once


def _subtrees(rtype: str, ids: set, seq_of: dict) -> list[dict]:
    """Tombstones for records of ``rtype`` and all their children, each at ``seq_of`` its
    record's."""
    kinds = [(rtype, registry.KINDS[rtype].model, registry.KINDS[rtype].model.id)]
    for child, parent in PARENTS.items():
        if parent == rtype:
            kind = registry.KINDS[child]
            kinds.append((child, kind.model, getattr(kind.model, kind.parent_column)))
    gone = []
    for record_type, model, key in kinds:
        found = read(sa.select(model.id, model.version, key.label("of")).where(key.in_(ids))).all()
        gone += [
            {
                "record_type": record_type,
                "id": str(row.id),
                "version": row.version,
                "seq": seq_of[row.of],
                "deleted": True,
                "data": None,
            }
            for row in found
        ]
    return gone


def pull(user: User, raw_cursor: str | None, limit: int) -> dict:
    current, row = generation.current_with(
        ("pull", rule_inputs(user)),
        lambda: (committed_upto().label("upto"), units_of(user).label("units")),
    )
    upto = row.upto or 0
    cursor = parse_cursor(raw_cursor, user, current, upto)
    view = _view(user, unit_ids(row.units))
    pulled = {
        rtype: registry.KINDS[rtype].pulled
        for rtype in view.built(
            ("types",),
            lambda: [
                rtype
                for rtype, kind in registry.KINDS.items()
                if kind.pulled is not None and not view.sees_none(kind.pulled.model)
            ],
        )
    }
    view.count_parents(
        {FOLLOWS[entry.model][0] for entry in pulled.values() if entry.model in FOLLOWS}
    )
    # Each type's next changes (seq only), merged: the page is the first ``limit`` of them.
    # Reading only those rows whole, not ``limit`` of every type, is most of a cold pull's
    # time when clues, notes and photos interleave.
    seqs = _seqs(pulled, view, cursor.seq, upto, limit)
    # R11: what left his view since his cursor (never on a cold pull or a reset: those send
    # what he sees, and the device drops the rest).
    departed = [] if cursor.whole else _departed(user, cursor.seq, upto, limit)
    merged = sorted(
        [*(seq for found in seqs.values() for seq in found), *(d.seq for d in departed)]
    )
    more = (
        len(merged) > limit
        or any(len(found) == limit for found in seqs.values())
        or len(departed) == limit
    )
    page = merged[:limit]
    last = page[-1] if page else cursor.seq

    rows = []
    contexts = {}
    for rtype, found in seqs.items():
        on_page = [seq for seq in found if seq <= last]
        if on_page:
            entry = pulled[rtype]
            of_type = _rows(rtype, entry, view, on_page)
            contexts[rtype] = entry.context(of_type, view)
            rows.extend((row.seq, rtype, row) for row in of_type)
    rows.sort(key=lambda item: item[0])

    changes = []
    for seq, rtype, row in rows:
        entry = pulled[rtype]
        deleted = entry.deleted(row)
        changes.append(
            {
                "record_type": rtype,
                "id": str(row.id),
                "version": row.version,
                "seq": seq,
                "deleted": deleted,
                "data": None if deleted else entry.data(row, contexts[rtype]),
            }
        )

    changes.extend(_tombstones([d for d in departed if d.seq <= last], user))
    changes.sort(key=lambda change: change["seq"])

    next_cursor = Cursor(
        last,
        cursor.reset_reason if more else None,
        cold=more and not cursor.resetting and (cursor.seq == 0 or cursor.cold),
    )
    metrics.record_pull(len(changes))
    return {
        "changes": changes,
        "cursor": next_cursor.encode(user, current.id),
        "more": more,
        "reset": cursor.resetting,
        "reset_reason": cursor.reset_reason,
        "generation": current.id,
    }
