"""The grid worker's phone (issue 24): taking a report back says it is final and asks why;
his reports can be told apart and shown whole; the sync bar counts reports and says what
waits; with no location he still reports, the place flagged."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from server.catalogue.models import Matter
from server.clues.models import Clue, ClueNote
from server.core.db import db
from tests.e2e.phone import DESKTOP, PHONE, camera_jpeg, shot

pytestmark = pytest.mark.browser


def test_withdrawing_a_report_says_it_is_final_asks_why_and_cancel_is_cancel(phones, county):
    grid = phones("grid", viewport=PHONE)
    page = grid.enter("hb_grid1")
    grid.report_clue([camera_jpeg(7)], "SR-0036-01", "早市摊贩占道经营。", "stopped")
    clue_id = page.get_attribute("[data-clue]", "data-clue")
    grid.wait_synced()
    page.click(f"[data-clue='{clue_id}']")
    page.click("[data-transition=withdraw]")
    form = page.wait_for_selector(".step-form[data-step=withdraw]")
    assert "不能恢复" in page.inner_text("[data-final]")
    assert page.inner_text("[data-action=cancel-step]") == "取消"
    assert page.inner_text("[data-action=save-step]") == "确认撤回"
    assert "上一步" not in form.inner_text()
    shot(page, "withdraw-confirm")
    page.click("[data-action=cancel-step]")  # nothing happens: it is still reported
    assert page.locator(".step-form").count() == 0
    page.click("[data-transition=withdraw]")
    page.fill(".step-form [name=reason]", "已与邻居协商解决")
    page.click("[data-action=save-step]")
    page.wait_for_url("**/#/mine")
    grid.wait_synced()
    with county.app.app_context():
        clue = db.session.get(Clue, uuid.UUID(clue_id))
        assert (clue.status, clue.withdraw_reason) == ("withdrawn", "已与邻居协商解决")


def test_my_reports_show_what_where_and_a_photo_offline_and_the_detail_shows_it_all(phones, county):
    grid = phones("grid", viewport=PHONE)
    page = grid.enter("hb_grid1")
    grid.offline()  # in a valley: the report stays on the phone
    grid.report_clue([camera_jpeg(8)], "SR-0036-01", "早市摊贩占道经营。", "stopped", save=False)
    page.click(".actions button.secondary")  # back to the second step for the place
    page.fill("input[name=address]", "北二村村口公路边")
    page.click(".actions button.primary")
    page.check("input[name=done] >> nth=0")
    page.select_option("select[name=result]", "stopped")
    page.click(".actions button.primary")
    row = page.wait_for_selector("[data-clue]")
    # What people call it, where, and his own photo; not the legal sentence, never the code.
    assert row.query_selector("[data-matter]").inner_text() == "占道经营"
    assert "SR-0036" not in row.inner_text()
    assert row.query_selector("[data-place]").inner_text() == "北二村村口公路边"
    page.wait_for_selector("[data-clue] img.thumb")
    # The photo is drawn, not a broken image: its bytes come from the phone's own store.
    page.wait_for_function("() => document.querySelector('[data-clue] img.thumb').naturalWidth > 0")
    shot(page, "my-reports")
    row.click()
    page.wait_for_selector("[data-own-photos='1'] img.thumb")
    page.wait_for_function(
        "() => document.querySelector('[data-own-photos] img.thumb').naturalWidth > 0"
    )
    assert "北二村村口公路边" in page.inner_text("[data-place]")
    assert "已制止" in page.inner_text("[data-dissuasion]")
    assert "早市摊贩占道经营" in page.inner_text("main")
    shot(page, "my-report-detail")


def test_the_sync_bar_counts_reports_and_says_the_originals_wait_for_wifi(phones, county):
    grid = phones("grid", viewport=PHONE)
    page = grid.enter("hb_grid1")
    # A 3G phone: sync sends records and compressed copies, and keeps originals for Wi-Fi.
    grid.ctx.add_init_script(
        "Object.defineProperty(navigator, 'connection', { value: { effectiveType: '3g',"
        " saveData: false, addEventListener() {}, removeEventListener() {} } });"
    )
    page.reload()
    grid.unlock()
    grid.offline()
    grid.report_clue([camera_jpeg(61), camera_jpeg(62)], "SR-0036-01", "占道经营。", "stopped")
    bar = ".syncbar a.count"
    page.wait_for_selector(f"{bar}[data-records='1']")
    assert page.inner_text(bar) == "1 条待发送"  # one report, not its seven parts
    shot(page, "sync-one-report-waits")

    grid.offline(False)  # back in signal, the phone syncs by itself (not 立即同步: that sends all)
    page.wait_for_selector(f"{bar}[data-originals='2']", timeout=60000)
    assert page.inner_text(bar) == "线索已送达；原图待 WLAN 或点立即同步"
    shot(page, "sync-originals-wait")
    grid.sync_now()  # the person taps: the originals go now, on 3G
    page.wait_for_selector(f"{bar}[data-waiting='0']", timeout=60000)
    assert page.inner_text(bar) == "全部已送达"


def test_with_location_denied_the_place_is_picked_on_the_map_and_the_report_flagged(phones, county):
    grid = phones("grid", viewport=PHONE)
    page = grid.enter("hb_grid1")
    grid.ctx.clear_permissions()  # the worker said no to location
    page.goto(grid.url + "/#/report")
    page.set_input_files(
        "input[name=photo]",
        files=[{"name": "a.jpg", "mimeType": "image/jpeg", "buffer": camera_jpeg(71)}],
    )
    page.wait_for_selector(".box .error[role=alert]")
    assert page.is_disabled(".actions button.primary")  # no place yet
    page.click("[data-way=map]")  # 在地图上选点
    page.wait_for_selector(".map.leaflet-container")  # its code loaded, it takes taps
    page.locator(".map").click(position={"x": 160, "y": 60})  # a tap on the spot
    page.wait_for_selector("[data-picked]")
    shot(page, "report-place-picked")
    # The photo is hashed and sealed before the step may go on: slow on a busy machine.
    page.click(".actions button.primary:not([disabled])", timeout=90000)
    grid.choose_matter("SR-0036-01")
    page.fill("input[name=address]", "北二村村口")
    page.click(".actions button.primary")
    page.check("input[name=done] >> nth=1")
    page.click(".actions button.primary")
    clue_id = page.get_attribute("[data-clue]", "data-clue")
    grid.wait_synced()
    with county.app.app_context():
        clue = db.session.get(Clue, uuid.UUID(clue_id))
        assert clue.accuracy_m == 100 and clue.address == "北二村村口"
        assert clue.location_source == "map"
        notes = db.session.scalars(sa.select(ClueNote.text).where(ClueNote.clue_id == clue.id))
        assert any("手工选点" in n for n in notes)

    # Location allowed again: a fix clears the old refusal's message.
    grid.ctx.grant_permissions(["geolocation"], origin=grid.url)
    page.goto(grid.url + "/#/report")
    page.click("text=重新定位")
    page.wait_for_selector(".fix:not([data-picked])")
    assert page.locator(".box .error[role=alert]").count() == 0


def _picker_rows(page, section: str) -> list[str]:
    return page.eval_on_selector_all(
        f"[data-picker] [data-section='{section}'] [data-pick]",
        "(els) => els.map((e) => e.dataset.pick)",
    )


def test_the_matter_picker_searches_keeps_stars_offline_across_a_restart_and_sends_the_choice(
    phones, county
):
    grid = phones("grid", viewport=PHONE)
    page = grid.enter("hb_grid1")
    grid.wait_controlled()

    def to_second_step(seed):
        page.goto(grid.url + "/#/report")
        page.set_input_files(
            "input[name=photo]",
            files=[{"name": "p.jpg", "mimeType": "image/jpeg", "buffer": camera_jpeg(seed)}],
        )
        page.wait_for_selector(".thumb")
        page.wait_for_selector(".fix")
        page.click(".actions button.primary:not([disabled])", timeout=90000)

    to_second_step(91)
    assert page.is_disabled(".actions button.primary")  # no matter yet
    page.click("[data-action=pick-matter]")
    assert page.evaluate("document.activeElement.name") == "matter_search"
    assert page.locator("[data-picker] [data-section=favourites]").count() == 0
    # The department's name, a piece of the legal name with a space in it, a full-width code.
    page.fill("[data-picker] input[name=matter_search]", "生态环境")
    assert set(_picker_rows(page, "生态环境")) == {"ST-0119-01", "ST-0118-01"}
    assert page.locator("[data-picker] [data-pick]").count() == 2
    page.fill("[data-picker] input[name=matter_search]", "ＳＲ－００３６")
    assert set(_picker_rows(page, "市容环卫")) == {"SR-0036-01", "SR-0036-02"}
    page.fill("[data-picker] input[name=matter_search]", "不存在的事项")
    assert page.locator("[data-picker] [role=status]").inner_text() == "没有找到相符的事项"
    page.fill("[data-picker] input[name=matter_search]", "")
    star = page.locator("[data-picker] [data-star='ST-0119-01'] >> nth=0")
    assert star.get_attribute("aria-pressed") == "false"
    assert star.get_attribute("aria-label") == "收藏“露天焚烧”"
    star.click()
    assert _picker_rows(page, "favourites") == ["ST-0119-01"]
    # Chosen by the keyboard: the search, then the row's button and Enter.
    page.fill("[data-picker] input[name=matter_search]", "占道")
    page.focus("[data-picker] [data-pick='SR-0036-01']")
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-picker]", state="detached")
    assert page.input_value("input[name=matter_code]") == "SR-0036-01"
    assert "占道经营" in page.inner_text("[data-action=pick-matter]")
    assert page.is_enabled(".actions button.primary")

    # Into the valley, and the phone restarts: the star and the recent choice are still there.
    grid.restart(offline=True)
    grid.unlock()
    page = grid.page
    page.goto(grid.url + "/#/report")  # the draft comes back on its second step
    page.click("[data-action=pick-matter]")
    # The sheet reads the phone's store as it opens: its favourites come a moment later.
    page.wait_for_selector("[data-picker] [data-section=favourites] [data-pick='SR-0036-01']")
    assert _picker_rows(page, "favourites") == ["ST-0119-01", "SR-0036-01"]
    assert (
        page.get_attribute(
            "[data-picker] [data-section=favourites] [data-star='ST-0119-01']", "aria-pressed"
        )
        == "true"
    )
    shot(page, "picker-favourites-zh")
    page.fill("[data-picker] input[name=matter_search]", "焚烧")
    shot(page, "picker-search-zh")
    page.click("[data-picker] [data-section=favourites] [data-pick='ST-0119-01']")
    page.fill("textarea[name=description]", "河边焚烧秸秆")
    page.click(".actions button.primary")
    page.check("input[name=done] >> nth=1")
    page.click(".actions button.primary")
    clue_id = page.get_attribute("[data-clue]", "data-clue")

    # English: the same sheet in the second language.
    page.click("header button.link")
    to_second_step(92)
    page.click("[data-action=pick-matter]")
    page.wait_for_selector("[data-picker] [data-section=favourites] [data-pick='SR-0036-01']")
    assert page.inner_text("[data-picker] [data-section=favourites] h2") == "★ Favourites"
    assert _picker_rows(page, "favourites") == ["ST-0119-01", "SR-0036-01"]
    shot(page, "picker-favourites-en")
    page.set_viewport_size({"width": 1440, "height": 900})  # a desk: a readable column
    assert page.locator("[data-picker] section >> nth=0").bounding_box()["width"] <= 720
    shot(page, "picker-desk-en", full_page=False)
    page.set_viewport_size(PHONE)
    page.click("[data-action=close-picker]")
    page.click("header button.link")

    grid.offline(False)
    grid.sync_now()
    grid.wait_synced()
    with county.app.app_context():
        clue = db.session.get(Clue, uuid.UUID(clue_id))
        assert db.session.get(Matter, clue.matter_id).code == "ST-0119-01"


def test_with_no_location_and_offline_a_written_address_is_reported_and_shown_off_the_map(
    phones, county
):
    grid = phones("grid", viewport=PHONE)
    page = grid.enter("hb_grid1")
    grid.ctx.clear_permissions()  # location denied, and no base map in the village
    grid.offline()
    page.goto(grid.url + "/#/report")
    page.set_input_files(
        "input[name=photo]",
        files=[{"name": "a.jpg", "mimeType": "image/jpeg", "buffer": camera_jpeg(72)}],
    )
    page.wait_for_selector("[data-no-fix]")
    assert "无定位" in page.inner_text("[data-no-fix]")
    page.click("[data-way=address]")  # 填写地址
    page.fill("input[name=place_address]", "村口")  # too short to find the place by
    page.wait_for_timeout(300)
    assert page.is_disabled(".actions button.primary")
    page.fill("input[name=place_address]", "北二村文化礼堂东侧")
    shot(page, "report-place-address")
    page.click(".actions button.primary:not([disabled])", timeout=90000)
    assert page.input_value("input[name=address]") == "北二村文化礼堂东侧"
    grid.choose_matter("SR-0036-01")
    page.click(".actions button.primary")
    page.check("input[name=done] >> nth=1")
    page.click(".actions button.primary")
    clue_id = page.get_attribute("[data-clue]", "data-clue")
    assert "北二村文化礼堂东侧" in page.inner_text(f"[data-clue='{clue_id}'] [data-place]")
    grid.offline(False)
    grid.sync_now()
    grid.wait_synced()
    with county.app.app_context():
        clue = db.session.get(Clue, uuid.UUID(clue_id))
        assert clue.lat is None and clue.location_source == "address"
        assert clue.address == "北二村文化礼堂东侧"
    page.goto(grid.url + f"/#/clue/{clue_id}")
    page.wait_for_selector("[data-no-coords]")

    desk = phones("dispatcher", viewport={**DESKTOP, "width": 1440})
    console = desk.enter("hb_dispatch")
    console.goto(desk.url + "/#/map")
    console.wait_for_selector("[data-off-map]")
    off = console.inner_text("[data-off-map]")
    assert "条上报无坐标，仅有地址" in off
    console.wait_for_selector(".map .map-dot-new, .map .map-cluster")  # drawn, before the shot
    shot(console, "console-map-off-map")
    console.click("[data-off-map] button")
    console.wait_for_selector(f"[data-off-map-clue='{clue_id}']")
    assert "北二村文化礼堂东侧" in console.inner_text(f"[data-off-map-clue='{clue_id}']")
    shot(console, "console-map-off-map-listed")
    console.click(f"[data-off-map-clue='{clue_id}']")
    console.wait_for_selector("[data-fact=location]")
    assert "上报人的网格" in console.inner_text("[data-fact=location]")
    assert "北二村文化礼堂东侧" in console.inner_text("[data-fact=address]")

    # The desk places it on the map: it becomes 地图选点, and leaves the off-map count.
    console.wait_for_selector("[data-set-place] .map.leaflet-container")
    console.locator("[data-set-place] .map").click(position={"x": 200, "y": 120})
    console.wait_for_selector("[data-set-place] [data-picked]")
    shot(console, "console-set-place")
    console.click("[data-set-place] .actions button.primary")
    desk.wait_synced()
    with county.app.app_context():
        clue = db.session.get(Clue, uuid.UUID(clue_id))
        assert clue.lat is not None and clue.location_source == "map"
