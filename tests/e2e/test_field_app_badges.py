"""The menu's badges on the officer's phone (issue 24): a task assigned at the desk shows on
his 「我的任务」 after the next sync, in figures and in words for a screen reader, and is
cleared once he opens the list. Counted on the phone from what the pull brought."""

from __future__ import annotations

import pytest

from tests.e2e.kit import assign_demo_clue
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
    shown = sum(int(b.get_attribute("data-badge")) for b in page.locator("[data-badge]").all())
    officer.until("(n) => window.appBadge === n", shown)

    page.click(TASKS)
    page.wait_for_selector("[data-task]")
    page.goto(officer.url + "/#/")
    page.wait_for_selector(TASKS)
    officer.until(f"() => !document.querySelector('{TASKS} [data-badge]')")
    assert _badge(page) == 0
    officer.until("(n) => window.appBadge === n", shown - 1)
