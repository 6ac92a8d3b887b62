"""An officer's own signature on the documents he issues (issue 22): his key, his certificate.

The agency's CA issues each officer a signing certificate naming him (CN) and his 执法证号
(the subject's serialNumber, X.520), and its key as a PKCS#12 file under a passphrase he
chose. ``enrol`` puts that file on his account; the server keeps it as it came, encrypted,
and never the passphrase. When a document he is named on is issued, the request carries his
passphrase (``officer_passphrases``, typed by him on the phone in his own hand); ``keys_for``
opens his key with it for that one document and forgets it. So the server cannot sign as
him on its own: without his passphrase it holds only ciphertext. What it can do, and the
README says so, is see the passphrase in memory while it signs: a server that had been
turned against him could keep it. A key that never leaves his phone (WebCrypto) or a
smart card would close that gap at a cost this project does not take on yet.

A wrong passphrase is the request's error (422 naming ``officer_passphrases.<his id>``) and
nothing is issued; wrong ones are counted against the officers tried and stopped with 429
past ``SIGNING_PASSPHRASE_RATE_LIMIT`` (``server.core.limits``), so a key is not guessed at
online. An officer with no key on his account, or whose passphrase the request
does not carry, is not signed for: his box is left for his hand (or his drawn signature),
as before, and the document is still issued.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from asn1crypto import cms, core
from asn1crypto import x509 as asn1_x509
from flask import g

from server.accounts.models import User
from server.audit import chain as audit
from server.core.api import DomainError
from server.core.db import db
from server.documents.seal import OfficerKey, unlock

FIELD = "officer_passphrases"
MIN_PASSPHRASE = 10  # as a new password (server.accounts.schemas.NEW_PASSWORD)


def _refused(field: str, why: str, code: str = "invalid") -> DomainError:
    return DomainError(f"{field}: {why}", code=code, status=422, fields={field: [why]})


def certificate(user: User) -> asn1_x509.Certificate | None:
    """The officer's signing certificate, or None when his account has none."""
    if not user.signing_certificate:
        return None
    return asn1_x509.Certificate.load(user.signing_certificate)


def summary(user: User) -> dict[str, Any] | None:
    """Whose key is on the account, as the desk shows it: the certificate's subject, serial,
    issuer and validity, the 执法证号 it names, and whether that is the account's (it was
    when enrolled; the account's number may have been changed since). None: no key."""
    cert = certificate(user)
    if cert is None:
        return None
    number = cert.subject.native.get("serial_number")
    return {
        "subject": cert.subject.human_friendly,
        "serial": f"{cert.serial_number:x}",
        "issuer": cert.issuer.human_friendly,
        "valid_from": cert.not_valid_before.isoformat(),
        "valid_until": cert.not_valid_after.isoformat(),
        "certificate_no": number,
        "certificate_no_matches": bool(user.certificate_no) and number == user.certificate_no,
    }


class _Pfx(core.Sequence):
    """PKCS#12's outer structure (RFC 7292 §4), read only to tell a file that is not one
    from a passphrase that does not open one."""

    _fields = [
        ("version", core.Integer),
        ("auth_safe", cms.ContentInfo),
        ("mac_data", core.Any, {"optional": True}),
    ]


def _is_pkcs12(data: bytes) -> bool:
    try:
        pfx = _Pfx.load(data, strict=True)
        return pfx["version"].native == 3 and pfx["auth_safe"]["content_type"].native in (
            "data",
            "signed_data",
        )
    except (ValueError, TypeError, KeyError, IndexError, OverflowError):
        return False


