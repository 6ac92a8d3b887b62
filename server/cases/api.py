"""Documents (执法文书) issued from cases, inspection records and transferred clues, and
read back as the exact bytes issued (their SHA-256 is in the audit chain)."""

from __future__ import annotations

import uuid

import marshmallow as ma
import sqlalchemy as sa
from flask import send_file
from flask_smorest import Blueprint, abort
from marshmallow import validate

from server.accounts.auth import current_user, login_required
from server.accounts.jurisdiction import get_visible_or_404, visible
from server.accounts.models import Role, User
from server.audit import chain as audit
from server.cases import documents, eservice, indicators
from server.cases.models import Case, Inspection, IssuedDocument
from server.clues.models import Clue
from server.core.api import BEARER, DomainError
from server.core.db import db, utcnow
from server.core.limits import limiter, passphrase_guess_limit, passphrase_targets, wrong_passphrase
from server.core.schemas import FreeText, StrictSchema
from server.evidence import service as evidence_service
from server.units.models import AdminUnit, UnitLevel
from sync import workflow
from sync.cases import document_waits, today

blp = Blueprint("cases", __name__, description="Cases (案件) and their documents (执法文书)")
ISSUERS = (Role.OFFICER, Role.LEADER)
SUPERVISING = (Role.DISPATCHER, Role.LEADER, Role.REVIEWER, Role.ADMIN)
# The documents the workflow declares for a case and its inspection records.
CASE_DOCUMENTS = workflow.spec("case")["documents"]
CASE_KINDS = (*workflow.spec("inspection")["documents"], *CASE_DOCUMENTS)


class IssueSchema(ma.Schema):
    kind = ma.fields.String(required=True, validate=validate.OneOf(CASE_KINDS))
    inspection_id = ma.fields.UUID(load_default=None)  # for an inspection record
    # What the party did on paper: signed (the PNG captured on the phone, held as evidence
    # on the clue, by its SHA-256) or refused to sign (the officer's note).
    party_signature = ma.fields.String(
        load_default=None, validate=validate.Regexp(r"^[0-9a-f]{64}$")
    )
    party_refusal = FreeText(load_default=None, validate=validate.Length(1, 500))
    # The officers who sign it with their own keys (server.accounts.signing): each one's
    # passphrase, typed by him, keyed by his account id. Used for this document, never kept.
    officer_passphrases = ma.fields.Dict(
        keys=ma.fields.String(validate=validate.Regexp(r"^[0-9]{1,12}$")),
        values=ma.fields.String(validate=validate.Length(1, 256)),
        load_default=None,
        metadata={"writeOnly": True},
    )


class DocumentSchema(ma.Schema):
    id = ma.fields.UUID()
    kind = ma.fields.String()
    act_code = ma.fields.String()
    doc_number = ma.fields.String()
    case_id = ma.fields.UUID(allow_none=True)
    clue_id = ma.fields.UUID()
    sha256 = ma.fields.String()
    size = ma.fields.Integer()
    public_sha256 = ma.fields.String(allow_none=True)
    issued_at = ma.fields.DateTime()
    published_at = ma.fields.DateTime(allow_none=True)
    withdrawn_at = ma.fields.DateTime(allow_none=True)
    withdrawal_reason = ma.fields.String(allow_none=True)


class WithdrawSchema(StrictSchema):
    reason = FreeText(required=True, validate=validate.Length(min=1, max=2000))


class PublishedSchema(ma.Schema):
    """A decision as the public sees it in the list: no party, no case."""

    id = ma.fields.UUID()
    kind = ma.fields.String()
    act_code = ma.fields.String()
    doc_number = ma.fields.String()
    unit = ma.fields.Function(lambda d: d.unit_name)
    public_sha256 = ma.fields.String()
    published_at = ma.fields.DateTime()
    withdrawn_at = ma.fields.DateTime(allow_none=True)
    withdrawal_reason = ma.fields.String(allow_none=True)


class IndicatorsQuerySchema(StrictSchema):
    """A period of China's days, both included; by default this year up to today."""

    from_ = ma.fields.Date(load_default=None, data_key="from")
    to = ma.fields.Date(load_default=None)

    @ma.post_load
    def _period(self, data, **kwargs):
        data["to"] = data["to"] or today(utcnow())
        data["from_"] = data["from_"] or data["to"].replace(month=1, day=1)
        if data["to"] < data["from_"]:
            raise ma.ValidationError("must not be before from", "to")
        if (data["to"] - data["from_"]).days > 366 * 5:
            raise ma.ValidationError("a period of at most five years", "to")
        return data


