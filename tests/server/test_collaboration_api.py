# ruff: noqa: F811 (the app fixture is imported: a weekends-only working calendar)
"""Collaboration requests (执法协作申请) through the sync API, on SQLite and PostgreSQL.

Seeds 004: a township investigating a case asks a county department for a determination,
an appraisal, advice or materials; 相关业务主管部门应当自收到…执法协作申请后5个工作日内反馈，
情况复杂的可延长5个工作日. Days are counted on the working calendar an administrator keeps
(server.catalogue.calendar): weekends only here (tests/server/calendar_kit.py), unless a test
publishes the State Council's 2026 notice to count over National Day.
"""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa

from server.cases.models import Collaboration
from server.catalogue.models import CalendarNotice
from server.core.db import db, utcnow
from server.units.models import Department
from sync import legal
from sync.cases import today
from tests.server.calendar_kit import app  # noqa: F401 (a weekends-only calendar)
from tests.server.case_kit import case_create, collaboration_step, request_for
from tests.server.sync_kit import pull_all, push_one, timeline

D = dt.date.fromisoformat


def a_case(world, login, **overrides) -> str:
    created = case_create(world.clues["clue_a"], **overrides)
    r = push_one(login("officer_a"), created)
    assert r["outcome"] == "applied", r
    return created["record_id"]


def the_2026_notice(app) -> None:
    """The State Council's 2026 notice in force (National Day, the make-up Saturday)."""
    with app.app_context():
        db.session.execute(
            sa.update(CalendarNotice)
            .where(CalendarNotice.year == 2026, CalendarNotice.superseded_at.is_(None))
            .values(superseded_at=utcnow())
        )
        db.session.add(
            CalendarNotice(
                year=2026,
                **legal.CALENDAR_2026.notice(2026),
                source="国务院办公厅关于2026年部分节假日安排的通知",
            )
        )
        db.session.commit()


def row(app, ident) -> Collaboration:
    with app.app_context():
        found = db.session.get(Collaboration, uuid.UUID(str(ident)))
        db.session.expunge_all()
        return found


def count(app) -> int:
    with app.app_context():
        return db.session.execute(sa.select(sa.func.count(Collaboration.id))).scalar_one()


def test_a_request_over_national_day_is_due_in_5_working_days_10_once_extended(app, world, login):
    the_2026_notice(app)
    officer, dispatcher = login("officer_a"), login("dispatcher_a")
    case_id = a_case(world, login, violation_on="2026-09-01")
    # Sent Tue 29 Sept 2026: Wed 30 (1), 1–7 Oct off, Thu 8 (2), Fri 9 (3), Sat 10 worked
    # (4), Mon 12 (5).
    asked = request_for(case_id, sent_on="2026-09-29")
    r = push_one(officer, asked)
    assert r["outcome"] == "applied", r
    ident = asked["record_id"]
    assert "-XZ-" in r["code"] and legal.check_act_code(r["code"])
    assert r["code"].startswith("331123102-")
    stored = row(app, ident)
    assert stored.due == D("2026-10-12") and stored.status == "requested"
    assert stored.sent_on == D("2026-09-29") and stored.extended is False
    with app.app_context():
        assert db.session.get(Department, stored.department_id).code == "ZRZY"

    extend = collaboration_step(ident, "extend", extended_on="2026-10-09", reason="需现场测绘")
    assert push_one(dispatcher, extend)["outcome"] == "applied"
    # 10 working days from the day it was sent: Tue 13 … Mon 19.
    stored = row(app, ident)
    assert stored.due == D("2026-10-19") and stored.extended is True and stored.version == 2
    again = collaboration_step(ident, "extend", extended_on="2026-10-12", reason="仍需时间")
    r = push_one(dispatcher, again)
    assert (r["outcome"], r["reason"]) == ("rejected", "collaboration_already_extended"), r

    answer = collaboration_step(ident, "answer", answered_on="2026-10-20", answer="属基本农田")
    assert push_one(officer, answer)["outcome"] == "applied"
    stored = row(app, ident)
    assert stored.status == "answered" and stored.answered_late is True
    assert stored.answered_on == D("2026-10-20") and stored.data["answer"] == "属基本农田"


