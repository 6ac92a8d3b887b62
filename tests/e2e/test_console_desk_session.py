"""A desk in the command room: the dispatcher logs in on a shared office PC and starts on the
console's inbox, with no offline PIN to set; the session outlives a reload of the tab but
not the browser, and the refresh token is never written to the browser's database. A field
person still sets his PIN."""

from __future__ import annotations

import pytest

from tests.e2e.phone import DESKTOP, IDB, PASSWORD

pytestmark = pytest.mark.browser

SESSION = f"""async () => {{ {IDB}
  const d = await idb();
  const s = await new Promise((ok) => {{
    const r = d.transaction('meta').objectStore('meta').get('session');
    r.onsuccess = () => ok(r.result); }});
  d.close();
  return s ? {{ desk: !!s.desk, keys: Object.keys(s) }} : null;
}}"""


def test_a_desk_starts_on_the_inbox_with_no_pin_and_keeps_no_token_on_the_pc(phones, county):
    desk = phones("dispatcher", viewport=DESKTOP)
    desk.start()
    desk.open()
    page = desk.page
    page.fill("input[name=username]", "hb_dispatch")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    # Straight to the inbox: no PIN form, the console's inbox at the app's start.
    page.wait_for_selector("[data-phase=open] main.console.inbox table.grid")
    assert page.locator("input[name=pin]").count() == 0
    assert page.evaluate("location.hash") in ("", "#/")
    assert page.get_attribute(".console-nav a[href='#/console']", "aria-current") == "page"
    saved = page.evaluate(SESSION)
    assert saved["desk"] and "sealed" not in saved["keys"], saved

    # A reload keeps the desk open; the brand link leads back to the inbox.
    desk.wait_synced()
    page.reload()
    page.wait_for_selector("[data-phase=open] main.console.inbox")
    page.goto(desk.url + "/#/map")
    page.click("a.brand")
    page.wait_for_selector("main.console.inbox")

    # The browser closed (the shared PC's next user): log in again, nothing to unlock.
    desk.restart(offline=False)
    page = desk.page
    page.wait_for_selector("[data-phase=none] input[name=username]")
    assert page.evaluate(SESSION) is None


def test_a_field_person_still_sets_his_pin(phones, county):
    officer = phones("officer")
    officer.start()
    officer.open()
    page = officer.page
    page.fill("input[name=username]", "hb_officer1")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-phase=set_pin] input[name=pin2]")
