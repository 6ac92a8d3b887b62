"""Electronic service (电子送达) of a document on the party who consented to it.

The law: 行政处罚法 第六十一条 — a decision is handed over on the spot, or served within seven
days as 民事诉讼法 provides; 当事人同意并签订确认书的，行政机关可以采用传真、电子邮件等方式
送达. 民事诉讼法 (2021, 2023) 第九十条: electronic service needs the party's consent and a
means 能够确认其收悉; 以送达信息到达受送达人特定系统的日期为送达日期 (and the interpretation
of 2022, 第一百三十五条: the date the sending system shows it delivered).

So, here: the consent is a case step the party signs on the officer's phone
(``sync.eservice``). When a document that must be served is issued for a case whose consent
stands, one row per consented address is written in the issue's own transaction, with a
party-copy link (``server.cases.party_copies``, limited life). ``flask notify send`` sends
them (the SMS gateway's template, or SMTP) and records the delivery: the gateway's or mail
server's acceptance, the only "arrival" a sender can observe. The party's first opening of
the link is the 收悉 confirmation. Only then is the service recorded on the case — the
``serve`` step, method ``electronic``, dated the day of delivery (arrival at his system is
the service date by art. 90, not the day he chose to read it), in the 承办人's name with the
proof spelled out. Before the opening a delivered message is shown as delivered, not served:
a gateway's 2xx does not confirm receipt, and the law asks for a means that can. Every event
is in the audit chain.
"""

from __future__ import annotations

import base64
import datetime as dt
import hmac
import logging
import uuid

import sqlalchemy as sa
from flask import current_app
from flask_smorest import Blueprint
from sqlalchemy.orm import Mapped, mapped_column

from server.accounts.auth import current_user, login_required
from server.accounts.jurisdiction import get_visible_or_404
from server.accounts.models import User
from server.audit import chain as audit
from server.cases import documents
from server.cases.models import Case, IssuedDocument
from server.cases.party_copies import PartyCopyLink, _hash
from server.core.api import BEARER
from server.core.db import Base, begin_writing, db, utcnow
from server.documents import DOCUMENTS
from server.notify import adapters
from server.notify.sender import backoff
from server.units.models import AdminUnit, UnitLevel
from sync.cases import CHINA
from sync.eservice import consented

log = logging.getLogger("fieldcase.eservice")
blp = Blueprint("eservice", __name__, description="Electronic service on the party (电子送达)")

# The documents served on the party (送达), as opposed to records he signs on the spot or
# letters to others: the notices and decisions. The penalty decision's service is the
# case's ``serve`` step; the others' are recorded as events (their own steps date them).
SERVED_KINDS = (
    "preservation_notice",
    "correction_order",
    "prior_notice",
    "penalty_decision",
    "payment_demand",
)
STEP_OF = {"penalty_decision": "serve"}
CHANNELS = ("sms", "email")


class ElectronicService(Base):
    """One document sent to one consented address: queued with the issue, sent by
    ``flask notify send`` (retried with back-off), delivered, opened; or failed, with why.
    ``text`` holds the message until it is sent or given up, without its link's token: the
    token is derived from the link's id and the app's secret when the message is sent
    (``_token``), so a copy of the database (a backup, a read-only role) opens no party's
    document."""

    __tablename__ = "electronic_service"
    __table_args__ = (sa.Index("ix_electronic_service_due", "next_attempt_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("enforcement_case.id"), index=True)
    document_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("issued_document.id"))
    link_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("party_copy_link.id"), index=True)
    channel: Mapped[str] = mapped_column(sa.String(8))
    address: Mapped[str] = mapped_column(sa.String(254))
    text: Mapped[str | None] = mapped_column(sa.String(600))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[dt.datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.String(300))
    delivered_at: Mapped[dt.datetime | None]
    failed_at: Mapped[dt.datetime | None]
    opened_at: Mapped[dt.datetime | None]
    # The service recorded on the case: its date, and the step's outcome (or why not).
    served_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    serve_outcome: Mapped[str | None] = mapped_column(sa.String(80))


