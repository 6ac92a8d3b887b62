"""Cases (案件), their inspection records (检查笔录), the collaboration requests (执法协作申请)
made for them and the documents issued from them.

The facts every list and dashboard filters on (status, unit, matter, the 90-day due date,
the decision) are columns; the rest of what the workflow declares is kept as it synced, in
``data``, so a new step of the law is a workflow change, not a migration.
"""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.core.db import Base, Synced, utcnow
from sync.workflow import WORKFLOW


class Case(Synced, Base):
    __tablename__ = "enforcement_case"
    __table_args__ = (
        sa.CheckConstraint(
            sa.column("status").in_(list(WORKFLOW["case"]["statuses"])), name="status_known"
        ),
        sa.CheckConstraint(sa.column("procedure").in_(["summary", "general"]), name="procedure"),
        sa.CheckConstraint("version >= 1", name="version_positive"),
        sa.Index("ix_enforcement_case_unit_seq", "unit_id", "seq"),  # the pull
        # A department's pull: the cases transferred to it (few; most have none).
        sa.Index(
            "ix_enforcement_case_transferred",
            "transferred_to_id",
            "seq",
            sqlite_where=sa.text("transferred_to_id IS NOT NULL"),
            postgresql_where=sa.text("transferred_to_id IS NOT NULL"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)  # made on the device
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)  # 立案 act code (…-LA-…)
    clue_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("clue.id"), index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("admin_unit.id"), index=True)
    matter_id: Mapped[int] = mapped_column(sa.ForeignKey("matter.id"), index=True)
    reporter_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))  # 承办人
    procedure: Mapped[str] = mapped_column(sa.String(16))
    status: Mapped[str] = mapped_column(sa.String(20), index=True)
    opened_at: Mapped[dt.datetime | None]
    decision_due: Mapped[dt.date | None] = mapped_column(sa.Date, index=True)
    decided_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    penalty_fen: Mapped[int | None] = mapped_column(sa.BigInteger)
    # The county department a case was transferred out to (移送), which sees and receives it.
    transferred_to_id: Mapped[int | None] = mapped_column(sa.ForeignKey("department.id"))
    data: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    field_meta: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    unit = relationship("AdminUnit", lazy="joined")
    matter = relationship("Matter", lazy="joined")
    clue = relationship("Clue")


class Inspection(Synced, Base):
    """An inspection record (现场检查笔录): append-only, like every record of what was seen."""

    __tablename__ = "inspection_record"
    __table_args__ = (sa.Index("ix_inspection_record_case_seq", "case_id", "seq"),)  # the pull

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)  # act code (…-JC-…)
    case_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("enforcement_case.id"), index=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    officers: Mapped[list] = mapped_column(sa.JSON)
    started_at: Mapped[dt.datetime]
    ended_at: Mapped[dt.datetime]
    place: Mapped[str] = mapped_column(sa.String(300))
    findings: Mapped[str] = mapped_column(sa.Text)
    certificates_shown: Mapped[bool]
    party_present: Mapped[bool]
    party_refusal: Mapped[str | None] = mapped_column(sa.Text)
    location: Mapped[dict | None] = mapped_column(sa.JSON)
    late: Mapped[bool] = mapped_column(default=False)  # appended after the case had closed
    # Art. 42: each other officer named, as he confirmed he was there ({officer_id, at}).
    confirmations: Mapped[list] = mapped_column(
        sa.JSON, default=list, server_default=sa.text("'[]'")
    )

    case = relationship(Case, lazy="joined")


class Collaboration(Synced, Base):
    """A collaboration request (执法协作申请) to a county department, made for a case: what
    was asked, the department's due day (5 working days, 10 once extended: seeds 004) and
    its answer. Like a case, every field as the workflow holds it is in ``data``; those lists
    filter on (the department, the status, the due day) are columns too."""

    __tablename__ = "collaboration_request"
    __table_args__ = (
        sa.CheckConstraint(
            sa.column("status").in_(list(WORKFLOW["collaboration"]["statuses"])),
            name="status_known",
        ),
        sa.CheckConstraint("version >= 1", name="version_positive"),
        sa.Index("ix_collaboration_request_case_seq", "case_id", "seq"),  # the pull
        # A department's pull: the requests addressed to it.
        sa.Index("ix_collaboration_request_department_seq", "department_id", "seq"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)  # made on the device
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)  # act code (…-XZ-…)
    case_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("enforcement_case.id"), index=True)
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("department.id"), index=True)
    reporter_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    status: Mapped[str] = mapped_column(sa.String(16), index=True)
    sent_on: Mapped[dt.date] = mapped_column(sa.Date)
    due: Mapped[dt.date] = mapped_column(sa.Date, index=True)
    extended: Mapped[bool] = mapped_column(default=False)
    answered_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    answered_late: Mapped[bool | None]
    data: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    field_meta: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    case = relationship(Case, lazy="joined")
    department = relationship("Department")


