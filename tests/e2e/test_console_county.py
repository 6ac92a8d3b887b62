"""The county's desk sees every township's clues in one inbox, each row naming its township;
a township's desk, which sees one, has no such column."""

from __future__ import annotations

import pytest

from tests.e2e.phone import DESKTOP

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
