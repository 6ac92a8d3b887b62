"""An opened case and a decided one, pushed the way phones do: test support for the
document tests."""

from __future__ import annotations

import datetime as dt
import uuid

from sync.cases import today
from tests.server.sync_kit import push_one
from tests.server.test_cases_api import case_create, case_step, inspection

PARTY = {
    "kind": "person",
    "name": "张三",
    "id_number": "330000199001011234",
    "address": "遂昌县大柘镇大柘村12号",
    "phone": "13800000000",
}


def opened_case(world, officer, leader, party: dict | None = None, township: str = "a") -> str:
    """A general case of the township's clue, opened, with an inspection record by two
    officers (the party refused to sign it); returns its id."""
    created = case_create(world.clues[f"clue_{township}"], party=party or PARTY)
    assert push_one(officer, created)["outcome"] == "applied"
    case_id = created["record_id"]
    assert push_one(leader, case_step(case_id, "approve_opening"))["outcome"] == "applied"
    officers = [world.users[f"officer_{township}"], world.users[f"leader_{township}"]]
    record = inspection(case_id, officers)
    record["payload"]["party_refusal"] = "当事人拒绝签名"
    assert push_one(officer, record)["outcome"] == "applied"
    return case_id


def decided_case(world, officer, leader, party: dict | None = None, township: str = "a") -> str:
    """A general case of the township's clue decided with a 500-yuan fine; returns its id."""
    case_id = opened_case(world, officer, leader, party, township)
    day = today(dt.datetime.now(dt.UTC)).isoformat()
    fine = {"kind": "fine", "amount_fen": 500_00}
    assert (
        push_one(officer, case_step(case_id, "notify", penalty=fine, notified_on=day))["outcome"]
        == "applied"
    )
    assert push_one(leader, case_step(case_id, "decide", penalty=fine))["outcome"] == "applied"
    assert uuid.UUID(case_id)
    return case_id
