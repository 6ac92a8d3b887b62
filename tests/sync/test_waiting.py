"""R3 on the batch engine over the in-memory store: a child that waited too long for a
parent its author never sees is handed, whole, to his township's supervisors
(``Engine.give_up``), and its first answer becomes that hand-over."""

from __future__ import annotations

import uuid

from sync.engine import Engine
from tests.sync.kit import D1, D2, NOW, W1, W4, Server, create, note


def test_a_strangers_note_that_waited_too_long_goes_to_his_own_township():
    server, clue_id = Server(), uuid.uuid4()
    server.push(W1, [create(record_id=clue_id)])
    written = note(clue_id, "路过时看到的情况")
    [answer] = server.push(W4, [written])
    assert answer["outcome"] == "waiting"

    engine = Engine(server.store.for_actor(W4), W4, NOW)
    batch = engine.give_up(list(server.store.waiting))
    server.store.commit(batch, [])

    assert server.store.waiting == []
    [conflict] = [s for (t, _), s in server.records.items() if t == "conflict"]
    assert conflict.fields["reason"] == "waited_too_long"
    assert conflict.fields["device_value"]["payload"]["text"] == "路过时看到的情况"
    assert server.visible(D2, conflict) and not server.visible(D1, conflict)
    [again] = server.push(W4, [written])
    assert (again["outcome"], again["reason"], again["replay"]) == (
        "conflict",
        "waited_too_long",
        True,
    )
