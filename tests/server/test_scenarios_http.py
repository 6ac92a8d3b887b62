"""The sync scenarios of ``tests/scenarios.py`` over HTTP, on the server's SQL store, on
SQLite and PostgreSQL; ``tests/sync/test_scenarios.py`` runs the same ones on the engine
over the in-memory store."""

from __future__ import annotations

import pytest

from tests.scenarios import SCENARIOS
from tests.server.http_side_kit import HttpSide


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.__name__)
def test_scenario_over_http(scenario, app, world, login):
    scenario(HttpSide(app, world, login))
