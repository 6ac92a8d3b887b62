# ruff: noqa: F811 (the app fixture is imported: a weekends-only working calendar)
"""Documents issued from a case through the API: numbered, rendered from the records, kept
byte for byte with their SHA-256 in the audit chain, read back by text extraction
(pdftotext), issued once, and only to those who may see the case."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid

import sqlalchemy as sa

from server.audit.models import AuditEntry
from server.catalogue.models import Matter
from server.core.db import db
from server.documents.text import date_text
from sync import legal
from sync.cases import today
from tests.server.calendar_kit import app  # noqa: F401 (a weekends-only calendar)
from tests.server.case_kit import case_step, decided_case, opened_case, waive
from tests.server.documents_kit import text_of
from tests.server.evidence_kit import evidence_mutation, phone_photo, sha
from tests.server.evidence_kit import upload as send
from tests.server.sync_kit import mutation, push_one


def issue(session, case_id, **body):
    return session.post(f"/api/v1/cases/{case_id}/documents", json=body)


def proved_by_its_hash(app, session, doc: dict) -> str:
    """The text of the bytes served, once their SHA-256 is the one the document and its
    ``document.issued`` audit entry hold, and they show the township's name, the party's,
    the number and the act code."""
    pdf = session.get(f"/api/v1/documents/{doc['id']}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    served = hashlib.sha256(pdf.data).hexdigest()
    with app.app_context():
        entries = db.session.execute(
            sa.select(AuditEntry).where(AuditEntry.action == "document.issued")
        ).scalars()
        [entry] = [e for e in entries if e.detail["document"] == doc["id"]]
        assert entry.detail["sha256"] == served == doc["sha256"]
        assert entry.record_id == doc["case_id"] and entry.detail["act_code"] == doc["act_code"]
    text = text_of(pdf.data)
    for expected in ("大柘镇人民政府", "张三", doc["doc_number"], doc["act_code"]):
        assert expected in text, expected
    return text


def issued_once(session, case_id, kind: str, act: str, prefix: str) -> dict:
    """Issue ``kind`` of the case: numbered with its 文书代字, its act code with its letters;
    asked again, the same document."""
    r = issue(session, case_id, kind=kind)
    assert r.status_code == 201, r.get_json()
    doc = r.get_json()
    assert legal.check_act_code(doc["act_code"]) and f"-{act}-" in doc["act_code"]
    assert doc["doc_number"].startswith(f"大柘镇综执{prefix}〔")
    again = issue(session, case_id, kind=kind)
    assert again.status_code == 200 and again.get_json()["id"] == doc["id"]
    return doc


def nothing_issued(app) -> bool:
    with app.app_context():
        return not db.session.execute(
            sa.select(sa.func.count()).where(AuditEntry.action == "document.issued")
        ).scalar_one()


def not_yet(session, case_id, kind: str) -> None:
    r = issue(session, case_id, kind=kind)
    assert r.status_code == 409 and r.get_json()["error"] == "not_yet", r.get_json()
    assert "kind" in r.get_json()["fields"]


def test_a_penalty_decision_is_issued_once_archived_and_proved_by_its_hash(app, world, login):
    officer, leader = login("officer_a"), login("leader_a")
    case_id = decided_case(world, officer, leader)
    r = issue(officer, case_id, kind="penalty_decision")
    assert r.status_code == 201, r.get_json()
    doc = r.get_json()
    assert legal.check_act_code(doc["act_code"]) and "-CF-" in doc["act_code"]
    assert doc["doc_number"].startswith("大柘镇综执罚决〔")

    pdf = officer.get(f"/api/v1/documents/{doc['id']}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert hashlib.sha256(pdf.data).hexdigest() == doc["sha256"]
    text = text_of(pdf.data)
    for expected in (
        "大柘镇人民政府",
        "行政处罚决定书",
        "张三",
        "330000199001011234",
        "伍佰元整",
        doc["act_code"],
        "遂昌县人民政府",
        "遂昌县人民法院",
    ):
        assert expected in text, expected
    # The party's waiver (arts. 45, 62), as the case recorded it.
    assert "明确放弃陈述、申辩权利" in "".join(text.split())
    # Art. 48: the public copy masks the person's name and drops the ID number.
    public = officer.get(f"/api/v1/documents/{doc['id']}.pdf?public=1")
    public_text = text_of(public.data)
    assert "张三" not in public_text and "330000199001011234" not in public_text
    assert hashlib.sha256(public.data).hexdigest() == doc["public_sha256"]

    with app.app_context():
        [entry] = (
            db.session.execute(sa.select(AuditEntry).where(AuditEntry.action == "document.issued"))
            .scalars()
            .all()
        )
        assert entry.detail["sha256"] == doc["sha256"] and entry.record_id == case_id
        assert entry.detail["act_code"] == doc["act_code"]

    # Asked again: the same document, the same number; never a second one.
    again = issue(leader, case_id, kind="penalty_decision")
    assert again.status_code == 200 and again.get_json()["id"] == doc["id"]


def test_art_34_a_fine_by_the_published_standard_says_its_level_in_the_decision(app, world, login):
    """The catalogue publishes the matter's discretion standard (art. 34): the notice and
    the decision name the level, the fine lies within it, and the decision gives it."""
    with app.app_context():
        matter = db.session.execute(sa.select(Matter).where(Matter.code == "SR-001")).scalar_one()
        matter.discretion = [
            {"level": "较轻", "condition": "首次违法，及时改正", "fine_fen": [200_00, 800_00]},
            {"level": "较重", "condition": "经劝阻拒不改正", "fine_fen": [800_00, 2_000_00]},
        ]
        db.session.commit()
    officer, leader = login("officer_a"), login("leader_a")
    case_id = opened_case(world, officer, leader)
    day = today(dt.datetime.now(dt.UTC)).isoformat()
    fine = {"kind": "fine", "amount_fen": 500_00}
    bare = push_one(officer, case_step(case_id, "notify", penalty=fine, notified_on=day))
    assert bare["outcome"] == "rejected" and bare["reason"] == "discretion_level_required"
    wrong = case_step(case_id, "notify", penalty=fine, notified_on=day, discretion_level="较重")
    refused = push_one(officer, wrong)
    assert refused["reason"] == "outside_discretion" and "penalty" in refused["fields"]
    right = case_step(case_id, "notify", penalty=fine, notified_on=day, discretion_level="较轻")
    assert push_one(officer, right)["outcome"] == "applied"
    waive(officer, case_id, day)
    decide = case_step(case_id, "decide", penalty=fine, discretion_level="较轻")
    assert push_one(leader, decide)["outcome"] == "applied"

    r = issue(officer, case_id, kind="penalty_decision")
    assert r.status_code == 201, r.get_json()
    text = "".join(text_of(officer.get(f"/api/v1/documents/{r.get_json()['id']}.pdf").data).split())
    assert "裁量基准“较轻”阶次" in text and "200.00元至800.00元" in text


def test_art_31_32_the_grounds_recorded_choose_the_level_and_the_decision_prints_them(
    app, world, login
):
    """Art. 32: a party who removed the harm of his own accord is penalised lighter (the
    lightest level, or below it); the level the grounds exclude is refused naming the field,
    and the decision gives the grounds and the lightening among its reasons."""
    with app.app_context():
        matter = db.session.execute(sa.select(Matter).where(Matter.code == "SR-001")).scalar_one()
        matter.discretion = [
            {"level": "较轻", "condition": "首次违法，及时改正", "fine_fen": [200_00, 800_00]},
            {"level": "较重", "condition": "经劝阻拒不改正", "fine_fen": [800_00, 2_000_00]},
        ]
        db.session.commit()
    officer, leader = login("officer_a"), login("leader_a")
    case_id = opened_case(world, officer, leader, circumstances=["eliminated_harm"])
    day = today(dt.datetime.now(dt.UTC)).isoformat()
    heavy = {"kind": "fine", "amount_fen": 1_000_00}
    step = case_step(case_id, "notify", penalty=heavy, notified_on=day, discretion_level="较重")
    refused = push_one(officer, step)
    assert refused["reason"] == "circumstances_level" and "discretion_level" in refused["fields"]
    light = {"kind": "fine", "amount_fen": 100_00}  # below the 200-yuan floor: 减轻
    step = case_step(case_id, "notify", penalty=light, notified_on=day, discretion_level="较轻")
    assert push_one(officer, step)["outcome"] == "applied"
    waive(officer, case_id, day)
    decide = case_step(case_id, "decide", penalty=light, discretion_level="较轻")
    assert push_one(leader, decide)["outcome"] == "applied"

    r = issue(officer, case_id, kind="penalty_decision")
    assert r.status_code == 201, r.get_json()
    text = "".join(text_of(officer.get(f"/api/v1/documents/{r.get_json()['id']}.pdf").data).split())
    assert "主动消除或者减轻违法行为危害后果（第三十二条第一项）" in text
    assert "依法减轻处罚" in text


def test_art_9_a_fine_and_a_confiscation_are_notified_decided_and_printed_together(
    app, world, login
):
    """Art. 9 (并处): the notice and the decision carry both penalties, each a line."""
    officer, leader = login("officer_a"), login("leader_a")
    case_id = opened_case(world, officer, leader)
    day = today(dt.datetime.now(dt.UTC)).isoformat()
    fine = {"kind": "fine", "amount_fen": 500_00}
    gains = [{"kind": "confiscate_gains", "amount_fen": 120_00}]
    step = case_step(case_id, "notify", penalty=fine, additional=gains, notified_on=day)
    assert push_one(officer, step)["outcome"] == "applied"
    waive(officer, case_id, day)
    decide = case_step(case_id, "decide", penalty=fine, additional=gains)
    assert push_one(leader, decide)["outcome"] == "applied"
    for kind in ("prior_notice", "penalty_decision"):
        r = issue(officer, case_id, kind=kind)
        assert r.status_code == 201, r.get_json()
        pdf = officer.get(f"/api/v1/documents/{r.get_json()['id']}.pdf").data
        text = "".join(text_of(pdf).split())
        assert "1.罚款" in text and "2.没收违法所得（120.00元）" in text, (kind, text)


def test_enforcement_law_art_35_54_the_demand_to_pay_is_printed_once_the_party_is_late(
    app, world, login, monkeypatch
):
    """行政强制法 第三十五条: the written demand (催告书) says the time to pay, how, the amount
    and the right to state and defend. Issued only after the demand is recorded, which
    itself waits until the day to pay has passed (the clock moved 20 days on)."""
    import server.sync_api.push as push

    officer, leader = login("officer_a"), login("leader_a")
    case_id = decided_case(world, officer, leader)
    now = dt.datetime.now(dt.UTC)
    on = today(now).isoformat()
    step = case_step(case_id, "serve", served_on=on, method="in_person", proof="送达回证")
    assert push_one(officer, step)["outcome"] == "applied"
    assert issue(officer, case_id, kind="payment_demand").status_code == 409
    later = now + dt.timedelta(days=20)
    monkeypatch.setattr(push, "utcnow", lambda: later)
    demand = case_step(
        case_id, "demand_payment", served_on=today(later).isoformat(), method="post", proof="EMS 1"
    )
    assert push_one(officer, demand)["outcome"] == "applied"
    r = issue(officer, case_id, kind="payment_demand")
    assert r.status_code == 201, r.get_json()
    text = "".join(text_of(officer.get(f"/api/v1/documents/{r.get_json()['id']}.pdf").data).split())
    for expected in ("催告书", "伍佰元", "十个工作日内", "陈述和申辩", "申请人民法院强制执行"):
        assert expected in text, expected


def test_the_prior_notice_says_whether_a_hearing_may_be_asked_for(app, world, login):
    officer, leader = login("officer_a"), login("leader_a")
    case_id = decided_case(world, officer, leader)
    r = issue(officer, case_id, kind="prior_notice")
    assert r.status_code == 201, r.get_json()
    text = text_of(officer.get(f"/api/v1/documents/{r.get_json()['id']}.pdf").data)
    assert "行政处罚事先告知书" in text and "陈述" in text and "伍佰元" in text


def test_an_inspection_record_names_both_officers_and_the_refusal_to_sign(app, world, login):
    officer, leader = login("officer_a"), login("leader_a")
    case_id = decided_case(world, officer, leader)
    with app.app_context():
        from server.cases.models import Inspection

        record = db.session.execute(sa.select(Inspection)).scalar_one()
        inspection_id, code = str(record.id), record.code
    r = issue(officer, case_id, kind="inspection_record", inspection_id=inspection_id)
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["act_code"] == code  # the record's own act code
    text = text_of(officer.get(f"/api/v1/documents/{r.get_json()['id']}.pdf").data)
    assert "现场检查（勘验）笔录" in text
    assert "ZJ-officer_a" in text and "ZJ-leader_a" in text  # both certificates
    assert "拒绝签名" in text or "拒签" in text or "当事人拒绝" in text


def test_a_document_the_records_cannot_fill_names_what_is_missing(app, world, login):
    officer, leader = login("officer_a"), login("leader_a")
    case_id = decided_case(world, officer, leader, party={"kind": "person", "name": "李四"})
    r = issue(officer, case_id, kind="penalty_decision")
    assert r.status_code == 422
    assert "party.address" in r.get_json()["fields"]
    assert nothing_issued(app)


def test_documents_follow_the_case_not_before_its_step_and_not_to_others(app, world, login):
    officer, leader = login("officer_a"), login("leader_a")
    clue_id = world.clues["clue_a"]
    created = mutation(
        "case",
        uuid.uuid4(),
        "create",
        {
            "procedure": "general",
            "matter_code": "SR-001",
            "party": {"kind": "person", "name": "王五", "address": "大柘村"},
            "facts": "焚烧秸秆",
            "violation_on": today(dt.datetime.now(dt.UTC)).isoformat(),
        },
        parent_id=clue_id,
    )
    assert push_one(officer, created)["outcome"] == "applied"
    case_id = created["record_id"]
    # Not decided: no decision to issue.
    r = issue(officer, case_id, kind="penalty_decision")
    assert r.status_code == 409 and "kind" in r.get_json()["fields"]
    # Another township, a grid worker, an unknown case.
    assert issue(login("officer_b"), case_id, kind="prior_notice").status_code == 404
    assert issue(login("grid_a"), case_id, kind="prior_notice").status_code == 403
    assert issue(officer, uuid.uuid4(), kind="prior_notice").status_code == 404
    bad = issue(officer, case_id, kind="birthday_card")
    assert bad.status_code == 422 and "kind" in str(bad.get_json())
    # A decided case's document is not readable from another township.
    decided = decided_case(world, officer, leader)
    doc = issue(officer, decided, kind="penalty_decision").get_json()
    assert login("officer_b").get(f"/api/v1/documents/{doc['id']}.pdf").status_code == 404
    assert login("grid_a").get(f"/api/v1/documents/{doc['id']}.pdf").status_code == 404


def test_a_transferred_clue_gets_its_transfer_letter_in_the_townships_name(app, world, login):
    from tests.server.sync_kit import new_clue

    grid, dispatcher = login("grid_a"), login("dispatcher_a")
    m = new_clue(matter_code="ZR-001")
    push_one(grid, m)
    r = dispatcher.post(f"/api/v1/clues/{m['record_id']}/transfer-letter")
    assert r.status_code == 409  # not transferred yet
    step = mutation("clue", m["record_id"], "transition", {"name": "transfer", "args": {}})
    assert push_one(dispatcher, step)["outcome"] == "applied"
    r = dispatcher.post(f"/api/v1/clues/{m['record_id']}/transfer-letter")
    assert r.status_code == 201, r.get_json()
    doc = r.get_json()
    assert "-YS-" in doc["act_code"]
    text = text_of(dispatcher.get(f"/api/v1/documents/{doc['id']}.pdf").data)
    assert "案件移送书" in text and "县自然资源和规划局" in text and "大柘镇人民政府" in text
    # The department it went to may read it.
    assert login("department").get(f"/api/v1/documents/{doc['id']}.pdf").status_code == 200


def test_art_56_the_preservation_notice_lists_what_was_kept_once_it_was_preserved(
    app, world, login
):
    officer, leader = login("officer_a"), login("leader_a")
    case_id = opened_case(world, officer, leader)
    not_yet(officer, case_id, "preservation_notice")
    day = today(dt.datetime.now(dt.UTC)).isoformat()
    step = case_step(
        case_id,
        "preserve",
        preserved_on=day,
        items="焚烧工具一套\n未燃尽的秸秆 约20千克",
        storage_place="大柘镇综合行政执法队物品仓库",
        head_approved=True,
    )
    assert push_one(officer, step)["outcome"] == "applied"
    doc = issued_once(officer, case_id, "preservation_notice", "DB", "登存")
    text = proved_by_its_hash(app, leader, doc)
    for expected in (
        "证据先行登记保存通知书",
        "露天焚烧秸秆",
        "焚烧工具",
        "一套",
        "未燃尽的秸秆",
        "约20千克",
        "大柘镇综合行政执法队物品仓库",
        "ZJ-officer_a",  # the officers of the inspection record, both
        "ZJ-leader_a",
        date_text(day),
    ):
        assert expected in text, expected


def test_a_preservation_notice_is_not_issued_without_the_place_the_approval_and_quantities(
    app, world, login
):
    officer, leader = login("officer_a"), login("leader_a")
    case_id = opened_case(world, officer, leader)
    day = today(dt.datetime.now(dt.UTC)).isoformat()
    step = case_step(case_id, "preserve", preserved_on=day, items="焚烧工具\n秸秆 约20千克")
    assert push_one(officer, step)["outcome"] == "applied"
    r = issue(officer, case_id, kind="preservation_notice")
    assert r.status_code == 422 and r.get_json()["error"] == "document_incomplete"
    assert set(r.get_json()["fields"]) == {"storage_place", "approved", "items[0].quantity"}
    assert nothing_issued(app)


def test_art_28_the_order_to_correct_says_what_to_correct_and_by_when(app, world, login):
    officer, leader = login("officer_a"), login("leader_a")
    case_id = opened_case(world, officer, leader)
    not_yet(officer, case_id, "correction_order")
    day = today(dt.datetime.now(dt.UTC))
    by = (day + dt.timedelta(days=3)).isoformat()
    step = case_step(
        case_id,
        "order_correction",
        requirements="清除焚烧残留物，恢复村口路面整洁",
        correct_by=by,
        ordered_on=day.isoformat(),
    )
    assert push_one(officer, step)["outcome"] == "applied"
    doc = issued_once(leader, case_id, "correction_order", "ZG", "责改")
    text = proved_by_its_hash(app, officer, doc)
    for expected in (
        "责令改正通知书",
        "清除焚烧残留物，恢复村口路面整洁",
        f"{date_text(by)}前改正",
        "第二十八条",
        "陈述、申辩",
    ):
        assert expected in text, expected


def test_art_44_45_52_an_on_the_spot_fine_hears_the_party_and_prints_where_to_pay(
    app, world, login
):
    """Art. 52: the decision handed over on the spot; for a fine it says where it is paid
    (art. 67), and it names the two officers (art. 42). It answered 422 (payment.bank)."""
    officer = login("officer_a")
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
            "party": {"kind": "person", "name": "张三", "id_number": "330000199001011234"},
            "facts": "在大柘村村口露天焚烧秸秆",
            "violation_on": today(dt.datetime.now(dt.UTC)).isoformat(),
        },
        parent_id=world.clues["clue_a"],
    )
    assert push_one(officer, created)["outcome"] == "applied"
    case_id = created["record_id"]
    both = [world.users["officer_a"], world.users["leader_a"]]
    fine = {"kind": "fine", "amount_fen": 100_00}
    unheard = case_step(
        case_id, "decide_on_spot", officers=both, penalty=fine, certificate_shown=True
    )
    refused = push_one(officer, unheard)
    assert refused["reason"] == "invalid" and "statement_kind" in refused["fields"]
    # Arts. 44, 45: heard on the spot, his point re-checked; no period is waited for.
    point = {"point": "只烧了一点落叶", "recheck": "现场过火面积约二十平方米", "adopted": False}
    step = case_step(
        case_id,
        "decide_on_spot",
        officers=both,
        penalty=fine,
        certificate_shown=True,
        statement_kind="oral",
        statement_points=[point],
    )
    assert push_one(officer, step)["outcome"] == "applied"
    # Art. 42: not in both names before the second officer confirms he was there (issue 23).
    r = issue(officer, case_id, kind="summary_decision", party_refusal="当事人拒绝签收")
    assert r.status_code == 409 and r.get_json()["error"] == "awaiting_confirmation"
    assert (
        push_one(login("leader_a"), case_step(case_id, "confirm_on_spot"))["outcome"] == "applied"
    )
    r = issue(officer, case_id, kind="summary_decision", party_refusal="当事人拒绝签收")
    assert r.status_code == 201, r.get_json()
    text = text_of(officer.get(f"/api/v1/documents/{r.get_json()['id']}.pdf").data)
    assert "缴" in text and "壹佰元" in text, text
    flat = "".join(text.split())
    assert "口头提出陈述、申辩" in flat and "只烧了一点落叶" in flat and "不予采纳" in flat
    with app.app_context():
        from server.accounts.models import User

        names = [db.session.get(User, u).display_name for u in both]
    assert all(name in text for name in names), (names, text)


def _two_photos(grid, clue_id) -> tuple[bytes, bytes]:
    """Two photos recorded on the clue; only the first one's file reaches the server."""
    sent, lost = phone_photo(800, 600, seed=11), phone_photo(640, 480, seed=12)
    records = [evidence_mutation(clue_id, sent), evidence_mutation(clue_id, lost)]
    for m in records:
        assert push_one(grid, m)["outcome"] == "applied"
    assert send(grid, records[0]["record_id"], sent).status_code == 204
    return sent, lost


