"""The console's map: every clue coloured by where it stands (overdue, awaiting acceptance,
in hand, closed), a cluster by its most urgent clue, and a legend that says what each colour
means and how many of each are shown."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from server.clues.models import Clue
from server.core.db import db, utcnow
from server.units.models import AdminUnit
from tests.e2e.phone import DESKTOP

pytestmark = pytest.mark.browser

TOWN = "330802101"  # 航埠镇


def test_the_map_colours_clues_by_status_with_a_legend(phones, county):
    with county.app.app_context():
        town = db.session.execute(sa.select(AdminUnit).where(AdminUnit.code == TOWN)).scalar_one()
        units = sa.select(AdminUnit.id).where(AdminUnit.path.startswith(town.path))
        since = utcnow() - dt.timedelta(days=30)
        reported = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Clue)
            .where(Clue.unit_id.in_(units), Clue.status == "reported", Clue.created_at >= since)
        )
    assert reported > 0
    desk = phones("dispatcher", viewport=DESKTOP)
    page = desk.enter("hb_dispatch")
    page.goto(desk.url + "/#/map")
    page.wait_for_selector(".map-legend [data-legend=new]")
    shown = int(page.get_attribute("[data-shown]", "data-shown"))
    counts = {
        k: int(page.inner_text(f".map-legend [data-legend={k}] .n"))
        for k in ("late", "new", "open", "done")
    }
    assert sum(counts.values()) == shown and counts["new"] == reported, counts
    assert "待受理" in page.inner_text(".map-legend [data-legend=new]")
    # Clustered or alone, what is drawn carries its colour (a cluster its most urgent one's).
    page.wait_for_selector(".map .map-dot-new, .map .map-cluster.map-dot-new")
