# ruff: noqa: F811 (the app fixture is imported: a weekends-only working calendar)
"""The county's departments answer through the sync API (issue 21), on SQLite and
PostgreSQL: a transferred clue is accepted with the department's case number, or sent back
and arbitrated by the county command centre; the department's result closes the township's
loop and reaches the reporter; a collaboration request is accepted and answered by the
department's own user, and the township's officer pulls the answer. Another department, or
the township, never answers for it."""

from __future__ import annotations

import io
import uuid

from openpyxl import load_workbook

from server.accounts.models import User
from server.cases.models import Collaboration
from server.clues.models import Clue
from server.core.db import db, utcnow
from sync.cases import today
from tests.server.calendar_kit import app  # noqa: F401 (a weekends-only calendar)
from tests.server.case_kit import case_create, collaboration_step, request_for
from tests.server.sync_kit import new_clue, pull_all, push_one, step


def transferred(login) -> str:
    """A land clue (ZR-001: empowered in no township) transferred to 县自然资源和规划局."""
    m = new_clue(matter_code="ZR-001")
    assert push_one(login("grid_a"), m)["outcome"] == "applied"
    r = push_one(login("dispatcher_a"), step(m["record_id"], "transfer", note="无权处罚"))
    assert r["outcome"] == "applied", r
    return m["record_id"]


def clue(app, ident) -> Clue:
    with app.app_context():
        found = db.session.get(Clue, uuid.UUID(ident))
        db.session.expunge_all()
        return found


def test_the_department_accepts_a_transfer_and_its_result_reaches_the_reporter(app, login):
    ident = transferred(login)
    department = login("department")

    accepted = push_one(department, step(ident, "accept_transfer", case_no="县资规立〔2026〕9号"))
    concluded = push_one(department, step(ident, "conclude_transfer", result="已立案，责令拆除"))

    assert accepted["outcome"] == concluded["outcome"] == "applied", (accepted, concluded)
    row = clue(app, ident)
    assert row.status == "transfer_concluded" and row.department_case_no == "县资规立〔2026〕9号"
    assert row.transfer_accepted_at and row.transfer_concluded_at
    [data] = [c["data"] for c in pull_all(login("grid_a"))["changes"] if c["id"] == ident]
    assert data["status"] == "transfer_concluded" and data["feedback"] == "已立案，责令拆除"
    assert push_one(login("grid_a"), step(ident, "rate", rating=4))["outcome"] == "applied"


def test_another_department_and_the_township_cannot_answer_a_transfer(app, login):
    ident = transferred(login)

    other = push_one(login("department_b"), step(ident, "accept_transfer", case_no="X"))
    township = push_one(login("dispatcher_a"), step(ident, "accept_transfer", case_no="X"))

    assert other["reason"] == "not_found"  # it does not see the clue at all
    assert township["reason"] == "forbidden"
    assert clue(app, ident).status == "transferred"


def test_a_returned_transfer_is_arbitrated_by_the_county_command_centre(app, login):
    ident = transferred(login)
    back = push_one(login("department"), step(ident, "return_transfer", reason="非本部门职责"))
    assert back["outcome"] == "applied" and clue(app, ident).status == "transfer_disputed"

    own = push_one(login("dispatcher_a"), step(ident, "arbitrate_to_township", note="自办"))
    county = push_one(
        login("dispatcher_county"), step(ident, "arbitrate_to_township", note="由乡镇办理")
    )

    assert own["reason"] == "forbidden" and county["outcome"] == "applied", (own, county)
    row = clue(app, ident)
    assert row.status == "accepted" and row.transferred_to_id is None
    assert row.arbitration_note == "由乡镇办理" and row.transfer_returned_reason == "非本部门职责"
    # The clue left the department's view.
    seen = [c for c in pull_all(login("department"))["changes"] if c["id"] == ident]
    assert not seen


def a_request(world, login) -> str:
    created = case_create(world.clues["clue_a"])
    assert push_one(login("officer_a"), created)["outcome"] == "applied"
    asked = request_for(created["record_id"], sent_on=today(utcnow()).isoformat())
    r = push_one(login("officer_a"), asked)
    assert r["outcome"] == "applied", r
    return asked["record_id"]


def test_the_department_answers_a_request_and_the_officer_pulls_the_answer(app, world, login):
    ident = a_request(world, login)
    department = login("department")
    day = today(utcnow()).isoformat()

    accepted = push_one(department, collaboration_step(ident, "accept"))
    answered = push_one(
        department, collaboration_step(ident, "reply", answered_on=day, answer="该地块属基本农田")
    )

    assert accepted["outcome"] == answered["outcome"] == "applied", (accepted, answered)
    with app.app_context():
        row = db.session.get(Collaboration, uuid.UUID(ident))
        assert row.status == "answered" and row.answered_late is False
    [data] = [c["data"] for c in pull_all(login("officer_a"))["changes"] if c["id"] == ident]
    assert data["status"] == "answered" and data["answer"] == "该地块属基本农田"


