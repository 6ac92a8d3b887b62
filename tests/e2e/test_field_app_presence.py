"""Issue 23 on the phones: an officer records an inspection naming his partner (art. 42); the
partner, offline, reads the record on his own phone and confirms he was there; once both
phones sync, the author's screen shows it confirmed. Until then the author sees whom it
awaits, and the record is not issued as signed by both."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import sqlalchemy as sa

from server.cases.models import Inspection
from server.core.db import db, utcnow
from tests.e2e.kit import a_case, create, push, user_id
from tests.e2e.phone import PHONE, shot

pytestmark = pytest.mark.browser


def test_the_partner_confirms_offline_on_his_phone_and_the_author_sees_it(phones, county):
    app = county.app
    author_api, _, case = a_case(county, "李四")
    me, partner = user_id(app, "hb_officer1"), user_id(app, "hb_officer2")
    start = utcnow() - dt.timedelta(hours=1)
    record = create(
        "inspection",
        {
            "officers": [me, partner],
            "started_at": start.isoformat(),
            "ended_at": (start + dt.timedelta(minutes=30)).isoformat(),
            "place": "北淤村8号西侧承包地",
            "findings": "承包地上新建砖混结构房屋一间，约四十平方米，尚未封顶。",
            "certificates_shown": True,
            "party_present": True,
        },
        case["record_id"],
    )
    assert push(author_api, county.url, record)[0]["outcome"] == "applied"
    case_id, record_id = case["record_id"], record["record_id"]

    # The author's phone: the record awaits his partner, by name.
    author = phones("author")
    author.enter("hb_officer1")
    author.page.goto(author.url + f"/#/case/{case_id}")
    awaiting = author.page.wait_for_selector(
        f"[data-inspection-row='{record_id}'] [data-presence=awaiting]"
    )
    assert "张伟" in awaiting.inner_text() and "待" in awaiting.inner_text()
    assert author.page.locator(f"[data-confirm-inspection='{record_id}']").count() == 0

    # The partner's phone, synced in the village office, then out of signal on site.
    second = phones("partner", viewport=PHONE)
    page = second.enter("hb_officer2")
    page.goto(second.url + "/#/cases")
    page.click(f"[data-awaits-me='{record_id}']")
    box = page.wait_for_selector(f"[data-confirm-inspection='{record_id}']")
    assert "尚未封顶" in box.inner_text() and "北淤村8号西侧承包地" in box.inner_text()
    second.offline()
    shot(page, "presence-confirm")
    button = page.locator("[data-action=confirm-presence]")
    height = button.bounding_box()["height"]
    assert height >= 56, height  # a gloved thumb
    button.click()
    page.wait_for_selector(f"[data-inspection-row='{record_id}'] [data-presence=queued]")
    assert page.locator(f"[data-confirm-inspection='{record_id}']").count() == 0
    with app.app_context():
        held = db.session.get(Inspection, uuid.UUID(record_id))
        assert held.confirmations == []  # still only on his phone

    second.offline(False)
    second.sync_now()
    second.wait_synced()
    with app.app_context():
        held = db.session.execute(
            sa.select(Inspection).where(Inspection.id == uuid.UUID(record_id))
        ).scalar_one()
        assert [c["officer_id"] for c in held.confirmations] == [partner]

    # The author's next sync shows it confirmed, and the record can be issued.
    author.sync_now()
    author.wait_synced()
    author.page.wait_for_selector(f"[data-inspection-row='{record_id}'] [data-presence=complete]")
