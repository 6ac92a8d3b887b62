"""The sync server's own records: the mutation log (R1) and open conflicts (R4, R6)."""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from server.core.db import Base, utcnow


class SyncMutation(Base):
    """Every mutation a device pushed, with the answer it got, kept for good.

    Its id is the device's mutation id, so a replay finds the first answer (R1) and two
    concurrent pushes of one mutation cannot both insert it. The payload is kept whatever the
    outcome: a rejected or conflicting mutation loses nothing a field worker recorded.
    """

    __tablename__ = "sync_mutation"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    device_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("device.id"), index=True)
    record_type: Mapped[str] = mapped_column(sa.String(32))
    record_id: Mapped[uuid.UUID] = mapped_column(index=True)
    # The record a child hangs from, as the device named it: a child that came before its
    # parent waits by it, and a later refusal knows the author wrote to that parent (R3).
    parent_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    op: Mapped[str] = mapped_column(sa.String(16))
    base_version: Mapped[int | None]
    payload: Mapped[dict] = mapped_column(sa.JSON)
    device_time: Mapped[dt.datetime | None]
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    outcome: Mapped[str] = mapped_column(sa.String(16), index=True)
    reason: Mapped[str | None] = mapped_column(sa.String(64))
    result: Mapped[dict] = mapped_column(sa.JSON)


class SyncConflict(Base):
    """A value the rules kept aside: the server's stands, the device's waits here for a
    person. Synced to the devices concerned like any record; resolved by a mutation."""

    __tablename__ = "sync_conflict"
    __table_args__ = (
        sa.CheckConstraint(sa.column("status").in_(["open", "resolved"]), name="status_known"),
        # The pull: a user's own conflicts, and his units' for a supervisor.
        sa.Index("ix_sync_conflict_device_by_seq", "device_by", "seq"),
        sa.Index("ix_sync_conflict_unit_seq", "unit_id", "seq"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    record_type: Mapped[str] = mapped_column(sa.String(32))
    record_id: Mapped[uuid.UUID] = mapped_column(index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("admin_unit.id"), index=True)
    field: Mapped[str] = mapped_column(sa.String(64))
    reason: Mapped[str] = mapped_column(sa.String(32))
    server_value: Mapped[dict | list | str | int | float | bool | None] = mapped_column(sa.JSON)
    server_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    device_value: Mapped[dict | list | str | int | float | bool | None] = mapped_column(sa.JSON)
    device_by: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    mutation_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("sync_mutation.id"))
    status: Mapped[str] = mapped_column(sa.String(16), default="open", index=True)
    kept: Mapped[str | None] = mapped_column(sa.String(16))
    resolved_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    resolved_at: Mapped[dt.datetime | None]
    version: Mapped[int] = mapped_column(default=1)
    seq: Mapped[int] = mapped_column(sa.BigInteger, index=True)
    field_meta: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class SyncWaiting(Base):
    """A child that reached the server before its parent (R3): its mutation is in the log,
    answered ``waiting``; it is applied, and its log answer replaced, when the parent is
    created, whoever creates it. It is applied with the rights its author had when he sent
    it (R3: he may have been moved since), kept here; rows from before they were kept are
    applied with his current rights."""

    __tablename__ = "sync_waiting"

    mutation_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("sync_mutation.id"), primary_key=True
    )
    parent_type: Mapped[str] = mapped_column(sa.String(32))
    parent_id: Mapped[uuid.UUID] = mapped_column(index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    author_roles: Mapped[list | None] = mapped_column(sa.JSON, nullable=True)
    author_unit_path: Mapped[str | None] = mapped_column(sa.String(255), nullable=True)


class SyncDeparture(Base):
    """A record that left some users' view (R11, ``sync.views``): the view field a write
    changed and the value it took away. It has its place in the change feed like any
    change; a user who saw the record by that value and no longer sees it pulls it as
    tombstones for the record and its children. Kept for good, like the mutation log: a
    phone that comes back after months still learns what it must drop."""

    __tablename__ = "sync_departure"
    __table_args__ = (
        # The pull: the departures of the value a user sees by, after his cursor.
        sa.Index("ix_sync_departure_field_value_seq", "field", "value", "seq"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    record_type: Mapped[str] = mapped_column(sa.String(32))
    record_id: Mapped[uuid.UUID] = mapped_column(index=True)
    field: Mapped[str] = mapped_column(sa.String(64))
    value: Mapped[str] = mapped_column(sa.String(64))
    seq: Mapped[int] = mapped_column(sa.BigInteger, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
