"""Issue 24: a clue reported with a written address and no coordinates (sync.place), kept,
flagged address-only, pulled and shown without a place on the map; a report with neither is
refused naming the fields, and the desk may set its place later. On SQLite and PostgreSQL."""

from __future__ import annotations

import uuid

from server.clues.models import Clue
from server.core.db import db
from tests.server.sync_kit import (
    QUIET,
    applied,
    audit_of,
    count,
    edit,
    location,
    new_clue,
    pulled,
    push,
    push_one,
)
from tests.server.world import clue_payload

ADDRESS = "大柘村文化礼堂东侧五十米"
GRID_A = "331123102201001"  # 大柘村一网格: grid_a's own (tests/server/world.py)


def address_only(address: str = ADDRESS) -> dict:
    return new_clue(at=None, location=None, address=address)


def test_an_address_only_report_is_kept_flagged_in_the_reporters_grid_and_pulled(app, world, login):
    grid, dispatcher = login("grid_a"), login("dispatcher_a")
    m = address_only()

    [result] = applied(push(grid, m))

    assert "unit_from_reporter" in result["flags"]
    for session in (grid, dispatcher):
        data = pulled(session, "clue", m["record_id"])["data"]
        assert data["location"] is None
        assert data["location_source"] == "address"
        assert data["address"] == ADDRESS
        assert data["unit_code"] == GRID_A
    shown = dispatcher.get(f"/api/v1/clues/{m['record_id']}").get_json()
    assert shown["location"] is None and shown["location_source"] == "address"


def test_reports_with_coordinates_are_gps_or_map_as_the_phone_says(app, world, login):
    grid = login("grid_a")
    gps, picked = new_clue(), new_clue(location_source="map")
    applied(push(grid, gps, picked))
    assert pulled(grid, "clue", gps["record_id"])["data"]["location_source"] == "gps"
    assert pulled(grid, "clue", picked["record_id"])["data"]["location_source"] == "map"


def test_a_report_with_neither_coordinates_nor_an_address_is_refused_naming_both(app, world, login):
    grid = login("grid_a")
    before = count(app, Clue)
    for address in ("", "村口", "  村口  "):
        result = push_one(grid, new_clue(at=None, location=None, address=address))
        assert result["outcome"] == "rejected"
        assert set(result["fields"]) == {"location", "address"}

        body = clue_payload(location=None, address=address)
        r = grid.post("/api/v1/clues", json=body)
        assert r.status_code == 422, r.get_json()
        assert set(r.get_json()["fields"]) == {"location", "address"}
    assert count(app, Clue) == before


def test_an_address_only_report_is_accepted_over_the_report_endpoint_too(app, world, login):
    grid = login("grid_a")
    body = clue_payload(location=None, address=f"  {ADDRESS}\t")
    r = grid.post("/api/v1/clues", json=body)
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["location"] is None
    assert r.get_json()["location_source"] == "address"
    assert r.get_json()["address"] == ADDRESS


def test_an_address_with_a_bidirectional_control_is_refused_naming_the_address(app, world, login):
    grid = login("grid_a")
    result = push_one(grid, address_only(address="大柘村\u202e文化礼堂东侧"))
    assert result["outcome"] == "rejected"
    assert set(result["fields"]) == {"address"}


def test_an_address_only_report_is_never_linked_as_a_possible_duplicate(app, world, login):
    grid, grid2 = login("grid_a"), login("grid2_a")
    applied(push(grid, new_clue(at=QUIET)))
    [result] = applied(push(grid2, address_only()))
    assert "possible_duplicate" not in result["flags"]
    [near] = applied(push(grid2, new_clue(at=QUIET)))
    assert "possible_duplicate" in near["flags"]  # linked to the first, not to the address


def test_the_desk_sets_the_place_of_an_address_only_report_and_the_audit_names_who(
    app, world, login
):
    grid, dispatcher = login("grid_a"), login("dispatcher_a")
    m = address_only()
    applied(push(grid, m))

    applied(push(dispatcher, edit(m["record_id"], 1, location=location(*QUIET))))

    data = pulled(grid, "clue", m["record_id"])["data"]
    assert data["location_source"] == "map"
    assert data["location"]["lat"] == QUIET[0]
    with app.app_context():
        assert db.session.get(Clue, uuid.UUID(m["record_id"])).geo_cell is not None
    changes = [
        e
        for e in audit_of(app, "clue", m["record_id"])
        if e["actor_id"] == world.users["dispatcher_a"]
    ]
    assert changes, audit_of(app, "clue", m["record_id"])


def test_the_desk_does_not_move_a_place_the_phone_gave(app, world, login):
    grid, dispatcher = login("grid_a"), login("dispatcher_a")
    m = new_clue()
    applied(push(grid, m))
    result = push_one(dispatcher, edit(m["record_id"], 1, location=location(28.7, 119.3)))
    assert result["outcome"] == "rejected"
    assert set(result["fields"]) == {"location"}