def _incomplete(field: str, why: str) -> DomainError:
    return DomainError(f"{field}: {why}", code="invalid", status=422, fields={field: [why]})


@blp.route("/units/<code:code>/indicators")
@login_required(roles=SUPERVISING)
@blp.arguments(IndicatorsQuerySchema, location="query")
@blp.doc(security=BEARER)
def unit_indicators(args, code):
    """The province's "4 × 100 %" for a unit and its subtree over a period (China's days,
    both included): acts coded, documents e-signed, documents issued on the platform,
    clues disposed of. Each is a count, its base and the share (null on an empty base)."""
    unit = get_visible_or_404(AdminUnit, code, current_user(), key=AdminUnit.code)
    return indicators.indicators(unit, args["from_"], args["to"])


def _not_before_its_day(kind: str, needs: dict, fields: dict) -> None:
    """409 for a document the case's records do not call for on its day (China's):
    ``sync.cases.document_waits`` says why, as the phone reads it to offer the document."""
    waits = document_waits(needs, fields, today(utcnow()))
    if waits is None:
        return
    if waits == "after":
        why = f"the case has no {needs['after']} yet: the step that records it comes first"
        code = "not_yet"
    elif waits == "from":
        first = fields.get(needs["from"])
        why = f"{kind} is dated from {first} ({needs['from']}), not before"
        code = "not_yet"
    else:
        why = f"{kind} is dated until {fields.get(needs['until'])} ({needs['until']}), not after"
        code = "too_late"
    raise DomainError(f"kind: {why}", code=code, status=409, fields={"kind": [why]})


@blp.route("/cases/<uuid:case_id>/documents", methods=["POST"])
@login_required(roles=ISSUERS)
@limiter.limit(passphrase_guess_limit, key_func=passphrase_targets, deduct_when=wrong_passphrase)
@blp.arguments(IssueSchema)
@blp.response(201, DocumentSchema)
@blp.alt_response(200, schema=DocumentSchema, description="Already issued: the same document")
@blp.doc(security=BEARER)
def issue_case_document(args, case_id: uuid.UUID):
    """Issue a document of a case: rendered from its records, numbered, archived, audited."""
    user = current_user()
    case, inspection, data = _document_data(args, case_id, user)
    kind = args["kind"]
    doc, new = documents.issue(
        kind,
        unit=case.unit,
        clue_id=case.clue_id,
        case=case,
        data=data,
        subject=("case", case.id),
        issued_by=user.id,
        inspection=inspection,
        passphrases=args["officer_passphrases"],
    )
    if new:  # art. 61(2): served electronically where the party consented, in this transaction
        eservice.queue(doc, case, user)
    db.session.commit()
    return doc, 201 if new else 200


def _document_data(args, case_id: uuid.UUID, user) -> tuple[Case, Inspection | None, dict]:
    """What issuing ``args["kind"]`` of the case would print, after every check issuing makes
    (the case seen, the inspection record its own, the procedure, who signs, its day)."""
    case = get_visible_or_404(Case, case_id, user)
    kind = args["kind"]
    inspection = None
    if kind == "inspection_record":
        if args["inspection_id"] is None:
            raise _incomplete("inspection_id", "name the inspection record")
        inspection = db.session.execute(
            sa.select(Inspection).where(
                Inspection.id == args["inspection_id"], Inspection.case_id == case.id
            )
        ).scalar_one_or_none()
        if inspection is None:
            abort(404, message="inspection record not found")
    needs = CASE_DOCUMENTS.get(kind, {})
    if needs.get("procedure", case.procedure) != case.procedure:
        raise _incomplete("kind", f"a {case.procedure} case has no {kind}")
    if needs.get("who") and not user.has_role(*(Role(r) for r in needs["who"])):
        abort(403, message=f"{kind} is issued by {' or '.join(needs['who'])} (who signs it)")
    if "after" in needs:
        _not_before_its_day(kind, needs, case.data)
    return case, inspection, documents.case_data(kind, case, inspection, args, issuer=user)


class SignersQuery(StrictSchema):
    kind = ma.fields.String(required=True, validate=validate.OneOf(CASE_KINDS))
    inspection_id = ma.fields.UUID(load_default=None)


