"""Between rows and the sync core: how a row of each synced record type turns into a
``sync.types.RecordState`` and takes a decided state back, and the references the rules
ask the database for (``ServerRefs``). The registry (``registry.KINDS``) names these per
record type; ``pulled.py`` says how each is sent to a device."""

from __future__ import annotations

import datetime as dt
import operator
import uuid
from typing import Any

import orjson
import sqlalchemy as sa
from flask import current_app

from server.accounts.models import Role, User, UserRole
from server.cases.models import Case, Collaboration, Inspection
from server.catalogue.calendar import current_calendar
from server.catalogue.models import Empowerment, Matter
from server.clues.models import Clue, ClueNote
from server.core.db import db
from server.evidence.models import TIERS, Evidence, VisitPhoto
from server.inspections import service as inspections
from server.inspections.models import InspectionVisit, VisitRecord
from server.sync_api.models import SyncConflict
from server.units.models import AdminUnit, Department
from sync import checks, legal
from sync.cases import presence_art_42
from sync.types import RecordState


def iso(value: dt.datetime | str | None) -> str | None:
    """A time as devices are sent it: ISO 8601 in UTC, as ``isoformat`` writes it (to the
    microsecond when there is one, ``+00:00``). Written by orjson, which writes the same
    text (tests/server/test_json_out.py) in a third of the time: ``isoformat`` spends two
    microseconds on an aware time's offset, and a cold pull writes a few per record. A
    text is that already: the pull reads a clue's times so (``db.iso_text``)."""
    if value is None or value.__class__ is str:
        return value
    # Read from the database it is UTC already (UTCDateTime).
    utc = value if value.tzinfo is dt.UTC else value.astimezone(dt.UTC)
    return orjson.dumps(utc)[1:-1].decode()


