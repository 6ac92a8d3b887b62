"""The sync scenarios of ``tests/scenarios.py`` over HTTP, on the server's SQL store, on
SQLite and PostgreSQL; ``tests/sync/test_scenarios.py`` runs the same ones on the engine
over the in-memory store."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from server.clues.models import ClueNote
from server.core.db import db
from tests.scenarios import SCENARIOS
from tests.server.sync_kit import GRID_B, clue_row, new_clue, push

GRID_A = "331123102201001"  # 大柘村一网格, in township A (tests/server/world.py)


class HttpSide:
    def __init__(self, app, world, login) -> None:
        self.app, self.world, self.login = app, world, login
        self.sessions = {
            "grid": login("grid_a"),
            "grid@desk": login("grid_a"),  # the same person from a second device
            "grid2": login("grid2_a"),
            "room": login("dispatcher_a"),
            "stranger": login("grid_b"),
        }

    def push(self, who: str, *mutations: dict) -> list[dict]:
        return push(self.sessions[who], *mutations)

    def report(self, **overrides) -> dict:
        return new_clue(unit_code=GRID_A, **overrides)

    def move_away(self, who: str) -> None:
        username = {"grid2": "grid2_a"}[who]
        admin = self.login("admin_county")
        r = admin.patch(f"/api/v1/users/{self.world.users[username]}", json={"unit_code": GRID_B})
        assert r.status_code == 200, r.get_json()

    def clue(self, clue_id: str) -> dict:
        return clue_row(self.app, clue_id)

    def notes_of(self, clue_id: str) -> list[str]:
        with self.app.app_context():
            return list(
                db.session.execute(
                    sa.select(ClueNote.text).where(ClueNote.clue_id == uuid.UUID(clue_id))
                ).scalars()
            )

    def kept(self, who: str) -> list[dict]:
        r = self.sessions[who].get("/api/v1/conflicts", query_string={"status": "open"})
        assert r.status_code == 200, r.get_json()
        return r.get_json()


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.__name__)
def test_scenario_over_http(scenario, app, world, login):
    scenario(HttpSide(app, world, login))
