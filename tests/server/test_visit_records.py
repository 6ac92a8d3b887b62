"""A drawn visit recorded on the phone (检查记录, issue 21): the record is a synced record
type, pushed from the outbox like a report, offline for as long as it takes. The rule is
``sync.visits``; these tests hold the server to it over HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import datetime as dt
import io
import uuid

import pytest
import sqlalchemy as sa
from PIL import Image

from server.core.db import db, utcnow
from server.evidence.models import Evidence, VisitPhoto
from server.inspections.models import InspectionVisit, VisitRecord
from server.sync_api.models import SyncConflict
from sync.cases import today
from tests.server.evidence_kit import (
    compressed_copy,
    evidence_mutation,
    files_held,
    phone_photo,
    start_upload,
    upload,
)
from tests.server.inspection_kit import drawn_plan, import_register
from tests.server.sync_kit import mutation, pull_all, push, push_one

API = "/api/v1"


@pytest.fixture
def app(make_app):
    return make_app(LOGIN_RATE_LIMIT="1000 per minute")  # many people log in from one client


def signature() -> str:
    """A party's signature as the phone's canvas exports it: a PNG data URL."""
    image = Image.new("RGB", (300, 120), "white")
    for x in range(40, 260):
        image.putpixel((x, 60 + (x % 20) - 10), (0, 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def record_of(visit: dict, **overrides) -> dict:
    """The record a drawn officer's phone makes of ``visit`` (from his list of visits)."""
    items = [
        {"matter_code": i["matter_code"], "department": i["department"], "result": "compliant"}
        for i in visit["checklist"]
    ]
    payload = {
        "visit_id": visit["id"],
        "unit_code": visit["unit_code"],
        "done_on": today(utcnow()).isoformat(),
        "items": items,
        "findings": "现场检查，证照齐全",
        "certificates_shown": True,
        "party_present": True,
        "party_name": "王某某",
        "party_signature": signature(),
        **overrides,
    }
    return mutation("visit_record", uuid.uuid4(), "create", payload)


@pytest.fixture
def visit(app, world, login) -> dict:
    """A visit of township A's plan, drawn now, as its officers' phones list it."""
    import_register(login("admin_county"), 30)
    day = today(utcnow())
    drawn_plan(
        login,
        period_start=(day - dt.timedelta(days=3)).isoformat(),
        period_end=(day + dt.timedelta(days=30)).isoformat(),
    )
    mine = login("officer_a").get(f"{API}/inspection-visits/mine").get_json()
    # A's certified officers are officer_a and leader_a: every pair is the two of them.
    assert mine and set(mine[0]["officers"]) == {world.users["officer_a"], world.users["leader_a"]}
    assert mine[0]["unit_code"] == "331123102" and mine[0]["object_address"]
    return mine[0]


def test_a_drawn_officer_records_the_visit_and_it_is_done_item_by_item(app, world, login, visit):
    officer = login("officer_a")
    m = record_of(visit)
    m["payload"]["items"][0].update(result="violation", note="占道堆放建材")
    result = push_one(officer, m)
    assert result["outcome"] == "applied", result
    with app.app_context():
        row = db.session.get(InspectionVisit, visit["id"])
        assert row.status == "done" and row.findings == "现场检查，证照齐全"
        assert row.checklist[0]["result"] == "violation"
        assert row.checklist[0]["note"] == "占道堆放建材"
        record = db.session.get(VisitRecord, uuid.UUID(m["record_id"]))
        assert record.reporter_id == world.users["officer_a"]
        assert record.partner_id == world.users["leader_a"]
        assert record.data["party_signature"] == m["payload"]["party_signature"]
        assert record.data["violations"] == [visit["checklist"][0]["department"]]
    # Off his list; the plan's owner reads what was found.
    mine = officer.get(f"{API}/inspection-visits/mine").get_json()
    assert visit["id"] not in {v["id"] for v in mine}
    [plan_id] = visit["plan_ids"]
    seen = login("dispatcher_a").get(f"{API}/inspection-plans/{plan_id}").get_json()
    [read] = [v for v in seen["visits"] if v["id"] == visit["id"]]
    assert read["status"] == "done" and read["checklist"][0]["result"] == "violation"
    # Both of the pair's phones hold the record; township B's officer never sees it.
    for name in ("officer_a", "leader_a"):
        pulled = pull_all(login(name))
        [held] = [c for c in pulled["changes"] if c["record_type"] == "visit_record"]
        assert held["id"] == m["record_id"] and held["data"]["party_name"] == "王某某"
    pulled = pull_all(login("officer_b"))
    assert not [c for c in pulled["changes"] if c["record_type"] == "visit_record"]


