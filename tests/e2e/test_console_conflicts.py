"""A record a phone sent whole and the server did not apply as sent (R1: the same mutation id
arriving again with other content) is shown at the desk as what the phone asked, field by
field, in words, with what differs from the record the server holds marked; never as JSON."""

from __future__ import annotations

import copy

import pytest

from tests.e2e.kit import api_login
from tests.e2e.phone import DESKTOP
from tests.server.sync_kit import new_clue

pytestmark = pytest.mark.browser
MATTER = "SR-0036-02"  # 在公共场所乱堆乱放物料


def test_a_whole_record_kept_aside_reads_as_fields_with_the_difference_marked(phones, county):
    grid = api_login(county.url, "hb_grid1")
    first = new_clue(matter_code=MATTER, address="村口", description="河边焚烧秸秆")
    again = copy.deepcopy(first)
    again["payload"]["description"] = "河边焚烧秸秆，已劝离"  # same id, other content
    answers = []
    for m in (first, again):
        r = grid.post(f"{county.url}/api/v1/sync/push", json={"mutations": [m]})
        assert r.status_code == 200, r.text
        answers.append(r.json()["results"][0])
    assert [a["outcome"] for a in answers] == ["applied", "rejected"]
    assert answers[1]["reason"] == "mutation_mismatch"

    desk = phones("dispatcher", viewport=DESKTOP)
    page = desk.enter("hb_dispatch")
    page.goto(desk.url + f"/#/clue/{first['record_id']}")
    row = page.locator("section.conflicts tr[data-conflict]")
    row.wait_for()
    kept = row.locator(".sent-whole")
    assert "新建" in kept.locator("strong").inner_text()
    assert kept.locator("[data-field=description]").get_attribute("data-differs") == "yes"
    assert "已劝离" in kept.locator("[data-field=description] dd").inner_text()
    assert kept.locator("[data-field=address]").get_attribute("data-differs") == "no"
    # The matter by its name and the dissuasion in words, not codes or JSON.
    assert "乱堆乱放" in kept.locator("[data-field=matter_code] dd").inner_text()
    assert "{" not in row.inner_text() and MATTER not in row.inner_text()
    # The step's button reads on one line.
    button = row.locator("button[data-transition]").first
    box = button.bounding_box()
    assert box["width"] > box["height"], box
