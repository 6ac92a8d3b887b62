"""The catalogue at the desk (issue 20): a county administrator finds a matter by a word of
its name, corrects its penalty provision and adds a discretion level; the matter's page then
shows the new text and, under 修改记录, what it was and who changed it (from the audit
chain). A township's head reads the same page and is offered no edit."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from server.catalogue.models import Matter
from server.core.db import db
from tests.e2e.phone import DESKTOP, PHONE, shot

pytestmark = pytest.mark.browser


def test_a_county_admin_corrects_a_matter_and_its_history_says_what_it_was(phones, county):
    with county.app.app_context():
        matter = db.session.scalars(
            sa.select(Matter).where(Matter.active).order_by(Matter.code)
        ).first()
        code, name, before = matter.code, matter.name, matter.penalty_basis or matter.legal_basis
        levels = len(matter.discretion or [])

    admin = phones("admin", viewport=DESKTOP)
    page = admin.enter("admin")
    page.goto(f"{county.url}/#/catalogue")
    page.fill("input[name=q]", name[:4])
    page.click(f"[data-matter='{code}']")
    page.wait_for_selector(f"[data-matter-page='{code}']")
    page.wait_for_selector(".history >> text=尚无修改")  # read from the server

    page.click("[data-action=edit-matter]")
    page.fill("textarea[name=penalty_basis]", "《测试条例》第三十六条")
    page.click("[data-action=add-level]")
    n = levels  # the new level's row
    page.fill(f"input[name=level-{n}]", "较重")
    page.fill(f"textarea[name=condition-{n}]", "一年内第二次")
    page.fill(f"input[name=min-{n}]", "500")
    page.fill(f"input[name=max-{n}]", "100")  # upside down: said, and not sent
    assert "下限不得高于上限" in page.inner_text(f"[data-level-row='{n}']")
    assert page.locator("[data-action=save-matter]").is_disabled()
    page.fill(f"input[name=max-{n}]", "1000")
    shot(page, "catalogue-edit-desk")
    page.click("[data-action=save-matter]")

    page.wait_for_selector("[data-matter-field=penalty_basis]:has-text('第三十六条')")
    page.wait_for_selector("tr[data-level='较重']")
    change = page.locator("[data-changed=penalty_basis]")
    change.wait_for()
    assert before[:6] in change.inner_text() and "第三十六条" in change.inner_text()
    page.wait_for_selector(".history >> text=系统管理员")
    with county.app.app_context():
        held = db.session.scalars(sa.select(Matter).where(Matter.code == code)).one()
        assert held.penalty_basis == "《测试条例》第三十六条"
        assert held.discretion[-1] == {
            "level": "较重",
            "condition": "一年内第二次",
            "fine_fen": [50000, 100000],
        }

    # A township's head: the same text, no edit.
    head = phones("head", viewport=PHONE)
    desk = head.enter("hb_leader")
    desk.goto(f"{county.url}/#/catalogue/{code}")
    desk.wait_for_selector("[data-matter-field=penalty_basis]:has-text('第三十六条')")
    assert desk.locator("[data-action=edit-matter]").count() == 0
    shot(desk, "catalogue-matter-phone")
