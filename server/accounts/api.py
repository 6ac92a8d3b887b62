"""Login, token refresh, the current user, accounts and devices."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from flask import current_app
from flask_smorest import Blueprint, abort

from server.accounts import service, signing, tokens
from server.accounts.auth import current_user, login_required
from server.accounts.jurisdiction import get_visible_or_404, scoped
from server.accounts.models import Device, Role, User
from server.accounts.schemas import (
    DeviceSchema,
    LoginSchema,
    RefreshSchema,
    SigningKeySchema,
    SigningKeyUploadSchema,
    TokenSchema,
    UserCreateSchema,
    UserSchema,
    UserUpdateSchema,
)
from server.audit import chain as audit
from server.core import metrics
from server.core.api import BEARER
from server.core.db import db, utcnow
from server.core.limits import (
    limiter,
    login_ip_limit,
    login_user_limit,
    login_username,
    passphrase_guess_limit,
    signing_key_target,
    wrong_passphrase,
)
from server.core.schemas import paginate

blp = Blueprint("accounts", __name__, description="Login, accounts and devices")
# The id column is a 32-bit integer.
_MAX_USER_ID = 2**31 - 1


def _visible_user_or_404(user_id: int) -> User:
    # An id the column cannot hold is no user: 404, not a database error (it was a 500).
    if not 0 < user_id <= _MAX_USER_ID:
        abort(404, message="user not found")
    return get_visible_or_404(User, user_id, current_user())


def _token_response(user: User, device: Device, session: uuid.UUID, refresh_token: str) -> dict:
    access, ttl = tokens.issue_access_token(user, device, session)
    return {
        "access_token": access,
        "token_type": "Bearer",
        "expires_in": ttl,
        "refresh_token": refresh_token,
        "refresh_expires_in": current_app.config["REFRESH_TOKEN_TTL_DAYS"] * 86400,
        # The newest alone as well, for a phone whose app predates escrow rotation.
        "device_key": (keys := tokens.device_keys(user, device))[0]["key"],
        "device_keys": keys,
        "user": user,
    }


@blp.route("/auth/login", methods=["POST"])
@limiter.limit(login_ip_limit, on_breach=metrics.login_limited)
@limiter.limit(login_user_limit, key_func=login_username, on_breach=metrics.login_limited)
@blp.arguments(LoginSchema)
@blp.response(200, TokenSchema)
@blp.alt_response(401, description="Wrong username or password, or account disabled")
@blp.alt_response(429, description="Too many login attempts")
def login(args):
    """Log in with a password from a device; registers the device on first use."""
    user = service.authenticate_password(args["username"], args["password"])
    if user is None:
        audit.record(
            "auth.login_failed",
            "user",
            None,
            {"username": args["username"][:64]},
            device_id=args["device_id"],
        )
        db.session.commit()
        metrics.record_login("failed")
        abort(401, message="wrong username or password")
    device = service.register_device(user, args["device_id"], args["device_name"])
    session = tokens.new_session()
    refresh = tokens.issue_refresh_token(user, device, session)
    audit.record("auth.login", "user", user.id, actor_id=user.id, device_id=device.id)
    db.session.commit()
    metrics.record_login("ok")
    return _token_response(user, device, session, refresh)


@blp.route("/auth/refresh", methods=["POST"])
@limiter.limit(login_ip_limit)
@blp.arguments(RefreshSchema)
@blp.response(200, TokenSchema)
@blp.alt_response(401, description="Refresh token unknown, used, expired or revoked")
def refresh(args):
    """Trade a refresh token for a new access token and a new refresh token (rotation)."""
    try:
        rotation = tokens.rotate_refresh_token(args["refresh_token"])
    except tokens.TokenError as exc:
        db.session.commit()  # a reuse revokes the family: that must stick
        abort(401, message=str(exc))
    db.session.commit()
    return _token_response(rotation.user, rotation.device, rotation.session, rotation.refresh_token)


@blp.route("/auth/logout", methods=["POST"])
@login_required
@blp.arguments(RefreshSchema)
@blp.response(204)
@blp.doc(security=BEARER)
def logout(args):
    """End this login: its refresh token family is revoked."""
    row = db.session.execute(
        sa.select(tokens.RefreshToken).where(
            tokens.RefreshToken.token_hash == tokens._digest(args["refresh_token"]),
            tokens.RefreshToken.user_id == current_user().id,
        )
    ).scalar_one_or_none()
    if row is not None:
        tokens.revoke_family(row.family)
    audit.record("auth.logout", "user", current_user().id)
    db.session.commit()


@blp.route("/me")
@login_required
@blp.response(200, UserSchema)
@blp.doc(security=BEARER)
def me():
    """The logged-in user, his roles and his unit."""
    return current_user()


@blp.route("/users")
@login_required
@blp.response(200, UserSchema(many=True))
@blp.paginate()
@blp.doc(security=BEARER)
def list_users(pagination_parameters):
    """People in the caller's jurisdiction (supervisors and officers) or himself."""
    stmt = scoped(User, current_user()).order_by(User.id)
    return paginate(stmt, pagination_parameters)


