"""A case transferred out (移送) to a county department on the platform (issue 21): the
department sees it, with its file, receives it and names the case it opened; the township's
case shows it. Another department, and a transfer named in words alone, see nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from sync.cases import today
from tests.server.case_kit import case_step, opened_case, request_for
from tests.server.evidence_kit import phone_photo, record_evidence
from tests.server.sync_kit import pull_all, push_one


@pytest.fixture
def app(make_app):
    return make_app(LOGIN_RATE_LIMIT="1000 per minute")


def _day() -> str:
    return today(dt.datetime.now(dt.UTC)).isoformat()


def transfer(case_id, **args) -> dict:
    body = {
        "agency": "县自然资源和规划局",
        "reason": "经查属非法占地，不属本机关管辖",
        "received_by": "李四",
        "decided_on": _day(),
        **args,
    }
    return case_step(case_id, "transfer_case", **body)


def cases_of(session) -> dict:
    return {c["id"]: c["data"] for c in pull_all(session)["changes"] if c["record_type"] == "case"}


def test_the_department_receives_a_case_transferred_to_it_and_the_township_reads_its_number(
    app, world, login
):
    officer, leader = login("officer_a"), login("leader_a")
    case_id = opened_case(world, officer, leader)
    department, other = login("department"), login("department_b")
    assert case_id not in cases_of(department)  # not yet its
    photos = f"/api/v1/clues/{world.clues['clue_a']}/evidence"
    assert department.get(photos).status_code == 404
    moved = push_one(leader, transfer(case_id, department="ZRZY"))
    assert moved["outcome"] == "applied", moved
    # The department now pulls the case, with its file; the other department does not.
    held = cases_of(department)
    assert held[case_id]["status"] == "transferred_out"
    assert held[case_id]["transferred_to"] == "ZRZY" and held[case_id]["party"]["name"]
    assert case_id not in cases_of(other)
    # With its evidence: the clue's photos, for the department it went to alone.
    assert department.get(photos).status_code == 200
    assert other.get(photos).status_code == 404

    # Only the department it was sent to receives it.
    def receive():
        return case_step(
            case_id, "receive_transfer", case_no="遂自然资罚立〔2026〕18号", received_on=_day()
        )

    assert push_one(other, receive())["reason"] == "not_found"
    assert push_one(officer, receive())["reason"] == "forbidden"
    received = push_one(department, receive())
    assert received["outcome"] == "applied", received
    # The township's case shows where the matter went and the department's case number.
    data = cases_of(officer)[case_id]
    assert data["status"] == "transfer_received"
    assert data["department_case_no"] == "遂自然资罚立〔2026〕18号"
    assert data["transfer_received_on"] == _day()
    # Once: the same step again by the department is the one in effect; another number is
    # refused, the first stands.
    assert push_one(department, receive())["outcome"] == "duplicate"
    again = case_step(case_id, "receive_transfer", case_no="另号", received_on=_day())
    assert push_one(department, again)["reason"] == "case_transfer_received"
    assert cases_of(officer)[case_id]["department_case_no"] == "遂自然资罚立〔2026〕18号"


def test_a_transfer_named_in_words_alone_is_seen_by_no_department(app, world, login):
    officer, leader = login("officer_a"), login("leader_a")
    case_id = opened_case(world, officer, leader)
    assert push_one(leader, transfer(case_id, agency="某市中级人民法院"))["outcome"] == "applied"
    assert case_id not in cases_of(login("department"))
    # An unknown department is refused by name, and nothing moves.
    other = opened_case(world, officer, leader)
    refused = push_one(leader, transfer(other, department="NOPE"))
    assert refused["outcome"] == "rejected" and "department" in str(refused.get("fields"))
    assert cases_of(officer)[other]["status"] != "transferred_out"


def test_a_department_device_already_synced_pulls_the_case_and_its_records_when_it_comes(
    app, world, login
):
    """R11, entering: the department's phone had synced before the transfer; its next pull
    brings the case with the inspection record made long before (its whole history)."""
    officer, leader = login("officer_a"), login("leader_a")
    photo = record_evidence(officer, world.clues["clue_a"], phone_photo())
    case_id = opened_case(world, officer, leader)  # with an inspection record by two officers
    department = login("department")
    # Something of the department's own written after that record (a request to it on
    # another case), so its phone's cursor is past the record when the transfer comes.
    other = opened_case(world, officer, leader)
    asked = push_one(officer, request_for(other))
    assert asked["outcome"] == "applied", asked
    first = pull_all(department)
    assert [c["record_type"] for c in first["changes"]] == ["collaboration"]
    cursor = first["cursor"]
    assert push_one(leader, transfer(case_id, department="ZRZY"))["outcome"] == "applied"
    changes = pull_all(department, cursor)["changes"]
    got = {(c["record_type"], c["data"].get("case_id") or c["id"]) for c in changes}
    assert ("case", case_id) in got
    assert ("inspection", case_id) in got
    # The case's clue comes with it (the report, the place), and the clue's photos: what a
    # cold pull of the department sends, its incremental pull sent too.
    clue_id = str(world.clues["clue_a"])
    assert ("clue", clue_id) in got
    photos = {c["id"] for c in changes if c["record_type"] == "evidence"}
    cold = pull_all(department)["changes"]
    assert photos == {photo} == {c["id"] for c in cold if c["record_type"] == "evidence"}

    # Given back to the township, the case, its clue and the photos leave the device.
    cursor = pull_all(department, cursor)["cursor"]
    back = case_step(case_id, "return_transfer", reason="非本部门职责")
    assert push_one(department, back)["outcome"] == "applied"
    given = case_step(case_id, "arbitrate_to_township", note="由乡镇办理")
    assert push_one(login("dispatcher_county"), given)["outcome"] == "applied"
    changes = pull_all(department, cursor)["changes"]
    gone = {(c["record_type"], c["id"]) for c in changes if c["deleted"]}
    assert {("case", case_id), ("clue", clue_id)} <= gone
    assert {("evidence", p) for p in photos} <= gone
    assert not [c for c in changes if not c["deleted"]]


def test_a_department_sends_a_transferred_case_back_and_the_county_arbitrates(app, world, login):
    """争议协调, for a case as for a clue: the department it was addressed to may send it
    back with its reason; the county command centre (not the township's own room) decides.
    Upheld, it is the department's again; given back, the township investigates it again
    and the case leaves the department's devices (R11)."""
    officer, leader = login("officer_a"), login("leader_a")
    case_id = opened_case(world, officer, leader)
    department, other = login("department"), login("department_b")
    assert push_one(leader, transfer(case_id, department="ZRZY"))["outcome"] == "applied"

    def back(reason="经核查不属本部门职责，应由乡镇依法处理"):
        return case_step(case_id, "return_transfer", reason=reason)

    assert push_one(other, back())["reason"] == "not_found"
    assert push_one(officer, back())["reason"] == "forbidden"
    empty = push_one(department, case_step(case_id, "return_transfer", reason=""))
    assert empty["outcome"] == "rejected" and "reason" in str(empty.get("fields")), empty
    sent_back = push_one(department, back())
    assert sent_back["outcome"] == "applied", sent_back
    data = cases_of(officer)[case_id]
    assert data["status"] == "transfer_disputed"
    assert data["transfer_returned_reason"] == "经核查不属本部门职责，应由乡镇依法处理"
    # Sent back, it cannot be received as well.
    received = case_step(case_id, "receive_transfer", case_no="X", received_on=_day())
    assert push_one(department, received)["reason"] == "case_transfer_disputed"

    # The township's own command room may not decide its own dispute; the county's may.
    own = push_one(leader, case_step(case_id, "uphold_transfer", note="维持"))
    assert own["reason"] == "forbidden", own
    county = login("dispatcher_county")
    upheld = push_one(county, case_step(case_id, "uphold_transfer", note="属自然资源部门职责"))
    assert upheld["outcome"] == "applied", upheld
    data = cases_of(department)[case_id]
    assert data["status"] == "transferred_out" and data["arbitration_note"] == "属自然资源部门职责"

    # Sent back again and this time given to the township: it investigates again, its 90
    # days running from the opening as before, and the department no longer holds it.
    assert push_one(department, back("仍不属本部门职责"))["outcome"] == "applied"
    given = push_one(county, case_step(case_id, "arbitrate_to_township", note="由乡镇继续办理"))
    assert given["outcome"] == "applied", given
    data = cases_of(officer)[case_id]
    assert data["status"] == "investigating" and data["transferred_to"] is None
    assert data["ended_on"] is None and data["transferred_agency"] is None
    assert data["arbitration_note"] == "由乡镇继续办理"
    assert case_id not in cases_of(department)
    photos = f"/api/v1/clues/{world.clues['clue_a']}/evidence"
    assert department.get(photos).status_code == 404


def test_the_county_board_counts_case_transfers_and_lists_the_open_ones(app, world, login):
    officer, leader = login("officer_a"), login("leader_a")
    waiting, disputed, received = (opened_case(world, officer, leader) for _ in range(3))
    for case_id in (waiting, disputed, received):
        assert push_one(leader, transfer(case_id, department="ZRZY"))["outcome"] == "applied"
    department = login("department")
    push_one(department, case_step(disputed, "return_transfer", reason="非本部门职责"))
    push_one(department, case_step(received, "receive_transfer", case_no="Z-1", received_on=_day()))
    county = login("dispatcher_county")
    r = county.get("/api/v1/units/331123/departments", query_string={"from": _day(), "to": _day()})
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    [land] = [d for d in body["departments"] if d["code"] == "ZRZY"]
    assert land["transfers"] == 3 and land["transfer_disputed"] == 1
    assert land["transfer_accepted"] == {"count": 1, "of": 3, "share": 0.3333}
    opened = {(i["kind"], i["id"], i["status"]) for i in body["open"]["items"]}
    assert opened == {
        ("case_transfer", waiting, "transferred_out"),
        ("case_transfer", disputed, "transfer_disputed"),
    }
    assert body["open"]["total"] == 2
