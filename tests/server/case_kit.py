"""Cases as an officer's device makes them: the mutations that open a case, step it, record
an inspection and ask a department for collaboration; and an opened case and a decided one,
pushed the way phones do. The kit of the case, collaboration, calendar, document and
indicator tests."""

from __future__ import annotations

import datetime as dt
import uuid

from server.core.db import utcnow
from sync.cases import today
from tests.server.sync_kit import mutation, push_one

CHINA = dt.timezone(dt.timedelta(hours=8))


def case_create(clue_id, **overrides) -> dict:
    body = {
        "procedure": "general",
        "matter_code": "SR-001",
        "party": {"kind": "person", "name": "张三", "id_number": "330000199001011234"},
        "facts": "在大柘村村口露天焚烧秸秆约二十平方米",
        "violation_on": today(dt.datetime.now(dt.UTC)).isoformat(),
    }
    body.update(overrides)
    return mutation("case", uuid.uuid4(), "create", body, parent_id=clue_id)


def case_step(case_id, name: str, **args) -> dict:
    return mutation("case", case_id, "transition", {"name": name, "args": args})


def inspection(case_id, officers: list[int]) -> dict:
    start = dt.datetime.now(CHINA) - dt.timedelta(minutes=30)
    return mutation(
        "inspection",
        uuid.uuid4(),
        "create",
        {
            "officers": officers,
            "started_at": start.isoformat(),
            "ended_at": (start + dt.timedelta(minutes=20)).isoformat(),
            "place": "大柘村村口",
            "findings": "现场有焚烧痕迹",
            "certificates_shown": True,
            "party_present": True,
        },
        parent_id=case_id,
    )


def confirm(record_id) -> dict:
    """An officer named on an inspection record confirms he was there (art. 42)."""
    return mutation("inspection", record_id, "transition", {"name": "confirm_presence", "args": {}})


def request_for(case_id, **overrides) -> dict:
    body = {
        "department": "ZRZY",
        "kind": "determination",
        "question": "请认定涉案地块是否属于永久基本农田",
        "sent_on": today(utcnow()).isoformat(),
    }
    body.update(overrides)
    return mutation("collaboration", uuid.uuid4(), "create", body, parent_id=case_id)


def collaboration_step(ident, name: str, **args) -> dict:
    return mutation("collaboration", ident, "transition", {"name": name, "args": args})


PARTY = {
    "kind": "person",
    "name": "张三",
    "id_number": "330000199001011234",
    "address": "遂昌县大柘镇大柘村12号",
    "phone": "13800000000",
}


def opened_case(
    world, officer, leader, party: dict | None = None, township: str = "a", **fields
) -> str:
    """A general case of the township's clue, opened, with an inspection record by two
    officers, the second of whom confirmed it (the party refused to sign it); returns its id.
    ``fields``: more of its facts."""
    created = case_create(world.clues[f"clue_{township}"], party=party or PARTY, **fields)
    assert push_one(officer, created)["outcome"] == "applied"
    case_id = created["record_id"]
    assert push_one(leader, case_step(case_id, "approve_opening"))["outcome"] == "applied"
    officers = [world.users[f"officer_{township}"], world.users[f"leader_{township}"]]
    record = inspection(case_id, officers)
    record["payload"]["party_refusal"] = "当事人拒绝签名"
    assert push_one(officer, record)["outcome"] == "applied"
    assert push_one(leader, confirm(record["record_id"]))["outcome"] == "applied"
    return case_id


def waive(officer, case_id, day: str) -> None:
    """The party expressly gives up stating and defending (art. 62) on ``day``: the
    decision need not wait for the period the notice named."""
    step = case_step(case_id, "record_statement", received_on=day, kind="waived")
    assert push_one(officer, step)["outcome"] == "applied"


def decided_case(world, officer, leader, party: dict | None = None, township: str = "a") -> str:
    """A general case of the township's clue decided with a 500-yuan fine, the party having
    waived its statement; returns its id."""
    case_id = opened_case(world, officer, leader, party, township)
    day = today(dt.datetime.now(dt.UTC)).isoformat()
    fine = {"kind": "fine", "amount_fen": 500_00}
    assert (
        push_one(officer, case_step(case_id, "notify", penalty=fine, notified_on=day))["outcome"]
        == "applied"
    )
    waive(officer, case_id, day)
    assert push_one(leader, case_step(case_id, "decide", penalty=fine))["outcome"] == "applied"
    assert uuid.UUID(case_id)
    return case_id
