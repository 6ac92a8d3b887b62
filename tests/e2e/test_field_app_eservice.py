"""Electronic service (issue 22, 行政处罚法 第六十一条第二款) in the browser: the officer, offline
on site, takes the party's consent on his phone (a wrong number refused under its field, the
party's signature drawn), syncs; the head issues the decision at his desk, which queues the
SMS; the sender delivers it to a stub gateway; the desk shows it delivered and waiting for the
party; the party opens his link; the desk shows it served, dated the day it arrived."""

from __future__ import annotations

import json
import re
import uuid

import pytest
import requests
import sqlalchemy as sa

from server.cases import eservice
from server.cases.models import Case
from server.core.db import db
from server.evidence.models import Evidence
from sync.cases import CHINA
from tests.e2e.demo_kit import decided_demo_case
from tests.e2e.phone import DESK, PHONE, shot, take_step
from tests.server.notify_kit import Stub

pytestmark = pytest.mark.browser


@pytest.fixture
def gateway():
    s = Stub()
    yield s
    s.close()


def test_consent_taken_offline_on_the_phone_then_the_desk_follows_the_sending(
    phones, county, gateway
):
    county.app.config.update(NOTIFY_SMS_URL=gateway.url + "/sms")
    case_id, _ = decided_demo_case(county)

    officer = phones("officer", viewport=PHONE)
    page = officer.enter("hb_officer1")
    officer.wait_synced()
    officer.offline()
    page.goto(officer.url + f"/#/case/{case_id}")
    take_step(page, "consent_eservice")
    form = page.wait_for_selector("[data-step=consent_eservice]")
    assert "电子送达" in form.inner_text()
    page.fill("[data-step=consent_eservice] input[name=mobile]", "1391234")
    page.wait_for_selector("[data-wrong=mobile]")  # said under its field, before he signs
    assert page.locator("[data-step=consent_eservice] .signature canvas").count() == 0
    page.fill("[data-step=consent_eservice] input[name=mobile]", "13912345678")
    page.fill("[data-step=consent_eservice] input[name=email]", "zhang@example.cn")
    page.wait_for_selector("[data-step=consent_eservice] .signature canvas")
    officer.sign()
    save = page.locator("[data-step=consent_eservice] [data-action=save-step]")
    save.scroll_into_view_if_needed()
    page.wait_for_selector("[data-step=consent_eservice] [data-action=save-step]:not([disabled])")
    shot(page, "phone-consent-393")
    save.click()
    page.wait_for_selector("[data-eservice] [data-consent=standing]")  # on the phone, offline

    officer.offline(False)
    officer.wait_synced()
    officer.sync_now()
    officer.wait_files_held()
    with county.app.app_context():
        case = db.session.get(Case, uuid.UUID(case_id))
        assert case.data["eservice_mobile"] == "13912345678"
        sha = case.data["eservice_signature"]
        held = db.session.execute(
            sa.select(Evidence).where(Evidence.original_sha256 == sha)
        ).scalar_one()
        assert held.clue_id == case.clue_id and held.original_media_type == "image/png"

    # The head issues the decision at his desk: the SMS and the e-mail row are queued.
    head = phones("head", viewport=DESK)
    desk = head.enter("hb_leader")
    desk.goto(head.url + f"/#/case/{case_id}")
    desk.click("[data-issue=penalty_decision]")
    desk.wait_for_selector("[data-pdf=penalty_decision]")
    with county.app.app_context():
        counts = eservice.send_due()
    assert counts == {"delivered": 1, "failed": 0, "given_up": 1}  # no SMTP configured
    [sms] = gateway.requests
    token = re.search(r"#/copy/([\w-]+)", json.loads(sms["body"])["content"]).group(1)
    desk.reload()
    head.unlock()  # a reloaded app asks for its PIN again
    desk.wait_for_selector("[data-service=sms][data-state=delivered]")
    failed = desk.wait_for_selector("[data-service=email][data-state=failed]")
    assert "改为其他方式送达" in failed.inner_text()
    desk.locator("[data-eservice]").scroll_into_view_if_needed()
    shot(desk, "desk-eservice-delivered-1440", full_page=False)

    # The party opens his link: the receipt is confirmed, the service recorded.
    assert requests.get(f"{county.url}/api/v1/copies/{token}").status_code == 200
    with county.app.app_context():
        case = db.session.get(Case, uuid.UUID(case_id))
        row = db.session.scalars(
            sa.select(eservice.ElectronicService).where(eservice.ElectronicService.channel == "sms")
        ).one()
        day = row.delivered_at.astimezone(CHINA).date().isoformat()
        assert case.status == "served" and case.data["served_on"] == day
        assert case.data["service_method"] == "electronic"
    desk.reload()
    head.unlock()
    served = desk.wait_for_selector("[data-service=sms][data-state=served]")
    assert day in served.inner_text()
    # The failed channel stays failed, with why in words and what to do instead.
    failed = desk.wait_for_selector("[data-service=email][data-state=failed]")
    assert "未开通" in failed.inner_text() and "改为其他方式送达" in failed.inner_text()
    desk.locator("[data-eservice]").scroll_into_view_if_needed()
    shot(desk, "desk-eservice-served-1440", full_page=False)

    officer.sync_now()
    officer.wait_synced()
    page.goto(officer.url + f"/#/case/{case_id}")
    page.wait_for_selector("[data-eservice] [data-service=sms][data-state=served]")
    page.locator("[data-eservice]").scroll_into_view_if_needed()
    shot(page, "phone-eservice-served-393", full_page=False)
