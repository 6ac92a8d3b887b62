"""Nothing a field worker queued is lost (DESIGN §5, R3, R11), checked on the batch engine
that runs (``sync.engine``) over the in-memory store:

e. grid workers record reports and notes offline, on clues they pulled and on clues they
   just made; meanwhile some are moved to another grid or township; their outboxes then
   arrive split into batches, interleaved with the others', and sometimes a note's batch
   before its clue's (a second tab, an outbox repaired out of order). Every note they sent
   ends applied, waiting for a parent that never came, or kept whole in a conflict record
   a supervisor sees; none is refused for a parent the author could see when he wrote it.
"""

from __future__ import annotations

import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sync.rules import township_path
from sync.types import Actor, Mutation
from tests.sync.kit import D1, D2, NOW, UNITS, W1, W2, W3, W4, Server, actor, create, note

SETTINGS = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}
WORKERS = (W1, W2, W3, W4)
GRIDS = ("G1", "G2", "G3", "G4")


def seeded() -> tuple[Server, list[uuid.UUID]]:
    """In each grid, a clue its grid worker reported and one the command room did (which
    he sees only while the grid is his)."""
    server, clues = Server(), []
    for who, grid in zip(WORKERS, GRIDS, strict=True):
        room = D1 if UNITS[grid].startswith(UNITS["T1"]) else D2
        for reporter, extra in ((who, {}), (room, {"unit_code": grid})):
            clue_id = uuid.UUID(int=len(clues) + 1)
            made = create(record_id=clue_id, mutation_id=uuid.UUID(int=100 + len(clues)), **extra)
            [result] = server.push(reporter, [made])
            assert result["outcome"] == "applied", result
            clues.append(clue_id)
    return server, clues


@st.composite
def outbox(draw, who: Actor, known: list[uuid.UUID], tag: int) -> list[Mutation]:
    """An offline queue: notes on clues he pulled, and new reports with notes on them."""
    queue: list[Mutation] = []
    counter = iter(range(1, 1000))

    def next_id() -> uuid.UUID:
        return uuid.UUID(int=(tag << 64) | next(counter))

    for _ in range(draw(st.integers(1, 6))):
        if draw(st.booleans()) or not known:
            clue_id = next_id()
            queue.append(create(record_id=clue_id, mutation_id=next_id()))
            known = [*known, clue_id]
        target = draw(st.sampled_from(known))
        queue.append(note(target, f"记录 {tag}-{len(queue)}", next_id(), next_id()))
    return queue


@settings(max_examples=120, **SETTINGS)
@given(st.data())
def test_no_note_is_lost_when_its_author_moves_or_it_arrives_before_its_clue(data):
    server, _ = seeded()
    queues, movers = {}, {}
    for tag, who in enumerate(WORKERS, start=1):
        known = sorted(i for (t, i) in server.pull(who) if t == "clue")
        queues[who.user_id] = data.draw(outbox(who, known, tag))
        if data.draw(st.booleans()):  # moved (another grid, maybe another township) offline
            grid = data.draw(st.sampled_from([g for g in GRIDS if UNITS[g] != who.unit_path]))
            movers[who.user_id] = actor(who.user_id, "grid_worker", grid)

    # Each outbox in batches; batches of all devices interleaved; a device's batches
    # sometimes out of order (a note before the report it belongs to).
    batches: list[tuple[int, list[Mutation]]] = []
    for user_id, queue in queues.items():
        cuts = sorted(data.draw(st.sets(st.integers(1, max(1, len(queue) - 1)), max_size=3)))
        parts = [queue[a:b] for a, b in zip([0, *cuts], [*cuts, len(queue)], strict=True)]
        if data.draw(st.booleans()):
            parts = data.draw(st.permutations(parts))
        batches += [(user_id, part) for part in parts if part]
    order = data.draw(st.permutations(range(len(batches))))
    answers: dict[uuid.UUID, dict] = {}
    for i in order:
        user_id, part = batches[i]
        who = movers.get(user_id) or next(w for w in WORKERS if w.user_id == user_id)
        for m, result in zip(part, server.push(who, part, NOW), strict=True):
            answers[m.id] = result

    notes = {s.fields["text"] for (t, _), s in server.records.items() if t == "clue_note"}
    kept = {
        s.fields["device_value"]["payload"]["text"]
        for (t, _), s in server.records.items()
        if t == "conflict" and s.fields["field"] == "*" and s.fields["record_type"] == "clue_note"
    }
    waiting = {w.mutation.id for w in server.store.waiting}
    for user_id, queue in queues.items():
        now = movers.get(user_id) or next(w for w in WORKERS if w.user_id == user_id)
        for m in queue:
            final = server.first_results()[m.id]  # a child that waited: its final answer
            assert final["reason"] != "parent_missing", (m, final)
            if m.record_type != "clue_note":
                continue
            if m.id in waiting:
                # Only a note whose clue never came, or one about a clue of another township
                # that he may not see and never wrote to, waits (unseen, as for no clue).
                assert _stranger(server, m, now), (m, final)
            else:
                assert m.payload["text"] in notes | kept, (m, final)


def _stranger(server: Server, m: Mutation, who: Actor) -> bool:
    parent = server.records.get(("clue", m.parent_id))
    return parent is None or (
        not server.visible(who, parent)
        and not parent.unit_path.startswith(township_path(who.unit_path))
    )
