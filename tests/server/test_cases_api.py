# ruff: noqa: F811 (the app fixture is imported: a weekends-only working calendar)
"""Cases through the sync API, on SQLite and PostgreSQL: a clue becomes a case, two
certified officers record an inspection, the prior notice, the decision, service and
payment, each step checked by the law's rules (sync.cases) and kept as the device sent it.
"""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa

from server.audit.models import AuditEntry
from server.cases.models import Case, Inspection
from server.catalogue.models import Matter
from server.clues.models import Clue
from server.core.db import db
from sync import legal
from sync.cases import awaited_step, today
from tests.server.calendar_kit import app  # noqa: F401 (a weekends-only calendar)
from tests.server.case_kit import (
    case_create,
    case_step,
    decided_case,
    inspection,
    opened_case,
    waive,
)
from tests.server.documents_kit import text_of
from tests.server.sync_kit import mutation, pull_all, push_one


def approved(world, officer, leader, **overrides) -> str:
    """A general case of township A's clue, proposed and opened; returns its id."""
    created = case_create(world.clues["clue_a"], **overrides)
    assert push_one(officer, created)["outcome"] == "applied"
    case_id = created["record_id"]
    assert push_one(leader, case_step(case_id, "approve_opening"))["outcome"] == "applied"
    return case_id


def test_a_general_case_from_opening_to_payment_through_the_sync_api(app, world, login):
    officer, leader = login("officer_a"), login("leader_a")
    clue_id = world.clues["clue_a"]
    created = case_create(clue_id)
    r = push_one(officer, created)
    assert r["outcome"] == "applied", r
    case_id = created["record_id"]
    assert legal.check_act_code(r["code"]) and r["code"].startswith("331123102-")
    assert "-LA-" in r["code"]

    assert push_one(leader, case_step(case_id, "approve_opening"))["outcome"] == "applied"
    # Art. 42: a record with one officer is refused, with the article's reason.
    one = push_one(officer, inspection(case_id, [world.users["officer_a"]]))
    assert one["outcome"] == "rejected" and one["reason"] == "too_few_officers"
    two = push_one(
        officer, inspection(case_id, [world.users["officer_a"], world.users["leader_a"]])
    )
    assert two["outcome"] == "applied", two
    assert "-JC-" in two["code"] and legal.check_act_code(two["code"])

    day = today(dt.datetime.now(dt.UTC)).isoformat()
    fine = {"kind": "fine", "amount_fen": 500_00}
    r = push_one(officer, case_step(case_id, "notify", penalty=fine, notified_on=day))
    assert r["outcome"] == "applied", r
    waive(officer, case_id, day)
    # A decision heavier than notified is refused (art. 45); the notified one is made.
    heavier = {"kind": "fine", "amount_fen": 800_00}
    r = push_one(leader, case_step(case_id, "decide", penalty=heavier))
    assert r["reason"] == "heavier_than_notified"
    assert push_one(leader, case_step(case_id, "decide", penalty=fine))["outcome"] == "applied"
    r = push_one(
        officer, case_step(case_id, "serve", served_on=day, method="in_person", proof="送达回证")
    )
    assert r["outcome"] == "applied", r
    # The exported workflow says what the pulled case waits for: the payment.
    awaits = officer.get("/api/v1/workflow").get_json()["records"]["case"]["awaits"]
    [served] = [c for c in pull_all(officer)["changes"] if c["id"] == case_id]
    assert awaited_step(served["data"], awaits) == "pay"
    assert (
        push_one(
            officer,
            case_step(case_id, "pay", paid_on=day, paid_fen=500_00, receipt_no="3311230000000001"),
        )["outcome"]
        == "applied"
    )
    assert push_one(leader, case_step(case_id, "close"))["outcome"] == "applied"

    with app.app_context():
        case = db.session.get(Case, uuid.UUID(case_id))
        assert case.status == "closed" and case.penalty_fen == 500_00
        assert case.decided_on.isoformat() == day and case.data["inspections"] == 1
        assert case.opened_at is not None and case.decision_due is not None
        [record] = db.session.execute(sa.select(Inspection)).scalars().all()
        assert record.officers == [world.users["officer_a"], world.users["leader_a"]]
        actions = (
            db.session.execute(sa.select(AuditEntry.action).where(AuditEntry.record_id == case_id))
            .scalars()
            .all()
        )
        assert actions.count("sync.transition") >= 6 and "sync.parent" in actions

    # The officer's phone pulls the case and its record; a grid worker's does not.
    changes = pull_all(officer)["changes"]
    kinds = {(c["record_type"], c["id"]) for c in changes}
    assert ("case", case_id) in kinds and ("inspection", two["record_id"]) in kinds
    [pulled] = [c for c in changes if c["id"] == case_id]
    assert pulled["data"]["status"] == "closed" and pulled["data"]["code"] == r.get(
        "code", pulled["data"]["code"]
    )
    grid = pull_all(login("grid_a"))["changes"]
    assert not [c for c in grid if c["record_type"] in ("case", "inspection")]


