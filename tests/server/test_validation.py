"""Bad input gets a clear 4xx naming the field, and never reaches the database (DESIGN §5)."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
import sqlalchemy as sa

from server.accounts.models import User
from server.clues.models import Clue
from server.core.db import db
from tests.server.world import PASSWORD, build_world, clue_payload

CLUES = "/api/v1/clues"
USERS = "/api/v1/users"
LOGIN = "/api/v1/auth/login"
GRID_A = "331123102201001"  # 大柘村一网格, grid_a's own grid
GRID_B = "331123103201001"  # 石练村一网格, the other township's


# --- helpers -------------------------------------------------------------------------------


def clue_count(app) -> int:
    with app.app_context():
        return db.session.execute(sa.select(sa.func.count()).select_from(Clue)).scalar_one()


def user_count(app) -> int:
    with app.app_context():
        return db.session.execute(sa.select(sa.func.count()).select_from(User)).scalar_one()


def assert_names_only(response, status: int, path: tuple[str, ...], case: str = ""):
    """The answer has ``status`` and its "fields" names exactly the field at ``path``
    (nested fields nested: ("location", "lat") is fields["location"]["lat"])."""
    body = response.get_json()
    assert response.status_code == status, (case, body)
    assert body["error"], case
    assert body["message"], case
    node = body["fields"]
    for name in path:
        assert isinstance(node, dict), (case, body["fields"])
        assert set(node) == {name}, (case, body["fields"])
        node = node[name]
    assert node, (case, body["fields"])
    assert all(isinstance(p, str) and p for p in _leaves(node)), (case, node)


def _leaves(node):
    if isinstance(node, dict):
        for value in node.values():
            yield from _leaves(value)
    elif isinstance(node, list):
        for value in node:
            yield from _leaves(value)
    else:
        yield node


MISSING = object()  # an override that leaves the field out


def _now():
    return dt.datetime.now(dt.UTC).isoformat()


def _location(**overrides):
    location = {"lat": 28.59, "lng": 119.27, "accuracy_m": 8.0, "fix_time": _now(), **overrides}
    return {k: v for k, v in location.items() if v is not MISSING}


def _clue(**overrides):
    return {k: v for k, v in clue_payload(**overrides).items() if v is not MISSING}


@pytest.fixture
def grid(login):
    return login("grid_a")


@pytest.fixture
def admin(login):
    return login("admin_a")


def test_a_well_formed_clue_is_stored(app, grid):
    # The control for the refusals below: their payloads differ from this one in one field.
    before = clue_count(app)
    body = clue_payload()

    r = grid.post(CLUES, json=body)

    assert r.status_code == 201, r.get_json()
    assert r.get_json()["id"] == body["id"]
    assert clue_count(app) == before + 1


# --- clues: the body -----------------------------------------------------------------------


NOT_JSON = {
    "prose": "this is not json",
    "truncated": '{"id": ',
    "not utf-8": b"\xff\xfe\x00{",
    "python dict": "{'id': 'single quotes'}",
}


def test_a_clue_body_that_is_not_json_is_refused_with_400_naming_the_body(app, grid):
    before = clue_count(app)
    for case, data in NOT_JSON.items():
        r = grid.post(CLUES, data=data, content_type="application/json")

        assert r.status_code == 400, (case, r.get_json())
        assert set(r.get_json()["fields"]) == {"body"}, case
        assert r.get_json()["fields"]["body"], case
    assert clue_count(app) == before


def test_an_empty_body_names_the_required_fields(app, grid):
    before = clue_count(app)

    r = grid.post(CLUES, data="", content_type="application/json")

    assert r.status_code == 422
    assert {"id", "matter_code", "location", "dissuasion"} <= set(r.get_json()["fields"])
    assert clue_count(app) == before


def test_a_json_body_that_is_not_an_object_is_refused(app, grid):
    before = clue_count(app)

    r = grid.post(CLUES, json=[clue_payload()])

    assert r.status_code == 422
    assert r.get_json()["fields"]
    assert clue_count(app) == before


# case -> (payload overrides, path of the one field that must be named)
BAD_CLUES = {
    "lat is a string": ({"location": _location(lat="28.59N")}, ("location", "lat")),
    "lat above 90": ({"location": _location(lat=91)}, ("location", "lat")),
    "lat below -90": ({"location": _location(lat=-90.0001)}, ("location", "lat")),
    "lng above 180": ({"location": _location(lng=180.5)}, ("location", "lng")),
    "lat is null": ({"location": _location(lat=None)}, ("location", "lat")),
    "lng left out": ({"location": _location(lng=MISSING)}, ("location", "lng")),
    "accuracy negative": ({"location": _location(accuracy_m=-1)}, ("location", "accuracy_m")),
    "fix time without offset": (
        {"location": _location(fix_time="2026-05-01T10:00:00")},
        ("location", "fix_time"),
    ),
    "fix time not a time": (
        {"location": _location(fix_time="yesterday")},
        ("location", "fix_time"),
    ),
    "location not an object": ({"location": "28.59,119.27"}, ("location",)),
    "unknown field in location": (
        {"location": _location(altitude=300)},
        ("location", "altitude"),
    ),
    "id not a uuid": ({"id": "clue-1"}, ("id",)),
    "id is a number": ({"id": 42}, ("id",)),
    "matter code left out": ({"matter_code": MISSING}, ("matter_code",)),
    "matter code empty": ({"matter_code": ""}, ("matter_code",)),
    "description too long": ({"description": "焚" * 4001}, ("description",)),
    "dissuasion done without result": (
        {"dissuasion": {"done": True, "at": _now()}},
        ("dissuasion", "result"),
    ),
    "dissuasion done without time": (
        {"dissuasion": {"done": True, "result": "stopped"}},
        ("dissuasion", "at"),
    ),
    "dissuasion result unknown": (
        {"dissuasion": {"done": True, "result": "ran away", "at": _now()}},
        ("dissuasion", "result"),
    ),
    "dissuasion result without dissuasion": (
        {"dissuasion": {"done": False, "result": "stopped"}},
        ("dissuasion", "result"),
    ),
    "dissuasion done not a boolean": ({"dissuasion": {"done": "maybe"}}, ("dissuasion", "done")),
    "device time without offset": ({"device_time": "2026-05-01 10:00"}, ("device_time",)),
    "unknown extra field": ({"priority": "urgent"}, ("priority",)),
}


def test_a_clue_field_of_the_wrong_kind_is_named_and_nothing_is_stored(app, grid):
    before = clue_count(app)
    for case, (overrides, path) in BAD_CLUES.items():
        body = _clue(**overrides)

        r = grid.post(CLUES, json=body)

        assert_names_only(r, 422, path, case)
        assert grid.get(f"{CLUES}/{body['id']}").status_code == 404, case
    assert clue_count(app) == before


def test_a_latitude_that_is_not_a_finite_number_is_refused(app, grid):
    # Python's JSON parser accepts these; the schema must not.
    before = clue_count(app)
    for number in ("NaN", "Infinity", "-Infinity", "1e400"):
        body = json.dumps(clue_payload()).replace('"lat": 28.59', f'"lat": {number}')
        assert number in body

        r = grid.post(CLUES, data=body, content_type="application/json")

        assert_names_only(r, 422, ("location", "lat"), number)
    assert clue_count(app) == before


def test_an_unknown_matter_is_named(app, grid):
    before = clue_count(app)

    r = grid.post(CLUES, json=clue_payload(matter_code="XX-999"))

    assert_names_only(r, 422, ("matter_code",))
    assert clue_count(app) == before


def test_a_unit_outside_the_jurisdiction_is_named_like_a_unit_that_does_not_exist(app, grid):
    before = clue_count(app)

    foreign = grid.post(CLUES, json=clue_payload(unit_code=GRID_B))
    unknown = grid.post(CLUES, json=clue_payload(unit_code="999999999999999"))

    assert_names_only(foreign, 422, ("unit_code",))
    assert_names_only(unknown, 422, ("unit_code",))
    # Nothing tells the reporter that the other township's grid exists.
    assert foreign.get_json()["fields"] == unknown.get_json()["fields"]
    assert clue_count(app) == before
    assert grid.post(CLUES, json=clue_payload(unit_code=GRID_A)).status_code == 201


def test_a_clue_cannot_be_placed_on_the_county_itself(app, login):
    county = login("dispatcher_county")

    r = county.post(CLUES, json=clue_payload(unit_code="331123"))

    assert_names_only(r, 422, ("unit_code",))


# --- clues: the same id twice --------------------------------------------------------------


def test_the_same_report_posted_twice_is_stored_once(app, grid):
    body = clue_payload()
    before = clue_count(app)

    first = grid.post(CLUES, json=body)
    again = grid.post(CLUES, json=body)

    assert first.status_code == 201
    assert again.status_code == 200
    assert again.get_json()["id"] == first.get_json()["id"] == body["id"]
    assert again.get_json()["code"] == first.get_json()["code"]
    assert again.get_json()["version"] == 1
    assert clue_count(app) == before + 1


def test_the_same_id_with_other_content_is_a_conflict_and_changes_nothing(app, grid):
    body = clue_payload()
    stored = grid.post(CLUES, json=body).get_json()

    r = grid.post(CLUES, json={**body, "description": "其实是在烧落叶"})

    assert r.status_code == 409
    assert "id" in r.get_json()["fields"]
    now = grid.get(f"{CLUES}/{body['id']}").get_json()
    assert now["description"] == body["description"]
    assert now["version"] == stored["version"] == 1
    assert now["updated_at"] == stored["updated_at"]


def test_the_same_report_from_another_user_is_a_conflict(app, world, grid, login):
    body = clue_payload()
    assert grid.post(CLUES, json=body).status_code == 201

    r = login("grid2_a").post(CLUES, json=body)

    assert r.status_code == 409
    assert "id" in r.get_json()["fields"]
    assert grid.get(f"{CLUES}/{body['id']}").get_json()["reporter_id"] == world.users["grid_a"]
    assert clue_count(app) == 3  # the world's two and this one


# --- login ---------------------------------------------------------------------------------


@pytest.fixture
def roomy_client(make_app):
    """A client whose login limits leave room for many attempts in one test."""
    app = make_app(LOGIN_RATE_LIMIT="1000 per minute", LOGIN_USER_RATE_LIMIT="1000 per minute")
    with app.app_context():
        build_world()
    return app.test_client()


def _login_body(**overrides):
    body = {"username": "grid_a", "password": PASSWORD, "device_id": str(uuid.uuid4())}
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not MISSING}


BAD_LOGINS = {
    "no password": ({"password": MISSING}, "password"),
    "empty password": ({"password": ""}, "password"),
    "no username": ({"username": MISSING}, "username"),
    "empty username": ({"username": ""}, "username"),
    "numeric username": ({"username": 42}, "username"),
    "device id not a uuid": ({"device_id": "my-phone"}, "device_id"),
    "no device id": ({"device_id": MISSING}, "device_id"),
    "device name too long": ({"device_name": "手" * 101}, "device_name"),
    "unknown field": ({"remember_me": True}, "remember_me"),
    # PostgreSQL text cannot hold NUL: these were a 500 there, now refused before the query.
    "NUL in username": ({"username": "grid_a\x00"}, "username"),
    "NUL in device name": ({"device_name": "phone\x00"}, "device_name"),
}


def test_a_malformed_login_names_the_field_and_logs_nobody_in(roomy_client):
    for case, (overrides, field) in BAD_LOGINS.items():
        r = roomy_client.post(LOGIN, json=_login_body(**overrides))

        assert_names_only(r, 422, (field,), case)
        assert "access_token" not in r.get_json(), case
    assert roomy_client.post(LOGIN, json=_login_body()).status_code == 200


# --- accounts ------------------------------------------------------------------------------


def _new_user(**overrides):
    body = {
        "username": "new_grid",
        "display_name": "新网格员",
        "password": "a long enough password",
        "unit_code": GRID_A,
        "roles": ["grid_worker"],
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not MISSING}


def test_an_admin_creates_a_well_formed_account(app, admin, client):
    r = admin.post(USERS, json=_new_user())

    assert r.status_code == 201, r.get_json()
    assert r.get_json()["roles"] == ["grid_worker"]
    login = client.post(
        LOGIN,
        json={
            "username": "new_grid",
            "password": "a long enough password",
            "device_id": str(uuid.uuid4()),
        },
    )
    assert login.status_code == 200


BAD_USERS = [
    ("short-password", {"password": "short"}, ("password",)),
    ("no-password", {"password": MISSING}, ("password",)),
    ("unknown-role", {"roles": ["sheriff"]}, ("roles",)),
    ("no-roles", {"roles": []}, ("roles",)),
    ("roles-not-a-list", {"roles": "grid_worker"}, ("roles",)),
    ("officer-without-certificate", {"roles": ["officer"]}, ("certificate_no",)),
    (
        "officer-without-validity",
        {"roles": ["officer"], "certificate_no": "ZJ-NEW-1"},
        ("certificate_no",),
    ),
    (
        "certificate-ends-before-it-starts",
        {
            "roles": ["officer"],
            "certificate_no": "ZJ-NEW-1",
            "certificate_valid_from": "2026-01-01",
            "certificate_valid_until": "2025-01-01",
        },
        ("certificate_valid_until",),
    ),
    (
        "certificate-date-not-a-date",
        {
            "roles": ["officer"],
            "certificate_no": "ZJ-NEW-1",
            "certificate_valid_from": "2026-13-01",
            "certificate_valid_until": "2027-01-01",
        },
        ("certificate_valid_from",),
    ),
    ("department-user-without-department", {"roles": ["department"]}, ("department_code",)),
    (
        "unknown-department",
        {"roles": ["department"], "department_code": "NOPE"},
        ("department_code",),
    ),
    ("username-with-space", {"username": "new grid"}, ("username",)),
    ("username-with-trailing-newline", {"username": "new_grid\n"}, ("username",)),
    ("username-too-short", {"username": "n"}, ("username",)),
    ("display-name-with-nul", {"display_name": "新\x00网格员"}, ("display_name",)),
    ("unit-code-with-nul", {"unit_code": GRID_A + "\x00"}, ("unit_code",)),
    ("unit-outside-jurisdiction", {"unit_code": GRID_B}, ("unit_code",)),
    ("unknown-unit", {"unit_code": "999"}, ("unit_code",)),
    ("unknown-field", {"is_superuser": True}, ("is_superuser",)),
]


def test_a_bad_new_account_names_the_field_and_is_not_created(app, admin):
    before = user_count(app)
    for case, overrides, path in BAD_USERS:
        r = admin.post(USERS, json=_new_user(**overrides))

        assert_names_only(r, 422, path, case)
    assert user_count(app) == before


def test_a_taken_username_is_a_conflict_whatever_its_case(app, admin):
    before = user_count(app)

    for taken in ("grid_a", "GRID_A", "Grid_B"):
        r = admin.post(USERS, json=_new_user(username=taken))

        assert_names_only(r, 409, ("username",))
    assert user_count(app) == before


def test_only_an_admin_may_create_accounts(app, login):
    before = user_count(app)

    r = login("dispatcher_a").post(USERS, json=_new_user())

    assert r.status_code == 403
    assert user_count(app) == before


def test_a_user_id_out_of_range_answers_404_not_a_crash(admin):
    for user_id in ("0", "2147483648", "99999999999999999999999"):
        read = admin.get(f"{USERS}/{user_id}")
        change = admin.patch(f"{USERS}/{user_id}", json={"display_name": "x"})

        assert read.status_code == 404, user_id
        assert change.status_code == 404, user_id
        assert read.get_json()["error"] == "not_found", user_id


# --- the API's edges -----------------------------------------------------------------------


def test_an_unknown_url_under_the_api_answers_404_json(client, grid):
    for url in ("/api/v1/no-such-thing", "/api/v1/clues/not-a-uuid/photos"):
        r = grid.get(url)

        assert r.status_code == 404
        assert r.is_json
        assert r.get_json()["error"] == "not_found"
        assert r.get_json()["message"]


def test_a_wrong_method_answers_405_json_with_the_allowed_ones(client, grid):
    r = grid.delete(CLUES)

    assert r.status_code == 405
    assert r.is_json
    assert r.get_json()["error"] == "method_not_allowed"
    assert {"GET", "POST"} <= {m.strip() for m in r.headers["Allow"].split(",")}


def test_a_body_larger_than_the_limit_is_refused_with_413_json(app, client, grid):
    limit = app.config["MAX_CONTENT_LENGTH"]
    body = clue_payload()
    body["description"] = "x" * limit
    data = json.dumps(body)
    assert len(data) > limit
    before = clue_count(app)

    for r in (
        grid.post(CLUES, data=data, content_type="application/json"),
        client.post(LOGIN, data=data, content_type="application/json"),
    ):
        assert r.status_code == 413
        assert r.is_json
        assert r.get_json()["error"] == "request_entity_too_large"
    assert clue_count(app) == before


def test_a_form_encoded_body_is_refused_as_not_json_not_as_missing_fields(client, world):
    r = client.post("/api/v1/auth/login", data={"username": "grid_a", "password": "x"})
    assert r.status_code == 415
    assert r.get_json()["fields"] == {"body": ["must be JSON"]}


def test_a_control_character_in_a_code_in_the_url_is_a_plain_404(world, login):
    session = login("admin_a")
    for path in ("/api/v1/units/33%00", "/api/v1/units/33%00/empowerments"):
        assert session.get(path).status_code == 404
    assert session.delete("/api/v1/units/331123102/empowerments/x%00y").status_code == 404


# --- hostile shapes: nesting and numbers no column holds --------------------------------------

DEEP = "[" * 50_000 + "]" * 50_000


@pytest.mark.parametrize("depth", [50_000, 900, 65])
def test_json_nested_too_deeply_is_refused_naming_the_body_before_login(client, world, depth):
    # 50,000 was a RecursionError in the parser (500); 900 parses but nests deeper than any
    # body the API takes, and would recurse wherever it went next.
    data = "[" * depth + "]" * depth
    for path in (LOGIN, "/api/v1/sync/push", CLUES):
        r = client.post(path, data=data, content_type="application/json")

        assert r.status_code == 400, (path, r.status_code, r.get_data()[:200])
        assert set(r.get_json()["fields"]) == {"body"}, (path, r.get_json())
        assert "nested" in r.get_json()["fields"]["body"][0]


def test_json_nested_too_deeply_inside_a_push_payload_stores_nothing(app, grid):
    from tests.server.sync_kit import PUSH, new_clue

    m = new_clue()
    m["payload"]["description"] = json.loads("[" * 40 + "]" * 40)
    before = clue_count(app)

    r = grid.post(PUSH, json={"mutations": [m]})

    assert r.status_code == 400, r.get_json()
    assert set(r.get_json()["fields"]) == {"body"}
    assert clue_count(app) == before


@pytest.mark.parametrize("version", [10**400, 2**31, -(2**63) - 1])
def test_a_base_version_no_column_can_hold_is_refused_naming_it(app, grid, version):
    # 400 digits was an OverflowError on SQLite and a DataError on PostgreSQL (500); 2**31
    # is one past PostgreSQL's integer.
    from tests.server.sync_kit import edit, new_clue, push_one

    create = new_clue()
    assert push_one(grid, create)["outcome"] == "applied"
    m = edit(create["record_id"], 1, description="changed")
    m["base_version"] = version

    r = grid.post(
        "/api/v1/sync/push", data=json.dumps({"mutations": [m]}), content_type="application/json"
    )

    assert r.status_code == 200, r.get_data()[:300]
    [result] = r.get_json()["results"]
    assert result["outcome"] == "rejected", result
    assert set(result["fields"]) == {"base_version"}, result
    with app.app_context():
        clue = db.session.get(Clue, uuid.UUID(create["record_id"]))
        assert clue.version == 1
        assert clue.description != "changed"


# --- bidirectional controls: invisible, and they reorder what is shown beside them ------------

BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]
BIDI += ["\u200e", "\u200f", "\u061c"]


@pytest.mark.parametrize("char", BIDI, ids=lambda c: f"U+{ord(c):04X}")
def test_a_bidi_control_in_any_text_is_refused_naming_the_field(app, grid, admin, char):
    from tests.server.sync_kit import new_clue, note, push_one

    text = f"秸秆已清理{char}王小明"
    before = clue_count(app)

    # A push: the report's free text, and a note on a clue.
    for field, m in (
        ("description", new_clue(description=text)),
        ("address", new_clue(address=text)),
        ("text", note(uuid.UUID(push_one(grid, new_clue())["record_id"]), text)),
    ):
        result = push_one(grid, m)
        assert (result["outcome"], result["reason"]) == ("rejected", "invalid"), (field, result)
        assert set(result["fields"]) == {field}, result
        assert "bidirectional" in str(result["fields"][field])
    # The API: a report, an account, a login.
    assert_names_only(grid.post(CLUES, json=_clue(description=text)), 422, ("description",))
    assert_names_only(admin.post(USERS, json=_new_user(display_name=text)), 422, ("display_name",))
    r = admin.post(
        LOGIN,
        json={
            "username": "grid_a",
            "password": PASSWORD,
            "device_id": str(uuid.uuid4()),
            "device_name": text,
        },
    )
    assert_names_only(r, 422, ("device_name",))
    assert clue_count(app) == before + 1  # the clue the note went on
