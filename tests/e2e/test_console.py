"""The command room's console in a desktop Chromium: a clue reported offline by a grid worker
is triaged (its twin marked duplicate, side by side), assigned to the least-loaded officer,
the officer's result comes back without a reload, the leader returns it once and then
approves it, and the dashboard's figures move with the records, checked against counts made
here from the database, and in the Excel export. A dispatcher of another township sees
none of it."""

from __future__ import annotations

import datetime as dt
import io
import uuid
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa

from server.clues.models import Clue
from server.core.db import db
from server.units.models import AdminUnit
from sync.cases import today
from tests.e2e.kit import api_login, transition, user_id
from tests.e2e.phone import DESKTOP, camera_jpeg

pytestmark = pytest.mark.browser

SPOT = (28.9512, 118.8123)  # away from the demo's clues
TOWN = "330802101"  # 航埠镇


def figures_from_db(app) -> dict:
    """The dashboard's totals for 航埠镇 this year, counted here from the rows."""
    with app.app_context():
        town = db.session.execute(sa.select(AdminUnit).where(AdminUnit.code == TOWN)).scalar_one()
        units = sa.select(AdminUnit.id).where(AdminUnit.path.startswith(town.path))
        year = today(dt.datetime.now(dt.UTC)).year
        start = dt.datetime(year, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=8)))
        rows = db.session.execute(
            sa.select(Clue).where(
                Clue.unit_id.in_(units), Clue.created_at >= start, Clue.status != "withdrawn"
            )
        ).scalars()
        rows = list(rows)
    counted = [c for c in rows if c.status not in ("rejected", "duplicate")]
    rated = [c for c in rows if c.rating is not None]
    return {
        "reported": (len(rows), len(rows)),
        "response": (sum(c.responded_at is not None for c in rows), len(rows)),
        "disposal": (
            sum(c.status in ("handled", "closed", "transferred") for c in counted),
            len(counted),
        ),
        "satisfaction": (sum(c.rating >= 4 for c in rated), len(rated)),
        "stopped_by_dissuasion": (
            sum(c.dissuasion_result == "stopped" for c in rows),
            len(rows),
        ),
    }


def figures_on_screen(page) -> dict:
    page.wait_for_selector("tr[data-row=total]")
    total = page.locator("tr[data-row=total]")
    out = {"reported": (int(total.locator("[data-figure=reported]").inner_text()),) * 2}
    for name in ("response", "disposal", "satisfaction", "stopped_by_dissuasion"):
        cell = total.locator(f"[data-figure={name}]")
        out[name] = (int(cell.get_attribute("data-count")), int(cell.get_attribute("data-of")))
    return out


def confirm(page):
    page.click("[data-action=save-step]")
    page.wait_for_selector(".toast")
    page.wait_for_selector(".toast", state="detached")


def wait_status(desk, clue_id: str, status: str):
    desk.wait_synced()
    desk.until(
        """async ([id, status]) => {
          const el = document.querySelector(`[data-clue="${id}"] h1 [data-status]`);
          return !!el && el.dataset.status === status
            && !document.querySelector(`[data-clue="${id}"] h1 [data-state]`);
        }""",
        [clue_id, status],
    )


