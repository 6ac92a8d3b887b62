"""Every API endpoint × every role × own / foreign township × anonymous (DESIGN §5).

``EXPECTED`` is written by hand and checked against the app's own route list, so a new
endpoint fails these tests until someone writes down who may call it, and an endpoint that
is gone must leave the table too.

How to read a row:

- ``Public(s)``: no login needed; an anonymous caller gets ``s``.
- ``Anyone(...)``: no record of a township named (``path`` fills in the path); every
  logged-in user gets ``ok``, except that a user outside ``roles`` gets 403.
- ``Record(kind, seen_by, roles, ...)``: the endpoint names one record of ``kind``, in the
  path or in the body. ``seen_by`` lists who reaches the township-A record; the township-B
  record is reached by the mirror image (``_a`` → ``_b``; county users stay). Everyone else
  gets ``hidden`` (404 for a record in the path, 422 naming the field for a unit code in the
  body), and that answer is the very one a record that does not exist gets: a foreign
  record's existence is never confirmed.
  A user outside ``roles`` gets 403 before any lookup, for the own and the foreign record
  alike, so a 403 says nothing about the record either.
- Anonymous callers get 401 on every row that is not ``Public``, for both records.

The world (tests/server/world.py): townships A and B with one grid each, seven people a
township (grid, grid2, officer, dispatcher, reviewer, leader (+officer), admin), and at the
county a dispatcher, an admin and a department user.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from server import create_app
from server.catalogue.models import Empowerment, Matter
from server.core.db import db
from server.units.models import AdminUnit, UnitLevel
from tests.server.calendar_kit import weekends_only_around_today
from tests.server.case_kit import decided_case
from tests.server.evidence_kit import metadata, phone_photo, record_evidence, sha, upload
from tests.server.inspection_kit import PERIOD, drawn_plan, import_register
from tests.server.sync_kit import mutation, new_clue, push_one
from tests.server.world import clue_payload

API = "/api/v1/"
ROLE_NAMES = ("grid", "grid2", "officer", "dispatcher", "reviewer", "leader", "admin")
TOWN = {t: frozenset(f"{r}_{t}" for r in ROLE_NAMES) for t in "ab"}
COUNTY = frozenset({"dispatcher_county", "admin_county"})
EVERYONE = sorted(TOWN["a"] | TOWN["b"] | COUNTY | {"department"})
ANONYMOUS = "(anonymous)"

# Who passes an endpoint's role check.
ADMINS = frozenset({"admin_a", "admin_b", "admin_county"})
REPORTERS = frozenset(  # grid workers, officers (the leader is one too), dispatchers
    u for u in EVERYONE if u.split("_")[0] in ("grid", "grid2", "officer", "dispatcher", "leader")
)

# Who reaches each township-A record (the township-B one: the mirror image).
STAFF_A = TOWN["a"] - {"grid_a", "grid2_a"}
# clue_a: grid_a reported it in grid A; grid2_a works the same grid; staff see the township.
SEES_CLUE_A = STAFF_A | COUNTY | {"grid_a", "grid2_a"}
# officer_a: staff see their subtree's people; grid workers and the department only themselves.
SEES_OFFICER_A = STAFF_A | COUNTY
# township A (a unit): everyone whose unit is it or above it; grid workers sit below it.
SEES_TOWNSHIP_A = STAFF_A | COUNTY | {"department"}
# grid A (a unit): everyone whose unit is it or above it.
SEES_GRID_A = SEES_TOWNSHIP_A | {"grid_a", "grid2_a"}
# a device of grid_a: his own; the admins of his subtree.
SEES_DEVICE_OF_GRID_A = frozenset({"grid_a", "admin_a", "admin_county"})
# case_a and its documents: staff of township A and of the county (a party's personal data).
SEES_CASE_A = STAFF_A | COUNTY
ISSUERS = frozenset({"officer_a", "officer_b", "leader_a", "leader_b"})
# the case's officer (承办人), who alone shows the party his copy's QR code.
CASE_OFFICER_A = frozenset({"officer_a"})
# a clue of township A transferred to the county department, which now sees it too.
SEES_TRANSFERRED_A = SEES_CLUE_A | {"department"}
# the indicators of a unit: its supervisors (the command room, leaders, reviewers, admins).
SUPERVISING = frozenset(
    u for u in EVERYONE if u.split("_")[0] in ("dispatcher", "leader", "reviewer", "admin")
)
# the working calendar: everyone reads it; a county administrator publishes it.
COUNTY_ADMINS = frozenset({"admin_county"})
NOTICE_2030 = {
    "source": "国务院办公厅关于2030年部分节假日安排的通知",
    "holidays": [],
    "workdays": [],
}
TRANSFER_LETTER_WRITERS = frozenset(
    u for u in EVERYONE if u.split("_")[0] in ("dispatcher", "leader")
)
# the children waiting for a parent (R3): the command room and the leaders.
COMMAND_ROOMS = frozenset(u for u in EVERYONE if u.split("_")[0] in ("dispatcher", "leader"))
# a decision made public, or withdrawn (art. 48): the head of the unit.
PUBLISHERS = frozenset(u for u in EVERYONE if u.split("_")[0] == "leader")
# Inspections (双随机一公开): the register is read by staff and departments; plans are drafted,
# drawn and published by the command room, leaders, admins and departments, approved by a
# leader; a township's plan is seen by its township and the county, never the department.
INSPECTION_READERS = frozenset(u for u in EVERYONE if u.split("_")[0] not in ("grid", "grid2"))
PLANNERS = frozenset(
    u for u in EVERYONE if u.split("_")[0] in ("dispatcher", "leader", "admin") or u == "department"
)
SEES_PLAN_A = (STAFF_A | COUNTY) & PLANNERS
RECUSERS = frozenset(
    u for u in EVERYONE if u.split("_")[0] in ("officer", "leader", "admin") or u == "department"
)
OFFLINE_COPY = {  # a well-formed copy whose hash lies
    "id": "5b0e7a52-0000-4000-8000-0000000000c0",
    "reservation_id": "5b0e7a52-0000-4000-8000-0000000000c1",
    "kind": "correction_order",
    "html": "<p>x</p>",
    "sha256": "0" * 64,
    "size": 8,
    "paper": "A4",
    "printed_at": "2026-12-06T10:00:00+08:00",
}
# Body-camera imports (执法记录仪): a township's officers, dispatchers and leaders import and
# link (a county user sees them, files none); staff of the township and the county see them.
IMPORTERS = (
    frozenset(u for u in EVERYONE if u.split("_")[0] in ("officer", "dispatcher", "leader"))
    - COUNTY
)
NEW_IMPORT = {
    "file_name": "20261203_101500_DSJ12345.MP4",
    "original": {"sha256": "ab" * 32, "size": 1000, "media_type": "video/mp4"},
}
NO_REQUEST = "5b0e7a52-0000-4000-8000-000000000000"  # no request nor visit record has this id
LEADERS = frozenset(u for u in EVERYONE if u.split("_")[0] == "leader")
NEW_PLAN = {  # "<code>": the township planned for
    "unit_code": "<code>",
    "title": "占道经营专项抽查",
    "matter_codes": ["CG-001"],
    "object_count": 3,
    "shares": {"high": "1"},
    **PERIOD,
}


@dataclass(frozen=True)
class Public:
    anonymous: int
    path: dict | None = None  # values for a path that names no one's record


@dataclass(frozen=True)
class Anyone:
    roles: frozenset[str] | None = None
    ok: int = 200
    body: dict | None = None
    headers: dict | None = None
    path: dict | None = None  # values for a path that names no one's record
    query: dict | None = None


@dataclass(frozen=True)
class Record:
    kind: str
    seen_by: frozenset[str]
    roles: frozenset[str] | None = None
    ok: int = 200
    hidden: int = 404
    body: dict | None = None
    headers: dict | None = None
    query: dict | None = None


# Who may be drawn to inspect: officers (a leader may be one) and a department's inspectors.
OFFICER_ROLE = frozenset(
    u for u in EVERYONE if u.split("_")[0] in ("officer", "leader", "department")
)
STAFF_ROLES = frozenset(
    u for u in EVERYONE if u.split("_")[0] not in ("grid", "grid2", "department")
)
UPLOADED_BY_A = frozenset({"grid_a"})
TUS = {"Tus-Resumable": "1.0.0"}
TUS_CREATE = {**TUS, "Upload-Length": "<upload_length>", "Upload-Metadata": "<upload_metadata>"}
TUS_PATCH = {
    **TUS,
    "Upload-Offset": "<upload_length>",
    "Content-Type": "application/offset+octet-stream",
}

NOT_A_P12 = {"p12": "bm90IGEgUEtDUyMxMiBmaWxl", "passphrase": "a long enough passphrase"}
NEW_USER = {  # "<code>" and "<fresh>" are filled in per call
    "username": "<fresh>",
    "display_name": "新同事",
    "password": "long enough password",
    "unit_code": "<code>",
    "roles": ["grid_worker"],
}

# fmt: off
EXPECTED: dict[tuple[str, str], Public | Anyone | Record] = {
    # Public: health, readiness and the API description; logging in; the workflow (rules, no
    # records), which the PWA caches to offer offline only what the server will accept.
    ("GET",    "/api/v1/health"):                    Public(200),
    ("GET",    "/api/v1/ready"):                     Public(200),
    ("GET",    "/api/v1/openapi.json"):              Public(200),
    ("GET",    "/api/v1/workflow"):                  Public(200),
    ("POST",   "/api/v1/auth/login"):                Public(422),  # {}: fields missing
    ("POST",   "/api/v1/auth/refresh"):              Public(422),  # {}: token missing
    # Accounts.
    ("POST",   "/api/v1/auth/logout"):
        Anyone(ok=204, body={"refresh_token": "x" * 20}),
    ("GET",    "/api/v1/me"):                        Anyone(),
    ("GET",    "/api/v1/users"):                     Anyone(),
    ("POST",   "/api/v1/users"):
        Record("unit", SEES_TOWNSHIP_A, ADMINS, ok=201, hidden=422, body=NEW_USER),
    ("GET",    "/api/v1/users/<int:user_id>"):       Record("user", SEES_OFFICER_A),
    ("PATCH",  "/api/v1/users/<int:user_id>"):
        Record("user", SEES_OFFICER_A, ADMINS, body={"display_name": "改名"}),
    # An officer's own signing key (issue 22): the admins whose jurisdiction holds his
    # account. The file sent here is not a PKCS#12 one: refused naming ``p12`` (422).
    ("GET",    "/api/v1/users/<int:user_id>/signing-key"):
        Record("user", SEES_OFFICER_A & ADMINS, ADMINS),
    ("PUT",    "/api/v1/users/<int:user_id>/signing-key"):
        Record("user", SEES_OFFICER_A & ADMINS, ADMINS, ok=422, body=NOT_A_P12),
    ("DELETE", "/api/v1/users/<int:user_id>/signing-key"):
        Record("user", SEES_OFFICER_A & ADMINS, ADMINS, ok=204),
    ("GET",    "/api/v1/devices"):                   Anyone(),
    ("POST",   "/api/v1/devices/<uuid:device_id>/revoke"):
        Record("device", SEES_DEVICE_OF_GRID_A),
    # Units, departments, the catalogue.
    ("GET",    "/api/v1/units"):                     Anyone(),
    ("GET",    "/api/v1/units/<code:code>"):         Record("unit", SEES_TOWNSHIP_A),
    ("GET",    "/api/v1/departments"):               Anyone(),
    ("GET",    "/api/v1/matters"):                   Anyone(),
    # The catalogue's bases and discretion standards: a county administrator keeps them.
    ("PATCH",  "/api/v1/matters/<code:code>"):
        Anyone(COUNTY_ADMINS, body={"penalty_range": "罚款"}, path={"code": "CG-001"}),
    ("GET",    "/api/v1/matters/<code:code>/history"):
        Anyone(path={"code": "CG-001"}),
    ("GET",    "/api/v1/units/<code:code>/empowerments"):
        Record("unit", SEES_TOWNSHIP_A),
    ("POST",   "/api/v1/units/<code:code>/empowerments"):
        Record("unit", SEES_TOWNSHIP_A, ADMINS, ok=201, body={"matter_code": "ZR-001"}),
    ("DELETE", "/api/v1/units/<code:code>/empowerments/<code:matter_code>"):
        Record("empowerment", SEES_TOWNSHIP_A, ADMINS),
    # What the screens read from the configuration (the base map).
    ("GET",    "/api/v1/settings"):                  Anyone(),
    # The working calendar: national data, the same for both townships.
    ("GET",    "/api/v1/calendar"):                  Anyone(),
    ("GET",    "/api/v1/calendar/<int:year>"):       Anyone(path={"year": "2026"}),
    ("PUT",    "/api/v1/calendar/<int:year>"):
        Anyone(COUNTY_ADMINS, body=NOTICE_2030, path={"year": "2030"}),
    # Clues: reported in grid A / grid B (a unit the reporter must hold).
    ("GET",    "/api/v1/clues"):                     Anyone(),
    ("POST",   "/api/v1/clues"):
        Record("grid", SEES_GRID_A, REPORTERS, ok=201, hidden=422, body={"unit_code": "<code>"}),
    ("GET",    "/api/v1/clues/<uuid:clue_id>"):      Record("clue", SEES_CLUE_A),
    # Sync: one answer per mutation; see test_a_push_naming_a_foreign_clue_...
    ("POST",   "/api/v1/sync/push"):                 Anyone(body={"mutations": [{}]}),
    ("GET",    "/api/v1/sync/pull"):                 Anyone(),
    ("GET",    "/api/v1/conflicts"):                 Anyone(),
    ("GET",    "/api/v1/sync/waiting"):              Anyone(COMMAND_ROOMS),
    # Evidence follows its clue; exports are for staff. Files need the file held: the
    # township-A and -B evidence records have their photo uploaded.
    ("GET",    "/api/v1/evidence/<uuid:evidence_id>"):  Record("evidence", SEES_CLUE_A),
    ("GET",    "/api/v1/evidence/<uuid:evidence_id>/files/<string:variant>"):
        Record("evidence", SEES_CLUE_A),
    # A play address is for a recording; the targets are photos, so whoever sees them is
    # told 409 not_a_recording (tests/server/test_evidence_media.py plays one). The address
    # itself is its own authority (signed, 15 minutes): a made-up one is 404 to anyone.
    ("POST",   "/api/v1/evidence/<uuid:evidence_id>/play"):
        Record("evidence", SEES_CLUE_A, ok=409),
    ("GET",    "/api/v1/play/<string:token>"):       Public(404, path={"token": "x" * 40}),
    ("GET",    "/api/v1/clues/<uuid:clue_id>/evidence"):  Record("clue", SEES_CLUE_A),
    ("GET",    "/api/v1/clues/<uuid:clue_id>/timeline"):
        Record("clue", SEES_CLUE_A & STAFF_ROLES, STAFF_ROLES),
    ("GET",    "/api/v1/clues/<uuid:clue_id>/evidence-export"):
        Record("clue", SEES_CLUE_A & STAFF_ROLES, STAFF_ROLES),
    # Uploads (tus): anyone who sees the evidence may send a file it declares; an upload
    # in progress is its sender's alone. The target upload is finished, so no cell
    # changes it: a PATCH adds nothing, a DELETE is refused (409: the file is evidence).
    ("POST",   "/api/v1/uploads"):
        Record("evidence", SEES_CLUE_A, ok=201, headers=TUS_CREATE),
    ("GET",    "/api/v1/uploads/<uuid:upload_id>"):  Record("upload", UPLOADED_BY_A),
    ("PATCH",  "/api/v1/uploads/<uuid:upload_id>"):
        Record("upload", UPLOADED_BY_A, ok=204, headers=TUS_PATCH),
    ("DELETE", "/api/v1/uploads/<uuid:upload_id>"):
        Record("upload", UPLOADED_BY_A, ok=409, headers=TUS),
    # Cases: documents are issued by officers and leaders, once (the targets' prior notices
    # are issued already, so every further call answers 200 with the same document).
    ("POST",   "/api/v1/cases/<uuid:case_id>/documents"):
        Record("case", SEES_CASE_A, ISSUERS, body={"kind": "prior_notice"}),
    # Electronic service (art. 61): the consent and each sending, whoever sees the case.
    ("GET",    "/api/v1/cases/<uuid:case_id>/electronic-service"):  Record("case", SEES_CASE_A),
    # Whom a document would name and who of them holds a key (asked before issuing).
    ("GET",    "/api/v1/cases/<uuid:case_id>/document-signers"):
        Record("case", SEES_CASE_A, ISSUERS, query={"kind": "prior_notice"}),
    # The documents issued for a case, with their publication (art. 48): who sees the case.
    ("GET",    "/api/v1/cases/<uuid:case_id>/documents"):  Record("case", SEES_CASE_A),
    # Documents made offline (issue 22): an issuer's phone tops up its own reserve of numbers;
    # a copy printed offline is checked against its hash first (this one lies: 422 naming
    # sha256); whoever sees the case sees the copies handed over.
    ("POST",   "/api/v1/documents/reservations"):  Anyone(ISSUERS),
    ("POST",   "/api/v1/cases/<uuid:case_id>/offline-documents"):
        Record("case", SEES_CASE_A, ISSUERS, ok=422, body=OFFLINE_COPY),
    ("GET",    "/api/v1/cases/<uuid:case_id>/offline-documents"):  Record("case", SEES_CASE_A),
    ("POST",   "/api/v1/clues/<uuid:clue_id>/transfer-letter"):
        Record("transferred", SEES_TRANSFERRED_A, TRANSFER_LETTER_WRITERS),
    ("GET",    "/api/v1/documents/<uuid:doc_id>.pdf"):  Record("document", SEES_CASE_A),
    # Art. 48: the head publishes and withdraws a decision (the target is a prior notice,
    # which is never published: 404 even to him); anyone reads what is published.
    ("POST",   "/api/v1/documents/<uuid:doc_id>/publish"):
        Record("document", SEES_CASE_A, PUBLISHERS, ok=404),
    ("POST",   "/api/v1/documents/<uuid:doc_id>/withdraw"):
        Record("document", SEES_CASE_A, PUBLISHERS, ok=404, body={"reason": "决定已撤销"}),
    # The party's copy by QR code (issue 24): minted and revoked by the case's officer only;
    # the party's link is public, and an unknown token as if none.
    ("POST",   "/api/v1/documents/<uuid:doc_id>/party-links"):
        Record("document", CASE_OFFICER_A, ok=201),
    ("DELETE", "/api/v1/party-links/<uuid:link_id>"):
        Record("party_link", CASE_OFFICER_A, ok=204),
    ("GET",    "/api/v1/copies/<string:token>"):     Public(404, path={"token": "unknown"}),
    ("GET",    "/api/v1/copies/<string:token>.pdf"): Public(404, path={"token": "unknown"}),
    ("GET",    "/api/v1/public/decisions"):          Public(200),
    ("GET",    "/api/v1/public/decisions/<uuid:doc_id>.pdf"):
        Public(404, path={"doc_id": str(uuid.uuid4())}),  # none published: as if none
    ("GET",    "/api/v1/units/<code:code>/indicators"):
        Record("unit", SEES_TOWNSHIP_A & SUPERVISING, SUPERVISING),
    # The closed loop's dashboard and its (audited) exports: the same people.
    ("GET",    "/api/v1/units/<code:code>/dashboard"):
        Record("unit", SEES_TOWNSHIP_A & SUPERVISING, SUPERVISING),
    ("GET",    "/api/v1/units/<code:code>/dashboard.xlsx"):
        Record("unit", SEES_TOWNSHIP_A & SUPERVISING, SUPERVISING),
    ("GET",    "/api/v1/units/<code:code>/dashboard.csv"):
        Record("unit", SEES_TOWNSHIP_A & SUPERVISING, SUPERVISING),
    # How the departments answered the unit's townships: its supervisors, like the board.
    ("GET",    "/api/v1/units/<code:code>/departments"):
        Record("unit", SEES_TOWNSHIP_A & SUPERVISING, SUPERVISING),
    ("GET",    "/api/v1/units/<code:code>/departments.xlsx"):
        Record("unit", SEES_TOWNSHIP_A & SUPERVISING, SUPERVISING),
    # A collaboration request's files: whoever sees the request (test_collaboration_files);
    # one that does not exist is 404 to everyone.
    ("GET",    "/api/v1/collaborations/<uuid:collaboration_id>/files"):
        Anyone(ok=404, path={"collaboration_id": NO_REQUEST}),
    ("POST",   "/api/v1/collaborations/<uuid:collaboration_id>/files"):
        Anyone(ok=404, path={"collaboration_id": NO_REQUEST}),
    ("GET",    "/api/v1/collaborations/<uuid:collaboration_id>/files/<string:sha256>"):
        Anyone(ok=404, path={"collaboration_id": NO_REQUEST, "sha256": "0" * 64}),
    # A visit's photos: whoever sees the visit's record (test_visit_records: its pair and
    # its unit's staff; another township's officer 404); one that does not exist is 404.
    ("GET",    "/api/v1/visit-records/<uuid:record_id>/photos"):
        Anyone(ok=404, path={"record_id": NO_REQUEST}),
    # 抄告 to a department: its own users and the county's staff (test_department_copies);
    # a department that does not exist is 404 to everyone who passes the role check.
    ("GET",    "/api/v1/departments/<code:code>/copies"):
        Anyone(SUPERVISING | {"department"}, ok=404, path={"code": "NOPE"}),
    # Inspections (双随机一公开, 综合查一次). The register is the county's: its administrators
    # import it (no body: 422, not a workbook); a township's administrator is refused.
    ("POST",   "/api/v1/inspection-objects/import"): Anyone(COUNTY_ADMINS, ok=422),
    ("GET",    "/api/v1/inspection-objects"):        Anyone(INSPECTION_READERS),
    ("GET",    "/api/v1/inspection-objects/template.xlsx"):  Anyone(INSPECTION_READERS),
    # Recusals (回避): an officer declares his own (each user here once: 201); the register's
    # first object exists (the targets import it).
    ("POST",   "/api/v1/inspection-objects/<int:object_id>/recusals"):
        Anyone(RECUSERS, ok=201, body={"reason": "亲属关系"}, path={"object_id": "1"}),
    ("GET",    "/api/v1/inspection-plans"):          Anyone(PLANNERS),
    # A township's plan names its township; a department plans for itself and names none.
    ("POST",   "/api/v1/inspection-plans"):
        Record("unit", SEES_PLAN_A, PLANNERS, ok=201, hidden=422, body=NEW_PLAN),
    ("GET",    "/api/v1/inspection-plans/<int:plan_id>"):  Record("plan", SEES_PLAN_A, PLANNERS),
    # The targets are drawn and published: approving or drawing again is refused (409),
    # publishing again is the same answer.
    ("POST",   "/api/v1/inspection-plans/<int:plan_id>/approve"):
        Record("plan", SEES_PLAN_A & LEADERS, LEADERS, ok=409),
    ("POST",   "/api/v1/inspection-plans/<int:plan_id>/draw"):
        Record("plan", SEES_PLAN_A, PLANNERS, ok=409),
    ("POST",   "/api/v1/inspection-plans/<int:plan_id>/publish"):
        Record("plan", SEES_PLAN_A, PLANNERS),
    ("GET",    "/api/v1/inspection-visits/proposals"):  Anyone(PLANNERS),
    # Visits named in the body: one not seen is answered as one that does not exist (422).
    ("POST",   "/api/v1/inspection-visits/merge"):
        Anyone(PLANNERS, ok=422, body={"visit_ids": [2**31 - 1, 2**31 - 2]}),
    # The visits one was drawn for: an inspector's own list (none here).
    ("GET",    "/api/v1/inspection-visits/mine"):    Anyone(OFFICER_ROLE),
    ("GET",    "/api/v1/bodycam-imports"):           Anyone(STAFF_ROLES),
    ("POST",   "/api/v1/bodycam-imports"):           Anyone(IMPORTERS, ok=201, body=NEW_IMPORT),
    ("GET",    "/api/v1/bodycam-imports/<uuid:evidence_id>"):
        Record("bodycam", STAFF_A | COUNTY, STAFF_ROLES),
    # The targets' imports have no bytes yet: a range of them cannot be linked (409).
    ("POST",   "/api/v1/bodycam-imports/<uuid:evidence_id>/links"):
        Record(
            "bodycam", STAFF_A & IMPORTERS, IMPORTERS, ok=409,
            body={"case_id": "<case_id>", "start_ms": 0, "end_ms": 1000},
        ),
    ("GET",    "/api/v1/cases/<uuid:case_id>/clips"):   Record("case", SEES_CASE_A),
    ("GET",    "/api/v1/public/inspection-draws"):   Public(200),
    ("GET",    "/api/v1/public/inspection-draws/<int:draw_id>"):
        Public(404, path={"draw_id": str(2**31 - 1)}),  # none published: as if none
}
# fmt: on


@pytest.fixture
def app(make_app):
    # Everyone logs in from one test client: lift the per-address login limit. Its decided
    # cases count the party's periods from today, whatever year's notice is published.
    app = make_app(LOGIN_RATE_LIMIT="1000 per minute")
    weekends_only_around_today(app)
    return app


@pytest.fixture
def bare_app(tmp_path):
    """The app on an empty SQLite database: enough to list routes and call public ones."""
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'bare.db'}",
            "SECRET_KEY": "test-" + uuid.uuid4().hex,
            "MEDIA_ROOT": str(tmp_path / "media"),
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )
    yield app
    with app.app_context():
        db.engine.dispose()


def api_routes(app) -> set[tuple[str, str]]:
    return {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(API)
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def test_every_api_route_has_a_written_down_expectation_and_no_expectation_is_stale(bare_app):
    routes = api_routes(bare_app)
    assert len(routes) > 20  # the route list really is the app's
    assert routes - set(EXPECTED) == set(), "new endpoints: write down who may call them"
    assert set(EXPECTED) - routes == set(), "endpoints gone: remove them from the table"
    public = {route for route, spec in EXPECTED.items() if isinstance(spec, Public)}
    assert ("GET", "/api/v1/health") in public and ("GET", "/api/v1/openapi.json") in public
    assert public == {
        ("GET", "/api/v1/health"),
        ("GET", "/api/v1/ready"),
        ("GET", "/api/v1/openapi.json"),
        ("GET", "/api/v1/workflow"),
        ("POST", "/api/v1/auth/login"),
        ("POST", "/api/v1/auth/refresh"),
        # Art. 48: the decisions a unit's head made public, redacted.
        ("GET", "/api/v1/public/decisions"),
        ("GET", "/api/v1/public/decisions/<uuid:doc_id>.pdf"),
        # A recording played by a short-lived signed address (a player sends no token).
        ("GET", "/api/v1/play/<string:token>"),
        # The party's copy, by its unguessable link.
        ("GET", "/api/v1/copies/<string:token>"),
        ("GET", "/api/v1/copies/<string:token>.pdf"),
        # 一公开: published inspection draws, with what redoes them.
        ("GET", "/api/v1/public/inspection-draws"),
        ("GET", "/api/v1/public/inspection-draws/<int:draw_id>"),
    }


def test_the_public_endpoints_answer_an_anonymous_caller(app, world):
    client = app.test_client()
    for (method, rule), spec in EXPECTED.items():
        if isinstance(spec, Public):
            path = spec.path or {}
            url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m, path=path: path[m.group(1)], rule)
            response = client.open(url, method=method, json={})
            assert response.status_code == spec.anonymous, (method, rule, response.get_json())


# --- the matrix -------------------------------------------------------------------------


def _mirror(users: frozenset[str]) -> frozenset[str]:
    return frozenset(u[:-2] + "_b" if u.endswith("_a") else u for u in users)


def expected_status(spec: Anyone | Record, user: str, township: str) -> int:
    """The answer written down for one cell (``township``: whose record the path names)."""
    if user == ANONYMOUS:
        return 401
    if spec.roles is not None and user not in spec.roles:
        return 403
    if isinstance(spec, Anyone):
        return spec.ok
    seen_by = spec.seen_by if township == "a" else _mirror(spec.seen_by)
    return spec.ok if user in seen_by else spec.hidden


def _fill(template, values: dict[str, str]):
    """Put path values into a rule (``<int:user_id>``) or a body template (``"<code>"``)."""
    if isinstance(template, dict):
        return {k: _fill(v, values) for k, v in template.items()}
    if isinstance(template, list):
        return [_fill(v, values) for v in template]
    if not isinstance(template, str):
        return template
    values = {**values, "fresh": "u" + uuid.uuid4().hex[:12]}
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values.get(m[1], m[0]), template)


@pytest.fixture
def targets(world, login):
    """Path values naming the township-A, township-B and a nonexistent record of each kind."""
    devices = {t: login(f"grid_{t}").device_id for t in "ab"}
    own_and_foreign = {
        "user": {t: {"user_id": str(world.users[f"officer_{t}"])} for t in "ab"},
        "device": {t: {"device_id": devices[t]} for t in "ab"},
        "unit": {t: {"code": world.units[f"town_{t}"].code} for t in "ab"},
        "grid": {t: {"code": world.units[f"grid_{t}"].code} for t in "ab"},
        "empowerment": {
            t: {"code": world.units[f"town_{t}"].code, "matter_code": "CG-001"} for t in "ab"
        },
        "clue": {t: {"clue_id": str(world.clues[f"clue_{t}"])} for t in "ab"},
        "evidence": {},
        "upload": {},
        "case": {},
        "transferred": {},
        "document": {},
        "party_link": {},
        "plan": {},
        "bodycam": {},
    }
    for town, first in (("331123102", 1), ("331123103", 101)):  # each township's objects
        assert import_register(login("admin_county"), 12, town, first).status_code == 200
    for t in "ab":  # a drawn and published inspection plan of each township
        plan = drawn_plan(login, t, object_count=3, shares={"high": "1"})
        published = login(f"leader_{t}").post(f"/api/v1/inspection-plans/{plan['id']}/publish")
        assert published.status_code == 200, published.get_json()
        own_and_foreign["plan"][t] = {"plan_id": str(plan["id"])}
    for t in "ab":  # a decided case with its prior notice issued; a transferred clue
        officer, leader = login(f"officer_{t}"), login(f"leader_{t}")
        case_id = decided_case(world, officer, leader, township=t)
        notice = officer.post(f"/api/v1/cases/{case_id}/documents", json={"kind": "prior_notice"})
        assert notice.status_code == 201, notice.get_json()
        own_and_foreign["case"][t] = {"case_id": case_id}
        own_and_foreign["document"][t] = {"doc_id": notice.get_json()["id"]}
        link = officer.post(f"/api/v1/documents/{notice.get_json()['id']}/party-links")
        assert link.status_code == 201, link.get_json()
        own_and_foreign["party_link"][t] = {"link_id": link.get_json()["id"]}
        m = new_clue(matter_code="ZR-001", unit_code=world.units[f"grid_{t}"].code)
        assert push_one(login(f"grid_{t}"), m)["outcome"] == "applied"
        step = mutation("clue", m["record_id"], "transition", {"name": "transfer", "args": {}})
        assert push_one(login(f"dispatcher_{t}"), step)["outcome"] == "applied"
        letter = leader.post(f"/api/v1/clues/{m['record_id']}/transfer-letter")
        assert letter.status_code == 201, letter.get_json()
        own_and_foreign["transferred"][t] = {"clue_id": m["record_id"]}
        made = officer.post("/api/v1/bodycam-imports", json=NEW_IMPORT)
        assert made.status_code == 201, made.get_json()
        own_and_foreign["bodycam"][t] = {"evidence_id": made.get_json()["id"], "case_id": case_id}
    for t in "ab":  # a photo on each township's clue, uploaded by its grid worker
        sender = login(f"grid_{t}")
        photo = phone_photo(64, 48, seed=ord(t))
        evidence_id = record_evidence(sender, world.clues[f"clue_{t}"], photo)
        done = upload(sender, evidence_id, photo)
        assert done.status_code == 204, done.get_json()
        own_and_foreign["evidence"][t] = {
            "evidence_id": evidence_id,
            "variant": "thumb",
            "upload_length": str(len(photo)),
            "upload_metadata": metadata(evidence_id=evidence_id, sha256=sha(photo)),
        }
        own_and_foreign["upload"][t] = {
            "upload_id": done.request.path.rsplit("/", 1)[-1],
            "upload_length": str(len(photo)),
        }
    unknown = {
        "user": {"user_id": str(2**31 - 1)},
        "device": {"device_id": str(uuid.uuid4())},
        "unit": {"code": "331123199"},
        "grid": {"code": "331123102201999"},
        "empowerment": {"code": "331123199", "matter_code": "CG-001"},
        "clue": {"clue_id": str(uuid.uuid4())},
        "evidence": {
            "evidence_id": str(uuid.uuid4()),
            "variant": "thumb",
            "upload_length": "100",
            "upload_metadata": metadata(evidence_id=str(uuid.uuid4()), sha256="ab" * 32),
        },
        "upload": {"upload_id": str(uuid.uuid4()), "upload_length": "100"},
        "case": {"case_id": str(uuid.uuid4())},
        "transferred": {"clue_id": str(uuid.uuid4())},
        "document": {"doc_id": str(uuid.uuid4())},
        "party_link": {"link_id": str(uuid.uuid4())},
        "plan": {"plan_id": str(2**31 - 1)},
        "bodycam": {"evidence_id": str(uuid.uuid4()), "case_id": str(uuid.uuid4())},
    }
    for kind, values in unknown.items():
        own_and_foreign[kind]["unknown"] = values
    return own_and_foreign


def _reset_empowerments(app, world) -> None:
    """Back to the world's empowerments (both townships: SR-001 and CG-001, not ZR-001),
    whatever the last cell granted or revoked."""
    with app.app_context():
        db.session.execute(sa.delete(Empowerment))
        matters = db.session.execute(
            sa.select(Matter.id).where(Matter.code.in_(["SR-001", "CG-001"]))
        ).scalars()
        towns = [world.units[f"town_{t}"].id for t in "ab"]
        for matter_id in list(matters):
            db.session.add_all(Empowerment(unit_id=u, matter_id=matter_id) for u in towns)
        db.session.commit()


def _body(method: str, rule: str, spec, values: dict[str, str]):
    if spec.body is None:
        return None
    body = _fill(spec.body, values)
    if rule == "/api/v1/clues" and method == "POST":
        body = {**clue_payload(), **body}  # a fresh id each time
    return body


def test_each_role_reaches_its_own_township_and_never_learns_of_the_other(
    app, client, world, login, targets
):
    tokens = {user: login(user).token for user in EVERYONE}
    mismatches: list[str] = []
    cells = 0
    changed = [False]  # an empowerment granted or revoked by the last cell

    def call(user: str, method: str, rule: str, spec, values: dict[str, str]):
        writes_empowerment = "empowerments" in rule and method != "GET"
        if writes_empowerment and changed[0]:
            _reset_empowerments(app, world)
        headers = _fill(spec.headers or {}, values)
        if user != ANONYMOUS:
            headers["Authorization"] = f"Bearer {tokens[user]}"
        response = client.open(
            _fill(rule, values),
            method=method,
            json=_body(method, rule, spec, values),
            headers=headers,
            query_string=spec.query,
        )
        changed[0] = writes_empowerment and response.status_code < 300
        return response

    for (method, rule), spec in sorted(EXPECTED.items()):
        if isinstance(spec, Public):
            continue
        townships = ["a", "b"] if isinstance(spec, Record) else ["a"]
        for user in [ANONYMOUS, *EVERYONE]:
            for township in townships:
                if isinstance(spec, Record):
                    values = targets[spec.kind][township]
                else:
                    values = spec.path or {}
                response = call(user, method, rule, spec, values)
                want = expected_status(spec, user, township)
                cells += 1
                if response.status_code != want:
                    mismatches.append(
                        f"{method:6} {rule:58} {user:18} {township}: "
                        f"got {response.status_code}, want {want} {response.get_json()}"
                    )
                    continue
                if want == 401:
                    assert response.get_json()["error"] == "unauthorized"
                    assert response.headers["WWW-Authenticate"].startswith("Bearer")
                if isinstance(spec, Record) and want == spec.hidden:
                    # Indistinguishable from a record that does not exist.
                    unknown = call(user, method, rule, spec, targets[spec.kind]["unknown"])
                    if (unknown.status_code, unknown.get_json()) != (want, response.get_json()):
                        mismatches.append(
                            f"{method:6} {rule:58} {user:18} {township}: foreign answer "
                            f"{response.get_json()} differs from unknown {unknown.get_json()}"
                        )
    assert cells > 500
    assert mismatches == [], "\n" + "\n".join(mismatches)


def test_a_push_naming_a_foreign_clue_is_answered_as_if_it_did_not_exist(world, login, targets):
    """Push answers 200 with one result per mutation; the result is the matrix here."""

    def push_edit(session, clue_id: str) -> dict:
        # Nothing to change: a visible clue answers "invalid".
        result = push_one(session, mutation("clue", clue_id, "update", {}, base_version=1))
        return {k: v for k, v in result.items() if k not in ("mutation_id", "record_id")}

    mismatches = []
    for user in EVERYONE:
        session = login(user)
        unknown = push_edit(session, targets["clue"]["unknown"]["clue_id"])
        assert unknown["reason"] == "not_found", (user, unknown)
        for township in "ab":
            seen_by = SEES_CLUE_A if township == "a" else _mirror(SEES_CLUE_A)
            result = push_edit(session, targets["clue"][township]["clue_id"])
            # Who sees it gets some other answer; anyone else exactly the unknown clue's.
            ok = result["reason"] != "not_found" if user in seen_by else result == unknown
            if not ok:
                mismatches.append((user, township, result))
    assert mismatches == []


# --- lists ------------------------------------------------------------------------------


def _items(session, path: str, paged: bool = True) -> list[dict]:
    response = session.get(path, query_string={"page_size": 100} if paged else {})
    assert response.status_code == 200, (path, response.get_json())
    return response.get_json()


def test_lists_as_a_township_a_user_carry_nothing_of_township_b(app, world, login):
    # Township B has more than the world's one clue, and devices of its people.
    sessions_b = {name: login(name) for name in sorted(TOWN["b"])}
    clue_b2 = sessions_b["officer_b"].post(
        "/api/v1/clues", json=clue_payload(unit_code=world.units["village_b"].code)
    )
    assert clue_b2.status_code == 201
    clues_b = {str(world.clues["clue_b"]), clue_b2.get_json()["id"]}
    units_b = {u.code for key, u in world.units.items() if key.endswith("_b")}
    users_b = {world.users[name] for name in TOWN["b"]}
    devices_b = {s.device_id for s in sessions_b.values()}
    path_a = world.units["town_a"].path
    grid_device = login("grid_a").device_id

    for name in sorted(TOWN["a"]):
        session = login(name)
        me = world.users[name]

        clues = _items(session, "/api/v1/clues")
        assert str(world.clues["clue_a"]) in {c["id"] for c in clues}, name
        assert not {c["id"] for c in clues} & clues_b, name
        assert not {c["unit_code"] for c in clues} & units_b, name

        users = _items(session, "/api/v1/users")
        assert me in {u["id"] for u in users}, name
        assert not {u["id"] for u in users} & users_b, name
        assert all(u["unit"]["path"].startswith(path_a) for u in users), (name, users)

        units = _items(session, "/api/v1/units", paged=False)
        own_unit = world.units["grid_a" if name.startswith("grid") else "town_a"]
        assert own_unit.code in {u["code"] for u in units}, name
        assert not {u["code"] for u in units} & units_b, name
        assert all(u["path"].startswith(path_a) for u in units), (name, units)

        devices = _items(session, "/api/v1/devices")
        assert session.device_id in {d["id"] for d in devices}, name
        assert not {d["user_id"] for d in devices} & users_b, name
        assert not {d["id"] for d in devices} & devices_b, name
        if name == "admin_a":
            assert grid_device in {d["id"] for d in devices}

        changes = session.get("/api/v1/sync/pull").get_json()["changes"]
        assert str(world.clues["clue_a"]) in {c["id"] for c in changes}, name
        assert not {c["id"] for c in changes} & clues_b, name

    # The county sees both townships: the lists above are not empty by accident.
    county = login("dispatcher_county")
    assert clues_b | {str(world.clues["clue_a"])} <= {
        c["id"] for c in _items(county, "/api/v1/clues")
    }


def test_a_grid_worker_sees_his_grids_clues_and_his_own_reports_and_nothing_else(app, world, login):
    grid, grid2, officer = login("grid_a"), login("grid2_a"), login("officer_a")

    def report(session, **fields) -> str:
        response = session.post("/api/v1/clues", json=clue_payload(**fields))
        assert response.status_code == 201, response.get_json()
        return response.get_json()["id"]

    mine = str(world.clues["clue_a"])  # grid_a reported it, in grid A
    neighbours = report(grid2)  # grid2_a, in the same grid
    in_village = report(officer, unit_code=world.units["village_a"].code)  # not in grid A
    theirs = str(world.clues["clue_b"])

    def seen(session) -> set[str]:
        listed = {c["id"] for c in _items(session, "/api/v1/clues")}
        pulled = {c["id"] for c in session.get("/api/v1/sync/pull").get_json()["changes"]}
        assert listed == pulled  # the list and the device's copy agree
        for clue in (mine, neighbours, in_village, theirs):
            status = session.get(f"/api/v1/clues/{clue}").status_code
            assert status == (200 if clue in listed else 404), (clue, status)
        return listed

    assert seen(grid) == {mine, neighbours}
    assert seen(officer) == {mine, neighbours, in_village}

    # Moved to a new grid of the same village: the clues of his old grid go, his own report
    # stays (he may still add to what he reported).
    new_grid = world.units["village_a"].code + "002"
    with app.app_context():
        village = db.session.get(AdminUnit, world.units["village_a"].id)
        db.session.add(AdminUnit.create(new_grid, "大柘村二网格", UnitLevel.GRID, village))
        db.session.commit()
    moved = login("admin_a").patch(
        f"/api/v1/users/{world.users['grid_a']}", json={"unit_code": new_grid}
    )
    assert moved.status_code == 200, moved.get_json()
    assert seen(login("grid_a")) == {mine}
    assert seen(grid2) == {mine, neighbours}


def test_the_department_user_sees_no_clues(world, login):
    department = login("department")
    assert _items(department, "/api/v1/clues") == []
    changes = department.get("/api/v1/sync/pull").get_json()["changes"]
    assert [c for c in changes if c["record_type"] == "clue"] == []
    assert _items(login("dispatcher_county"), "/api/v1/clues") != []


def test_an_admin_cannot_tell_a_foreign_unit_from_one_that_does_not_exist(world, login):
    admin_b = login("admin_b")

    def answers(unit_code: str) -> list:
        created = admin_b.post("/api/v1/users", json=_fill(NEW_USER, {"code": unit_code}))
        moved = admin_b.patch(
            f"/api/v1/users/{world.users['grid_b']}", json={"unit_code": unit_code}
        )
        return [(r.status_code, r.get_json()) for r in (created, moved)]

    foreign, unknown = answers(world.units["town_a"].code), answers("331123199")
    assert [status for status, _ in foreign] == [422, 422]
    assert foreign == unknown
