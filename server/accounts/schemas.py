from __future__ import annotations

import base64
import binascii

import marshmallow as ma
from marshmallow import validate
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from server.accounts.models import ROLE_VALUES
from server.core.schemas import StrictSchema, Text

# The 30,000 commonest passwords of real leaks (zxcvbn's list, from Xato's 10 million):
# NIST SP 800-63B (5.1.1.2) asks that a new password be checked against such a list.
_COMMON_PASSWORDS = frozenset(FREQUENCY_LISTS["passwords"])


def _not_common(value: str) -> None:
    if value.lower() in _COMMON_PASSWORDS:
        raise ma.ValidationError("one of the commonest passwords: choose another")


NEW_PASSWORD = [validate.Length(min=10, max=256), _not_common]


class LoginSchema(StrictSchema):
    username = Text(required=True, validate=validate.Length(min=1, max=64))
    password = ma.fields.String(
        required=True, load_only=True, validate=validate.Length(min=1, max=256)
    )
    device_id = ma.fields.UUID(
        required=True, metadata={"description": "UUID made by the device when first installed"}
    )
    device_name = Text(load_default="", validate=validate.Length(max=100))


class RefreshSchema(StrictSchema):
    refresh_token = ma.fields.String(required=True, validate=validate.Length(min=16, max=200))


class UnitRefSchema(ma.Schema):
    code = ma.fields.String()
    name = ma.fields.String()
    level = ma.fields.String()
    path = ma.fields.String()


class UserSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    username = ma.fields.String()
    display_name = ma.fields.String()
    roles = ma.fields.Method("_roles")
    unit = ma.fields.Nested(UnitRefSchema)
    department = ma.fields.Pluck("DepartmentRefSchema", "code", allow_none=True)
    certificate_no = ma.fields.String(allow_none=True)
    certificate_valid_from = ma.fields.Date(allow_none=True)
    certificate_valid_until = ma.fields.Date(allow_none=True)
    legal_qualification_no = ma.fields.String(allow_none=True)
    active = ma.fields.Boolean()
    # His own signing certificate (server.accounts.signing), whose data his signature shows;
    # null: he signs by hand. The key itself is never given out.
    signing_certificate = ma.fields.Method("_signing_certificate", allow_none=True)

    def _roles(self, user):
        return sorted(user.roles)

    def _signing_certificate(self, user):
        from server.accounts.signing import summary

        return summary(user)


class DepartmentRefSchema(ma.Schema):
    code = ma.fields.String()
    name = ma.fields.String()


class EscrowKeySchema(ma.Schema):
    id = ma.fields.String(required=True, metadata={"description": "the escrow secret's id"})
    key = ma.fields.String(required=True, metadata={"description": "base64url, 32 bytes"})


class TokenSchema(ma.Schema):
    access_token = ma.fields.String(required=True)
    token_type = ma.fields.String(required=True)
    expires_in = ma.fields.Integer(required=True, metadata={"description": "seconds"})
    refresh_token = ma.fields.String(required=True)
    refresh_expires_in = ma.fields.Integer(required=True, metadata={"description": "seconds"})
    device_key = ma.fields.String(
        required=True,
        metadata={
            "description": "base64url, 32 bytes: the phone wraps its data key under it so "
            "that records sealed under a forgotten PIN open again at the next login"
        },
    )
    device_keys = ma.fields.List(
        ma.fields.Nested(EscrowKeySchema),
        required=True,
        metadata={
            "description": "the same, one per escrow secret the server holds, newest first "
            "(``device_key`` is the first): the phone wraps under the newest, and any opens"
        },
    )
    user = ma.fields.Nested(UserSchema, required=True)


