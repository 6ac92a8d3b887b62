"""People, their roles and their devices (账号、角色、终端)."""

from __future__ import annotations

import datetime as dt
import enum
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.core.db import Base, utcnow


class Role(enum.StrEnum):
    GRID_WORKER = "grid_worker"  # 网格员: reports clues, no enforcement power
    OFFICER = "officer"  # 持证执法队员: handles tasks, secures evidence
    DISPATCHER = "dispatcher"  # 指挥室调度: accepts and assigns clues
    REVIEWER = "reviewer"  # 法制审核员: legal review
    LEADER = "leader"  # 队领导: approves decisions
    DEPARTMENT = "department"  # 县级部门: receives transfers and collaboration requests
    ADMIN = "admin"  # 系统管理员: accounts, units, catalogue


ROLE_VALUES = tuple(r.value for r in Role)


class User(Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(100))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("admin_unit.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("department.id"))
    phone: Mapped[str | None] = mapped_column(sa.String(32))
    # His DingTalk / 浙政钉 user id, where notifications go by work notice (server.notify).
    dingtalk_userid: Mapped[str | None] = mapped_column(sa.String(64))
    # 执法证: only officers hold one; validity matters on the day of each act.
    certificate_no: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    certificate_valid_from: Mapped[dt.date | None] = mapped_column(sa.Date)
    certificate_valid_until: Mapped[dt.date | None] = mapped_column(sa.Date)
    # His own signing key (server.accounts.signing): a PKCS#12 file the agency's CA issued
    # him, encrypted under a passphrase only he knows (never stored), and its certificate
    # (DER), readable without it to show whose it is.
    signing_p12: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    signing_certificate: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    # 法律职业资格证书: a legal reviewer's (行政处罚法 第五十八条).
    legal_qualification_no: Mapped[str | None] = mapped_column(sa.String(64))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    password_changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    unit = relationship("AdminUnit", lazy="joined")
    department = relationship("Department")
    role_rows: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(Role(r.role) for r in self.role_rows)

    def has_role(self, *roles: Role) -> bool:
        return not self.roles.isdisjoint(roles)

    def certificate_valid_on(self, day: dt.date) -> bool:
        return bool(
            self.certificate_no
            and self.certificate_valid_from
            and self.certificate_valid_until
            and self.certificate_valid_from <= day <= self.certificate_valid_until
        )


class UserRole(Base):
    __tablename__ = "user_role"
    __table_args__ = (sa.CheckConstraint(sa.column("role").in_(ROLE_VALUES), name="role_known"),)

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    user: Mapped[User] = relationship(back_populates="role_rows")


class Device(Base):
    """A registered handheld (终端), bound to one user; revoking it ends its sessions."""

    __tablename__ = "device"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)  # made on the device
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    registered_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))

    user = relationship(User, foreign_keys=[user_id])

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


class RefreshToken(Base):
    """One link of a rotating refresh-token family. Only the token's hash is stored.

    A token is used once; using it again means it was copied, and the whole family
    (every token descended from the same login) is revoked.
    """

    __tablename__ = "refresh_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    family: Mapped[uuid.UUID] = mapped_column(index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    device_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("device.id"), index=True)
    issued_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    used_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]