class IssuedDocument(Base):
    """A document issued on the platform (执法文书): the exact bytes are kept, and their
    SHA-256 is in the audit chain (``document.issued``), so a copy can always be proved."""

    __tablename__ = "issued_document"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(32))
    act_code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    doc_number: Mapped[str] = mapped_column(sa.String(80))
    case_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("enforcement_case.id"), index=True
    )
    clue_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("clue.id"), index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("admin_unit.id"), index=True)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    size: Mapped[int]
    public_sha256: Mapped[str | None] = mapped_column(sa.String(64))  # art. 48 redacted copy
    # A document the party signs: "signed" on the phone (the PNG is in the PDF), "refused"
    # (noted), or "missing"; None for one the party does not sign. The e-signature figure.
    party_signing: Mapped[str | None] = mapped_column(sa.String(8))
    # The agency's electronic seal (server.documents.seal): the certificate's subject and
    # serial, and whether a trusted time stamp came with it; None: not sealed.
    sealed_by: Mapped[str | None] = mapped_column(sa.String(300))
    seal_timestamped: Mapped[bool | None]
    issued_by: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    issued_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # Art. 48: the redacted copy made public (anyone may read it), and withdrawn with its
    # reason when the decision was changed or revoked (the record stays, and says why).
    published_at: Mapped[dt.datetime | None] = mapped_column(index=True)
    published_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    withdrawn_at: Mapped[dt.datetime | None]
    withdrawn_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    withdrawal_reason: Mapped[str | None] = mapped_column(sa.Text)


class CollaborationFile(Base):
    """A file attached to a collaboration request (执法协作申请): the department's answer as
    its signed letter (认定意见书, 鉴定意见, a scanned map), or the materials the township
    sent with its question. Kept under its SHA-256 in the evidence store, never changed nor
    deleted; the same file twice on one request is one."""

    __tablename__ = "collaboration_file"
    __table_args__ = (sa.UniqueConstraint("collaboration_id", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    collaboration_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("collaboration_request.id"), index=True
    )
    sha256: Mapped[str] = mapped_column(sa.String(64))
    size: Mapped[int] = mapped_column(sa.BigInteger)
    media_type: Mapped[str] = mapped_column(sa.String(32))
    name: Mapped[str] = mapped_column(sa.String(200))  # as the uploader's computer named it
    # Whose side sent it: the department's answer, or the township's materials.
    side: Mapped[str] = mapped_column(sa.String(12))
    uploaded_by: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    uploaded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class DocumentReservation(Base):
    """A document number (文号) and act code (行政行为码) taken ahead from the township's
    counters for one officer's phone, so that a document made there offline carries the
    number the server will seal it under (``server.cases.offline``). The server is the only
    one who counts: a phone never makes a number up. Used once (``used_by``); one unused
    past its time is voided (``voided_at``), never handed out again nor silently lost."""

    __tablename__ = "document_reservation"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    device_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("device.id"))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("admin_unit.id"))  # the township
    kind: Mapped[str] = mapped_column(sa.String(32))
    year: Mapped[int]  # China's year the number counts in (〔2026〕)
    doc_number: Mapped[str] = mapped_column(sa.String(80))
    act_code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    reserved_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    used_by: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("issued_document.id"))
    voided_at: Mapped[dt.datetime | None]

    unit = relationship("AdminUnit", lazy="joined")


class OfflineDocument(Base):
    """The copy of a document an officer made and printed on site, offline, and handed to
    the party (离线出具的文书): its exact HTML bytes are kept in the evidence store under
    their SHA-256 and the hash is on the case (audit ``document.offline_copy``), beside the
    sealed document the server then issued under the same number, so a court sees both."""

    __tablename__ = "offline_document"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)  # made on the phone
    case_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("enforcement_case.id"), index=True)
    reservation_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("document_reservation.id"))
    kind: Mapped[str] = mapped_column(sa.String(32))
    sha256: Mapped[str] = mapped_column(sa.String(64))
    size: Mapped[int]
    paper: Mapped[str] = mapped_column(sa.String(8))
    printed_at: Mapped[dt.datetime]  # the phone's clock, as it printed
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    device_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("device.id"))
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # The sealed document issued under its number; the first copy's, for a second copy.
    document_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("issued_document.id"))

    reservation: Mapped[DocumentReservation] = relationship(lazy="joined")
