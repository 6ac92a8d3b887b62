"""A township's case desk for the tests of ``sync/``: its records, and the rules
(``sync.rules.decide``) applied to them one mutation at a time, on 2026's days in China;
the kit of the case and collaboration tests.

A case here comes from a clue in township T1; O1 and O2 are its certified officers, L1 is
its leader (tests/sync/kit.py).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from sync.rules import Context, decide
from sync.types import Actor, Decision, Mutation, Op, Outcome, RecordState
from tests.sync.kit import L1, O1, UNITS, Refs, clue_payload

CN = dt.timezone(dt.timedelta(hours=8))


def at(day: str, hour: int = 10) -> dt.datetime:
    """A moment of a day in China."""
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=CN)


def case_payload(**overrides) -> dict:
    body = {
        "procedure": "general",
        "matter_code": "SR-001",
        "party": {"kind": "person", "name": "张三", "id_number": "330000199001011234"},
        "facts": "在大柘村村口露天焚烧秸秆约二十平方米",
        "violation_on": "2026-03-02",
    }
    body.update(overrides)
    return body


@dataclass
class Desk:
    """The records of one township, and the rules applied to them one mutation at a time."""

    now: dt.datetime = field(default_factory=lambda: at("2026-03-02"))
    records: dict = field(default_factory=dict)

    def __post_init__(self):
        self.refs = Refs(self.records)
        self.clue = uuid.uuid4()
        self.records[("clue", self.clue)] = RecordState(
            "clue",
            self.clue,
            1,
            {**clue_payload(), "status": "in_progress", "unit_code": "G1", "reporter_id": 1},
            unit_path=UNITS["G1"],
        )

    def push(self, who: Actor, record_type, record_id, op, payload, parent_id=None) -> Decision:
        current = self.records.get((record_type, record_id))
        parent_type = {"case": "clue", "inspection": "case"}.get(record_type)
        parent = self.records.get((parent_type, parent_id)) if parent_id else None
        # An edit is made against the version the device shows (R4).
        base = current.version if op == Op.UPDATE and current else None
        m = Mutation(
            uuid.uuid4(),
            record_type,
            record_id,
            op,
            payload,
            base_version=base,
            parent_id=parent_id,
        )
        d = decide(m, current, who, Context(now=self.now, refs=self.refs, parent=parent))
        if d.writes:
            self.records[(record_type, record_id)] = d.state
            target = d.detail.get("target")
            if target is not None:
                self.records[(target.type, target.id)] = target
        return d

    def propose(self, who: Actor = O1, **overrides) -> tuple[uuid.UUID, Decision]:
        case_id = uuid.uuid4()
        d = self.push(who, "case", case_id, Op.CREATE, case_payload(**overrides), self.clue)
        return case_id, d

    def step(self, who: Actor, case_id, name: str, **args) -> Decision:
        return self.push(who, "case", case_id, Op.TRANSITION, {"name": name, "args": args})

    def decide_on_spot(self, who: Actor, case_id, **args) -> Decision:
        """当场处罚 (arts. 51–52): by default a warning, officers 11 and 12 (art. 42), the
        certificate shown, the party waiving his statement; any argument overrides."""
        defaults = {
            "officers": [11, 12],
            "penalty": {"kind": "warning", "amount_fen": 0},
            "certificate_shown": True,
            "statement_kind": "waived",
        }
        return self.step(who, case_id, "decide_on_spot", **{**defaults, **args})

    def inspect(self, who: Actor, case_id, officers, started="2026-03-03T10:00:00+08:00"):
        payload = {
            "officers": officers,
            "started_at": started,
            "ended_at": started.replace("10:00", "10:40"),
            "place": "大柘村村口",
            "findings": "现场有焚烧痕迹，面积约二十平方米",
            "certificates_shown": True,
            "party_present": True,
        }
        return self.push(who, "inspection", uuid.uuid4(), Op.CREATE, payload, case_id)

    def case(self, case_id) -> dict:
        return dict(self.records[("case", case_id)].fields)


def opened(desk: Desk, **overrides) -> uuid.UUID:
    case_id, d = desk.propose(**overrides)
    assert d.outcome == Outcome.APPLIED, d
    assert desk.step(L1, case_id, "approve_opening").outcome == Outcome.APPLIED
    return case_id


def notified(desk: Desk, amount_fen=500_00, kind="fine", waived=True, **overrides) -> uuid.UUID:
    """A case notified on 2026-03-03; by default the party waived its statement that day."""
    case_id = opened(desk, **overrides)
    desk.now = at("2026-03-03", 12)
    assert desk.inspect(O1, case_id, [11, 12]).outcome == Outcome.APPLIED
    penalty = {"kind": kind, "amount_fen": amount_fen}
    d = desk.step(O1, case_id, "notify", penalty=penalty, notified_on="2026-03-03")
    assert d.outcome == Outcome.APPLIED, d
    if waived:
        waive(desk, case_id)
    return case_id


def waive(desk: Desk, case_id, on: str | None = None) -> None:
    """The party expressly gives up stating and defending (art. 62), on the notice's day:
    the decision need not wait for the period to run out."""
    on = on or desk.case(case_id)["notified_on"]
    d = desk.step(O1, case_id, "record_statement", received_on=on, kind="waived")
    assert d.outcome == Outcome.APPLIED, d


def refused(d: Decision, reason: str) -> bool:
    return d.outcome == Outcome.REJECTED and d.reason == reason


def confirm(desk: Desk, who: Actor, record_id) -> Decision:
    """``who`` confirms on his own device that he was at the inspection (art. 42)."""
    step = {"name": "confirm_presence", "args": {}}
    return desk.push(who, "inspection", record_id, Op.TRANSITION, step)


# -- collaboration requests (执法协作申请), as a phone or the desk makes them ----------------


def ask(desk: Desk, case_id, who: Actor = O1, **overrides) -> tuple[uuid.UUID, Decision]:
    """A collaboration request on a case, as a phone or the desk makes it."""
    body = {
        "department": "D-LAND",
        "kind": "determination",
        "question": "请认定该地块是否属于基本农田",
        "sent_on": "2026-03-05",
    }
    body.update(overrides)
    ident = uuid.uuid4()
    m = Mutation(uuid.uuid4(), "collaboration", ident, Op.CREATE, body, parent_id=case_id)
    return ident, apply_collaboration(desk, m, who)


def act(desk: Desk, who: Actor, ident, name: str, **args) -> Decision:
    payload = {"name": name, "args": args}
    m = Mutation(uuid.uuid4(), "collaboration", ident, Op.TRANSITION, payload)
    return apply_collaboration(desk, m, who)


def apply_collaboration(desk: Desk, m: Mutation, who: Actor) -> Decision:
    current = desk.records.get(("collaboration", m.record_id))
    parent_id = current.parent_id if current is not None else m.parent_id
    parent = desk.records.get(("case", parent_id)) if parent_id else None
    d = decide(m, current, who, Context(now=desk.now, refs=desk.refs, parent=parent))
    if d.writes:
        desk.records[("collaboration", m.record_id)] = d.state
    return d
