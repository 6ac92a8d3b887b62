"""Clues (线索): what a grid worker or officer saw, where, and whether he dissuaded it."""

from __future__ import annotations

import datetime as dt
import enum
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.core.db import Base, Synced, utcnow
from sync.workflow import WORKFLOW


class ClueStatus(enum.StrEnum):
    REPORTED = "reported"  # 已上报, waiting for the command room
    ACCEPTED = "accepted"  # 已受理
    REJECTED = "rejected"  # 不予受理
    DUPLICATE = "duplicate"  # 重复线索
    ASSIGNED = "assigned"  # 已交办
    IN_PROGRESS = "in_progress"  # 处置中 (an officer took it)
    HANDLED = "handled"  # 已处置, waiting for the dispatcher to close
    CLOSED = "closed"  # 已办结, feedback given
    WITHDRAWN = "withdrawn"  # 已撤回 by the reporter before acceptance (a tombstone)
    TRANSFERRED = "transferred"  # 已移送 to the department that holds the matter
    TRANSFER_ACCEPTED = "transfer_accepted"  # 部门已受理: it opened its own case
    TRANSFER_DISPUTED = "transfer_disputed"  # 部门退回, the county command centre arbitrates
    TRANSFER_CONCLUDED = "transfer_concluded"  # 部门已办结: its result is the feedback


class DissuasionResult(enum.StrEnum):
    STOPPED = "stopped"  # 劝阻有效, the violator stopped
    REFUSED = "refused"  # 拒不听从
    NOBODY_PRESENT = "nobody_present"  # 现场无人


# What the closed loop's dashboard counts of each clue (server.console.dashboard).
LOOP_FIGURES = (
    "status",
    "responded_at",
    "handled_at",
    "deadline",
    "rating",
    "dissuasion_result",
    "taken_by",
    "matter_id",
)


# A clue with its deadline running (the workflow's clock: 已交办, 处置中), as SQL text: the
# partial index below serves only a query that says the same (SQLite wants the very terms,
# not parameters). Migration 0008 wrote it as it was then.
OPEN_CLUE = sa.text(
    "status IN ({})".format(
        ", ".join(f"'{s}'" for s in WORKFLOW["clue"]["clocks"]["deadline"]["running"])
    )
)


TRANSFERRED = sa.text("transferred_to_id IS NOT NULL")


