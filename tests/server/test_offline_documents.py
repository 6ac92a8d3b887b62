# ruff: noqa: F811 (the app fixture is imported: a weekends-only working calendar)
"""Documents made on site, offline (issue 22): numbers reserved ahead for an officer's phone
from the township's counters, the copy printed offline received as evidence by its hash,
and the sealed document issued under the very number and act code the copy carries; once,
whatever is replayed or sent twice."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import sqlalchemy as sa

from server.accounts.models import User
from server.audit.models import AuditEntry
from server.cases.models import (
    Case,
    DocumentReservation,
    Inspection,
    IssuedDocument,
    OfflineDocument,
)
from server.catalogue.models import Matter
from server.core.db import db
from sync import legal
from sync.cases import today
from sync.documents import compose
from sync.documents.data import document_data
from sync.workflow import CHOICE_LABELS
from tests.server.calendar_kit import app  # noqa: F401 (a weekends-only calendar)
from tests.server.case_kit import case_step, opened_case
from tests.server.documents_kit import text_of
from tests.server.offline_kit import printed, reserve, send
from tests.server.sync_kit import mutation, push_one


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


def test_a_phone_holds_three_numbers_per_offline_kind_counted_by_the_server(app, world, login):
    officer = login("officer_a")
    held = reserve(officer, None)
    kinds = [r["kind"] for r in held]
    assert sorted(kinds) == (
        ["correction_order"] * 3
        + ["inspection_record"] * 3
        + ["preservation_notice"] * 3
        + ["summary_decision"] * 3
    )
    orders, decisions = reserve(officer), reserve(officer, "summary_decision")
    notices = reserve(officer, "preservation_notice")
    assert all("-DB-" in r["act_code"] and "登存〔" in r["doc_number"] for r in notices)
    assert all(legal.check_act_code(r["act_code"]) and "-ZG-" in r["act_code"] for r in orders)
    assert all(r["doc_number"].startswith("大柘镇综执责改〔") for r in orders)
    assert all("-CF-" in r["act_code"] for r in decisions)
    assert len({r["act_code"] for r in held}) == len({r["doc_number"] for r in held}) == 12
    # What the paper prints that only the server knows comes with the number.
    assert {r["payment_bank"] for r in held} == {app.config["FINE_PAYMENT"]}
    assert {(r["reconsideration_body"][-4:], r["court"][-4:]) for r in held} == {
        ("人民政府", "人民法院")
    }
    # Topped up, not doubled: the same twelve; another phone of his holds its own.
    assert reserve(officer, None) == held
    other = reserve(login("officer_a"), None)
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
    held = reserve(officer, None)
    with app.app_context():
        aged = db.session.get(DocumentReservation, uuid.UUID(held[0]["id"]))
        aged.reserved_at -= dt.timedelta(days=app.config["OFFLINE_RESERVATION_DAYS"] + 1)
        db.session.commit()
    now = reserve(officer, None)
    assert held[0]["id"] not in {r["id"] for r in now} and len(now) == len(held) == 12
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


def on_the_spot_case(app, world, officer) -> str:
    """A case decided on the spot (arts. 51, 52) by officer_a with leader_a: a fine, the
    party heard, the second officer not yet confirmed (art. 42)."""
    with app.app_context():
        db.session.get(Matter, world.matters["SR-001"].id).summary_procedure_allowed = True
        db.session.commit()
    created = mutation(
        "case",
        uuid.uuid4(),
        "create",
        {
            "procedure": "summary",
            "matter_code": "SR-001",
            "party": {"kind": "person", "name": "王五", "id_number": "330000199001011234"},
            "facts": "在大柘村村口露天焚烧秸秆",
            "violation_on": today(dt.datetime.now(dt.UTC)).isoformat(),
        },
        parent_id=world.clues["clue_a"],
    )
    assert push_one(officer, created)["outcome"] == "applied"
    point = {"point": "只烧了一点落叶", "recheck": "现场过火面积约二十平方米", "adopted": False}
    step = case_step(
        created["record_id"],
        "decide_on_spot",
        officers=[world.users["officer_a"], world.users["leader_a"]],
        penalty={"kind": "fine", "amount_fen": 100_00},
        certificate_shown=True,
        statement_kind="oral",
        statement_points=[point],
    )
    assert push_one(officer, step)["outcome"] == "applied"
    return created["record_id"]


def phone_data(app, case_id: str, r: dict) -> dict:
    """The decision's data as the phone builds it (``pwa/src/offline-docs.js``): the case's
    fields as pulled, the officers by the people list, the clue's address, the settings sent
    with the reserved number, through ``sync.documents.data``."""
    with app.app_context():
        case = db.session.get(Case, uuid.UUID(case_id))
        fields = dict(case.data)
        people = {u: db.session.get(User, u) for u in fields["on_spot_officers"]}
        officers = [
            {"name": people[u].display_name, "certificate_no": people[u].certificate_no}
            for u in fields["on_spot_officers"]
        ]
        matter = {
            "legal_basis": case.matter.legal_basis,
            "penalty_basis": case.matter.penalty_basis,
        }
        place = case.clue.address
        assert place, "the phone offers it only with the clue's address"
    labels = {k: v["zh-CN"] for k, v in CHOICE_LABELS.items()}
    ctx = {
        "matter": matter,
        "officers": officers,
        "labels": labels,
        "place": place,
        "signing": {"party_signature": None, "party_refusal": {"reason": "当事人拒绝签名"}},
        **{k: r[k] for k in ("payment_bank", "reconsideration_body", "court")},
    }
    common = {"agency": r["agency"], "doc_number": r["doc_number"], "act_code": r["act_code"]}
    return {
        **common,
        "generated_at": "2026-01-01 00:00",
        **document_data("summary_decision", fields, ctx),
    }


def test_art_52_an_on_the_spot_decision_printed_offline_is_sealed_under_its_number_saying_the_same(
    app, world, login
):
    """The decision handed over on the spot (第五十二条), printed offline: kept at once, its
    sealed document issued under the same number and act code once the second officer has
    confirmed (art. 42), and every text of the phone's document is in the sealed PDF."""
    officer, leader = login("officer_a"), login("leader_a")
    case_id = on_the_spot_case(app, world, officer)
    r = reserve(officer, "summary_decision")[0]
    copy = printed(r)
    early = send(officer, case_id, copy)
    assert early.status_code == 201, early.get_json()
    assert early.get_json()["refused"]["error"] == "awaiting_confirmation"
    assert push_one(leader, case_step(case_id, "confirm_on_spot"))["outcome"] == "applied"
    answer = send(officer, case_id, copy)  # the phone's next sync sends it again
    assert answer.status_code == 200, answer.get_json()
    doc = answer.get_json()["document"]
    assert (doc["kind"], doc["doc_number"], doc["act_code"]) == (
        "summary_decision",
        r["doc_number"],
        r["act_code"],
    )
    text = text_of(officer.get(f"/api/v1/documents/{doc['id']}.pdf").data)
    model = compose("summary_decision", phone_data(app, case_id, r))
    lines = [model["title"], model["agency"], model["doc_number"]]
    for b in model["blocks"]:
        if b["type"] == "para":
            lines += b["text"].split("\n")
        elif b["type"] == "form":
            lines += [cell for row in b["rows"] for cell in row]
        elif b["type"] == "signatures":
            lines += [s["name"] for s in b["signers"]]
    missing = [x for x in lines if x and re.sub(r"\s+", "", x) not in text]
    assert not missing, (missing, text)
    assert "只烧了一点落叶" in text and "壹佰元" in text


