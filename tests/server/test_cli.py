"""The command line: the demo county and creating an administrator."""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from server.accounts.models import User
from server.audit.chain import verify
from server.cases.models import Case
from server.clues.models import Clue
from server.core.db import db
from server.demo.data import DEMO_PASSWORD


def test_the_demo_loads_a_county_whose_people_can_log_in_and_whose_audit_chain_verifies(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "hb_grid1" in result.output and DEMO_PASSWORD in result.output

    with app.app_context():
        statuses = set(db.session.execute(sa.select(Clue.status)).scalars())
        assert len(db.session.execute(sa.select(Clue.id)).all()) == 38
        assert {"reported", "accepted", "assigned", "in_progress", "closed"} <= statuses
        # Issue 21: a transfer a department accepted, and one waiting in its inbox.
        assert {"transferred", "transfer_accepted"} <= statuses
        # Art. 57: a new user sees each way a case ends without a penalty, the police too.
        ends = set(db.session.execute(sa.select(Case.status)).scalars())
        exits = {"not_penalised", "not_established", "transferred_out", "revoked", "handed_over"}
        assert exits <= ends
        assert verify().ok
        people = db.session.execute(sa.select(User)).scalars().all()
        assert {role for u in people for role in u.roles} == {
            "admin",
            "dispatcher",
            "department",
            "leader",
            "officer",
            "reviewer",
            "grid_worker",
        }

    login = app.test_client().post(
        "/api/v1/auth/login",
        json={"username": "hb_grid1", "password": DEMO_PASSWORD, "device_id": str(uuid.uuid4())},
    )
    assert login.status_code == 200

    again = runner.invoke(args=["seed-demo", "--if-empty"])
    assert again.exit_code == 0 and "not loaded again" in again.output
    assert "hb_grid1" in again.output
    with app.app_context():
        assert len(db.session.execute(sa.select(Clue.id)).all()) == 38


def test_create_admin_makes_an_administrator_of_an_existing_unit_only(app, world):
    runner = app.test_cli_runner()
    ok = runner.invoke(
        args=[
            "create-admin",
            "--username",
            "ops",
            "--name",
            "运维",
            "--unit-code",
            "331123",
            "--password",
            "a-long-password",
        ]
    )
    assert ok.exit_code == 0, ok.output
    with app.app_context():
        ops = db.session.execute(sa.select(User).where(User.username == "ops")).scalar_one()
        assert ops.roles == {"admin"} and ops.unit.code == "331123"

    unknown = runner.invoke(
        args=[
            "create-admin",
            "--username",
            "ops2",
            "--name",
            "x",
            "--unit-code",
            "999",
            "--password",
            "a-long-password",
        ]
    )
    assert unknown.exit_code != 0 and "unit" in unknown.output
    short = runner.invoke(
        args=[
            "create-admin",
            "--username",
            "ops3",
            "--name",
            "x",
            "--unit-code",
            "331123",
            "--password",
            "short",
        ]
    )
    assert short.exit_code != 0
    taken = runner.invoke(
        args=[
            "create-admin",
            "--username",
            "OPS",
            "--name",
            "x",
            "--unit-code",
            "331123",
            "--password",
            "a-long-password",
        ]
    )
    assert taken.exit_code != 0 and "username" in taken.output


def test_the_demo_county_has_a_register_two_departments_plans_and_a_joint_visit(app):
    from server.inspections.models import InspectionObject, InspectionPlan, InspectionVisit
    from sync.draw import verify as redo

    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count(InspectionObject.id))).scalar() == 200
        plans = db.session.execute(sa.select(InspectionPlan)).unique().scalars().all()
        assert sorted(p.department.code for p in plans) == ["NYNC", "ZRZY"]
        assert {p.status for p in plans} == {"published"}
        joint = (
            db.session.execute(sa.select(InspectionVisit).where(InspectionVisit.joint.is_(True)))
            .scalars()
            .all()
        )
        assert len(joint) == 1 and joint[0].departments == ["NYNC", "ZRZY"]
        assert {i["department"] for i in joint[0].checklist} == {"NYNC", "ZRZY"}
        assert verify().ok
    # The public page lets anyone redo each draw.
    public = app.test_client()
    for listed in public.get("/api/v1/public/inspection-draws").get_json():
        full = public.get(f"/api/v1/public/inspection-draws/{listed['id']}").get_json()
        registers = full["registers"]
        terms = {k: full["plan"][k] for k in ("object_count", "shares", "matter_codes")}
        recusals = [(r["officer_id"], r["object_id"]) for r in registers["recusals"]]
        assert redo(full, registers["objects"], registers["officers"], recusals, terms) == []
    # The department's liaison logs in and sees its plan.
    login = public.post(
        "/api/v1/auth/login",
        json={"username": "dept_zrzy", "password": DEMO_PASSWORD, "device_id": str(uuid.uuid4())},
    )
    token = login.get_json()["access_token"]
    mine = public.get("/api/v1/inspection-plans", headers={"Authorization": f"Bearer {token}"})
    assert [p["owner"]["code"] for p in mine.get_json()] == ["ZRZY"]
