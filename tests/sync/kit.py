"""The kit of the tests of ``sync/``: a county, its people and references, mutations as a
device makes them, and ``Server``: the batch engine (``sync.engine``) over the in-memory
store (``sync.memory``), the same engine the server runs over its SQL store.

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
from sync.engine import Engine
from sync.memory import MemoryStore
from sync.types import Actor, Mutation, Op, RecordState

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
# The rule the county's units extend the 90 days by (art. 60): once, by up to 30 days.
EXTENSION_BASIS = "《市场监督管理行政处罚程序规定》第六十四条"
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
O4 = actor(14, "officer", "T1")  # on no case's records here: a hearing's host (art. 64)
D1 = actor(21, "dispatcher", "T1")
L1 = actor(22, "leader", "T1")
D2 = actor(23, "dispatcher", "T2")
R1 = actor(24, "reviewer", "T1")
R2 = actor(25, "reviewer", "T1")  # holds no 法律职业资格 (art. 58)
LEGALLY_QUALIFIED = {R1.user_id}
OFFICERS = {a.user_id: a.unit_path for a in (O1, O2, O3, O4)}
# 执法证: O1 and O2 hold certificates valid through 2027, O3's ran out at the end of 2025.
CERTIFICATES = {
    11: (11, "33110011", dt.date(2024, 1, 1), dt.date(2027, 12, 31)),
    12: (12, "33110012", dt.date(2024, 1, 1), dt.date(2027, 12, 31)),
    13: (13, "33110013", dt.date(2021, 1, 1), dt.date(2025, 12, 31)),
    # A county department's two inspectors (users 31 and 32).
    31: (31, "33110031", dt.date(2024, 1, 1), dt.date(2027, 12, 31)),
    32: (32, "33110032", dt.date(2024, 1, 1), dt.date(2027, 12, 31)),
}


# Inspection visits (双随机): 1 drawn to O1 and O2 in T1, over June 2025; 2 to O1 and O3
# in T1; 3 to a department's two inspectors (31, 32), the county's (no township's); 4 to
# O1 and O3 in January 2026, when O3's certificate had run out.
_CHECKLIST = [
    {"matter_code": "SR-001", "department": "D-ENV"},
    {"matter_code": "CG-010", "department": "T1"},
]
_JUNE = (dt.date(2025, 6, 1), dt.date(2025, 6, 30))
VISITS = {
    1: {"officers": [11, 12], "unit_path": UNITS["T1"], "status": "planned", "period": _JUNE,
        "checklist": _CHECKLIST},
    2: {"officers": [11, 13], "unit_path": UNITS["T1"], "status": "planned", "period": _JUNE,
        "checklist": _CHECKLIST},
    3: {"officers": [31, 32], "unit_path": UNITS["C"], "status": "planned", "period": _JUNE,
        "checklist": _CHECKLIST[:1]},
    4: {"officers": [11, 13], "unit_path": UNITS["T1"], "status": "planned",
        "period": (dt.date(2026, 1, 1), dt.date(2026, 1, 31)), "checklist": _CHECKLIST},
}  # fmt: skip


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
    # When clues reached the server (arts. 24, 36, 38): unknown ones are dated ``now``.
    reported: dict[uuid.UUID, dt.datetime] = field(default_factory=dict)
    grants: dict[tuple[str, str], tuple[dt.datetime, dt.datetime | None]] = field(
        default_factory=dict
    )

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

    def empowered(self, matter_code: str, township_path: str, at=None) -> bool:
        """``EMPOWERED`` always held; ``grants`` (matter, township) → (granted, revoked or
        None) for a test of the history."""
        if (matter_code, township_path) in self.grants:
            granted, revoked = self.grants[(matter_code, township_path)]
            at = at or NOW
            return granted <= at and (revoked is None or revoked > at)
        return (matter_code, township_path) in EMPOWERED

    def statement_days(self) -> int:
        return 5

    def summary_filing_days(self) -> int:
        return 3

    def extension_rule(self) -> dict:
        return {"basis": EXTENSION_BASIS, "max_days": 30, "times": 1}

    def legally_qualified(self, user_id: int) -> bool:
        return user_id in LEGALLY_QUALIFIED

    def investigators(self, case_id: uuid.UUID) -> set[int]:
        return {
            officer
            for (rtype, _), s in self.records.items()
            if rtype == "inspection" and s.parent_id == case_id
            for officer in s.fields.get("officers") or []
        }

    def fined_before(self, party_id, matter_code, violation_on, unit_path, other_than):
        for (rtype, rid), s in self.records.items():
            f = s.fields
            if (
                rtype == "case"
                and rid != other_than
                and s.unit_path == unit_path
                and f.get("decided_on")
                and (f.get("penalty") or {}).get("kind") == "fine"
                and ((f.get("party") or {}).get("id_number") or "").strip().upper() == party_id
                and (f.get("matter_code"), f.get("violation_on")) == (matter_code, violation_on)
            ):
                return f.get("code") or str(rid)
        return None

    def reported_at(self, clue_id: uuid.UUID):
        return self.reported.get(clue_id)

    def calendar(self):
        return legal.CALENDAR_2026

    def department_in(self, code: str, unit_path: str) -> bool:
        return code in DEPARTMENTS and unit_path.startswith(DEPARTMENTS[code])

    def thresholds(self) -> dict:
        return self.amounts

    def visit(self, visit_id: int) -> dict | None:
        """``VISITS``; done once a record of it is held (the server's visit row says so)."""
        visit = VISITS.get(visit_id)
        if visit is None:
            return None
        done = any(
            rtype == "visit_record" and s.fields["visit_id"] == visit_id
            for (rtype, _), s in self.records.items()
        )
        return {**visit, "status": "done"} if done else visit


class Server:
    """The real batch engine (``sync.engine``) over the in-memory store (``sync.memory``),
    with the answers in the tests' Python types (ids as UUIDs, conflicts by id). Not a
    second engine: every decision is the engine's."""

    def __init__(self) -> None:
        self.store = MemoryStore(Refs({}))
        self.store.refs.records = self.store.records
        self._conflicts = 0
        self.changed: dict[uuid.UUID, tuple[str, ...]] = {}  # what each mutation wrote

    @property
    def records(self) -> dict[tuple[str, uuid.UUID], RecordState]:
        return self.store.records

    @property
    def refs(self) -> Refs:
        return self.store.refs

    @property
    def late(self) -> set[uuid.UUID]:
        return self.store.late

    @property
    def seq(self) -> dict:
        return self.store.seq

    def push(
        self,
        who: Actor,
        mutations: Iterable[Mutation],
        now: dt.datetime = NOW,
        device_now: dt.datetime | None = None,
    ) -> list[dict]:
        mutations = list(mutations)
        engine = Engine(
            self.store.for_actor(who),
            who,
            now,
            skew_s=checks.clock_skew(device_now, now),
            new_id=self._conflict_id,
        )
        batch = engine.run(mutations)
        self.store.commit(batch, mutations)
        self.changed.update(batch.changed)
        return [_typed(r, batch.changed) for r in batch.results]

    def _conflict_id(self) -> uuid.UUID:
        # Deterministic ids, so that two runs of the same workload can be compared.
        self._conflicts += 1
        return uuid.uuid5(CONFLICT_IDS, str(self._conflicts))

    def load(self, who: Actor, record_type: str, record_id: uuid.UUID | None):
        state = self.records.get((record_type, record_id)) if record_id else None
        return state if state is not None and self.store.visible(who, state) else None

    def visible(self, who: Actor, state: RecordState) -> bool:
        return self.store.visible(who, state)

    def pull(self, who: Actor) -> dict[tuple[str, uuid.UUID], RecordState]:
        return self.store.pull(who)

    def changes(self, who: Actor, since: int, limit: int = 1000, whole: bool | None = None):
        return self.store.changes(who, since, limit, whole)

    def snapshot(self) -> dict:
        """Everything that is the server's state, without the change sequence (which counts
        writes in arrival order, so it differs between interleavings by construction)."""
        return {"records": dict(self.records), "late": frozenset(self.late)}

    def first_results(self) -> dict[uuid.UUID, dict]:
        return {
            mid: _typed(logged.result, self.changed) for mid, (logged, _) in self.store.log.items()
        }


def _typed(result: dict, changed: dict) -> dict:
    """An answer as JSON gives it, with ids as UUIDs and conflicts by id."""
    typed = dict(result)
    for name in ("mutation_id", "record_id"):
        if typed.get(name) is not None:
            typed[name] = uuid.UUID(typed[name])
    typed["conflicts"] = [uuid.UUID(c["id"]) for c in result.get("conflicts", [])]
    typed.setdefault("reason", None)
    typed.setdefault("flags", [])
    if "mutation_id" in typed and not typed.get("replay"):
        typed["changed"] = changed.get(typed["mutation_id"], ())
    return typed


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
