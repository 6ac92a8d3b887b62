"""A clue's timeline in the console: read from the audit chain, each step named, the device's
clock shown beside the server's, refusals included, and only for staff who see the clue."""

from __future__ import annotations

import datetime as dt
import uuid

from tests.server.sync_kit import (
    audit_of,
    mutation,
    new_clue,
    note,
    now,
    push,
    step,
    timeline,
)


def test_the_timeline_names_each_step_its_device_and_how_far_its_clock_was(world, login):
    grid, dispatcher = login("grid_a"), login("dispatcher_a")
    create = new_clue()
    clue_id = create["record_id"]
    behind = now() - dt.timedelta(hours=2)
    create["device_time"] = behind.isoformat()
    push(grid, create, device_now=behind)
    photo = mutation(
        "evidence",
        uuid.uuid4(),
        "create",
        {
            "kind": "photo",
            "original": {"sha256": "a" * 64, "size": 1000, "media_type": "image/jpeg"},
            "captured_at": behind.isoformat(),
        },
        parent_id=clue_id,
    )
    push(grid, photo)
    push(dispatcher, step(clue_id, "accept", 1), note(clue_id, "已受理，明早派人"))
    push(dispatcher, step(clue_id, "close", 2, feedback="太早了"))

    entries = timeline(dispatcher, clue_id)

    assert [(e["action"], e["record_type"], e["step"], e["outcome"]) for e in entries] == [
        ("sync.create", "clue", None, "applied"),
        ("sync.create", "evidence", None, "applied"),
        ("sync.transition", "clue", "accept", "applied"),
        ("sync.create", "clue_note", None, "applied"),
        ("sync.transition", "clue", "close", "rejected"),
    ]
    assert [e["actor_name"] for e in entries[:3]] == ["grid_a", "grid_a", "dispatcher_a"]
    assert entries[4]["reason"] == "clue_accepted"
    assert entries[0]["device_id"] is not None
    # The reporting phone's clock was two hours behind the server's: shown, not trusted.
    assert -7300 < entries[0]["skew_s"] < -7100
    assert "status" in entries[2]["changed"]
    assert [e["seq"] for e in entries] == sorted(e["seq"] for e in entries)


def test_the_timeline_is_for_staff_who_see_the_clue(world, login):
    clue_a = world.clues["clue_a"]
    assert login("dispatcher_b").get(f"/api/v1/clues/{clue_a}/timeline").status_code == 404
    assert login("grid_a").get(f"/api/v1/clues/{clue_a}/timeline").status_code == 403
    assert login("dispatcher_a").get(f"/api/v1/clues/{uuid.uuid4()}/timeline").status_code == 404
    assert timeline(login("dispatcher_county"), clue_a)[0]["action"] == "sync.create"


def test_a_stranger_cannot_write_into_a_clues_history(app, world, login):
    """Refusals of a record the pusher cannot see go under his own name, not the record's:
    a user of another township who knows a clue's id adds nothing to its timeline."""
    dispatcher, stranger = login("dispatcher_a"), login("dispatcher_b")
    clue_a = world.clues["clue_a"]
    before = timeline(dispatcher, clue_a)

    results = push(
        stranger,
        *[step(clue_a, "伪造的步骤", 1) for _ in range(20)],
        step(clue_a, "accept", 1),
        mutation("clue", clue_a, "update", {"description": "篡改"}, base_version=1),
        new_clue() | {"record_id": str(clue_a)},
    )

    assert {r["outcome"] for r in results} <= {"rejected", "conflict"}
    assert timeline(dispatcher, clue_a) == before
    entries = audit_of(app, "user", world.users["dispatcher_b"])
    refused = [e for e in entries if e["action"].startswith("sync.")]
    assert len(refused) == 23
    assert {e["detail"]["named"]["record_id"] for e in refused} == {str(clue_a)}


def test_a_refused_step_never_shows_the_devices_text_as_a_step(world, login):
    dispatcher = login("dispatcher_a")
    clue_a = world.clues["clue_a"]
    forged = '<img src=x onerror="alert(1)">已结案'

    [result] = push(dispatcher, step(clue_a, forged, 1))

    assert result["outcome"] == "rejected"
    last = timeline(dispatcher, clue_a)[-1]
    assert (last["outcome"], last["step"], last["unknown_step"]) == ("rejected", None, True)
    assert forged not in str(last)


def test_the_timeline_is_read_a_page_at_a_time_oldest_first(world, login):
    dispatcher = login("dispatcher_a")
    clue_a = world.clues["clue_a"]
    push(dispatcher, *[note(clue_a, f"第{i}次走访") for i in range(7)])
    whole = timeline(dispatcher, clue_a, limit=1000)

    assert len(whole) >= 8
    assert timeline(dispatcher, clue_a, limit=3) == whole
    first = dispatcher.get(f"/api/v1/clues/{clue_a}/timeline", query_string={"limit": 3})
    assert first.get_json()["more"] is True
    assert [e["id"] for e in first.get_json()["entries"]] == [e["id"] for e in whole[:3]]
    for bad in ({"limit": 0}, {"limit": 1001}, {"cursor": -1}, {"since": 1}):
        r = dispatcher.get(f"/api/v1/clues/{clue_a}/timeline", query_string=bad)
        assert r.status_code == 422, bad
