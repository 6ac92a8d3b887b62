"""A phone whose clock is a day fast (R9): it logs in, reports offline, and its records and
photos arrive all the same, ordered and dated by the server's clock, with the device's own
time kept beside it and flagged for the command room."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from server.clues.models import Clue
from server.core.db import db
from tests.e2e.phone import DESKTOP, camera_jpeg

pytestmark = pytest.mark.browser

DAY = dt.timedelta(days=1)


def test_a_phone_a_day_fast_loses_nothing_and_is_flagged(phones, county):
    app = county.app
    grid = phones("grid")
    grid.start()
    grid.ctx.clock.install(time=dt.datetime.now(dt.UTC) + DAY)  # before any page runs
    grid.open()
    grid.login("hb_grid2")
    grid.wait_synced()
    fast = grid.page.evaluate("Date.now()") / 1000
    assert fast - dt.datetime.now(dt.UTC).timestamp() > 23 * 3600

    clue_id = grid.report_offline([camera_jpeg(7)], "ST-0119-01", "钟快一天的手机上报", "stopped")
    grid.wait_files_held()

    received = dt.datetime.now(dt.UTC)
    with app.app_context():
        clue = db.session.get(Clue, uuid.UUID(clue_id))
        assert clue is not None and clue.description == "钟快一天的手机上报"
        # The server's clock orders and dates it; the phone's is kept and its skew measured.
        assert abs((clue.created_at - received).total_seconds()) < 600
        assert clue.device_time - clue.created_at > DAY - dt.timedelta(minutes=10)
        assert clue.clock_skew_s > 23 * 3600

    # The command room sees the phone's clock flagged on the record and its timeline.
    desk = phones("dispatcher", viewport=DESKTOP)
    page = desk.enter("hb_dispatch")
    page.goto(desk.url + f"/#/clue/{clue_id}")
    page.wait_for_selector(f"[data-clue='{clue_id}'] .timeline [data-skew]")
    assert float(page.get_attribute(".timeline [data-skew]", "data-skew")) > 23 * 3600