def test_a_decision_lists_only_photos_the_server_holds_and_names_the_missing(app, world, login):
    officer, leader = login("officer_a"), login("leader_a")
    sent, lost = _two_photos(login("grid_a"), world.clues["clue_a"])
    case_id = decided_case(world, officer, leader)

    doc = issue(officer, case_id, kind="penalty_decision").get_json()

    text = text_of(officer.get(f"/api/v1/documents/{doc['id']}.pdf").data)
    assert sha(sent)[:16] in text
    assert sha(lost)[:16] not in text
    assert "服务器尚未收到" in text and "尚未上传" in text


def test_a_transfer_letter_attaches_only_files_the_server_holds(app, world, login):
    from tests.server.sync_kit import new_clue

    grid, dispatcher = login("grid_a"), login("dispatcher_a")
    m = new_clue(matter_code="ZR-001")
    push_one(grid, m)
    sent, lost = _two_photos(grid, m["record_id"])
    step = mutation("clue", m["record_id"], "transition", {"name": "transfer", "args": {}})
    assert push_one(dispatcher, step)["outcome"] == "applied"

    r = dispatcher.post(f"/api/v1/clues/{m['record_id']}/transfer-letter")

    assert r.status_code == 201, r.get_json()
    text = text_of(dispatcher.get(f"/api/v1/documents/{r.get_json()['id']}.pdf").data)
    assert "共2件" in text  # the clue's record and the one photo received
    assert sha(sent)[:16] in text
    assert sha(lost)[:16] not in text
    assert "未随本移送书移送" in text