def test_what_the_rule_refuses_names_the_field_and_stores_nothing(app, world, login, visit):
    officer = login("officer_a")
    day = today(utcnow())
    refusals = {
        # Every item answered, once.
        "items": {"items": record_of(visit)["payload"]["items"][:-1]},
        # Not after today, and within the plan's period.
        "date_in_future": {"done_on": (day + dt.timedelta(days=1)).isoformat()},
        "period": {"done_on": (day - dt.timedelta(days=5)).isoformat()},
        # A party present signs, or his refusal is written down; not both, not neither.
        "unsigned": {"party_signature": None},
        "both": {"party_refusal": "拒绝签字"},
        "absent_signs": {"party_present": False, "party_name": None},
        # A signature is a PNG, whole.
        "not_png": {
            "party_signature": "data:image/png;base64," + base64.b64encode(b"GIF89a").decode()
        },
        "not_base64": {"party_signature": "data:image/png;base64,@@@"},
        "huge": {"party_signature": signature() + "A" * 120_000},
        # The visit's own unit.
        "unit": {"unit_code": "331123103"},
    }
    answers = {k: push_one(officer, record_of(visit, **v)) for k, v in refusals.items()}
    assert all(a["outcome"] == "rejected" for a in answers.values()), answers
    assert answers["items"]["fields"] == {
        "items": ["one result for every item of the visit's checklist"]
    }
    assert answers["date_in_future"]["reason"] == "date_in_future"
    assert list(answers["period"]["fields"]) == ["done_on"]
    for name in ("unsigned", "both", "absent_signs", "not_png", "not_base64", "huge"):
        assert "party_signature" in answers[name]["fields"], answers[name]
    assert list(answers["unit"]["fields"]) == ["unit_code"]
    # The certificates shown (art. 42, with two officers present: the pair the draw named).
    shown = push_one(officer, record_of(visit, certificates_shown=False))
    assert shown["reason"] == "certificate_not_shown"
    # Not his visit: township B's officer, a grid worker, a dispatcher of A (no inspector),
    # and a visit that does not exist are one and the same answer.
    unknown = record_of(visit, visit_id=2**31 - 1)
    strangers = [
        push_one(login("officer_b"), record_of(visit, unit_code="331123103")),
        push_one(login("officer_b"), record_of(visit)),
        push_one(login("officer_a"), unknown),
    ]
    assert [a["outcome"] for a in strangers] == ["rejected"] * 3
    assert {a["reason"] for a in strangers} <= {"invalid", "forbidden"}
    assert push_one(login("dispatcher_a"), record_of(visit))["reason"] == "forbidden"
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count(VisitRecord.id))).scalar_one() == 0
        assert db.session.get(InspectionVisit, visit["id"]).status == "planned"


def test_the_pair_both_record_offline_and_the_second_record_is_kept_for_a_supervisor(
    app, world, login, visit
):
    first, second = record_of(visit), record_of(visit, party_name="王某", findings="另记")
    assert push_one(login("officer_a"), first)["outcome"] == "applied"
    kept = push_one(login("leader_a"), second)
    assert kept["outcome"] == "conflict" and kept["reason"] == "visit_done"
    [conflict] = kept["conflicts"]
    assert conflict["device_value"]["payload"]["findings"] == "另记"
    # The first stands; the second is nowhere but in its conflict, for a supervisor.
    with app.app_context():
        assert db.session.get(InspectionVisit, visit["id"]).findings == "现场检查，证照齐全"
        assert db.session.get(VisitRecord, uuid.UUID(second["record_id"])) is None
        row = db.session.get(SyncConflict, uuid.UUID(conflict["id"]))
        assert row.reason == "visit_done" and row.device_by == world.users["leader_a"]
    # His phone sent it again (its first answer lost): the same answer, marked a replay.
    [again] = push(login("leader_a"), second)
    assert again["outcome"] == "conflict" and again["reason"] == "visit_done" and again["replay"]
    # The same record's id again from the first phone: a duplicate, not a second visit.
    assert push_one(login("officer_a"), {**first, "id": str(uuid.uuid4())})["outcome"] == (
        "duplicate"
    )


def test_two_records_of_one_visit_in_one_push_make_it_done_once(app, world, login, visit):
    first, second = record_of(visit), record_of(visit, findings="再记一次")
    answers = push(login("officer_a"), first, second)
    assert [a["outcome"] for a in answers] == ["applied", "conflict"]
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count(VisitRecord.id))).scalar_one() == 1


# -- a visit's photos (检查记录 needs 全过程记录) ---------------------------------------------


