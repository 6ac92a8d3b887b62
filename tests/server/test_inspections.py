"""双随机一公开 and 综合查一次 through the API, on SQLite and PostgreSQL: the register's import
(all or nothing), a plan's life, the draw anyone can redo from the public page, scoping by
township and department, and merging visits into one joint visit."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile

import pytest
import sqlalchemy as sa

from server.accounts import service as accounts
from server.core.db import db
from server.inspections.models import InspectionObject, InspectionRecusal, InspectionVisit
from server.units.models import AdminUnit
from sync.draw import verify
from tests.server.inspection_kit import (
    PERIOD,
    credit_code,
    department_people,
    drawn_plan,
    import_register,
    plan_body,
    row,
    workbook,
)
from tests.server.world import PASSWORD, TODAY

API = "/api/v1"
THIRDS = {
    "high": "0.3333333333333333333333333333",
    "medium": "0.3333333333333333333333333333",
    "low": "0.3333333333333333333333333334",
}


@pytest.fixture
def app(make_app):
    return make_app(LOGIN_RATE_LIMIT="1000 per minute")  # many people log in from one client


def _count_objects(app) -> int:
    with app.app_context():
        return db.session.execute(sa.select(sa.func.count(InspectionObject.id))).scalar_one()


def test_a_county_admin_imports_the_register_and_a_reimport_updates_it(app, world, login):
    admin = login("admin_county")
    first = import_register(admin, 30)
    assert first.status_code == 200, first.get_json()
    assert first.get_json() == {"added": 30, "updated": 0}
    again = import_register(admin, 32)
    assert again.get_json() == {"added": 2, "updated": 30}
    listed = login("officer_a").get(f"{API}/inspection-objects", query_string={"page_size": 100})
    assert listed.status_code == 200 and len(listed.get_json()) == 32
    one = next(o for o in listed.get_json() if o["credit_code"] == credit_code(2))
    assert one["matter_codes"] == ["CG-001", "ZR-001"] and one["risk_grade"] == "low"
    assert one["departments"] == ["ZRZY"]  # by default, the departments holding the matters
    only_zr = login("officer_a").get(
        f"{API}/inspection-objects", query_string={"matter_code": "ZR-001", "page_size": 100}
    )
    assert len(only_zr.get_json()) == 16
    assert {o["township_id"] for o in listed.get_json()} == {world.units["town_a"].id}
    # A township's administrator does not keep the county's register.
    assert import_register(login("admin_a"), 3).status_code == 403


def test_a_register_with_bad_rows_names_each_and_stores_nothing(app, world, login):
    admin = login("admin_county")
    bad = workbook(
        [
            row(1),
            row(2, **{"统一社会信用代码": credit_code(2)[:-1] + "0"}),  # check character
            row(3, **{"风险等级": "极高"}),
            row(4, **{"检查事项": "XX-999"}),
            row(5, **{"纬度": "north"}),
            row(6, **{"名称": ""}),
            row(9, **{"所属乡镇": "别的镇"}),
            row(1),  # the first row again
        ]
    )
    response = admin.post(f"{API}/inspection-objects/import", data=bad)
    assert response.status_code == 422
    problems = response.get_json()["fields"]["file"]
    assert len(problems) == 7, problems
    assert problems[0].startswith("第3行 统一社会信用代码: check character")
    assert any(p.startswith("第4行 风险等级") for p in problems)
    assert any(p.startswith("第5行 检查事项: unknown matter 'XX-999'") for p in problems)
    assert any(p.startswith("第6行 纬度") for p in problems)
    assert any(p.startswith("第7行 名称: required") for p in problems)
    assert any(p.startswith("第8行 所属乡镇: no township '别的镇'") for p in problems)
    assert any(p.startswith("第9行 统一社会信用代码: repeats row 2") for p in problems)
    assert _count_objects(app) == 0
    not_a_workbook = admin.post(f"{API}/inspection-objects/import", data=b"PK\x03\x04garbage")
    assert not_a_workbook.status_code == 422
    assert not_a_workbook.get_json()["fields"] == {"file": ["not an .xlsx workbook"]}
    # A zip bomb: 200 MB of zeros in a file of a few hundred kB is refused before it unpacks.
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/sharedStrings.xml", b"0" * (200 * 1024 * 1024))
    assert len(bomb.getvalue()) < 1024 * 1024
    refused = admin.post(f"{API}/inspection-objects/import", data=bomb.getvalue())
    assert refused.status_code == 422
    assert "unpacks to more than 100 MB" in refused.get_json()["fields"]["file"][0]
    no_column = admin.post(
        f"{API}/inspection-objects/import", data=workbook([["x"]], header=["名称"])
    )
    assert "missing column 统一社会信用代码" in no_column.get_json()["fields"]["file"][0]


def test_a_plan_is_drafted_approved_by_a_leader_drawn_once_and_published(app, world, login):
    assert import_register(login("admin_county"), 30).status_code == 200
    dispatcher, leader = login("dispatcher_a"), login("leader_a")
    made = dispatcher.post(f"{API}/inspection-plans", json=plan_body(unit_code="331123102"))
    assert made.status_code == 201, made.get_json()
    plan = made.get_json()
    assert plan["status"] == "draft" and plan["owner"]["name"] == "大柘镇"
    # Not drawn before approval; only a leader approves.
    assert dispatcher.post(f"{API}/inspection-plans/{plan['id']}/draw").status_code == 409
    assert dispatcher.post(f"{API}/inspection-plans/{plan['id']}/approve").status_code == 403
    approved = leader.post(f"{API}/inspection-plans/{plan['id']}/approve")
    assert approved.get_json()["status"] == "approved"
    assert approved.get_json()["approved_by_id"] == world.users["leader_a"]

    drawn = dispatcher.post(f"{API}/inspection-plans/{plan['id']}/draw")
    assert drawn.status_code == 201, drawn.get_json()
    body = drawn.get_json()
    assert body["status"] == "drawn"
    assert body["draw"]["quotas"] == {"high": 5, "medium": 3, "low": 2}
    assert len(body["visits"]) == 10 and len(body["draw"]["seed"]) == 64
    township_officers = {world.users["officer_a"], world.users["leader_a"]}
    assert all(set(v["officers"]) == township_officers for v in body["visits"])
    assert all(v["checklist"][0]["department"] == "331123102" for v in body["visits"])
    # Once only.
    assert dispatcher.post(f"{API}/inspection-plans/{plan['id']}/draw").status_code == 409
    assert leader.post(f"{API}/inspection-plans/{plan['id']}/approve").status_code == 409

    # Not public until published; then anyone can redo it.
    public = app.test_client()
    assert public.get(f"{API}/public/inspection-draws").get_json() == []
    draw_id = body["draw"]["id"]
    assert public.get(f"{API}/public/inspection-draws/{draw_id}").status_code == 404
    published = dispatcher.post(f"{API}/inspection-plans/{plan['id']}/publish")
    assert published.get_json()["status"] == "published"
    listed = public.get(f"{API}/public/inspection-draws").get_json()
    assert [d["id"] for d in listed] == [draw_id]
    full = public.get(f"{API}/public/inspection-draws/{draw_id}").get_json()
    registers = full["registers"]
    recusals = [(r["officer_id"], r["object_id"]) for r in registers["recusals"]]
    terms = {k: full["plan"][k] for k in ("object_count", "shares", "matter_codes")}
    assert full["drawn"] == body["draw"]["drawn"]
    assert verify(full, registers["objects"], registers["officers"], recusals, terms) == []
    # A register changed after the fact no longer matches the published hash.
    forged = [{**registers["objects"][0], "risk_grade": "low"}, *registers["objects"][1:]]
    assert "hash of objects differs" in verify(full, forged, registers["officers"], recusals, terms)
    assert full["names"]["objects"][full["drawn"][0]["object_id"]].startswith("遂昌县测试商户")
    assert full["algorithm"] == "fieldcase-draw-1" and "SHA-256" in full["how_to_verify"]
    # The public rows carry no credit code, no address.
    assert set(registers["objects"][0]) == {"id", "name", "risk_grade", "matter_codes"}


def test_approval_commits_to_the_seed_and_freezes_the_registers(app, world, login):
    """sync.draw, committed before it is drawn: approving shows the seed's commitment and
    the registers' hashes, never the seed; a register changed afterwards does not change the
    draw; the published seed hashes to the commitment made at approval."""
    admin = login("admin_county")
    import_register(admin, 30)
    dispatcher, leader = login("dispatcher_a"), login("leader_a")
    plan = dispatcher.post(f"{API}/inspection-plans", json=plan_body(unit_code="331123102"))
    plan = plan.get_json()
    approved = leader.post(f"{API}/inspection-plans/{plan['id']}/approve").get_json()
    commitment, hashes = approved["seed_commitment"], approved["register_hashes"]
    assert len(commitment) == 64 and set(hashes) == {"objects", "officers", "recusals"}
    assert "seed" not in approved and approved["draw"] is None
    # A new object after approval is not in the pool this plan is drawn from.
    assert import_register(admin, 10, first=31).status_code == 200

    drawn = dispatcher.post(f"{API}/inspection-plans/{plan['id']}/draw").get_json()
    assert drawn["draw"]["hashes"] == hashes
    seed = drawn["draw"]["seed"]
    assert hashlib.sha256(seed.encode()).hexdigest() == commitment
    dispatcher.post(f"{API}/inspection-plans/{plan['id']}/publish")
    full = app.test_client().get(f"{API}/public/inspection-draws/{drawn['draw']['id']}")
    full = full.get_json()
    assert full["commitment"] == commitment and full["approved_at"]
    registers = full["registers"]
    recusals = [(r["officer_id"], r["object_id"]) for r in registers["recusals"]]
    terms = {k: full["plan"][k] for k in ("object_count", "shares", "matter_codes")}
    assert verify(full, registers["objects"], registers["officers"], recusals, terms) == []
    # A seed other than the one committed to is caught.
    other = {**full, "seed": "0" * 64}
    problems = verify(other, registers["objects"], registers["officers"], recusals, terms)
    assert "seed does not match the commitment made at approval" in problems


def test_plans_are_seen_by_their_township_and_the_county_only(app, world, login):
    import_register(login("admin_county"), 30)
    plan = drawn_plan(login, "a")
    url = f"{API}/inspection-plans/{plan['id']}"
    for name in ("dispatcher_a", "leader_a", "admin_a", "dispatcher_county"):
        assert login(name).get(url).status_code == 200, name
    for name in ("dispatcher_b", "leader_b", "department"):
        assert login(name).get(url).status_code == 404, name
        assert login(name).get(f"{API}/inspection-plans").get_json() == []
    assert login("leader_b").post(f"{url}/publish").status_code == 404
    # A plan for a township outside one's jurisdiction is refused naming the field.
    foreign = login("dispatcher_b").post(
        f"{API}/inspection-plans", json=plan_body(unit_code="331123102")
    )
    assert foreign.status_code == 422 and "unit_code" in foreign.get_json()["fields"]
    # Township B has no objects of its own: its plan has nothing to draw from.
    made = (
        login("dispatcher_b")
        .post(f"{API}/inspection-plans", json=plan_body(unit_code="331123103"))
        .get_json()
    )
    login("leader_b").post(f"{API}/inspection-plans/{made['id']}/approve")
    empty = login("dispatcher_b").post(f"{API}/inspection-plans/{made['id']}/draw")
    assert empty.status_code == 422 and "shares" in empty.get_json()["fields"]


def test_a_recused_officer_is_never_drawn_for_the_object(app, world, login):
    import_register(login("admin_county"), 30)
    with app.app_context():  # a third officer in township A, so every object has a pair
        town = db.session.get(AdminUnit, world.units["town_a"].id)
        accounts.create_user(
            username="officer3_a",
            display_name="officer3_a",
            password=PASSWORD,
            unit=town,
            roles=["officer"],
            certificate_no="ZJ-officer3_a",
            certificate_valid_from=TODAY - dt.timedelta(days=365),
            certificate_valid_until=TODAY + dt.timedelta(days=365),
        )
        ids = db.session.execute(sa.select(InspectionObject.id)).scalars().all()
        db.session.add_all(
            InspectionRecusal(officer_id=world.users["officer_a"], object_id=i, reason="亲属")
            for i in ids[:5]
        )
        db.session.commit()
    plan = drawn_plan(login, "a", object_count=30, shares=THIRDS)  # every object
    recused = [v for v in plan["visits"] if v["object_id"] in ids[:5]]
    assert len(recused) == 5
    assert all(world.users["officer_a"] not in v["officers"] for v in recused)
    assert any(world.users["officer_a"] in v["officers"] for v in plan["visits"])
    assert len(plan["draw"]["drawn"]) == 30


def test_shares_that_do_not_add_up_or_an_unknown_matter_are_refused(app, world, login):
    dispatcher = login("dispatcher_a")
    wrong = dispatcher.post(
        f"{API}/inspection-plans",
        json=plan_body(unit_code="331123102", shares={"high": "0.5", "low": "0.4"}),
    )
    assert wrong.status_code == 422 and "shares" in wrong.get_json()["fields"]
    unknown = dispatcher.post(
        f"{API}/inspection-plans", json=plan_body(unit_code="331123102", matter_codes=["XX"])
    )
    assert unknown.status_code == 422 and "matter_codes" in unknown.get_json()["fields"]


def test_a_township_and_a_department_reaching_one_object_make_one_joint_visit(app, world, login):
    import_register(login("admin_county"), 12)
    department_people(app, world)
    # Every CG-001 object (all twelve, four per grade) for township A; every ZR-001 object
    # (six, two per grade) for the department: the six they share are proposed for merging.
    township = drawn_plan(login, "a", object_count=12, shares=THIRDS)
    dept, dept_leader = login("department"), login("dept_leader")
    made = dept.post(
        f"{API}/inspection-plans",
        json=plan_body(
            title="自然资源执法检查", matter_codes=["ZR-001"], object_count=6, shares=THIRDS
        ),
    )
    assert made.status_code == 201, made.get_json()
    plan_id = made.get_json()["id"]
    assert made.get_json()["owner"]["code"] == "ZRZY"
    # The department's plan: the township's leader does not see it; its own leader approves.
    assert login("leader_a").post(f"{API}/inspection-plans/{plan_id}/approve").status_code == 404
    assert dept_leader.post(f"{API}/inspection-plans/{plan_id}/approve").status_code == 200
    drawn = dept.post(f"{API}/inspection-plans/{plan_id}/draw")
    assert drawn.status_code == 201, drawn.get_json()
    dept_officers = {world.users[f"dept_inspector{i}"] for i in (1, 2, 3)}
    assert all(set(v["officers"]) <= dept_officers for v in drawn.get_json()["visits"])

    # The township sees only its own visits: nothing to merge from its side.
    assert login("dispatcher_a").get(f"{API}/inspection-visits/proposals").get_json() == []
    county = login("dispatcher_county")
    proposals = county.get(f"{API}/inspection-visits/proposals").get_json()
    assert len(proposals) == 6
    first = proposals[0]
    assert first["departments"] == ["331123102", "ZRZY"]
    assert {i["department"] for i in first["checklist"]} == {"331123102", "ZRZY"}
    merged = county.post(f"{API}/inspection-visits/merge", json={"visit_ids": first["visit_ids"]})
    assert merged.status_code == 201, merged.get_json()
    joint = merged.get_json()
    assert joint["joint"] is True and joint["status"] == "planned"
    assert sorted(joint["plan_ids"]) == sorted([township["id"], plan_id])
    assert [(i["matter_code"], i["department"]) for i in joint["checklist"]] == [
        ("CG-001", "331123102"),
        ("ZR-001", "ZRZY"),
    ]
    with app.app_context():
        originals = db.session.execute(
            sa.select(InspectionVisit).where(InspectionVisit.id.in_(first["visit_ids"]))
        ).scalars()
        assert {(v.status, v.merged_into_id) for v in originals} == {("merged", joint["id"])}
    assert len(county.get(f"{API}/inspection-visits/proposals").get_json()) == 5
    # Merged once: the same visits again are refused, naming the field.
    again = county.post(f"{API}/inspection-visits/merge", json={"visit_ids": first["visit_ids"]})
    assert again.status_code == 422 and "visit_ids" in again.get_json()["fields"]
    # A township user cannot merge visits he does not see: as if they did not exist.
    hidden = login("dispatcher_a").post(
        f"{API}/inspection-visits/merge", json={"visit_ids": proposals[1]["visit_ids"]}
    )
    unknown = login("dispatcher_a").post(
        f"{API}/inspection-visits/merge", json={"visit_ids": [10**6, 10**6 + 1]}
    )
    assert hidden.status_code == unknown.status_code == 422


def test_the_dashboard_counts_drawn_done_and_merged_visits_and_the_burden_lifted(app, world, login):
    import_register(login("admin_county"), 12)
    department_people(app, world)
    drawn_plan(login, "a", object_count=12, shares=THIRDS)
    dept = login("department")
    made = dept.post(
        f"{API}/inspection-plans",
        json=plan_body(matter_codes=["ZR-001"], object_count=6, shares=THIRDS),
    ).get_json()
    login("dept_leader").post(f"{API}/inspection-plans/{made['id']}/approve")
    assert dept.post(f"{API}/inspection-plans/{made['id']}/draw").status_code == 201
    county = login("dispatcher_county")
    proposals = county.get(f"{API}/inspection-visits/proposals").get_json()
    for proposal in proposals[:3]:
        merged = county.post(
            f"{API}/inspection-visits/merge", json={"visit_ids": proposal["visit_ids"]}
        )
        assert merged.status_code == 201
    with app.app_context():  # one visit done (the phone's side is not built yet)
        visit = (
            db.session.execute(sa.select(InspectionVisit).where(InspectionVisit.joint.is_(True)))
            .scalars()
            .first()
        )
        visit.status = "done"
        db.session.commit()
    period = {"from": PERIOD["period_start"], "to": PERIOD["period_end"]}
    board = county.get(f"{API}/units/331123/dashboard", query_string=period).get_json()
    figures = board["inspections"]
    assert figures["plans"] == 2 and figures["drawn"] == 18 and figures["joint_visits"] == 3
    assert figures["joint_share"] == {"count": 6, "of": 18, "share": 0.3333}
    assert figures["done"] == {"count": 1, "of": 15, "share": 0.0667}
    assert figures["objects"] == 12 and figures["visits_spared"] == 3
    assert figures["visits_per_object_before"] == 1.5
    assert figures["visits_per_object_after"] == 1.25
    # A township's board counts its own plan only: nothing of the department's, no merges
    # seen from its side (the joint visits serve its plan too, so they count).
    town = login("dispatcher_a").get(f"{API}/units/331123102/dashboard", query_string=period)
    assert town.get_json()["inspections"]["plans"] == 1


def test_an_officer_declares_a_recusal_and_a_leader_records_one_in_his_jurisdiction_only(
    app, world, login
):
    import_register(login("admin_county"), 3)
    with app.app_context():
        object_id = db.session.execute(sa.select(sa.func.min(InspectionObject.id))).scalar()
    url = f"{API}/inspection-objects/{object_id}/recusals"
    officer, leader = login("officer_a"), login("leader_a")
    first = officer.post(url, json={"reason": "当事人系本人亲属"})
    assert first.status_code == 201, first.get_json()
    assert first.get_json()["officer_id"] == world.users["officer_a"]
    assert officer.post(url, json={"reason": "again"}).status_code == 200
    # Only a leader or an administrator names another officer, and only one he sees.
    other = officer.post(url, json={"reason": "x", "officer_id": world.users["leader_a"]})
    assert other.status_code == 422 and "officer_id" in other.get_json()["fields"]
    foreign = leader.post(url, json={"reason": "x", "officer_id": world.users["officer_b"]})
    unknown = leader.post(url, json={"reason": "x", "officer_id": 2**31 - 1})
    assert foreign.status_code == unknown.status_code == 422
    assert foreign.get_json() == unknown.get_json()
    recorded = leader.post(
        url, json={"reason": "曾在该企业任职", "officer_id": world.users["officer_a"]}
    )
    assert recorded.status_code == 200  # recorded already
    assert (
        officer.post(
            f"{API}/inspection-objects/{2**31 - 1}/recusals", json={"reason": "x"}
        ).status_code
        == 404
    )
    with app.app_context():
        rows = db.session.execute(sa.select(InspectionRecusal)).scalars().all()
        assert [(r.officer_id, r.object_id) for r in rows] == [
            (world.users["officer_a"], object_id)
        ]