def test_art_57_a_major_violation_is_stored_discussed_then_decided(app, world, login):
    """The status the heads' collective discussion leaves (art. 57(2)) is one the database
    takes (migration 0010), and the discussion comes back in a pull."""
    officer, leader = login("officer_a"), login("leader_a")
    case_id = approved(world, officer, leader, major_violation=True)
    officers = [world.users["officer_a"], world.users["leader_a"]]
    assert push_one(officer, inspection(case_id, officers))["outcome"] == "applied"
    day = today(dt.datetime.now(dt.UTC)).isoformat()
    fine = {"kind": "fine", "amount_fen": 500_00}
    assert push_one(officer, case_step(case_id, "notify", penalty=fine, notified_on=day))[
        "outcome"
    ] == ("applied")
    waive(officer, case_id, day)
    early = push_one(leader, case_step(case_id, "decide", penalty=fine))
    assert early["reason"] == "steps_missing"

    talk = case_step(
        case_id, "discuss", discussed_on=day, participants="镇长、副镇长", conclusion="同意"
    )
    assert push_one(leader, talk)["outcome"] == "applied"
    with app.app_context():
        assert db.session.get(Case, uuid.UUID(case_id)).status == "discussed"
    assert push_one(leader, case_step(case_id, "decide", penalty=fine))["outcome"] == "applied"
    [pulled] = [c for c in pull_all(leader)["changes"] if c["id"] == case_id]
    assert pulled["data"]["discussion_participants"] == "镇长、副镇长"


def test_art_60_an_extension_moves_the_due_day_the_console_counts_from(app, world, login):
    officer, leader = login("officer_a"), login("leader_a")
    case_id = approved(world, officer, leader)
    with app.app_context():
        due = db.session.get(Case, uuid.UUID(case_id)).decision_due
    day = today(dt.datetime.now(dt.UTC)).isoformat()
    extend = case_step(
        case_id, "extend_decision", kind="extension", days=30, approved_on=day,
        basis="《市场监督管理行政处罚程序规定》第六十四条", reason="案情复杂",
    )  # fmt: skip
    r = push_one(leader, extend)
    assert r["outcome"] == "applied", r
    with app.app_context():
        case = db.session.get(Case, uuid.UUID(case_id))
        assert case.status == "investigating"
        assert case.decision_due == due + dt.timedelta(days=30)  # the column overdue lists use
    missing = push_one(leader, case_step(case_id, "extend_decision", kind="extension", days=30))
    assert missing["outcome"] == "rejected" and {"reason", "approved_on"} <= set(missing["fields"])
    # The unit's rule (settings) allows one extension of at most 30 days: a second is refused.
    again = case_step(
        case_id, "extend_decision", kind="extension", days=10, approved_on=day, reason="仍需鉴定"
    )
    r = push_one(leader, again)
    assert (r["outcome"], r["reason"], r["times"]) == ("rejected", "extension_beyond_rule", 1), r


def test_art_63_the_hearing_amount_is_the_configured_one_the_case_was_opened_under(
    app, world, login
):
    officer, leader = login("officer_a"), login("leader_a")
    app.config["HEARING_LARGE_FINE_PERSON_YUAN"] = 2_000  # the province's rule, say
    case_id = approved(world, officer, leader)
    app.config["HEARING_LARGE_FINE_PERSON_YUAN"] = 5_000  # changed while the case runs
    officers = [world.users["officer_a"], world.users["leader_a"]]
    assert push_one(officer, inspection(case_id, officers))["outcome"] == "applied"
    day = today(dt.datetime.now(dt.UTC)).isoformat()
    fine = {"kind": "fine", "amount_fen": 3_000_00}
    r = push_one(officer, case_step(case_id, "notify", penalty=fine, notified_on=day))
    assert r["outcome"] == "applied", r
    with app.app_context():
        case = db.session.get(Case, uuid.UUID(case_id))
        assert case.data["hearing_grounds"] == ["large_fine"]
        assert case.data["thresholds"]["large_amount_fen"] == {
            "person": 2_000_00,
            "organisation": 100_000_00,
        }


