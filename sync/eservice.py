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

from sync.cases import CHECKS, Refused, _day, _on
from sync.types import Actor, RecordState
from sync.workflow import WORKFLOW

_ARGS = WORKFLOW["case"]["transitions"]["consent_eservice"]["args"]
# The workflow's patterns, which the phone checks the form with before the party signs.
MOBILE = re.compile(_ARGS["mobile"]["pattern"])
EMAIL = re.compile(_ARGS["email"]["pattern"])
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


CHECKS["consent_eservice"] = consent_eservice
CHECKS["withdraw_eservice"] = withdraw_eservice
