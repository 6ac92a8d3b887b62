"""Refused mutations are rate limited per device: a phone (or a script with its token) that
pushes refusals by the thousand is stopped with 429, while another device of the same user
and ordinary pushes go on."""

from __future__ import annotations

import pytest

from tests.server.sync_kit import PUSH, new_clue, step


@pytest.fixture
def app(make_app):
    return make_app(PUSH_REFUSED_RATE_LIMIT="10 per minute")


def test_a_device_pushing_refusals_is_stopped_and_others_are_not(world, login):
    dispatcher = login("dispatcher_b")
    clue_a = world.clues["clue_a"]  # another township's: every step on it is refused
    flood = {"mutations": [step(clue_a, "accept", 1) for _ in range(10)]}

    assert dispatcher.post(PUSH, json=flood).status_code == 200
    r = dispatcher.post(PUSH, json={"mutations": [step(clue_a, "accept", 1)]})

    assert r.status_code == 429
    assert "Retry-After" in r.headers
    # His other phone, and his colleagues, push as before.
    other = login("dispatcher_b")
    assert other.post(PUSH, json={"mutations": [new_clue()]}).status_code == 200


def test_applied_mutations_do_not_count_against_the_limit(world, login):
    grid = login("grid_a")
    for _ in range(4):
        batch = {"mutations": [new_clue() for _ in range(5)]}
        r = grid.post(PUSH, json=batch)
        assert r.status_code == 200
        assert {x["outcome"] for x in r.get_json()["results"]} == {"applied"}
