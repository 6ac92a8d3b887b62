"""The audit log (审计日志): append-only and hash-chained, one chain per township and the
county's (``server.audit.chain`` says why).

Each entry carries the hash of the one before it in its chain, and its own hash covers every
field, so editing, deleting or reordering any entry breaks its chain from that point on.
"""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from server.core.db import Base


class AuditEntry(Base):
    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(
        sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True
    )
    chain: Mapped[str] = mapped_column(sa.String(32))  # a township's code, or "county"
    seq: Mapped[int] = mapped_column(sa.BigInteger)  # its place in its chain, from 1
    at: Mapped[dt.datetime]
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    device_id: Mapped[uuid.UUID | None]
    action: Mapped[str] = mapped_column(sa.String(64), index=True)
    record_type: Mapped[str | None] = mapped_column(sa.String(32))
    record_id: Mapped[str | None] = mapped_column(sa.String(64))
    detail: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    ip: Mapped[str | None] = mapped_column(sa.String(64))
    prev_hash: Mapped[str] = mapped_column(sa.String(64))
    hash: Mapped[str] = mapped_column(sa.String(64), unique=True)

    __table_args__ = (
        sa.Index("ix_audit_entry_record", "record_type", "record_id"),
        sa.UniqueConstraint("chain", "seq"),
    )


class AuditHead(Base):
    """A chain's tip, one row a chain; locking it serialises appends to that chain."""

    __tablename__ = "audit_head"

    chain: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    seq: Mapped[int] = mapped_column(sa.BigInteger)
    hash: Mapped[str] = mapped_column(sa.String(64))


class AuditStamp(Base):
    """An RFC 3161 time stamp of a chain's entry (its head when stamped): the authority's
    token over the entry's hash, and the time it gives (server.audit.stamps)."""

    __tablename__ = "audit_stamp"
    __table_args__ = (sa.UniqueConstraint("chain", "seq", name="uq_audit_stamp_chain_seq"),)

    id: Mapped[int] = mapped_column(
        sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True
    )
    chain: Mapped[str] = mapped_column(sa.String(32))
    seq: Mapped[int] = mapped_column(sa.BigInteger)
    hash: Mapped[str] = mapped_column(sa.String(64))
    token: Mapped[bytes] = mapped_column(sa.LargeBinary)
    stamped_at: Mapped[dt.datetime]  # the authority's time, from the token
    received_at: Mapped[dt.datetime]
