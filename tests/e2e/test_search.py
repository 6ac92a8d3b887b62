"""Search and sort (issue 24): a grid worker searches his reports offline, an officer orders
his tasks by how far they are from where he stands, and the command room searches every
clue it may list on the server from the inbox's box."""

from __future__ import annotations

import datetime as dt
import math
import uuid

import pytest
import sqlalchemy as sa

from server.catalogue.models import Matter
from server.clues.models import Clue
from server.core.db import db
from tests.e2e.kit import api_login, assign_demo_clue, push
from tests.e2e.phone import DESKTOP, PHONE, camera_jpeg, shot

pytestmark = pytest.mark.browser

TOWN = "330802101"  # 航埠镇; 石梁镇 (330802102) is the other township, with the same stories


def rows(page, selector: str, attribute: str) -> list[str]:
    return page.eval_on_selector_all(
        selector, f"els => els.map((e) => e.getAttribute('{attribute}'))"
    )


def test_a_grid_worker_searches_his_reports_offline_whatever_the_widths_and_spaces(phones):
    grid = phones("grid", viewport=PHONE)
    page = grid.enter("hb_grid1")
    # Offline from here: the search reads only what is on the phone, the unsent report too.
    grid.offline()
    grid.report_clue([camera_jpeg(7)], "SR-0036-02", "门前 堆放 ＡＢ型 砖块", "stopped")
    mine = page.get_attribute("[data-clue]", "data-clue")
    everything = rows(page, "[data-clue]", "data-clue")

    box = "input[name=search]"
    page.fill(box, "ab型砖块")  # half-width, no space: the record has full-width and spaces
    page.wait_for_selector("[data-matches]" if len(everything) > 1 else "[data-clue]")
    assert rows(page, "[data-clue]", "data-clue") == [mine]
    shot(page, "my-reports-search")
    page.fill(box, "砖块 没有这回事")
    page.wait_for_selector("[data-no-match]")
    assert "没有匹配的上报" in page.inner_text("[data-no-match]")
    assert page.locator("[data-clue]").count() == 0
    page.click("[data-action=clear-search-empty]")
    page.wait_for_selector("[data-no-match]", state="detached")
    assert rows(page, "[data-clue]", "data-clue") == everything
    assert page.input_value(box) == ""
    # The status in words finds it as well: it waits on the phone, the others are sent.
    page.fill(box, "堆放")
    grid.until("async () => document.querySelectorAll('[data-clue]').length >= 1")
    assert mine in rows(page, "[data-clue]", "data-clue")
    page.click("[data-action=clear-search]")
    assert page.locator("[data-clue]").count() == len(everything)


def haversine(a, b) -> float:
    """The same sphere as the phone's (pwa/src/search.js), computed here independently."""
    p1, p2 = math.radians(a[0]), math.radians(b[0])
    dp, dl = p2 - p1, math.radians(b[1] - a[1])
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371008.8 * math.asin(math.sqrt(h))


