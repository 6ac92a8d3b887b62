"""``MemorySide``: the ``Side`` of ``tests/scenarios.py`` on the batch engine over the
in-memory store, the people of the scenarios mapped onto the county of ``tests.sync.kit``."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, replace

from sync.engine import Engine
from sync.memory import MemoryStore
from sync.types import Mutation, Op
from tests.sync.kit import D1, NOW, UNITS, W1, W4, Refs, actor, clue_payload


@dataclass
class SideRefs(Refs):
    """The kit's references, with the matter the HTTP world has that township T1 holds no
    power for (``ZR-001``, the land department's), so a transfer (移送) goes through on both
    sides of a scenario."""

    def matter_exists(self, code: str) -> bool:
        return code == "ZR-001" or super().matter_exists(code)

    def matter_facts(self, code: str):
        if code == "ZR-001":
            return {"summary_allowed": True, "department": "D-LAND"}
        return super().matter_facts(code)


class MemorySide:
    def __init__(self) -> None:
        self.store = MemoryStore(SideRefs({}))
        self.store.refs.records = self.store.records
        self.people = {
            "grid": replace(W1, device="phone"),
            "grid@desk": replace(W1, device="desk"),
            "grid2": actor(5, "grid_worker", "G1"),
            "room": D1,
            "stranger": W4,
            # The land department (of the county), which ZR-001 is transferred to.
            "land": replace(
                D1,
                user_id=31,
                roles=frozenset({"department"}),
                unit_path=UNITS["C"],
                department="D-LAND",
            ),
        }
        self.devices: dict[str, tuple[int, set[str]]] = {}  # a phone's cursor, what it holds
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

    def person(self, user_id: int | None) -> str | None:
        return next((w for w, a in self.people.items() if a.user_id == user_id), None)

    def move_away(self, who: str) -> None:
        self.people[who] = replace(self.people[who], unit_path=UNITS["G4"])

    def move_back(self, who: str) -> None:
        self.people[who] = replace(self.people[who], unit_path=UNITS["G1"])

    def clue(self, clue_id: str) -> dict | None:
        state = self.store.records.get(("clue", uuid.UUID(clue_id)))
        return None if state is None else {**state.fields, "version": state.version}

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

    def holds(self, who: str, *, cold: bool = False) -> set[str]:
        someone = self.people[who]
        if cold:
            return {str(i) for _, i in self.store.pull(someone)}
        cursor, held = self.devices.get(who, (0, set()))
        while True:
            page, cursor = self.store.changes(someone, cursor)
            if not page:
                break
            for change in page:
                if change.state is None:
                    held.discard(str(change.key[1]))
                else:
                    held.add(str(change.key[1]))
        self.devices[who] = (cursor, held)
        return set(held)


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