def test_the_command_room_runs_the_loop_in_the_console(phones, county):
    app = county.app
    before = figures_from_db(app)

    # A grid worker in the hills reports offline; his phone sends it when the signal returns.
    grid = phones("grid")
    grid.enter("hb_grid1", position=SPOT)
    first = grid.report_offline([camera_jpeg(61)], "ST-0119-01", "河边焚烧垃圾，浓烟", "refused")
    grid.wait_files_held()
    # A villager's call about the same fire, 20 m away: R8 links the two for a person.
    second = str(uuid.uuid4())
    now = dt.datetime.now(dt.UTC).isoformat()
    caller = api_login(county.url, "hb_grid2")
    r = caller.post(
        f"{county.url}/api/v1/clues",
        json={
            "id": second,
            "matter_code": "ST-0119-01",
            "location": {
                "lat": SPOT[0] + 0.00018,
                "lng": SPOT[1],
                "accuracy_m": 15.0,
                "fix_time": now,
            },
            "address": "河边",
            "description": "有人烧垃圾",
            "dissuasion": {"done": False, "result": None, "at": None},
            "device_time": now,
        },
    )
    assert r.status_code == 201, r.text

    # The dispatcher's inbox, at a desk: both clues wait for triage, flagged as twins.
    desk = phones("dispatcher", viewport=DESKTOP)
    page = desk.enter("hb_dispatch")
    page.goto(desk.url + "/#/console")
    page.wait_for_selector(f"tr[data-inbox='{first}'][data-bucket='clue:reported']")
    assert page.get_attribute(f"tr[data-inbox='{second}'] [data-dup]", "data-dup") == "yes"
    page.click("[data-bucket='clue:reported']")
    page.fill("input[name=filter]", "浓烟")
    page.wait_for_selector("table.grid[data-rows='1']")
    # The keyboard moves through the list and opens a row.
    page.fill("input[name=filter]", "")
    page.keyboard.press("Escape")
    page.click("h1")
    page.wait_for_selector("table.grid:not([data-rows='1'])")
    order = page.eval_on_selector_all("tbody tr", "rows => rows.map((r) => r.dataset.inbox)")
    first_row = page.get_attribute("tbody tr.cursor", "data-inbox")
    # Quick keys, as a practised hand types them: the row below opens, not the one before.
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    chosen = order[order.index(first_row) + 1]
    desk.until("async (h) => window.location.hash === h", f"#/clue/{chosen}")

    # The call is the same fire: marked a duplicate from the side-by-side comparison.
    page.goto(desk.url + f"/#/clue/{second}")
    page.wait_for_selector(f".duplicates [data-duplicate-of='{first}']")
    assert "河边焚烧垃圾" in page.inner_text(".duplicates")
    assert page.get_attribute(".map", "data-map-points") == "2"
    page.click(f".duplicates [data-duplicate-of='{first}']")
    assert page.input_value("select[name=duplicate_of]") == first
    confirm(page)
    wait_status(desk, second, "duplicate")

    # The report: the photo (a thumbnail first), the map, who did what from which device.
    page.goto(desk.url + f"/#/clue/{first}")
    page.wait_for_selector(".gallery img.thumb")
    page.wait_for_selector(".timeline tr[data-action='sync.create']")
    assert "拒不听从" in page.inner_text("[data-fact=dissuasion]")
    page.click("[data-transition=accept]")
    confirm(page)
    wait_status(desk, first, "accepted")
    page.click("[data-transition=assign]")
    # Officers by open work: 李强 has demo tasks open, so someone with fewer is offered first.
    options = page.locator("select[name=assignee_id] option[data-open]")
    loads = [int(options.nth(i).get_attribute("data-open")) for i in range(options.count())]
    assert loads == sorted(loads) and len(loads) >= 2
    officer = user_id(app, "hb_officer2")
    page.select_option("select[name=assignee_id]", str(officer))
    confirm(page)
    wait_status(desk, first, "assigned")
    with app.app_context():
        clue = db.session.get(Clue, uuid.UUID(first))
        assert (clue.assignee_id, clue.deadline is not None) == (officer, True)

    # The officer takes it and reports; the console picks it up by itself (no reload).
    field = api_login(county.url, "hb_officer2")
    assert transition(field, county.url, first, 3, "take")["outcome"] == "applied"
    result = transition(field, county.url, first, 4, "handle", outcome="corrected_on_spot")
    assert result["outcome"] == "applied"
    page.goto(desk.url + "/#/console")
    desk.until(
        "async (id) => !!document.querySelector("
        "`tr[data-inbox='${id}'][data-bucket='clue:handled']`)",
        first,
        timeout=45000,
    )

    # The leader sends it back once for a photo, then approves the second report.
    lead = phones("leader", viewport=DESKTOP)
    lp = lead.enter("hb_leader")
    lp.goto(lead.url + f"/#/clue/{first}")
    lp.click("[data-transition=return]")
    lp.fill("textarea[name=comment]", "请补充整改后的现场照片")
    confirm(lp)
    wait_status(lead, first, "in_progress")
    result = transition(field, county.url, first, 6, "handle", outcome="corrected_on_spot")
    assert result["outcome"] == "applied"
    lead.sync_now()
    wait_status(lead, first, "handled")
    assert "请补充整改后的现场照片" in lp.inner_text("[data-fact=return_comment]")
    lp.click("[data-transition=close]")
    lp.fill("textarea[name=feedback]", "已整改到位，同意办结")
    confirm(lp)
    wait_status(lead, first, "closed")
    steps = lp.locator(".timeline tr[data-step]")
    lp.wait_for_selector(".timeline tr[data-step=close]")
    named = [steps.nth(i).get_attribute("data-step") for i in range(steps.count())]
    assert [s for s in named if s] == [
        *("accept", "assign", "take", "handle"),
        *("return", "handle", "close"),
    ]

    # The dashboard moved with the records: two more reported, two answered, one disposed.
    after = figures_from_db(app)
    assert after["reported"][0] == before["reported"][0] + 2
    assert after["response"][0] == before["response"][0] + 2
    assert after["disposal"] == (before["disposal"][0] + 1, before["disposal"][1] + 1)
    page.goto(desk.url + "/#/dashboard")
    assert figures_on_screen(page) == after
    assert page.locator(".chart canvas").count() == 1

    # The Excel export opens and says the same.
    with page.expect_download() as download:
        page.click("[data-export=xlsx]")
    assert download.value.suggested_filename.endswith(".xlsx")
    book = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    sheet = book.worksheets[0]
    title, header, *lines = [[c.value for c in row] for row in sheet.iter_rows()]
    assert title[0].startswith("线索闭环看板 · 航埠镇 · ")
    total = dict(zip(header, next(r for r in lines if str(r[1]).startswith("合计")), strict=True))
    assert (total["代码"], total["上报线索"]) == (TOWN, after["reported"][0])
    assert (total["已响应"], total["已处置"], total["应处置"]) == (
        after["response"][0],
        *after["disposal"],
    )
    assert (total["满意"], total["已评价"]) == after["satisfaction"]


