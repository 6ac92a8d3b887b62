"""The county's desk sees every township's clues in one inbox, each row naming its township;
a township's desk, which sees one, has no such column."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from server.clues.models import Clue
from server.core.db import db
from server.demo.data import TOWNSHIPS
from tests.e2e.phone import DESKTOP, shot

pytestmark = pytest.mark.browser


def test_the_county_inbox_names_each_rows_township(phones, county):
    desk = phones("county", viewport=DESKTOP)
    page = desk.enter("county_dispatch")
    page.wait_for_selector("main.console.inbox tbody tr")
    assert page.locator("th button[data-sort=township]").count() == 1
    towns = set(
        page.eval_on_selector_all("td[data-township]", "tds => tds.map((d) => d.dataset.township)")
    )
    assert {"航埠镇", "石梁镇"} <= towns, towns
    page.click("th button[data-sort=township]")
    page.fill("input[name=filter]", "石梁镇")
    page.wait_for_selector("tbody tr")
    assert set(
        page.eval_on_selector_all("td[data-township]", "tds => tds.map((d) => d.dataset.township)")
    ) == {"石梁镇"}

    town = phones("town", viewport=DESKTOP)
    tp = town.enter("hb_dispatch")
    tp.wait_for_selector("main.console.inbox tbody tr")
    assert tp.locator("th button[data-sort=township]").count() == 0


# The township's own loop (受理、交办、办结…): its command room's, not the county's (issue 24).
TOWNSHIP_STEPS = ("accept", "reject", "mark_duplicate", "assign", "close", "return")


def _demo_clue(county, status: str) -> str:
    with county.app.app_context():
        return str(
            db.session.execute(sa.select(Clue.id).where(Clue.status == status).limit(1))
            .scalars()
            .one()
        )


def test_the_county_desk_is_offered_the_countys_steps_and_not_the_townships(phones, county):
    reported, handled = _demo_clue(county, "reported"), _demo_clue(county, "handled")
    desk = phones("county", viewport={"width": 1440, "height": 900})
    page = desk.enter("county_dispatch")

    page.goto(desk.url + f"/#/clue/{reported}")
    page.wait_for_selector(f"main[data-clue='{reported}'] [data-transition=transfer]")
    page.wait_for_selector(".timeline tr[data-action='sync.create']")
    for name in TOWNSHIP_STEPS:
        assert page.locator(f"[data-transition={name}]").count() == 0, name
    shot(page, "county-clue-reported")

    page.goto(desk.url + f"/#/clue/{handled}")
    page.wait_for_selector(f"main[data-clue='{handled}'] [data-fact=dissuasion]")
    # Its unit names the township too: the county sees several townships' grids.
    township = next(t["name"] for t in TOWNSHIPS if t["prefix"] == _township_of(county, handled))
    page.wait_for_function(
        "(t) => document.querySelector('[data-fact=unit]').textContent.startsWith(t + ' · ')",
        arg=township,
    )
    assert page.locator("[data-transition]").count() == 0  # nothing of the township's to do

    # The township's own room, on the same clue, is offered its steps: the hiding is the
    # county's alone.
    town = phones("town", viewport=DESKTOP)
    tp = town.enter(f"{_township_of(county, handled)}_dispatch")
    tp.goto(town.url + f"/#/clue/{handled}")
    tp.wait_for_selector(f"main[data-clue='{handled}'] [data-transition=close]")
    assert tp.locator("[data-transition=return]").count() == 1


def _township_of(county, clue_id: str) -> str:
    """The demo township's login prefix (hb, sl) the clue is in."""
    with county.app.app_context():
        path = db.session.get(Clue, uuid.UUID(clue_id)).unit.path
    return next(t["prefix"] for t in TOWNSHIPS if f"/{t['code']}/" in path)