def enrol(user: User, p12: bytes, passphrase: str, now: dt.datetime) -> asn1_x509.Certificate:
    """Put the officer's PKCS#12 file on his account, after checking that his passphrase
    opens it, that it is long enough to stand guessing by whoever copies the database, and
    that its certificate is his: his 执法证号, valid now, for signing. Returns the
    certificate, and the audit log says whose key went on which account (and who put it
    there: the request's user; none from the command line). Refuses (422
    naming the field) otherwise, and a passphrase that does not open the file is counted
    against guessing, as at issuing. The one place a key goes on an account: the command
    line (``flask signing-key``) and the desk (``PUT /users/<id>/signing-key``) call it."""
    if not _is_pkcs12(p12):
        raise _refused("p12", "not a PKCS#12 (.p12/.pfx) file")
    if len(passphrase) < MIN_PASSPHRASE:
        raise _refused("passphrase", f"at least {MIN_PASSPHRASE} characters")
    try:
        signer = unlock(p12, passphrase)
    except ValueError:
        g.wrong_passphrase = True  # counted against guessing (server.core.limits)
        why = "does not open this PKCS#12 file"
        raise _refused("passphrase", why, code="wrong_passphrase") from None
    cert = signer.signing_cert
    number = cert.subject.native.get("serial_number")
    if not user.certificate_no or number != user.certificate_no:
        why = f"the certificate names 执法证号 {number}, the account {user.certificate_no}"
        raise _refused("p12", why)
    if not cert.not_valid_before <= now <= cert.not_valid_after:
        raise _refused("p12", "the certificate is not valid now")
    usage = cert.key_usage_value.native if cert.key_usage_value else set()
    if "digital_signature" not in usage and "non_repudiation" not in usage:
        raise _refused("p12", "the certificate is not for signing")
    user.signing_p12 = p12
    user.signing_certificate = cert.dump()
    audit.record("signing_key.enrolled", "user", user.id, _audited(cert))
    return cert


def remove(user: User) -> bool:
    """Take the officer's key off his account (he then signs by hand), audited with the
    certificate that was there. False when there was none: nothing to record."""
    cert = certificate(user)
    if cert is None:
        return False
    user.signing_p12 = None
    user.signing_certificate = None
    audit.record("signing_key.removed", "user", user.id, _audited(cert))
    return True


def _audited(cert: asn1_x509.Certificate) -> dict[str, Any]:
    return {
        "subject": cert.subject.human_friendly,
        "serial": f"{cert.serial_number:x}",
        "issuer": cert.issuer.human_friendly,
        "valid_until": cert.not_valid_after.isoformat(),
    }


def keys_for(
    officers: Sequence[Mapping[str, Any]], passphrases: Mapping[str, str], now: dt.datetime
) -> list[OfficerKey | None]:
    """Each officer's key opened with his passphrase (None: he does not sign digitally).
    ``passphrases`` is keyed by the officer's account id, as the request gives it. A
    passphrase for someone not named, for an account with no key, or that does not open
    the key, or a certificate out of date, is refused naming the field: nothing is issued
    on a signature that did not happen."""
    named = {str(o["user_id"]): o for o in officers if o.get("user_id") is not None}
    for who in passphrases:
        if who not in named:
            raise _refused(f"{FIELD}.{who}", "not an officer this document names")
    keys: list[OfficerKey | None] = []
    for officer in officers:
        who = str(officer.get("user_id"))
        if who not in passphrases:
            keys.append(None)
            continue
        user = db.session.get(User, int(who))
        field = f"{FIELD}.{who}"
        if not user.signing_p12:
            raise _refused(field, f"{user.display_name} has no signing key on his account")
        try:
            signer = unlock(user.signing_p12, passphrases[who])
        except ValueError:
            g.wrong_passphrase = True  # counted against guessing (server.core.limits)
            why = f"the passphrase does not open {user.display_name}'s signing key"
            raise _refused(field, why, code="wrong_passphrase") from None
        cert = signer.signing_cert
        if not cert.not_valid_before <= now <= cert.not_valid_after:
            raise _refused(field, f"{user.display_name}'s signing certificate is not valid now")
        keys.append(OfficerKey(signer, officer["name"], officer["certificate_no"]))
    return keys
