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
