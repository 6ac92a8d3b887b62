"""Issue 23 on the phones, for an on-the-spot decision (当场处罚, art. 51): the deciding officer
names his partner (art. 42); the partner, offline, is offered one step on his phone, reads
what it means and confirms he was there; once both phones sync, the decider's screen shows it
confirmed and the decision can be issued in both names. Until then it says whom it awaits."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from server.cases.models import Case
from server.catalogue.models import Matter
from server.clues.models import Clue
from server.core.db import db, utcnow
from sync.cases import today
from tests.e2e.kit import api_login, create, push, user_id
from tests.e2e.phone import PHONE, shot, take_step

pytestmark = pytest.mark.browser


def decided_on_spot(county, me: int, partner: int) -> str:
    """A warning decided on the spot by hb_officer1 naming hb_officer2, through the API."""
    app = county.app
    with app.app_context():
        clue = (
            db.session.execute(sa.select(Clue).where(Clue.code.like("%330802101%")))
            .scalars()
            .first()
        )
        clue_id, matter_id = str(clue.id), clue.matter_id
        matter = db.session.get(Matter, matter_id)
        matter.summary_procedure_allowed = True
        matter_code = matter.code
        db.session.commit()
    officer = api_login(county.url, "hb_officer1")
    case = create(
        "case",
        {
            "procedure": "summary",
            "matter_code": matter_code,
            "party": {"kind": "person", "name": "王五"},
            "facts": "在村道边焚烧垃圾",
            "violation_on": today(utcnow()).isoformat(),
        },
        clue_id,
    )
    decide = {
        "id": str(uuid.uuid4()),
        "record_type": "case",
        "record_id": case["record_id"],
        "op": "transition",
        "base_version": 1,
        "payload": {
            "name": "decide_on_spot",
            "args": {
                "officers": [me, partner],
                "penalty": {"kind": "warning", "amount_fen": 0},
                "certificate_shown": True,
                "statement_kind": "waived",
            },
        },
    }
    answers = push(officer, county.url, case, decide)
    assert [a["outcome"] for a in answers] == ["applied", "applied"], answers
    return case["record_id"]


def test_the_partner_confirms_an_on_the_spot_decision_offline_and_it_can_be_issued(phones, county):
    app = county.app
    me, partner = user_id(app, "hb_officer1"), user_id(app, "hb_officer2")
    case_id = decided_on_spot(county, me, partner)

    # The decider's phone: the decision awaits his partner, by name, and is not issued yet.
    author = phones("author")
    author.enter("hb_officer1")
    author.page.goto(author.url + f"/#/case/{case_id}")
    chip = author.page.wait_for_selector("[data-fact=on_spot_officers] [data-on-spot=awaiting]")
    assert "张伟" in chip.inner_text()
    waits = author.page.wait_for_selector("[data-document-waits=summary_decision]")
    assert "张伟" in waits.inner_text()
    assert author.page.locator("[data-issue=summary_decision]").is_disabled()
    assert author.page.locator("[data-transition=confirm_on_spot]").count() == 0  # not his

    # The partner's phone, synced in the village office, then out of signal.
    second = phones("partner", viewport=PHONE)
    page = second.enter("hb_officer2")
    page.goto(second.url + f"/#/case/{case_id}")
    page.wait_for_selector("[data-fact=on_spot_officers]")
    second.offline()
    take_step(page, "confirm_on_spot")
    form = page.wait_for_selector("[data-step=confirm_on_spot]")
    assert "第四十二条" in form.inner_text()
    shot(page, "on-spot-confirm")
    page.click("[data-action=save-step]")
    page.wait_for_selector("[data-status=decided] [data-state]")  # queued, shown as such
    assert page.locator("[data-transition=confirm_on_spot]").count() == 0  # not offered twice
    with app.app_context():
        held = db.session.get(Case, uuid.UUID(case_id))
        assert not held.data.get("on_spot_confirmations")  # still only on his phone

    second.offline(False)
    second.sync_now()
    second.wait_synced()
    with app.app_context():
        held = db.session.execute(sa.select(Case).where(Case.id == uuid.UUID(case_id))).scalar_one()
        assert [c["officer_id"] for c in held.data["on_spot_confirmations"]] == [partner]
    page.wait_for_selector("[data-fact=on_spot_officers] [data-on-spot=complete]")
    assert page.locator("[data-transition=confirm_on_spot]").count() == 0

    # The decider's next sync: confirmed, and the decision can be issued.
    author.sync_now()
    author.wait_synced()
    author.page.wait_for_selector("[data-fact=on_spot_officers] [data-on-spot=complete]")
    assert author.page.locator("[data-document-waits=summary_decision]").count() == 0
    assert not author.page.locator("[data-issue=summary_decision]").is_disabled()
