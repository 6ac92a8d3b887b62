"""The catalogue keeps the provision violated (违法依据) apart from the one that sets the
penalty (处罚依据), and a county administrator corrects them and the discretion standard;
each change is in the audit chain with what it was."""

from __future__ import annotations

import sqlalchemy as sa

from server.audit.models import AuditEntry
from server.core.db import db


def test_a_county_admin_splits_a_matters_bases_and_the_chain_keeps_the_old_text(app, world, login):
    admin = login("admin_county")
    change = {
        "legal_basis": "《城市市容和环境卫生管理条例》第十四条",
        "penalty_basis": "《城市市容和环境卫生管理条例》第三十六条",
        "discretion": [{"level": "一般", "condition": "首次", "fine_fen": [100_00, 500_00]}],
    }
    r = admin.patch("/api/v1/matters/CG-001", json=change)
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert (body["legal_basis"], body["penalty_basis"]) == (
        change["legal_basis"],
        change["penalty_basis"],
    )
    with app.app_context():
        [entry] = db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == "matter.update")
        ).all()
        assert entry.detail["legal_basis"]["from"] == "demo"  # the world's text, kept
        assert entry.detail["penalty_basis"] == {"from": None, "to": change["penalty_basis"]}


def test_bad_catalogue_edits_name_the_field_and_township_admins_may_not(app, world, login):
    admin = login("admin_county")
    bad = admin.patch(
        "/api/v1/matters/CG-001",
        json={"discretion": [{"level": "一般", "condition": "x", "fine_fen": [500, 100]}]},
    )
    assert bad.status_code == 422 and "discretion" in bad.get_json()["fields"], bad.get_json()
    assert admin.patch("/api/v1/matters/XX-999", json={"penalty_range": "x"}).status_code == 404
    assert login("admin_a").patch("/api/v1/matters/CG-001", json={}).status_code == 403
