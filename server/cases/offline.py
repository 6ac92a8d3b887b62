"""Documents made on site, offline (issue 22): numbers reserved ahead, copies received after.

An officer on a hillside has no network, yet the party must be handed the order there. So:

1. **Numbers ahead.** While online, his phone holds a few document numbers (文号) and act
   codes per kind it may make offline (the workflow's ``offline`` documents), counted by the
   server from the township's counters (``documents.take_numbers``, the one place they are
   counted), reserved to him and his device (``DocumentReservation``), topped up at each sync.
2. **The copy.** The phone composes the document from what it holds, prints it and queues
   the exact HTML it printed with its SHA-256.
3. **On reconnecting** the copy is sent here: kept byte for byte in the evidence store, its
   hash recorded on the case (audit ``document.offline_copy``), and the server issues the
   document itself under THAT number and act code, sealed, by the same ``issue`` as online.
   A replay answers the same; a second copy of a kind already issued is kept as evidence and
   issues nothing (a document is issued once).

The inspection record (现场检查笔录) carries its record's own act code (JC), so its
reservations hold a JC act code drawn from the records' own counter with the number: the
record recorded offline takes it (``server.sync_api.store``: given only when it is its
author's and unused, else redrawn and said so, the record never refused), and its copy
names the record (``inspection_id``); a copy that comes before its record is kept and
issued when sent again. A reservation a record took is neither live nor voided: its number
is the record's document's, issued from the copy or online (``documents.issue``).

A reserved number is never handed out again nor silently dropped: one unused after
``OFFLINE_RESERVATION_DAYS``, or of a past year (a number counts in its year, 〔2026〕), is
voided on the record (``voided_at`` and an audit entry ``document.number_voided``), the way
a spoilt paper form keeps its number in the file marked 作废: a gap in the numbers is then
explained, not a lost document. Voiding happens only at a top-up, that is when the phone is
online and has sent what it printed first (``pwa/src/sync.js``), so a number the phone used
is not voided under it; a copy that comes anyway under a voided number is still received
(the party holds it) and issued under it, the audit saying both.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid

import marshmallow as ma
import sqlalchemy as sa
from flask import current_app, g
from flask_smorest import Blueprint, abort
from marshmallow import validate

from server.accounts.auth import current_user, login_required
from server.accounts.jurisdiction import get_visible_or_404
from server.accounts.models import Role
from server.audit import chain as audit
from server.cases import documents
from server.cases.api import CASE_DOCUMENTS, DocumentSchema, _not_before_its_day
from server.cases.models import (
    Case,
    DocumentReservation,
    Inspection,
    IssuedDocument,
    OfflineDocument,
)
from server.core.api import BEARER, DomainError
from server.core.db import db, utcnow
from server.core.schemas import FreeText
from server.documents.kinds import signs_by_hand
from server.evidence import service as evidence_service
from sync import workflow
from sync.cases import CHINA

blp = Blueprint("offline_documents", __name__, description="Documents made offline (离线出具)")
ISSUERS = (Role.OFFICER, Role.LEADER)
# The kinds a phone may make offline: the workflow says which (``sync.workflow.case``, and
# the inspection record's own, ``sync.workflow.inspection``).
DOCUMENT_SPECS = {**CASE_DOCUMENTS, **workflow.spec("inspection")["documents"]}
OFFLINE_KINDS = tuple(k for k, spec in DOCUMENT_SPECS.items() if spec.get("offline"))
PAPERS = ("A4", "80mm")


def copy_key(sha256: str) -> str:
    return f"offline/{sha256[:2]}/{sha256}.html"


class ReservationSchema(ma.Schema):
    id = ma.fields.UUID()
    kind = ma.fields.String()
    doc_number = ma.fields.String()
    act_code = ma.fields.String()
    reserved_at = ma.fields.DateTime()
    # The name the document is issued in (the township's government): the phone prints it.
    agency = ma.fields.Function(lambda r: documents.agency(r.unit))
    # What the document prints that only the server knows (where a fine is paid, the bodies
    # of appeal): sent with the number, so the paper says what the sealed PDF will.
    payment_bank = ma.fields.Function(
        lambda r: documents.settings_for_phone(r.unit)["payment_bank"]
    )
    reconsideration_body = ma.fields.Function(
        lambda r: documents.settings_for_phone(r.unit)["reconsideration_body"]
    )
    court = ma.fields.Function(lambda r: documents.settings_for_phone(r.unit)["court"])


class OfflineCopySchema(ma.Schema):
    """What the phone sends of a copy it printed: the exact HTML, its SHA-256 and size."""

    id = ma.fields.UUID(required=True)  # made on the phone: a replay is the same copy
    reservation_id = ma.fields.UUID(required=True)
    kind = ma.fields.String(required=True, validate=validate.OneOf(OFFLINE_KINDS))
    html = ma.fields.String(required=True)
    sha256 = ma.fields.String(required=True, validate=validate.Regexp(r"^[0-9a-f]{64}$"))
    size = ma.fields.Integer(required=True, validate=validate.Range(min=1))
    paper = ma.fields.String(required=True, validate=validate.OneOf(PAPERS))
    printed_at = ma.fields.AwareDateTime(required=True)
    # What the party did on the paper handed over, as for a document issued online.
    party_signature = ma.fields.String(
        load_default=None, validate=validate.Regexp(r"^[0-9a-f]{64}$")
    )
    party_refusal = FreeText(load_default=None, validate=validate.Length(1, 500))
    # An inspection record's copy: the record it prints (recorded offline under the
    # reservation's act code, and perhaps not yet pushed when the copy arrives).
    inspection_id = ma.fields.UUID(load_default=None)
    # …or the party signed the printed paper by hand (its box left blank for ink): not a
    # refusal, which names its reason.
    party_signs_paper = ma.fields.Boolean(load_default=False)

    @ma.validates_schema
    def _one_way(self, data, **_kw):
        if data.get("party_signs_paper") and (
            data.get("party_refusal") or data.get("party_signature")
        ):
            why = "the party signed the paper, or refused, or signed on the phone: one of them"
            raise ma.ValidationError({"party_signs_paper": [why]})
        if data.get("party_signs_paper") and not signs_by_hand(data.get("kind", "")):
            # A record the party signs (笔录, art. 55) bears his signature or the note of his
            # refusal: the inspection record keeps its own rule (server.documents.kinds).
            why = "this document bears the party's signature or the note of his refusal"
            raise ma.ValidationError({"party_signs_paper": [why]})


class OfflineDocumentSchema(ma.Schema):
    id = ma.fields.UUID()
    case_id = ma.fields.UUID()
    kind = ma.fields.String()
    doc_number = ma.fields.Function(lambda o: o.reservation.doc_number)
    act_code = ma.fields.Function(lambda o: o.reservation.act_code)
    sha256 = ma.fields.String()
    size = ma.fields.Integer()
    paper = ma.fields.String()
    printed_at = ma.fields.DateTime()
    received_at = ma.fields.DateTime()
    document_id = ma.fields.UUID(allow_none=True)


class ReceivedSchema(ma.Schema):
    offline = ma.fields.Nested(OfflineDocumentSchema)
    document = ma.fields.Nested(DocumentSchema, allow_none=True)
    # Kept, but not issued yet: why (the error code and the fields, as a 4xx would name them).
    refused = ma.fields.Dict(allow_none=True)


def _invalid(field: str, why: str, status: int = 422, code: str = "invalid") -> DomainError:
    return DomainError(f"{field}: {why}", code=code, status=status, fields={field: [why]})


def _void(r: DocumentReservation, now: dt.datetime, why: str) -> None:
    r.voided_at = now
    audit.record(
        "document.number_voided",
        "document_reservation",
        r.id,
        {"kind": r.kind, "doc_number": r.doc_number, "act_code": r.act_code, "why": why},
    )


def top_up(user, device_id: uuid.UUID | None, now: dt.datetime) -> list[DocumentReservation]:
    """The reserve of ``user``'s device after voiding what aged and taking what lacks: up to
    ``OFFLINE_RESERVE`` live numbers of each offline kind, in the order they were counted."""
    cfg = current_app.config
    township = documents.township_of(user.unit)
    year = now.astimezone(CHINA).year
    oldest = now - dt.timedelta(days=cfg["OFFLINE_RESERVATION_DAYS"])
    held = db.session.execute(
        sa.select(DocumentReservation).where(
            DocumentReservation.user_id == user.id,
            DocumentReservation.device_id == device_id,
            DocumentReservation.used_by.is_(None),
            DocumentReservation.voided_at.is_(None),
        )
    ).scalars()
    held = list(held)
    taken = _taken_by_records([r.act_code for r in held if r.kind == "inspection_record"])
    live: dict[str, list[DocumentReservation]] = {kind: [] for kind in OFFLINE_KINDS}
    for r in held:
        if r.act_code in taken:
            continue  # a record recorded offline took it: its document is issued under it
        if r.year != year:
            _void(r, now, "a number counts in its year")
        elif r.reserved_at < oldest:
            _void(r, now, "unused past the reservation period")
        elif r.kind in live and r.unit_id == township.id:
            live[r.kind].append(r)
        else:  # he moved township, or the kind is no longer made offline
            _void(r, now, "no longer the officer's to use")
    for kind, rs in live.items():
        for _ in range(cfg["OFFLINE_RESERVE"] - len(rs)):
            act_code, doc_number = documents.take_numbers(kind, township, now, ahead=True)
            r = DocumentReservation(
                id=uuid.uuid4(),
                user_id=user.id,
                device_id=device_id,
                unit_id=township.id,
                kind=kind,
                year=year,
                doc_number=doc_number,
                act_code=act_code,
                reserved_at=now,
            )
            db.session.add(r)
            rs.append(r)
    return sorted((r for rs in live.values() for r in rs), key=lambda r: r.act_code)


def _taken_by_records(codes: list[str]) -> set[str]:
    """Which of these reserved inspection act codes a pushed inspection record carries."""
    if not codes:
        return set()
    found = sa.select(Inspection.code).where(Inspection.code.in_(codes))
    return set(db.session.execute(found).scalars())


@blp.route("/documents/reservations", methods=["POST"])
@login_required(roles=ISSUERS)
@blp.response(200, ReservationSchema(many=True))
@blp.doc(security=BEARER)
def reserve():
    """The numbers this device holds for documents it may make offline, topped up; what
    aged is voided on the record. The phone keeps exactly this list."""
    device = g.get("device")
    kept = top_up(current_user(), device.id if device else None, utcnow())
    db.session.commit()
    return kept


def _reservation(user, device_id, ident: uuid.UUID, kind: str) -> DocumentReservation:
    """The reservation named, when it is this officer's on this device; another's, or none,
    is 404 alike (nobody learns another's numbers)."""
    r = db.session.get(DocumentReservation, ident)
    if r is None or r.user_id != user.id or (r.device_id and r.device_id != device_id):
        abort(404, message="reservation not found", errors={"reservation_id": ["not yours"]})
    if r.kind != kind:
        raise _invalid("kind", f"the reservation is for {r.kind}")
    return r


@blp.route("/cases/<uuid:case_id>/offline-documents", methods=["POST"])
@login_required(roles=ISSUERS)
@blp.arguments(OfflineCopySchema)
@blp.response(201, ReceivedSchema)
@blp.alt_response(200, schema=ReceivedSchema, description="A replay: the same answer")
@blp.doc(security=BEARER)
def receive(args, case_id: uuid.UUID):
    """A copy printed offline: kept as evidence by its hash, then the document issued under
    its reserved number and act code, sealed (or, for a kind already issued, kept only)."""
    user = current_user()
    case = get_visible_or_404(Case, case_id, user)
    device = g.get("device")
    device_id = device.id if device else None
    known = db.session.get(OfflineDocument, args["id"])
    if known is not None:  # a replay (R1): the same copy; issued now if it could not be
        if known.case_id != case.id or known.author_id != user.id:
            abort(404, message="offline document not found")
        if known.document_id is None:
            return _issued_for(known, case, user, args), 200
        return _answer(known), 200
    body = args["html"].encode()
    if len(body) > current_app.config["OFFLINE_DOCUMENT_MAX_BYTES"]:
        raise _invalid("html", "larger than a document may be", 413, "too_large")
    if len(body) != args["size"]:
        raise _invalid("size", f"the HTML is {len(body)} bytes, not {args['size']}")
    if hashlib.sha256(body).hexdigest() != args["sha256"]:
        raise _invalid("sha256", "does not match the HTML sent", code="hash_mismatch")
    r = _reservation(user, device_id, args["reservation_id"], args["kind"])
    evidence_service.store().put(copy_key(args["sha256"]), body)
    copy = OfflineDocument(
        id=args["id"],
        case_id=case.id,
        reservation_id=r.id,
        kind=args["kind"],
        sha256=args["sha256"],
        size=len(body),
        paper=args["paper"],
        printed_at=args["printed_at"],
        author_id=user.id,
        device_id=device_id,
        received_at=utcnow(),
    )
    copy.reservation = r
    db.session.add(copy)
    audit.record(
        "document.offline_copy",
        "case",
        case.id,
        {
            "offline_document": str(copy.id),
            "kind": copy.kind,
            "doc_number": r.doc_number,
            "act_code": r.act_code,
            "sha256": copy.sha256,
            "size": copy.size,
            "printed_at": copy.printed_at.isoformat(),
            "voided_before": r.voided_at is not None,
        },
    )
    # The copy is evidence whatever comes next: the party holds it.
    db.session.commit()
    return _issued_for(copy, case, user, args), 201


def _issued_for(copy: OfflineDocument, case: Case, user, args: dict) -> dict:
    """Issue the sealed document under the copy's number, once per kind; when the records
    do not allow it yet (the day, a field the document needs) the copy stays kept, the
    answer names why (``refused``), and the phone's next send of it tries again."""
    r = copy.reservation
    try:
        inspection = _inspection_for(copy, case, args)
        issued = _issued_before(case, copy.kind, inspection)
        if issued is None and r.used_by is None:
            needs = CASE_DOCUMENTS.get(copy.kind, {})
            if "after" in needs:
                _not_before_its_day(copy.kind, needs, case.data)
            data = documents.case_data(copy.kind, case, inspection, args, issuer=user)
            # An inspection record's act code is its record's own: the reserved one, unless
            # the push found it not the officer's to use and drew another (audited there).
            act_code = inspection.code if inspection is not None else r.act_code
            issued, _ = documents.issue(
                copy.kind,
                unit=case.unit,
                clue_id=case.clue_id,
                case=case,
                data=data,
                subject=("case", case.id),
                issued_by=user.id,
                inspection=inspection,
                reserved=(act_code, r.doc_number),
            )
            r.used_by = issued.id
        elif r.used_by is None and r.voided_at is None:
            # Issued already (online, or from another copy): this number was printed on
            # paper the party holds, yet names no issued document; the record says so.
            _void(r, utcnow(), f"{copy.kind} was already issued as {issued.doc_number}")
    except DomainError as exc:
        db.session.rollback()
        return {**_answer(copy), "refused": {"error": exc.code, "fields": exc.fields}}
    copy.document_id = issued.id if issued else None
    db.session.commit()
    return _answer(copy)


def _inspection_for(copy: OfflineDocument, case: Case, args: dict) -> Inspection | None:
    """The inspection record an inspection record's copy prints, on this case; until it has
    been pushed the copy is kept and refused naming ``inspection_id`` (sent again later)."""
    if copy.kind != "inspection_record":
        return None
    ident = args.get("inspection_id")
    i = db.session.get(Inspection, ident) if ident else None
    if i is None or i.case_id != case.id:
        why = "name the inspection record, on this case, once it has been pushed"
        raise _invalid("inspection_id", why, 409, "inspection_pending")
    return i


def _issued_before(case: Case, kind: str, inspection: Inspection | None):
    """The document of ``kind`` already issued: the case's, or the inspection's own."""
    if inspection is None:
        return documents._issued(case, kind)
    return db.session.execute(
        sa.select(IssuedDocument).where(
            IssuedDocument.case_id == case.id,
            IssuedDocument.kind == kind,
            IssuedDocument.act_code == inspection.code,
        )
    ).scalar_one_or_none()


def _answer(copy: OfflineDocument) -> dict:
    doc = db.session.get(IssuedDocument, copy.document_id) if copy.document_id else None
    return {"offline": copy, "document": doc}


@blp.route("/cases/<uuid:case_id>/offline-documents")
@login_required
@blp.response(200, OfflineDocumentSchema(many=True))
@blp.doc(security=BEARER)
def list_offline(case_id: uuid.UUID):
    """The copies printed offline and handed over (离线出具的文书（已交付当事人）), oldest
    first, with their hash: what the console's case page lists beside the sealed ones."""
    case = get_visible_or_404(Case, case_id, current_user())
    return (
        db.session.execute(
            sa.select(OfflineDocument)
            .where(OfflineDocument.case_id == case.id)
            .order_by(OfflineDocument.received_at)
        )
        .scalars()
        .all()
    )
