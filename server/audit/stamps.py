"""Trusted time for the audit chain: RFC 3161 time stamps from a time-stamping authority
(``TSA_URL``) on the chain's heads and on each evidence export.

The authority signs the head's own hash (an audit entry's hash is a SHA-256, so it is the
message imprint as it stands) with its time. Because every entry's hash covers the one
before it, a stamped head shows that the whole chain up to it existed at that time, without
trusting the server's clock or its operators. ``flask audit seal`` stamps the county's head
after sealing the townships' heads into it, so one stamp covers every chain up to the seal;
run it every few minutes (cron). ``flask audit verify`` checks every stamp against the entry
it names. An evidence export carries the stamp of its own export entry (which names the
SHA-256 of its manifest and of every file), which ``flask evidence verify-export
--tsa-root`` checks offline with the authority's root certificate: the export, and all it
holds, existed at the authority's time.

Asking the authority happens outside any lock and any transaction that holds a head row: a
slow or silent authority delays the stamp, never a push.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from asn1crypto import cms, tsp
from pyhanko.keys import load_cert_from_pemder
from pyhanko.sign.timestamps.requests_client import RequestsHTTPTimeStamper
from pyhanko.sign.validation.generic_cms import validate_tst_signed_data
from pyhanko_certvalidator import ValidationContext

from server.audit.models import AuditEntry, AuditHead, AuditStamp
from server.core.db import db, utcnow
from server.core.outside_loop import outside_loop


def request_stamp(url: str, digest_hex: str) -> bytes:
    """The authority's time-stamp token (DER) for a SHA-256 digest, given in hex."""
    stamper = RequestsHTTPTimeStamper(url, timeout=10)
    digest = bytes.fromhex(digest_hex)
    return outside_loop(asyncio.run, stamper.async_timestamp(digest, "sha256")).dump()


@dataclass(frozen=True)
class Checked:
    at: dt.datetime  # the authority's time
    trusted: bool  # its certificate chains to the root given


def check(token: bytes, digest_hex: str, root: Path | None = None) -> Checked:
    """Check a token against the digest it should stamp; raise ValueError when it does
    not hold. With ``root`` (the authority's root certificate), also whether it is trusted;
    without, only that the token is intact and signed by the certificate it carries."""
    info = cms.ContentInfo.load(token)
    signed = info["content"]
    roots = [load_cert_from_pemder(str(root))] if root else []
    context = ValidationContext(trust_roots=roots, allow_fetching=False)

    def imprint(md: str) -> bytes:
        if md != "sha256":
            raise ValueError(f"the stamp's digest is {md}, not SHA-256")
        return bytes.fromhex(digest_hex)

    status = outside_loop(asyncio.run, validate_tst_signed_data(signed, context, imprint))
    if not (status["intact"] and status["valid"]):
        raise ValueError("the time stamp does not stamp this hash, or its signature is broken")
    tst = tsp.TSTInfo.load(signed["encap_content_info"]["content"].parsed.dump())
    return Checked(
        tst["gen_time"].native, bool(status.get("trust_problem_indic") is None and roots)
    )


def stamp_head(url: str, chain: str) -> AuditStamp | None:
    """Stamp ``chain``'s committed head unless it is stamped already; commits the stamp."""
    head = db.session.execute(
        sa.select(AuditHead.seq, AuditHead.hash).where(AuditHead.chain == chain)
    ).first()
    if head is None or head.seq == 0:
        return None
    done = db.session.execute(
        sa.select(AuditStamp).where(AuditStamp.chain == chain, AuditStamp.seq == head.seq)
    ).scalar_one_or_none()
    if done is not None:
        return None
    db.session.commit()  # end the read before the network: no transaction waits on the TSA
    return stamp_entry(url, chain, head.seq, head.hash)


def stamp_entry(url: str, chain: str, seq: int, entry_hash: str) -> AuditStamp:
    """Stamp one committed entry (a head, or an export's own entry); commits the stamp.
    Raises OSError (or pyHanko's TimestampRequestError) when the authority cannot be had."""
    token = request_stamp(url, entry_hash)
    stamp = AuditStamp(
        chain=chain,
        seq=seq,
        hash=entry_hash,
        token=token,
        stamped_at=check(token, entry_hash).at,
        received_at=utcnow(),
    )
    db.session.add(stamp)
    db.session.commit()
    return stamp


def verify_stamps(root: Path | None = None) -> tuple[int, list[str]]:
    """Every stamp checked against the entry it names: (stamps checked, problems)."""
    problems, checked = [], 0
    for stamp in db.session.execute(sa.select(AuditStamp).order_by(AuditStamp.id)).scalars():
        entry_hash = db.session.execute(
            sa.select(AuditEntry.hash).where(
                AuditEntry.chain == stamp.chain, AuditEntry.seq == stamp.seq
            )
        ).scalar_one_or_none()
        where = f"stamp of entry {stamp.seq} of chain {stamp.chain}"
        if entry_hash != stamp.hash:
            problems.append(f"{where}: the entry's hash is not the one stamped")
            continue
        try:
            got = check(stamp.token, stamp.hash, root)
        except ValueError as exc:
            problems.append(f"{where}: {exc}")
            continue
        if root and not got.trusted:
            problems.append(f"{where}: the authority's certificate does not chain to the root")
        checked += 1
    return checked, problems
