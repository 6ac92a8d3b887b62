"""A small in-memory sync server for the tests of ``sync/``: test support, not production.

It does what ``server/sync_api/push.py`` and ``pull.py`` do around ``sync.rules.decide``,
with dicts instead of tables:

- R1: a mutation log, mutation id → first result; a replay answers with that first answer,
  marked ``replay``, a mutation id reused by someone else is rejected ``mutation_reused``;
- records are looked up *scoped to the actor* (``visible``): a record he may not see is
  ``None`` for ``decide``, so it is "not found", never "forbidden";
- a decision that writes stores its new state; each field conflict becomes an open record
  of type ``conflict``; resolving with "keep device" also writes the target record;
- every write takes the next change sequence, which is what ``changes`` (the pull) pages by.

The county used throughout (``UNITS``)::

    C ── T1 ── V1 ── G1, G2
    │     └─── V2 ── G3
    └─── T2 ── V3 ── G4
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sync import checks, legal
from sync.rules import Context, decide
from sync.types import Actor, Decision, Flag, Mutation, Op, Outcome, RecordState
from sync.workflow import CLUE_TOMBSTONE

NOW = dt.datetime(2025, 6, 1, 8, 0, tzinfo=dt.UTC)
SUPERVISORS = frozenset({"dispatcher", "leader"})
CONFLICT_IDS = uuid.UUID("6d1c4b1e-0000-4000-8000-000000000000")

UNITS = {
    "C": "/C/",
    "T1": "/C/T1/",
    "V1": "/C/T1/V1/",
    "G1": "/C/T1/V1/G1/",
    "G2": "/C/T1/V1/G2/",
    "V2": "/C/T1/V2/",
    "G3": "/C/T1/V2/G3/",
    "T2": "/C/T2/",
    "V3": "/C/T2/V3/",
    "G4": "/C/T2/V3/G4/",
}
MATTERS = frozenset({"SR-001", "SR-002", "CG-010"})
# The catalogue's facts the case rules read: summary procedure allowed, the department that
# holds the power where a township was not given it, and which townships were.
MATTER_FACTS = {
    "SR-001": {"summary_allowed": True, "department": "D-ENV"},
    "SR-002": {
        "summary_allowed": False,
        "department": "D-ENV",
        # A published discretion standard (art. 34): levels and their fines, in fen.
        "discretion": [
            {"level": "较轻", "condition": "首次违法，及时改正", "fine_fen": [500_00, 800_00]},
            {"level": "一般", "condition": "经劝阻仍不改正", "fine_fen": [800_00, 1_500_00]},
            {"level": "较重", "condition": "造成明显危害后果", "fine_fen": [1_500_00, 2_000_00]},
        ],
    },
    "CG-010": {"summary_allowed": True, "department": None},
}
EMPOWERED = {("SR-001", "/C/T1/"), ("SR-002", "/C/T1/"), ("CG-010", "/C/T1/")}
# The county's departments, by the unit they belong to.
DEPARTMENTS = {"D-ENV": UNITS["C"], "D-LAND": UNITS["C"]}


def actor(user_id: int, role: str, unit: str) -> Actor:
    return Actor(user_id=user_id, roles=frozenset({role}), unit_path=UNITS[unit])


# The people of the county: officers are what ``Refs.officer_in`` knows about.
W1 = actor(1, "grid_worker", "G1")
W2 = actor(2, "grid_worker", "G2")
W3 = actor(3, "grid_worker", "G3")
W4 = actor(4, "grid_worker", "G4")
O1 = actor(11, "officer", "T1")
O2 = actor(12, "officer", "T1")
O3 = actor(13, "officer", "T2")
D1 = actor(21, "dispatcher", "T1")
L1 = actor(22, "leader", "T1")
D2 = actor(23, "dispatcher", "T2")
R1 = actor(24, "reviewer", "T1")
OFFICERS = {a.user_id: a.unit_path for a in (O1, O2, O3)}
# 执法证: O1 and O2 hold certificates valid through 2027, O3's ran out at the end of 2025.
CERTIFICATES = {
    11: (11, "33110011", dt.date(2024, 1, 1), dt.date(2027, 12, 31)),
    12: (12, "33110012", dt.date(2024, 1, 1), dt.date(2027, 12, 31)),
    13: (13, "33110013", dt.date(2021, 1, 1), dt.date(2025, 12, 31)),
}


def location(lat: float = 28.59, lng: float = 119.27, at: dt.datetime = NOW) -> dict:
    return {"lat": lat, "lng": lng, "accuracy_m": 8.0, "fix_time": at.isoformat()}


def clue_payload(**overrides: Any) -> dict:
    """A complete, valid clue as a device would send it."""
    body = {
        "matter_code": "SR-001",
        "location": location(),
        "address": "大柘村村口",
        "description": "农户在田间焚烧秸秆",
        "dissuasion": {"done": True, "result": "stopped", "at": NOW.isoformat()},
    }
    body.update(overrides)
    return body


@dataclass
class Refs:
    """``sync.values.Refs`` answered from the model's dicts."""

    records: dict[tuple[str, uuid.UUID], RecordState]
    amounts: dict = field(default_factory=lambda: legal.thresholds())

    def matter_exists(self, code: str) -> bool:
        return code in MATTERS

    def unit_path(self, code: str) -> str | None:
        return UNITS.get(code)

    def officer_in(self, user_id: int, unit_path: str) -> bool:
        return OFFICERS.get(user_id, "").startswith(unit_path)

    def record_in(self, record_type: str, record_id: uuid.UUID, unit_path: str) -> bool:
        state = self.records.get((record_type, record_id))
        return state is not None and state.unit_path.startswith(unit_path)

    def certificates(self, user_ids):
        return [CERTIFICATES[u] for u in user_ids if u in CERTIFICATES]

    def matter_facts(self, code: str):
        return MATTER_FACTS.get(code)

    def empowered(self, matter_code: str, township_path: str) -> bool:
        return (matter_code, township_path) in EMPOWERED

    def calendar(self):
        return legal.CALENDAR_2026

    def department_in(self, code: str, unit_path: str) -> bool:
        return code in DEPARTMENTS and unit_path.startswith(DEPARTMENTS[code])

    def thresholds(self) -> dict:
        return self.amounts


