"""The head and the legal reviewer at their desks see everything a decision rests on: the
head approves the opening with his opinion; the reviewer reads the law the matter names, the
published discretion standard with the level the notice chose, the inspection record's own
text and every photo of the clue, and gives his opinion, which the head then reads."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from server.cases.models import Case, Inspection
from server.catalogue.models import Matter
from server.core.db import db
from server.evidence.models import Evidence
from tests.e2e.kit import a_case
from tests.e2e.phone import DESKTOP, take_step

pytestmark = pytest.mark.browser

TOWN = "330802101"  # 航埠镇


def save_step(page):
    page.click("[data-action=save-step]:not([disabled])")
    page.wait_for_selector("[data-action=save-step]", state="detached")


def test_the_head_approves_the_opening_with_his_opinion(phones, county):
    _, _, case = a_case(county, "钱七")
    case_id = case["record_id"]
    leader = phones("leader", viewport=DESKTOP)
    page = leader.enter("hb_leader")
    page.goto(leader.url + f"/#/case/{case_id}")
    take_step(page, "approve_opening")
    page.fill("textarea[name=opening_opinion]", "事实基本清楚，同意立案调查")
    save_step(page)
    leader.wait_synced()
    with county.app.app_context():
        stored = db.session.get(Case, uuid.UUID(case_id))
        assert (stored.status, stored.data["opening_opinion"]) == (
            "investigating",
            "事实基本清楚，同意立案调查",
        )
    page.wait_for_selector("[data-basis=opening_opinion]")
    assert "同意立案调查" in page.inner_text("[data-basis=opening_opinion]")


def test_the_reviewer_sees_the_law_the_standard_the_record_and_the_photos(phones, county):
    app = county.app
    with app.app_context():
        case = (
            db.session.execute(
                sa.select(Case).where(Case.status == "notified", Case.code.like(f"%{TOWN}%"))
            )
            .scalars()
            .first()
        )
        case_id, clue_id = str(case.id), case.clue_id
        matter = db.session.get(Matter, case.matter_id)
        basis, levels = matter.legal_basis, [lv["level"] for lv in matter.discretion]
        chosen = case.data["discretion"]["level"]
        findings = [
            i.findings
            for i in db.session.execute(sa.select(Inspection).where(Inspection.case_id == case.id))
            .scalars()
            .all()
        ]
        photos = db.session.scalar(
            sa.select(sa.func.count()).select_from(Evidence).where(Evidence.clue_id == clue_id)
        )
    assert levels and findings

    reviewer = phones("reviewer", viewport=DESKTOP)
    page = reviewer.enter("hb_review")
    page.goto(reviewer.url + f"/#/case/{case_id}")
    page.wait_for_selector(".basis [data-basis=legal_basis]")
    assert page.inner_text(".basis [data-basis=legal_basis]") == basis
    shown = page.eval_on_selector_all(
        ".basis tr[data-level]", "rows => rows.map((r) => r.dataset.level)"
    )
    assert shown == levels
    assert page.get_attribute(f".basis tr[data-level='{chosen}']", "aria-current") == "true"
    # The inspection record's text, not only its code.
    for text in findings:
        assert text in page.inner_text(".inspections")
    # Every photo of the clue, counted as the server holds them.
    page.wait_for_selector(".gallery h2")
    assert page.inner_text(".gallery h2").endswith(f"({photos})")
    assert page.locator(".gallery li[data-evidence]").count() == photos

    take_step(page, "approve_review")
    page.fill("textarea[name=opinion]", "事实清楚，证据确凿，适用依据正确，裁量适当")
    save_step(page)
    reviewer.wait_synced()

    # The head reads the opinion his decision follows.
    leader = phones("leader", viewport=DESKTOP)
    lp = leader.enter("hb_leader")
    lp.goto(leader.url + f"/#/case/{case_id}")
    lp.wait_for_selector(".basis [data-basis=review_opinion]")
    assert "裁量适当" in lp.inner_text(".basis [data-basis=review_opinion]")
    assert "法制审核员" in lp.inner_text(".basis [data-basis=review_opinion]")