def test_art_28_56_the_order_to_correct_and_the_preservation_come_back_in_a_pull(app, world, login):
    # Case fields live in the case's JSON data: new ones need no migration to round-trip.
    officer, leader = login("officer_a"), login("leader_a")
    case_id = approved(world, officer, leader)
    day = today(dt.datetime.now(dt.UTC))
    by = (day + dt.timedelta(days=5)).isoformat()
    steps = [
        case_step(
            case_id,
            "order_correction",
            requirements="清除焚烧残留物",
            correct_by=by,
            ordered_on=day.isoformat(),
        ),
        case_step(
            case_id,
            "preserve",
            preserved_on=day.isoformat(),
            items="焚烧工具一套",
            storage_place="执法队物品仓库",
            head_approved=True,
        ),
    ]
    for step in steps:
        assert push_one(officer, step)["outcome"] == "applied"
    [pulled] = [c["data"] for c in pull_all(leader)["changes"] if c["id"] == case_id]
    assert pulled["status"] == "investigating"
    assert pulled["correction_requirements"] == "清除焚烧残留物"
    assert pulled["correct_by"] == by and pulled["correction_ordered_on"] == day.isoformat()
    assert pulled["preservation_place"] == "执法队物品仓库"
    assert pulled["preservation_approved"] is True
    # Set by the step only: a device cannot edit them afterwards.
    edit = mutation("case", case_id, "update", {"correct_by": "2099-01-01"}, base_version=4)
    r = push_one(officer, edit)
    assert (r["outcome"], r["reason"]) == ("rejected", "invalid") and "correct_by" in r["fields"]
    with app.app_context():
        assert db.session.get(Case, uuid.UUID(case_id)).data["correct_by"] == by


def test_another_townships_officer_cannot_open_or_see_a_case(app, world, login):
    clue_id = world.clues["clue_a"]
    created = case_create(clue_id)
    r = push_one(login("officer_b"), created)
    # The clue is not his to find: his case waits for a parent he cannot see (R3),
    # answered as if there were none.
    assert r["outcome"] == "waiting" and r["reason"] == "waiting_parent"
    created = {**created, "id": str(uuid.uuid4())}  # a new mutation, the same case
    assert push_one(login("officer_a"), created)["outcome"] == "applied"
    step = case_step(created["record_id"], "approve_opening")
    assert push_one(login("leader_b"), step)["reason"] == "not_found"
    changes = pull_all(login("officer_b"))["changes"]
    assert not [c for c in changes if c["record_type"] == "case"]


def test_bad_case_fields_are_named_and_nothing_is_stored(app, world, login):
    created = case_create(world.clues["clue_a"], party={"kind": "alien"}, violation_on="soon")
    r = push_one(login("officer_a"), created)
    assert r["outcome"] == "rejected" and r["reason"] == "invalid"
    assert set(r["fields"]) == {"party", "violation_on"}
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count(Case.id))).scalar_one() == 0


def test_a_clue_the_township_holds_no_power_for_goes_to_the_catalogues_department(
    app, world, login
):
    # ZR-001 (land) is empowered in no township: the county department holds it.
    grid = login("grid_a")
    from tests.server.sync_kit import new_clue

    m = new_clue(matter_code="ZR-001")
    assert push_one(grid, m)["outcome"] == "applied"
    dispatcher = login("dispatcher_a")
    r = push_one(
        dispatcher,
        mutation("clue", m["record_id"], "transition", {"name": "transfer", "args": {}}),
    )
    assert r["outcome"] == "applied", r
    # SR-001 is empowered in township A: no transfer.
    own = push_one(
        dispatcher,
        mutation("clue", world.clues["clue_a"], "transition", {"name": "transfer", "args": {}}),
    )
    assert own["reason"] == "empowered_here"
    with app.app_context():
        clue = db.session.get(Clue, uuid.UUID(m["record_id"]))
        assert clue.status == "transferred" and clue.transferred_to.code == "ZRZY"
    # The department now sees it, and nothing else of the township's.
    seen = {c["id"] for c in pull_all(login("department"))["changes"] if c["record_type"] == "clue"}
    assert seen == {m["record_id"]}
    [data] = [c["data"] for c in pull_all(grid)["changes"] if c["id"] == m["record_id"]]
    assert data["status"] == "transferred" and data["transferred_to"] == "ZRZY"


