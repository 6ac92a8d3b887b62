"""离线出具 (issue 22) on a phone: the officer, with no signal on site, makes the order to
correct from what his phone holds under a number it reserved, sees it and prints it (the
print service is called on the document's own view); back online, the copy handed over is
kept on the case by its hash and the server's sealed document takes its place in the list,
with the same number, act code, title and party as the paper the party holds."""

from __future__ import annotations

import hashlib
import re

import pytest

from tests.e2e.kit import api_login, kept_copy, make_offline, ordered_case
from tests.e2e.phone import DESK, IDB, PHONE, shot
from tests.server.documents_kit import text_of

pytestmark = pytest.mark.browser


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
    frame, printed = make_offline(page, "correction_order", "document")
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
    copy, doc, html, pdf = kept_copy(app, case_id)
    assert (doc.doc_number, doc.act_code) == (printed["doc_number"], printed["act_code"])
    text = text_of(pdf)
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
    # Its timeline names the copy in words (server/audit/actions.py), never by its code.
    entry = desk.wait_for_selector("tr[data-action='document.offline_copy']")
    assert "离线出具文书（已交付当事人）" in entry.inner_text()
    assert "document.offline_copy" not in desk.inner_text(".timeline")
    entry.scroll_into_view_if_needed()
    shot(desk, "offline-doc-desk-timeline-1440", full_page=False)


def test_a_document_issued_online_opens_offline_as_the_bytes_the_server_archived(phones, county):
    """The order was issued at the office. The officer opens the case while he has a
    network: the phone keeps the PDF, sealed like his photos. In the village, with none,
    after the phone was switched off and on, it opens: the very bytes the server archived
    (their SHA-256 is on the record), to show or print and hand over."""
    case_id = ordered_case(county)
    issued = api_login(county.url, "hb_officer1").post(
        f"{county.url}/api/v1/cases/{case_id}/documents", json={"kind": "correction_order"}
    )
    assert issued.status_code == 201, issued.text
    doc = issued.json()
    officer = phones("officer", viewport=PHONE)
    page = officer.enter("hb_officer1")
    officer.wait_synced()
    page.goto(officer.url + f"/#/case/{case_id}")
    row = "[data-document=correction_order]"
    page.wait_for_selector(f"{row} [data-issued-already='{doc['doc_number']}']")
    kept = IDB + "async (key) => (await one(await idb(), 'meta', key)) !== undefined"
    officer.until(kept, f"pdf:{doc['id']}")
    # Sealed at rest, like the photos: the stored file is not the PDF in clear.
    stored_types = page.evaluate(
        IDB + "async (key) => { const d = await idb(); return new Promise((ok) => {"
        " const r = d.transaction('meta').objectStore('meta').get(key);"
        " r.onsuccess = () => ok((r.result.$x || [r.result]).map((b) => b.type)); }); }",
        f"pdf:{doc['id']}",
    )
    assert stored_types == ["application/vnd.fieldcase.sealed; inner=application/pdf"], stored_types

    officer.restart(offline=True)
    officer.unlock()
    page = officer.page
    page.goto(officer.url + f"/#/case/{case_id}")
    page.click(f"{row} [data-open-issued]")
    link = page.wait_for_selector(f"{row} a[data-pdf]")
    with page.expect_download() as saved:
        link.click()
    with open(saved.value.path(), "rb") as f:
        assert hashlib.sha256(f.read()).hexdigest() == doc["sha256"]
    shot(page, "offline-doc-issued-opened-offline-393", full_page=False)
