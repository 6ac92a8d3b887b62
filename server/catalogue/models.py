"""The catalogue of enforcement matters (执法事项目录) and each township's empowered subset
(赋权清单). Empowerment is kept with its history: a grant is never deleted, only ended."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.core.db import Base, utcnow


class Matter(Base):
    __tablename__ = "matter"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    # What people call it (占道经营), for lists on a phone: the legal name is a sentence.
    short_name: Mapped[str | None] = mapped_column(sa.String(20))
    domain: Mapped[str] = mapped_column(sa.String(64), index=True)
    legal_basis: Mapped[str] = mapped_column(sa.Text)  # 违法依据: the provision violated
    # 处罚依据: the provision that sets the penalty; None where one text serves for both.
    penalty_basis: Mapped[str | None] = mapped_column(sa.Text)
    penalty_range: Mapped[str] = mapped_column(sa.Text, default="")
    summary_procedure_allowed: Mapped[bool] = mapped_column(default=False)
    # The published discretion standard (裁量基准, art. 34): [{"level", "condition",
    # "fine_fen": [min, max]}, …], in order; empty where none is published.
    discretion: Mapped[list] = mapped_column(sa.JSON, default=list, server_default=sa.text("'[]'"))
    # The county department that holds the power where a township was not given it.
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("department.id"))
    active: Mapped[bool] = mapped_column(default=True)

    department = relationship("Department")


class Empowerment(Base):
    __tablename__ = "empowerment"
    __table_args__ = (
        # At most one open grant per township and matter.
        sa.Index(
            "uq_empowerment_open",
            "unit_id",
            "matter_id",
            unique=True,
            sqlite_where=sa.text("revoked_at IS NULL"),
            postgresql_where=sa.text("revoked_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("admin_unit.id"), index=True)
    matter_id: Mapped[int] = mapped_column(sa.ForeignKey("matter.id"), index=True)
    granted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    granted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    revoked_at: Mapped[dt.datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))

    matter = relationship(Matter, lazy="joined")
    unit = relationship("AdminUnit")


class CalendarNotice(Base):
    """One year's working calendar as the State Council's notice (节假日安排) sets it: the
    weekdays off and the weekend days worked. A correction publishes a new notice and
    supersedes the old one, which is kept: the calendar any past count used can be read back."""

    __tablename__ = "calendar_notice"
    __table_args__ = (
        # At most one notice in force per year.
        sa.Index(
            "uq_calendar_notice_current",
            "year",
            unique=True,
            sqlite_where=sa.text("superseded_at IS NULL"),
            postgresql_where=sa.text("superseded_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    holidays: Mapped[list[str]] = mapped_column(sa.JSON)  # ISO days, sorted
    workdays: Mapped[list[str]] = mapped_column(sa.JSON)
    # The notice's title and number, e.g. 国务院办公厅关于2027年部分节假日安排的通知.
    source: Mapped[str] = mapped_column(sa.Text)
    published_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    superseded_at: Mapped[dt.datetime | None]