def test_no_one_else_answers_a_request_for_the_department(app, world, login):
    ident = a_request(world, login)
    day = today(utcnow()).isoformat()

    other = push_one(
        login("department_b"), collaboration_step(ident, "reply", answered_on=day, answer="x")
    )
    officer = push_one(
        login("officer_a"), collaboration_step(ident, "reply", answered_on=day, answer="x")
    )

    assert other["reason"] == "not_found" and officer["reason"] == "forbidden"
    with app.app_context():
        assert db.session.get(Collaboration, uuid.UUID(ident)).status == "requested"


def test_the_county_sees_how_each_department_answered_and_what_is_open(app, world, login):
    answered = a_request(world, login)
    open_request = a_request(world, login)
    ident = transferred(login)
    day = today(utcnow()).isoformat()
    department = login("department")
    push_one(department, collaboration_step(answered, "reply", answered_on=day, answer="属实"))
    push_one(department, step(ident, "return_transfer", reason="非本部门职责"))

    county = login("dispatcher_county")
    r = county.get("/api/v1/units/331123/departments", query_string={"from": day, "to": day})

    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    [land] = [d for d in body["departments"] if d["code"] == "ZRZY"]
    assert land["requests"] == 2 and land["answered"] == {"count": 1, "of": 2, "share": 0.5}
    assert land["answered_in_time"]["count"] == 1 and land["requests_open"] == 1
    assert land["transfers"] == 1 and land["transfer_disputed"] == 1
    assert land["transfer_accepted"] == {"count": 0, "of": 1, "share": 0.0}
    [other] = [d for d in body["departments"] if d["code"] == "SCJG"]
    assert other["requests"] == 0 and other["answered"]["share"] is None
    assert body["open"]["total"] == 2 and body["open"]["overdue"] == 0
    opened = {(i["kind"], i["id"]) for i in body["open"]["items"]}
    assert opened == {("collaboration", open_request), ("transfer", ident)}
    # A bad period names its field; a township's board is its own, a stranger's a 404.
    bad = county.get("/api/v1/units/331123/departments", query_string={"from": "x"})
    assert bad.status_code == 422 and "from" in str(bad.get_json())
    assert login("dispatcher_b").get("/api/v1/units/331123102/departments").status_code == 404

    # The same as a workbook for the evaluation (考核), its export audited.
    book = county.get(
        "/api/v1/units/331123/departments.xlsx", query_string={"from": day, "to": day}
    )
    assert book.status_code == 200 and "filename*=UTF-8''" in book.headers["Content-Disposition"]
    sheets = load_workbook(io.BytesIO(book.data))
    rows = list(sheets["部门响应与办结"].iter_rows(min_row=3, values_only=True))
    [land_row] = [r for r in rows if r[0] == "ZRZY"]
    assert land_row[1] == "县自然资源和规划局" and land_row[2:5] == (2, 1, 0.5)
    opened_rows = list(sheets["待办协作与移送"].iter_rows(min_row=3, values_only=True))
    assert {r[1] for r in opened_rows} == {"协作申请", "移送"}
    assert {r[7] for r in opened_rows} == {"待部门接收", "部门退回待协调"}


def test_a_department_user_moved_to_another_department_pulls_what_that_one_sees(app, world, login):
    """The pull builds its statements once for a user's pages and keeps them (pull.View
    .built), under all the rules read of him (jurisdiction.rule_inputs): moved to another
    department, his next pull reads with the other department's rule, not with the
    statements built for the first."""
    ident = transferred(login)  # to 县自然资源和规划局, the "department" user's
    department = login("department")
    synced = pull_all(department)
    assert ident in {c["id"] for c in synced["changes"]}
    with app.app_context():
        other = db.session.get(User, world.users["department_b"]).department_id
        db.session.get(User, world.users["department"]).department_id = other
        db.session.commit()
    assert ident not in {c["id"] for c in pull_all(department)["changes"]}
    # His phone, synced with the first department, starts over: the first page says so, and
    # the full pull it makes does not hold the first department's clue (the phone drops it).
    again = pull_all(department, synced["cursor"])
    assert again["pages"][0]["reset"] and again["pages"][0]["reset_reason"] == "scope"
    assert ident not in {c["id"] for c in again["changes"]}
    # And moved back, he sees it again.
    with app.app_context():
        mine = db.session.get(Clue, uuid.UUID(ident)).transferred_to_id
        db.session.get(User, world.users["department"]).department_id = mine
        db.session.commit()
    assert ident in {c["id"] for c in pull_all(department)["changes"]}