ITEMS = "焚烧工具一套\n秸秆 约20千克\n废旧轮胎 12"


def preserved_case(world, officer, leader, **over) -> str:
    """An opened case (its inspection by two, vouched) whose evidence was preserved on site
    today (第五十六条): the items, where they are kept, the head's approval."""
    case_id = opened_case(world, officer, leader)
    args = {
        "preserved_on": today(dt.datetime.now(dt.UTC)).isoformat(),
        "items": ITEMS,
        "storage_place": "大柘镇综合行政执法队证据保管室",
        "head_approved": True,
        **over,
    }
    args = {k: v for k, v in args.items() if v is not None}
    assert push_one(officer, case_step(case_id, "preserve", **args))["outcome"] == "applied"
    return case_id


def preservation_phone_data(app, case_id: str, r: dict, signing: dict) -> dict:
    """The notice's data as the phone builds it (``pwa/src/offline-docs.js``): the case's
    fields as pulled, the officers of its inspection by the people list, the matter's name,
    through ``sync.documents.data``."""
    with app.app_context():
        case = db.session.get(Case, uuid.UUID(case_id))
        fields = dict(case.data)
        [record] = db.session.execute(
            sa.select(Inspection).where(Inspection.case_id == case.id)
        ).scalars()
        ids = record.officers
        officers = [
            {"name": u.display_name, "certificate_no": u.certificate_no}
            for u in (db.session.get(User, i) for i in ids)
        ]
        matter = {
            "name": case.matter.name,
            "legal_basis": case.matter.legal_basis,
            "penalty_basis": case.matter.penalty_basis,
        }
    ctx = {"matter": matter, "officers": officers, "labels": {}, "place": None, "signing": signing}
    common = {"agency": r["agency"], "doc_number": r["doc_number"], "act_code": r["act_code"]}
    return {
        **common,
        "generated_at": "2026-01-01 00:00",
        **document_data("preservation_notice", fields, ctx),
    }


