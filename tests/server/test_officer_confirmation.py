# ruff: noqa: F811 (the app fixture is imported: a weekends-only working calendar)
"""Issue 23, on SQLite and PostgreSQL: an inspection record (现场检查笔录) names two officers
(行政处罚法 第四十二条), and the second confirms on his own device that he was there. Until he
has, the record awaits him, the pull says so, and no document prints him as signing."""

from __future__ import annotations

import sqlalchemy as sa

from server.audit.models import AuditEntry
from server.catalogue.models import Matter
from server.core.db import db
from tests.server.calendar_kit import app  # noqa: F401 (a weekends-only calendar)
from tests.server.case_kit import PARTY, case_create, case_step, confirm, inspection
from tests.server.documents_kit import text_of
from tests.server.sync_kit import pull_all, push, push_one, view


def recorded(world, officer, leader) -> tuple[str, str]:
    """An opened case of township A and officer_a's record naming him and leader_a."""
    created = case_create(world.clues["clue_a"], party=PARTY)
    assert push_one(officer, created)["outcome"] == "applied"
    case_id = created["record_id"]
    assert push_one(leader, case_step(case_id, "approve_opening"))["outcome"] == "applied"
    record = inspection(case_id, [world.users["officer_a"], world.users["leader_a"]])
    record["payload"]["party_refusal"] = "当事人拒绝签名"
    assert push_one(officer, record)["outcome"] == "applied"
    return case_id, record["record_id"]


def issue_record(session, case_id, record_id):
    body = {"kind": "inspection_record", "inspection_id": record_id}
    return session.post(f"/api/v1/cases/{case_id}/documents", json=body)


def test_the_second_officer_confirms_and_only_then_the_record_is_complete(app, world, login):
    officer, leader = login("officer_a"), login("leader_a")
    case_id, record_id = recorded(world, officer, leader)
    me, second = world.users["officer_a"], world.users["leader_a"]

    first = pull_all(officer)
    held = view(first["changes"])[("inspection", record_id)]["data"]
    assert held["status"] == "awaiting_confirmation"
    assert (held["confirmed_by"], held["awaiting_confirmation"]) == ([me], [second])
    # Not printable as signed by both: refused, naming who it awaits, and no number taken.
    r = issue_record(officer, case_id, record_id)
    assert r.status_code == 409, r.get_json()
    assert r.get_json()["error"] == "awaiting_confirmation"
    assert "leader_a" in r.get_json()["fields"]["inspection_id"][0]

    done = push_one(leader, confirm(record_id))
    assert done["outcome"] == "applied" and done["version"] == 2, done
    # The author's next pull brings the record again, now complete.
    after = view(pull_all(officer, first["cursor"])["changes"])[("inspection", record_id)]
    assert after["version"] == 2
    data = after["data"]
    assert data["status"] == "complete" and data["awaiting_confirmation"] == []
    assert data["confirmed_by"] == [me, second]
    assert [c["officer_id"] for c in data["confirmations"]] == [second]

    r = issue_record(officer, case_id, record_id)
    assert r.status_code == 201, r.get_json()
    text = text_of(officer.get(f"/api/v1/documents/{r.get_json()['id']}.pdf").data)
    assert "ZJ-officer_a" in text and "ZJ-leader_a" in text
    with app.app_context():  # the confirmation is in the record's history
        entries = db.session.execute(
            sa.select(AuditEntry.action).where(AuditEntry.record_id == record_id)
        ).scalars()
        assert "sync.transition" in set(entries)


def test_nobody_else_confirms_for_him_and_the_reason_is_named(app, world, login):
    officer, leader = login("officer_a"), login("leader_a")
    case_id, record_id = recorded(world, officer, leader)

    by_author = push_one(officer, confirm(record_id))
    assert by_author["outcome"] == "rejected" and by_author["reason"] == "author_cannot_confirm"
    assert "officers" in by_author["fields"]
    not_named = push_one(login("dispatcher_a"), confirm(record_id))
    assert not_named["outcome"] == "rejected" and not_named["reason"] == "not_named_officer"
    assert "officers" in not_named["fields"]
    # Another township's officer: as if the record did not exist, on the push and the issue.
    stranger = login("officer_b")
    foreign = push_one(stranger, confirm(record_id))
    assert foreign["outcome"] == "rejected" and foreign["reason"] == "not_found"
    assert issue_record(stranger, case_id, record_id).status_code == 404

    held = view(pull_all(officer)["changes"])[("inspection", record_id)]
    assert held["version"] == 1 and held["data"]["status"] == "awaiting_confirmation"


