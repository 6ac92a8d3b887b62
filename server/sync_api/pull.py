"""Pull: what changed since the device's cursor, scoped to what the user may see now.

The cursor is the server generation (``generation.py``), the server's change sequence (never
a device clock) and a fingerprint of the user's jurisdiction. When the jurisdiction changes
(moved to another grid, a role taken away) the fingerprint no longer matches: the device is
sent everything it may now see, marked ``reset``, and drops whatever that full pull did not
include. A cursor of another generation (the database was restored or moved), or one ahead
of the server's counter (the database went back in time without a new generation), resets
the same way, with ``reset_reason`` telling the device that the server lost history: it
then sends again what it had sent (R12).

One loop over ``PULLED``, one entry per record type: how its rows since the cursor are
read, what a device is sent of a row, and when a row is a tombstone.

What a pull costs. A county writes everywhere at once; a grid worker may see one grid of
it. Reading "every change after the cursor, in seq order, keeping the visible ones" (the seq
index, filtered) costs what the whole county wrote since his cursor: with 100,000 changes
elsewhere and 20 of his, his pull read 100,000 rows to send 20. So the visibility keys lead
composite indexes, ``(unit_id, seq)``, ``(reporter_id, seq)``, ``(transferred_to_id, seq)`` on
clues, ``(clue_id, seq)`` on notes and evidence, ``(case_id, seq)`` on a case's records,
``(unit_id, seq)`` on cases and conflicts and ``(device_by, seq)`` on conflicts (migration 0013),
and the queries are shaped so both databases can use them:

- The user's unit ids are resolved first and given as values (``units_of``), not as a
  subquery: behind ``unit_id IN (SELECT ...)`` PostgreSQL could only walk the seq index
  and test each row against a hashed subplan. With the values, a grid worker's clues are
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
page's rows, whole, by their seqs. Reading ``limit`` whole rows
of every type and keeping ``limit`` of them all was most of a cold pull's time where clues,
notes and photos interleave. Rows are read through Core (the ORM's loading machinery was a
third of a page), only the columns a device is sent, and served as plain attributes.

EXPLAIN on both databases, for the grid worker of ``bench/pull_scale_bench.py``, shows
the index ranges above and no walk of the seq index; that bench prints the pull's time
before and after.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm

from server.accounts.jurisdiction import FOLLOWS, STAFF_ROLES, units_of, visible
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
        ``seq + 0`` only blinds it (it then read every photo's (clue_id, seq) entry)."""
        owner = FOLLOWS.get(model, (model,))[0]
        if self.sqlite and owner in (Clue, Case) and self.parents_few(owner):
            return model.seq + 0
        return model.seq

    def sees_none(self, model: type) -> bool:
        shown = FOLLOWS.get(model, (model,))[0]
        return isinstance(visible(shown, self.user, units=self.units), sa.sql.elements.False_)

    def parents_few(self, parent: type) -> bool:
        if parent not in self.few:
            some = sa.select(parent.id).where(visible(parent, self.user, units=self.units))
            counted = sa.select(sa.func.count()).select_from(some.limit(FEW_PARENTS + 1).subquery())
            self.few[parent] = db.session.scalar(counted) <= FEW_PARENTS
        return self.few[parent]


UNITS_AS_VALUES = 100
FEW_PARENTS = 2000


def _view(user: User) -> View:
    units = units_of(user)
    sqlite = db.session.get_bind().dialect.name == "sqlite"
    return View(user, units if len(units) <= UNITS_AS_VALUES else None, sqlite=sqlite)


def committed_upto() -> int:
    """The last change sequence number handed out and committed. Numbers are handed out in
    commit order (``next_counter`` holds the counter's row until commit), so every row at or
    below it is committed and seen by every statement after this one. The pull's statements
    stop there: under PostgreSQL's READ COMMITTED each statement has its own snapshot, and a
    change committed between two of them (a clue, then its note) was skipped for good once
    the cursor passed the later one (found by bench/chaos_sync.py)."""
    value = db.session.scalar(sa.select(Counter.value).where(Counter.name == "change"))
    return value or 0