def test_a_request_sent_on_a_thursday_is_due_the_next_thursday(app, world, login):
    this_day = today(utcnow())
    thursday = this_day - dt.timedelta(days=(this_day.weekday() - 3) % 7)
    case_id = a_case(world, login, violation_on=(thursday - dt.timedelta(days=1)).isoformat())
    asked = request_for(case_id, sent_on=thursday.isoformat())
    assert push_one(login("leader_a"), asked)["outcome"] == "applied"
    assert row(app, asked["record_id"]).due == thursday + dt.timedelta(days=7)


def test_an_answer_before_the_request_or_in_the_future_is_refused_and_nothing_changes(
    app, world, login
):
    officer = login("officer_a")
    day = today(utcnow())
    case_id = a_case(world, login, violation_on=(day - dt.timedelta(days=3)).isoformat())
    asked = request_for(case_id, sent_on=(day - dt.timedelta(days=1)).isoformat())
    assert push_one(officer, asked)["outcome"] == "applied"
    ident = asked["record_id"]
    for answered_on, reason in (
        (day - dt.timedelta(days=2), "date_before_step"),
        (day + dt.timedelta(days=1), "date_in_future"),
    ):
        step = collaboration_step(ident, "answer", answered_on=answered_on.isoformat(), answer="x")
        r = push_one(officer, step)
        assert (r["outcome"], r["reason"]) == ("rejected", reason), r
        assert set(r["fields"]) == {"answered_on"}
    r = push_one(officer, collaboration_step(ident, "answer", answered_on="someday", answer=""))
    assert r["reason"] == "invalid" and set(r["fields"]) == {"answered_on", "answer"}
    stored = row(app, ident)
    assert stored.status == "requested" and stored.version == 1 and stored.answered_on is None
    # The same day is in time.
    on_time = collaboration_step(ident, "answer", answered_on=day.isoformat(), answer="不属于")
    assert push_one(officer, on_time)["outcome"] == "applied"
    assert row(app, ident).answered_late is False


def test_bad_fields_are_named_and_nothing_is_stored(app, world, login):
    case_id = a_case(world, login)
    tomorrow = (today(utcnow()) + dt.timedelta(days=1)).isoformat()
    bad = request_for(case_id, department="NOWHERE", question=" ", kind="chat", sent_on="soon")
    r = push_one(login("officer_a"), bad)
    assert (r["outcome"], r["reason"]) == ("rejected", "invalid")
    assert set(r["fields"]) == {"department", "question", "kind", "sent_on"}
    r = push_one(login("officer_a"), request_for(case_id, sent_on=tomorrow))
    assert (r["reason"], set(r["fields"])) == ("date_in_future", {"sent_on"})
    r = push_one(login("officer_a"), request_for(case_id, due="2099-01-01"))
    assert (r["reason"], set(r["fields"])) == ("invalid", {"due"})
    assert count(app) == 0


def test_another_township_neither_sees_nor_touches_a_request_and_a_grid_worker_cannot_ask(
    app, world, login
):
    case_id = a_case(world, login)
    asked = request_for(case_id)
    assert push_one(login("officer_a"), asked)["outcome"] == "applied"
    ident = asked["record_id"]
    # Township B's people: the case is not theirs to find, nor the request.
    r = push_one(login("officer_b"), {**request_for(case_id)})
    assert (r["outcome"], r["reason"]) == ("waiting", "waiting_parent")
    for name in ("officer_b", "dispatcher_b", "leader_b"):
        step = collaboration_step(
            ident, "answer", answered_on=asked["payload"]["sent_on"], answer="x"
        )
        r = push_one(login(name), step)
        assert (r["outcome"], r["reason"]) == ("rejected", "not_found"), (name, r)
    # The same id again from outside is a conflict (R2), never an overwrite nor a confirmation.
    r = push_one(login("officer_b"), {**asked, "id": str(uuid.uuid4())})
    assert r["outcome"] in ("conflict", "rejected") and r.get("reason") in (
        "id_conflict",
        "waiting_parent",
    )
    # A grid worker sees no case, so has none to ask about; a reviewer sees it, may not ask.
    r = push_one(login("grid_a"), request_for(case_id))
    assert (r["outcome"], r["reason"]) == ("waiting", "waiting_parent")
    r = push_one(login("reviewer_a"), request_for(case_id))
    assert (r["outcome"], r["reason"]) == ("rejected", "forbidden")
    assert count(app) == 1
    stored = row(app, ident)
    assert stored.status == "requested" and stored.version == 1


