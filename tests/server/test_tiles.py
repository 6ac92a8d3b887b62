"""The base map the server serves itself (issue 24): tiles from an MBTiles package at
/tiles/{z}/{x}/{y}.png, the demo county's package built over the county at the promised
zooms, the settings that point the screens at it, and each person's area for offline tiles."""

from __future__ import annotations

import io
import json

import pytest
from PIL import Image

from server.demo import geography
from server.demo import tiles as demo_tiles


@pytest.fixture(scope="module")
def package(tmp_path_factory):
    path = tmp_path_factory.mktemp("tiles") / "demo.mbtiles"
    made = demo_tiles.build(path)
    return path, made


@pytest.fixture
def served(app, package):
    app.config["MAP_TILES_PACKAGE"] = str(package[0])
    return app.test_client()


def centre_tile(z):
    w, s, e, n = geography.county_bbox()
    x0, y0, x1, y1 = demo_tiles.tile_range((w, s, e, n), z)
    return (x0 + x1) // 2, (y0 + y1) // 2


def test_a_tile_is_a_png_cached_for_good(served):
    x, y = centre_tile(12)
    r = served.get(f"/tiles/12/{x}/{y}.png")
    assert r.status_code == 200
    assert r.mimetype == "image/png"
    assert r.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert Image.open(io.BytesIO(r.data)).size == (256, 256)


@pytest.mark.parametrize(
    "path",
    [
        "/tiles/12/0/0.png",  # far from the county
        "/tiles/7/104/52.png",  # a zoom the package lacks
        "/tiles/30/1/1.png",  # no such zoom at all
        "/tiles/3/9/1.png",  # no such column at zoom 3
    ],
)
def test_a_tile_the_package_lacks_is_404(served, path):
    assert served.get(path).status_code == 404


def test_no_package_no_tiles(client):
    x, y = centre_tile(12)
    assert client.get(f"/tiles/12/{x}/{y}.png").status_code == 404


def test_the_demo_package_covers_the_county_at_every_promised_zoom(package):
    import sqlite3

    path, made = package
    assert made["bytes"] < 20 * 1024 * 1024
    con = sqlite3.connect(path)
    have = {tuple(r) for r in con.execute("SELECT zoom_level, tile_column, tile_row FROM tiles")}
    meta = dict(con.execute("SELECT name, value FROM metadata"))
    assert (meta["minzoom"], meta["maxzoom"], meta["format"]) == ("8", "16", "png")
    county = geography.county_bbox()
    towns = [u["bbox"] for u in geography.units() if u["level"] == "township"]
    for z in range(8, 17):
        for box in [county] if z <= 15 else towns:
            x0, y0, x1, y1 = demo_tiles.tile_range(box, z)
            for x in range(x0, x1 + 1):
                for y in range(y0, y1 + 1):
                    assert (z, x, (1 << z) - 1 - y) in have, (z, x, y)
    # Every clue the demo places (±0.03° around a centre) lies on the township's tiles.
    for town in towns:
        w, s, e, n = town
        assert e - w > 0.06 and n - s > 0.06


def test_settings_point_at_the_built_in_tiles_when_no_service_is_set(served, world, login, package):
    r = login("officer_a").get("/api/v1/settings")
    m = r.get_json()["map"]
    assert m["url"] == "/tiles/{z}/{x}/{y}.png"
    assert "示意底图" in m["attribution"]
    assert m["native_zoom"] == 16
    assert m["offline"] == {
        "limit_mb": 50.0,
        "max_zoom": 16,
        "tile_bytes": m["offline"]["tile_bytes"],
    }
    assert 0 < m["offline"]["tile_bytes"] < 20_000


def test_a_tile_service_set_wins_over_the_built_in_tiles(app, served, world, login):
    app.config["MAP_TILE_URL"] = "https://t{s}.tianditu.gov.cn/vec_w/wmts?x={x}&y={y}&l={z}&tk=K"
    m = login("officer_a").get("/api/v1/settings").get_json()["map"]
    assert m["url"].startswith("https://t{s}.tianditu.gov.cn/")
    assert m["native_zoom"] is None and m["offline"]["max_zoom"] == 17


def test_each_person_is_given_his_area_grid_or_township(app, world, login, tmp_path):
    def square(code, name, lng, lat, half):
        ring = [[lng - half, lat - half], [lng + half, lat - half], [lng + half, lat + half],
                [lng - half, lat + half], [lng - half, lat - half]]  # fmt: skip
        return {"type": "Feature", "properties": {"code": code, "name": name},
                "geometry": {"type": "Polygon", "coordinates": [ring]}}  # fmt: skip

    areas = tmp_path / "areas.geojson"
    areas.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    square("331123102", "大柘镇", 119.0, 28.5, 0.05),
                    square("331123102201001", "大柘村一网格", 119.01, 28.51, 0.01),
                ],
            }
        )
    )
    app.config["MAP_AREAS"] = str(areas)
    grid = login("grid_a").get("/api/v1/settings").get_json()["map"]["area"]
    assert grid == {
        "code": "331123102201001",
        "name": "大柘村一网格",
        "bbox": [119.0, 28.5, 119.02, 28.52],
    }
    town = login("officer_a").get("/api/v1/settings").get_json()["map"]["area"]
    assert town["code"] == "331123102" and town["name"] == "大柘镇"
    # Nothing known for the other township nor the county: no area, no offline map.
    assert login("officer_b").get("/api/v1/settings").get_json()["map"]["area"] is None


def test_the_demo_areas_hold_every_demo_grid_and_township():
    codes = {f["properties"]["code"] for f in geography.areas_geojson()["features"]}
    from server.demo.data import TOWNSHIPS

    for town in TOWNSHIPS:
        assert town["code"] in codes
        for village, _name, workers in town["villages"]:
            assert {f"{village}{n:03d}" for n in range(1, len(workers) + 1)} <= codes


def test_the_demo_seed_draws_the_base_map_once(app, tmp_path, monkeypatch):
    from server import cli

    drawn = []

    def build(path):
        drawn.append(path)
        path.write_bytes(b"package")
        return {"tiles": 1, "distinct": 1, "bytes": 7, "seconds": 0.0}

    monkeypatch.setattr(demo_tiles, "build", build)
    app.config["MAP_TILES_PACKAGE"] = str(tmp_path / "t.mbtiles")
    app.config["MAP_AREAS"] = str(tmp_path / "a.geojson")
    with app.app_context():
        cli._demo_base_map()
        cli._demo_base_map()  # already there: not drawn again
        app.config["MAP_TILE_URL"] = "https://tiles.example.org/{z}/{x}/{y}.png"
        (tmp_path / "t.mbtiles").unlink()
        cli._demo_base_map()  # a tile service is set: no package needed
    assert drawn == [tmp_path / "t.mbtiles"]
    assert json.loads((tmp_path / "a.geojson").read_text())["type"] == "FeatureCollection"
