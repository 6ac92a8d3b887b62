"""Evidence records, the files they name, and uploads in progress."""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.core.db import Base, Synced, utcnow
from sync.workflow.evidence import EVIDENCE_KINDS

TIERS = ("original", "copy")
ONE_PARENT = (
    "(CASE WHEN clue_id IS NULL THEN 0 ELSE 1 END)"
    " + (CASE WHEN visit_record_id IS NULL THEN 0 ELSE 1 END)"
    " + (CASE WHEN import_unit_id IS NULL THEN 0 ELSE 1 END) = 1"
)


class Evidence(Synced, Base):
    """A piece of evidence (证据) on a clue: append-only (R3), excluded but never deleted
    (R10). It names its files by SHA-256; ``<tier>_at`` is when the server confirmed it
    holds that file, verified, so the device keeps a photo until then.

    A visit's photo (``VisitPhoto``) is a row of the same table hanging from a visit's
    record instead: one file pipeline (upload, checks, copies) for both, each parent's
    jurisdiction rule and pull its own."""

    __tablename__ = "evidence"
    __table_args__ = (
        sa.CheckConstraint(sa.column("status").in_(["included", "excluded"]), name="status_known"),
        sa.CheckConstraint(sa.column("kind").in_(EVIDENCE_KINDS), name="kind_known"),
        # The pull of a user whose clues are few reads their evidence since his cursor.
        sa.Index("ix_evidence_clue_seq", "clue_id", "seq"),
        # The pull of the pair drawn for a visit reads its photos since his cursor.
        sa.Index("ix_evidence_visit_record_seq", "visit_record_id", "seq"),
        # A clue's evidence, a visit's photo or a township's import: exactly one parent.
        sa.CheckConstraint(ONE_PARENT, name="one_parent"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)  # made on the device
    clue_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("clue.id"), index=True)
    visit_record_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("visit_record.id"))
    # A body camera's file imported at the desk: the township whose import inbox holds it.
    import_unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("admin_unit.id"), index=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))  # the capturer
    kind: Mapped[str] = mapped_column(sa.String(16))
    original_sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    original_size: Mapped[int] = mapped_column(sa.BigInteger)
    original_media_type: Mapped[str] = mapped_column(sa.String(32))
    original_at: Mapped[dt.datetime | None]
    copy_sha256: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    copy_size: Mapped[int | None] = mapped_column(sa.BigInteger)
    copy_media_type: Mapped[str | None] = mapped_column(sa.String(32))
    copy_at: Mapped[dt.datetime | None]
    captured_at: Mapped[dt.datetime]  # the device's clock at capture: recorded, not trusted
    lat: Mapped[float | None] = mapped_column(sa.Float)
    lng: Mapped[float | None] = mapped_column(sa.Float)
    accuracy_m: Mapped[float | None] = mapped_column(sa.Float)
    fix_time: Mapped[dt.datetime | None]
    note: Mapped[str | None] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(16), default="included")
    exclude_reason: Mapped[str | None] = mapped_column(sa.Text)
    excluded_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    excluded_at: Mapped[dt.datetime | None]
    # Where the photo's own EXIF disagrees with what the device declared (time, place).
    disagreements: Mapped[list] = mapped_column(sa.JSON, default=list)
    late: Mapped[bool] = mapped_column(default=False)  # appended after the clue had closed
    field_meta: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    clue = relationship("Clue", lazy="joined")

    # Which parent a row hangs from, read from the row itself: loading by id (an upload, a
    # file asked for) gives a ``VisitPhoto`` for a visit's photo.
    __mapper_args__ = {
        "polymorphic_on": sa.case(
            (visit_record_id.is_not(None), "visit"),
            (import_unit_id.is_not(None), "import"),
            else_="clue",
        ),
        "polymorphic_identity": "clue",
    }

    def parent_reference(self) -> tuple[str, str, str]:
        """What a printed photo and a file's name call the record it hangs from: the
        number's name, the number, the place in words."""
        return "线索编号", self.clue.code, self.clue.address or ""

    def tier(self) -> str:
        """Which file the server holds: the original, only the compressed copy, or none."""
        if self.original_at is not None:
            return "original"
        return "copy" if self.copy_at is not None else "none"