def test_a_dispatcher_of_another_township_sees_nothing_of_it(phones, county):
    app = county.app
    with app.app_context():
        clue = (
            db.session.execute(
                sa.select(Clue).where(Clue.code.like(f"%{TOWN}%"), Clue.status == "reported")
            )
            .scalars()
            .first()
        )
        clue_id, version = str(clue.id), clue.version
    desk = phones("other", viewport=DESKTOP)
    page = desk.enter("sl_dispatch")
    page.goto(desk.url + "/#/console")
    page.wait_for_selector("table.grid")
    assert page.locator(f"tr[data-inbox='{clue_id}']").count() == 0
    page.goto(desk.url + f"/#/clue/{clue_id}")
    page.wait_for_selector("main.console")
    assert page.locator("[data-transition]").count() == 0
    assert "没有找到" in page.inner_text("main")
    # Nor through the API: not found, not refused (its existence is not confirmed).
    other = api_login(county.url, "sl_dispatch")
    assert other.get(f"{county.url}/api/v1/clues/{clue_id}/timeline").status_code == 404
    result = transition(other, county.url, clue_id, version, "accept")
    assert result["outcome"] == "rejected"
    page.goto(desk.url + "/#/dashboard")
    page.wait_for_selector("tr[data-row=total]")
    assert page.locator(f"tr[data-row='{TOWN}']").count() == 0
    assert other.get(f"{county.url}/api/v1/units/{TOWN}/dashboard").status_code == 404
    with app.app_context():
        assert db.session.get(Clue, uuid.UUID(clue_id)).version == version
