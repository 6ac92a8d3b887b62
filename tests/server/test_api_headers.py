"""What every API answer tells browsers and caches, and the links the server hands out."""

from __future__ import annotations

import uuid

import pytest

from tests.conftest import Session
from tests.server.evidence_kit import phone_photo, record_evidence, start_upload
from tests.server.world import PASSWORD, build_world

PERSONAL = [
    "/api/v1/me",
    "/api/v1/users",
    "/api/v1/clues",
    "/api/v1/clues/{clue}",
    "/api/v1/clues/{clue}/timeline",
    "/api/v1/sync/pull",
    "/api/v1/conflicts",
]


@pytest.mark.parametrize("path", PERSONAL)
def test_answers_with_personal_data_are_never_stored_nor_sniffed(world, login, path):
    leader = login("leader_a")

    r = leader.get(path.format(clue=world.clues["clue_a"]))

    assert r.status_code == 200, r.get_json()
    assert r.headers["Cache-Control"] == "no-store"
    assert r.headers["X-Content-Type-Options"] == "nosniff"


def test_errors_are_never_stored_nor_sniffed_either(client, world):
    r = client.get("/api/v1/me")

    assert r.status_code == 401
    assert r.headers["Cache-Control"] == "no-store"
    assert r.headers["X-Content-Type-Options"] == "nosniff"


def test_a_route_that_says_how_it_is_cached_keeps_its_word(client, world):
    r = client.get("/api/v1/workflow")  # the same for everyone: revalidated, not refetched
    assert r.headers["Cache-Control"] == "no-cache"
    assert r.headers["X-Content-Type-Options"] == "nosniff"


# --- the tus upload's Location ------------------------------------------------------------------

EVIL = {"Host": "evil.example", "X-Forwarded-Host": "evil.example"}


def _logged_in(app, username: str) -> Session:
    client = app.test_client()
    device_id = str(uuid.uuid4())
    r = client.post(
        "/api/v1/auth/login",
        json={"username": username, "password": PASSWORD, "device_id": device_id},
    )
    assert r.status_code == 200, r.get_json()
    return Session(client, r.get_json()["access_token"], r.get_json()["refresh_token"], device_id)


@pytest.mark.parametrize("origin", ["", "https://fieldcase.example.gov.cn"])
def test_the_upload_location_is_the_public_origin_never_the_clients_host(make_app, origin):
    # Behind a trusted proxy X-Forwarded-Host was believed, and without one Host: a client
    # could make the server hand a phone an upload URL on another machine.
    app = make_app(TRUSTED_PROXIES=1, PUBLIC_ORIGIN=origin)
    with app.app_context():
        world = build_world()
    grid = _logged_in(app, "grid_a")
    photo = phone_photo()
    evidence_id = record_evidence(grid, world.clues["clue_a"], photo)

    created = start_upload(grid, evidence_id, photo, **EVIL)

    assert created.status_code == 201, created.get_json()
    location = created.headers["Location"]
    assert "evil" not in location
    assert location.startswith(origin + "/api/v1/uploads/"), location