class SignerSchema(ma.Schema):
    user_id = ma.fields.Integer()
    name = ma.fields.String()
    certificate_no = ma.fields.String()
    # His account holds a signing key (server.accounts.signing): the phone asks him for his
    # passphrase before it issues; without one his box is left for his hand.
    has_key = ma.fields.Boolean()


@blp.route("/cases/<uuid:case_id>/document-signers")
@login_required(roles=ISSUERS)
@blp.arguments(SignersQuery, location="query")
@blp.response(200, SignerSchema(many=True))
@blp.doc(security=BEARER)
def document_signers(args, case_id: uuid.UUID):
    """The officers a document would name, and whether each may sign it with his own key:
    read the way issuing reads them (the same checks, the same records), so the phone asks
    exactly those named for their passphrases (a passphrase for anyone else is refused).
    Nothing is issued, numbered or counted."""
    user = current_user()
    args = {**args, "party_signature": None, "party_refusal": None}
    _case, _inspection, data = _document_data(args, case_id, user)
    officers = [o for o in data.get("officers") or [] if o.get("user_id") is not None]
    users = {
        u.id: u
        for u in db.session.execute(
            sa.select(User).where(User.id.in_([o["user_id"] for o in officers]))
        ).scalars()
    }
    return [
        {
            "user_id": o["user_id"],
            "name": o["name"],
            "certificate_no": o.get("certificate_no") or "",
            "has_key": bool(users[o["user_id"]].signing_p12),
        }
        for o in officers
    ]


@blp.route("/cases/<uuid:case_id>/documents")
@login_required
@blp.response(200, DocumentSchema(many=True))
@blp.doc(security=BEARER)
def list_case_documents(case_id: uuid.UUID):
    """The documents issued for a case, oldest first, with whether each decision is made
    public (art. 48): the desk shows its head what to publish or withdraw, and everyone
    else where it stands. Whoever sees the case; another township's is 404, as if none."""
    case = get_visible_or_404(Case, case_id, current_user())
    return (
        db.session.execute(
            sa.select(IssuedDocument)
            .where(IssuedDocument.case_id == case.id)
            .order_by(IssuedDocument.issued_at, IssuedDocument.act_code)
        )
        .scalars()
        .all()
    )


@blp.route("/clues/<uuid:clue_id>/transfer-letter", methods=["POST"])
@login_required(roles=(Role.DISPATCHER, Role.LEADER))
@blp.response(201, DocumentSchema)
@blp.alt_response(200, schema=DocumentSchema, description="Already issued: the same letter")
@blp.doc(security=BEARER)
def issue_transfer_letter(clue_id: uuid.UUID):
    """案件移送书 for a clue transferred to a department, with its evidence by SHA-256."""
    user = current_user()
    clue = get_visible_or_404(Clue, clue_id, user)
    if clue.status not in workflow.CLUE_TRANSFERRED:
        raise DomainError(
            "status: the clue has not been transferred",
            code="not_yet",
            status=409,
            fields={"status": ["transfer the clue first"]},
        )
    doc, new = documents.issue(
        "transfer_letter",
        unit=clue.unit,
        clue_id=clue.id,
        case=None,
        data=documents.transfer_data(clue),
        subject=("clue", clue.id),
        issued_by=user.id,
    )
    db.session.commit()
    return doc, 201 if new else 200


class DocumentQuerySchema(StrictSchema):
    public = ma.fields.Boolean(load_default=False, metadata={"description": "the public copy"})


@blp.route("/documents/<uuid:doc_id>.pdf")
@login_required
@blp.arguments(DocumentQuerySchema, location="query")
@blp.doc(security=BEARER)
def get_document(args, doc_id: uuid.UUID):
    """The issued bytes; ``?public=1``: the redacted copy made public (art. 48)."""
    user = current_user()
    doc = db.session.get(IssuedDocument, doc_id)
    if (
        doc is None
        or not db.session.execute(
            sa.select(Clue.id).where(Clue.id == doc.clue_id, visible(Clue, user))
        ).first()
    ):
        abort(404, message="document not found")
    public = args["public"]
    if public and doc.public_sha256 is None:
        abort(404, message="this document has no public copy")
    if (
        doc.case_id is not None
        and not db.session.execute(
            sa.select(Case.id).where(Case.id == doc.case_id, visible(Case, user))
        ).first()
    ):
        abort(404, message="document not found")
    stream = evidence_service.store().open(documents.document_key(doc.id, public))
    response = send_file(
        stream,
        mimetype="application/pdf",
        download_name=f"{doc.act_code}{'-public' if public else ''}.pdf",
        max_age=0,
    )
    response.headers["X-Content-SHA256"] = doc.public_sha256 if public else doc.sha256
    return response


