"""离线出具 of the 现场检查笔录 (issue 22): the officer, with no signal on site, records an
inspection with a photo under an act code his phone reserved for inspection records, prints
the record from what the phone holds (the photo by the hash taken at capture); back online
the record is pushed under that very act code, and once the second officer has confirmed
(art. 42) the sealed record is issued under it, every line of the paper in its PDF."""

from __future__ import annotations

import hashlib
import re
import uuid

import pytest
import sqlalchemy as sa

from server.cases.models import Inspection
from server.core.db import db
from tests.e2e.kit import (
    api_login,
    create,
    kept_copy,
    make_offline,
    opened_case,
    preserved_case,
    push,
    user_id,
)
from tests.e2e.phone import DESK, PHONE, camera_jpeg, shot, shot_of, take_step
from tests.server.documents_kit import text_of

pytestmark = pytest.mark.browser
# The lines of the page that are not the record's text: the footer's time of generation.
NOT_TEXT = re.compile(r"^(生成时间.*|第\d+页.*)$")


def test_an_inspection_record_printed_offline_is_sealed_under_its_act_code(phones, county):
    app = county.app
    # The record names the party in full: his ID number, address and how he is reached.
    party = {"kind": "person", "name": "赵六", "id_number": "330802198001011234"}
    party.update(address="柯城区航埠镇北淤村8号", phone="13800000000")
    case_id = opened_case(county, party)
    partner = user_id(app, "hb_officer2")
    officer = phones("officer", viewport=PHONE)
    page = officer.enter("hb_officer1")
    officer.wait_synced()  # the case, the people and the reserved act codes come down
    page.goto(officer.url + f"/#/case/{case_id}")
    page.wait_for_selector("[data-action=inspect]")

    officer.offline()
    page.click("[data-action=inspect]")
    page.fill("input[name=place]", "北淤村8号门前")
    page.select_option("select[name=co_officer]", str(partner))
    page.fill("textarea[name=findings]", "当事人在承包地上新建砖混房屋一间。\n未见审批材料。")
    page.check("input[name=certificates_shown]")
    photo = camera_jpeg(22)
    page.set_input_files(
        ".inspection-form input[name=photo]",
        files=[{"name": "IMG_1.jpg", "mimeType": "image/jpeg", "buffer": photo}],
    )
    officer.until("async () => document.querySelectorAll('.inspection-form .thumb').length === 1")
    shot(page, "offline-inspection-form-393", full_page=True)
    page.click("[data-action=save-inspection]")
    row = page.wait_for_selector("[data-inspection-row]")
    inspection_id = row.get_attribute("data-inspection-row")
    key = f"inspection_record:{inspection_id}"
    page.wait_for_selector(f"[data-document='{key}'] [data-issue-offline=inspection_record]")
    shot(page, "offline-inspection-row-393", full_page=True)

    page.select_option("select[name=print_paper]", "80mm")
    frame, printed = make_offline(page, "inspection_record", "inspection record", row=key)
    assert printed["title"] == "现场检查（勘验）笔录", printed
    assert "-JC-" in printed["act_code"], printed
    assert re.fullmatch(r"航埠镇综执检〔\d{4}〕\d+号", printed["doc_number"]), printed
    paper_text = frame.inner_text("body")
    assert "未见审批材料" in paper_text and "赵六" in paper_text
    frame.evaluate("window.print = () => { window.top.__printed = document.title; }")
    page.click("[data-offline-view] [data-print]")
    assert page.evaluate("window.__printed").startswith("现场检查（勘验）笔录")
    shot(page, "offline-inspection-document-393", full_page=False)
    page.click("[data-print-close]")
    page.wait_for_selector(f"[data-document='{key}'] [data-offline-copy='{printed['doc_number']}']")

    officer.offline(False)
    officer.sync_now()
    officer.wait_synced()
    officer.wait_files_held()
    with app.app_context():
        record = db.session.get(Inspection, uuid.UUID(inspection_id))
        assert record.code == printed["act_code"]
    # Art. 42: the partner confirms from his own phone; the copy's next send issues it.
    confirm = create("inspection", {"name": "confirm_presence", "args": {}}, None)
    confirm.update(record_id=inspection_id, op="transition")
    [confirmed] = push(api_login(county.url, "hb_officer2"), county.url, confirm)
    assert confirmed["outcome"] == "applied", confirmed
    officer.sync_now()
    officer.wait_synced()
    sealed = f"[data-document='{key}'] [data-offline-sealed='{printed['doc_number']}']"
    try:
        page.wait_for_selector(sealed)
    except Exception:  # say why: the copy's state as the phone holds it
        shot(page, "offline-inspection-not-sealed-393", full_page=True)
        raise AssertionError(page.inner_text(f"[data-document='{key}']")) from None
    shot(page, "offline-inspection-sealed-393", full_page=True)
    copy, doc, _html, pdf = kept_copy(app, case_id)
    assert (doc.kind, doc.doc_number, doc.act_code) == (
        "inspection_record",
        printed["doc_number"],
        printed["act_code"],
    )
    layout, raw = text_of(pdf), text_of(pdf, "-raw")
    # Every line of the paper (each table cell apart) is in the sealed PDF, whitespace aside.
    lines = [x.strip() for x in re.split(r"[\n\t]", paper_text) if x.strip()]
    flat = [re.sub(r"\s+", "", x) for x in lines if not NOT_TEXT.match(x)]
    missing = [x for x in flat if x not in layout and x not in raw]
    assert not missing, (missing, layout)
    assert len(lines) > 15, lines
    assert hashlib.sha256(photo).hexdigest() in raw

    # The desk's case page lists the paper handed over, by its hash, beside the sealed one.
    desk = phones("desk", viewport=DESK).enter("hb_leader")
    desk.goto(county.url + f"/#/case/{case_id}")
    desk.wait_for_selector(f"[data-offline-sha256='{copy.sha256}']")
    desk.wait_for_selector(f"[data-offline-sealed-doc='{printed['doc_number']}']")
    desk.locator("[data-offline-copies]").scroll_into_view_if_needed()
    shot(desk, "offline-inspection-desk-case-1440")


