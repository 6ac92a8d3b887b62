"""A clue's timeline in the console: read from the audit chain, each step named, the device's
clock shown beside the server's, refusals included, and only for staff who see the clue."""

from __future__ import annotations

import datetime as dt
import uuid

from tests.server.sync_kit import mutation, new_clue, note, now, push, step, timeline


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