def test_art_24_38_no_case_on_a_matter_the_township_was_not_empowered_for_when_discovered(
    app, world, login
):
    """Arts. 24, 38: a case by a township without the power would be void. ZR-001 (land) is
    empowered in no township: the case is refused, nothing stored, and transfer is the way.
    A grant made after the clue came does not reach back; revoking it after does not undo
    a case the township had the power for."""
    from tests.server.sync_kit import new_clue

    grid, officer, admin = login("grid_a"), login("officer_a"), login("admin_county")
    m = new_clue(matter_code="ZR-001")
    assert push_one(grid, m)["outcome"] == "applied"
    refused = push_one(officer, case_create(m["record_id"], matter_code="ZR-001"))
    assert (refused["outcome"], refused["reason"]) == ("rejected", "not_empowered"), refused
    assert "matter_code" in refused["fields"]
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count(Case.id))).scalar_one() == 0

    town = world.units["town_a"].code
    r = admin.post(f"/api/v1/units/{town}/empowerments", json={"matter_code": "ZR-001"})
    assert r.status_code == 201, r.get_json()
    late = push_one(officer, case_create(m["record_id"], matter_code="ZR-001"))
    assert late["reason"] == "not_empowered", late  # granted after the discovery

    fresh = new_clue(matter_code="ZR-001")
    assert push_one(grid, fresh)["outcome"] == "applied"  # discovered with the grant in force
    r = admin.delete(f"/api/v1/units/{town}/empowerments/ZR-001")
    assert r.status_code in (200, 204), r.get_data(as_text=True)
    kept = push_one(officer, case_create(fresh["record_id"], matter_code="ZR-001"))
    assert kept["outcome"] == "applied", kept
    with app.app_context():
        case = db.session.get(Case, uuid.UUID(kept["record_id"]))
        assert case.data["discovered_on"] == today(case.created_at).isoformat()


def test_art_42_52_on_the_spot_two_officers_decide_and_the_desk_files_it(app, world, login):
    """Art. 42: two certified officers on the spot too; art. 52: the decision is filed (备案)
    with the unit within the days its rules set (SUMMARY_FILING_WORKING_DAYS)."""
    officer, dispatcher = login("officer_a"), login("dispatcher_a")
    with app.app_context():  # the catalogue allows the summary procedure for this matter
        db.session.get(Matter, world.matters["SR-001"].id).summary_procedure_allowed = True
        db.session.commit()
    created = case_create(world.clues["clue_a"], procedure="summary")
    r = push_one(officer, created)
    assert r["outcome"] == "applied", r
    case_id = created["record_id"]
    warning = {"kind": "warning", "amount_fen": 0}
    alone = case_step(
        case_id,
        "decide_on_spot",
        officers=[world.users["officer_a"]],
        penalty=warning,
        certificate_shown=True,
        statement_kind="waived",
    )
    r = push_one(officer, alone)
    assert (r["outcome"], r["reason"]) == ("rejected", "too_few_officers"), r
    both = [world.users["officer_a"], world.users["leader_a"]]
    decided = case_step(
        case_id,
        "decide_on_spot",
        officers=both,
        penalty=warning,
        certificate_shown=True,
        statement_kind="waived",
    )
    assert push_one(officer, decided)["outcome"] == "applied"
    with app.app_context():
        case = db.session.get(Case, uuid.UUID(case_id))
        assert case.data["on_spot_officers"] == both
        decided_on = dt.date.fromisoformat(case.data["decided_on"])
        assert dt.date.fromisoformat(case.data["filing_due"]) > decided_on
    filed = case_step(case_id, "file_summary", filed_on=decided_on.isoformat())
    assert push_one(officer, filed)["reason"] == "forbidden"
    r = push_one(dispatcher, {**filed, "id": str(uuid.uuid4())})
    assert r["outcome"] == "applied", r
    with app.app_context():
        case = db.session.get(Case, uuid.UUID(case_id))
        assert case.data["filed_on"] == decided_on.isoformat() and case.data["filed_late"] is False


