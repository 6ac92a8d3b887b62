"""An inspector's visits on the phone (issue 21), in Chromium at phone size: the visits he
was drawn for (a department's inspector in the demo), where and what to check, each
department's items. He records one done on site with no network at all, item by item, the
party signing on the screen with a finger: the record waits in the outbox (`visit_record`)
and goes with the next sync, and the server has the visit done with each result beside its
department's item and the signature kept. A township officer reports a violation found on a
visit as a clue; at the desk, the plan's page records a visit the same queued way."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io

import pytest
import sqlalchemy as sa
from PIL import Image

from server.accounts.models import User
from server.core.db import db, utcnow
from server.evidence.models import Blob, VisitPhoto
from server.inspections.models import InspectionObject, InspectionVisit, VisitRecord
from server.units.models import AdminUnit
from sync.cases import today
from tests.e2e.kit import api_login
from tests.e2e.phone import DESKTOP, PHONE, camera_jpeg

pytestmark = pytest.mark.browser

SAVED = "已保存在手机上，联网后自动上传"


def _inspectors_visit(county):
    """A planned visit of the demo drawn for a department's inspector, and his username."""
    with county.app.app_context():
        visits = db.session.execute(
            sa.select(InspectionVisit)
            .where(InspectionVisit.status == "planned")
            .order_by(InspectionVisit.id)
        ).scalars()
        users = {u.id: u.username for u in db.session.execute(sa.select(User)).scalars()}
        # The demo's plans are two departments': their inspectors are drawn.
        visit, username = next(
            (v, users[o]) for v in visits for o in v.officers if "_inspector" in users[o]
        )
        return visit.id, len(visit.checklist), sorted(visit.officers), username


def _joint_visit(county):
    """The demo's joint visit (综合查一次: several departments' plans reaching one object,
    merged into one visit with one checklist), drawn for a department's inspectors."""
    with county.app.app_context():
        visit = db.session.execute(
            sa.select(InspectionVisit).where(
                InspectionVisit.status == "planned", InspectionVisit.joint.is_(True)
            )
        ).scalar_one()
        names = dict(db.session.execute(sa.select(User.id, User.username)).all())
        assert len(set(visit.departments)) >= 2, visit.departments
        assert len({i["department"] for i in visit.checklist}) >= 2
        username = next(names[o] for o in visit.officers if "_inspector" in names[o])
        return visit.id, len(visit.checklist), sorted(visit.officers), username


