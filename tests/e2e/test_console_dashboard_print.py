"""The dashboard on paper: its title names the dashboard, the unit and the period, as the
Excel file's title row does, and the page prints without menus, filters or buttons; the
4 × 100 % are named as the server names them for Excel (平台出件率 on both)."""

from __future__ import annotations

import pytest

from tests.e2e.phone import DESKTOP

pytestmark = pytest.mark.browser


def test_the_dashboard_prints_with_its_title_period_and_unit(phones, county):
    desk = phones("dispatcher", viewport=DESKTOP)
    page = desk.enter("hb_dispatch")
    page.goto(desk.url + "/#/dashboard")
    page.wait_for_selector("h1[data-title=yes]")
    start, end = page.input_value("input[name=from]"), page.input_value("input[name=to]")
    assert page.inner_text("h1") == f"线索闭环看板 · 航埠镇 · {start} 至 {end}"
    assert page.inner_text("[data-indicator=issued_on_platform] [data-name]") == "平台出件率"
    page.emulate_media(media="print")
    for hidden in (".console-nav", ".syncbar", ".dashboard .filters", "[data-action=print]"):
        assert not page.is_visible(hidden), hidden
    assert page.is_visible("h1") and page.is_visible("tr[data-row=total]")
    page.pdf(path=str(desk.profile) + "-dashboard.pdf")  # it lays out on paper at all
