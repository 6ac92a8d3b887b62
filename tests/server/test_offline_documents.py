# ruff: noqa: F811 (the app fixture is imported: a weekends-only working calendar)
"""Documents made on site, offline (issue 22): numbers reserved ahead for an officer's phone
from the township's counters, the copy printed offline received as evidence by its hash,
and the sealed document issued under the very number and act code the copy carries; once,
whatever is replayed or sent twice."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid

import sqlalchemy as sa

from server.audit.models import AuditEntry
from server.cases.models import DocumentReservation
from server.core.db import db
from sync import legal
from sync.cases import today
from tests.server.calendar_kit import app  # noqa: F401 (a weekends-only calendar)
from tests.server.case_kit import case_step, opened_case
from tests.server.documents_kit import text_of
from tests.server.sync_kit import push_one


def reserve(session) -> list[dict]:
    r = session.post("/api/v1/documents/reservations")
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def ordered_case(world, officer, leader) -> str:
    """An opened case whose officer ordered the party to correct (the order may be issued)."""
    case_id = opened_case(world, officer, leader)
    day = today(dt.datetime.now(dt.UTC))
    step = case_step(
        case_id,
        "order_correction",
        requirements="清除焚烧残留物，恢复村口路面整洁",
        correct_by=(day + dt.timedelta(days=3)).isoformat(),
        ordered_on=day.isoformat(),
    )
    assert push_one(officer, step)["outcome"] == "applied"
    return case_id


def printed(reservation: dict, **over) -> dict:
    """The copy a phone printed under ``reservation``: HTML naming its number and act code."""
    html = (
        f"<!doctype html><title>责令改正通知书</title><p>{reservation['doc_number']}</p>"
        f"<p>{reservation['act_code']}</p><p>张三</p>"
    )
    body = html.encode()
    copy = {
        "id": str(uuid.uuid4()),
        "reservation_id": reservation["id"],
        "kind": reservation["kind"],
        "html": html,
        "sha256": hashlib.sha256(body).hexdigest(),
        "size": len(body),
        "paper": "80mm",
        "printed_at": dt.datetime.now(dt.UTC).isoformat(),
        "party_refusal": "当事人拒绝签名",
    }
    return {**copy, **over}


def send(session, case_id, copy):
    return session.post(f"/api/v1/cases/{case_id}/offline-documents", json=copy)


def test_a_phone_holds_three_numbers_per_offline_kind_counted_by_the_server(app, world, login):
    officer = login("officer_a")
    held = reserve(officer)
    assert [r["kind"] for r in held] == ["correction_order"] * 3
    assert all(legal.check_act_code(r["act_code"]) and "-ZG-" in r["act_code"] for r in held)
    assert all(r["doc_number"].startswith("大柘镇综执责改〔") for r in held)
    assert len({r["act_code"] for r in held}) == len({r["doc_number"] for r in held}) == 3
    # Topped up, not doubled: the same three; another phone of his holds its own.
    assert reserve(officer) == held
    other = reserve(login("officer_a"))
    assert not {r["act_code"] for r in other} & {r["act_code"] for r in held}


def test_the_copy_printed_offline_is_kept_and_the_sealed_document_takes_its_number(
    app, world, login
):
    officer, leader = login("officer_a"), login("leader_a")
    case_id = ordered_case(world, officer, leader)
    r = reserve(officer)[0]
    copy = printed(r)
    answer = send(officer, case_id, copy)
    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    doc, kept = body["document"], body["offline"]
    assert (doc["doc_number"], doc["act_code"]) == (r["doc_number"], r["act_code"])
    assert kept["sha256"] == copy["sha256"] and kept["document_id"] == doc["id"]
    pdf = officer.get(f"/api/v1/documents/{doc['id']}.pdf")
    text = text_of(pdf.data)
    for expected in ("责令改正通知书", r["doc_number"], r["act_code"], "张三"):
        assert expected in text, expected
    with app.app_context():
        [entry] = db.session.execute(
            sa.select(AuditEntry).where(AuditEntry.action == "document.offline_copy")
        ).scalars()
        assert entry.record_id == case_id and entry.detail["sha256"] == copy["sha256"]
        assert db.session.get(DocumentReservation, uuid.UUID(r["id"])).used_by == uuid.UUID(
            doc["id"]
        )
    # The console lists the copy handed over beside the sealed document.
    [listed] = leader.get(f"/api/v1/cases/{case_id}/offline-documents").get_json()
    assert listed["sha256"] == copy["sha256"] and listed["doc_number"] == r["doc_number"]
    # The number is used: the phone's reserve no longer holds it.
    assert r["id"] not in {x["id"] for x in reserve(officer)}


def test_a_replay_answers_the_same_and_a_second_copy_is_kept_but_issues_nothing(app, world, login):
    officer, leader = login("officer_a"), login("leader_a")
    case_id = ordered_case(world, officer, leader)
    first, second = reserve(officer)[:2]
    copy = printed(first)
    one = send(officer, case_id, copy).get_json()
    again = send(officer, case_id, copy)
    assert again.status_code == 200 and again.get_json() == one
    other = send(officer, case_id, printed(second))
    assert other.status_code == 201
    assert other.get_json()["document"]["id"] == one["document"]["id"]
    assert len(officer.get(f"/api/v1/cases/{case_id}/documents").get_json()) == 1
    assert len(officer.get(f"/api/v1/cases/{case_id}/offline-documents").get_json()) == 2
    with app.app_context():  # the second number named no document: voided on the record
        voided = db.session.get(DocumentReservation, uuid.UUID(second["id"]))
        assert voided.voided_at is not None and voided.used_by is None
        assert (
            db.session.execute(
                sa.select(AuditEntry).where(AuditEntry.action == "document.number_voided")
            )
            .scalar_one()
            .detail["act_code"]
            == second["act_code"]
        )


def test_a_copy_whose_hash_lies_is_refused_naming_the_field_and_nothing_is_kept(app, world, login):
    officer, leader = login("officer_a"), login("leader_a")
    case_id = ordered_case(world, officer, leader)
    r = reserve(officer)[0]
    lying = printed(r, sha256="0" * 64)
    answer = send(officer, case_id, lying)
    assert answer.status_code == 422 and answer.get_json()["error"] == "hash_mismatch"
    assert set(answer.get_json()["fields"]) == {"sha256"}
    assert officer.get(f"/api/v1/cases/{case_id}/offline-documents").get_json() == []
    assert officer.get(f"/api/v1/cases/{case_id}/documents").get_json() == []


def test_another_officers_reservation_is_not_found(app, world, login):
    officer, leader = login("officer_a"), login("leader_a")
    case_id = ordered_case(world, officer, leader)
    his = reserve(leader)[0]
    answer = send(officer, case_id, printed(his))
    assert answer.status_code == 404
    # Nor the same officer's from another phone of his.
    mine_elsewhere = reserve(login("officer_a"))[0]
    assert send(officer, case_id, printed(mine_elsewhere)).status_code == 404
    assert officer.get(f"/api/v1/cases/{case_id}/documents").get_json() == []


def test_a_number_unused_past_its_period_is_voided_on_the_record_not_lost(app, world, login):
    officer = login("officer_a")
    held = reserve(officer)
    with app.app_context():
        aged = db.session.get(DocumentReservation, uuid.UUID(held[0]["id"]))
        aged.reserved_at -= dt.timedelta(days=app.config["OFFLINE_RESERVATION_DAYS"] + 1)
        db.session.commit()
    now = reserve(officer)
    assert held[0]["id"] not in {r["id"] for r in now} and len(now) == 3
    with app.app_context():
        assert db.session.get(DocumentReservation, uuid.UUID(held[0]["id"])).voided_at
        [entry] = db.session.execute(
            sa.select(AuditEntry).where(AuditEntry.action == "document.number_voided")
        ).scalars()
        assert entry.detail["doc_number"] == held[0]["doc_number"]


def test_a_copy_the_records_do_not_yet_allow_is_kept_and_issued_when_sent_again(app, world, login):
    """The paper is in the party's hands whatever the server thinks of it: kept first; the
    sealed document follows once the case records the step it stands on (its replay)."""
    officer, leader = login("officer_a"), login("leader_a")
    case_id = opened_case(world, officer, leader)  # no order to correct recorded yet
    copy = printed(reserve(officer)[0])
    early = send(officer, case_id, copy)
    assert early.status_code == 201
    assert early.get_json()["document"] is None
    assert early.get_json()["refused"]["error"] == "not_yet"
    assert "kind" in early.get_json()["refused"]["fields"]
    assert len(officer.get(f"/api/v1/cases/{case_id}/offline-documents").get_json()) == 1
    day = today(dt.datetime.now(dt.UTC))
    step = case_step(
        case_id,
        "order_correction",
        requirements="清除焚烧残留物",
        correct_by=(day + dt.timedelta(days=3)).isoformat(),
        ordered_on=day.isoformat(),
    )
    assert push_one(officer, step)["outcome"] == "applied"
    later = send(officer, case_id, copy)
    assert later.status_code == 200
    assert later.get_json()["document"]["act_code"] == copy_reservation_code(app, copy)


def copy_reservation_code(app, copy: dict) -> str:
    with app.app_context():
        return db.session.get(DocumentReservation, uuid.UUID(copy["reservation_id"])).act_code