class UserCreateSchema(StrictSchema):
    username = Text(
        required=True,
        validate=[
            validate.Length(min=2, max=64),
            validate.Regexp(r"^[A-Za-z0-9_.-]+\Z", error="letters, digits, _ . - only"),
        ],
    )
    display_name = Text(required=True, validate=validate.Length(min=1, max=100))
    password = ma.fields.String(required=True, load_only=True, validate=NEW_PASSWORD)
    unit_code = Text(required=True, validate=validate.Length(min=1, max=32))
    department_code = Text(load_default=None, allow_none=True)
    roles = ma.fields.List(
        ma.fields.String(validate=validate.OneOf(ROLE_VALUES)),
        required=True,
        validate=validate.Length(min=1),
    )
    phone = Text(load_default=None, allow_none=True, validate=validate.Length(max=32))
    # Where his notifications go (server.notify): DingTalk / 浙政钉 user id.
    dingtalk_userid = Text(load_default=None, allow_none=True, validate=validate.Length(max=64))
    certificate_no = Text(
        load_default=None, allow_none=True, validate=validate.Length(min=1, max=64)
    )
    certificate_valid_from = ma.fields.Date(load_default=None, allow_none=True)
    certificate_valid_until = ma.fields.Date(load_default=None, allow_none=True)
    legal_qualification_no = Text(
        load_default=None, allow_none=True, validate=validate.Length(min=1, max=64)
    )

    @ma.validates_schema
    def _certificate(self, data, **_kwargs):
        roles = set(data.get("roles") or ())
        cert = [
            data.get("certificate_no"),
            data.get("certificate_valid_from"),
            data.get("certificate_valid_until"),
        ]
        if "officer" in roles and not all(cert):
            raise ma.ValidationError(
                "an officer needs a certificate number and its validity", "certificate_no"
            )
        if all(cert[1:]) and cert[1] > cert[2]:
            raise ma.ValidationError(
                "must not be before the start of validity", "certificate_valid_until"
            )
        if "department" in roles and not data.get("department_code"):
            raise ma.ValidationError("a department user needs a department", "department_code")


class UserUpdateSchema(StrictSchema):
    display_name = Text(validate=validate.Length(min=1, max=100))
    password = ma.fields.String(load_only=True, validate=NEW_PASSWORD)
    active = ma.fields.Boolean()
    roles = ma.fields.List(
        ma.fields.String(validate=validate.OneOf(ROLE_VALUES)), validate=validate.Length(min=1)
    )
    unit_code = Text(validate=validate.Length(min=1, max=32))
    phone = Text(allow_none=True, validate=validate.Length(max=32))
    dingtalk_userid = Text(allow_none=True, validate=validate.Length(max=64))
    certificate_no = Text(allow_none=True, validate=validate.Length(min=1, max=64))
    certificate_valid_from = ma.fields.Date(allow_none=True)
    certificate_valid_until = ma.fields.Date(allow_none=True)
    legal_qualification_no = Text(allow_none=True, validate=validate.Length(min=1, max=64))


class DeviceSchema(ma.Schema):
    id = ma.fields.UUID()
    name = ma.fields.String()
    user_id = ma.fields.Integer()
    registered_at = ma.fields.DateTime()
    last_seen_at = ma.fields.DateTime(allow_none=True)
    revoked_at = ma.fields.DateTime(allow_none=True)


# A PKCS#12 file is a few kilobytes (a key, its certificate, the chain); this bounds a body
# that is not one.
MAX_P12 = 64 * 1024


class Base64Bytes(ma.fields.String):
    """Bytes sent as standard base64 text (a file read by the browser); a string in the API
    description, the bytes once loaded."""

    default_error_messages = {"not_base64": "not base64", "too_long": "larger than {max} bytes"}

    def __init__(self, *, max_bytes: int, **kwargs):
        super().__init__(**kwargs)
        self.max_bytes = max_bytes

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        if len(value) > (self.max_bytes * 4) // 3 + 4:
            raise self.make_error("too_long", max=self.max_bytes)
        try:
            raw = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise self.make_error("not_base64") from None
        if not raw:
            raise ma.ValidationError("empty")
        return raw


class SigningKeyUploadSchema(StrictSchema):
    """An officer's PKCS#12 file from the agency's CA and its passphrase, typed once: it opens
    the file to check it and is never stored (server.accounts.signing.enrol)."""

    p12 = Base64Bytes(
        required=True,
        max_bytes=MAX_P12,
        metadata={"description": "the .p12/.pfx file, base64"},
    )
    passphrase = ma.fields.String(
        required=True, load_only=True, validate=validate.Length(min=1, max=256)
    )


class SigningKeySchema(ma.Schema):
    """Whose key is on the account (none: he signs by hand)."""

    user_id = ma.fields.Integer()
    display_name = ma.fields.String()
    certificate_no = ma.fields.String(allow_none=True)
    signing_certificate = ma.fields.Dict(allow_none=True)
