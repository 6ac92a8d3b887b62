"""Who is calling: the bearer token on every API request, checked against the database so
that a disabled user, a revoked device or an ended login (logout, a password change) is shut
out at once, not when the token expires."""

from __future__ import annotations

import functools
import uuid

import sqlalchemy as sa
from flask import g, request
from flask_smorest import abort
from sqlalchemy import orm

from server.accounts.models import Device, Role, User
from server.accounts.tokens import TokenError, decode_access_token, session_is_live
from server.core.db import db

_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="fieldcase"'}


def _unauthorised(message: str):
    abort(401, message=message, headers=_CHALLENGE)


def authenticate() -> User:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        _unauthorised("login required")
    try:
        claims = decode_access_token(token.strip())
        user_id = int(claims["sub"])
        device_id = uuid.UUID(claims["dev"])
        session = uuid.UUID(claims["sid"])
    except TokenError as exc:
        _unauthorised(str(exc))
    except (ValueError, TypeError, AttributeError):
        _unauthorised("invalid token")
    if not 0 < user_id < 2**31:
        _unauthorised("invalid token")
    user, device, live = _caller(user_id, device_id, session)
    if user is None or not user.active:
        _unauthorised("account disabled")
    if device is None or device.revoked or device.user_id != user.id:
        _unauthorised("device revoked")
    if not live:
        _unauthorised("this login has ended; log in again")
    g.user, g.device = user, device
    return user


def _caller(
    user_id: int, device_id: uuid.UUID, session: uuid.UUID
) -> tuple[User | None, Device | None, bool]:
    """The user (his unit and roles loaded), the device and whether the login is live, read
    fresh in one statement: every API request asks, and on PostgreSQL the four statements
    it took (user, roles, device, login) were four round trips, most of the database time
    of a pull's page."""
    row = (
        db.session.execute(
            sa.select(User, Device, session_is_live(session))
            .outerjoin(Device, Device.id == device_id)
            .where(User.id == user_id)
            .options(orm.joinedload(User.role_rows))
        )
        .unique()
        .first()
    )
    return (None, None, False) if row is None else tuple(row)


def login_required(view=None, *, roles: tuple[Role, ...] = ()):
    """Require a valid access token; with ``roles``, require one of them (else 403)."""

    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            user = authenticate()
            if roles and not user.has_role(*roles):
                abort(403, message="your role may not do this")
            return fn(*args, **kwargs)

        # Lets the OpenAPI document and the access-matrix test see what each view needs.
        wrapper._fieldcase_roles = roles  # type: ignore[attr-defined]
        return wrapper

    return decorate(view) if view is not None else decorate


def current_user() -> User:
    return g.user
