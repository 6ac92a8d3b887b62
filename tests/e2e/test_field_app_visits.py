"""An inspector's visits on the phone (issue 21), in Chromium at phone size: the visits he
was drawn for (a department's inspector in the demo), where and what to check, each
department's items; he records one done item by item, and the server has it done with each
result beside its department's item. Online: the offline visit is the next step."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from server.accounts.models import User
from server.core.db import db
from server.inspections.models import InspectionVisit

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
    page.screenshot(path="/tmp/visit-form.png", full_page=True)
    page.click(f"{row} [data-action=save-visit-result]")
    page.wait_for_selector(row, state="detached")

    with county.app.app_context():
        done = db.session.get(InspectionVisit, visit_id)
        assert done.status == "done" and len(done.checklist) == items
        assert done.checklist[0]["result"] == "violation"
        assert done.checklist[0]["note"] == "院内堆放建筑垃圾"
        assert all(i["result"] == "compliant" for i in done.checklist[1:])