def test_an_inspection_record_lists_the_photos_taken_during_it_and_the_signature(app, world, login):
    """Issue 24: the officer's photo and the party's signature were held and the record
    said 「现场照片及其他证据：无」."""
    from sync.cases import CHINA
    from tests.server.case_kit import PARTY, case_create, confirm, inspection

    officer, leader, grid = login("officer_a"), login("leader_a"), login("grid_a")
    clue_id = world.clues["clue_a"]
    created = case_create(clue_id, party=PARTY)
    assert push_one(officer, created)["outcome"] == "applied"
    case_id = created["record_id"]
    assert push_one(leader, case_step(case_id, "approve_opening"))["outcome"] == "applied"
    record = inspection(case_id, [world.users["officer_a"], world.users["leader_a"]])
    assert push_one(officer, record)["outcome"] == "applied"
    assert push_one(leader, confirm(record["record_id"]))["outcome"] == "applied"
    started = dt.datetime.fromisoformat(record["payload"]["started_at"])

    reported = phone_photo(640, 480, seed=31)  # the grid worker's, days before: not this record's
    on_site = phone_photo(800, 600, seed=32)
    signature = phone_photo(300, 120, seed=33, fmt="PNG", orientation=None, taken=None, gps=None)
    during = started + dt.timedelta(minutes=5)
    signed = started + dt.timedelta(minutes=18)
    made = [
        (grid, evidence_mutation(clue_id, reported), reported),
        (officer, evidence_mutation(clue_id, on_site, captured_at=during), on_site),
        (officer, evidence_mutation(clue_id, signature, media_type="image/png", captured_at=signed),
         signature),
    ]  # fmt: skip
    for session, m, data in made:
        assert push_one(session, m)["outcome"] == "applied"
        assert send(session, m["record_id"], data).status_code == 204

    r = issue(officer, case_id, kind="inspection_record", inspection_id=record["record_id"],
              party_signature=sha(signature))  # fmt: skip
    assert r.status_code == 201, r.get_json()
    text = text_of(officer.get(f"/api/v1/documents/{r.get_json()['id']}.pdf").data)
    evidence = text.split("现场照片及其他证据")[1]
    assert not evidence.lstrip().startswith("无")
    assert sha(on_site)[:16] in evidence and sha(signature)[:16] in evidence
    assert sha(reported)[:16] not in evidence
    assert "当事人签名" in evidence
    # The record keeps the inspection's real span: 20 minutes, not one.
    end = started + dt.timedelta(minutes=20)
    assert f"至{end.astimezone(CHINA).hour}时{end.minute:02d}分" in text
