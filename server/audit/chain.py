"""Append to and verify the hash-chained audit log: one chain per township, and the county's.

Why several chains. An entry is appended in the transaction that makes the change it
describes, and appending takes the chain's head row until that transaction commits. With one
chain, every push of a province (some 100 townships, 20,000 phones) queued on that one row.
Now an entry goes to the chain of the acting user's township; a county-level user's entries,
and those with no user (a failed login, the command line), go to the county's chain. Pushes
of different townships take different rows and run side by side. Pushes of one township still
queue in one order, which the push's replay check relies on: a device's retry, sent while its
first attempt is in flight, waits for that attempt to commit and then finds it in the log.

Each chain verifies on its own. An entry's hash covers its fields and the previous entry's
hash, exactly as in the single chain, so entries written before migration 0012 verify as they
did and hashes handed out before (an evidence export's) still name them. A chain's first entry
links to the chain's own genesis, derived from its name, so entries cannot be passed off as
another chain's. The county's chain keeps the single chain's genesis: migration 0012 made the
old chain the county's, untouched.

The county's head covers the townships' through seals. ``seal`` appends to the county's chain
an entry (``audit.seal``) naming every township chain's head, its sequence number and hash,
whenever one moved. Rewriting a township chain up to a seal, even recomputing every hash and
its head row, then no longer matches the county's chain, and cutting off sealed entries is
seen; the county's head hash alone vouches for every chain up to its last seal. Sealing takes
the county's head and only reads the townships' committed heads, so it never waits on a push.
Run ``flask audit seal`` every few minutes (cron) and before a backup; entries after the last
seal are protected by their own chain, as every entry was before.

What a push no longer gets from the single head, and why that is acceptable: pushes of two
townships (or of a township and a county-level user) touching the same record no longer queue
up front; they meet on the record's row lock (the push loads its records FOR UPDATE), and a
deadlock between them is answered "busy, retry" (``server/core/api.py``). Two of them creating
the same record id at the same moment fail on the primary key instead of getting R2's
``id_conflict`` (ids are random UUIDs). A county-level user's new clue and a township's,
pushed at the same moment, may not be linked as possible duplicates (R8); each push links
to what was committed before it.

A request appends to one chain, its actor's, so two transactions do not take two heads in
opposite orders.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import g, has_request_context, request
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from server.audit.models import AuditEntry, AuditHead
from server.core.db import db, utcnow

GENESIS = "0" * 64  # the county's chain's, as it was the single chain's
COUNTY = "county"  # the county's chain; a township's chain is named by its unit code
SEAL = "audit.seal"


def genesis(chain: str) -> str:
    """What a chain's first entry names as its previous hash."""
    if chain == COUNTY:
        return GENESIS
    return hashlib.sha256(f"fieldcase audit chain {chain}".encode()).hexdigest()


def chain_of_path(unit_path: str | None) -> str:
    """The chain of a user whose unit has this path (/county/township/…)."""
    codes = (unit_path or "").strip("/").split("/")
    return codes[1] if len(codes) > 1 else COUNTY


def chain_of(user: Any) -> str:
    """The chain ``user``'s entries go to: his township's, or the county's."""
    return chain_of_path(user.unit.path) if user is not None else COUNTY


def _chain_of_actor(actor_id: int | None) -> str:
    if actor_id is None:
        return COUNTY
    user = g.get("user") if has_request_context() else None
    if user is not None and user.id == actor_id:
        return chain_of(user)
    from server.accounts.models import User  # the accounts import this module
    from server.units.models import AdminUnit

    path = db.session.execute(
        sa.select(AdminUnit.path)
        .join(User, User.unit_id == AdminUnit.id)
        .where(User.id == actor_id)
    ).scalar_one_or_none()
    return chain_of_path(path)