def _token(link_id: uuid.UUID) -> str:
    """The token of an electronic service's link: an HMAC of the link's id under the app's
    secret, so it is never stored (the link keeps its SHA-256 only, as every party-copy link
    does) and is the same at every attempt. A new SECRET_KEY before a queued message is
    sent leaves its link unopenable: the party asks again, as for an expired one."""
    mac = hmac.new(
        current_app.config["SECRET_KEY"].encode(), b"eservice:" + link_id.bytes, "sha256"
    )
    return base64.urlsafe_b64encode(mac.digest()).rstrip(b"=").decode()


def _addresses(fields: dict) -> list[tuple[str, str]]:
    return [
        (channel, fields[key])
        for channel, key in (("sms", "eservice_mobile"), ("email", "eservice_email"))
        if fields.get(key)
    ]


def queue(doc: IssuedDocument, case: Case, issuer: User) -> list[ElectronicService]:
    """In the issue's transaction: a row per consented address for a document that must be
    served; nothing without a standing consent (art. 61(2): 当事人同意并签订确认书的)."""
    if doc.kind not in SERVED_KINDS or not consented(case.data):
        return []
    now = utcnow()
    link_id = uuid.uuid4()
    link = PartyCopyLink(
        id=link_id,
        document_id=doc.id,
        token_sha256=_hash(_token(link_id)),
        created_by=issuer.id,
        expires_at=now + dt.timedelta(days=current_app.config["PARTY_COPY_DAYS"]),
    )
    db.session.add(link)
    db.session.flush()
    origin = current_app.config["PUBLIC_ORIGIN"].rstrip("/")
    township = case.unit.ancestor_at(UnitLevel.TOWNSHIP) or case.unit.code
    agency = documents.agency(
        db.session.execute(sa.select(AdminUnit).where(AdminUnit.code == township)).scalar_one()
    )
    title = DOCUMENTS[doc.kind].title
    until = link.expires_at.astimezone(CHINA).strftime("%Y-%m-%d")
    text = (
        f"【{agency}】依您签订的电子送达确认书，向您送达《{title}》（{doc.doc_number}），"
        f"请于{until}前打开查收：{origin}/#/copy/"  # the token is appended when sent
    )
    rows = [
        ElectronicService(
            id=uuid.uuid4(),
            case_id=case.id,
            document_id=doc.id,
            link_id=link.id,
            channel=channel,
            address=address,
            text=text,
            created_at=now,
            next_attempt_at=now,
        )
        for channel, address in _addresses(case.data)
    ]
    db.session.add_all(rows)
    for row in rows:
        audit.record("case.eservice_queued", "case", case.id, _detail(row, doc))
    return rows


def _detail(row: ElectronicService, doc: IssuedDocument | None = None, **more) -> dict:
    out = {"service": str(row.id), "document": str(row.document_id), "channel": row.channel}
    out["address"] = mask(row.channel, row.address)
    if doc is not None:
        out["sha256"] = doc.sha256
    return {**out, **more}


def mask(channel: str, address: str) -> str:
    """What a screen or the audit shows of an address: 138****5678, z***@example.cn."""
    if channel == "sms":
        return f"{address[:3]}****{address[-4:]}"
    name, _, domain = address.partition("@")
    return f"{name[:1]}***@{domain}"


def _senders(config) -> dict:
    out = {}
    if config["NOTIFY_SMS_URL"]:
        out["sms"] = adapters.Sms(config)
    if config["ESERVICE_SMTP_HOST"]:
        out["email"] = adapters.Smtp(config)
    return out