def test_an_inspector_records_a_joint_visit_on_his_phone_with_no_network(phones, county):
    visit_id, items, officers, username = _joint_visit(county)
    inspector = phones("inspector", viewport=PHONE)
    # A department's inspector holds a certificate: a phone session with a passphrase (the
    # login asks for one), and 检查任务 first on his home screen; no clue to report.
    page = inspector.enter(username)
    assert page.locator("main.home a.big[href='#/visits']").count() == 1
    assert page.locator("a[href='#/report'], a[href='#/tasks']").count() == 0
    page.click("main.home a[href='#/visits']")
    row = f"li[data-visit='{visit_id}']"
    page.wait_for_selector(row)
    inspector.wait_controlled()

    # No signal on site, and the app opened again there: the list as last fetched.
    inspector.offline()
    response = page.reload()
    assert response.from_service_worker
    inspector.unlock()
    page.wait_for_selector("[data-stale=yes]")
    assert page.get_attribute(".syncbar .dot", "data-online") == "no"
    page.click(f"{row} [data-action=record-visit]")
    form = f"{row} form[data-visit-result]"
    page.click(f"{form} [data-item='0'] .segment.violation")
    page.fill(f"{form} input[name=note_0]", "院内堆放建筑垃圾")
    page.fill(f"{form} textarea[name=findings]", "现场检查，发现一处问题")
    page.check(f"{form} input[name=certificates_shown]")
    page.click(f"{form} [data-field=party_present] .segment >> nth=0")
    page.fill(f"{form} input[name=party_name]", "王五")
    # Saved without the party's signature: refused on the phone, the field named, and
    # nothing typed is lost.
    page.click(f"{form} [data-action=save-visit-result]")
    page.wait_for_selector(f"{form} [data-missing=party_signature]")
    assert "签名" in page.inner_text(f"{form} [data-field=party_signature] .error")
    assert page.input_value(f"{form} input[name=note_0]") == "院内堆放建筑垃圾"
    assert page.input_value(f"{form} input[name=party_name]") == "王五"

    inspector.sign()
    page.wait_for_selector(f"{form} canvas[data-signed=yes]")
    assert page.locator(f"{form} [data-missing]").count() == 0
    # What he found, photographed with the record (全过程记录), still with no network.
    shot = camera_jpeg(21)
    page.set_input_files(
        f"{form} input[name=visit_photo]",
        files=[{"name": "IMG_visit.jpg", "mimeType": "image/jpeg", "buffer": shot}],
    )
    page.wait_for_selector(f"{form} .thumbs img")
    take = page.locator(f"{form} label.big.file").bounding_box()
    assert take["height"] >= 44, take  # a thumb's target, in gloves
    box = page.locator(f"{form} .signature canvas").bounding_box()
    assert box["width"] >= 300 and box["height"] >= 180, box  # room for a finger
    page.locator(f"{form} .signature").scroll_into_view_if_needed()
    page.screenshot(path="/tmp/visit-offline-form.png")
    page.screenshot(path="/tmp/visit-offline-form-full.png", full_page=True)

    page.click(f"{form} [data-action=save-visit-result]")
    page.wait_for_selector(f".toast:has-text('{SAVED}')")
    page.wait_for_selector(f"{row} [data-record-state=queued]")
    assert page.locator(f"{row} [data-action=record-visit]").count() == 0
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path="/tmp/visit-offline-pending.png")
    queued = inspector.outbox_states()
    entries = [e for e in queued["entries"] if e["type"] == "visit_record"]
    assert [(e["op"], e["state"]) for e in entries] == [("create", "pending")]
    photos = [e for e in queued["entries"] if e["type"] == "visit_photo"]
    assert [(e["op"], e["state"]) for e in photos] == [("create", "pending")]
    assert {f["tier"] for f in queued["files"]} >= {"original"}

    # Back in signal: the app sends it by itself, and the visit leaves the list.
    inspector.offline(False)
    inspector.wait_synced()
    page.wait_for_selector(row, state="detached")
    entries = [e for e in inspector.outbox_states()["entries"] if e["type"] == "visit_record"]
    assert [e["state"] for e in entries] == ["done"], entries
    # The photo's bytes follow its record; the server checks and holds them, and the phone
    # learns so from its pull (it may then drop its copy).
    inspector.wait_files_held()

    with county.app.app_context():
        done = db.session.get(InspectionVisit, visit_id)
        assert done.status == "done" and len(done.checklist) == items
        assert done.checklist[0]["result"] == "violation"
        assert done.checklist[0]["note"] == "院内堆放建筑垃圾"
        assert all(i["result"] == "compliant" for i in done.checklist[1:])
        # One visit, every department's items answered: each reads its own results.
        answered = {i["department"] for i in done.checklist if i.get("result")}
        assert len(answered) >= 2 and len(answered) == len(
            {i["department"] for i in done.checklist}
        )
        row = db.session.execute(
            sa.select(VisitRecord).where(VisitRecord.visit_id == visit_id)
        ).scalar_one()
        record = row.data  # the record's fields as the workflow holds them
        assert sorted(record["officers"]) == officers
        assert [i["result"] for i in record["items"]] == ["violation"] + ["compliant"] * (items - 1)
        assert record["items"][0]["note"] == "院内堆放建筑垃圾"
        assert record["departments"] == sorted(answered)
        assert record["party_present"] and record["party_name"] == "王五"
        assert record["certificates_shown"] and not record.get("party_refusal")
        signature = record["party_signature"]
        assert signature.startswith("data:image/png;base64,") and len(signature) <= 120_000
        png = Image.open(io.BytesIO(base64.b64decode(signature.split(",", 1)[1])))
        assert png.format == "PNG" and png.width <= 600 and png.height <= 240, png.size
        # Black strokes on white: some ink, mostly paper.
        grey = png.convert("L")
        dark = sum(1 for p in grey.getdata() if p < 128)
        assert 0 < dark < grey.width * grey.height / 4
        # The photo hangs from the record, its original held as the phone hashed it.
        [photo] = db.session.execute(
            sa.select(VisitPhoto).where(VisitPhoto.visit_record_id == row.id)
        ).scalars()
        assert photo.original_sha256 == hashlib.sha256(shot).hexdigest()
        assert photo.original_at is not None and photo.clue_id is None
        assert db.session.get(Blob, photo.original_sha256).width > 0


