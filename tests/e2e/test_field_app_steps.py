"""A case's steps on the phone and at the desk (issue 24, item 1): the step the case waits for
is one big button, every other step this person may take is a row of the 办理 sheet beside it
(its name and what it does), so the case's facts start on the first screen."""

from __future__ import annotations

import pytest

from tests.e2e.demo_kit import awaiting_the_court
from tests.e2e.phone import DESK, NAMES, PHONE, SHOTS, take_step

pytestmark = pytest.mark.browser
OPEN = "dialog.steps-sheet[open]"


def screen(page, name: str) -> None:
    """The first screen as a person sees it (not the whole page), when FIELDCASE_SHOTS is set."""
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png")


# What has the focus: the button's data-action or data-transition.
FOCUS = "() => document.activeElement.dataset.action || document.activeElement.dataset.transition"
BOTTOM = "e => e.getBoundingClientRect().bottom"


def test_a_served_case_shows_the_awaited_step_and_the_rest_in_a_sheet(phones, county):
    case_id = awaiting_the_court(county.app, county.url)
    leader = phones("leader", viewport=PHONE)
    page = leader.enter("hb_leader")
    page.goto(county.url + f"/#/case/{case_id}")
    page.wait_for_selector("[data-document=payment_demand]")

    # The awaited step first and large, 办理 beside it, nothing else.
    buttons = page.locator(".actions.steps > button")
    assert buttons.count() == 2
    assert buttons.nth(0).get_attribute("data-transition") == "confirm_no_remedy"
    assert buttons.nth(0).get_attribute("data-awaited") == "yes"
    assert "primary" in buttons.nth(0).get_attribute("class")
    assert buttons.nth(1).get_attribute("data-action") == "more-steps"
    assert buttons.nth(1).inner_text().startswith("办理")
    # The facts begin below the buttons, on the first screen of a 393 × 851 phone.
    below = page.eval_on_selector(".actions.steps", BOTTOM)
    top = page.eval_on_selector("dl.facts", "e => e.getBoundingClientRect().top")
    assert below <= top < PHONE["height"] - 200, (below, top)
    screen(page, "steps-1-phone-closed")

    # The other steps are the sheet's rows, hidden until 办理 is tapped.
    rows = page.eval_on_selector_all(".steps-sheet [data-transition]", NAMES % "transition")
    assert "confirm_no_remedy" not in rows
    assert {"pay", "defer_payment", "record_remedy", "close"} <= set(rows), rows
    assert page.locator(".steps-sheet [data-action=inspect]").count() == 1
    assert not page.is_visible("[data-transition=pay]")
    page.click("[data-action=more-steps]")
    sheet = page.wait_for_selector(OPEN)
    assert sheet.get_attribute("role") == "dialog" and sheet.get_attribute("aria-modal") == "true"
    assert page.inner_text("#" + sheet.get_attribute("aria-labelledby")) == "办理本案"
    assert page.evaluate("() => !!document.activeElement.closest('dialog[open]')")  # focus inside
    assert "第五十三条" in page.inner_text(".steps-sheet [data-transition=record_remedy] .meta")
    assert page.locator(".steps-sheet [data-transition=pay] .meta").count() == 0  # no explains
    screen(page, "steps-2-phone-sheet")
    # Escape closes it and focus goes back to 办理; so do a tap outside and 取消.
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Escape")
    page.wait_for_selector(OPEN, state="detached")
    assert page.evaluate(FOCUS) == "more-steps"
    page.click("[data-action=more-steps]")
    page.mouse.click(200, 120)  # above the sheet
    page.wait_for_selector(OPEN, state="detached")
    page.click("[data-action=more-steps]")
    page.click("[data-action=close-steps]")
    page.wait_for_selector(OPEN, state="detached")
    assert page.evaluate(FOCUS) == "more-steps"

    # A step taken from the sheet with no signal is queued, as every step, then sent.
    leader.offline()
    take_step(page, "record_remedy")
    form = "[data-step=record_remedy]"
    page.select_option(f"{form} select[name=kind]", "reconsideration")
    page.fill(f"{form} [name=body]", "衢州市柯城区人民政府")
    page.click(f"{form} [data-action=save-step]:not([disabled])")
    page.wait_for_selector("dl.facts [data-state=pending]")
    assert page.locator(form).count() == 0
    leader.offline(False)
    leader.wait_synced()
    page.wait_for_selector("[data-fact=remedies]:has-text('柯城区人民政府')")

    # English, the second locale: the same button and sheet.
    page.click("header button.link[lang=en]")
    page.wait_for_selector("[data-action=more-steps]:has-text('Actions')")
    screen(page, "steps-4-phone-closed-en")
    page.click("[data-action=more-steps]")
    page.wait_for_selector(f"{OPEN} h2:has-text('Actions on this case')")
    screen(page, "steps-5-phone-sheet-en")