def test_a_year_with_no_holidays_published_estimates_the_due_day_and_says_so(app, world, login):
    """The department's 5 working days are the county's deadline, not the party's: with no
    notice in force the request is still sent, its due day counted on weekends alone and
    marked as an estimate for the desk (sync.legal.team_deadline)."""
    case_id = a_case(world, login)
    with app.app_context():
        db.session.execute(sa.update(CalendarNotice).values(superseded_at=utcnow()))
        db.session.commit()
    made = request_for(case_id)
    r = push_one(login("officer_a"), made)
    assert r["outcome"] == "applied", r
    stored = row(app, made["record_id"])
    assert stored.data["calendar_estimated"] == ["due"]
    assert stored.due > stored.sent_on


def test_every_write_takes_a_new_change_sequence_and_the_timeline_names_the_steps(
    app, world, login
):
    officer, dispatcher = login("officer_a"), login("dispatcher_a")
    day = today(utcnow()).isoformat()
    case_id = a_case(world, login, violation_on=day)
    asked = request_for(case_id, sent_on=day)
    push_one(officer, asked)
    ident = asked["record_id"]
    first = row(app, ident).seq
    push_one(dispatcher, collaboration_step(ident, "extend", extended_on=day, reason="复杂"))
    second = row(app, ident)
    assert second.seq > first and second.version == 2
    with app.app_context():
        from server.core.db import Counter

        latest = db.session.scalar(sa.select(Counter.value).where(Counter.name == "change"))
    assert second.seq == latest
    entries = timeline(dispatcher, world.clues["clue_a"])
    steps = [(e["record_type"], e["step"]) for e in entries if e["record_type"] == "collaboration"]
    assert steps == [("collaboration", None), ("collaboration", "extend")]


def test_a_request_comes_to_the_township_staffs_devices_and_to_no_one_else(app, world, login):
    """The pull (server/sync_api/pull.py) sends a request to whoever sees its case, and to
    the department it is addressed to."""
    officer = login("officer_a")
    case_id = a_case(world, login)
    asked = request_for(case_id)
    r = push_one(officer, asked)
    ident = asked["record_id"]
    push_one(officer, collaboration_step(ident, "withdraw", reason="已自行查明"))
    [pulled] = [c for c in pull_all(login("dispatcher_a"))["changes"] if c["id"] == ident]
    assert pulled["record_type"] == "collaboration" and pulled["version"] == 2
    data = pulled["data"]
    assert data["status"] == "withdrawn" and data["case_id"] == case_id
    assert data["code"] == r["code"] and data["due"] and data["department"] == "ZRZY"
    for name in ("officer_b", "dispatcher_b", "grid_a", "department_b"):
        changes = pull_all(login(name))["changes"]
        assert not [c for c in changes if c["record_type"] == "collaboration"], name
    # The department it is addressed to receives the request, and of the case only the
    # facts it carries: never the case, nor the party's id number (the request is not
    # about him).
    changes = pull_all(login("department"))["changes"]
    assert {c["record_type"] for c in changes} <= {"clue", "clue_note", "evidence", "collaboration"}
    [seen] = [c for c in changes if c["id"] == ident]
    facts = seen["data"]["case_facts"]
    assert facts["facts"] and facts["party"]["name"] and "id_number" not in facts["party"]
