"""The menu's badges on the officer's phone (issue 24): a task assigned at the desk shows on
his 「我的任务」 after the next sync, in figures and in words for a screen reader, and is
cleared once he opens the list. Counted on the phone from what the pull brought."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from server.clues.models import Clue
from server.core.db import db
from tests.e2e.kit import assign_demo_clue, user_id
from tests.e2e.phone import PHONE, shot

pytestmark = pytest.mark.browser

TASKS = "[data-badge-list=tasks]"


def _badge(page) -> int:
    found = page.locator(f"{TASKS} [data-badge]")
    return int(found.get_attribute("data-badge")) if found.count() else 0


def test_a_task_assigned_at_the_desk_shows_a_badge_until_he_opens_his_tasks(phones, county):
    officer = phones("officer", viewport=PHONE)
    page = officer.enter("hb_officer1")
    page.wait_for_selector(TASKS)
    # Whatever the demo gave him before is seen once he opens the list.
    page.click(TASKS)
    page.wait_for_selector("main h1")
    page.goto(officer.url + "/#/")
    page.wait_for_selector(TASKS)
    officer.until(f"() => !document.querySelector('{TASKS} [data-badge]')")
    # The app icon's badge (navigator.setAppBadge), watched: the total of the menu's.
    page.evaluate(
        """() => {
          navigator.setAppBadge = (n) => { window.appBadge = n; return Promise.resolve(); };
          navigator.clearAppBadge = () => { window.appBadge = 0; return Promise.resolve(); };
        }"""
    )

    assign_demo_clue(officer.url, county.app, "hb_officer1")  # the command room, at its desk
    officer.sync_now()
    officer.wait_synced()
    officer.until(f"() => !!document.querySelector('{TASKS} [data-badge=\"1\"]')")
    assert _badge(page) == 1
    assert page.locator(f"{TASKS} .sr-only").inner_text() == "1 条新任务"
    shot(page, "menu-badges")
    page.click("header button.link[lang=en]")  # the second locale says it too
    page.wait_for_selector(f"{TASKS} .sr-only:text-is('New tasks: 1')")
    shot(page, "menu-badges-en")
    page.click("header button.link[lang=zh-CN]")
    page.wait_for_selector(f"{TASKS} .sr-only:text-is('1 条新任务')")
    shown = sum(int(b.get_attribute("data-badge")) for b in page.locator("[data-badge]").all())
    officer.until("(n) => window.appBadge === n", shown)

    page.click(TASKS)
    page.wait_for_selector("[data-task]")
    page.goto(officer.url + "/#/")
    page.wait_for_selector(TASKS)
    officer.until(f"() => !document.querySelector('{TASKS} [data-badge]')")
    assert _badge(page) == 0
    officer.until("(n) => window.appBadge === n", shown - 1)


def test_a_grid_worker_sees_his_answered_reports_counted_until_he_opens_them(phones, county):
    reporter = user_id(county.app, "hb_grid1")
    with county.app.app_context():
        answered = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Clue)
            .where(Clue.reporter_id == reporter, Clue.responded_at.is_not(None))
        )
    assert answered > 0  # the demo's command room has answered some of his reports
    grid = phones("grid", viewport=PHONE)
    page = grid.enter("hb_grid1")
    mine = "[data-badge-list=mine]"
    grid.until(
        f"(n) => document.querySelector('{mine} [data-badge]')?.dataset.badge === String(n)",
        answered,
    )
    assert page.locator(f"{mine} .sr-only").inner_text() == f"{answered} 条上报有答复"
    shot(page, "menu-badges-grid")
    page.click(mine)
    page.wait_for_selector("[data-clue]")
    page.goto(grid.url + "/#/")
    page.wait_for_selector(mine)
    grid.until(f"() => !document.querySelector('{mine} [data-badge]')")
