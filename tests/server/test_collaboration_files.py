# ruff: noqa: F811 (the app fixture is imported: a weekends-only working calendar)
"""A department answers a collaboration request with its signed letter as a file, and the
township sends materials with its question (issue 21): who attaches, who reads, what a file
may be, and that reading one is audited."""

from __future__ import annotations

import hashlib
import uuid

import sqlalchemy as sa

from server.audit.models import AuditEntry
from server.cases.models import CollaborationFile
from server.core.db import db, utcnow
from sync.cases import today
from tests.server.calendar_kit import app  # noqa: F401 (a weekends-only calendar)
from tests.server.case_kit import case_create, collaboration_step, request_for
from tests.server.sync_kit import pull_all, push_one

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def a_request(world, login) -> str:
    created = case_create(world.clues["clue_a"])
    assert push_one(login("officer_a"), created)["outcome"] == "applied"
    asked = request_for(created["record_id"], sent_on=today(utcnow()).isoformat())
    assert push_one(login("officer_a"), asked)["outcome"] == "applied"
    return asked["record_id"]


def attach(session, ident: str, data: bytes, name: str = "认定意见书.pdf"):
    return session.post(
        f"/api/v1/collaborations/{ident}/files",
        query_string={"name": name},
        data=data,
        content_type="application/octet-stream",
    )


def test_the_department_answers_with_its_letter_and_the_township_reads_it(app, world, login):
    ident = a_request(world, login)
    department, officer = login("department"), login("officer_a")
    # The township's materials with its question; the department's signed letter.
    materials = attach(officer, ident, b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "现场照片.png")
    cursor = pull_all(officer)["cursor"]  # the phone is up to date: then the letter comes
    letter = attach(department, ident, PDF)
    assert materials.status_code == letter.status_code == 201, (materials.json, letter.json)
    assert materials.json["side"] == "township" and materials.json["media_type"] == "image/png"
    assert letter.json["side"] == "department" and letter.json["name"] == "认定意见书.pdf"
    assert letter.json["sha256"] == hashlib.sha256(PDF).hexdigest()
    # The same file again is the one attached.
    again = attach(department, ident, PDF, "copy.pdf")
    assert again.status_code == 200 and again.json["name"] == "认定意见书.pdf"
    # Both sides list them, and read them back as they were sent; reading is audited.
    for session in (officer, department, login("dispatcher_county")):
        listed = session.get(f"/api/v1/collaborations/{ident}/files").json
        assert [f["side"] for f in listed] == ["township", "department"]
    got = officer.get(f"/api/v1/collaborations/{ident}/files/{letter.json['sha256']}")
    assert got.status_code == 200 and got.data == PDF
    assert got.headers["Content-Type"] == "application/pdf"
    assert "attachment" in got.headers["Content-Disposition"]
    # The officer's phone pulls the request again, with its files' names (not their bytes).
    [data] = [c["data"] for c in pull_all(officer, cursor)["changes"] if c["id"] == ident]
    assert [(f["name"], f["side"]) for f in data["files"]] == [
        ("现场照片.png", "township"),
        ("认定意见书.pdf", "department"),
    ]
    with app.app_context():
        reads = (
            db.session.execute(
                sa.select(AuditEntry).where(AuditEntry.action == "collaboration.file_read")
            )
            .scalars()
            .all()
        )
        assert [r.actor_id for r in reads] == [world.users["officer_a"]]


def test_no_one_else_reads_or_attaches_and_a_bad_file_is_named(app, world, login):
    ident = a_request(world, login)
    files = f"/api/v1/collaborations/{ident}/files"
    # Another department, another township: as for a request that does not exist.
    for name in ("department_b", "officer_b"):
        assert login(name).get(files).status_code == 404
        assert attach(login(name), ident, PDF).status_code == 404
    assert login("officer_a").get(f"/api/v1/collaborations/{uuid.uuid4()}/files").status_code == 404
    # A grid worker of the township neither sees nor sends.
    assert login("grid_a").get(files).status_code == 404
    department = login("department")
    for data, name in ((b"GIF89a....", "x.gif"), (b"", "empty.pdf"), (b"MZ\x90\x00", "x.pdf")):
        bad = attach(department, ident, data, name)
        assert bad.status_code == 422 and list(bad.json["fields"]) == ["file"], bad.json
    big = attach(department, ident, PDF + b"0" * (7 * 1024 * 1024))
    assert big.status_code in (413, 422)
    missing = department.post(files, content_type="application/octet-stream")
    assert missing.status_code == 422 and "file" in missing.json["fields"]
    unknown = department.get(f"{files}/{'0' * 64}")
    assert unknown.status_code == 404
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count(CollaborationFile.id))).scalar() == 0


def test_the_department_attaches_only_while_the_request_waits_for_its_answer(app, world, login):
    ident = a_request(world, login)
    department = login("department")
    day = today(utcnow()).isoformat()
    reply = collaboration_step(ident, "reply", answered_on=day, answer="该地块属基本农田")
    assert push_one(department, reply)["outcome"] == "applied"
    late = attach(department, ident, PDF)
    assert late.status_code == 409
    # Answered: the township adds nothing more either (the request has ended).
    assert attach(login("officer_a"), ident, PDF).status_code == 409
