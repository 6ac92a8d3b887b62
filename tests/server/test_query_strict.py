"""A query parameter the route does not know is refused, naming it, not silently ignored
(a misspelt ``form=`` answered as if no period were asked for would mislead)."""

from __future__ import annotations

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
