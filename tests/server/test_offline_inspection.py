# ruff: noqa: F811 (the app fixture is imported: a weekends-only working calendar)
"""The 现场检查笔录 made and printed on site, offline (issue 22): the phone holds act codes
reserved for inspection records; an inspection recorded offline takes the next into its
payload and the push gives the record that very code when it is the author's and unused,
else keeps the record under a fresh one and says so (R3: never lost); the copy printed is
kept and the sealed record issued under the same act code and number, saying the same."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import uuid

import sqlalchemy as sa

from server.accounts.models import User
from server.audit.models import AuditEntry
from server.cases.models import Case, DocumentReservation, Inspection, OfflineDocument
from server.core.db import db
from server.evidence.models import Evidence
from server.sync_api.records import inspection_fields
from sync import legal
from sync.documents import compose
from sync.documents.data import document_data
from tests.server.calendar_kit import app  # noqa: F401 (a weekends-only calendar)
from tests.server.case_kit import confirm, inspection, opened_case
from tests.server.documents_kit import text_of
from tests.server.evidence_kit import evidence_mutation, patch, phone_photo, start_upload
from tests.server.offline_kit import printed, reserve, send
from tests.server.sync_kit import pulled, push_one


def offline_inspection(world, case_id, act_code) -> dict:
    """An inspection recorded offline by officer_a with leader_a, under ``act_code``."""
    m = inspection(case_id, [world.users["officer_a"], world.users["leader_a"]])
    if act_code is not None:
        m["payload"]["act_code"] = act_code
    return m


def codes(app, *ids) -> list[str]:
    with app.app_context():
        return [db.session.get(Inspection, uuid.UUID(str(i))).code for i in ids]


def redrawn(app) -> list[dict]:
    with app.app_context():
        rows = db.session.execute(
            sa.select(AuditEntry)
            .where(AuditEntry.action == "act_code.redrawn")
            .order_by(AuditEntry.id)
        ).scalars()
        return [e.detail for e in rows]


def test_a_phone_holds_three_inspection_act_codes_and_a_record_takes_one(app, world, login):
    officer, leader = login("officer_a"), login("leader_a")
    held = reserve(officer, "inspection_record")
    assert len(held) == 3
    assert all(legal.check_act_code(r["act_code"]) and "-JC-" in r["act_code"] for r in held)
    assert all(re.fullmatch(r".+综执检〔\d{4}〕\d+号", r["doc_number"]) for r in held)
    case_id = opened_case(world, officer, leader)
    m = offline_inspection(world, case_id, held[0]["act_code"])
    answer = push_one(officer, m)
    assert answer["outcome"] == "applied" and answer["code"] == held[0]["act_code"]
    assert "code_redrawn" not in answer
    assert codes(app, m["record_id"]) == [held[0]["act_code"]]
    assert pulled(officer, "inspection", m["record_id"])["data"]["code"] == held[0]["act_code"]
    # Taken by the record: not handed out again, nor voided; the reserve is topped up.
    again = reserve(officer, "inspection_record")
    assert held[0]["id"] not in {r["id"] for r in again} and len(again) == 3
    with app.app_context():
        assert db.session.get(DocumentReservation, uuid.UUID(held[0]["id"])).voided_at is None
    # Issued online, the record carries its code and the number reserved with it.
    assert push_one(leader, confirm(m["record_id"]))["outcome"] == "applied"
    r = officer.post(
        f"/api/v1/cases/{case_id}/documents",
        json={
            "kind": "inspection_record",
            "inspection_id": m["record_id"],
            "party_refusal": "当事人拒绝签名",
        },
    )
    assert r.status_code in (200, 201), r.get_json()
    doc = r.get_json()
    assert (doc["act_code"], doc["doc_number"]) == (held[0]["act_code"], held[0]["doc_number"])


def test_an_act_code_not_the_authors_to_give_is_redrawn_and_the_record_kept(app, world, login):
    """A code another officer holds, one another phone of his holds, one already taken and
    one never reserved: each record is kept (R3) under a fresh code, its answer and the
    audit naming the code offered and why."""
    officer, leader = login("officer_a"), login("leader_a")
    case_id = opened_case(world, officer, leader)
    mine = reserve(officer, "inspection_record")
    his = reserve(leader, "inspection_record")[0]["act_code"]
    elsewhere = reserve(login("officer_a"), "inspection_record")[0]["act_code"]
    first = offline_inspection(world, case_id, mine[0]["act_code"])
    assert push_one(officer, first)["code"] == mine[0]["act_code"]
    offers = {
        "not_yours": his,
        "not_yours ": elsewhere,
        "used": mine[0]["act_code"],
        "not_reserved": legal.make_act_code("330827101", 2026, "JC", 99999),
    }
    for why, offered in offers.items():
        m = offline_inspection(world, case_id, offered)
        answer = push_one(officer, m)
        assert answer["outcome"] == "applied", answer
        assert answer["code_redrawn"] == {"offered": offered, "why": why.strip()}
        assert answer["code"] != offered and "-JC-" in answer["code"]
        assert codes(app, m["record_id"]) == [answer["code"]]
    assert [d["why"] for d in redrawn(app)] == [w.strip() for w in offers]
    # A replay answers the first answer itself (R1), the redraw with it.
    m = offline_inspection(world, case_id, his)
    one = push_one(officer, m)
    assert push_one(officer, m)["code_redrawn"] == one["code_redrawn"]


def upload(session, evidence_id: str, data: bytes) -> None:
    started = start_upload(session, evidence_id, data)
    assert started.status_code == 201, started.data
    done = patch(session, started.headers["Location"], 0, data)
    assert done.status_code == 204, done.data


def phone_model(app, world, case_id, inspection_id, r) -> dict:
    """The record as the phone composes it (``pwa/src/offline-docs.js``): the inspection's
    fields as pulled, the officers, the case's party and the photos it holds (the hashes it
    took at capture), through ``sync.documents.data``."""
    with app.app_context():
        case = db.session.get(Case, uuid.UUID(case_id))
        i = db.session.get(Inspection, uuid.UUID(inspection_id))
        people = [db.session.get(User, u) for u in i.officers]
        photos = [
            {
                "captured_at": e.captured_at.isoformat(),
                "note": e.note,
                "sha256": e.original_sha256,
                "author_id": e.author_id,
            }
            for e in db.session.execute(
                sa.select(Evidence).where(Evidence.clue_id == case.clue_id)
            ).scalars()
        ]
        party = dict(case.data["party"])
    fields = pulled_fields(app, inspection_id)
    ctx = {
        "party": party,
        "officers": [{"name": p.display_name, "certificate_no": p.certificate_no} for p in people],
        "photos": photos,
        "signature_sha256": None,
        "signing": {"party_signature": None, "party_refusal": {"reason": "当事人拒绝签名"}},
    }
    common = {"agency": r["agency"], "doc_number": r["doc_number"], "act_code": r["act_code"]}
    data = document_data("inspection_record", fields, ctx)
    return compose("inspection_record", {**common, "generated_at": "2026-01-01 00:00", **data})


def pulled_fields(app, inspection_id) -> dict:
    with app.app_context():
        return inspection_fields(db.session.get(Inspection, uuid.UUID(inspection_id)))


def lines_of(model: dict) -> list[str]:
    lines = [model["title"], model["agency"], model["doc_number"]]
    for b in model["blocks"]:
        if b["type"] == "para":
            lines += b["text"].split("\n")
        elif b["type"] in ("form", "table"):
            lines += [str(cell) for row in b["rows"] for cell in row]
        elif b["type"] == "signatures":
            lines += [s["name"] for s in b["signers"]]
    return [x for x in lines if x]


def test_the_record_printed_offline_is_sealed_under_its_act_code_saying_the_same(app, world, login):
    officer, leader = login("officer_a"), login("leader_a")
    case_id = opened_case(world, officer, leader)
    r = reserve(officer, "inspection_record")[0]
    m = offline_inspection(world, case_id, r["act_code"])
    # A photo taken during it, on the case's clue, its file sent.
    with app.app_context():
        clue_id = db.session.get(Case, uuid.UUID(case_id)).clue_id
    taken = dt.datetime.fromisoformat(m["payload"]["started_at"]) + dt.timedelta(minutes=5)
    photo = phone_photo(seed=7)
    shot = evidence_mutation(clue_id, photo, captured_at=taken)
    # The copy reaches the server before the record: kept, not issued, naming why.
    copy = {**printed(r), "inspection_id": m["record_id"]}
    early = send(officer, case_id, copy)
    assert early.status_code == 201, early.get_json()
    assert early.get_json()["refused"]["fields"] == {
        "inspection_id": ["name the inspection record, on this case, once it has been pushed"]
    }
    assert push_one(officer, m)["code"] == r["act_code"]
    assert push_one(officer, shot)["outcome"] == "applied"
    upload(officer, shot["record_id"], photo)
    # Art. 42: issued once the second officer has confirmed.
    assert send(officer, case_id, copy).get_json()["refused"]["error"] == "awaiting_confirmation"
    assert push_one(leader, confirm(m["record_id"]))["outcome"] == "applied"
    answer = send(officer, case_id, copy)
    assert answer.status_code == 200, answer.get_json()
    doc = answer.get_json()["document"]
    assert (doc["kind"], doc["act_code"], doc["doc_number"]) == (
        "inspection_record",
        r["act_code"],
        r["doc_number"],
    )
    pdf = officer.get(f"/api/v1/documents/{doc['id']}.pdf").data
    text, raw = text_of(pdf), text_of(pdf, "-raw")  # -raw: a table's cells kept whole
    model = phone_model(app, world, case_id, m["record_id"], r)
    squeezed = [re.sub(r"\s+", "", x) for x in lines_of(model)]
    missing = [x for x in squeezed if x not in text and x not in raw]
    assert not missing, (missing, text)
    assert "现场有焚烧痕迹" in text and hashlib.sha256(photo).hexdigest() in raw
    # Issued once: asked online, the same document.
    again = officer.post(
        f"/api/v1/cases/{case_id}/documents",
        json={
            "kind": "inspection_record",
            "inspection_id": m["record_id"],
            "party_refusal": "当事人拒绝签名",
        },
    )
    assert again.get_json()["id"] == doc["id"]


def test_an_inspection_record_signed_by_hand_on_the_paper_is_refused_naming_the_field(
    app, world, login
):
    """A 笔录 bears the party's signature or the note of his refusal (行政处罚法 第五十五条):
    the signing by hand a notice admits is not the inspection record's, so its copy sent as
    signed on the paper is refused, naming ``party_signs_paper``, and nothing is kept."""
    officer, leader = login("officer_a"), login("leader_a")
    case_id = opened_case(world, officer, leader)
    r = reserve(officer, "inspection_record")[0]
    m = offline_inspection(world, case_id, r["act_code"])
    assert push_one(officer, m)["code"] == r["act_code"]
    copy = {**printed(r), "inspection_id": m["record_id"], "party_refusal": None}
    answer = send(officer, case_id, {**copy, "party_signs_paper": True})
    assert answer.status_code == 422, answer.get_json()
    assert "party_signs_paper" in answer.get_json()["fields"], answer.get_json()
    with app.app_context():
        assert db.session.execute(sa.select(OfflineDocument)).first() is None
