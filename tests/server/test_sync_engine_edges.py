"""The edges of sync that lost or hid records (issue 19), through HTTP, on SQLite and
PostgreSQL: replays that tell the truth (R1), content kept when an id clashes (R1, R2), one
person on two devices (R4), children before their parent and authors whose rights changed
(R3)."""

from __future__ import annotations

import uuid

from server.sync_api.models import SyncConflict
from tests.server.sync_kit import (
    GRID_B,
    clue_row,
    count,
    edit,
    mutation,
    new_clue,
    note,
    pull_all,
    pulled,
    push,
    push_one,
    step,
    view,
)


def conflicts_of(session, status: str = "open") -> list[dict]:
    r = session.get("/api/v1/conflicts", query_string={"status": status})
    assert r.status_code == 200, r.get_json()
    return r.get_json()


# --- R1: a replay answers with the first answer itself ------------------------------------------


def test_a_refusal_whose_answer_was_lost_is_replayed_as_the_same_refusal(world, login):
    grid = login("grid_a")
    forged = step(world.clues["clue_a"], "accept")  # a grid worker may not accept

    first = push_one(grid, forged)
    again = push_one(grid, forged)  # the answer was lost: the phone sends it again

    assert (first["outcome"], first["reason"]) == ("rejected", "forbidden")
    assert (again["outcome"], again["reason"], again["replay"]) == ("rejected", "forbidden", True)


def test_the_same_mutation_id_with_other_content_is_refused_and_its_content_kept(app, world, login):
    grid, dispatcher = login("grid_a"), login("dispatcher_a")
    create = new_clue()
    push_one(grid, create)
    tampered = {**create, "payload": {**create["payload"], "description": "另一件事"}}

    result = push_one(grid, tampered)

    assert (result["outcome"], result["reason"]) == ("rejected", "mutation_mismatch")
    assert "replay" not in result
    [kept] = result["conflicts"]
    assert (kept["field"], kept["reason"]) == ("*", "mutation_mismatch")
    assert kept["device_value"]["payload"]["description"] == "另一件事"
    assert clue_row(app, create["record_id"])["description"] == create["payload"]["description"]
    # The command room sees what the phone sent, to re-record it by hand if it was meant.
    assert kept["id"] in {c["id"] for c in conflicts_of(dispatcher)}


def test_a_known_id_with_other_content_keeps_the_devices_content_in_a_conflict(world, login):
    grid, dispatcher = login("grid_a"), login("dispatcher_a")
    create = new_clue()
    push_one(grid, create)
    other = {
        **create,
        "id": str(uuid.uuid4()),
        "payload": {**create["payload"], "description": "另一件事"},
    }

    result = push_one(grid, other)

    assert (result["outcome"], result["reason"]) == ("conflict", "id_conflict")
    [kept] = result["conflicts"]
    assert kept["device_value"]["payload"]["description"] == "另一件事"
    assert kept["id"] in {c["id"] for c in conflicts_of(dispatcher)}


# --- R4: a side is a device, not a person -------------------------------------------------------


def test_one_person_editing_one_field_on_two_devices_from_one_base_opens_a_conflict(
    app, world, login
):
    phone, desk = login("grid_a"), login("grid_a")  # two devices, one person
    create = new_clue()
    push_one(phone, create)
    clue_id = create["record_id"]

    first = push_one(phone, edit(clue_id, 1, description="火势变大"))
    second = push_one(desk, edit(clue_id, 1, description="火已扑灭"))

    assert first["outcome"] == "applied"
    assert (second["outcome"], second["reason"]) == ("conflict", "concurrent_edit")
    [kept] = second["conflicts"]
    assert (kept["server_value"], kept["device_value"]) == ("火势变大", "火已扑灭")
    assert clue_row(app, clue_id)["description"] == "火势变大"
    # The same device editing again from its old base replaces its own value (no conflict).
    assert push_one(phone, edit(clue_id, 1, description="火势很大"))["outcome"] == "merged"


# --- R3: a child before its parent; an author whose rights changed -------------------------------


