"""A case on the phones, by the book: an officer offline on site records the inspection with
his partner (art. 42) and proposes a case; the team leader approves the opening on his phone;
the officer gives the prior notice with the fine in yuan (art. 44) and prints the documents
the server issues from the records. Every step form is built from the workflow."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from server.audit.models import AuditEntry
from server.cases.documents import document_key
from server.cases.models import Case, Collaboration, Inspection, IssuedDocument
from server.clues.models import Clue
from server.core.db import db, next_counter
from sync.cases import today
from tests.e2e.kit import api_login, assign_demo_clue, create, push, user_id
from tests.e2e.phone import camera_jpeg, take_step

pytestmark = pytest.mark.browser


def test_a_case_proposed_offline_on_site_is_opened_notified_and_documented(phones, county):
    app = county.app
    clue_id = assign_demo_clue(county.url, app, "hb_officer1")
    officer = phones("officer")
    officer.start()
    officer.open()
    officer.login("hb_officer1")
    officer.wait_synced()

    # On site, no signal: take the task, inspect with a partner, propose a case.
    officer.offline()
    page = officer.page
    page.goto(officer.url + f"/#/task/{clue_id}")
    page.click("[data-transition=take]")
    page.wait_for_selector("form.handle")
    page.select_option("select[name=co_officer]", label="执法队员 张伟（浙执1010003）")
    page.fill("textarea[name=findings]", "村东稻田有人焚烧秸秆约二十平方米，当事人在场。")
    page.check("input[name=certificates_shown]")
    page.set_input_files(
        "input[name=evidence]",
        files=[{"name": "e.jpg", "mimeType": "image/jpeg", "buffer": camera_jpeg(21)}],
    )
    page.wait_for_selector("form.handle .thumb")
    page.select_option("select[name=outcome]", "case_opened")
    page.wait_for_selector(".case-form")
    # The proposal's form is the workflow's case fields: the facts start from the findings.
    assert page.input_value(".case-form textarea[name=facts]").startswith("村东稻田")
    assert page.input_value(".case-form select[name=procedure]") == "general"
    page.select_option(".case-form select[name='party.kind']", "person")
    page.fill(".case-form input[name='party.name']", "张三")
    page.fill(".case-form input[name='party.id_number']", "330802199001011234")
    page.fill(".case-form input[name='party.address']", "柯城区航埠镇北淤村8号")
    page.fill(".case-form input[name='party.phone']", "13800000000")  # the record asks it
    page.check(".case-form input[name=first_violation]")
    # The party reads the record, the outcome chosen, and signs last (issue 24).
    assert "申请立案" in page.inner_text("[data-record-text]")
    officer.sign()
    page.click("form.handle button[type=submit]:not([disabled])")
    page.wait_for_url("**/#/cases")
    row = page.wait_for_selector("[data-case]:has([data-state=pending])")  # the demo has others
    case_id = row.get_attribute("data-case")
    assert "张三" in row.inner_text()

    # Back in signal: the proposal, the inspection record, the photos, once each.
    officer.offline(False)
    officer.wait_synced()
    officer.sync_now()
    officer.wait_files_held()
    officers = {user_id(app, "hb_officer1"), user_id(app, "hb_officer2")}
    with app.app_context():
        case = db.session.get(Case, uuid.UUID(case_id))
        assert case.status == "proposed" and case.clue_id == uuid.UUID(clue_id)
        assert "-LA-" in case.code and case.data["party"]["name"] == "张三"
        assert case.data["first_violation"] is True and case.data["inspections"] == 1
        [inspection] = db.session.execute(
            sa.select(Inspection).where(Inspection.case_id == case.id)
        ).scalars()
        assert set(inspection.officers) == officers and inspection.certificates_shown
        assert "-JC-" in inspection.code
        clue = db.session.get(Clue, uuid.UUID(clue_id))
        assert (clue.status, clue.handling_outcome) == ("handled", "case_opened")

    # The team leader, on his phone: the step the workflow offers him, one tap.
    leader = phones("leader")
    leader.start()
    leader.open()
    leader.login("hb_leader")
    leader.wait_synced()
    leader.page.goto(leader.url + f"/#/case/{case_id}")
    take_step(leader.page, "approve_opening")
    leader.page.click("[data-action=save-step]:not([disabled])")
    leader.wait_synced()
    with app.app_context():
        case = db.session.get(Case, uuid.UUID(case_id))
        assert case.status == "investigating" and case.decision_due is not None
    # His is the console's case page: beside it the clue's photos, below it the timeline
    # of clue and case from the audit chain, his approval last.
    leader.page.wait_for_selector(
        f"main.console[data-case='{case_id}'] .timeline tr[data-step=approve_opening]"
    )
    steps = leader.page.eval_on_selector_all(
        ".timeline tr[data-step]", "rows => rows.map((r) => r.dataset.step).filter(Boolean)"
    )
    assert steps[-1] == "approve_opening" and "handle" in steps, steps
    assert leader.page.locator(".gallery li[data-evidence]").count() >= 1

    # Five days before the 90 days run out (art. 60) the case is flagged in his inbox, in
    # the workflow's 7-day warning band, whether or not it waits for a step of his.
    with app.app_context():
        case = db.session.get(Case, uuid.UUID(case_id))
        due = (today(dt.datetime.now(dt.UTC)) + dt.timedelta(days=5)).isoformat()
        case.decision_due = dt.date.fromisoformat(due)
        case.data = {**case.data, "decision_due": due}
        case.seq = next_counter("change")  # as every write of a case takes
        db.session.commit()
    leader.sync_now()
    leader.wait_synced()
    leader.page.goto(leader.url + "/#/console")
    leader.page.wait_for_selector(f"tr[data-inbox='{case_id}'] [data-due-soon='7']")
    assert "5" in leader.page.inner_text(f"tr[data-inbox='{case_id}'] [data-due-soon]")

    # The officer sees it opened, with the 90 days' clock (art. 60), and gives the prior
    # notice: a fine typed in yuan, kept in fen.
    officer.sync_now()
    officer.wait_synced()
    page.goto(officer.url + f"/#/case/{case_id}")
    page.wait_for_selector("[data-status=investigating]")
    # Amber as the workflow's warning for that clock says (the 90 days warn from 30 days).
    assert page.get_attribute("[data-fact=decision_due] [data-days-left]", "data-days-left") == "5"
    assert "soon" in page.get_attribute("[data-fact=decision_due] .due", "class")
    # While investigating he corrects the facts, from a form the workflow's edit rules make.
    take_step(page, "[data-action=edit-facts]")
    page.fill(".facts-form textarea[name=facts]", "村口露天焚烧秸秆约三十平方米，现场已扑灭")
    page.check(".facts-form input[name=minor]")
    assert page.locator(".facts-form [name=matter_code]").count() == 0
    page.click("[data-action=save-facts]")
    page.wait_for_selector("[data-fact=facts]:has-text('三十平方米')")
    officer.wait_synced()
    with app.app_context():
        case = db.session.get(Case, uuid.UUID(case_id))
        assert case.data["facts"].startswith("村口露天焚烧秸秆约三十平方米") and case.data["minor"]
    take_step(page, "notify")
    page.select_option(".step-form select[name='penalty.kind']", "fine")
    page.fill(".step-form input[name='penalty.amount_fen']", "500")
    page.click("[data-action=save-step]:not([disabled])")
    officer.wait_synced()
    with app.app_context():
        case = db.session.get(Case, uuid.UUID(case_id))
        assert case.status == "notified"
        assert case.data["proposed_penalty"] == {"kind": "fine", "amount_fen": 500_00}

    # The documents, issued by the server from the records; the phone keeps the very bytes
    # archived, to open and print.
    page.wait_for_selector("[data-status=notified]")
    with app.app_context():
        inspection_id = db.session.execute(
            sa.select(Inspection.id).where(Inspection.case_id == uuid.UUID(case_id))
        ).scalar_one()
    # His partner confirms the record he is named on (art. 42; on his own phone in
    # test_field_app_presence.py): until then the record is not issued.
    assert page.is_disabled(f"[data-issue='inspection_record:{inspection_id}']")
    partner = api_login(county.url, "hb_officer2")
    confirmed = create("inspection", {"name": "confirm_presence", "args": {}}, None)
    confirmed.update(record_id=str(inspection_id), op="transition")
    assert push(partner, county.url, confirmed)[0]["outcome"] == "applied"
    officer.sync_now()
    officer.wait_synced()
    page.wait_for_selector(f"[data-inspection-row='{inspection_id}'] [data-presence=complete]")
    received = {}
    for key in ("prior_notice", f"inspection_record:{inspection_id}"):
        page.wait_for_selector(".toast", state="detached")  # the last step's "saved"
        page.click(f"[data-issue='{key}']")
        page.wait_for_selector(f"[data-pdf='{key}'], .toast")
        assert not page.query_selector(".toast"), page.inner_text(".toast")
        link = page.wait_for_selector(f"[data-pdf='{key}']")
        assert "〔" in link.inner_text()  # the document number, e.g. 航埠镇综执告〔2026〕1号
        with page.expect_download() as download:
            link.click()
        received[key.split(":")[0]] = Path(download.value.path()).read_bytes()
    with app.app_context():
        issued = {
            d.kind: d
            for d in db.session.execute(
                sa.select(IssuedDocument).where(IssuedDocument.case_id == uuid.UUID(case_id))
            ).scalars()
        }
        assert set(issued) == {"prior_notice", "inspection_record"}
        # The party signed on the phone: the inspection record carries it (e-signed).
        assert issued["inspection_record"].party_signing == "signed"
        assert issued["prior_notice"].party_signing is None
        audited = {
            d["sha256"]
            for d in db.session.execute(
                sa.select(AuditEntry.detail).where(AuditEntry.action == "document.issued")
            ).scalars()
        }
        store = app.extensions["evidence_store"]
        for kind, doc in issued.items():
            held = hashlib.sha256(store.read(document_key(doc.id))).hexdigest()
            assert held == doc.sha256 == hashlib.sha256(received[kind]).hexdigest()
            assert held in audited
            assert received[kind].startswith(b"%PDF")


def test_the_officer_sees_the_requests_out_for_his_case_by_department_name(phones, county):
    """The demo's case with a collaboration request (seeds 004): on the phone, read-only,
    the department by name and its clock; asking and answering are the desk's."""
    app = county.app
    with app.app_context():
        request = db.session.execute(
            sa.select(Collaboration).where(Collaboration.code.like("330802101-%"))
        ).scalar_one()
        case_id = str(request.case_id)
    officer = phones("officer")
    page = officer.enter("hb_officer1")
    page.goto(officer.url + f"/#/case/{case_id}")
    row = page.wait_for_selector(f"[data-collaboration='{request.id}']")
    assert "区自然资源和规划局" in row.inner_text() and "认定" in row.inner_text()
    assert row.query_selector("[data-days-left]") is not None
    assert page.locator("[data-action=new-collaboration]").count() == 0