def model_lines(model: dict) -> list[str]:
    lines = [model["title"], model["agency"], model["doc_number"]]
    for b in model["blocks"]:
        if b["type"] == "para":
            lines += b["text"].split("\n")
        elif b["type"] in ("form", "table"):
            lines += [cell for row in b["rows"] for cell in row]
        elif b["type"] == "signatures":
            lines += [s["name"] for s in b["signers"]] + [s.get("note") or "" for s in b["signers"]]
    return [x for x in lines if x]


def test_art_56_a_preservation_notice_printed_offline_is_sealed_under_its_number_saying_the_same(
    app, world, login
):
    """The notice handed over as the evidence is kept (第五十六条), printed offline, the party
    signing the paper by hand: kept, then issued under the same number and act code, every
    text of the phone's notice in the sealed PDF, the record saying the party signed the
    paper (not a refusal, not missing)."""
    officer, leader = login("officer_a"), login("leader_a")
    case_id = preserved_case(world, officer, leader)
    r = reserve(officer, "preservation_notice")[0]
    copy = {**printed(r, party_signs_paper=True), "party_refusal": None}
    answer = send(officer, case_id, copy)
    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    doc = body["document"]
    assert body.get("refused") is None, body
    assert (doc["kind"], doc["doc_number"], doc["act_code"]) == (
        "preservation_notice",
        r["doc_number"],
        r["act_code"],
    )
    text = text_of(officer.get(f"/api/v1/documents/{doc['id']}.pdf").data)
    by_hand = {"party_signature": None, "party_refusal": None, "party_signs_paper": True}
    model = compose("preservation_notice", preservation_phone_data(app, case_id, r, by_hand))
    missing = [x for x in model_lines(model) if re.sub(r"\s+", "", x) not in text]
    assert not missing, (missing, text)
    assert "约20千克" in text and "拒绝" not in text
    with app.app_context():
        issued = db.session.get(IssuedDocument, uuid.UUID(doc["id"]))
        assert issued.party_signing == "paper"


def test_a_notice_signed_by_hand_and_refused_at_once_is_refused_naming_the_field(app, world, login):
    officer, leader = login("officer_a"), login("leader_a")
    case_id = preserved_case(world, officer, leader)
    r = reserve(officer, "preservation_notice")[0]
    answer = send(officer, case_id, printed(r, party_signs_paper=True))  # and a refusal
    assert answer.status_code == 422, answer.get_json()
    assert "party_signs_paper" in str(answer.get_json())
    with app.app_context():
        assert db.session.execute(sa.select(OfflineDocument)).first() is None


def test_a_notice_the_records_cannot_print_is_kept_and_the_answer_names_why(app, world, login):
    """A preservation queued by an older app (no place, no approval): the phone does not
    make it offline; a copy sent anyway is kept as evidence and not issued, naming why."""
    officer, leader = login("officer_a"), login("leader_a")
    case_id = preserved_case(world, officer, leader, storage_place=None, head_approved=None)
    r = reserve(officer, "preservation_notice")[0]
    answer = send(officer, case_id, printed(r))
    assert answer.status_code == 201, answer.get_json()
    refused = answer.get_json()["refused"]
    assert refused["error"] == "document_incomplete", refused
    assert {"storage_place", "approved"} <= set(refused["fields"]), refused
    assert answer.get_json()["document"] is None
