"""What the screens read from the server's configuration: the base map (none by default, so
the console works with no tiles, offline and in tests)."""

from __future__ import annotations

import pytest

from server.core.settings import tile_origin


def test_no_base_map_is_configured_by_default(world, login):
    r = login("dispatcher_a").get("/api/v1/settings")
    assert r.status_code == 200
    assert r.get_json()["map"]["url"] is None


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("https://t{s}.tianditu.gov.cn/vec_w/wmts?tk=K", "https://*.tianditu.gov.cn"),
        ("https://tiles.example.org/{z}/{x}/{y}.png", "https://tiles.example.org"),
        ("http://10.0.0.5:8080/{z}/{x}/{y}.png", "http://10.0.0.5:8080"),
        ("", None),
        ("javascript:alert(1)", None),
        ("https://{z}.example.org/x", None),
    ],
)
def test_the_tile_origin_the_policy_names(url, origin):
    assert tile_origin(url) == origin
