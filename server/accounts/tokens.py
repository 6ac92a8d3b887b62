"""Access tokens (short-lived JWT) and rotating refresh tokens bound to a device.

The JWT algorithm is pinned: a token whose header names another one (``none``, RS256 with
our secret as a "public key", …) is refused by PyJWT before its claims are read.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass

import jwt
import sqlalchemy as sa
from flask import current_app

from server.accounts.models import Device, RefreshToken, User
from server.core.db import db, utcnow

ALGORITHM = "HS256"


def device_keys(user: User, device: Device) -> list[dict[str, str]]:
    """The escrow keys of one account on one phone, one per escrow secret (``ESCROW_KEYS``,
    newest first), each with the secret's id: ``key`` is base64url, 32 bytes. The phone
    wraps the key its records are sealed under with the newest, notes its id, and forgets
    it: a person who forgot the passphrase logs in online and one of these keys, given only
    to a login or a refresh of that account on that device, opens the records again; the
    phone then wraps under the newest if it had not. Derived, so nothing is stored; a
    revoked device gets no login, hence no key. Never from SECRET_KEY itself: a new
    SECRET_KEY leaves them as they were (README, "A lost or stolen phone")."""
    message = b"fieldcase device vault key\0" + str(user.id).encode() + b"\0" + device.id.bytes
    keys = []
    for secret in current_app.config["ESCROW_KEYS"]:
        raw = secret.encode()
        digest = hmac.new(raw, message, hashlib.sha256).digest()
        keys.append(
            {
                "id": hmac.new(raw, b"fieldcase escrow secret id", hashlib.sha256).hexdigest()[:16],
                "key": base64.urlsafe_b64encode(digest).rstrip(b"=").decode(),
            }
        )
    return keys


class TokenError(Exception):
    """The token cannot be used; the message is safe to show."""


def issue_access_token(user: User, device: Device, session: uuid.UUID) -> tuple[str, int]:
    """An access token of one login (``session``: its refresh-token family), so that
    whatever ends the login (logout, a password change, disabling the user, revoking the
    device, a reused refresh token) ends the access token with it (``session_is_live``)."""
    ttl = current_app.config["ACCESS_TOKEN_TTL_SECONDS"]
    now = utcnow()
    claims = {
        "iss": current_app.config["JWT_ISSUER"],
        "aud": current_app.config["JWT_AUDIENCE"],
        "sub": str(user.id),
        "dev": str(device.id),
        "sid": str(session),
        "iat": now,
        "nbf": now,
        "exp": now + dt.timedelta(seconds=ttl),
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, current_app.config["SECRET_KEY"], algorithm=ALGORITHM), ttl


def decode_access_token(token: str) -> dict:
    try:
        return jwt.decode(
            token,
            current_app.config["SECRET_KEY"],
            algorithms=[ALGORITHM],
            audience=current_app.config["JWT_AUDIENCE"],
            issuer=current_app.config["JWT_ISSUER"],
            options={"require": ["exp", "iat", "iss", "aud", "sub", "dev", "sid"]},
            leeway=5,
        )
    except jwt.ExpiredSignatureError as exc:
        raise TokenError("token expired") from exc
    except jwt.InvalidTokenError as exc:
        raise TokenError("invalid token") from exc


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_refresh_token(user: User, device: Device, family: uuid.UUID) -> str:
    """A refresh token of the login ``family`` (a new login: ``new_session()``)."""
    token = secrets.token_urlsafe(32)
    days = current_app.config["REFRESH_TOKEN_TTL_DAYS"]
    db.session.add(
        RefreshToken(
            token_hash=_digest(token),
            family=family,
            user_id=user.id,
            device_id=device.id,
            expires_at=utcnow() + dt.timedelta(days=days),
        )
    )
    return token


def new_session() -> uuid.UUID:
    return uuid.uuid4()


def session_is_live(session: uuid.UUID) -> sa.Exists:
    """Whether the login ``session`` still has a token nobody revoked: everything that ends
    a login revokes its refresh tokens, so this one check ends its access tokens too. An
    expression: the caller reads it with the user and the device, in one round trip."""
    return sa.exists().where(RefreshToken.family == session, RefreshToken.revoked_at.is_(None))


@dataclass
class Rotation:
    user: User
    device: Device
    session: uuid.UUID
    refresh_token: str


def revoke_family(family: uuid.UUID) -> None:
    db.session.execute(
        sa.update(RefreshToken)
        .where(RefreshToken.family == family, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def _family_has(family: uuid.UUID, *where) -> bool:
    return db.session.execute(
        sa.select(sa.exists().where(RefreshToken.family == family, *where))
    ).scalar_one()


def rotate_refresh_token(token: str) -> Rotation:
    """Use a refresh token once and hand out its successor.

    The answer to a refresh can be lost on the way back (a phone in the hills, a cut
    connection), leaving the phone with the spent token. Presenting it again is taken as a
    retry for as long as its successor has never been used: the successor, which nobody
    received, is retired and a new one handed out (the "grace" of Auth0's reuse interval and
    Ory Hydra's grace period, bounded by use instead of by time).

    Two holders of one login are still caught, whoever comes second: a spent token whose
    successor has been used, or a retired token (its family lives on without it), revokes
    the whole family. Raises TokenError for those, for an unknown, expired or revoked token,
    a disabled user or a revoked device. The caller commits either way.
    """
    row = db.session.execute(
        sa.select(RefreshToken).where(RefreshToken.token_hash == _digest(token)).with_for_update()
    ).scalar_one_or_none()
    if row is None:
        raise TokenError("invalid refresh token")
    now = utcnow()
    later = RefreshToken.id > row.id  # the family is a chain: successors come later
    if row.used_at is not None and _family_has(
        row.family, later, RefreshToken.used_at.is_not(None)
    ):
        revoke_family(row.family)
        raise TokenError("refresh token reused; all sessions of this login are revoked")
    if row.revoked_at is not None:
        if _family_has(row.family, RefreshToken.revoked_at.is_(None)):
            revoke_family(row.family)  # retired by a retry that was not this holder's
            raise TokenError("refresh token reused; all sessions of this login are revoked")
        raise TokenError("refresh token revoked")
    if row.expires_at <= now:
        raise TokenError("refresh token expired")
    user = db.session.get(User, row.user_id)
    device = db.session.get(Device, row.device_id)
    if user is None or not user.active:
        revoke_family(row.family)
        raise TokenError("account disabled")
    if device is None or device.revoked:
        revoke_family(row.family)
        raise TokenError("device revoked")
    if row.used_at is None:
        row.used_at = now
    else:  # a retry: its successor's answer never arrived
        db.session.execute(
            sa.update(RefreshToken)
            .where(RefreshToken.family == row.family, later, RefreshToken.revoked_at.is_(None))
            .values(revoked_at=now)
        )
    device.last_seen_at = now
    return Rotation(user, device, row.family, issue_refresh_token(user, device, row.family))


def revoke_device_tokens(device_id: uuid.UUID) -> None:
    db.session.execute(
        sa.update(RefreshToken)
        .where(RefreshToken.device_id == device_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def revoke_user_tokens(user_id: int) -> None:
    db.session.execute(
        sa.update(RefreshToken)
        .where(RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