def entry_hash(
    *,
    seq: int,
    at: str,
    actor_id: int | None,
    device_id: str | None,
    action: str,
    record_type: str | None,
    record_id: str | None,
    detail: dict,
    ip: str | None,
    prev_hash: str,
) -> str:
    canonical = json.dumps(
        {
            "seq": seq,
            "at": at,
            "actor_id": actor_id,
            "device_id": device_id,
            "action": action,
            "record_type": record_type,
            "record_id": record_id,
            "detail": detail,
            "ip": ip,
            "prev_hash": prev_hash,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def exported(entry: AuditEntry) -> dict[str, Any]:
    """An entry as an export carries it: every hashed field, the hash, and its chain."""
    return {**_fields_of(entry), "hash": entry.hash, "chain": entry.chain}


def _fields_of(entry: AuditEntry) -> dict[str, Any]:
    return {
        "seq": entry.seq,
        "at": entry.at.isoformat(),
        "actor_id": entry.actor_id,
        "device_id": str(entry.device_id) if entry.device_id else None,
        "action": entry.action,
        "record_type": entry.record_type,
        "record_id": entry.record_id,
        "detail": entry.detail,
        "ip": entry.ip,
        "prev_hash": entry.prev_hash,
    }


def lock_head(chain: str = COUNTY) -> AuditHead:
    """Take ``chain``'s head row for this transaction (created on first use).

    Whoever holds it appends next to that chain; a push takes its township's first, so that
    concurrent pushes of one township queue in one order instead of deadlocking on each
    other's records.
    """
    select = sa.select(AuditHead).where(AuditHead.chain == chain).with_for_update()
    head = db.session.execute(select).scalar_one_or_none()
    if head is None:
        # Two first appends at once: one inserts, the other waits for it, inserts nothing
        # and then locks the row the first made.
        table = AuditHead.__table__
        insert = {"postgresql": pg_insert, "sqlite": sqlite_insert}[
            db.session.get_bind().dialect.name
        ]
        db.session.execute(
            insert(table)
            .values(chain=chain, seq=0, hash=genesis(chain))
            .on_conflict_do_nothing(index_elements=[table.c.chain])
        )
        head = db.session.execute(select).scalar_one()
    return head


def record(
    action: str,
    record_type: str | None = None,
    record_id: Any = None,
    detail: dict | None = None,
    *,
    actor_id: int | None = None,
    device_id: uuid.UUID | None = None,
) -> str:
    """Append an entry in the current transaction: it commits or rolls back with the change
    it describes. Actor, device and address default to the current request's; the entry goes
    to the actor's chain. Returns the entry's hash (unique across chains: it names it)."""
    if has_request_context():
        user = g.get("user")
        device = g.get("device")
        actor_id = actor_id if actor_id is not None else (user.id if user else None)
        device_id = device_id or (device.id if device else None)
        ip = request.remote_addr
    else:
        ip = None
    head = lock_head(_chain_of_actor(actor_id))
    append_many(
        head, [Entry(action, record_type, record_id, detail or {}, actor_id, device_id, ip)]
    )
    return head.hash


@dataclass(frozen=True)
class Entry:
    action: str
    record_type: str | None
    record_id: Any
    detail: dict
    actor_id: int | None
    device_id: uuid.UUID | None
    ip: str | None


def append_many(head: AuditHead, entries: list[Entry], at: dt.datetime | None = None) -> None:
    """Append ``entries`` to ``head``'s chain (the head locked by this transaction) and
    advance it: a push takes the head once and appends one entry per mutation, in one
    statement."""
    if not entries:
        return
    at = at or utcnow()
    rows = []
    for e in entries:
        row = {
            "seq": head.seq + 1,
            # Microsecond precision is kept by both databases, so the hash can be recomputed.
            "at": at,
            "actor_id": e.actor_id,
            "device_id": e.device_id,
            "action": e.action,
            "record_type": e.record_type,
            "record_id": None if e.record_id is None else str(e.record_id),
            "detail": json.loads(json.dumps(e.detail, default=str)),
            "ip": e.ip,
            "prev_hash": head.hash,
        }
        row["hash"] = entry_hash(
            **{
                **row,
                "at": at.isoformat(),
                "device_id": str(e.device_id) if e.device_id else None,
            }
        )
        head.seq, head.hash = row["seq"], row["hash"]
        rows.append({**row, "chain": head.chain})
    db.session.execute(sa.insert(AuditEntry.__table__), rows)


def township_heads() -> dict[str, dict[str, Any]]:
    """Every township chain's committed head (read, not locked: a seal never waits)."""
    rows = db.session.execute(
        sa.select(AuditHead.chain, AuditHead.seq, AuditHead.hash)
        .where(AuditHead.chain != COUNTY, AuditHead.seq > 0)
        .order_by(AuditHead.chain)
    ).all()
    return {chain: {"seq": seq, "hash": hash_} for chain, seq, hash_ in rows}


def last_seal() -> dict[str, dict[str, Any]]:
    """The township heads the county's chain sealed last ({} before the first seal)."""
    detail = db.session.execute(
        sa.select(AuditEntry.detail)
        .where(AuditEntry.chain == COUNTY, AuditEntry.action == SEAL)
        .order_by(AuditEntry.seq.desc())
        .limit(1)
    ).scalar_one_or_none()
    return (detail or {}).get("heads", {})


def seal(at: dt.datetime | None = None) -> int | None:
    """Append to the county's chain every township chain's head, if any moved since the
    last seal. Returns the seal's sequence number in the county's chain, or None."""
    county = lock_head(COUNTY)
    heads = township_heads()
    if not heads or heads == last_seal():
        return None
    append_many(county, [Entry(SEAL, None, None, {"heads": heads}, None, None, None)], at=at)
    return county.seq


# -- verification ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Break:
    """Where a chain stops verifying: the first entry that does not hold, and why."""

    chain: str
    seq: int
    problem: str
    checked: int  # entries of that chain verified before it


@dataclass
class Verification:
    ok: bool
    checked: int  # entries verified, every chain
    breaks: list[Break] = field(default_factory=list)
    chains: list[str] = field(default_factory=list)
    # Township chains with entries after the county's last seal (their own chain covers them).
    unsealed: list[str] = field(default_factory=list)

    # The first break, for callers that name one.
    @property
    def chain(self) -> str | None:
        return self.breaks[0].chain if self.breaks else None

    @property
    def first_bad_seq(self) -> int | None:
        return self.breaks[0].seq if self.breaks else None

    @property
    def problem(self) -> str | None:
        return self.breaks[0].problem if self.breaks else None


@dataclass
class _Walk:
    checked: int = 0
    last_seq: int = 0
    last_hash: str = ""
    broken: Break | None = None


def _walk(chain: str, sealed: dict[int, tuple[str, int]], batch_size: int, on_entry=None) -> _Walk:
    """Recompute ``chain`` in order: every sequence number there, every link, every hash,
    and the hashes the county's seals recorded for it (``sealed``: seq → (hash, seal seq))."""
    walk = _Walk(last_hash=genesis(chain))
    while True:
        entries = (
            db.session.execute(
                sa.select(AuditEntry)
                .where(AuditEntry.chain == chain, AuditEntry.seq > walk.last_seq)
                .order_by(AuditEntry.seq)
                .limit(batch_size)
            )
            .scalars()
            .all()
        )
        if not entries:
            return walk
        for entry in entries:
            problem = None
            if entry.seq != walk.last_seq + 1:
                problem, at = "entry missing", walk.last_seq + 1
            elif entry.prev_hash != walk.last_hash:
                problem, at = "previous hash does not match", entry.seq
            elif entry_hash(**_fields_of(entry)) != entry.hash:
                problem, at = "entry was altered", entry.seq
            elif entry.seq in sealed and sealed[entry.seq][0] != entry.hash:
                problem = f"not the entry the county's seal {sealed[entry.seq][1]} recorded"
                at = entry.seq
            if problem is not None:
                walk.broken = Break(chain, at, problem, walk.checked)
                return walk
            if on_entry is not None:
                on_entry(entry)
            walk.checked += 1
            walk.last_seq, walk.last_hash = entry.seq, entry.hash
        db.session.expunge_all()


def verify(batch_size: int = 5000) -> Verification:
    """Walk every chain in order, recomputing each hash; the county's first, so that what its
    seals recorded is checked against each township's chain. A broken chain is reported at
    its first bad entry, and the other chains are still checked."""
    heads = {
        chain: (seq, hash_)
        for chain, seq, hash_ in db.session.execute(
            sa.select(AuditHead.chain, AuditHead.seq, AuditHead.hash)
        )
    }
    written = set(db.session.execute(sa.select(AuditEntry.chain).distinct()).scalars())
    sealed: dict[str, dict[int, tuple[str, int]]] = {}

    def collect(entry: AuditEntry) -> None:
        if entry.action == SEAL:
            for chain, head in (entry.detail or {}).get("heads", {}).items():
                sealed.setdefault(chain, {})[head["seq"]] = (head["hash"], entry.seq)

    result = Verification(ok=True, checked=0)
    county = _walk(COUNTY, {}, batch_size, collect)
    townships = sorted((set(heads) | written | set(sealed)) - {COUNTY})
    result.chains = [COUNTY, *townships]
    for chain in result.chains:
        walk = county if chain == COUNTY else _walk(chain, sealed.get(chain, {}), batch_size)
        result.checked += walk.checked
        broken = walk.broken or _head_problem(chain, walk, heads.get(chain))
        last_sealed = max(sealed.get(chain, {0: None}))
        if broken is None and last_sealed > walk.last_seq:
            broken = Break(
                chain,
                walk.last_seq + 1,
                "entries the county's chain sealed are missing",
                walk.checked,
            )
        if broken is not None:
            result.breaks.append(broken)
        elif chain != COUNTY and walk.last_seq > last_sealed:
            result.unsealed.append(chain)
    result.ok = not result.breaks
    return result


def _head_problem(chain: str, walk: _Walk, head: tuple[int, str] | None) -> Break | None:
    """The head row must name the chain's last entry: entries cut off the end leave a
    perfectly linked chain, and only the head knows there was more."""
    if head is None:
        if walk.last_seq:
            return Break(chain, walk.last_seq, "the chain's head row is missing", walk.checked)
        return None
    seq, hash_ = head
    if seq > walk.last_seq:
        return Break(
            chain, walk.last_seq + 1, "entries after the last one are missing", walk.checked
        )
    if (seq, hash_) != (walk.last_seq, walk.last_hash) and walk.last_seq:
        return Break(chain, walk.last_seq, "the head does not name the last entry", walk.checked)
    return None