# -- publication (行政处罚法 第四十八条) ----------------------------------------------------------


def _published_or_404(doc_id: uuid.UUID, user) -> IssuedDocument:
    doc = db.session.get(IssuedDocument, doc_id)
    if doc is None or doc.public_sha256 is None or doc.case_id is None:
        abort(404, message="document not found")
    get_visible_or_404(Case, doc.case_id, user)  # another township's: as if none
    return doc


@blp.route("/documents/<uuid:doc_id>/publish", methods=["POST"])
@login_required(roles=(Role.LEADER,))
@blp.response(200, DocumentSchema)
@blp.doc(security=BEARER)
def publish_document(doc_id: uuid.UUID):
    """Art. 48: the head makes a decision with a certain social impact public: its redacted
    copy (names masked, id and phone numbers and addresses below the village taken out) is
    then served to anyone at ``/public/decisions``. Once; a withdrawn one stays withdrawn."""
    user = current_user()
    doc = _published_or_404(doc_id, user)
    if doc.published_at is None:
        doc.published_at, doc.published_by = utcnow(), user.id
        audit.record("document.published", "case", doc.case_id, {"document": str(doc.id)})
        db.session.commit()
    return doc


@blp.route("/documents/<uuid:doc_id>/withdraw", methods=["POST"])
@login_required(roles=(Role.LEADER,))
@blp.arguments(WithdrawSchema)
@blp.response(200, DocumentSchema)
@blp.doc(security=BEARER)
def withdraw_document(args, doc_id: uuid.UUID):
    """Art. 48: a published decision changed, revoked, or found unlawful or void is withdrawn
    (within 3 days, says the law), and the public sees why in its place."""
    user = current_user()
    doc = _published_or_404(doc_id, user)
    if doc.published_at is None:
        raise DomainError(
            "not published", code="not_published", status=409,
            fields={"document": ["only a published decision is withdrawn"]},
        )  # fmt: skip
    if doc.withdrawn_at is None:
        doc.withdrawn_at, doc.withdrawn_by = utcnow(), user.id
        doc.withdrawal_reason = args["reason"]
        audit.record(
            "document.withdrawn",
            "case",
            doc.case_id,
            {"document": str(doc.id), "reason": args["reason"]},
        )
        db.session.commit()
    return doc


@blp.route("/public/decisions")
@blp.response(200, PublishedSchema(many=True))
def public_decisions():
    """The decisions made public (no login), newest first, the withdrawn ones with their
    reason in place of the document. Each names the agency that issued it, as the decision
    itself does (the township's government, art. 24), never the grid its case came from:
    a grid's name would tell the public more about where the party lives than the copy."""
    rows = db.session.execute(
        sa.select(IssuedDocument, AdminUnit)
        .join(AdminUnit, IssuedDocument.unit_id == AdminUnit.id)
        .where(IssuedDocument.published_at.is_not(None))
        .order_by(IssuedDocument.published_at.desc())
        .limit(500)
    ).all()
    township_of = {u.id: u.ancestor_at(UnitLevel.TOWNSHIP) or u.code for _, u in rows}
    townships = db.session.execute(
        sa.select(AdminUnit).where(AdminUnit.code.in_(set(township_of.values())))
    ).scalars()
    agencies = {t.code: documents.agency(t) for t in townships}
    for doc, unit in rows:
        doc.unit_name = agencies[township_of[unit.id]]
    return [doc for doc, _ in rows]


@blp.route("/public/decisions/<uuid:doc_id>.pdf")
def public_decision(doc_id: uuid.UUID):
    """The redacted copy of a published decision, to anyone; a withdrawn one answers 410
    with the reason, one never published 404."""
    doc = db.session.get(IssuedDocument, doc_id)
    if doc is None or doc.published_at is None or doc.public_sha256 is None:
        abort(404, message="decision not found")
    if doc.withdrawn_at is not None:
        abort(410, message=f"withdrawn: {doc.withdrawal_reason}")
    stream = evidence_service.store().open(documents.document_key(doc.id, public=True))
    response = send_file(
        stream, mimetype="application/pdf", download_name=f"{doc.act_code}-public.pdf", max_age=0
    )
    response.headers["X-Content-SHA256"] = doc.public_sha256
    return response