def test_the_leader_decides_a_fine_by_the_level_of_the_published_standard(phones, county):
    """Art. 34: the demo's notified case is of a matter with a published discretion
    standard; the decision form offers its levels with their ranges, and the case keeps the
    one chosen. Arts. 45, 62: the decision waits for the party's period unless its statement
    is recorded: here, a point the party made and its re-check, on the form the workflow's
    list of points makes."""
    app = county.app
    with app.app_context():
        case = db.session.execute(
            sa.select(Case).where(Case.status == "notified", Case.code.like("330802101-%"))
        ).scalar_one()
        case_id = str(case.id)
    leader = phones("leader")
    page = leader.enter("hb_leader")
    page.goto(leader.url + f"/#/case/{case_id}")
    page.wait_for_selector("[data-fact=statement_due]")
    take_step(page, "record_statement")
    page.select_option(".step-form select[name=kind]", "oral")
    page.click(".step-form [data-action=add-item]")
    page.fill(".step-form [data-item='0'] textarea[name='points.point']", "初次违法，已自行扑灭")
    page.fill(".step-form [data-item='0'] textarea[name='points.recheck']", "经核实属实")
    page.check(".step-form [data-item='0'] input[name='points.adopted']")
    page.click("[data-action=save-step]:not([disabled])")
    leader.wait_synced()  # the server appends the statement (sync.cases.record_statement)
    page.wait_for_selector("[data-fact=statements]:has-text('初次违法')")
    take_step(page, "decide")
    select = ".step-form select[name=discretion_level]"
    options = page.locator(f"{select} option").all_inner_texts()
    assert any("较轻" in o and "100–500" in o for o in options), options
    page.select_option(select, "较轻")
    page.click("[data-action=save-step]:not([disabled])")
    leader.wait_synced()
    with app.app_context():
        decided = db.session.get(Case, uuid.UUID(case_id))
        assert decided.status == "decided", decided.status
        [statement] = decided.data["statements"]
        assert statement["points"] == [
            {"point": "初次违法，已自行扑灭", "recheck": "经核实属实", "adopted": True}
        ]
        assert decided.data["discretion"]["level"] == "较轻"