CHILDREN = ("clue_note", "evidence")


def _tombstone(state: RecordState) -> bool:
    return state.type == "clue" and state.status in CLUE_TOMBSTONE


@dataclass
class Change:
    """One row of a pull: the record's current state, or ``None`` for a tombstone."""

    seq: int
    key: tuple[str, uuid.UUID]
    state: RecordState | None
    late: bool = False


@dataclass
class Server:
    records: dict[tuple[str, uuid.UUID], RecordState] = field(default_factory=dict)
    log: dict[uuid.UUID, tuple[int, dict]] = field(default_factory=dict)  # R1
    seq: dict[tuple[str, uuid.UUID], int] = field(default_factory=dict)
    late: set[uuid.UUID] = field(default_factory=set)  # notes flagged late (R3)
    counter: int = 0

    def __post_init__(self) -> None:
        self.refs = Refs(self.records)

    # -- jurisdiction (server/accounts/jurisdiction.py) ----------------------------------

    def visible(self, who: Actor, state: RecordState) -> bool:
        if state.type == "clue":
            return who.in_jurisdiction(state.unit_path) or (
                "grid_worker" in who.roles and state.fields.get("reporter_id") == who.user_id
            )
        if state.type in CHILDREN:
            return self.visible(who, self.records[("clue", state.parent_id)])
        if state.type == "conflict":
            return state.fields["device_by"] == who.user_id or (
                bool(who.roles & SUPERVISORS) and who.in_jurisdiction(state.unit_path)
            )
        raise LookupError(state.type)

    def load(self, who: Actor, record_type: str, record_id: uuid.UUID | None):
        state = self.records.get((record_type, record_id)) if record_id else None
        return state if state is not None and self.visible(who, state) else None

    # -- push ----------------------------------------------------------------------------

    def push(
        self,
        who: Actor,
        mutations: Iterable[Mutation],
        now: dt.datetime = NOW,
        device_now: dt.datetime | None = None,
    ) -> list[dict]:
        skew = checks.clock_skew(device_now, now)
        return [self._one(who, m, now, skew) for m in mutations]

    def _one(self, who: Actor, m: Mutation, now: dt.datetime, skew: float | None) -> dict:
        if m.id in self.log:  # R1
            user_id, first = self.log[m.id]
            if user_id != who.user_id:
                return {"mutation_id": m.id, "outcome": "rejected", "reason": "mutation_reused"}
            return {**first, "replay": True}
        current = self.load(who, m.record_type, m.record_id)
        if current is None and m.op == Op.CREATE and (m.record_type, m.record_id) in self.records:
            decision = Decision(Outcome.CONFLICT, reason="id_conflict")  # R2, not ours to see
        else:
            decision = decide(m, current, who, self._context(who, m, current, now))
        result = self._persist(m, current, decision, skew)
        self.log[m.id] = (who.user_id, result)
        return result

    def _context(self, who, m, current, now) -> Context:
        parent = target = None
        if m.record_type in CHILDREN:
            parent = self.load(who, "clue", current.parent_id if current else m.parent_id)
        if m.record_type == "conflict" and current is not None:
            f = current.fields
            target = self.load(who, f["record_type"], uuid.UUID(f["record_id"]))
        return Context(now=now, refs=self.refs, parent=parent, target=target)

    def _persist(self, m, current, decision: Decision, skew) -> dict:
        result: dict[str, Any] = {
            "mutation_id": m.id,
            "outcome": decision.outcome.value,
            "record_type": m.record_type,
            "record_id": m.record_id,
            "reason": decision.reason,
            "changed": decision.changed if decision.writes else (),
        }
        if decision.outcome == Outcome.REJECTED:
            result.update(decision.detail)  # e.g. the invalid fields, who took it first
        flags = set(decision.flags)
        if skew is not None and decision.writes:
            flags.add(Flag.CLOCK_SKEW)
        if decision.writes:
            self._write(decision.state)
            if Flag.LATE in decision.flags:
                self.late.add(decision.state.id)
            if "target" in decision.detail:
                self._write(decision.detail["target"])
        if decision.state is not None:
            result["version"] = decision.state.version
        elif current is not None:
            result["version"] = current.version
        state = decision.state or current
        result["conflicts"] = [self._open_conflict(m, state, c) for c in decision.conflicts]
        result["flags"] = sorted(flags)
        return result

    def _write(self, state: RecordState) -> None:
        key = (state.type, state.id)
        self.counter += 1
        self.records[key] = state
        self.seq[key] = self.counter

    def _open_conflict(self, m: Mutation, state: RecordState, c) -> uuid.UUID:
        # Deterministic ids, so that two runs of the same workload can be compared.
        ident = uuid.uuid5(CONFLICT_IDS, f"{m.id}/{c.field}")
        fields = {
            "record_type": m.record_type,
            "record_id": str(m.record_id),
            "field": c.field,
            "reason": c.reason,
            "server_value": c.server_value,
            "server_by": c.server_by,
            "device_value": c.device_value,
            "device_by": c.device_by,
            "status": "open",
            "kept": None,
            "resolved_by": None,
            "resolved_at": None,
        }
        self._write(RecordState("conflict", ident, 1, fields, unit_path=state.unit_path))
        return ident

    # -- pull ----------------------------------------------------------------------------

    def shown(self, state: RecordState) -> bool:
        """Whether a device keeps this record: not a tombstone, nor hanging from one."""
        if state.type in CHILDREN:
            return not _tombstone(self.records[("clue", state.parent_id)])
        return not _tombstone(state)

    def pull(self, who: Actor) -> dict[tuple[str, uuid.UUID], RecordState]:
        """The server's view of ``who``'s jurisdiction: what his device should hold."""
        return {
            key: state
            for key, state in self.records.items()
            if self.visible(who, state) and self.shown(state)
        }

    def changes(self, who: Actor, since: int, limit: int = 1000) -> tuple[list[Change], int]:
        """What changed for ``who`` after cursor ``since``, tombstones included, one page."""
        rows = sorted(
            (self.seq[key], key, state)
            for key, state in self.records.items()
            if self.seq[key] > since and self.visible(who, state)
        )[:limit]
        page = [
            Change(seq, key, state if self.shown(state) else None, state.id in self.late)
            for seq, key, state in rows
        ]
        return page, page[-1].seq if page else since

    # -- for assertions ------------------------------------------------------------------

    def snapshot(self) -> dict:
        """Everything that is the server's state, without the change sequence (which counts
        writes in arrival order, so it differs between interleavings by construction)."""
        return {"records": dict(self.records), "late": frozenset(self.late)}

    def first_results(self) -> dict[uuid.UUID, dict]:
        return {mid: result for mid, (_, result) in self.log.items()}


