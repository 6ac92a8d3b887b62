"""Sync scenarios written once and run twice: on the batch engine over the in-memory store
(``tests/sync/test_scenarios.py``) and over HTTP against the server's SQL store, on SQLite
and PostgreSQL (``tests/server/test_scenarios_http.py``). What stays here is the expected
outcome of each scenario, not a second engine: both runs call the one in ``sync/engine.py``.

A ``Side`` speaks of people by their part in the story:

- ``grid``: a grid worker of grid 1 in township A; ``grid@desk``: the same person on a
  second device; ``grid2``: another grid worker (who may be moved);
- ``room``: the dispatcher of township A's command room;
- ``stranger``: a grid worker of township B.

Mutations are the JSON a phone sends (``mutation``); answers are the JSON the server gives.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, Protocol


class Side(Protocol):
    def push(self, who: str, *mutations: dict) -> list[dict]: ...

    def report(self, **overrides: Any) -> dict:
        """A clue create as the phone makes it, in grid 1 of township A."""
        ...

    def person(self, user_id: int | None) -> str | None:
        """The part in the story of the user with this id (``grid`` for both his devices)."""
        ...

    def move_away(self, who: str) -> None:
        """Move this grid worker to township B (an administrator's change)."""
        ...

    def move_back(self, who: str) -> None:
        """Move him back to grid 1 of township A."""
        ...

    def clue(self, clue_id: str) -> dict[str, Any]:
        """The clue's fields (with its version) as the server holds them; None if absent."""
        ...

    def notes_of(self, clue_id: str) -> list[str]:
        """The texts of the notes the server holds on this clue."""
        ...

    def kept(self, who: str) -> list[dict]:
        """The open conflict records this supervisor sees."""
        ...

    def holds(self, who: str, *, cold: bool = False) -> set[str]:
        """The ids of the records this person's device holds after pulling what changed
        since its last pull (``cold``: after a first pull on a new device)."""
        ...


def mutation(record_type, record_id, op, payload, *, base_version=None, parent_id=None) -> dict:
    m = {
        "id": str(uuid.uuid4()),
        "record_type": record_type,
        "record_id": str(record_id),
        "op": op,
        "payload": payload,
    }
    if base_version is not None:
        m["base_version"] = base_version
    if parent_id is not None:
        m["parent_id"] = str(parent_id)
    return m


def note(clue_id, text: str) -> dict:
    return mutation(
        "clue_note", uuid.uuid4(), "create", {"kind": "note", "text": text}, parent_id=clue_id
    )


def edit(clue_id, base: int, **fields) -> dict:
    return mutation("clue", clue_id, "update", fields, base_version=base)


def step(clue_id, name: str, **args) -> dict:
    return mutation("clue", clue_id, "transition", {"name": name, "args": args})


def resolve(conflict_id, keep: str) -> dict:
    return mutation(
        "conflict", conflict_id, "transition", {"name": "resolve", "args": {"keep": keep}}
    )


def one(side: Side, who: str, m: dict) -> dict:
    [answer] = side.push(who, m)
    return answer


# -- the scenarios -------------------------------------------------------------------------------


def a_replayed_refusal_is_the_same_refusal(side: Side) -> None:
    """R1: the answer to a refused mutation was lost; sent again, it is refused again."""
    made = side.report()
    one(side, "grid", made)
    forged = step(made["record_id"], "accept")  # a grid worker may not accept
    first, again = one(side, "grid", forged), one(side, "grid", forged)
    assert (first["outcome"], first["reason"]) == ("rejected", "forbidden")
    assert (again["outcome"], again["reason"], again["replay"]) == ("rejected", "forbidden", True)


def a_replay_with_other_content_is_refused_and_kept(side: Side) -> None:
    """R1: the same mutation id with other content: refused by its own reason, kept."""
    made = side.report()
    one(side, "grid", made)
    tampered = {**made, "payload": {**made["payload"], "description": "另一件事"}}
    answer = one(side, "grid", tampered)
    assert (answer["outcome"], answer["reason"]) == ("rejected", "mutation_mismatch")
    assert side.clue(made["record_id"])["description"] == made["payload"]["description"]
    kept = {c["id"]: c for c in side.kept("room")}
    [conflict] = answer["conflicts"]
    assert kept[conflict["id"]]["device_value"]["payload"]["description"] == "另一件事"


def a_known_id_with_other_content_is_kept(side: Side) -> None:
    """R2: a create under an id the server holds with other content keeps the device's."""
    made = side.report()
    one(side, "grid", made)
    other = {**made, "id": str(uuid.uuid4()), "payload": {**made["payload"], "address": "别处"}}
    answer = one(side, "grid", other)
    assert (answer["outcome"], answer["reason"]) == ("conflict", "id_conflict")
    kept = {c["id"]: c for c in side.kept("room")}
    assert kept[answer["conflicts"][0]["id"]]["device_value"]["payload"]["address"] == "别处"


def one_person_on_two_devices_is_two_sides(side: Side) -> None:
    """R4: the same person edits one field from one base on his phone and at the desk."""
    made = side.report()
    one(side, "grid", made)
    first = one(side, "grid", edit(made["record_id"], 1, description="火势变大"))
    second = one(side, "grid@desk", edit(made["record_id"], 1, description="火已扑灭"))
    assert first["outcome"] == "applied"
    assert (second["outcome"], second["reason"]) == ("conflict", "concurrent_edit")
    assert side.clue(made["record_id"])["description"] == "火势变大"
    again = one(side, "grid", edit(made["record_id"], 1, description="火势很大"))
    assert again["outcome"] == "merged"  # his own device's later edit replaces its first


def a_note_before_its_clue_waits_for_it(side: Side) -> None:
    """R3: a child whose parent has not arrived waits, and is applied when it comes."""
    made = side.report()
    early = note(made["record_id"], "先到的记录")
    waiting = one(side, "grid", early)
    clue, replayed = side.push("grid", made, early)
    assert (waiting["outcome"], waiting["reason"]) == ("waiting", "waiting_parent")
    assert clue["outcome"] == "applied"
    assert (replayed["outcome"], replayed["replay"]) == ("applied", True)
    assert side.notes_of(made["record_id"]) == ["先到的记录"]


def a_waiting_note_is_applied_once_when_its_clue_is_edited_in_the_same_batch(side: Side) -> None:
    """R1, R3: the clue that frees a waiting note is edited later in its batch; the note's
    answer stays the one it got when it was applied, not a duplicate of itself."""
    made = side.report()
    early = note(made["record_id"], "先到的记录")
    assert one(side, "grid", early)["outcome"] == "waiting"
    side.push("grid", made, edit(made["record_id"], 1, description="补充说明"))
    replayed = one(side, "grid", early)
    assert (replayed["outcome"], replayed["replay"]) == ("applied", True)
    assert side.notes_of(made["record_id"]) == ["先到的记录"]


def a_note_before_its_clue_in_one_batch_follows_it(side: Side) -> None:
    made = side.report()
    early = note(made["record_id"], "同批先到")
    child, parent = side.push("grid", early, made)
    assert (parent["outcome"], child["outcome"]) == ("applied", "applied")
    assert side.notes_of(made["record_id"]) == ["同批先到"]


def a_moved_workers_queued_note_is_kept_for_the_room(side: Side) -> None:
    """R3, R11: queued while the clue was in his view; pushed after he was moved away."""
    made = side.report()
    one(side, "room", made)
    assert one(side, "grid2", note(made["record_id"], "第一次巡查"))["outcome"] == "applied"
    queued = note(made["record_id"], "离线时记下的第二条")
    side.move_away("grid2")
    answer = one(side, "grid2", queued)
    assert (answer["outcome"], answer["reason"]) == ("conflict", "rights_changed")
    assert "version" not in answer  # nothing of the clue is shown to him
    kept = {c["id"]: c for c in side.kept("room")}
    assert kept[answer["conflicts"][0]["id"]]["device_value"]["payload"]["text"] == (
        "离线时记下的第二条"
    )


def a_note_waiting_when_its_author_moved_is_applied_by_his_rights_then(side: Side) -> None:
    """R3: a grid worker's note on a clue his colleague had not yet sent waits; he is moved
    away; the clue comes. The note was written with the rights he had when he sent it, and
    is applied by those, not refused nor left waiting for his new ones."""
    made = side.report()
    queued = note(made["record_id"], "同事的线索还没到")
    assert one(side, "grid2", queued)["outcome"] == "waiting"
    side.move_away("grid2")
    one(side, "grid", made)
    again = one(side, "grid2", queued)
    assert (again["outcome"], again["replay"]) == ("applied", True)
    assert side.notes_of(made["record_id"]) == ["同事的线索还没到"]


def a_strangers_note_learns_nothing(side: Side) -> None:
    """§5: a clue of another township answers as if there were none."""
    made = side.report()
    one(side, "grid", made)
    foreign = one(side, "stranger", note(made["record_id"], "猜一个编号"))
    nowhere = one(side, "stranger", note(uuid.uuid4(), "猜一个编号"))
    strip = ("mutation_id", "record_id")
    assert {k: v for k, v in foreign.items() if k not in strip} == {
        k: v for k, v in nowhere.items() if k not in strip
    }
    assert foreign["outcome"] == "waiting"
    assert side.notes_of(made["record_id"]) == []


def a_strangers_note_before_the_clue_learns_nothing_when_it_comes(side: Side) -> None:
    """§5, R3: a stranger's note waits for a clue that does not exist yet; when the clue
    comes (in another township) the note waits on, unseen, as it would for no clue at all:
    refusing it now would tell him the clue exists."""
    made = side.report()
    guess = note(made["record_id"], "猜一个编号")
    assert one(side, "stranger", guess)["outcome"] == "waiting"
    one(side, "grid", made)
    again = one(side, "stranger", guess)
    assert (again["outcome"], again["reason"], again["replay"]) == (
        "waiting",
        "waiting_parent",
        True,
    )
    assert side.notes_of(made["record_id"]) == []


def a_batch_may_name_what_it_made(side: Side) -> None:
    """A report marked a duplicate of one made earlier in the same batch."""
    first, second = side.report(), side.report()
    marked = step(second["record_id"], "mark_duplicate", duplicate_of=first["record_id"])
    answers = side.push("room", first, second, marked)
    assert [a["outcome"] for a in answers] == ["applied", "applied", "applied"]
    assert side.clue(second["record_id"])["status"] == "duplicate"


SCENARIOS: list[Callable[[Side], None]] = [
    a_replayed_refusal_is_the_same_refusal,
    a_replay_with_other_content_is_refused_and_kept,
    a_known_id_with_other_content_is_kept,
    one_person_on_two_devices_is_two_sides,
    a_note_before_its_clue_waits_for_it,
    a_waiting_note_is_applied_once_when_its_clue_is_edited_in_the_same_batch,
    a_note_before_its_clue_in_one_batch_follows_it,
    a_moved_workers_queued_note_is_kept_for_the_room,
    a_note_waiting_when_its_author_moved_is_applied_by_his_rights_then,
    a_strangers_note_learns_nothing,
    a_strangers_note_before_the_clue_learns_nothing_when_it_comes,
    a_batch_may_name_what_it_made,
]
