"""Consent to electronic service (电子送达确认书): the party's signed consent, with the
address he gives, before anything is served on him electronically.

行政处罚法 第六十一条第二款: 当事人同意并签订确认书的，行政机关可以采用传真、电子邮件等方式，
将行政处罚决定书等送达当事人. The consent names where he receives (a mobile number for SMS,
an e-mail address, or both) and carries his drawn signature (a PNG the phone holds as
evidence on the clue, named here by its SHA-256, as the documents name the party's
signature). He may take it back (撤回); from then nothing more is sent electronically, and
signing again gives a new consent. Pure: the server sends (``server.cases.eservice``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sync.cases import Refused, _day, _on
from sync.types import Actor, RecordState

# A mainland mobile number: eleven digits, 1 then 3–9 (the numbering plan's mobile blocks).
MOBILE = re.compile(r"1[3-9]\d{9}")
# An address SMTP can deliver to: one @, a dotted domain, no spaces or angle brackets.
EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")
SHA256 = re.compile(r"[0-9a-f]{64}")


def consented(fields: Mapping[str, Any]) -> bool:
    """Whether the party's consent stands (signed and not withdrawn): the one test the
    server asks before it sends anything."""
    return bool(fields.get("eservice_consent_on")) and not fields.get("eservice_withdrawn_on")


def consent_eservice(state: RecordState, args: Mapping[str, Any], actor: Actor, ctx) -> dict:
    """The party signs the 确认书 before the officer: where he receives (at least one
    address, each well-formed, named by its field when not), his signature's hash, the day.
    A new consent replaces the one before it (a changed number) and ends a withdrawal."""
    errors: dict[str, list[str]] = {}
    mobile, email = args.get("mobile"), args.get("email")
    if not mobile and not email:
        errors["mobile"] = ["a mobile number or an e-mail address to serve at"]
    if mobile and not MOBILE.fullmatch(mobile):
        errors["mobile"] = ["an 11-digit mainland mobile number (1xxxxxxxxxx)"]
    if email and not EMAIL.fullmatch(email):
        errors["email"] = ["an e-mail address (name@domain)"]
    if not SHA256.fullmatch(args.get("signature") or ""):
        errors["signature"] = ["the SHA-256 (64 lowercase hex digits) of the drawn signature"]
    if errors:
        raise Refused("invalid", fields=errors)
    _on(args, "signed_on", ctx.now)
    return {"eservice_withdrawn_on": None, "eservice_mobile": mobile, "eservice_email": email}


def withdraw_eservice(state: RecordState, args: Mapping[str, Any], actor: Actor, ctx) -> dict:
    """The party takes his consent back: only a standing one, on or after its day."""
    if not consented(state.fields):
        raise Refused("no_eservice_consent")
    _on(args, "withdrawn_on", ctx.now, not_before=_day(state.fields["eservice_consent_on"]))
    return {}
