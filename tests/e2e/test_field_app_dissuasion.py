"""The report's dissuasion (劝阻, issue 24) on a grid worker's phone: "dissuaded on the spot"
offers only what came of it, never 现场无人; nobody there is its own answer, 未劝阻：现场无人,
which the server keeps as such and the detail shows in those words."""

from __future__ import annotations

import uuid

import pytest

from server.clues.models import Clue
from server.core.db import db
from tests.e2e.phone import PHONE, camera_jpeg, shot

pytestmark = pytest.mark.browser


def test_the_report_form_never_says_dissuaded_with_nobody_present(phones, county):
    grid = phones("grid", viewport=PHONE)
    page = grid.enter("hb_grid1")
    grid.report_clue([camera_jpeg(24)], "SR-0036-01", "早市摊贩占道，人已走。", None, save=False)

    page.check("input[name=done][value=done]")
    options = page.eval_on_selector_all(
        "select[name=result] option", "os => os.map((o) => o.value)"
    )
    assert options == ["", "stopped", "refused"]  # what came of a dissuasion; nobody is not one
    assert page.is_disabled(".actions button.primary")  # dissuaded: say what came of it

    labels = page.eval_on_selector_all(
        "label:has(input[name=done])", "ls => ls.map((l) => l.innerText.trim())"
    )
    assert labels == ["已现场劝阻", "未劝阻", "未劝阻：现场无人"]
    page.check("input[name=done][value=nobody_present]")
    assert page.locator("select[name=result]").count() == 0
    shot(page, "report-dissuasion-nobody")
    page.click(".actions button.primary:not([disabled])")
    clue_id = page.get_attribute("[data-clue]", "data-clue")
    grid.wait_synced()

    with county.app.app_context():
        clue = db.session.get(Clue, uuid.UUID(clue_id))
        assert (clue.dissuasion_done, clue.dissuasion_result, clue.dissuasion_at) == (
            False,
            "nobody_present",
            None,
        )
    page.click(f"[data-clue='{clue_id}']")
    assert page.inner_text("[data-dissuasion]") == "未劝阻：现场无人"