def test_confirming_twice_changes_nothing(app, world, login):
    officer, leader = login("officer_a"), login("leader_a")
    _, record_id = recorded(world, officer, leader)
    once = confirm(record_id)
    assert push_one(leader, once)["outcome"] == "applied"
    # The same mutation again (a lost answer): its first answer; a new one: refused.
    [replayed] = push(leader, once)
    assert replayed["outcome"] == "applied" and replayed["replay"] is True
    again = push_one(leader, confirm(record_id))
    assert again["outcome"] == "rejected" and again["reason"] == "already_confirmed"
    held = view(pull_all(officer)["changes"])[("inspection", record_id)]
    assert held["version"] == 2 and len(held["data"]["confirmations"]) == 1


# -- the on-the-spot decision (arts. 42, 51) -------------------------------------------------------


def decided_on_spot(app, world, officer) -> str:
    """A warning decided on the spot by officer_a, naming him and leader_a."""
    with app.app_context():
        db.session.get(Matter, world.matters["SR-001"].id).summary_procedure_allowed = True
        db.session.commit()
    created = case_create(world.clues["clue_a"], party=PARTY, procedure="summary")
    assert push_one(officer, created)["outcome"] == "applied"
    case_id = created["record_id"]
    both = [world.users["officer_a"], world.users["leader_a"]]
    step = case_step(
        case_id,
        "decide_on_spot",
        officers=both,
        penalty={"kind": "warning", "amount_fen": 0},
        certificate_shown=True,
        statement_kind="waived",
    )
    assert push_one(officer, step)["outcome"] == "applied"
    return case_id


def test_an_on_the_spot_decision_is_issued_in_two_names_once_the_second_confirms(app, world, login):
    officer, leader = login("officer_a"), login("leader_a")
    case_id = decided_on_spot(app, world, officer)
    second = world.users["leader_a"]
    first = pull_all(officer)
    assert view(first["changes"])[("case", case_id)]["data"]["on_spot_awaiting"] == [second]
    summary = {"kind": "summary_decision", "party_refusal": "当事人拒绝签收"}
    r = officer.post(f"/api/v1/cases/{case_id}/documents", json=summary)
    assert r.status_code == 409 and r.get_json()["error"] == "awaiting_confirmation"
    assert "leader_a" in r.get_json()["fields"]["on_spot_officers"][0]

    # Nobody confirms for him: the decider, an officer not named, another township's.
    confirm_step = case_step(case_id, "confirm_on_spot")
    for who, reason in (
        ("officer_a", "forbidden"),
        ("dispatcher_a", "forbidden"),
        ("officer_b", "not_found"),
    ):
        answer = push_one(login(who), case_step(case_id, "confirm_on_spot"))
        assert (answer["outcome"], answer["reason"]) == ("rejected", reason), (who, answer)

    assert push_one(leader, confirm_step)["outcome"] == "applied"
    [replayed] = push(leader, confirm_step)  # a lost answer: the first one again
    assert replayed["outcome"] == "applied" and replayed["replay"] is True
    again = push_one(leader, case_step(case_id, "confirm_on_spot"))
    assert (again["outcome"], again["reason"]) == ("rejected", "forbidden")

    after = view(pull_all(officer, first["cursor"])["changes"])[("case", case_id)]["data"]
    assert after["on_spot_awaiting"] == []
    assert [c["officer_id"] for c in after["on_spot_confirmations"]] == [second]
    r = officer.post(f"/api/v1/cases/{case_id}/documents", json=summary)
    assert r.status_code == 201, r.get_json()
    text = text_of(officer.get(f"/api/v1/documents/{r.get_json()['id']}.pdf").data)
    assert "ZJ-officer_a" in text and "ZJ-leader_a" in text