# -- mutations as a device makes them ----------------------------------------------------


def _id(ident: uuid.UUID | None) -> uuid.UUID:
    return ident if ident is not None else uuid.uuid4()


def create(
    record_id: uuid.UUID | None = None, mutation_id: uuid.UUID | None = None, **payload: Any
) -> Mutation:
    return Mutation(_id(mutation_id), "clue", _id(record_id), Op.CREATE, clue_payload(**payload))


def edit(
    record_id: uuid.UUID, base: int, mutation_id: uuid.UUID | None = None, **payload: Any
) -> Mutation:
    return Mutation(_id(mutation_id), "clue", record_id, Op.UPDATE, payload, base_version=base)


def step(
    record_id: uuid.UUID,
    name: str,
    mutation_id: uuid.UUID | None = None,
    record_type: str = "clue",
    **args: Any,
) -> Mutation:
    payload = {"name": name, "args": args}
    return Mutation(_id(mutation_id), record_type, record_id, Op.TRANSITION, payload)


def resolve(conflict_id: uuid.UUID, keep: str, mutation_id: uuid.UUID | None = None) -> Mutation:
    return step(conflict_id, "resolve", mutation_id, record_type="conflict", keep=keep)


def note(
    clue_id: uuid.UUID,
    text: str = "现场已拍照",
    note_id: uuid.UUID | None = None,
    mutation_id: uuid.UUID | None = None,
    kind: str = "note",
) -> Mutation:
    payload = {"kind": kind, "text": text}
    return Mutation(
        _id(mutation_id), "clue_note", _id(note_id), Op.CREATE, payload, parent_id=clue_id
    )


def delete(record_id: uuid.UUID, record_type: str = "clue") -> Mutation:
    return Mutation(uuid.uuid4(), record_type, record_id, Op.DELETE, {})
