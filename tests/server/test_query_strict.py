"""A query parameter the route does not know is refused, naming it, not silently ignored
(a misspelt ``form=`` answered as if no period were asked for would mislead)."""

from __future__ import annotations

import re
import uuid

import pytest


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/units/{town}/indicators",
        "/api/v1/units/{town}/dashboard",
        "/api/v1/units/{town}/dashboard.csv",
        "/api/v1/units/{town}/empowerments",
        "/api/v1/sync/pull",
    ],
)
def test_an_unknown_query_parameter_is_refused_by_name(world, login, path):
    leader = login("leader_a")
    url = path.format(town=world.units["town_a"].code)
    assert leader.get(url).status_code == 200, url
    r = leader.get(url, query_string={"form": "2026-01-01"})
    assert r.status_code == 422, (url, r.get_json())
    assert list(r.get_json()["fields"]) == ["form"], r.get_json()


def _a_url(rule: str, town: str) -> str:
    """``rule`` with each path parameter filled with a value of its converter's kind."""
    fills = {"int": "1", "uuid": str(uuid.uuid4()), "code": town}
    return re.sub(r"<(?:(\w+):)?\w+>", lambda m: fills.get(m.group(1) or "", "x"), rule)


def test_every_api_route_refuses_an_unknown_query_parameter_by_name(app, world, login):
    # Generated from the app's own routes, so a new route is held to it too. /me, /units,
    # /clues and /conflicts ignored unknown parameters: only some routes' schemas refused them.
    leader = login("leader_a")
    town = world.units["town_a"].code
    routes = [
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/")
        for method in sorted(rule.methods - {"HEAD"})
    ]
    assert len(routes) > 20
    for method, rule in routes:
        url = _a_url(rule, town)
        r = leader.client.open(
            url,
            method=method,
            query_string={"form": "2026-01-01"},
            headers={"Authorization": f"Bearer {leader.token}"},
        )
        assert r.status_code == 422, (method, rule, r.status_code, r.get_data()[:200])
        assert list(r.get_json()["fields"]) == ["form"], (method, rule, r.get_json())


@pytest.mark.parametrize(
    "path",
    ["/api/v1/users?page=1&page_size=100", "/api/v1/clues?page=1", "/api/v1/sync/pull?limit=1"],
)
def test_the_documented_parameters_and_the_page_ones_are_still_taken(world, login, path):
    assert login("leader_a").get(path).status_code == 200
