"""Issue 23 on the phones, for an on-the-spot decision (当场处罚, art. 51): the deciding officer
names his partner (art. 42); the partner, offline, is offered one step on his phone, reads
what it means and confirms he was there; once both phones sync, the decider's screen shows it
confirmed and the decision can be issued in both names. Until then it says whom it awaits."""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from server.audit.models import AuditEntry
from server.cases.models import Case, IssuedDocument
from server.catalogue.models import Matter
from server.clues.models import Clue
from server.core.db import db, utcnow
from sync.cases import today
from tests.e2e.kit import api_login, create, push, user_id
from tests.e2e.phone import PHONE, shot, take_step

pytestmark = pytest.mark.browser


def decided_on_spot(county, me: int, partner: int, party: dict | None = None) -> str:
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
            "party": party or {"kind": "person", "name": "王五"},
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


def test_the_party_takes_his_copy_by_scanning_the_officers_qr_code(phones, county):
    """Issue 24: the officer shows a full-screen QR code for an issued decision; the party's
    own phone opens it without a login and downloads the decision as issued; revoked, the
    code gives nothing. Every fetch is in the audit chain."""
    app = county.app
    me, partner = user_id(app, "hb_officer1"), user_id(app, "hb_officer2")
    party = {"kind": "person", "name": "王五", "id_number": "330802199001011234"}
    case_id = decided_on_spot(county, me, partner, party)
    confirm = create("case", {"name": "confirm_on_spot", "args": {}}, None)
    confirm.update(record_id=case_id, op="transition")
    [answer] = push(api_login(county.url, "hb_officer2"), county.url, confirm)
    assert answer["outcome"] == "applied", answer
    # Issued once with the party's refusal to sign noted (the phone then opens that one).
    issued = api_login(county.url, "hb_officer1").post(
        f"{county.url}/api/v1/cases/{case_id}/documents",
        json={"kind": "summary_decision", "party_refusal": "当事人拒绝签名"},
    )
    assert issued.status_code == 201, issued.json()

    officer = phones("officer", viewport=PHONE)
    page = officer.enter("hb_officer1")
    page.goto(officer.url + f"/#/case/{case_id}")
    # Issued already: the phone offers to open it, not to issue it again.
    page.click("[data-open-issued=summary_decision]")
    page.wait_for_selector("[data-pdf=summary_decision], .toast")
    assert page.locator("[data-issue=summary_decision]").count() == 0
    assert not page.query_selector(".toast"), page.inner_text(".toast")
    page.click("[data-party-qr-open=summary_decision]")
    qr = page.wait_for_selector("[data-party-qr] svg.qr")
    url = page.inner_text("[data-party-url]")
    assert qr.get_attribute("data-qr") == url and f"{county.url}/#/copy/" in url
    box = qr.bounding_box()
    assert box["width"] >= 340  # nearly the phone's width: readable from arm's length
    shot(page, "party-qr", full_page=False)
    with app.app_context():
        doc = db.session.execute(
            sa.select(IssuedDocument).where(IssuedDocument.case_id == uuid.UUID(case_id))
        ).scalar_one()
        sha256 = doc.sha256

    # The party's own phone: no account, no login.
    party = phones("party", viewport=PHONE)
    mine = party.start()
    mine.goto(url)
    mine.wait_for_selector("[data-copy-title]")
    assert "处罚决定书" in mine.inner_text("[data-copy-title]")
    assert "人民政府" in mine.inner_text("[data-copy-unit]")
    assert mine.inner_text("[data-copy-date]") == today(utcnow()).isoformat()
    shot(mine, "party-copy-page")
    with mine.expect_download() as download:
        mine.click("[data-download-copy]")
    pdf = Path(download.value.path()).read_bytes()
    assert hashlib.sha256(pdf).hexdigest() == sha256  # the decision as issued to him
    assert download.value.suggested_filename == f"{doc.act_code}.pdf"

    # Shown to the wrong person: the officer takes it back, and it gives nothing any more.
    page.click("[data-action=revoke-party-link]")
    page.wait_for_selector("[data-party-qr-error]")
    assert page.locator("[data-party-qr] svg.qr").count() == 0
    mine.reload()
    mine.wait_for_selector("[data-party-copy-error]")
    assert mine.locator("[data-download-copy]").count() == 0
    shot(mine, "party-copy-gone")

    # Out of signal: the code is minted online, and the screen says so.
    page.click("[data-action=close-party-qr]")
    officer.offline()
    page.click("[data-party-qr-open=summary_decision]")
    assert "需要联网" in page.inner_text("[data-party-qr-error]")
    assert page.locator("[data-party-qr] svg.qr").count() == 0
    officer.offline(False)
    with app.app_context():
        fetched = db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == "document.party_fetched")
        ).all()
        assert len(fetched) == 1 and fetched[0].detail["document"] == str(doc.id)
