"""A clue's place (sync.place): coordinates, a written address, or both; never neither."""

from __future__ import annotations

import pytest

from sync import place
from sync.types import Flag
from sync.values import Invalid
from sync.workflow import WORKFLOW
from tests.sync.kit import D1, W1, Server, create, edit, location

PLACE = WORKFLOW["clue"]["place"]


def push_one(server: Server, who, mutation) -> dict:
    (result,) = server.push(who, [mutation])
    return result


def reported(server: Server, **payload):
    m = create(**payload)
    assert push_one(server, W1, m)["outcome"] == "applied"
    return m.record_id


def clue(server: Server, clue_id):
    return server.records[("clue", clue_id)]


@pytest.fixture
def server() -> Server:
    return Server()


def test_a_report_with_an_address_and_no_coordinates_is_kept_flagged_address():
    fields = place.settle_report(PLACE, {"location": None, "address": "大柘村文化礼堂东侧"})
    assert fields["location_source"] == "address"


def test_a_report_with_coordinates_is_gps_unless_the_device_says_it_was_picked_on_the_map():
    assert (
        place.settle_report(PLACE, {"location": location(), "address": ""})["location_source"]
        == "gps"
    )
    picked = {"location": location(), "address": "", "location_source": "map"}
    assert place.settle_report(PLACE, picked)["location_source"] == "map"


@pytest.mark.parametrize("address", [None, "", "村口"])
def test_a_report_with_neither_coordinates_nor_an_address_names_both_fields(address):
    with pytest.raises(Invalid) as raised:
        place.settle_report(PLACE, {"location": None, "address": address})
    assert set(raised.value.errors) == {"location", "address"}


def test_coordinates_cannot_be_called_address_only():
    with pytest.raises(Invalid) as raised:
        place.settle_report(
            PLACE, {"location": location(), "address": "", "location_source": "address"}
        )
    assert set(raised.value.errors) == {"location_source"}


def test_an_address_only_report_is_stored_in_the_reporters_grid_and_the_answer_says_so(server):
    m = create(location=None, address="  大柘村文化礼堂东侧  ")
    result = push_one(server, W1, m)
    assert result["outcome"] == "applied"
    assert Flag.UNIT_FROM_REPORTER.value in result.get("flags", [])
    state = clue(server, m.record_id)
    assert state.fields["location"] is None
    assert state.fields["location_source"] == "address"
    assert state.fields["address"] == "大柘村文化礼堂东侧"  # trimmed
    assert state.unit_path == W1.unit_path


def test_a_report_with_coordinates_is_not_said_to_be_in_the_reporters_grid(server):
    result = push_one(server, W1, create())
    assert result["outcome"] == "applied"
    assert Flag.UNIT_FROM_REPORTER.value not in result.get("flags", [])


@pytest.mark.parametrize("address", ["", "村口", "   村口   ", None])
def test_a_report_without_a_place_is_rejected_naming_the_fields_and_nothing_is_stored(
    server, address
):
    payload = {"location": None, "address": address}
    m = create(**payload)
    result = push_one(server, W1, m)
    assert result["outcome"] == "rejected"
    assert set(result["fields"]) == {"location", "address"}
    assert ("clue", m.record_id) not in server.records


def test_an_address_with_bidirectional_controls_or_too_long_is_refused(server):
    for bad in ("大柘村\u202e口东侧", "村" * 301):
        result = push_one(server, W1, create(location=None, address=bad))
        assert result["outcome"] == "rejected"
        assert set(result["fields"]) == {"address"}


def test_the_same_address_only_report_again_is_a_duplicate_not_a_conflict(server):
    m = create(location=None, address="大柘村文化礼堂东侧")
    assert push_one(server, W1, m)["outcome"] == "applied"
    assert (
        push_one(server, W1, create(m.record_id, location=None, address="大柘村文化礼堂东侧"))[
            "outcome"
        ]
        == "duplicate"
    )


def test_the_desk_sets_the_place_of_an_address_only_report_which_is_then_map(server):
    clue_id = reported(server, location=None, address="大柘村文化礼堂东侧")
    result = push_one(server, D1, edit(clue_id, 1, location=location()))
    assert result["outcome"] == "applied", result
    state = clue(server, clue_id)
    assert state.fields["location_source"] == "map"
    assert state.field_author("location") == D1.user_id


def test_the_desk_does_not_move_a_place_the_phone_gave(server):
    clue_id = reported(server)
    result = push_one(server, D1, edit(clue_id, 1, location=location(lat=28.6)))
    assert result["outcome"] == "rejected"
    assert set(result["fields"]) == {"location"}


def test_the_reporter_cannot_take_away_the_coordinates_of_a_report_without_an_address(server):
    clue_id = reported(server, address="")
    result = push_one(server, W1, edit(clue_id, 1, location=None))
    assert result["outcome"] == "rejected"
    assert set(result["fields"]) == {"location", "address"}


def test_the_reporter_taking_away_the_coordinates_leaves_an_address_only_report(server):
    clue_id = reported(server)
    assert push_one(server, W1, edit(clue_id, 1, location=None))["outcome"] == "applied"
    assert clue(server, clue_id).fields["location_source"] == "address"