def test_art_29_a_second_fine_for_the_same_act_names_the_first_case(app, world, login):
    """Art. 29 on the server's store: the party found by id number in each case's record,
    on SQLite and PostgreSQL alike."""
    officer = login("officer_a")
    with app.app_context():
        db.session.get(Matter, world.matters["SR-001"].id).summary_procedure_allowed = True
        db.session.commit()
    both = [world.users["officer_a"], world.users["leader_a"]]
    fine = {"kind": "fine", "amount_fen": 100_00}
    codes, answers = [], []
    for _ in range(2):
        created = case_create(world.clues["clue_a"], procedure="summary")
        made = push_one(officer, created)
        assert made["outcome"] == "applied", made
        codes.append(made["code"])
        step = case_step(
            created["record_id"],
            "decide_on_spot",
            officers=both,
            penalty=fine,
            certificate_shown=True,
            statement_kind="waived",
        )
        answers.append(push_one(officer, step))
    assert answers[0]["outcome"] == "applied", answers[0]
    assert (answers[1]["outcome"], answers[1]["reason"]) == ("rejected", "fined_twice")
    assert answers[1]["case_code"] == codes[0]


def test_art_44_45_59_62_the_statement_is_heard_rechecked_and_printed_in_the_decision(
    app, world, login
):
    """Arts. 44, 45, 62: the notice keeps the party's period (the unit's setting); no
    decision before it ends unless a statement or waiver is recorded; the statement's
    points, each re-checked and adopted or not, are printed in the decision (陈述、申辩及采纳
    情况); a decision lighter than notified is allowed (art. 45)."""
    app.config["STATEMENT_WORKING_DAYS"] = 3
    officer, leader = login("officer_a"), login("leader_a")
    case_id = opened_case(world, officer, leader)
    day = today(dt.datetime.now(dt.UTC)).isoformat()
    fine = {"kind": "fine", "amount_fen": 500_00}
    assert push_one(officer, case_step(case_id, "notify", penalty=fine, notified_on=day))[
        "outcome"
    ] == ("applied")
    early = push_one(leader, case_step(case_id, "decide", penalty=fine))
    assert (early["outcome"], early["reason"]) == ("rejected", "statement_period_open"), early

    points = [
        {"point": "系初次违法，已自行扑灭", "recheck": "经现场核实属实", "adopted": True},
        {"point": "不知道禁止焚烧", "recheck": "村口设有禁烧公告", "adopted": False},
    ]
    blank = case_step(case_id, "record_statement", received_on=day, kind="written")
    assert push_one(officer, blank)["reason"] == "statement_points"
    bad = case_step(case_id, "record_statement", received_on=day, kind="written",
                    points=[{"point": "无", "adopted": "是"}])  # fmt: skip
    r = push_one(officer, bad)
    assert r["reason"] == "invalid" and set(r["fields"]["points"]["0"]) == {"recheck", "adopted"}
    step = case_step(case_id, "record_statement", received_on=day, kind="written", points=points)
    assert push_one(officer, step)["outcome"] == "applied"
    lighter = {"kind": "fine", "amount_fen": 300_00}
    assert push_one(leader, case_step(case_id, "decide", penalty=lighter))["outcome"] == "applied"

    with app.app_context():
        data = db.session.get(Case, uuid.UUID(case_id)).data
    expected_due = legal.WorkCalendar().add_working_days(dt.date.fromisoformat(day), 3)
    assert (data["statement_days"], data["statement_due"]) == (3, expected_due.isoformat())
    [entry] = data["statements"]
    assert entry["points"] == points and entry["notice_on"] == day

    r = officer.post(f"/api/v1/cases/{case_id}/documents", json={"kind": "penalty_decision"})
    assert r.status_code == 201, r.get_json()
    text = "".join(text_of(officer.get(f"/api/v1/documents/{r.get_json()['id']}.pdf").data).split())
    assert "陈述、申辩（听证）及采纳情况" in text
    assert "系初次违法，已自行扑灭。经复核，经现场核实属实，予以采纳" in text
    assert "不知道禁止焚烧。经复核，村口设有禁烧公告，不予采纳" in text