def test_a_township_officer_reports_a_violation_found_on_a_visit_as_a_clue(phones, county):
    """A township's plan drawn today; its officer records a violation on his phone (the
    party away) and reports it from there: the report screen opens with the matter and the
    place filled."""
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

    officer = phones("officer", viewport=PHONE)
    page = officer.enter(username)
    page.click("main.home a[href='#/visits']")
    row = f"li[data-visit='{visit['id']}']"
    page.click(f"{row} [data-action=record-visit]")
    page.click(f"{row} [data-item='0'] .segment.violation")
    page.fill(f"{row} input[name=note_0]", "店外占道堆放货物")
    page.check(f"{row} input[name=certificates_shown]")
    page.click(f"{row} [data-field=party_present] .segment >> nth=1")  # not there
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
    assert page.input_value("input[name=matter_code]") == matter
    assert "店外占道堆放货物" in page.input_value("textarea[name=description]")
    officer.wait_synced()
    with county.app.app_context():
        assert db.session.get(InspectionVisit, visit["id"]).status == "done"
        record = db.session.execute(
            sa.select(VisitRecord).where(VisitRecord.visit_id == visit["id"])
        ).scalar_one()
        assert record.data["party_present"] is False
        assert not record.data.get("party_signature") and not record.data.get("party_name")


def test_the_plan_page_at_the_desk_records_a_visit_through_the_outbox(phones, county):
    """The plan's page in the console records a visit as the phone does: queued, sent by
    the sync at once, and the visit shows done."""
    visit_id, _items, _officers, username = _inspectors_visit(county)
    desk = phones("inspector-desk", viewport=DESKTOP)
    page = desk.enter(username)
    page.goto(f"{county.url}/#/inspections")
    page.locator("tr[data-plan] a").first.wait_for()
    for link in page.locator("tr[data-plan] a").all():
        link.click()
        page.wait_for_selector(".plan-detail")
        if page.locator(f".plan-detail tr[data-visit='{visit_id}']").count():
            break
    row = f".plan-detail tr[data-visit='{visit_id}']"
    page.click(f"{row} [data-action=record-visit]")
    form = f"form[data-visit-result='{visit_id}']"
    page.wait_for_selector(form)
    page.check(f"{form} input[name=certificates_shown]")
    page.click(f"{form} [data-field=party_present] .segment >> nth=0")
    page.fill(f"{form} input[name=party_name]", "李四")
    page.check(f"{form} input[name=refused]")
    page.fill(f"{form} textarea[name=party_refusal]", "当事人拒绝签字，称需请示负责人")
    page.click(f"{form} [data-action=save-visit-result]")
    page.wait_for_selector(form, state="detached")
    desk.wait_synced()
    page.wait_for_selector(f"{row} li[data-result]")  # done: each item's result shown
    with county.app.app_context():
        assert db.session.get(InspectionVisit, visit_id).status == "done"
        record = db.session.execute(
            sa.select(VisitRecord).where(VisitRecord.visit_id == visit_id)
        ).scalar_one()
        assert record.data["party_refusal"] == "当事人拒绝签字，称需请示负责人"
        assert not record.data.get("party_signature")
