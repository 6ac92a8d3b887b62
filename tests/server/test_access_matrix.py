"""Every API endpoint × every role × own / foreign township × anonymous.

The table below is written by hand and checked against the app's own route list, so a new
endpoint fails this test until someone writes down who may call it. For each record
endpoint it says which of the world's users can see the township-A record (everyone else,
and every township-B user for the township-B record, gets 404: a record outside one's
jurisdiction is never confirmed to exist), and which roles the endpoint needs (a wrong role
gets 403 before any lookup, so 403 tells nothing about the record either).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

import pytest
import sqlalchemy as sa

from server.catalogue.models import Empowerment, Matter
from server.core.db import db
from tests.server.world import clue_payload

PUBLIC = {
    ("POST", "/api/v1/auth/login"),
    ("POST", "/api/v1/auth/refresh"),
    ("GET", "/api/v1/health"),
    ("GET", "/api/v1/openapi.json"),
    ("GET", "/api/v1/workflow"),
}

# Who sees the township-A record of each kind (users of the world, tests/server/world.py).
STAFF_A = {"officer_a", "dispatcher_a", "reviewer_a", "leader_a", "admin_a"}
COUNTY = {"dispatcher_county", "admin_county"}
SEES_CLUE_A = {"grid_a", "grid2_a"} | STAFF_A | COUNTY  # grid_a reported it; grid2_a: same grid
SEES_USER_OFFICER_A = STAFF_A | COUNTY  # staff see their subtree's people; others only themselves
SEES_TOWNSHIP_A = STAFF_A | COUNTY | {"department"}  # his unit's subtree: county users included
SEES_DEVICE_OF_GRID_A = {"grid_a", "admin_a", "admin_county"}  # his own; admins of his subtree

EVERYONE = sorted(
    [
        f"{r}_{t}"
        for r in ("grid", "grid2", "officer", "dispatcher", "reviewer", "leader", "admin")
        for t in ("a", "b")
    ]
    + ["dispatcher_county", "admin_county", "department"]
)
ADMINS = {"admin_a", "admin_b", "admin_county"}
REPORTERS = {
    u for u in EVERYONE if u.split("_")[0] in ("grid", "grid2", "officer", "dispatcher", "leader")
}


@dataclass(frozen=True)
class Record:
    """An endpoint that names one record: ``own``/``foreign`` build its path for the
    township-A and township-B record; ``sees`` is who may reach the township-A one."""

    kind: str
    sees: set[str]
    roles: set[str] | None = None  # users who pass the role check; None: everyone
    ok: tuple[int, ...] = (200,)
    body: dict | None = None


@dataclass(frozen=True)
class Anyone:
    """An endpoint with no record in its path: every logged-in user gets ``ok``, except
    those outside ``roles`` (403)."""

    roles: set[str] | None = None
    ok: tuple[int, ...] = (200,)
    body: dict | None = field(default=None)
    exceptions: dict[str, tuple[int, ...]] = field(default_factory=dict)


EXPECTED: dict[tuple[str, str], Record | Anyone | str] = {
    **{route: "public" for route in PUBLIC},
    ("POST", "/api/v1/auth/logout"): Anyone(ok=(204,), body={"refresh_token": "x" * 20}),
    ("GET", "/api/v1/me"): Anyone(),
    ("GET", "/api/v1/users"): Anyone(),
    ("POST", "/api/v1/users"): Anyone(roles=ADMINS, ok=(422,), body={}),
    ("GET", "/api/v1/users/<int:user_id>"): Record("user", SEES_USER_OFFICER_A),
    ("PATCH", "/api/v1/users/<int:user_id>"): Record(
        "user", SEES_USER_OFFICER_A, roles=ADMINS, body={"display_name": "改名"}
    ),
    ("GET", "/api/v1/devices"): Anyone(),
    ("POST", "/api/v1/devices/<uuid:device_id>/revoke"): Record("device", SEES_DEVICE_OF_GRID_A),
    ("GET", "/api/v1/units"): Anyone(),
    ("GET", "/api/v1/units/<code:code>"): Record("unit", SEES_TOWNSHIP_A),
    ("GET", "/api/v1/departments"): Anyone(),
    ("GET", "/api/v1/matters"): Anyone(),
    ("GET", "/api/v1/units/<code:code>/empowerments"): Record("unit", SEES_TOWNSHIP_A),
    ("POST", "/api/v1/units/<code:code>/empowerments"): Record(
        "unit", SEES_TOWNSHIP_A, roles=ADMINS, ok=(201,), body={"matter_code": "ZR-001"}
    ),
    ("DELETE", "/api/v1/units/<code:code>/empowerments/<code:matter_code>"): Record(
        "empowerment", SEES_TOWNSHIP_A, roles=ADMINS
    ),
    ("GET", "/api/v1/clues"): Anyone(),
    # A county dispatcher must say in which township it happened (his unit is the county).
    ("POST", "/api/v1/clues"): Anyone(
        roles=REPORTERS, ok=(201,), body={}, exceptions={"dispatcher_county": (422,)}
    ),
    ("GET", "/api/v1/clues/<uuid:clue_id>"): Record("clue", SEES_CLUE_A),
    ("POST", "/api/v1/sync/push"): Anyone(ok=(200,), body={"mutations": [{}]}),
    ("GET", "/api/v1/sync/pull"): Anyone(),
    ("GET", "/api/v1/conflicts"): Anyone(),
}


@pytest.fixture
def app(make_app):
    # Twenty people log in here from one test client: lift the per-address login limit.
    return make_app(LOGIN_RATE_LIMIT="1000 per minute")


def api_routes(app) -> set[tuple[str, str]]:
    return {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def test_every_api_route_has_a_written_down_expectation_and_no_expectation_is_stale(app):
    routes = api_routes(app)
    assert routes - set(EXPECTED) == set(), "new endpoints: say who may call them"
    assert set(EXPECTED) - routes == set(), "endpoints gone: remove them from the table"


def _fill(rule: str, values: dict[str, str]) -> str:
    path = rule
    for name, value in values.items():
        for converter in ("", "int:", "uuid:", "code:"):
            path = path.replace(f"<{converter}{name}>", value)
    return path


def _dummy_path(rule: str) -> str:
    return _fill(
        rule,
        {
            "user_id": "1",
            "device_id": str(uuid.uuid4()),
            "clue_id": str(uuid.uuid4()),
            "code": "331123102",
            "matter_code": "SR-001",
        },
    )


def test_anonymous_callers_get_401_everywhere_but_the_public_endpoints(app, client):
    for method, rule in sorted(api_routes(app)):
        response = client.open(_dummy_path(rule), method=method, json={})
        if (method, rule) in PUBLIC:
            assert response.status_code != 401, (method, rule)
        else:
            assert response.status_code == 401, (method, rule, response.status_code)
            assert response.get_json()["error"] == "unauthorized"


@pytest.fixture
def targets(app, world, login):
    """The township-A and township-B record of each kind, as path values."""
    devices = {t: login(f"grid_{t}").device_id for t in ("a", "b")}
    return {
        "user": {t: {"user_id": str(world.users[f"officer_{t}"])} for t in ("a", "b")},
        "device": {t: {"device_id": devices[t]} for t in ("a", "b")},
        "unit": {t: {"code": world.units[f"town_{t}"].code} for t in ("a", "b")},
        "empowerment": {
            t: {"code": world.units[f"town_{t}"].code, "matter_code": "CG-001"} for t in "ab"
        },
        "clue": {t: {"clue_id": str(world.clues[f"clue_{t}"])} for t in ("a", "b")},
    }


def _reset_empowerments(app, world) -> None:
    """Before each cell: both townships empowered for CG-001 and not for ZR-001."""
    with app.app_context():
        db.session.execute(sa.delete(Empowerment))
        cg = db.session.execute(sa.select(Matter.id).where(Matter.code == "CG-001")).scalar()
        for t in ("a", "b"):
            db.session.add(Empowerment(unit_id=world.units[f"town_{t}"].id, matter_id=cg))
        db.session.commit()


def _body(spec, rule: str) -> dict | None:
    if rule == "/api/v1/clues" and spec.body == {}:
        return {**clue_payload(), "id": str(uuid.uuid4())}
    return spec.body


def _expected(spec, user: str, township: str) -> tuple[int, ...]:
    if spec.roles is not None and user not in spec.roles:
        return (403,)
    if isinstance(spec, Anyone):
        return spec.exceptions.get(user, spec.ok)
    # The township-B record is seen by the mirror image of the township-A audience.
    sees = (
        spec.sees
        if township == "a"
        else {u.replace("_a", "_b") if u.endswith("_a") else u for u in spec.sees}
    )
    return spec.ok if user in sees else (404,)


def test_each_role_reaches_its_own_township_and_never_learns_of_the_other(
    app, world, login, targets
):
    sessions = {user: login(user) for user in EVERYONE}
    mismatches = []
    for (method, rule), spec in sorted(EXPECTED.items()):
        if spec == "public" or (method, rule) == ("POST", "/api/v1/auth/logout"):
            continue
        cases = (
            [
                ("a", {}),
            ]
            if isinstance(spec, Anyone)
            else [(t, targets[spec.kind][t]) for t in ("a", "b")]
        )
        for user in EVERYONE:
            for township, values in cases:
                _reset_empowerments(app, world)
                path = _fill(rule, values)
                response = sessions[user].client.open(
                    path,
                    method=method,
                    json=_body(spec, rule),
                    headers={"Authorization": f"Bearer {sessions[user].token}"},
                )
                want = _expected(spec, user, township)
                if response.status_code not in want:
                    mismatches.append((method, rule, user, township, response.status_code, want))
    assert mismatches == []


def test_lists_never_carry_the_other_townships_records(world, login):
    town_b = world.units["town_b"].path
    for user in ("grid_a", "officer_a", "dispatcher_a", "admin_a", "leader_a"):
        session = login(user)
        for path in ("/api/v1/clues", "/api/v1/users", "/api/v1/units"):
            for item in session.get(path).get_json():
                unit = item.get("unit") or item
                assert not str(unit.get("path", "")).startswith(town_b), (user, path, item)
                assert item.get("id") != str(world.clues["clue_b"])
        changes = session.get("/api/v1/sync/pull").get_json()["changes"]
        assert str(world.clues["clue_b"]) not in {c["id"] for c in changes}
    assert login("department").get("/api/v1/clues").get_json() == []
