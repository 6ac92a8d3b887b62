"""How each synced record type is pulled: the columns a device is sent (with the joins they
need), what a device holds of a row, when a row is a tombstone, and what a page of one type
needs besides its rows. The registry (``registry.KINDS``) names one of each per record type;
``pull.py`` adds the user's rule and the page's seqs, and loops.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm

from server.accounts.jurisdiction import STAFF_ROLES
from server.accounts.models import User
from server.cases.models import Case, CollaborationFile
from server.catalogue.models import Matter
from server.clues.models import Clue, ClueLink
from server.core.db import UTCDateTime, among, iso_text, read, uuid_text
from server.evidence.models import Evidence
from server.sync_api import records
from server.units.models import AdminUnit, Department
from sync.cases import on_spot_presence_art_42, presence_art_42
from sync.workflow import CLUE_TOMBSTONE

# Columns no record's ``data`` reads: the merge bookkeeping and the writing device. Each
# column read costs its conversion for every row of a cold pull (a UUID, a timestamp).
_UNSENT = frozenset({"field_meta", "device_id", "device_time"})
# And of a clue: what it is sent as names and codes (the joins), or not at all.
_CLUE_UNSENT = _UNSENT | {"unit_id", "matter_id", "transferred_to_id", "geo_cell", "updated_at"}


def _columns(model: type, unsent: frozenset[str] = _UNSENT) -> list[sa.Column]:
    return [c for c in model.__table__.c if c.name not in unsent]


def _as_sent(column: sa.Column) -> sa.ColumnElement:
    """A column as a device is sent it: a time or a UUID as its text, written by the
    database (``db.iso_text``, ``db.uuid_text``). Read as Python's datetimes and UUIDs,
    each was made in Python to be written out again: on a clue's ten times and its ids,
    an eighth of a cold pull in process."""
    if isinstance(column.type, UTCDateTime):
        return iso_text(column).label(column.name)
    if isinstance(column.type, sa.Uuid):
        return uuid_text(column).label(column.name)
    return column


def clue_select() -> sa.Select:
    # Plain rows, not entities: a device needs the columns and three names, and a cold
    # pull of 10,000 records should not build 10,000 ORM objects to throw away.
    return (
        sa.select(
            *map(_as_sent, _columns(Clue, _CLUE_UNSENT)),
            AdminUnit.code.label("unit_code"),
            AdminUnit.name.label("unit_name"),
            AdminUnit.path.label("unit_path"),
            Matter.code.label("matter_code"),
            Matter.name.label("matter_name"),
            User.display_name.label("reporter_name"),
            User.phone.label("reporter_phone"),
            Department.code.label("transferred_to"),
        )
        .join(AdminUnit, Clue.unit_id == AdminUnit.id)
        .join(Matter, Clue.matter_id == Matter.id)
        .join(User, Clue.reporter_id == User.id)
        .outerjoin(Department, Clue.transferred_to_id == Department.id)
    )


_PARENT = orm.aliased(Clue, name="parent")  # not Clue itself: the jurisdiction rule names it


def clue_child_select(model: type) -> Callable[[], sa.Select]:
    def select() -> sa.Select:
        """A child record's columns and its clue's status (an entity would load its clue,
        and the clue its unit, matter and reporter, for one status)."""
        return sa.select(*map(_as_sent, _columns(model)), _PARENT.status.label("clue_status")).join(
            _PARENT, _PARENT.id == model.clue_id
        )

    return select


def plain_select(model: type, *, keep_meta: bool = False) -> Callable[[], sa.Select]:
    def select() -> sa.Select:
        return sa.select(*(model.__table__.c if keep_meta else _columns(model)))

    return select


@dataclass(frozen=True)
class ClueContext:
    """What a page of clues needs besides its rows: their possible duplicates, and whether
    the user is staff (who alone get a duplicate's id, and a reporter's number where he
    agreed to be called back)."""

    links: dict
    staff: bool


def clue_links(clues: list[sa.Row], view: Any) -> ClueContext:
    """The possible duplicates of the page's clues. One may be in a grid the user cannot
    see: only staff get its id."""
    links: dict = defaultdict(list)
    staff = view.user.has_role(*STAFF_ROLES)
    if not clues or not staff:
        return ClueContext(links, staff)
    # Its three columns, not entities: a page of a county's clues holds hundreds of links.
    # The clues named by their seqs: a thousand integers cost less to send than their ids.
    found = view.built(
        ("links",),
        lambda: (
            sa.select(_as_sent(ClueLink.clue_id), _as_sent(ClueLink.other_id), ClueLink.distance_m)
            .join(Clue, Clue.id == ClueLink.clue_id)
            .where(among(Clue.seq, None, "clues"))
            .order_by(ClueLink.distance_m, ClueLink.other_id)  # nearest first, whatever the plan
        ),
    )
    # All fetched at once: iterating the result fetched the rows one by one, psycopg's
    # ``fetchone`` a tenth of a millisecond each (a county's page has thousands of links).
    for link in read(found, {"clues": [row.seq for row in clues]}).all():
        links[link.clue_id].append(
            {"clue_id": link.other_id, "distance_m": round(link.distance_m, 1)}
        )
    return ClueContext(links, staff)


def clue_data(clue: sa.Row, context: ClueContext) -> dict:
    data = records.clue_fields(clue, clue.unit_code, clue.matter_code, clue.transferred_to)
    data.update(
        code=clue.code,
        version=clue.version,
        unit_name=clue.unit_name,
        # Where it is in the unit tree: the phone's copy of the rules reads it (a step for
        # the county command centre only, sync.rules' county_command).
        unit_path=clue.unit_path,
        matter_name=clue.matter_name,
        reporter_name=clue.reporter_name,
        created_at=records.iso(clue.created_at),
        clock_skew_s=clue.clock_skew_s,
        possible_duplicates=context.links.get(clue.id, []),
    )
    if context.staff and clue.call_back and clue.reporter_phone:
        data["reporter_phone"] = clue.reporter_phone
    return data


def note_data(note: sa.Row, _context=None) -> dict:
    return {
        "clue_id": str(note.clue_id),
        "kind": note.kind,
        "text": note.text,
        "author_id": note.author_id,
        "late": note.late,
        "created_at": records.iso(note.created_at),
    }


def _files_data(e: Evidence) -> dict:
    """The record, and which of its files the server holds, verified: a device keeps a
    photo until its file shows ``held``."""
    data = records.evidence_fields(e)
    for tier in ("original", "copy"):
        if data[tier] is not None:
            at = getattr(e, f"{tier}_at")
            data[tier]["held"] = at is not None
            data[tier]["held_at"] = records.iso(at)
    data.update(
        tier=Evidence.tier(e),  # an entity or a row: it reads two columns
        disagreements=e.disagreements,
        late=e.late,
        clock_skew_s=e.clock_skew_s,
        created_at=records.iso(e.created_at),
    )
    return data


def case_select() -> sa.Select:
    # With its unit's path, as a clue's: the phone's copy of the rules reads it (a disputed
    # transfer is the county command centre's to decide, sync.rules' county_command).
    return sa.select(*_columns(Case), AdminUnit.path.label("unit_path")).join(
        AdminUnit, Case.unit_id == AdminUnit.id
    )


def evidence_data(e: Evidence, _context=None) -> dict:
    return {**_files_data(e), "clue_id": str(e.clue_id)}


def visit_photo_data(e: Evidence, _context=None) -> dict:
    return {**_files_data(e), "visit_record_id": str(e.visit_record_id)}


def case_data(case: sa.Row, _context=None) -> dict:
    """With whom an on-the-spot decision still awaits (art. 42, ``on_spot_presence_art_42``):
    the phone shows it, never works it out."""
    return {
        **case.data,
        "on_spot_awaiting": on_spot_presence_art_42(case.data)[1],
        "clue_id": str(case.clue_id),
        "code": case.code,
        "unit_path": case.unit_path,
        "created_at": records.iso(case.created_at),
    }


def inspection_data(row: sa.Row, _context=None) -> dict:
    """With who has vouched for it and who it awaits (art. 42, ``presence_art_42``): the
    phone shows these, never works them out."""
    fields = records.inspection_fields(row)
    confirmed_by, awaiting = presence_art_42(fields)
    return {
        **fields,
        "confirmed_by": confirmed_by,
        "awaiting_confirmation": awaiting,
        "case_id": str(row.case_id),
        "code": row.code,
        "late": row.late,
        "created_at": records.iso(row.created_at),
    }


def collaboration_files(rows: list[sa.Row], _view: Any) -> dict:
    """The files of the page's requests, in one query: their names, never their bytes (a
    device reads a file online, when asked)."""
    files: dict = defaultdict(list)
    if not rows:
        return files
    found = (
        sa.select(
            CollaborationFile.collaboration_id,
            CollaborationFile.sha256,
            CollaborationFile.name,
            CollaborationFile.side,
            CollaborationFile.size,
        )
        .where(CollaborationFile.collaboration_id.in_([row.id for row in rows]))
        .order_by(CollaborationFile.id)
    )
    for f in read(found).all():
        files[f.collaboration_id].append(
            {"sha256": f.sha256, "name": f.name, "side": f.side, "size": f.size}
        )
    return files


def collaboration_data(row: sa.Row, files=None) -> dict:
    return {**records.collaboration_pulled(row), "files": (files or {}).get(row.id, [])}


def visit_record_data(row: sa.Row, _context=None) -> dict:
    return records.visit_record_pulled(row)


def conflict_data(c: sa.Row, _context=None) -> dict:
    data = dict(records.conflict_state(c).fields)
    data["created_at"] = records.iso(c.created_at)
    return data


def _never(_row) -> bool:
    return False


def clue_withdrawn(row: sa.Row) -> bool:
    return row.status in CLUE_TOMBSTONE


def parent_withdrawn(row: sa.Row) -> bool:
    """A withdrawn clue's notes and photos go with it (R10), except those recorded after it
    was withdrawn: they are kept, flagged ``late``, for whoever still sees the clue (its
    supervisors), never turned into tombstones (R3)."""
    return row.clue_status in CLUE_TOMBSTONE and not row.late


def _nothing(_rows: list, _view: Any) -> None:
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
    context: Callable[[list, Any], Any] = _nothing
