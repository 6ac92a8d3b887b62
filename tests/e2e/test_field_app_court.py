"""An unpaid fine taken to the people's court, on the head's phone (行政强制法 第五十三条至
第五十八条): the case offers the 强制执行申请书 while its window is open, and to the head who
signs it, not to an officer; the phone offers the next step first: the application, then
each of the court's answers in the law's order, then the closing.

The demo's notified case is set, in the database, where it stands seven months on: decided
and served, the day to pay long past, the demand served a month ago, the court's window open
since five days (every day counted from today, so the test does not depend on the date)."""

from __future__ import annotations

import uuid

import pytest

from server.cases.models import Case
from server.core.db import db
from tests.e2e.demo_kit import awaiting_the_court
from tests.e2e.phone import NAMES, shot, take_step

pytestmark = pytest.mark.browser


def step(leader, name: str, **fields) -> None:
    """The head takes ``name`` on the case (each date defaults to today) and it is synced."""
    page = leader.page
    take_step(page, f"{name}")
    for field, value in fields.items():
        page.fill(f".step-form [name={field}]", value)
    page.click("[data-action=save-step]:not([disabled])")
    leader.wait_synced()


def awaited(page) -> str:
    return page.get_attribute("[data-awaited=yes]", "data-transition")


def test_the_head_applies_to_the_court_records_its_answers_and_closes_the_case(phones, county):
    app, url = county.app, county.url
    case_id = awaiting_the_court(app, url)

    officer = phones("officer")
    page = officer.enter("hb_officer1")
    page.goto(url + f"/#/case/{case_id}")
    page.wait_for_selector("[data-document=payment_demand]")
    # The head signs the application (第五十五条): an officer is not offered it.
    assert page.locator("[data-document=enforcement_application]").count() == 0

    leader = phones("leader")
    page = leader.enter("hb_leader")
    page.goto(url + f"/#/case/{case_id}")
    page.wait_for_selector("[data-document=payment_demand]")
    # 第五十三条: first the head checks no review or suit was sought; the application (which
    # says so) is offered after that.
    assert awaited(page) == "confirm_no_remedy"
    assert page.locator("[data-document=enforcement_application]").count() == 0
    take_step(page, "confirm_no_remedy")
    assert "第五十三条" in page.inner_text(".step-form .explains")
    page.click(".step-form button.secondary")
    step(leader, "confirm_no_remedy")
    page.wait_for_selector("[data-document=enforcement_application]")
    assert awaited(page) == "apply_enforcement"
    # The court's answers come after the application: none is offered before it.
    assert page.locator("[data-transition^=court_]").count() == 0
    assert "EMS 1098765432" in page.inner_text("[data-fact=demand_served_on]")
    page.click("[data-issue=enforcement_application]")
    page.wait_for_selector("[data-pdf=enforcement_application]")
    shot(page, "court-1-window-open")

    step(leader, "apply_enforcement", court="衢州市柯城区人民法院", court_receipt="法院收件回执")
    page.wait_for_selector("[data-fact=enforcement_applied_on]:has-text('柯城区人民法院')")
    assert awaited(page) == "court_accepted"
    offered = page.eval_on_selector_all("[data-transition^=court_]", NAMES % "transition")
    assert offered == ["court_accepted", "court_declined"], offered
    shot(page, "court-2-applied")
    step(leader, "court_accepted", ruling_no="（2026）浙0802行审12号")
    assert awaited(page) == "court_ordered"
    take_step(page, "court_refused")
    # The refusal says the case stays open and the court above may be asked (第五十八条).
    explains = page.inner_text(".step-form .explains")
    assert "不结案" in explains and "十五日内向上一级人民法院申请复议" in explains
    shot(page, "court-3-refusal-explained")
    page.click(".step-form button.secondary")
    step(leader, "court_ordered", ruling_no="（2026）浙0802行审12号")
    assert awaited(page) == "court_enforced"
    step(leader, "court_enforced", ruling_no="（2026）浙0802执88号")
    answers = page.eval_on_selector_all("[data-court-answer]", NAMES % "courtAnswer")
    assert answers == ["court_accepted", "court_ordered", "court_enforced"], answers
    assert "（2026）浙0802执88号" in page.inner_text("[data-court-answer=court_enforced]")
    assert page.locator("[data-fact=payment_due] .overdue").count() == 0  # enforced: not late
    assert awaited(page) == "close"
    shot(page, "court-4-enforced")
    step(leader, "close")
    page.wait_for_selector("[data-status=closed]")
    with app.app_context():
        case = db.session.get(Case, uuid.UUID(case_id))
        assert case.status == "closed"
        assert case.data["enforcement_done_no"] == "（2026）浙0802执88号"
