"""The working calendar as data (节假日安排): each year's State Council notice, published by a
county administrator with its history, is what working-day deadlines count with."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from server.audit.models import AuditEntry
from server.catalogue.calendar import missing_years
from server.catalogue.models import CalendarNotice
from server.core.db import db, utcnow
from sync.cases import today
from sync.legal import CALENDAR_2026
from tests.server.case_kit import case_create, case_step, inspection
from tests.server.sync_kit import push_one

D = dt.date.fromisoformat
NOTICE = "国务院办公厅关于{}年部分节假日安排的通知"


def notice(year: int, holidays=(), workdays=()) -> dict:
    return {"source": NOTICE.format(year), "holidays": list(holidays), "workdays": list(workdays)}


def test_the_2026_notice_comes_with_the_migrations(login):
    """The migration's frozen copy is the notice sync.legal checks the rules against."""
    body = login("officer_a").get("/api/v1/calendar").get_json()
    [n2026] = [n for n in body["notices"] if n["year"] == 2026]
    assert {k: n2026[k] for k in ("holidays", "workdays")} == CALENDAR_2026.notice(2026)
    assert "2026-10-01" in n2026["holidays"] and "2026-10-10" in n2026["workdays"]
    assert n2026["source"] == NOTICE.format(2026)


def test_the_years_the_next_month_reaches_without_a_notice_are_named():
    assert missing_years({2026}, D("2026-11-24")) == []
    assert missing_years({2026}, D("2026-12-01")) == [2027]  # a deadline may cross New Year
    assert missing_years({2026, 2027}, D("2026-12-01")) == []
    assert missing_years(set(), D("2027-03-01")) == [2027]


def test_a_step_counting_in_a_year_with_no_notice_is_refused_until_one_is_published(
    app, world, login
):
    """Art. 64: the prior notice of a fine large enough for a hearing (art. 63) starts the
    party's 5 working days, which cannot be counted in a year whose holidays nobody has
    published: the step is refused, not guessed."""
    with app.app_context():  # no notice in force for any year
        db.session.execute(sa.update(CalendarNotice).values(superseded_at=utcnow()))
        db.session.commit()
    officer, leader, admin = login("officer_a"), login("leader_a"), login("admin_county")
    this_year = today(utcnow()).year
    assert admin.get("/api/v1/calendar").get_json()["missing"][0] == this_year

    created = case_create(world.clues["clue_a"])
    assert push_one(officer, created)["outcome"] == "applied"
    case_id = created["record_id"]
    assert push_one(leader, case_step(case_id, "approve_opening"))["outcome"] == "applied"
    officers = [world.users["officer_a"], world.users["leader_a"]]
    assert push_one(officer, inspection(case_id, officers))["outcome"] == "applied"
    notify = case_step(
        case_id,
        "notify",
        penalty={"kind": "fine", "amount_fen": 10_000_00},
        notified_on=today(utcnow()).isoformat(),
    )
    refused = push_one(officer, notify)
    assert (refused["outcome"], refused["reason"]) == ("rejected", "calendar_missing"), refused

    for year in (this_year, this_year + 1):  # weekends only: the test must not depend on today
        r = admin.put(f"/api/v1/calendar/{year}", json=notice(year))
        assert r.status_code == 200, r.get_json()
    again = push_one(officer, {**notify, "id": case_step(case_id, "x")["id"]})
    assert again["outcome"] == "applied", again
    assert admin.get("/api/v1/calendar").get_json()["missing"] == []


def test_a_correction_supersedes_the_notice_and_the_history_keeps_both(app, login):
    admin = login("admin_county")
    first = notice(2027, ["2027-01-01"], ["2027-01-02"])
    assert admin.put("/api/v1/calendar/2027", json=first).status_code == 200
    assert admin.put("/api/v1/calendar/2027", json=first).status_code == 200  # nothing new
    corrected = notice(2027, ["2027-01-01", "2027-02-08"], ["2027-01-02"])
    r = admin.put("/api/v1/calendar/2027", json=corrected)
    assert r.status_code == 200 and r.get_json()["holidays"] == ["2027-01-01", "2027-02-08"]

    history = admin.get("/api/v1/calendar/2027").get_json()
    assert [n["holidays"] for n in history] == [["2027-01-01", "2027-02-08"], ["2027-01-01"]]
    assert history[0]["superseded_at"] is None and history[1]["superseded_at"] is not None
    in_force = [n for n in admin.get("/api/v1/calendar").get_json()["notices"] if n["year"] == 2027]
    assert [n["holidays"] for n in in_force] == [corrected["holidays"]]
    with app.app_context():
        published = db.session.execute(
            sa.select(AuditEntry.detail).where(AuditEntry.action == "calendar.publish")
        ).scalars()
        assert [d["holidays"] for d in published] == [1, 2]  # the repeat wrote nothing


def test_a_notice_that_cannot_be_is_refused_naming_the_field_and_nothing_is_stored(app, login):
    admin = login("admin_county")
    cases = [
        (notice(2027, ["2026-12-31"]), ["holidays", "0"]),  # another year's day
        (notice(2027, [], ["2027-01-04"]), ["workdays", "0"]),  # a Monday "made" a working day
        (notice(2027, ["2027-01-02"], ["2027-01-02"]), ["workdays", "0"]),  # both at once
        (notice(2027, ["2027-01-01", "2027-01-01"]), ["holidays", "1"]),  # twice
        (notice(2027, ["2027-13-01"]), ["holidays", "0"]),  # no such day
        ({**notice(2027), "source": ""}, ["source"]),
        ({"holidays": [], "workdays": []}, ["source"]),
        ({**notice(2027), "extra": 1}, ["extra"]),
    ]
    for body, path in cases:
        r = admin.put("/api/v1/calendar/2027", json=body)
        assert r.status_code == 422, (body, r.get_json())
        errors = r.get_json()["fields"]
        for key in path:
            errors = errors[key]
        assert errors, (body, r.get_json())
    assert admin.get("/api/v1/calendar/2027").status_code == 404
    assert admin.put("/api/v1/calendar/1999", json=notice(1999)).status_code == 404
    with app.app_context():
        assert (
            db.session.execute(
                sa.select(sa.func.count()).where(AuditEntry.action == "calendar.publish")
            ).scalar_one()
            == 0
        )


def test_only_a_county_administrator_publishes_the_calendar(login):
    for user in ("admin_a", "leader_a", "dispatcher_county", "department"):
        r = login(user).put("/api/v1/calendar/2027", json=notice(2027))
        assert r.status_code == 403, (user, r.get_json())
    assert login("grid_a").get("/api/v1/calendar").status_code == 200
