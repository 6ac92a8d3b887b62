"""The sync scenarios of ``tests/scenarios.py`` on the batch engine over the in-memory store;
``tests/server/test_scenarios_http.py`` runs the same ones over HTTP on the SQL store."""

from __future__ import annotations

import pytest

from tests.scenarios import SCENARIOS
from tests.sync.memory_side_kit import MemorySide


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.__name__)
def test_scenario_on_the_engine_over_memory(scenario):
    scenario(MemorySide())
