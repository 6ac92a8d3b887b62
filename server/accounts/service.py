"""Account operations shared by the API, the CLI and the demo seed."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable

import sqlalchemy as sa
from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from server.accounts import tokens
from server.accounts.jurisdiction import unit_in_jurisdiction
from server.accounts.models import Device, Role, User, UserRole
from server.audit import chain as audit
from server.core.api import DomainError
from server.core.db import db, utcnow
from server.units.models import AdminUnit, Department

# Checked against when the username is unknown, so both failures take the same time.
_DUMMY_HASH = generate_password_hash("not a real password, only spends time")


def hash_password(password: str) -> str:
    # Tests may lower the work factor (PASSWORD_HASH_METHOD); production keeps scrypt's default.
    return generate_password_hash(
        password, method=current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    )


def unit_by_code(code: str, field: str = "unit_code", visible_to: User | None = None) -> AdminUnit:
    """The unit with this code; with ``visible_to``, one outside that user's jurisdiction
    answers exactly as an unknown code does (DESIGN §5: existence is never confirmed)."""
    unit = db.session.execute(
        sa.select(AdminUnit).where(AdminUnit.code == code)
    ).scalar_one_or_none()
    if unit is None or (visible_to is not None and not unit_in_jurisdiction(visible_to, unit)):
        raise DomainError(
            "unknown unit", code="unknown_unit", status=422, fields={field: ["no such unit"]}
        )
    return unit


def department_by_code(code: str) -> Department:
    dep = db.session.execute(
        sa.select(Department).where(Department.code == code)
    ).scalar_one_or_none()
    if dep is None:
        raise DomainError(
            "unknown department",
            code="unknown_department",
            status=422,
            fields={"department_code": ["no such department"]},
        )
    return dep


def create_user(
    *,
    username: str,
    display_name: str,
    password: str,
    unit: AdminUnit,
    roles: Iterable[str],
    department: Department | None = None,
    phone: str | None = None,
    dingtalk_userid: str | None = None,
    certificate_no: str | None = None,
    certificate_valid_from: dt.date | None = None,
    certificate_valid_until: dt.date | None = None,
    legal_qualification_no: str | None = None,
) -> User:
    if db.session.execute(
        sa.select(User.id).where(sa.func.lower(User.username) == username.lower())
    ).first():
        raise DomainError(
            "username taken",
            code="username_taken",
            status=409,
            fields={"username": ["already in use"]},
        )
    if (
        certificate_no
        and db.session.execute(
            sa.select(User.id).where(User.certificate_no == certificate_no)
        ).first()
    ):
        raise DomainError(
            "certificate registered",
            code="certificate_taken",
            status=409,
            fields={"certificate_no": ["already registered to another user"]},
        )
    user = User(
        username=username,
        display_name=display_name,
        password_hash=hash_password(password),
        unit=unit,
        department=department,
        phone=phone,
        dingtalk_userid=dingtalk_userid,
        certificate_no=certificate_no,
        certificate_valid_from=certificate_valid_from,
        certificate_valid_until=certificate_valid_until,
        legal_qualification_no=legal_qualification_no,
        role_rows=[UserRole(role=Role(r).value) for r in sorted(set(roles))],
    )
    db.session.add(user)
    db.session.flush()
    audit.record(
        "user.create",
        "user",
        user.id,
        {"username": username, "roles": sorted(set(roles)), "unit": unit.code},
    )
    return user


def set_roles(user: User, roles: Iterable[str]) -> None:
    wanted = {Role(r).value for r in roles}
    user.role_rows = [r for r in user.role_rows if r.role in wanted] + [
        UserRole(role=r) for r in sorted(wanted - {r.role for r in user.role_rows})
    ]


def set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    # Other sessions end; records queued on devices are untouched (they sync after login).
    tokens.revoke_user_tokens(user.id)


def disable(user: User) -> None:
    user.active = False
    tokens.revoke_user_tokens(user.id)


def authenticate_password(username: str, password: str) -> User | None:
    user = (
        db.session.execute(
            sa.select(User).where(sa.func.lower(User.username) == username.strip().lower())
        )
        .unique()
        .scalar_one_or_none()
    )
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    return user


def register_device(user: User, device_id: uuid.UUID, name: str) -> Device:
    device = db.session.get(Device, device_id)
    if device is None:
        device = Device(id=device_id, user_id=user.id, name=name or "未命名终端")
        db.session.add(device)
        db.session.flush()
        audit.record(
            "device.register",
            "device",
            device.id,
            {"name": device.name},
            actor_id=user.id,
            device_id=device.id,
        )
    elif device.user_id != user.id:
        raise DomainError(
            "this device is registered to another user",
            code="device_taken",
            status=409,
            fields={"device_id": ["registered to another user"]},
        )
    elif device.revoked:
        raise DomainError(
            "this device has been revoked",
            code="device_revoked",
            status=403,
            fields={"device_id": ["revoked"]},
        )
    device.last_seen_at = utcnow()
    return device


def revoke_device(device: Device, by: User) -> None:
    if device.revoked_at is None:
        device.revoked_at = utcnow()
        device.revoked_by_id = by.id
    tokens.revoke_device_tokens(device.id)
    audit.record("device.revoke", "device", device.id, {"user_id": device.user_id})