def test_art_58_a_reviewer_needs_the_legal_qualification_recorded_on_his_account(app, world, login):
    """Art. 58: 初次从事行政处罚决定法制审核的人员，应当…取得法律职业资格. Without the
    certificate's number on the account the review is refused; an admin records it."""
    officer, leader, reviewer = login("officer_a"), login("leader_a"), login("reviewer_a")
    case_id = opened_case(world, officer, leader)
    day = today(dt.datetime.now(dt.UTC)).isoformat()
    fine = {"kind": "fine", "amount_fen": 500_00}
    notify = case_step(case_id, "notify", penalty=fine, notified_on=day)
    assert push_one(officer, notify)["outcome"] == "applied"
    review = case_step(case_id, "approve_review", opinion="事实清楚，证据确凿")
    r = push_one(reviewer, review)
    assert (r["outcome"], r["reason"]) == ("rejected", "reviewer_unqualified"), r
    admin = login("admin_county")
    r = admin.patch(
        f"/api/v1/users/{world.users['reviewer_a']}",
        json={"legal_qualification_no": "A20213301230001"},
    )
    assert r.status_code == 200 and r.get_json()["legal_qualification_no"] == "A20213301230001"
    again = push_one(reviewer, {**review, "id": str(uuid.uuid4())})
    assert again["outcome"] == "applied", again


def test_art_57_a_case_ends_without_a_penalty_on_the_servers_store(app, world, login):
    """Art. 57 on both databases: the ends without a penalty are statuses the case table
    admits (migration 0018); the 90 days stop there."""
    officer, leader = login("officer_a"), login("leader_a")
    case_id = opened_case(world, officer, leader)
    day = today(dt.datetime.now(dt.UTC)).isoformat()
    end = case_step(
        case_id, "decide_no_penalty", ground="first_minor", education="当场教育", decided_on=day
    )
    r = push_one(leader, end)
    assert r["outcome"] == "applied", r
    with app.app_context():
        case = db.session.get(Case, uuid.UUID(case_id))
        assert case.status == "not_penalised" and case.data["education"] == "当场教育"


def test_art_66_67_an_unpaid_fine_is_deferred_in_instalments_each_paid_with_its_receipt(
    app, world, login
):
    """Art. 66: instalments the head approves on the party's application, each paid against
    its receipt's number (arts. 67–70), never a bare "paid"; the demand (催告, 行政强制法
    第五十四条) is refused while the party is not late. Stored and pulled on both databases."""
    officer, leader = login("officer_a"), login("leader_a")
    case_id = decided_case(world, officer, leader)
    day = today(dt.datetime.now(dt.UTC))
    on = day.isoformat()
    step = case_step(case_id, "serve", served_on=on, method="in_person", proof="送达回证")
    assert push_one(officer, step)["outcome"] == "applied"
    demand = case_step(case_id, "demand_payment", served_on=on, method="post", proof="EMS 1")
    assert push_one(officer, demand)["reason"] == "payment_not_overdue"
    bare = push_one(officer, case_step(case_id, "pay", paid_on=on, paid_fen=500_00))
    assert bare["reason"] == "invalid" and "receipt_no" in bare["fields"]

    later = [(day + dt.timedelta(days=n)).isoformat() for n in (10, 40)]
    parts = [{"due_on": later[0], "amount_fen": 200_00}, {"due_on": later[1], "amount_fen": 300_00}]
    plan = case_step(
        case_id,
        "defer_payment",
        applied_on=on,
        approved_on=on,
        reason="经营困难",
        instalments=parts,
    )
    assert push_one(leader, plan)["outcome"] == "applied"
    first = case_step(case_id, "pay_instalment", paid_on=on, paid_fen=200_00, receipt_no="P-1")
    assert push_one(officer, first)["outcome"] == "applied"
    last = case_step(case_id, "pay", paid_on=on, paid_fen=300_00, receipt_no="P-2")
    assert push_one(officer, last)["outcome"] == "applied"

    with app.app_context():
        case = db.session.get(Case, uuid.UUID(case_id))
        assert (
            case.status == "paid"
            and case.data["payment_plan"]["approved_by"] == (world.users["leader_a"])
        )
        assert [p["receipt_no"] for p in case.data["payments"]] == ["P-1", "P-2"]
    [pulled] = [c for c in pull_all(officer)["changes"] if c["id"] == case_id]
    assert pulled["data"]["receipt_no"] == "P-2" and len(pulled["data"]["payments"]) == 2
