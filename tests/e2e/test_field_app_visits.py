"""An inspector's visits on the phone (issue 21), in Chromium at phone size: the visits he
was drawn for (a department's inspector in the demo), where and what to check, each
department's items; he records one done item by item, and the server has it done with each
result beside its department's item. Online: the offline visit is the next step."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from server.accounts.models import User
from server.core.db import db, utcnow
from server.inspections.models import InspectionObject, InspectionVisit
from server.units.models import AdminUnit
from sync.cases import today
from tests.e2e.kit import api_login
from tests.e2e.phone import camera_jpeg

pytestmark = pytest.mark.browser


def test_an_inspector_records_a_drawn_visit_on_his_phone(phones, county):
    with county.app.app_context():
        visits = db.session.execute(
            sa.select(InspectionVisit).where(InspectionVisit.status == "planned")
        ).scalars()
        users = {u.id: u.username for u in db.session.execute(sa.select(User)).scalars()}
        # The demo's plans are two departments': their inspectors are drawn.
        visit, username = next(
            (v, users[o]) for v in visits for o in v.officers if "_inspector" in users[o]
        )
        visit_id, items = visit.id, len(visit.checklist)

    officer = phones("officer")
    page = officer.enter(username)
    page.click("a[href='#/visits']")  # the department's desk lists them
    row = f"[data-visit='{visit_id}']"
    page.wait_for_selector(row)
    # No signal on site: the list as last fetched, read from the phone; recording waits.
    officer.offline()
    page.goto(county.url + "/#/")
    page.goto(county.url + "/#/visits")
    page.wait_for_selector("[data-stale=yes]")
    assert page.locator(f"{row} [data-action=record-visit][disabled]").count() == 1
    officer.offline(False)
    page.goto(county.url + "/#/")
    page.goto(county.url + "/#/visits")
    page.wait_for_selector(f"{row} [data-action=record-visit]:not([disabled])")
    page.click(f"{row} [data-action=record-visit]")
    page.select_option(f"{row} select[name=result_0]", "violation")
    page.fill(f"{row} input[name=note_0]", "院内堆放建筑垃圾")
    page.fill(f"{row} textarea[name=findings]", "现场检查，发现一处问题")
    page.locator(row).scroll_into_view_if_needed()
    page.locator(row).screenshot(path="/tmp/visit-form.png")
    page.click(f"{row} [data-action=save-visit-result]")
    page.wait_for_selector(row, state="detached")

    with county.app.app_context():
        done = db.session.get(InspectionVisit, visit_id)
        assert done.status == "done" and len(done.checklist) == items
        assert done.checklist[0]["result"] == "violation"
        assert done.checklist[0]["note"] == "院内堆放建筑垃圾"
        assert all(i["result"] == "compliant" for i in done.checklist[1:])


def test_a_township_officer_reports_a_violation_found_on_a_visit_as_a_clue(phones, county):
    """A township's plan drawn today; its officer records a violation on his phone and
    reports it from there: the report screen opens with the matter and the place filled."""
    url, day = county.url, today(utcnow())
    with county.app.app_context():
        town = db.session.execute(
            sa.select(AdminUnit).where(AdminUnit.code == "330802101")
        ).scalar_one()
        found = (
            db.session.execute(
                sa.select(InspectionObject).where(InspectionObject.township_id == town.id)
            )
            .scalars()
            .first()
        )
        matter, grade = found.matter_codes[0], found.risk_grade
    dispatcher, leader = api_login(url, "hb_dispatch"), api_login(url, "hb_leader")
    made = dispatcher.post(
        f"{url}/api/v1/inspection-plans",
        json={
            "title": "航埠镇专项抽查",
            "unit_code": "330802101",
            "matter_codes": [matter],
            "object_count": 1,
            "shares": {grade: "1"},
            "period_start": day.isoformat(),
            "period_end": (day + dt.timedelta(days=30)).isoformat(),
        },
    )
    assert made.status_code == 201, made.json()
    plan_id = made.json()["id"]
    assert leader.post(f"{url}/api/v1/inspection-plans/{plan_id}/approve").ok
    drawn = dispatcher.post(f"{url}/api/v1/inspection-plans/{plan_id}/draw").json()
    [visit] = drawn["visits"]
    with county.app.app_context():
        names = {u.id: u.username for u in db.session.execute(sa.select(User)).scalars()}
    username = next(names[o] for o in visit["officers"] if "_officer" in names[o])

    officer = phones("officer")
    page = officer.enter(username)
    page.click("a[href='#/visits']")
    row = f"[data-visit='{visit['id']}']"
    page.click(f"{row} [data-action=record-visit]")
    page.select_option(f"{row} select[name=result_0]", "violation")
    page.fill(f"{row} input[name=note_0]", "店外占道堆放货物")
    page.click(f"{row} [data-action=save-visit-result]")
    page.click(f"[data-found='{visit['id']}'] [data-action=report-violation]")
    page.wait_for_url("**/#/report")
    # The report starts from what was found: after the photo, the matter is chosen and
    # what was seen is written.
    page.set_input_files(
        "input[name=photo]",
        files=[{"name": "v.jpg", "mimeType": "image/jpeg", "buffer": camera_jpeg(81)}],
    )
    page.wait_for_selector(".thumb")
    page.wait_for_selector(".fix")
    page.click(".actions button.primary")
    assert page.input_value("select[name=matter_code]") == matter
    assert "店外占道堆放货物" in page.input_value("textarea[name=description]")
    with county.app.app_context():
        assert db.session.get(InspectionVisit, visit["id"]).status == "done"
