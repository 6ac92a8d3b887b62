"""The party's copy by QR code (当事人扫码取件): a capability link to one issued document.

The officer opens a QR code on his phone; the party scans it and takes his copy without an
account. The link is a random token (256 bits) stored only as its SHA-256, tied to one
document, expiring (``PARTY_COPY_DAYS``, 7 by default) and revocable by the officer. An
unknown, expired or revoked token is 404 alike: the answer never says which.

What the party gets is the document as issued (the exact bytes whose SHA-256 is in the audit
chain), not the redacted copy of art. 48: the document is addressed to him and served on him
(行政处罚法 第六十一条), his own name, id number and address are his to read, and a copy with
them masked would not be the copy he was served. Every fetch is audited.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid

import sqlalchemy as sa
from flask import current_app, request, send_file
from flask_smorest import Blueprint, abort
from sqlalchemy.orm import Mapped, mapped_column

from server.accounts.auth import current_user, login_required
from server.accounts.jurisdiction import visible
from server.audit import chain as audit
from server.cases import documents
from server.cases.models import Case, IssuedDocument
from server.core.api import BEARER
from server.core.db import Base, begin_writing, db, utcnow
from server.core.limits import limiter
from server.documents import DOCUMENTS
from server.evidence import service as evidence_service
from server.units.models import AdminUnit, UnitLevel

blp = Blueprint("party_copies", __name__, description="The party's copy by QR code")


class PartyCopyLink(Base):
    """A capability link to the party's copy of one issued document (当事人取件码)."""

    __tablename__ = "party_copy_link"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    document_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("issued_document.id"), index=True)
    token_sha256: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_by: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    revoked_at: Mapped[dt.datetime | None]


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _own_document_or_404(doc_id: uuid.UUID) -> tuple[IssuedDocument, Case]:
    """The document, if it is on a case the caller handles (承办人); anyone else: 404."""
    user = current_user()
    doc = db.session.get(IssuedDocument, doc_id)
    case = (
        doc
        and db.session.execute(
            sa.select(Case).where(Case.id == doc.case_id, visible(Case, user))
        ).scalar_one_or_none()
    )
    if case is None or case.reporter_id != user.id:
        abort(404, message="not found")  # another's, another township's, or none: alike
    return doc, case


@blp.route("/documents/<uuid:doc_id>/party-links", methods=["POST"])
@login_required
@blp.doc(security=BEARER)
def mint_link(doc_id: uuid.UUID):
    """A new link for the party's copy; the token is shown once (in the QR code)."""
    doc, case = _own_document_or_404(doc_id)
    token = secrets.token_urlsafe(32)
    days = current_app.config["PARTY_COPY_DAYS"]
    link = PartyCopyLink(
        id=uuid.uuid4(),
        document_id=doc.id,
        token_sha256=_hash(token),
        created_by=current_user().id,
        expires_at=utcnow() + dt.timedelta(days=days),
    )
    db.session.add(link)
    detail = {"document": str(doc.id), "link": str(link.id)}
    audit.record("document.party_link", "case", case.id, detail)
    db.session.commit()
    return {
        "id": str(link.id),
        "token": token,
        # PUBLIC_ORIGIN (https://…) where set, as nginx serves the app; else the origin asked.
        "url": f"{current_app.config['PUBLIC_ORIGIN'].rstrip('/') or request.host_url.rstrip('/')}"
        f"/#/copy/{token}",
        "expires_at": link.expires_at.isoformat(),
    }, 201


@blp.route("/party-links/<uuid:link_id>", methods=["DELETE"])
@login_required
@blp.doc(security=BEARER)
def revoke_link(link_id: uuid.UUID):
    """The officer takes a link back (shown to the wrong person): it answers 404 from now."""
    link = db.session.get(PartyCopyLink, link_id)
    if link is None:
        abort(404, message="not found")
    _, case = _own_document_or_404(link.document_id)
    if link.revoked_at is None:
        link.revoked_at = utcnow()
        audit.record("document.party_link_revoked", "case", case.id, {"link": str(link.id)})
        db.session.commit()
    return "", 204


def _live_or_404(token: str) -> tuple[PartyCopyLink, IssuedDocument]:
    link = db.session.execute(
        sa.select(PartyCopyLink).where(PartyCopyLink.token_sha256 == _hash(token))
    ).scalar_one_or_none()
    if link is None or link.revoked_at is not None or link.expires_at <= utcnow():
        abort(404, message="not found")
    return link, db.session.get(IssuedDocument, link.document_id)


def _opened(link: PartyCopyLink, doc: IssuedDocument) -> None:
    """The party opening a link sent him in electronic service: its 收悉 confirmation."""
    from server.cases import eservice  # it builds on this module

    eservice.opened(link, doc)


def _limit() -> str:
    return current_app.config["PARTY_COPY_RATE_LIMIT"]


@blp.route("/copies/<string:token>")
@limiter.limit(_limit)
def copy_info(token: str):
    """What the party's page shows (no login): the title, the issuing agency, the date."""
    link, doc = _live_or_404(token)
    _opened(link, doc)
    unit = db.session.get(AdminUnit, doc.unit_id)
    code = unit.ancestor_at(UnitLevel.TOWNSHIP) or unit.code
    township = db.session.execute(sa.select(AdminUnit).where(AdminUnit.code == code)).scalar_one()
    return {
        "title": DOCUMENTS[doc.kind].title if doc.kind in DOCUMENTS else doc.kind,
        "doc_number": doc.doc_number,
        "unit": documents.agency(township),
        "issued_at": doc.issued_at.isoformat(),
    }


@blp.route("/copies/<string:token>.pdf")
@limiter.limit(_limit)
def copy_pdf(token: str):
    """The document as issued, to the holder of the link; each fetch in the audit chain."""
    link, doc = _live_or_404(token)
    begin_writing()  # a GET that writes (the fetch is audited): SQLite's lock up front
    audit.record(
        "document.party_fetched",
        "case",
        doc.case_id,
        {"document": str(doc.id), "link": str(link.id)},
    )
    db.session.commit()
    _opened(link, doc)
    stream = evidence_service.store().open(documents.document_key(doc.id))
    response = send_file(
        stream,
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"{doc.act_code}.pdf",  # act codes are ASCII letters, digits and '-'
        max_age=0,
    )
    response.headers["X-Content-SHA256"] = doc.sha256
    response.headers["Cache-Control"] = "no-store"
    return response