def test_a_note_that_arrives_before_its_clue_waits_and_is_applied_when_the_clue_comes(
    app, world, login
):
    grid, dispatcher = login("grid_a"), login("dispatcher_a")
    create = new_clue()
    early = note(create["record_id"], "先到的记录")

    waiting = push_one(grid, early)
    [clue, replayed] = push(grid, create, early)

    assert (waiting["outcome"], waiting["reason"]) == ("waiting", "waiting_parent")
    assert clue["outcome"] == "applied"
    # Its final answer, once the parent came: a replay tells the phone it is in.
    assert (replayed["outcome"], replayed["replay"]) == ("applied", True)
    kept = pulled(dispatcher, "clue_note", early["record_id"])["data"]
    assert (kept["text"], kept["clue_id"]) == ("先到的记录", create["record_id"])


def test_a_note_before_its_clue_in_one_batch_is_applied_after_it(world, login):
    grid = login("grid_a")
    create = new_clue()
    early = note(create["record_id"], "同批先到")

    [child, parent] = push(grid, early, create)

    assert (parent["outcome"], child["outcome"]) == ("applied", "applied")
    assert pulled(grid, "clue_note", early["record_id"])["data"]["text"] == "同批先到"


def test_notes_queued_before_a_grid_worker_was_moved_are_kept_for_the_supervisor(app, world, login):
    clue_a = world.clues["clue_a"]
    grid2, dispatcher = login("grid2_a"), login("dispatcher_a")
    assert push_one(grid2, note(clue_a, "第一次巡查"))["outcome"] == "applied"
    queued = note(clue_a, "离线时记下的第二条")  # recorded offline, while clue_a was his
    admin = login("admin_county")
    r = admin.patch(f"/api/v1/users/{world.users['grid2_a']}", json={"unit_code": GRID_B})
    assert r.status_code == 200, r.get_json()

    result = push_one(grid2, queued)

    assert (result["outcome"], result["reason"]) == ("conflict", "rights_changed")
    [kept] = result["conflicts"]
    assert kept["device_value"]["payload"]["text"] == "离线时记下的第二条"
    # Kept where clue_a's supervisors see it, and nothing of clue_a is shown to him.
    assert kept["id"] in {c["id"] for c in conflicts_of(dispatcher)}
    assert "version" not in result
    assert count(app, SyncConflict, SyncConflict.reason == "rights_changed") == 1


def test_a_stranger_naming_a_foreign_clue_as_parent_still_learns_nothing(app, world, login):
    grid_b = login("grid_b")
    result = push_one(grid_b, note(world.clues["clue_a"], "猜一个编号"))
    assert (result["outcome"], result["reason"]) == ("waiting", "waiting_parent")
    assert count(app, SyncConflict) == 0
    assert set(result) == {"mutation_id", "outcome", "record_type", "record_id", "reason"}


def test_an_evidence_record_before_its_clue_waits_too(world, login):
    grid = login("grid_a")
    create = new_clue()
    photo = mutation(
        "evidence",
        uuid.uuid4(),
        "create",
        {
            "kind": "photo",
            "original": {"sha256": "a" * 64, "size": 1000, "media_type": "image/jpeg"},
            "captured_at": create["device_time"],
        },
        parent_id=create["record_id"],
    )
    assert push_one(grid, photo)["outcome"] == "waiting"
    assert push_one(grid, create)["outcome"] == "applied"
    assert pulled(grid, "evidence", photo["record_id"]) is not None


# --- R11: a record that enters a view brings its history ----------------------------------------


def test_a_clue_transferred_to_a_department_arrives_there_with_its_notes(world, login):
    grid, dispatcher, department = login("grid_a"), login("dispatcher_a"), login("department")
    create = new_clue(matter_code="ZR-001")  # a matter township A was not empowered for
    push_one(grid, create)
    old_note = note(create["record_id"], "现场已拍照")
    push_one(grid, old_note)
    cursor = pull_all(department)["cursor"]  # the department's phone is up to date

    transfer = step(create["record_id"], "transfer")
    assert push_one(dispatcher, transfer)["outcome"] == "applied"
    changes = view(pull_all(department, cursor)["changes"])

    assert ("clue", create["record_id"]) in changes
    assert changes[("clue_note", old_note["record_id"])]["data"]["text"] == "现场已拍照"
