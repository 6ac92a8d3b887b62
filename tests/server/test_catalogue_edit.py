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


def test_a_matters_history_reads_each_correction_newest_first_and_an_unknown_one_is_404(
    app, world, login
):
    """The console shows what a matter's bases were and who changed them (issue 20: the
    catalogue's history, as the empowerments have theirs)."""
    admin = login("admin_county")
    assert admin.get("/api/v1/matters/CG-001/history").get_json() == []
    first = {"penalty_range": "处五十元以上五百元以下罚款"}
    second = {"penalty_range": "处一百元以上五百元以下罚款", "penalty_basis": "第三十六条"}
    assert admin.patch("/api/v1/matters/CG-001", json=first).status_code == 200
    assert admin.patch("/api/v1/matters/CG-001", json=second).status_code == 200
    assert admin.patch("/api/v1/matters/CG-001", json=second).status_code == 200  # no change
    officer = login("officer_a")  # staff read it, as they read the catalogue
    history = officer.get("/api/v1/matters/CG-001/history").get_json()
    assert [sorted(h["changes"]) for h in history] == [
        ["penalty_basis", "penalty_range"],
        ["penalty_range"],
    ]
    assert history[0]["changes"]["penalty_range"] == {
        "from": first["penalty_range"],
        "to": second["penalty_range"],
    }
    assert history[0]["by"] and history[0]["at"] >= history[1]["at"]
    assert officer.get("/api/v1/matters/XX-999/history").status_code == 404
    assert officer.get("/api/v1/matters/CG-001/history?x=1").status_code == 422