def send_due(now: dt.datetime | None = None, limit: int = 500) -> dict[str, int]:
    """Send what is due: each claimed with its row locked, its outcome committed before the
    next (as ``server.notify.sender``). Counts of delivered, failed (to retry), given up."""
    config = current_app.config
    senders = _senders(config)
    counts = {"delivered": 0, "failed": 0, "given_up": 0}
    now = now or utcnow()
    seen: set[uuid.UUID] = set()
    for _ in range(limit):
        stmt = sa.select(ElectronicService).where(ElectronicService.next_attempt_at <= now)
        if seen:
            stmt = stmt.where(ElectronicService.id.not_in(seen))
        row = db.session.execute(
            stmt.order_by(ElectronicService.created_at).limit(1).with_for_update(skip_locked=True)
        ).scalar_one_or_none()
        if row is None:
            break
        seen.add(row.id)
        counts[_send_one(row, senders, now, config)] += 1
        db.session.commit()
    db.session.commit()
    return counts


def _send_one(row: ElectronicService, senders: dict, now: dt.datetime, config) -> str:
    case = db.session.get(Case, row.case_id)
    # Withdrawn, or replaced by another address, since the issue: not sent (art. 61(2)).
    if not consented(case.data) or (row.channel, row.address) not in _addresses(case.data):
        return _give_up(row, now, "consent_withdrawn")
    sender = senders.get(row.channel)
    if sender is None:
        return _give_up(row, now, f"no_{row.channel}_channel")
    row.attempts += 1
    text = row.text + _token(row.link_id)
    try:
        if row.channel == "sms":
            sender.send_to(row.address, text)
        else:
            doc = db.session.get(IssuedDocument, row.document_id)
            sender.send_to(row.address, f"电子送达：{DOCUMENTS[doc.kind].title}", text)
    except adapters.SendError as exc:
        row.last_error = str(exc)[:300]
        if row.attempts >= config["NOTIFY_MAX_ATTEMPTS"]:
            return _give_up(row, now, row.last_error)
        row.next_attempt_at = now + backoff(row.attempts, config["NOTIFY_RETRY_S"])
        log.info("electronic service %s not sent (attempt %s): %s", row.id, row.attempts, exc)
        return "failed"
    row.delivered_at, row.next_attempt_at, row.last_error, row.text = now, None, None, None
    audit.record("case.eservice_delivered", "case", row.case_id, _detail(row, at=now.isoformat()))
    return "delivered"


def _give_up(row: ElectronicService, now: dt.datetime, reason: str) -> str:
    row.next_attempt_at, row.failed_at, row.last_error, row.text = None, now, reason[:300], None
    audit.record("case.eservice_failed", "case", row.case_id, _detail(row, reason=reason))
    return "given_up"


def opened(link: PartyCopyLink, doc: IssuedDocument) -> None:
    """The party's first opening of a link that served ``doc``: the 收悉 confirmation. The
    service is then recorded on the case, dated the day the message was delivered."""
    unopened = sa.select(ElectronicService).where(
        ElectronicService.link_id == link.id,
        ElectronicService.opened_at.is_(None),
        ElectronicService.failed_at.is_(None),  # a failed channel stays failed
    )
    if not db.session.execute(unopened.limit(1)).first():
        return
    # The party's GET writes from here: on SQLite a read transaction that then writes is
    # refused once another request has committed since it began, and the case's service
    # step was lost that way (logged, not recorded). Take the write lock up front, then
    # read the rows again under it (the party may have opened it twice at once).
    begin_writing()
    rows = db.session.execute(unopened).scalars().all()
    if not rows:
        return
    now = utcnow()
    for row in rows:
        row.opened_at = now
        if row.delivered_at is None:  # opened from the other channel's message: no resend
            row.next_attempt_at, row.text = None, None
    delivered = [r.delivered_at for r in rows if r.delivered_at is not None]
    arrived = min(delivered) if delivered else now
    served_on = arrived.astimezone(CHINA).date()
    detail = _detail(rows[0], doc, opened_at=now.isoformat(), served_on=served_on.isoformat())
    audit.record("case.eservice_opened", "case", doc.case_id, detail)
    db.session.commit()
    try:
        outcome = _record_service(doc, rows, arrived, now)
    except Exception as exc:  # the party still gets his copy; the desk sees it unrecorded
        db.session.rollback()
        log.exception("electronic service of %s: the service step was not recorded", doc.id)
        outcome = f"error:{type(exc).__name__}"
    for row in rows:
        row.served_on, row.serve_outcome = served_on, outcome
    db.session.commit()