def photo_of(record: dict, photo: bytes, **kwargs) -> dict:
    """A photo taken while recording the visit: evidence whose parent is the record."""
    m = evidence_mutation(record["record_id"], photo, **kwargs)
    return {**m, "record_type": "visit_photo"}


def test_a_photo_taken_at_the_visit_syncs_with_its_record_and_is_checked_and_held(
    app, world, login, visit
):
    officer = login("officer_a")
    record = record_of(visit)
    photo = phone_photo()
    copy = compressed_copy(photo)
    taken = photo_of(record, photo, copy=copy)
    # The photo first, its record after it, in one push: the photo waits for it (R3).
    answers = push(officer, taken, record)
    assert [a["outcome"] for a in answers] == ["applied", "applied"], answers
    photo_id = taken["record_id"]
    # The bytes go as a clue's do: the copy first, then the original, checked alike.
    assert upload(officer, photo_id, copy).status_code == 204
    assert upload(officer, photo_id, photo).status_code == 204
    with app.app_context():
        row = db.session.get(Evidence, uuid.UUID(photo_id))
        assert isinstance(row, VisitPhoto) and row.clue_id is None
        assert str(row.visit_record_id) == record["record_id"]
        assert row.original_at is not None and row.copy_at is not None
    # Both of the pair's phones learn it is held (they may drop their copy).
    for name in ("officer_a", "leader_a"):
        pulled = pull_all(login(name))
        [held] = [c for c in pulled["changes"] if c["record_type"] == "visit_photo"]
        assert held["id"] == photo_id and held["data"]["visit_record_id"] == record["record_id"]
        assert files_held(held) == {"original": True, "copy": True}
        assert not [c for c in pulled["changes"] if c["record_type"] == "evidence"]
    # The township's staff read it with the record; the file is the bytes received.
    dispatcher = login("dispatcher_a")
    read = dispatcher.get(f"{API}/visit-records/{record['record_id']}/photos").get_json()
    assert [p["id"] for p in read] == [photo_id] and read[0]["tier"] == "original"
    original = dispatcher.get(f"{API}/evidence/{photo_id}/files/original")
    assert original.status_code == 200 and original.data == photo
    assert dispatcher.get(f"{API}/evidence/{photo_id}/files/print").status_code == 200
    # Township B sees neither the photo nor the record: 404, as for nothing at all.
    outsider = login("officer_b")
    for path in ("", "/files/original", "/files/thumb"):
        assert outsider.get(f"{API}/evidence/{photo_id}{path}").status_code == 404
    assert outsider.get(f"{API}/visit-records/{record['record_id']}/photos").status_code == 404
    assert start_upload(outsider, photo_id, photo).status_code == 404
    assert not [c for c in pull_all(outsider)["changes"] if c["record_type"] == "visit_photo"]
    # A clue's evidence list and export never carry it.
    with app.app_context():
        assert (
            db.session.execute(
                sa.select(sa.func.count()).where(Evidence.clue_id.is_not(None))
            ).scalar_one()
            == 0
        )


def test_a_visit_photo_misdeclared_or_not_the_recorders_is_refused_naming_the_field(
    app, world, login, visit
):
    officer = login("officer_a")
    record = record_of(visit)
    assert push_one(officer, record)["outcome"] == "applied"
    photo = phone_photo()
    video = push_one(officer, photo_of(record, photo, media_type="video/mp4"))
    assert video["outcome"] == "rejected" and "original" in video["fields"], video
    assert "media_type" in str(video["fields"]["original"])
    sound = push_one(officer, photo_of(record, photo, kind="audio"))
    assert sound["outcome"] == "rejected" and "kind" in sound["fields"], sound
    huge = photo_of(record, photo)
    huge["payload"]["original"]["size"] = 41 * 1024 * 1024
    answer = push_one(officer, huge)
    assert answer["outcome"] == "rejected" and "size" in str(answer["fields"]["original"])
    # The partner did not record it: the photos are the recorder's, with his record.
    assert push_one(login("leader_a"), photo_of(record, photo))["reason"] == "forbidden"
    # Bytes that are not what the record declares (a JPEG declared a PNG): refused by the
    # same checks as a clue's photo, naming the field, and never marked held.
    taken = photo_of(record, photo, media_type="image/png")
    assert push_one(officer, taken)["outcome"] == "applied"
    refused = upload(officer, taken["record_id"], photo)
    body = refused.get_json()
    assert 400 <= refused.status_code < 500 and "media_type" in str(body), body
    with app.app_context():
        assert db.session.get(Evidence, uuid.UUID(taken["record_id"])).original_at is None