# Columns no record's ``data`` reads: the merge bookkeeping and the writing device. Each
# column read costs its conversion for every row of a cold pull (a UUID, a timestamp).
_UNSENT = frozenset({"field_meta", "device_id", "device_time"})
# And of a clue: what it is sent as names and codes (the joins), or not at all.
_CLUE_UNSENT = _UNSENT | {"unit_id", "matter_id", "transferred_to_id", "geo_cell", "updated_at"}


def _columns(model: type, unsent: frozenset[str] = _UNSENT) -> list[sa.Column]:
    return [c for c in model.__table__.c if c.name not in unsent]


def _clue_select() -> sa.Select:
    # Plain rows, not entities: a device needs the columns and three names, and a cold
    # pull of 10,000 records should not build 10,000 ORM objects to throw away.
    return (
        sa.select(
            *_columns(Clue, _CLUE_UNSENT),
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
    )


_PARENT = orm.aliased(Clue, name="parent")  # not Clue itself: the jurisdiction rule names it


def _clue_child_select(model: type) -> Callable[[], sa.Select]:
    def select() -> sa.Select:
        """A child record's columns and its clue's status (an entity would load its clue,
        and the clue its unit, matter and reporter, for one status)."""
        return sa.select(*_columns(model), _PARENT.status.label("clue_status")).join(
            _PARENT, _PARENT.id == model.clue_id
        )

    return select


def _plain_select(model: type, *, keep_meta: bool = False) -> Callable[[], sa.Select]:
    def select() -> sa.Select:
        return sa.select(*(model.__table__.c if keep_meta else _columns(model)))

    return select


def _clue_links(clues: list[sa.Row], view: View) -> dict:
    """The possible duplicates of the page's clues. One may be in a grid the user cannot
    see: only staff get its id."""
    links: dict = defaultdict(list)
    if not clues or not view.user.has_role(*STAFF_ROLES):
        return links
    ids = [row.id for row in clues]
    for link in db.session.execute(sa.select(ClueLink).where(ClueLink.clue_id.in_(ids))).scalars():
        links[link.clue_id].append(
            {"clue_id": str(link.other_id), "distance_m": round(link.distance_m, 1)}
        )
    return links


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


def _note_data(note: sa.Row, _context=None) -> dict:
    return {
        "clue_id": str(note.clue_id),
        "kind": note.kind,
        "text": note.text,
        "author_id": note.author_id,
        "late": note.late,
        "created_at": note.created_at.isoformat(),
    }


def evidence_data(e: Evidence, _context=None) -> dict:
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


def _case_data(case: sa.Row, _context=None) -> dict:
    return {
        **case.data,
        "clue_id": str(case.clue_id),
        "code": case.code,
        "created_at": case.created_at.isoformat(),
    }


def _inspection_data(row: sa.Row, _context=None) -> dict:
    return {
        **records.inspection_fields(row),
        "case_id": str(row.case_id),
        "code": row.code,
        "late": row.late,
        "created_at": row.created_at.isoformat(),
    }


def _collaboration_data(row: sa.Row, _context=None) -> dict:
    return records.collaboration_pulled(row)


def _conflict_data(c: sa.Row, _context=None) -> dict:
    data = dict(records.conflict_state(c).fields)
    data["created_at"] = c.created_at.isoformat()
    return data


def _never(_row) -> bool:
    return False


def _clue_withdrawn(row: sa.Row) -> bool:
    return row.status in CLUE_TOMBSTONE


def _parent_withdrawn(row: sa.Row) -> bool:
    """A withdrawn clue's notes and photos go with it (R10), except those recorded after it
    was withdrawn: they are kept, flagged ``late``, for whoever still sees the clue (its
    supervisors), never turned into tombstones (R3)."""
    return row.clue_status in CLUE_TOMBSTONE and not row.late


def _nothing(_rows: list, _view: View) -> None:
    return None


@dataclass(frozen=True)
class Pulled:
    """How one record type is pulled."""

    model: type
    # The columns a device is sent, with the joins they need; the pull adds the rule and
    # the page's seqs.
    select: Callable[[], sa.Select]
    # What a device holds of a row; the second argument is what ``context`` found for the
    # page's rows of this type (a clue's possible duplicates).
    data: Callable[[Any, Any], dict]
    # A tombstone: the device drops the record (a withdrawn clue, and its children).
    deleted: Callable[[Any], bool] = _never
    context: Callable[[list, View], Any] = _nothing


PULLED: dict[str, Pulled] = {
    "clue": Pulled(Clue, _clue_select, _clue_data, _clue_withdrawn, _clue_links),
    "clue_note": Pulled(ClueNote, _clue_child_select(ClueNote), _note_data, _parent_withdrawn),
    "evidence": Pulled(Evidence, _clue_child_select(Evidence), evidence_data, _parent_withdrawn),
    # Cases and their records: staff only (the jurisdiction rules say so).
    "case": Pulled(Case, _plain_select(Case), _case_data),
    "inspection": Pulled(Inspection, _plain_select(Inspection), _inspection_data),
    "collaboration": Pulled(Collaboration, _plain_select(Collaboration), _collaboration_data),
    # conflict_state reads the merge bookkeeping too.
    "conflict": Pulled(SyncConflict, _plain_select(SyncConflict, keep_meta=True), _conflict_data),
}


def _execute(stmt: sa.Executable) -> list[sa.Row]:
    # Core, not the ORM's execute: rows of columns need none of its loading machinery,
    # which cost a third of a page.
    return db.session.connection().execute(stmt).all()


def _seqs(pulled: dict[str, Pulled], view: View, after: int, upto: int, limit: int):
    """The first ``limit`` visible changes of each type after the cursor: their seq alone,
    read from the indexes, to learn where the page ends before any row is read whole.
    One statement for all the types: on a busy machine each round trip to PostgreSQL
    cost more than the query it carried."""
    found: dict[str, list[int]] = {rtype: [] for rtype in pulled}
    if not pulled:
        return found
    parts = []
    for number, entry in enumerate(pulled.values()):
        model, seq = entry.model, view.seq(entry.model)
        first = (
            sa.select(model.seq.label("seq"))
            .where(view.rule(model), seq > after, seq <= upto)
            .order_by(seq)
            .limit(limit)
            .subquery()
        )
        parts.append(sa.select(sa.literal(number).label("type"), first.c.seq))
    names = list(pulled)
    for number, seq in _execute(sa.union_all(*parts)):
        found[names[number]].append(seq)
    for seqs in found.values():
        seqs.sort()
    return found


def _rows(entry: Pulled, view: View, seqs: list[int]) -> list[SimpleNamespace]:
    """The page's rows of one type, whole: those ``_seqs`` found, by their seq (one probe
    each), the rule checked again. By a range instead, PostgreSQL hashed the visible
    clues against every note of the window: a read of the county again."""
    model = entry.model
    page = sa.bindparam("page", seqs, expanding=True, unique=True, type_=sa.BigInteger)
    found = _execute(entry.select().where(view.rule(model), model.seq.in_(page)))
    # As plain attributes: a record's data reads some forty of them, and an attribute of a
    # namespace is read at a fraction of a Row's cost (a third of a clue's serialising).
    return [SimpleNamespace(**row._asdict()) for row in found]


def pull(user: User, raw_cursor: str | None, limit: int) -> dict:
    upto = committed_upto()
    current = generation.current()
    cursor = parse_cursor(raw_cursor, user, current, upto)
    view = _view(user)
    pulled = {rtype: e for rtype, e in PULLED.items() if not view.sees_none(e.model)}
    # Each type's next changes (seq only), merged: the page is the first ``limit`` of them.
    # Reading only those rows whole, not ``limit`` of every type, is most of a cold pull's
    # time when clues, notes and photos interleave.
    seqs = _seqs(pulled, view, cursor.seq, upto, limit)
    merged = sorted(seq for found in seqs.values() for seq in found)
    more = len(merged) > limit or any(len(found) == limit for found in seqs.values())
    page = merged[:limit]
    last = page[-1] if page else cursor.seq

    rows = []
    contexts = {}
    for rtype, found in seqs.items():
        on_page = [seq for seq in found if seq <= last]
        if on_page:
            entry = pulled[rtype]
            of_type = _rows(entry, view, on_page)
            contexts[rtype] = entry.context(of_type, view)
            rows.extend((row.seq, rtype, row) for row in of_type)
    rows.sort(key=lambda item: item[0])

    changes = []
    for seq, rtype, row in rows:
        entry = PULLED[rtype]
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
