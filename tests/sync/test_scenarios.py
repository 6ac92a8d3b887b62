"""The sync scenarios of ``tests/scenarios.py`` on the batch engine over the in-memory store;
``tests/server/test_scenarios_http.py`` runs the same ones over HTTP on the SQL store."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import replace

import pytest

from sync.engine import Engine
from sync.memory import MemoryStore
from sync.types import Mutation, Op
from tests.scenarios import SCENARIOS
from tests.sync.kit import D1, NOW, W1, W4, Refs, actor, clue_payload


class MemorySide:
    def __init__(self) -> None:
        self.store = MemoryStore(Refs({}))
        self.store.refs.records = self.store.records
        self.people = {
            "grid": replace(W1, device="phone"),
            "grid@desk": replace(W1, device="desk"),
            "grid2": actor(5, "grid_worker", "G1"),
            "room": D1,
            "stranger": W4,
        }
        self.minutes = 0

    def push(self, who: str, *mutations: dict) -> list[dict]:
        self.minutes += 1
        parsed = [_parsed(m) for m in mutations]
        someone = self.people[who]
        now = NOW + dt.timedelta(minutes=self.minutes)
        batch = Engine(self.store.for_actor(someone), someone, now).run(parsed)
        self.store.commit(batch, parsed)
        return batch.results

    def report(self, **overrides) -> dict:
        return {
            "id": str(uuid.uuid4()),
            "record_type": "clue",
            "record_id": str(uuid.uuid4()),
            "op": "create",
            "payload": clue_payload(unit_code="G1", **overrides),
        }

    def move_away(self, who: str) -> None:
        self.people[who] = replace(self.people[who], unit_path="/C/T2/V3/G4/")

    def clue(self, clue_id: str) -> dict:
        return dict(self.store.records[("clue", uuid.UUID(clue_id))].fields)

    def notes_of(self, clue_id: str) -> list[str]:
        parent = uuid.UUID(clue_id)
        return [
            s.fields["text"]
            for (t, _), s in self.store.records.items()
            if t == "clue_note" and s.parent_id == parent
        ]

    def kept(self, who: str) -> list[dict]:
        someone = self.people[who]
        return [
            {"id": str(i), **s.fields}
            for (t, i), s in self.store.records.items()
            if t == "conflict" and s.status == "open" and self.store.visible(someone, s)
        ]


def _parsed(m: dict) -> Mutation:
    return Mutation(
        id=uuid.UUID(m["id"]),
        record_type=m["record_type"],
        record_id=uuid.UUID(m["record_id"]),
        op=Op(m["op"]),
        payload=m["payload"],
        base_version=m.get("base_version"),
        parent_id=uuid.UUID(m["parent_id"]) if m.get("parent_id") else None,
    )


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.__name__)
def test_scenario_on_the_engine_over_memory(scenario):
    scenario(MemorySide())
