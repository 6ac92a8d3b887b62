"""先行登记保存通知书 made on site, offline (行政处罚法 第五十六条: evidence kept with the head's
approval, decided within seven days; the notice handed to the party as the items are kept).
The officer's phone makes it from what it holds (the items, where they are kept, the head's
approval, the officers of the day's inspection) under a reserved number; the party signs the
printed paper by hand, which the officer records instead of a refusal; back online the sealed
notice takes its place under the same number, saying every line the paper says, the record
noting the party signed the paper. And the case page offers only what can still be done: a
kind the server has issued is opened, not offered again, on the phone and at the desk."""

from __future__ import annotations

import re

import pytest

from tests.e2e.kit import NOT_TEXT, api_login, kept_copy, make_offline, preserved_case
from tests.e2e.phone import shot
from tests.server.documents_kit import text_of

pytestmark = pytest.mark.browser
PHONE = {"width": 393, "height": 851}
DESK = {"width": 1440, "height": 900}


def test_a_preservation_notice_printed_offline_and_signed_by_hand_is_sealed_saying_the_same(
    phones, county
):
    app = county.app
    case_id = preserved_case(county)
    # The order to correct is issued online (another officer, at the desk): the phone must
    # not offer it again, neither online nor offline.
    issued = api_login(county.url, "hb_officer2").post(
        f"{county.url}/api/v1/cases/{case_id}/documents", json={"kind": "correction_order"}
    )
    assert issued.status_code == 201, issued.text
    order = issued.json()

    officer = phones("officer", viewport=PHONE)
    page = officer.enter("hb_officer1")
    officer.wait_synced()  # the case, its record, the reserved numbers of each offline kind
    page.goto(officer.url + f"/#/case/{case_id}")
    corr, row = "[data-document=correction_order]", "[data-document=preservation_notice]"
    page.wait_for_selector(f"{corr} [data-issued-already='{order['doc_number']}']")
    assert page.locator(f"{corr} [data-issue-offline], {corr} [data-issue]").count() == 0
    page.wait_for_selector(f"{row} [data-issue-offline=preservation_notice]:not([disabled])")
    page.locator(row).scroll_into_view_if_needed()
    shot(page, "offline-preservation-offers-393", full_page=False)

    officer.offline()
    page.select_option("select[name=print_paper]", "80mm")
    page.click(f"{row} [data-issue-offline=preservation_notice]")
    page.wait_for_selector(f"{row} [data-party-signing=preservation_notice]")
    shot(page, "offline-preservation-signing-choice-393", full_page=False)
    page.click(f"{row} button.secondary:has-text('取消')")  # make_offline taps it again
    frame, printed = make_offline(page, "preservation_notice", "preservation", refusal=None)
    assert printed["title"] == "证据先行登记保存通知书", printed
    assert re.fullmatch(r"航埠镇综执登存〔\d{4}〕\d+号", printed["doc_number"]), printed
    assert "-DB-" in printed["act_code"]
    paper_text = frame.inner_text("body")
    for expected in ("李四", "约500块", "搅拌机", "一台", "航埠镇综合行政执法队证据保管室"):
        assert expected in paper_text, expected
    assert "拒绝" not in paper_text  # signed by hand: a blank box for ink, not a refusal
    shot(page, "offline-preservation-document-393", full_page=False)
    page.click("[data-print-close]")
    page.wait_for_selector(f"{row} [data-offline-copy='{printed['doc_number']}']")

    officer.offline(False)
    officer.sync_now()
    officer.wait_synced()
    page.wait_for_selector(f"{row} [data-offline-sealed='{printed['doc_number']}']")
    shot(page, "offline-preservation-sealed-393", full_page=True)
    _copy, doc, _html, sealed = kept_copy(app, case_id)
    assert (doc.kind, doc.doc_number, doc.act_code, doc.party_signing) == (
        "preservation_notice",
        printed["doc_number"],
        printed["act_code"],
        "paper",
    )
    pdf = text_of(sealed)
    # Every line of the paper handed over is in the sealed PDF (whitespace aside).
    lines = [x.strip() for x in paper_text.splitlines() if x.strip()]
    missing = [x for x in lines if not NOT_TEXT.match(x) and re.sub(r"\s+", "", x) not in pdf]
    assert not missing, (missing, pdf)
    assert len(lines) > 15, lines  # the whole document, not a blank frame

    # The desk: both documents issued, so neither 生成文书 nor 离线出具, only the documents.
    desk = phones("desk", viewport=DESK).enter("hb_leader")
    desk.goto(county.url + f"/#/case/{case_id}")
    desk.wait_for_selector(f"{row} [data-issued-already='{printed['doc_number']}']")
    desk.wait_for_selector(f"{corr} [data-issued-already='{order['doc_number']}']")
    for r in (row, corr):
        assert desk.locator(f"{r} [data-issue], {r} [data-issue-offline]").count() == 0, r
    desk.locator(row).scroll_into_view_if_needed()
    shot(desk, "offline-preservation-desk-case-1440")