def _record_service(
    doc: IssuedDocument, rows: list[ElectronicService], arrived: dt.datetime, now: dt.datetime
) -> str:
    """The case's service step, through the push path and its rules like any step, in the
    承办人's name; its outcome (``accepted``, or the rule's reason) is kept and shown."""
    from server.sync_api.push import push_batch

    step = STEP_OF.get(doc.kind)
    if step is None:
        return "event_only"
    case = db.session.get(Case, doc.case_id)
    if case.status != "decided":
        return f"not_recorded:{case.status}"
    china = "%Y-%m-%d %H:%M"
    ways = "、".join(
        f"{'短信' if r.channel == 'sms' else '电子邮件'} {mask(r.channel, r.address)}" for r in rows
    )
    proof = (
        f"电子送达（行政处罚法第六十一条，当事人于{case.data['eservice_consent_on']}签订确认书）："
        f"《{DOCUMENTS[doc.kind].title}》{doc.doc_number}，SHA-256 {doc.sha256[:16]}…，"
        f"经{ways}于{arrived.astimezone(CHINA).strftime(china)}到达，"
        f"当事人于{now.astimezone(CHINA).strftime(china)}打开链接确认收悉。"
    )
    mutation = {
        "id": str(uuid.uuid4()),
        "record_type": "case",
        "record_id": str(case.id),
        "op": "transition",
        "base_version": None,
        "payload": {
            "name": step,
            "args": {
                "served_on": arrived.astimezone(CHINA).date().isoformat(),
                "method": "electronic",
                "proof": proof[:500],
                "consent_signed_on": case.data["eservice_consent_on"],
            },
        },
    }
    officer = db.session.get(User, case.reporter_id)
    [result] = push_batch(officer, None, [mutation], None)
    outcome = result["outcome"] if result["outcome"] == "applied" else result.get("reason")
    audit.record(
        "case.eservice_served",
        "case",
        case.id,
        {"document": str(doc.id), "step": step, "outcome": outcome, "proof": proof},
    )
    return str(outcome)[:80]


@blp.route("/cases/<uuid:case_id>/electronic-service")
@login_required
@blp.doc(security=BEARER)
def case_eservice(case_id: uuid.UUID):
    """The case's consent (addresses masked) and each electronic service with its events;
    another township's case is 404, as if none."""
    case = get_visible_or_404(Case, case_id, current_user())
    f = case.data
    consent = None
    if f.get("eservice_consent_on"):
        consent = {
            "signed_on": f["eservice_consent_on"],
            "by": f.get("eservice_consent_by"),
            "withdrawn_on": f.get("eservice_withdrawn_on"),
            "standing": consented(f),
            "addresses": [{"channel": c, "address": mask(c, a)} for c, a in _addresses(f)],
            "signature_sha256": f.get("eservice_signature"),
        }
    rows = db.session.execute(
        sa.select(ElectronicService, IssuedDocument)
        .join(IssuedDocument, IssuedDocument.id == ElectronicService.document_id)
        .where(ElectronicService.case_id == case.id)
        .order_by(ElectronicService.created_at, ElectronicService.channel)
    ).all()

    def at(value):
        return value.isoformat() if value else None

    return {
        "consent": consent,
        "services": [
            {
                "id": str(r.id),
                "document": str(d.id),
                "kind": d.kind,
                "title": DOCUMENTS[d.kind].title if d.kind in DOCUMENTS else d.kind,
                "doc_number": d.doc_number,
                "channel": r.channel,
                "address": mask(r.channel, r.address),
                "queued_at": at(r.created_at),
                "attempts": r.attempts,
                "delivered_at": at(r.delivered_at),
                "opened_at": at(r.opened_at),
                "failed_at": at(r.failed_at),
                "error": r.last_error,
                "served_on": at(r.served_on),
                "serve_outcome": r.serve_outcome,
            }
            for r, d in rows
        ],
    }
