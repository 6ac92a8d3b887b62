"""The notification outbox: one row a person and a thing to tell him."""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from server.core.db import Base, utcnow


class Notification(Base):
    """Written in the same transaction as the change it tells of (a rolled-back push leaves
    none), sent after commit; a sender that is down leaves it due again later
    (``next_attempt_at``, with back-off), never lost. ``next_attempt_at`` is None once it is
    sent or given up (``last_error`` says why)."""

    __tablename__ = "notification"
    __table_args__ = (sa.Index("ix_notification_due", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))  # task / answered / returned / case_step
    record_type: Mapped[str] = mapped_column(sa.String(32))
    record_id: Mapped[uuid.UUID]
    step: Mapped[str | None] = mapped_column(sa.String(64))
    text: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[dt.datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    sent_at: Mapped[dt.datetime | None]
    last_error: Mapped[str | None] = mapped_column(sa.String(300))
