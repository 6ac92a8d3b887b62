"""The grid worker's side of the closed loop: a report with a doubtful GPS fix is flagged for
the command room; what the command room did comes back to his phone, and he rates it; an
outbox can be exported to a file before logging out; the app speaks English on request."""

from __future__ import annotations

import base64
import json
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from server.clues.models import Clue, ClueNote
from server.core.db import db
from tests.e2e.kit import api_login, transition, user_id
from tests.e2e.phone import camera_jpeg
from tests.server.evidence_kit import sha

pytestmark = pytest.mark.browser


def test_the_loop_closes_on_the_reporters_phone(phones, county):
    app = county.app
    grid = phones("grid")
    grid.start()
    grid.open()
    grid.login("hb_grid2")
    grid.wait_synced()
    page = grid.page

    # A poor fix is shown as such, and a zero-accuracy one as a possible mock location.
    grid.locate(28.9401, 118.7702, accuracy=0)
    page.goto(grid.url + "/#/report")
    page.wait_for_selector("[data-warning=loc_suspect]")
    grid.locate(28.9401, 118.7702, accuracy=85)
    page.click("text=重新定位")
    page.wait_for_selector("[data-warning=loc_poor]")
    assert "精度 85 米" in page.inner_text(".fix")
    grid.report_clue([camera_jpeg(41)], "ST-0119-01", "田间焚烧秸秆", "stopped")
    grid.wait_synced()
    clue_id = page.get_attribute("[data-clue]", "data-clue")
    with app.app_context():
        notes = db.session.execute(
            sa.select(ClueNote.text).where(ClueNote.clue_id == uuid.UUID(clue_id))
        ).scalars()
        assert any("定位提示" in n and "85" in n for n in notes)

    # The command room and an officer deal with it.
    dispatcher = api_login(county.url, "hb_dispatch")
    officer = api_login(county.url, "hb_officer1")
    steps = [
        (dispatcher, "accept", {}),
        (
            dispatcher,
            "assign",
            {"assignee_id": user_id(app, "hb_officer1"), "deadline": "2099-01-01T00:00:00+08:00"},
        ),
        (officer, "take", {}),
        (officer, "handle", {"outcome": "corrected_on_spot", "note": "已熄灭"}),
        (dispatcher, "close", {"feedback": "已处置完毕，感谢上报"}),
    ]
    for version, (who, name, args) in enumerate(steps, start=1):
        assert transition(who, county.url, clue_id, version, name, **args)["outcome"] == "applied"

    # It comes back to his phone; he rates it.
    grid.sync_now()
    grid.wait_synced()
    page.goto(grid.url + f"/#/clue/{clue_id}")
    page.wait_for_selector("dd[data-status=closed]")
    assert "已处置完毕，感谢上报" in page.inner_text("main")
    assert "当场整改" in page.inner_text("main")
    page.click("[data-transition=rate]")
    page.click("[data-field=rating] button[data-value='5']")  # stars, tapped
    page.click(".box .actions button.primary")
    page.wait_for_selector(".toast")  # saved on the phone
    grid.wait_synced()
    with app.app_context():
        assert db.session.get(Clue, uuid.UUID(clue_id)).rating == 5


def test_unsent_records_go_to_a_file_before_logout_and_stay_on_the_phone(phones, county):
    grid = phones("grid")
    grid.start()
    grid.open()
    grid.login("hb_grid1")
    grid.wait_synced()
    page = grid.page
    grid.offline()
    photo = camera_jpeg(51)
    grid.report_clue([photo], "SR-0036-01", "导出测试", "stopped")

    page.goto(grid.url + "/#/outbox")
    page.click("[data-action=logout]")
    page.wait_for_selector(".toast")
    assert page.get_attribute("[data-phase]", "data-phase") == "open"

    with page.expect_download() as download:
        page.click("[data-action=export]")
    exported = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert exported["format"] == "fieldcase-outbox/1"
    creates = [m for m in exported["mutations"] if m["record_type"] == "clue"]
    assert len(creates) == 1 and creates[0]["payload"]["description"] == "导出测试"
    originals = [f for f in exported["files"] if f["tier"] == "original"]
    assert [sha(base64.b64decode(f["base64"])) for f in originals] == [sha(photo)]

    page.click("[data-action=logout]")
    page.wait_for_selector("[data-phase=none]")
    states = grid.outbox_states()  # logging out never deletes what was recorded
    assert {e["state"] for e in states["entries"]} == {"pending"}

    # English, on request.
    page.click("header button.link")
    assert page.inner_text("h1") == "Log in"
    assert page.evaluate("document.documentElement.lang") == "en"
