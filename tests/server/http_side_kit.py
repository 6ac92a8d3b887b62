"""``HttpSide``: the ``Side`` of ``tests/scenarios.py`` over HTTP against the server's SQL
store, the people of the scenarios mapped onto the users of ``tests/server/world.py``."""

from __future__ import annotations

import itertools
import uuid

import sqlalchemy as sa

from server.clues.models import Clue, ClueNote
from server.core.db import db
from tests.server.sync_kit import (
    GRID_B,
    QUIET,
    clue_row,
    location,
    new_clue,
    north_of,
    pull_all,
    push,
)

GRID_A = "331123102201001"  # 大柘村一网格, in township A (tests/server/world.py)
USERNAMES = {
    "grid": "grid_a",
    "grid2": "grid2_a",
    "room": "dispatcher_a",
    "stranger": "grid_b",
    "land": "department",  # the county's department ZR-001 is transferred to
}
# Each report 200 m from every other one a test run makes, so that R8 (possible duplicates
# within 50 m, which the in-memory store does not link) never joins two of them.
_SPOTS = itertools.count()


class HttpSide:
    def __init__(self, app, world, login) -> None:
        self.app, self.world, self.login = app, world, login
        self.sessions = {who: login(name) for who, name in USERNAMES.items()}
        self.sessions["grid@desk"] = login("grid_a")  # the same person from a second device
        self.admin = login("admin_county")  # once: logins are rate-limited
        self.devices: dict[str, tuple[str | None, set[str]]] = {}  # a phone's cursor, holdings

    def push(self, who: str, *mutations: dict) -> list[dict]:
        return push(self.sessions[who], *mutations)

    def report(self, **overrides) -> dict:
        n = next(_SPOTS)
        lat, lng = north_of(QUIET, 200 * (n % 500))
        overrides.setdefault("location", location(lat, lng + 0.01 * (n // 500)))
        return new_clue(unit_code=GRID_A, **overrides)

    def person(self, user_id: int | None) -> str | None:
        return next((w for w, u in USERNAMES.items() if self.world.users[u] == user_id), None)

    def move_away(self, who: str) -> None:
        self._move(who, GRID_B)

    def move_back(self, who: str) -> None:
        self._move(who, GRID_A)

    def _move(self, who: str, unit_code: str) -> None:
        user_id = self.world.users[USERNAMES[who]]
        r = self.admin.patch(f"/api/v1/users/{user_id}", json={"unit_code": unit_code})
        assert r.status_code == 200, r.get_json()

    def clue(self, clue_id: str) -> dict | None:
        with self.app.app_context():
            if db.session.get(Clue, uuid.UUID(clue_id)) is None:
                return None
        return clue_row(self.app, clue_id)

    def notes_of(self, clue_id: str) -> list[str]:
        with self.app.app_context():
            return list(
                db.session.execute(
                    sa.select(ClueNote.text).where(ClueNote.clue_id == uuid.UUID(clue_id))
                ).scalars()
            )

    def holds(self, who: str, *, cold: bool = False) -> set[str]:
        cursor, held = (None, set()) if cold else self.devices.get(who, (None, set()))
        pulled = pull_all(self.sessions[who], cursor)
        for change in pulled["changes"]:
            if change["deleted"]:
                held.discard(change["id"])
            else:
                held.add(change["id"])
        if not cold:
            self.devices[who] = (pulled["cursor"], held)
        return set(held)

    def kept(self, who: str) -> list[dict]:
        """Every page of the open conflicts this person sees."""
        kept: list[dict] = []
        page = 1
        while True:
            query = {"status": "open", "page": page, "page_size": 100}
            r = self.sessions[who].get("/api/v1/conflicts", query_string=query)
            assert r.status_code == 200, r.get_json()
            kept += r.get_json()
            if len(r.get_json()) < 100:
                return kept
            page += 1