def test_an_officer_the_case_does_not_wait_for_sees_the_sheet_button_alone(phones, county):
    case_id = awaiting_the_court(county.app, county.url)
    officer = phones("officer", viewport=PHONE)
    officer.start()

    def final(route):  # a workflow that declares 当事人申请复议或起诉 final, as withdraw is
        answer = route.fetch()
        workflow = answer.json()
        workflow["records"]["case"]["transitions"]["record_remedy"]["final"] = True
        route.fulfill(response=answer, json=workflow)

    officer.ctx.route("**/api/v1/workflow", final)
    officer.open()
    officer.login("hb_officer1")
    officer.wait_synced()
    page = officer.page
    page.goto(county.url + f"/#/case/{case_id}")
    page.wait_for_selector("[data-document=payment_demand]")
    # 确认未申请复议、未起诉 is the head's (第五十三条): the officer has 办理 only.
    assert page.locator("[data-awaited]").count() == 0
    assert page.eval_on_selector_all(".actions.steps > button", NAMES % "action") == ["more-steps"]
    # A final step says so in the sheet; the others do not.
    page.click("[data-action=more-steps]")
    page.wait_for_selector(OPEN)
    finals = page.eval_on_selector_all(f"{OPEN} [data-final]", NAMES % "transition")
    assert finals == ["record_remedy"], finals
    assert "不可撤销" in page.inner_text(f"{OPEN} [data-transition=record_remedy] .title")
    page.keyboard.press("Escape")
    take_step(page, "record_remedy")
    page.wait_for_selector("[data-step=record_remedy]")


def test_the_desk_case_page_puts_the_awaited_step_first_and_the_rest_in_a_menu(phones, county):
    case_id = awaiting_the_court(county.app, county.url)
    desk = phones("head", viewport=DESK)
    page = desk.enter("hb_leader")
    page.goto(county.url + f"/#/case/{case_id}")
    page.wait_for_selector("main.console [data-awaited=yes]")
    assert page.get_attribute("[data-awaited=yes]", "data-transition") == "confirm_no_remedy"
    assert not page.is_visible("[data-transition=pay]")
    # Keyboard: to 办理, Enter opens the menu with focus in it, arrows move, Enter takes.
    page.focus("[data-action=more-steps]")
    page.keyboard.press("Enter")
    menu = page.wait_for_selector("dialog.steps-sheet.menu[open]")
    button = page.eval_on_selector("[data-action=more-steps]", BOTTOM)
    assert menu.bounding_box()["y"] >= button  # under its button, not a sheet from the foot
    screen(page, "steps-3-desk-menu")
    first = page.evaluate(FOCUS)
    page.keyboard.press("ArrowDown")
    assert page.evaluate(FOCUS) != first
    page.keyboard.press("Escape")
    page.wait_for_selector("dialog.steps-sheet[open]", state="detached")
    assert page.evaluate(FOCUS) == "more-steps"
    page.keyboard.press("Enter")
    page.wait_for_selector("dialog.steps-sheet[open]")
    page.click("dialog.steps-sheet [data-transition=record_remedy]")
    page.wait_for_selector("[data-step=record_remedy]")
