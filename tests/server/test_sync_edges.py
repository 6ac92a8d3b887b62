"""Edges of push and pull found while building them: tombstones reaching a withdrawn
clue's notes, first pulls that were empty, control characters, and giant page numbers."""

from __future__ import annotations

import json

from server.documents import DOCUMENTS
from sync.documents import SPEC, compose
from tests.server.document_cases_kit import sample
from tests.server.sync_kit import (
    edit,
    new_clue,
    note,
    pull_all,
    pulled,
    push,
    push_one,
    resolve,
    step,
    view,
)


def test_withdrawing_a_clue_sends_tombstones_for_its_notes_too(world, login):
    grid, dispatcher = login("grid_a"), login("dispatcher_a")
    created = push_one(grid, new_clue())
    clue_id = created["record_id"]
    [written] = push(grid, note(clue_id, "补充：现场有三处焚烧点"))
    first = pull_all(dispatcher)
    assert view(first["changes"])["clue_note", written["record_id"]]["deleted"] is False

    assert push_one(grid, step(clue_id, "withdraw"))["outcome"] == "applied"

    later = view(pull_all(dispatcher, first["cursor"])["changes"])
    assert later["clue", clue_id]["deleted"] is True
    assert later["clue_note", written["record_id"]]["deleted"] is True
    assert later["clue_note", written["record_id"]]["data"] is None


def test_an_empty_first_pull_does_not_make_every_later_pull_a_reset(world, login):
    department = login("department")  # sees no clue at all
    first = pull_all(department)
    assert first["changes"] == [] and first["pages"][0]["reset"] is False

    again = pull_all(department, first["cursor"])
    assert again["pages"][0]["reset"] is False


def test_a_nul_in_a_matter_code_is_refused_naming_the_field_not_a_crash(world, login):
    grid = login("grid_a")
    bad = new_clue(matter_code="SR-\x00001")
    result = push_one(grid, bad)
    assert (result["outcome"], result["reason"]) == ("rejected", "invalid")
    assert "matter_code" in result["fields"]

    r = grid.post("/api/v1/clues", json={**bad["payload"], "id": bad["record_id"]})
    assert r.status_code == 422
    assert "matter_code" in r.get_json()["fields"]


def test_a_control_character_in_a_clue_filter_is_a_422(world, login):
    r = login("dispatcher_a").get("/api/v1/clues?unit_code=33%00")
    assert r.status_code == 422
    assert "unit_code" in r.get_json()["fields"]


def test_a_page_far_beyond_any_list_is_refused_not_sent_to_the_database(world, login):
    r = login("dispatcher_a").get("/api/v1/clues?page=999999999999&page_size=100")
    assert r.status_code == 422
    assert "page" in r.get_json()["fields"]


def test_open_conflicts_are_listed_with_both_values_and_who_made_each(world, login):
    grid, dispatcher, other = login("grid_a"), login("dispatcher_a"), login("dispatcher_b")
    clue_id = push_one(grid, new_clue())["record_id"]
    # The command room reclassifies while the reporter, offline, picks another matter.
    assert push_one(dispatcher, edit(clue_id, 1, matter_code="CG-001"))["outcome"] == "applied"
    clash = push_one(grid, edit(clue_id, 1, matter_code="ZR-001"))
    assert clash["outcome"] == "conflict"

    [listed] = dispatcher.get("/api/v1/conflicts").get_json()
    assert listed["id"] == clash["conflicts"][0]["id"]
    assert (listed["field"], listed["reason"]) == ("matter_code", "concurrent_edit")
    assert (listed["server_value"], listed["server_by_name"]) == ("CG-001", "dispatcher_a")
    assert (listed["device_value"], listed["device_by_name"]) == ("ZR-001", "grid_a")
    assert [c["id"] for c in grid.get("/api/v1/conflicts").get_json()] == [listed["id"]]
    assert other.get("/api/v1/conflicts").get_json() == []

    resolved = push_one(dispatcher, resolve(listed["id"], "device"))
    assert resolved["outcome"] == "applied"
    assert dispatcher.get("/api/v1/conflicts").get_json() == []
    [done] = dispatcher.get("/api/v1/conflicts?status=resolved").get_json()
    assert (done["kept"], done["resolved_by"]) == ("device", world.users["dispatcher_a"])
    assert pulled(grid, "clue", clue_id)["data"]["matter_code"] == "ZR-001"


def test_the_workflow_is_revalidated_by_its_version_for_a_few_bytes(client):
    first = client.get("/api/v1/workflow")
    version = first.get_json()["version"]
    assert first.headers["ETag"] == f'"{version}"'
    assert first.headers["Cache-Control"] == "no-cache"
    again = client.get("/api/v1/workflow", headers={"If-None-Match": f'"{version}"'})
    assert again.status_code == 304 and again.data == b""
    stale = client.get("/api/v1/workflow", headers={"If-None-Match": '"an-old-version"'})
    assert stale.status_code == 200 and stale.get_json()["version"] == version


def test_the_workflow_carries_the_documents_wording_for_the_phone_offline(client):
    """The phone composes a document offline from the declarations the workflow carries
    (pwa/src/documents.js): the same as the server's, and its version changes with them."""
    exported = client.get("/api/v1/workflow").get_json()
    assert exported["documents"] == json.loads(json.dumps(SPEC))
    assert set(exported["documents"]["kinds"]) == set(DOCUMENTS)
    data = json.loads(json.dumps({**sample("transfer_letter"), "generated_at": "2026-03-14"}))
    assert compose("transfer_letter", data, exported["documents"]) == compose(
        "transfer_letter", data
    )