def test_the_documents_box_offers_each_kind_made_offline_and_opens_a_record_issued(phones, county):
    """One case page with the offline kinds side by side: the order and the preservation
    notice offered offline, the record he and his partner made already issued (so opened,
    not offered again: a record by its own act code); then the record he makes offline,
    under a reserved JC code, offered to print, asking only for the party's refusal."""
    app = county.app
    # The record names the party in full (his ID number and how he is reached).
    party = {"kind": "person", "name": "李四", "id_number": "330802198001011234"}
    party.update(address="柯城区航埠镇北淤村8号", phone="13800000000")
    case_id = preserved_case(county, party)
    with app.app_context():
        [first] = db.session.execute(
            sa.select(Inspection.id).where(Inspection.case_id == uuid.UUID(case_id))
        ).scalars()
    issued = api_login(county.url, "hb_officer1").post(
        f"{county.url}/api/v1/cases/{case_id}/documents",
        json={
            "kind": "inspection_record",
            "inspection_id": str(first),
            "party_refusal": "当事人拒绝签名",
        },
    )
    assert issued.status_code == 201, issued.text
    record = issued.json()
    partner = user_id(app, "hb_officer2")
    officer = phones("officer", viewport=PHONE)
    page = officer.enter("hb_officer1")
    officer.wait_synced()
    page.goto(officer.url + f"/#/case/{case_id}")
    box = page.locator(".box.documents")
    for kind in ("correction_order", "preservation_notice"):
        page.wait_for_selector(f"[data-document={kind}] [data-issue-offline={kind}]")
    done = f"[data-document='inspection_record:{first}']"
    page.wait_for_selector(f"{done} [data-issued-already='{record['doc_number']}']")
    assert page.locator(f"{done} [data-issue-offline], {done} [data-issue]").count() == 0
    box.scroll_into_view_if_needed()
    shot_of(box, "offline-kinds-documents-box-393")

    page.wait_for_selector("[data-action=inspect]", state="attached")
    officer.offline()
    take_step(page, "[data-action=inspect]")
    page.fill("input[name=place]", "北淤村8号屋后")
    page.select_option("select[name=co_officer]", str(partner))
    page.fill("textarea[name=findings]", "堆放的建筑材料已部分清理。")
    page.check("input[name=certificates_shown]")
    page.click("[data-action=save-inspection]")
    row = page.wait_for_selector(f"[data-inspection-row]:not([data-inspection-row='{first}'])")
    second = row.get_attribute("data-inspection-row")
    fresh = f"[data-document='inspection_record:{second}']"
    try:
        page.wait_for_selector(f"{fresh} [data-issue-offline=inspection_record]:not([disabled])")
    except Exception:  # say why: the box as the phone shows it
        raise AssertionError(page.inner_text(".box.documents")) from None
    # The order now names the officers of this latest record, which awaits his partner.
    why = "[data-document=correction_order] [data-offline-why=inspection_unconfirmed]"
    page.wait_for_selector(why)
    # The question the inspection record asks: only the refusal, never the paper by hand.
    page.click(f"{fresh} [data-issue-offline=inspection_record]")
    asked = f"{fresh} [data-party-signing=inspection_record]"
    page.wait_for_selector(asked)
    # No choice to make, so no lone radio button: the refusal is said, its reason asked.
    assert page.locator(f"{asked} input[type=radio]").count() == 0
    page.wait_for_selector(f"{asked} [data-only-choice=refused]")
    page.wait_for_selector(f"{asked} textarea[name=refusal_reason]")
    page.locator(fresh).scroll_into_view_if_needed()
    shot(page, "offline-kinds-inspection-row-393", full_page=False)
    page.click(f"{asked} button.secondary")
    shot_of(box, "offline-kinds-documents-box-after-393")
