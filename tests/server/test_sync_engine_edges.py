"""The edges of sync that lost or hid records (issue 19), through HTTP, on SQLite and
PostgreSQL, beyond the scenarios both stores run (``tests/scenarios.py``): a photo record
before its clue (R3), and a record that enters a department's view with its history (R11)."""

from __future__ import annotations

import uuid

from tests.server.sync_kit import (
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


def test_a_note_added_after_its_clue_was_withdrawn_stays_visible_flagged_late(world, login):
    grid, dispatcher = login("grid_a"), login("dispatcher_a")
    made = new_clue()
    before = note(made["record_id"], "撤回前的记录")
    push(grid, made, before, step(made["record_id"], "withdraw"))
    after = note(made["record_id"], "撤回后才送达的记录")  # recorded offline, arrived later

    assert push_one(grid, after)["flags"] == ["late"]
    changes = view(pull_all(dispatcher)["changes"])

    assert changes[("clue_note", before["record_id"])]["deleted"] is True  # R10
    kept = changes[("clue_note", after["record_id"])]
    assert kept["deleted"] is False and kept["data"]["late"] is True  # R3


# --- R11: a record that leaves a view goes with its history -------------------------------------


def _transferred(grid, dispatcher, department):
    """A clue with a note, transferred to the land department, whose phone is up to date."""
    create = new_clue(matter_code="ZR-001")  # a matter township A was not empowered for
    push_one(grid, create)
    old_note = note(create["record_id"], "现场已拍照")
    push_one(grid, old_note)
    assert push_one(dispatcher, step(create["record_id"], "transfer"))["outcome"] == "applied"
    cursor = pull_all(department)["cursor"]
    return create["record_id"], old_note["record_id"], cursor


def test_a_recalled_transfer_leaves_the_departments_phones_with_its_children(world, login):
    grid, dispatcher, department = login("grid_a"), login("dispatcher_a"), login("department")
    clue_id, note_id, cursor = _transferred(grid, dispatcher, department)
    assert pulled(department, "clue_note", note_id) is not None

    recall = step(clue_id, "recall_transfer", reason="移送有误，镇里自行处理")
    assert push_one(dispatcher, recall)["outcome"] == "applied"
    changes = view(pull_all(department, cursor)["changes"])

    assert changes[("clue", clue_id)]["deleted"] is True
    assert changes[("clue_note", note_id)]["deleted"] is True
    assert changes[("clue", clue_id)]["data"] is None  # nothing of it is sent any more
    # The township keeps it, with its note, as it was.
    kept = view(pull_all(dispatcher)["changes"])
    assert kept[("clue", clue_id)]["deleted"] is False
    assert kept[("clue_note", note_id)]["deleted"] is False


def test_a_departure_is_sent_only_to_those_who_lost_the_record(world, login):
    grid, dispatcher, department = login("grid_a"), login("dispatcher_a"), login("department")
    clue_id, _, _ = _transferred(grid, dispatcher, department)
    _transferred(grid, dispatcher, department)  # another, which stays with the department
    grid_cursor = pull_all(grid)["cursor"]
    push_one(dispatcher, step(clue_id, "recall_transfer", reason="移送有误"))

    # The reporter still sees it: he gets its new state, never a tombstone.
    mine = view(pull_all(grid, grid_cursor)["changes"])
    assert mine[("clue", clue_id)]["deleted"] is False
    # A phone that never held it learns nothing of it: a cold pull has no departure, on
    # none of its pages.
    assert ("clue", clue_id) not in view(pull_all(department)["changes"])
    assert not any(c["deleted"] for c in pull_all(department, limit=1)["changes"])


def test_a_clue_transferred_again_after_a_recall_comes_back_whole(world, login):
    grid, dispatcher, department = login("grid_a"), login("dispatcher_a"), login("department")
    clue_id, note_id, cursor = _transferred(grid, dispatcher, department)
    push_one(dispatcher, step(clue_id, "recall_transfer", reason="再核实"))
    push_one(dispatcher, step(clue_id, "transfer"))

    changes = view(pull_all(department, cursor)["changes"])

    assert changes[("clue", clue_id)]["deleted"] is False
    assert changes[("clue_note", note_id)]["deleted"] is False