class Clue(Synced, Base):
    __tablename__ = "clue"
    __table_args__ = (
        sa.CheckConstraint("lat BETWEEN -90 AND 90", name="lat_range"),
        sa.CheckConstraint("lng BETWEEN -180 AND 180", name="lng_range"),
        sa.CheckConstraint("accuracy_m >= 0", name="accuracy_positive"),
        sa.CheckConstraint(
            "location_source IN ('gps', 'map', 'address')", name="location_source_known"
        ),
        # Coordinates, all of them, unless the report has an address only (sync.place).
        sa.CheckConstraint(
            "(location_source = 'address') = (lat IS NULL AND lng IS NULL AND accuracy_m IS NULL"
            " AND fix_time IS NULL AND geo_cell IS NULL)",
            name="location_or_address",
        ),
        sa.CheckConstraint(
            sa.column("status").in_([s.value for s in ClueStatus]), name="status_known"
        ),
        sa.CheckConstraint(
            sa.or_(
                sa.column("dissuasion_result").is_(None),
                sa.column("dissuasion_result").in_([r.value for r in DissuasionResult]),
            ),
            name="dissuasion_result_known",
        ),
        sa.CheckConstraint("version >= 1", name="version_positive"),
        # R8's neighbour search: same matter, the cells around a point.
        sa.Index("ix_clue_matter_cell", "matter_id", "geo_cell"),
        # A unit's clues reported in a period, with every column the dashboard and the
        # indicators count, so they read the index alone: a township's clues are spread
        # over every page of the table, a county's three years are a million of them.
        sa.Index("ix_clue_unit_created", "unit_id", "created_at", *LOOP_FIGURES),
        # The open ones alone, which the dashboard counts as of the hour of asking (what is
        # overdue changes with the clock, so it is never rolled up).
        sa.Index(
            "ix_clue_open",
            "unit_id",
            "created_at",
            "deadline",
            "taken_by",
            "matter_id",
            postgresql_where=OPEN_CLUE,
            sqlite_where=OPEN_CLUE,
        ),
        # The pull: one range per visibility key (his grid's, his own, his department's),
        # in seq order, instead of every change in the county (server/sync_api/pull.py).
        sa.Index("ix_clue_unit_seq", "unit_id", "seq"),
        sa.Index("ix_clue_reporter_seq", "reporter_id", "seq"),
        sa.Index("ix_clue_transferred_seq", "transferred_to_id", "seq"),
        # The departments' board (server.console.departments): a unit's transfers in a
        # period, per department and status, from the index alone. Partial: transfers are
        # a few in a hundred clues.
        sa.Index(
            "ix_clue_transfers",
            "transferred_to_id",
            "created_at",
            "unit_id",
            "status",
            postgresql_where=TRANSFERRED,
            sqlite_where=TRANSFERRED,
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)  # made on the device
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)  # e.g. XS-331127101-2026-00042
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("admin_unit.id"))  # ix_clue_unit_created
    reporter_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    matter_id: Mapped[int] = mapped_column(sa.ForeignKey("matter.id"))  # ix_clue_matter_cell

    # WGS84 (the Tianditu base map is CGCS2000 ≈ WGS84: nothing is shifted to GCJ-02).
    # All None for a report with a written address only (sync.place: location_source).
    lat: Mapped[float | None] = mapped_column(sa.Float)
    lng: Mapped[float | None] = mapped_column(sa.Float)
    geo_cell: Mapped[int | None] = mapped_column(sa.BigInteger)  # sync.checks.geo_cell
    accuracy_m: Mapped[float | None] = mapped_column(sa.Float)
    fix_time: Mapped[dt.datetime | None]
    # gps / map (picked by hand) / address (无坐标, address only): sync.place.
    location_source: Mapped[str] = mapped_column(sa.String(8), default="gps", server_default="gps")
    address: Mapped[str] = mapped_column(sa.String(300), default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    # The reporter agreed to be rung by the officer handling it (his account's number);
    # None where the report did not say (an older app): kept as sent, so that the same
    # create sent again is the same content (R2), and read as no.
    call_back: Mapped[bool | None]

    # 劝阻记录
    dissuasion_done: Mapped[bool] = mapped_column(default=False)
    dissuasion_result: Mapped[str | None] = mapped_column(sa.String(20))
    dissuasion_at: Mapped[dt.datetime | None]

    status: Mapped[str] = mapped_column(sa.String(20), index=True)

    # Set by workflow transitions (sync.workflow): the loop discover → assign → handle →
    # feed back → evaluate.
    reject_reason: Mapped[str | None] = mapped_column(sa.Text)
    duplicate_of: Mapped[uuid.UUID | None]
    assignee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    deadline: Mapped[dt.datetime | None]
    taken_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    taken_at: Mapped[dt.datetime | None]
    handling_outcome: Mapped[str | None] = mapped_column(sa.String(32))
    handling_note: Mapped[str | None] = mapped_column(sa.Text)
    feedback: Mapped[str | None] = mapped_column(sa.Text)
    rating: Mapped[int | None]
    rating_comment: Mapped[str | None] = mapped_column(sa.Text)
    # 移送: the department the catalogue names for a matter the township holds no power for.
    transferred_to_id: Mapped[int | None] = mapped_column(sa.ForeignKey("department.id"))
    transfer_note: Mapped[str | None] = mapped_column(sa.Text)
    # The department's side (sync.workflow's clue): the case it opened, why it sent the
    # matter back and what the county decided then (争议协调), and what it did in the end.
    department_case_no: Mapped[str | None] = mapped_column(sa.String(64))
    transfer_returned_reason: Mapped[str | None] = mapped_column(sa.Text)
    arbitration_note: Mapped[str | None] = mapped_column(sa.Text)
    department_result: Mapped[str | None] = mapped_column(sa.Text)
    transfer_accepted_at: Mapped[dt.datetime | None]
    transfer_concluded_at: Mapped[dt.datetime | None]
    # What the command room asked for when it sent a handling report back (退回补充).
    return_comment: Mapped[str | None] = mapped_column(sa.Text)
    # Why the reporter withdrew it (撤回原因).
    withdraw_reason: Mapped[str | None] = mapped_column(sa.Text)
    # The closed loop's times, stamped by the server's clock as the transitions happen
    # (sync.workflow): the command room's answer (accept, reject, duplicate or transfer),
    # the officer's handling report, the closing.
    responded_at: Mapped[dt.datetime | None]
    handled_at: Mapped[dt.datetime | None]
    closed_at: Mapped[dt.datetime | None]
    # Per field: [version that last changed it, user who changed it] (three-way merge, R4).
    field_meta: Mapped[dict] = mapped_column(sa.JSON, default=dict, server_default=sa.text("'{}'"))

    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    unit = relationship("AdminUnit", lazy="joined")
    reporter = relationship("User", lazy="joined", foreign_keys=[reporter_id])
    matter = relationship("Matter", lazy="joined")
    transferred_to = relationship("Department")


class ClueNote(Synced, Base):
    """An append-only note on a clue (备注/劝阻/处置记录): never edited, never deleted (R3)."""

    __tablename__ = "clue_note"
    __table_args__ = (
        sa.CheckConstraint(
            sa.column("kind").in_(["note", "dissuasion", "handling"]), name="kind_known"
        ),
        # The pull of a user whose clues are few reads their notes since his cursor.
        sa.Index("ix_clue_note_clue_seq", "clue_id", "seq"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)  # made on the device
    clue_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("clue.id"), index=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    kind: Mapped[str] = mapped_column(sa.String(16))
    text: Mapped[str] = mapped_column(sa.Text)
    late: Mapped[bool] = mapped_column(default=False)  # written after the clue had closed

    clue = relationship(Clue, lazy="joined")


class ClueLink(Base):
    """Two clues the dispatcher should look at together (R8: a possible duplicate).
    Never merged automatically."""

    __tablename__ = "clue_link"

    clue_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("clue.id"), primary_key=True)
    other_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("clue.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(32), default="possible_duplicate")
    distance_m: Mapped[float] = mapped_column(sa.Float)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