@blp.route("/users/<int:user_id>")
@login_required
@blp.response(200, UserSchema)
@blp.doc(security=BEARER)
def get_user(user_id):
    return _visible_user_or_404(user_id)


def _unit_in_my_jurisdiction(code: str):
    """A unit outside the admin's jurisdiction answers exactly as one that does not exist."""
    return service.unit_by_code(code, visible_to=current_user())


@blp.route("/users", methods=["POST"])
@login_required(roles=(Role.ADMIN,))
@blp.arguments(UserCreateSchema)
@blp.response(201, UserSchema)
@blp.doc(security=BEARER)
def create_user(args):
    """Create an account in the admin's jurisdiction."""
    unit = _unit_in_my_jurisdiction(args.pop("unit_code"))
    dep_code = args.pop("department_code")
    department = service.department_by_code(dep_code) if dep_code else None
    user = service.create_user(unit=unit, department=department, **args)
    db.session.commit()
    return user


@blp.route("/users/<int:user_id>", methods=["PATCH"])
@login_required(roles=(Role.ADMIN,))
@blp.arguments(UserUpdateSchema)
@blp.response(200, UserSchema)
@blp.doc(security=BEARER)
def update_user(args, user_id):
    """Change an account: roles, unit, certificate, password; disable it."""
    admin = current_user()
    user = _visible_user_or_404(user_id)
    changed = sorted(args)
    if "unit_code" in args:
        user.unit = _unit_in_my_jurisdiction(args.pop("unit_code"))
    if "roles" in args:
        service.set_roles(user, args.pop("roles"))
    if "password" in args:
        service.set_password(user, args.pop("password"))
    if args.get("active") is False:
        if user.id == admin.id:
            abort(422, errors={"json": {"active": ["you cannot disable yourself"]}})
        service.disable(user)
    for field in (
        "display_name",
        "active",
        "phone",
        "dingtalk_userid",
        "certificate_no",
        "certificate_valid_from",
        "certificate_valid_until",
        "legal_qualification_no",
    ):
        if field in args:
            setattr(user, field, args[field])
    audit.record("user.update", "user", user.id, {"fields": changed})
    db.session.commit()
    return user


def _signing_key(user: User) -> dict:
    return {
        "user_id": user.id,
        "display_name": user.display_name,
        "certificate_no": user.certificate_no,
        "signing_certificate": signing.summary(user),
    }


@blp.route("/users/<int:user_id>/signing-key")
@login_required(roles=(Role.ADMIN,))
@blp.response(200, SigningKeySchema)
@blp.doc(security=BEARER)
def get_signing_key(user_id):
    """Whose signing key is on the account (subject, serial, issuer, validity, the 执法证号
    it names and whether it is the account's); none: he signs by hand."""
    return _signing_key(_visible_user_or_404(user_id))


@blp.route("/users/<int:user_id>/signing-key", methods=["PUT"])
@login_required(roles=(Role.ADMIN,))
@limiter.limit(passphrase_guess_limit, key_func=signing_key_target, deduct_when=wrong_passphrase)
@blp.arguments(SigningKeyUploadSchema)
@blp.response(200, SigningKeySchema)
@blp.alt_response(
    422, description="Not a PKCS#12 file, not his, or the passphrase does not open it"
)
@blp.alt_response(429, description="Too many wrong passphrases for this officer's key")
@blp.doc(security=BEARER)
def put_signing_key(args, user_id):
    """Put an officer's own signing key (the agency's CA's PKCS#12 file) on his account, as
    ``flask signing-key`` does: the passphrase he types opens it once to check it and is not
    kept. A key already there is replaced; both are in the audit log."""
    user = _visible_user_or_404(user_id)
    signing.enrol(user, args["p12"], args["passphrase"], utcnow())
    db.session.commit()
    return _signing_key(user)


@blp.route("/users/<int:user_id>/signing-key", methods=["DELETE"])
@login_required(roles=(Role.ADMIN,))
@blp.response(204)
@blp.doc(security=BEARER)
def delete_signing_key(user_id):
    """Take the officer's signing key off his account (audited): he then signs by hand.
    None there: nothing changes."""
    user = _visible_user_or_404(user_id)
    if signing.remove(user):
        db.session.commit()


@blp.route("/devices")
@login_required
@blp.response(200, DeviceSchema(many=True))
@blp.paginate()
@blp.doc(security=BEARER)
def list_devices(pagination_parameters):
    """The caller's devices; an admin sees those of his jurisdiction's people."""
    return paginate(
        scoped(Device, current_user()).order_by(Device.registered_at), pagination_parameters
    )


@blp.route("/devices/<uuid:device_id>/revoke", methods=["POST"])
@login_required
@blp.response(200, DeviceSchema)
@blp.doc(security=BEARER)
def revoke_device(device_id: uuid.UUID):
    """Revoke a lost or replaced device: its tokens stop working at once."""
    device = get_visible_or_404(Device, device_id, current_user())
    service.revoke_device(device, current_user())
    db.session.commit()
    return device
