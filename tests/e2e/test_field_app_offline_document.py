"""离线出具 (issue 22) on a phone: the officer, with no signal on site, makes the order to
correct from what his phone holds under a number it reserved, sees it and prints it (the
print service is called on the document's own view); back online, the copy handed over is
kept on the case by its hash and the server's sealed document takes its place in the list,
with the same number, act code, title and party as the paper the party holds."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import time
import uuid

import pytest
import sqlalchemy as sa

from server.cases.documents import document_key
from server.cases.models import IssuedDocument, OfflineDocument
from server.cases.offline import copy_key
from server.clues.models import Clue
from server.core.db import db, utcnow
from sync.cases import today
from tests.e2e.kit import api_login, create, matter_of, push, user_id
from tests.e2e.phone import shot
from tests.server.documents_kit import text_of

pytestmark = pytest.mark.browser
CHINA = dt.timezone(dt.timedelta(hours=8))
PHONE = {"width": 393, "height": 851}
DESK = {"width": 1440, "height": 900}


def step(case_id: str, name: str, **args) -> dict:
    m = create("case", {"name": name, "args": args}, None)
    m.update(record_id=case_id, op="transition")
    return m


def ordered_case(county) -> str:
    """A case of 航埠镇 opened, inspected by two officers (both vouched: art. 42) and ordered
    corrected, through the API as the phones and the desk would."""
    url, app = county.url, county.app
    with app.app_context():
        clue_id = str(
            db.session.execute(sa.select(Clue.id).where(Clue.code.like("%330802101%")))
            .scalars()
            .first()
        )
    officer = api_login(url, "hb_officer1")
    party = {"kind": "person", "name": "李四", "address": "柯城区航埠镇北淤村8号"}
    case = create(
        "case",
        {
            "procedure": "general",
            "matter_code": matter_of(app, clue_id),
            "party": party,
            "facts": "在承包地上建房",
            "violation_on": (today(utcnow()) - dt.timedelta(days=30)).isoformat(),
        },
        clue_id,
    )
    assert push(officer, url, case)[0]["outcome"] == "applied"
    case_id = case["record_id"]
    [opened] = push(api_login(url, "hb_leader"), url, step(case_id, "approve_opening"))
    assert opened["outcome"] == "applied", opened
    start = dt.datetime.now(CHINA) - dt.timedelta(minutes=40)
    record = create(
        "inspection",
        {
            "officers": [user_id(app, "hb_officer1"), user_id(app, "hb_officer2")],
            "started_at": start.isoformat(),
            "ended_at": (start + dt.timedelta(minutes=20)).isoformat(),
            "place": "北淤村村口",
            "findings": "在承包地上新建砖混房屋一间",
            "certificates_shown": True,
            "party_present": True,
        },
        case_id,
    )
    assert push(officer, url, record)[0]["outcome"] == "applied"
    confirm = create("inspection", {"name": "confirm_presence", "args": {}}, None)
    confirm.update(record_id=record["record_id"], op="transition")
    assert push(api_login(url, "hb_officer2"), url, confirm)[0]["outcome"] == "applied"
    day = today(utcnow())
    order = step(
        case_id,
        "order_correction",
        requirements="拆除新建房屋，恢复土地原状",
        correct_by=(day + dt.timedelta(days=10)).isoformat(),
        ordered_on=day.isoformat(),
    )
    assert push(officer, url, order)[0]["outcome"] == "applied"
    return case_id


def test_an_order_printed_offline_is_replaced_by_the_sealed_one_with_the_same_number(
    phones, county
):
    app = county.app
    case_id = ordered_case(county)
    officer = phones("officer", viewport=PHONE)
    page = officer.enter("hb_officer1")
    officer.wait_synced()  # the case, its record and three reserved numbers come down
    page.goto(officer.url + f"/#/case/{case_id}")
    row = "[data-document=correction_order]"
    page.wait_for_selector(f"{row} [data-issue-offline=correction_order]:not([disabled])")

    officer.offline()
    page.select_option("select[name=print_paper]", "80mm")
    # On a cheap phone (4× CPU slowdown): the time from the tap to the document shown.
    cdp = page.context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
    started = time.perf_counter()
    page.click(f"{row} [data-issue-offline=correction_order]")
    page.wait_for_selector("[data-offline-view] iframe[data-offline-frame]")
    frame = next(f for f in page.frames if f != page.main_frame)
    frame.wait_for_selector("[data-act-code]")
    print(f"offline document shown {1000 * (time.perf_counter() - started):.0f} ms at 4x CPU")
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
    printed = {
        "doc_number": frame.inner_text("[data-doc-number]"),
        "act_code": frame.get_attribute("[data-act-code]", "data-act-code"),
        "title": frame.inner_text("h1"),
    }
    assert printed["title"] == "责令改正通知书" and "李四" in frame.inner_text("body")
    assert re.fullmatch(r"航埠镇综执责改〔\d{4}〕\d+号", printed["doc_number"]), printed
    # The print service: Playwright sees no dialog for it, so the document's own view
    # records that its print() was called (and that it printed the document, not the app).
    frame.evaluate("window.print = () => { window.top.__printed = document.title; }")
    page.click("[data-offline-view] [data-print]")
    assert page.evaluate("window.__printed").startswith("责令改正通知书 " + printed["doc_number"])
    shot(page, "offline-doc-offline-document-393", full_page=False)
    page.click("[data-print-close]")
    page.wait_for_selector(f"{row} [data-offline-copy='{printed['doc_number']}']")
    shot(page, "offline-doc-offline-list-393", full_page=True)

    officer.offline(False)
    officer.sync_now()
    officer.wait_synced()
    page.wait_for_selector(f"{row} [data-offline-sealed='{printed['doc_number']}']")
    assert page.locator(f"{row} [data-offline-copy]").count() == 0
    shot(page, "offline-doc-sealed-list-393", full_page=True)
    with app.app_context():
        copy = db.session.execute(
            sa.select(OfflineDocument).where(OfflineDocument.case_id == uuid.UUID(case_id))
        ).scalar_one()
        doc = db.session.get(IssuedDocument, copy.document_id)
        store = app.extensions["evidence_store"]
        html = store.read(copy_key(copy.sha256))
        assert hashlib.sha256(html).hexdigest() == copy.sha256
        assert (doc.doc_number, doc.act_code) == (printed["doc_number"], printed["act_code"])
        text = text_of(store.read(document_key(doc.id)))
    for expected in (*printed.values(), "李四"):
        assert expected in text, expected
        assert expected in html.decode(), expected

    # The desk's case page lists the copy handed over, by its hash, beside the sealed one.
    desk = phones("desk", viewport=DESK).enter("hb_leader")
    desk.goto(county.url + f"/#/case/{case_id}")
    listed = desk.wait_for_selector(f"[data-offline-sha256='{copy.sha256}']")
    assert listed.is_visible()
    desk.wait_for_selector(f"[data-offline-sealed-doc='{printed['doc_number']}']")
    desk.locator("[data-offline-copies]").scroll_into_view_if_needed()
    shot(desk, "offline-doc-desk-case-1440")