class VisitPhoto(Evidence):
    """A photo taken at an inspection visit (检查记录 needs 全过程记录), hanging from the
    visit's record: seen by whoever sees that record (``server.accounts.jurisdiction``)."""

    __mapper_args__ = {"polymorphic_identity": "visit"}

    visit_record = relationship("VisitRecord", lazy="joined")

    def parent_reference(self) -> tuple[str, str, str]:
        visit = self.visit_record.visit
        return "检查任务", f"visit-{visit.id}", visit.object.address


class ImportedVideo(Evidence):
    """A body camera's file (执法记录仪) imported at the desk into its township's import
    inbox (``import_unit_id``), seen by the staff of that township (and the county above);
    its author is the person who imported it. What the file says of its own recording is in
    its ``BodycamImport``; the ranges of it linked to cases are ``CaseClip``s."""

    __mapper_args__ = {"polymorphic_identity": "import"}

    imported = relationship("BodycamImport", lazy="joined", uselist=False)
    import_unit = relationship("AdminUnit", lazy="joined")

    def parent_reference(self) -> tuple[str, str, str]:
        name = self.imported.file_name if self.imported else ""
        return "执法记录仪", f"import-{str(self.id)[:8]}", name


class BodycamImport(Base):
    """What is known of an imported body-camera file besides its bytes: the name it had, who
    imported it and when (the server's clock), and, once the file is verified, when and on
    which camera it was recorded (``sync.bodycam.origin``), with where each fact was read.
    The recording's time and the import's time are two columns, never one."""

    __tablename__ = "bodycam_import"

    evidence_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("evidence.id"), primary_key=True)
    file_name: Mapped[str] = mapped_column(sa.String(255))
    imported_by: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    imported_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    recorded_at: Mapped[dt.datetime | None]
    recorded_at_source: Mapped[str | None] = mapped_column(sa.String(16))
    device: Mapped[str | None] = mapped_column(sa.String(120))
    device_source: Mapped[str | None] = mapped_column(sa.String(16))
    # What the container and the file name each said, and where they disagree.
    origin: Mapped[dict] = mapped_column(sa.JSON, default=dict)


class CaseClip(Base):
    """A range of an imported clip linked to a case (关联到案件): several ranges of one clip
    may go to several cases; a link is never edited, and each is in the audit log."""

    __tablename__ = "case_clip"
    __table_args__ = (
        sa.CheckConstraint("start_ms >= 0 AND start_ms < end_ms", name="range_ordered"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    evidence_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("evidence.id"), index=True)
    case_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("enforcement_case.id"), index=True)
    start_ms: Mapped[int] = mapped_column(sa.BigInteger)
    end_ms: Mapped[int] = mapped_column(sa.BigInteger)
    linked_by: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    linked_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Blob(Base):
    """A file the evidence store holds, named by the SHA-256 of its bytes, which are never
    changed. What Pillow found in it is kept with it."""

    __tablename__ = "evidence_blob"

    sha256: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    size: Mapped[int] = mapped_column(sa.BigInteger)
    media_type: Mapped[str] = mapped_column(sa.String(32))
    width: Mapped[int]
    height: Mapped[int]
    # EXIF facts: time, offset, GPS, orientation, camera; None where the file has none.
    exif: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    # A recording's length (server.evidence.media); None for a photo. Its picture size is
    # width × height (0 × 0 for sound).
    duration_ms: Mapped[int | None] = mapped_column(sa.BigInteger)
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    received_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))


class Upload(Base):
    """A resumable upload (tus 1.0) of one evidence file. The bytes received so far are
    pieces in the store (``uploads/<id>/<start>-<end>``); ``parts`` lists their ends, and
    ``offset`` moves only by a compare-and-set, so two connections racing on one upload
    cannot interleave their bytes."""

    __tablename__ = "evidence_upload"
    __table_args__ = (
        sa.CheckConstraint(sa.column("tier").in_(TIERS), name="tier_known"),
        sa.CheckConstraint("upload_offset <= length", name="offset_within_length"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    evidence_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("evidence.id"), index=True)
    tier: Mapped[str] = mapped_column(sa.String(16))
    sha256: Mapped[str] = mapped_column(sa.String(64))
    length: Mapped[int] = mapped_column(sa.BigInteger)
    offset: Mapped[int] = mapped_column("upload_offset", sa.BigInteger, default=0)
    parts: Mapped[list] = mapped_column(sa.JSON, default=list)
    metadata_raw: Mapped[str] = mapped_column(sa.String(2000), default="")
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    device_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("device.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(index=True)
    completed_at: Mapped[dt.datetime | None]
