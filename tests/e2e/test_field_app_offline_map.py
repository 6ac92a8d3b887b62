"""Maps that work in a village (issue 24): the demo's own base map on the phone and at the
desk, and 离线地图 — a grid worker caches his grid's tiles on Wi-Fi, goes offline, and the map
still draws them from the phone's cache; a limit refuses an area too large."""

from __future__ import annotations

import pytest

from server.demo import geography
from server.demo import tiles as demo_tiles
from tests.e2e.phone import PHONE, shot

pytestmark = pytest.mark.browser

DESK = {"width": 1440, "height": 900}

TILES_LOADED = """() => {
  const tiles = [...document.querySelectorAll('.leaflet-tile')];
  const drawn = tiles.filter((t) => t.naturalWidth > 0).length;
  return tiles.length > 0 && tiles.every((t) => t.complete) && drawn;
}"""


@pytest.fixture(scope="module")
def package(tmp_path_factory):
    folder = tmp_path_factory.mktemp("basemap")
    demo_tiles.build(folder / "demo.mbtiles")
    geography.write_areas(folder / "areas.geojson")
    return folder


@pytest.fixture
def mapped(county, package):
    """The demo county with its built-in base map and areas, as `make run` has it."""
    county.app.config["MAP_TILES_PACKAGE"] = str(package / "demo.mbtiles")
    county.app.config["MAP_AREAS"] = str(package / "areas.geojson")
    return county


def loaded_tiles(page) -> int:
    page.wait_for_function(TILES_LOADED, timeout=60000)
    return page.evaluate(TILES_LOADED)


def test_a_grid_worker_caches_his_grid_and_the_map_draws_it_offline(phones, mapped):
    phone = phones("grid", viewport=PHONE)
    page = phone.enter("hb_grid1")
    phone.wait_controlled()
    page.click("[data-to=offline-map]")
    page.wait_for_selector("[data-offline-map=fits]")
    assert "北二村第1网格" in page.inner_text("[data-area]")
    planned = int(page.get_attribute("[data-plan-count]", "data-plan-count"))
    assert planned > 20
    assert "张图块" in page.inner_text("[data-plan-count]")
    assert page.get_attribute("[data-used-count]", "data-used-count") == "0"
    assert loaded_tiles(page) > 0  # the preview: the demo's base map, online
    page.wait_for_selector(".leaflet-control-attribution:has-text('示意底图')")
    shot(page, "offline-map-before")

    page.click("[data-action=download-tiles]")
    page.wait_for_selector("[data-offline-message=ok]", timeout=120000)
    page.wait_for_function(
        "(n) => document.querySelector('[data-used-count]').dataset.usedCount === String(n)",
        arg=planned,
    )
    used = int(page.get_attribute("[data-used-bytes]", "data-used-bytes"))
    assert used > 0
    assert "KB" in page.inner_text("[data-used-count]") or "MB" in page.inner_text(
        "[data-used-count]"
    )
    assert page.locator("[data-action=download-tiles]").count() == 0  # complete
    shot(page, "offline-map-after")

    # No network at all: the page, the map's code and every tile come from the phone.
    phone.offline(True)
    page.reload()
    page.wait_for_selector("[data-phase=locked], [data-phase=open]")
    if page.locator("input[name=pin]").count():
        phone.unlock()
    page.goto(phone.url + "/#/offline-map")
    page.wait_for_selector("[data-offline-map=fits]")
    assert page.locator("[data-map-offline]").count() == 0
    drawn = loaded_tiles(page)
    assert drawn >= 2
    assert page.evaluate(
        "[...document.querySelectorAll('.leaflet-tile')].every((t) => t.naturalWidth === 256)"
    )
    shot(page, "offline-map-offline")

    # Deleted, the cache is empty again.
    phone.offline(False)
    page.click("[data-action=delete-tiles]")
    page.wait_for_selector("[data-offline-message=hint]")
    page.wait_for_function("document.querySelector('[data-used-count]').dataset.usedCount === '0'")


def test_the_limit_refuses_a_township_too_large(phones, mapped):
    mapped.app.config["MAP_OFFLINE_LIMIT_MB"] = 0.01  # 10 KB: not even the overview fits
    phone = phones("officer", viewport=PHONE)
    page = phone.enter("hb_officer1")
    page.goto(phone.url + "/#/offline-map")
    page.wait_for_selector("[data-offline-map=refused]")
    assert "航埠镇" in page.inner_text("[data-area]")
    assert "超过上限" in page.inner_text("[data-limit=refused]")
    assert page.locator("[data-action=download-tiles]").count() == 0
    assert loaded_tiles(page) > 0  # the township's map is shown all the same
    shot(page, "offline-map-refused")


def test_the_metered_phone_asks_before_using_mobile_data(phones, mapped):
    phone = phones("metered", viewport=PHONE)
    phone.start()
    phone.ctx.add_init_script(
        "Object.defineProperty(navigator, 'connection',"
        " { value: { type: 'cellular', saveData: false } })"
    )
    phone.open()
    phone.login("hb_grid2")
    phone.wait_synced()
    page = phone.page
    page.goto(phone.url + "/#/offline-map")
    page.wait_for_selector("[data-metered=yes]")
    assert page.locator("[data-action=download-tiles]").count() == 0
    page.click("[data-action=use-mobile-data]")
    assert page.inner_text("[data-action=download-tiles]") == "下载离线地图"


def test_the_desk_map_has_the_demo_base_map(phones, mapped):
    desk = phones("dispatcher", viewport=DESK)
    page = desk.enter("hb_dispatch")
    page.goto(desk.url + "/#/map")
    page.wait_for_selector(".map-legend [data-legend=new]")
    assert loaded_tiles(page) > 0
    page.wait_for_selector(".leaflet-control-attribution:has-text('示意底图')")
    shot(page, "console-map")