def test_an_officer_orders_his_tasks_by_distance_from_where_he_stands(phones, county):
    tasks = [assign_demo_clue(county.url, county.app, "hb_officer1") for _ in range(3)]
    with county.app.app_context():
        places = {
            str(c.id): (c.lat, c.lng)
            for c in db.session.scalars(
                sa.select(Clue).where(Clue.id.in_([uuid.UUID(t) for t in tasks]))
            )
        }
    here = places[tasks[2]]
    officer = phones("officer", viewport=PHONE)
    page = officer.enter("hb_officer1", position=here)
    page.goto(officer.url + "/#/tasks")
    page.wait_for_selector("[data-sort=deadline][aria-checked=true]")
    assert page.get_attribute("ul.list", "data-order") == "deadline"
    assert page.locator("[data-distance]").count() == 0

    page.click("[data-sort=distance]")
    page.wait_for_selector("ul.list[data-order=distance]")
    listed = rows(page, "[data-task]", "data-task")
    metres = [int(m) for m in rows(page, "[data-distance]", "data-distance")]
    assert set(tasks) <= set(listed)
    assert metres == sorted(metres) and listed[0] == tasks[2] and metres[0] == 0
    for task in tasks:
        at = listed.index(task)
        assert abs(metres[at] - haversine(here, places[task])) <= 1
    words = page.inner_text(f"[data-task='{tasks[2]}'] .distance")
    assert words == "0 米"
    shot(page, "tasks-by-distance")

    # The choice is kept on the phone: the list opens by distance again.
    page.reload()
    officer.unlock()
    page.wait_for_selector("ul.list[data-order=distance]")
    assert page.get_attribute("[data-sort=distance]", "aria-checked") == "true"

    # No position (the permission taken back): it says so and keeps the deadline order.
    officer.ctx.clear_permissions()
    page.click("[data-sort=deadline]")
    page.click("[data-sort=distance]")
    page.wait_for_selector("[data-no-fix]")
    assert "仍按期限排序" in page.inner_text("[data-no-fix]")
    assert page.get_attribute("ul.list", "data-order") == "deadline"
    assert page.locator("[data-distance]").count() == 0


def expected_clues(app, term: str, town: str) -> set[str]:
    """The clues of ``town`` whose words hold ``term``, found here from the rows."""
    with app.app_context():
        found = db.session.execute(
            sa.select(
                Clue.id, Clue.code, Clue.address, Clue.description, Matter.name, Matter.short_name
            )
            .join(Matter, Clue.matter_id == Matter.id)
            .where(Clue.code.like(f"%{town}%"))
        ).all()
    return {str(r.id) for r in found if any(term in (x or "") for x in r[1:])}


def report_more(county, n: int) -> None:
    """``n`` more clues from a grid worker of 航埠镇, so that a search fills more than a page."""
    grid = api_login(county.url, "hb_grid1")
    now = dt.datetime.now(dt.UTC).isoformat()
    for i in range(n):
        payload = {
            "matter_code": "ST-0119-01",
            "location": {
                "lat": 28.93 + i / 1000,
                "lng": 118.78,
                "accuracy_m": 8.0,
                "fix_time": now,
            },
            "address": f"北二村{i + 1}组田头",
            "description": "田间焚烧秸秆",
            "dissuasion": {"done": False},
        }
        m = {"id": str(uuid.uuid4()), "record_type": "clue", "record_id": str(uuid.uuid4())}
        [done] = push(grid, county.url, {**m, "op": "create", "payload": payload})
        assert done["outcome"] == "applied", done


def test_the_console_searches_every_clue_it_may_list_on_the_server(phones, county):
    report_more(county, 5)
    term = "村"  # every address: more than a page
    expected = expected_clues(county.app, term, TOWN)
    foreign = expected_clues(county.app, term, "330802102")
    assert len(expected) > 20 and foreign  # more than a page; the other township's too
    desk = phones("dispatcher", viewport=DESKTOP)
    page = desk.enter("hb_dispatch")
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(desk.url + "/#/console")
    page.wait_for_selector("main.console.inbox table.grid")
    page.fill("input[name=filter]", term)
    page.wait_for_selector("[data-found-clue]")
    while page.locator("[data-action=search-more]").count():
        shown = page.locator("[data-found-clue]").count()
        page.click("[data-action=search-more]")
        desk.until(
            "async (n) => document.querySelectorAll('[data-found-clue]').length > n"
            " || !document.querySelector('[data-action=search-more]')",
            shown,
        )
    found = set(rows(page, "[data-found-clue]", "data-found-clue"))
    assert found == expected
    assert not found & foreign
    page.evaluate("window.scrollTo(0, 0)")  # the tables' sticky heads where they belong
    shot(page, "console-inbox-search")
    page.fill("input[name=filter]", "没有这样的线索")
    page.wait_for_selector("[data-search-none]")
    page.fill("input[name=filter]", "")
    page.wait_for_selector("[data-search]", state="detached")