def _time(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value is not None else None


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _kept_state(record_type: str, row: Any, unit_path: str, parent_id) -> RecordState:
    """A record whose workflow fields are kept whole in ``data`` (a case, a request)."""
    return RecordState(
        record_type,
        row.id,
        row.version,
        dict(row.data),
        _meta(row.field_meta),
        unit_path=unit_path,
        parent_id=parent_id,
    )


def _meta(raw: dict | None) -> dict[str, tuple]:
    """Field merge metadata: (version, user, device); rows written before devices were
    recorded hold two items (sync.types.Actor.wrote reads both)."""
    return {k: tuple(v) for k, v in (raw or {}).items()}


def _meta_json(meta) -> dict[str, list]:
    return {k: list(v) for k, v in meta.items()}


class ServerRefs:
    """``sync.values.Refs`` answered from the database, remembered for one batch."""

    def __init__(self):
        self._units: dict[str, str | None] = {}
        self._unit_rows: dict[str, AdminUnit] = {}
        self._matters: dict[str, int | None] = {}
        self._calendar: legal.WorkCalendar | None = None

    def matter_id(self, code: str) -> int | None:
        if code not in self._matters:
            self._matters[code] = db.session.execute(
                sa.select(Matter.id).where(Matter.code == code, Matter.active)
            ).scalar_one_or_none()
        return self._matters[code]

    def matter_exists(self, code: str) -> bool:
        return self.matter_id(code) is not None

    def unit_path(self, code: str) -> str | None:
        if code not in self._units:
            self._units[code] = db.session.execute(
                sa.select(AdminUnit.path).where(AdminUnit.code == code)
            ).scalar_one_or_none()
        return self._units[code]

    def unit(self, code: str) -> AdminUnit:
        if code not in self._unit_rows:
            self._unit_rows[code] = db.session.execute(
                sa.select(AdminUnit).where(AdminUnit.code == code)
            ).scalar_one()
        return self._unit_rows[code]

    def officer_in(self, user_id: int, unit_path: str) -> bool:
        return (
            db.session.execute(
                sa.select(User.id)
                .join(UserRole)
                .join(AdminUnit, User.unit_id == AdminUnit.id)
                .where(
                    User.id == user_id,
                    User.active,
                    UserRole.role == Role.OFFICER.value,
                    AdminUnit.path.startswith(unit_path, autoescape=True),
                )
            ).first()
            is not None
        )

    def certificates(self, user_ids: list[int]) -> list[tuple[int, str, dt.date, dt.date]]:
        rows = db.session.execute(
            sa.select(
                User.id,
                User.certificate_no,
                User.certificate_valid_from,
                User.certificate_valid_until,
            ).where(
                User.id.in_(user_ids),
                User.active,
                User.certificate_no.is_not(None),
                User.certificate_valid_from.is_not(None),
                User.certificate_valid_until.is_not(None),
            )
        )
        return [tuple(row) for row in rows]

    def matter_facts(self, code: str) -> dict[str, Any] | None:
        row = db.session.execute(
            sa.select(Matter.summary_procedure_allowed, Department.code, Matter.discretion)
            .outerjoin(Department, Matter.department_id == Department.id)
            .where(Matter.code == code, Matter.active)
        ).first()
        if row is None:
            return None
        return {"summary_allowed": row[0], "department": row[1], "discretion": row[2] or []}

    def empowered(
        self, matter_code: str, township_path: str, at: dt.datetime | None = None
    ) -> bool:
        # A grant made by then and not revoked by then (the history keeps ended grants).
        held = (
            Empowerment.revoked_at.is_(None)
            if at is None
            else sa.and_(
                Empowerment.granted_at <= at,
                sa.or_(Empowerment.revoked_at.is_(None), Empowerment.revoked_at > at),
            )
        )
        return (
            db.session.execute(
                sa.select(Empowerment.id)
                .join(Matter, Empowerment.matter_id == Matter.id)
                .join(AdminUnit, Empowerment.unit_id == AdminUnit.id)
                .where(Matter.code == matter_code, AdminUnit.path == township_path, held)
            ).first()
            is not None
        )

    def fined_before(
        self,
        party_id: str,
        matter_code: str,
        violation_on: str,
        unit_path: str,
        other_than: uuid.UUID,
    ) -> str | None:
        party = sa.func.upper(sa.func.trim(Case.data[("party", "id_number")].as_string()))
        return db.session.scalar(
            sa.select(Case.code)
            .join(AdminUnit, Case.unit_id == AdminUnit.id)
            .where(
                AdminUnit.path == unit_path,
                Case.id != other_than,
                Case.matter_id == self.matter_id(matter_code),
                Case.decided_on.is_not(None),
                Case.data[("penalty", "kind")].as_string() == "fine",
                Case.data["violation_on"].as_string() == violation_on,
                party == party_id,
            )
            .order_by(Case.decided_on)
            .limit(1)
        )

    def legally_qualified(self, user_id: int) -> bool:
        return bool(
            db.session.scalar(sa.select(User.legal_qualification_no).where(User.id == user_id))
        )

    def investigators(self, case_id: uuid.UUID) -> set[int]:
        rows = db.session.scalars(
            sa.select(Inspection.officers).where(Inspection.case_id == case_id)
        )
        return {officer for officers in rows for officer in officers or []}

    def statement_days(self) -> int:
        return current_app.config["STATEMENT_WORKING_DAYS"]

    def summary_filing_days(self) -> int:
        return current_app.config["SUMMARY_FILING_WORKING_DAYS"]

    def extension_rule(self) -> dict[str, Any]:
        config = current_app.config
        return {
            "basis": config["DECISION_EXTENSION_BASIS"],
            "max_days": config["DECISION_EXTENSION_MAX_DAYS"],
            "times": config["DECISION_EXTENSION_TIMES"],
        }

    def reported_at(self, clue_id: uuid.UUID) -> dt.datetime | None:
        return db.session.scalar(sa.select(Clue.created_at).where(Clue.id == clue_id))

    def department_id(self, code: str) -> int | None:
        return db.session.execute(
            sa.select(Department.id).where(Department.code == code)
        ).scalar_one_or_none()

    def department_in(self, code: str, unit_path: str) -> bool:
        path = db.session.execute(
            sa.select(AdminUnit.path)
            .join(Department, Department.unit_id == AdminUnit.id)
            .where(Department.code == code)
        ).scalar_one_or_none()
        return path is not None and unit_path.startswith(path)

    def thresholds(self) -> dict[str, dict[str, int]]:
        config = current_app.config
        fen = {
            which: {
                kind: config[f"{which}_{kind.upper()}_YUAN"] * 100 for kind in legal.PARTY_KINDS
            }
            for which in ("HEARING_LARGE_FINE", "MAJOR_FINE")
        }
        return legal.thresholds(large=fen["HEARING_LARGE_FINE"], major_fine=fen["MAJOR_FINE"])

    def calendar(self) -> legal.WorkCalendar:
        if self._calendar is None:
            self._calendar = current_calendar()
        return self._calendar

    def visit(self, visit_id: int) -> dict[str, Any] | None:
        return inspections.visit_facts(visit_id)

    def record_in(self, record_type: str, record_id: uuid.UUID, unit_path: str) -> bool:
        if record_type != "clue":
            return False
        return (
            db.session.execute(
                sa.select(Clue.id)
                .join(AdminUnit, Clue.unit_id == AdminUnit.id)
                .where(Clue.id == record_id, AdminUnit.path.startswith(unit_path, autoescape=True))
            ).first()
            is not None
        )


# -- clue --------------------------------------------------------------------------------

_CLUE_PLAIN = (
    "address",
    "description",
    "status",
    "reporter_id",
    "reject_reason",
    "assignee_id",
    "handling_outcome",
    "handling_note",
    "feedback",
    "rating",
    "rating_comment",
    "taken_by",
    "transfer_note",
    "department_case_no",
    "transfer_returned_reason",
    "arbitration_note",
    "department_result",
    "return_comment",
    "withdraw_reason",
    "call_back",
    "location_source",
)
# The closed loop's times (sync.workflow stamps them with the server's clock).
_CLUE_TIMES = (
    "taken_at",
    "responded_at",
    "handled_at",
    "closed_at",
    "transfer_accepted_at",
    "transfer_concluded_at",
)


# Read in one call each: a cold pull reads them from ten thousand rows.
_clue_plain = operator.attrgetter(*_CLUE_PLAIN)
_clue_times = operator.attrgetter(*_CLUE_TIMES)


def clue_state(clue: Clue) -> RecordState:
    return RecordState(
        "clue",
        clue.id,
        clue.version,
        clue_fields(
            clue,
            clue.unit.code,
            clue.matter.code,
            clue.transferred_to.code if clue.transferred_to else None,
        ),
        _meta(clue.field_meta),
        unit_path=clue.unit.path,
    )


def clue_fields(
    clue: Any, unit_code: str, matter_code: str, transferred_to: str | None = None
) -> dict[str, Any]:
    """The clue as the workflow sees it (what devices hold and edit). ``clue`` is a row
    or anything with the clue table's columns as attributes."""
    fields: dict[str, Any] = dict(zip(_CLUE_PLAIN, _clue_plain(clue), strict=True))
    fields.update(
        matter_code=matter_code,
        unit_code=unit_code,
        location=clue_location(clue),
        dissuasion={
            "done": clue.dissuasion_done,
            "result": clue.dissuasion_result,
            "at": iso(clue.dissuasion_at),
        },
        duplicate_of=str(clue.duplicate_of) if clue.duplicate_of else None,
        deadline=iso(clue.deadline),
        transferred_to=transferred_to,
    )
    times = _clue_times(clue)
    fields.update(zip(_CLUE_TIMES, [None if t is None else iso(t) for t in times], strict=True))
    return fields


def clue_location(clue: Any) -> dict[str, Any] | None:
    """A clue's coordinates, or None for one reported with an address only (sync.place)."""
    if clue.lat is None:
        return None
    return {
        "lat": clue.lat,
        "lng": clue.lng,
        "accuracy_m": clue.accuracy_m,
        "fix_time": iso(clue.fix_time),
    }


def apply_clue_state(clue: Clue, state: RecordState, refs: ServerRefs) -> None:
    f = state.fields
    for name in _CLUE_PLAIN:
        setattr(clue, name, f.get(name))
    clue.matter_id = refs.matter_id(f["matter_code"])
    clue.unit = refs.unit(f["unit_code"])
    loc, dis = f.get("location") or {}, f["dissuasion"]
    clue.lat, clue.lng, clue.accuracy_m = loc.get("lat"), loc.get("lng"), loc.get("accuracy_m")
    clue.geo_cell = checks.geo_cell(loc["lat"], loc["lng"]) if loc else None
    clue.fix_time = _time(loc.get("fix_time"))
    clue.dissuasion_done, clue.dissuasion_result = dis["done"], dis["result"]
    clue.dissuasion_at = _time(dis["at"])
    clue.duplicate_of = uuid.UUID(f["duplicate_of"]) if f.get("duplicate_of") else None
    clue.deadline = _time(f.get("deadline"))
    for name in _CLUE_TIMES:
        setattr(clue, name, _time(f.get(name)))
    transferred_to = f.get("transferred_to")
    clue.transferred_to_id = refs.department_id(transferred_to) if transferred_to else None
    clue.version = state.version
    clue.field_meta = _meta_json(state.meta)


# -- clue note (append-only child) -------------------------------------------------------


def note_state(note: ClueNote) -> RecordState:
    return RecordState(
        "clue_note",
        note.id,
        note.version,
        {"kind": note.kind, "text": note.text, "author_id": note.author_id},
        unit_path=note.clue.unit.path,
        parent_id=note.clue_id,
    )


# -- evidence (append-only child; only its exclusion is a transition) ------------------------


def evidence_fields(e: Any) -> dict[str, Any]:
    """The evidence record as the workflow sees it. ``e`` is a row or anything with the
    evidence table's columns as attributes."""
    files = {}
    for tier in TIERS:
        sha = getattr(e, f"{tier}_sha256")
        files[tier] = (
            None
            if sha is None
            else {
                "sha256": sha,
                "size": getattr(e, f"{tier}_size"),
                "media_type": getattr(e, f"{tier}_media_type"),
            }
        )
    return {
        "kind": e.kind,
        **files,
        "captured_at": iso(e.captured_at),
        "location": None
        if e.lat is None
        else {
            "lat": e.lat,
            "lng": e.lng,
            "accuracy_m": e.accuracy_m,
            "fix_time": iso(e.fix_time),
        },
        "note": e.note,
        "author_id": e.author_id,
        "status": e.status,
        "exclude_reason": e.exclude_reason,
        "excluded_by": e.excluded_by,
        "excluded_at": iso(e.excluded_at),
    }


def evidence_state(e: Evidence) -> RecordState:
    return RecordState(
        "evidence",
        e.id,
        e.version,
        evidence_fields(e),
        _meta(e.field_meta),
        unit_path=e.clue.unit.path,
        parent_id=e.clue_id,
    )


def visit_photo_state(e: VisitPhoto) -> RecordState:
    """A visit's photo: evidence whose parent, and so whose unit, is the visit's record."""
    return RecordState(
        "visit_photo",
        e.id,
        e.version,
        evidence_fields(e),
        _meta(e.field_meta),
        unit_path=e.visit_record.unit.path,
        parent_id=e.visit_record_id,
    )


def apply_evidence_state(e: Evidence, state: RecordState) -> None:
    f = state.fields
    for tier in TIERS:
        declared = f.get(tier) or {}
        setattr(e, f"{tier}_sha256", declared.get("sha256"))
        setattr(e, f"{tier}_size", declared.get("size"))
        setattr(e, f"{tier}_media_type", declared.get("media_type"))
    loc = f.get("location") or {}
    e.kind, e.note, e.author_id, e.status = f["kind"], f.get("note"), f["author_id"], f["status"]
    e.captured_at = _time(f["captured_at"])
    e.lat, e.lng, e.accuracy_m = loc.get("lat"), loc.get("lng"), loc.get("accuracy_m")
    e.fix_time = _time(loc.get("fix_time"))
    e.exclude_reason, e.excluded_by = f.get("exclude_reason"), f.get("excluded_by")
    e.excluded_at = _time(f.get("excluded_at"))
    e.version = state.version
    e.field_meta = _meta_json(state.meta)


# -- case (案件) ----------------------------------------------------------------------------


def case_state(case: Case) -> RecordState:
    return _kept_state("case", case, case.unit.path, case.clue_id)


def apply_case_state(case: Case, state: RecordState, refs: ServerRefs) -> None:
    """Every field as the workflow holds it goes in ``data``; the ones lists filter on are
    copied to their columns."""
    f = state.fields
    case.data = dict(f)
    case.status, case.procedure = f["status"], f["procedure"]
    case.reporter_id = f["reporter_id"]
    case.matter_id = refs.matter_id(f["matter_code"])
    case.opened_at = _time(f.get("opened_at"))
    case.decision_due, case.decided_on = _date(f.get("decision_due")), _date(f.get("decided_on"))
    case.penalty_fen = (f.get("penalty") or {}).get("amount_fen")
    transferred_to = f.get("transferred_to")
    case.transferred_to_id = refs.department_id(transferred_to) if transferred_to else None
    case.version = state.version
    case.field_meta = _meta_json(state.meta)


# -- inspection record (append-only child of a case) ------------------------------------------

INSPECTION_FIELDS = (
    "officers",
    "place",
    "findings",
    "certificates_shown",
    "party_present",
    "party_refusal",
    "location",
    "author_id",
    "confirmations",
)


def inspection_fields(row: Any) -> dict[str, Any]:
    """Its columns, and its status, which is whether every officer named on it has
    confirmed (``sync.cases.presence_art_42``): derived, so it cannot disagree with them."""
    fields = {name: getattr(row, name) for name in INSPECTION_FIELDS}
    fields["confirmations"] = fields["confirmations"] or []
    fields.update(started_at=iso(row.started_at), ended_at=iso(row.ended_at))
    awaiting = presence_art_42(fields)[1]
    fields["status"] = "awaiting_confirmation" if awaiting else "complete"
    return fields


def inspection_state(row: Inspection) -> RecordState:
    return RecordState(
        "inspection",
        row.id,
        row.version,
        inspection_fields(row),
        unit_path=row.case.unit.path,
        parent_id=row.case_id,
    )


def apply_inspection_state(row: Inspection, state: RecordState) -> None:
    f = state.fields
    for name in INSPECTION_FIELDS:
        setattr(row, name, f.get(name))
    row.confirmations = f.get("confirmations") or []
    row.started_at, row.ended_at = _time(f["started_at"]), _time(f["ended_at"])
    row.version = state.version  # a confirmation is a new version of the record


# -- collaboration request (执法协作申请, a case's) ----------------------------------------------


def collaboration_state(row: Collaboration) -> RecordState:
    return _kept_state("collaboration", row, row.case.unit.path, row.case_id)


def apply_collaboration_state(row: Collaboration, state: RecordState, refs: ServerRefs) -> None:
    """Like a case: the workflow's fields in ``data``, the ones lists filter on as columns."""
    f = state.fields
    row.data = dict(f)
    row.status, row.reporter_id = f["status"], f["reporter_id"]
    row.department_id = refs.department_id(f["department"])
    row.sent_on, row.due = _date(f["sent_on"]), _date(f["due"])
    row.extended = bool(f.get("extended"))
    row.answered_on, row.answered_late = _date(f.get("answered_on")), f.get("answered_late")
    row.version = state.version
    row.field_meta = _meta_json(state.meta)


def collaboration_pulled(row: Any) -> dict[str, Any]:
    """What a device holds of a request (``row``: an entity or a row of the table)."""
    return {
        **row.data,
        "case_id": str(row.case_id),
        "code": row.code,
        "created_at": row.created_at.isoformat(),
    }


# -- conflict ----------------------------------------------------------------------------


def conflict_state(c: SyncConflict) -> RecordState:
    fields = {
        "record_type": c.record_type,
        "record_id": str(c.record_id),
        "field": c.field,
        "reason": c.reason,
        "server_value": c.server_value,
        "server_by": c.server_by,
        "device_value": c.device_value,
        "device_by": c.device_by,
        "status": c.status,
        "kept": c.kept,
        "resolved_by": c.resolved_by,
        "resolved_at": iso(c.resolved_at),
    }
    unit_path = db.session.get(AdminUnit, c.unit_id).path
    return RecordState(
        "conflict", c.id, c.version, fields, _meta(c.field_meta), unit_path=unit_path
    )


def apply_conflict_state(c: SyncConflict, state: RecordState) -> None:
    f = state.fields
    c.status, c.kept, c.resolved_by = f["status"], f["kept"], f["resolved_by"]
    c.resolved_at = _time(f["resolved_at"])
    c.version = state.version
    c.field_meta = _meta_json(state.meta)


# -- clue note -------------------------------------------------------------------------


def apply_note_state(note: ClueNote, state: RecordState, refs: ServerRefs) -> None:
    f = state.fields
    note.kind, note.text, note.author_id = f["kind"], f["text"], f["author_id"]
    note.version = state.version


def unit_of(state: RecordState, refs: ServerRefs) -> dict[str, Any]:
    return {"unit_id": refs.unit(state.unit_path.strip("/").split("/")[-1]).id}


# -- a visit's record (检查记录, synced from the drawn officer's phone) ---------------------


def visit_record_state(row: VisitRecord) -> RecordState:
    return _kept_state("visit_record", row, row.unit.path, None)


def apply_visit_record_state(row: VisitRecord, state: RecordState, refs: ServerRefs) -> None:
    """Like a request: the workflow's fields in ``data``, the rule's columns beside them. A
    record is made once and never changed: its making makes its visit done."""
    f = state.fields
    new = row.visit_id is None
    row.data = dict(f)
    row.status, row.reporter_id, row.visit_id = f["status"], f["reporter_id"], f["visit_id"]
    row.partner_id = next((o for o in f["officers"] if o != f["reporter_id"]), None)
    row.unit_id = refs.unit(f["unit_code"]).id
    row.done_on = _date(f["done_on"])
    row.version = state.version
    row.field_meta = _meta_json(state.meta)
    if new:
        inspections.record_done(db.session.get(InspectionVisit, f["visit_id"]), f, row.created_at)


def visit_record_pulled(row: Any) -> dict[str, Any]:
    """What a device holds of a visit's record (``row``: an entity or a row of the table)."""
    return {**row.data, "created_at": row.created_at.isoformat()}
