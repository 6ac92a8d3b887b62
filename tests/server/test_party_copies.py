# ruff: noqa: F811 (the app fixture is imported: a weekends-only working calendar)
"""The party's copy by QR code (issue 24): the case's officer mints a capability link to an
issued document; anyone holding it fetches the document as issued, each fetch audited; an
unknown, expired or revoked link is 404 alike, and the token is stored only hashed."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid

import sqlalchemy as sa

from server.audit.models import AuditEntry
from server.cases.party_copies import PartyCopyLink
from server.core.db import db, utcnow
from tests.server.calendar_kit import app  # noqa: F401 (a weekends-only calendar)
from tests.server.case_kit import decided_case


def _issued(world, login):
    officer, leader = login("officer_a"), login("leader_a")
    case_id = decided_case(world, officer, leader)
    r = leader.post(f"/api/v1/cases/{case_id}/documents", json={"kind": "penalty_decision"})
    assert r.status_code == 201, r.get_json()
    return officer, leader, r.get_json()


def test_the_officer_mints_a_link_the_party_fetches_his_copy_and_each_fetch_is_audited(
    app, world, login, client
):
    officer, leader, doc = _issued(world, login)
    # Only the case's officer (承办人): the head of the same township and a stranger: 404.
    assert leader.post(f"/api/v1/documents/{doc['id']}/party-links").status_code == 404
    assert login("officer_b").post(f"/api/v1/documents/{doc['id']}/party-links").status_code == 404
    assert officer.post(f"/api/v1/documents/{uuid.uuid4()}/party-links").status_code == 404
    r = officer.post(f"/api/v1/documents/{doc['id']}/party-links")
    assert r.status_code == 201, r.get_json()
    link = r.get_json()
    token = link["token"]
    assert len(token) >= 43 and link["url"].endswith(f"#/copy/{token}")
    with app.app_context():
        stored = db.session.get(PartyCopyLink, uuid.UUID(link["id"]))
        assert stored.token_sha256 == hashlib.sha256(token.encode()).hexdigest()
        assert token not in str(
            db.session.execute(sa.select(PartyCopyLink.__table__)).all()
        )  # only the hash is kept

    info = client.get(f"/api/v1/copies/{token}")  # no login
    assert info.status_code == 200, info.get_json()
    assert info.get_json()["title"] == "行政处罚决定书"
    assert info.get_json()["unit"] == f"{world.units['town_a'].name}人民政府"
    pdf = client.get(f"/api/v1/copies/{token}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert pdf.headers["X-Content-SHA256"] == doc["sha256"]  # the copy as issued, not redacted
    assert pdf.headers["Content-Disposition"] == f"attachment; filename={doc['act_code']}.pdf"
    with app.app_context():
        fetched = db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == "document.party_fetched")
        ).all()
        assert len(fetched) == 1 and fetched[0].detail["link"] == link["id"]


def test_an_unknown_expired_or_revoked_link_is_404_alike(app, world, login, client):
    officer, _, doc = _issued(world, login)
    assert client.get("/api/v1/copies/nonsense").status_code == 404
    assert client.get("/api/v1/copies/nonsense.pdf").status_code == 404
    expiring = officer.post(f"/api/v1/documents/{doc['id']}/party-links").get_json()
    with app.app_context():
        row = db.session.get(PartyCopyLink, uuid.UUID(expiring["id"]))
        row.expires_at = utcnow() - dt.timedelta(seconds=1)
        db.session.commit()
    assert client.get(f"/api/v1/copies/{expiring['token']}.pdf").status_code == 404

    revoked = officer.post(f"/api/v1/documents/{doc['id']}/party-links").get_json()
    assert client.get(f"/api/v1/copies/{revoked['token']}").status_code == 200
    assert login("officer_b").delete(f"/api/v1/party-links/{revoked['id']}").status_code == 404
    assert officer.delete(f"/api/v1/party-links/{revoked['id']}").status_code == 204
    gone = client.get(f"/api/v1/copies/{revoked['token']}.pdf")
    assert gone.status_code == 404
    assert client.get(f"/api/v1/copies/{revoked['token']}").status_code == 404


def test_the_public_copy_endpoints_are_rate_limited_by_address(app, world, login, client):
    officer, _, doc = _issued(world, login)
    token = officer.post(f"/api/v1/documents/{doc['id']}/party-links").get_json()["token"]
    app.config["PARTY_COPY_RATE_LIMIT"] = "3 per minute"
    answers = [client.get(f"/api/v1/copies/guess{i}").status_code for i in range(3)]
    assert answers == [404, 404, 404]
    assert client.get(f"/api/v1/copies/{token}").status_code == 429  # even the right one
