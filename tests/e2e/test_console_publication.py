"""Art. 48 (行政处罚法 第四十八条) from the desk to anyone's screen: the head issues the demo
case's penalty decision at his desk and makes it public; a browser that never logged in
opens the public page from the login screen, sees the decision and opens its redacted copy
(the party's id number and full name are not in it); the legal reviewer sees where it stands
but has no button; the head withdraws it with a reason, and the public page shows the reason
in place of the link."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from server.cases.models import IssuedDocument
from server.core.db import db, utcnow
from sync.cases import today
from tests.e2e.demo_kit import decided_demo_case
from tests.e2e.phone import DESK, PHONE, shot
from tests.server.documents_kit import text_of

pytestmark = pytest.mark.browser

REASON = "区人民政府行政复议决定撤销本处罚决定"


def step(case_id: str, name: str, **args) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "record_type": "case",
        "record_id": case_id,
        "op": "transition",
        "payload": {"name": name, "args": args},
        "device_time": dt.datetime.now(dt.UTC).isoformat(),
    }


def public_shots(page, name: str) -> None:
    """The page as a phone and as a wide desk screen show it."""
    for size, tag in ((PHONE, "393"), (DESK, "1440")):
        page.set_viewport_size(size)
        shot(page, f"{name}-{tag}")


def test_the_head_publishes_a_decision_anyone_reads_it_and_a_withdrawal_says_why(phones, county):
    case_id, party = decided_demo_case(county)
    assert party["id_number"] and party["address"] and len(party["name"]) > 1

    # The head at his desk issues the decision, then makes it public.
    head = phones("head", viewport=DESK)
    desk = head.enter("hb_leader")
    desk.goto(head.url + f"/#/case/{case_id}")
    desk.click("[data-issue=penalty_decision]")
    desk.wait_for_selector("[data-pdf=penalty_decision]")
    row = desk.wait_for_selector("[data-publication] [data-publish-doc][data-state=unpublished]")
    doc_id = row.get_attribute("data-publish-doc")
    with county.app.app_context():
        doc = db.session.get(IssuedDocument, uuid.UUID(doc_id))
        number, act_code, public_sha256 = doc.doc_number, doc.act_code, doc.public_sha256
    assert number in row.inner_text()
    desk.click(f"[data-publish-doc='{doc_id}'] [data-action=publish]")
    form = desk.wait_for_selector("[data-pub-form=publish]")
    assert "身份证号码" in form.inner_text() and "村以下" in form.inner_text()
    assert form.query_selector("[data-action=confirm-publish]").inner_text() == "确认公开"
    desk.locator("[data-publication]").scroll_into_view_if_needed()
    public_shots(desk, "desk-publish")
    desk.set_viewport_size(DESK)
    desk.click("[data-action=confirm-publish]")
    desk.wait_for_selector(f"[data-publish-doc='{doc_id}'] [data-publication-state=published]")
    desk.wait_for_selector(f"[data-publish-doc='{doc_id}'] [data-action=withdraw]")
    public_shots(desk, "desk-published")
    desk.set_viewport_size(DESK)

    # Anyone: a browser that never logged in, from the login screen's link.
    visitor = phones("visitor", viewport=PHONE)
    visitor.start()
    visitor.open()
    page = visitor.page
    page.click("[data-to-public]")
    entry = page.wait_for_selector(f"[data-public-decision='{doc_id}'][data-state=published]")
    text = entry.inner_text()
    assert number in text and act_code in text
    assert "航埠镇人民政府" in text and "网格" not in text  # the agency, never the grid
    assert today(utcnow()).isoformat() in text  # the China day it was published
    assert party["name"] not in page.inner_text("body")
    # Nothing else of the app: no sync bar, no console, no login form.
    assert page.locator(".syncbar, .console-nav, input[name=password]").count() == 0
    public_shots(page, "public-published")
    page.click("header button.link")  # English second
    page.wait_for_selector("h1:has-text('Published penalty decisions')")
    shot(page, "public-published-en-1440")
    page.set_viewport_size(PHONE)
    shot(page, "public-published-en-393")
    page.click("header button.link")
    page.wait_for_selector("h1:has-text('行政处罚决定公开')")
    href = entry.query_selector("[data-open-pdf]").get_attribute("href")
    pdf = visitor.ctx.request.get(visitor.url + href)  # the browser's own, with no token
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["x-content-sha256"] == public_sha256
    copy = text_of(pdf.body())
    assert party["id_number"] not in copy and party["name"] not in copy
    assert party["address"] not in copy  # a person's address is taken out
    assert number.replace(" ", "") in copy  # the decision itself, redacted

    # The legal reviewer sees where it stands, and has no button.
    reviewer = phones("reviewer", viewport=DESK)
    seen = reviewer.enter("hb_review")
    seen.goto(reviewer.url + f"/#/case/{case_id}")
    seen.wait_for_selector(f"[data-publish-doc='{doc_id}'] [data-publication-state=published]")
    seen.wait_for_selector("[data-publication-readonly]")
    assert seen.locator("[data-publication] button").count() == 0

    # The decision is revoked: the head withdraws it, saying why.
    desk.click(f"[data-publish-doc='{doc_id}'] [data-action=withdraw]")
    form = desk.wait_for_selector("[data-pub-form=withdraw]")
    assert "三日内" in form.inner_text()
    confirm = desk.locator("[data-action=confirm-withdraw]")
    assert confirm.is_disabled()  # no withdrawal without a reason
    desk.fill("textarea[name=withdraw_reason]", REASON)
    public_shots(desk, "desk-withdraw")
    desk.set_viewport_size(DESK)
    confirm.click()
    done = desk.wait_for_selector(
        f"[data-publish-doc='{doc_id}'] [data-publication-state=withdrawn]"
    )
    assert done is not None and REASON in desk.inner_text(f"[data-publish-doc='{doc_id}']")
    assert desk.locator(f"[data-publish-doc='{doc_id}'] button").count() == 0

    page.reload()
    gone = page.wait_for_selector(f"[data-public-decision='{doc_id}'][data-state=withdrawn]")
    assert REASON in gone.inner_text() and "已撤回" in gone.inner_text()
    assert gone.query_selector("[data-open-pdf]") is None
    public_shots(page, "public-withdrawn")
    assert visitor.ctx.request.get(visitor.url + href).status == 410
